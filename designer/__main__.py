"""``python -m designer`` and the ``connector-designer`` console script."""

from __future__ import annotations

from . import cli


def main() -> None:
    raise SystemExit(cli.main())


if __name__ == "__main__":
    main()
