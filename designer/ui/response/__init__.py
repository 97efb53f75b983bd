"""The response panel: Initialize a call and read what came back.

:mod:`.panel` holds the widget the application shell embeds; the other
modules are its parts. :mod:`.pretty` has no Qt on purpose, because it runs in
worker processes, and this package's import must stay as light as that.
"""
