"""Entry script of the frozen application: the same ``main`` as the console script."""

from designer.__main__ import main

if __name__ == "__main__":
    main()
