"""The plain-Python core of Connector Designer.

Nothing in this package imports Qt: models, file formats, request building,
HTTP execution, response-structure inference, secrets and import/export all
live here so that the CLI, the tests and the GUI share one implementation.
"""
