"""Import and export: portable bundles, OpenAPI, Postman, HAR, Insomnia, Bruno and cURL.

One module per format; :mod:`.source` reads documents safely for all of them,
:mod:`.detect` tells formats apart, and :mod:`.merge` merges what an importer
read into a workspace. :mod:`.service` is the entry point the CLI and the GUI use.

The export formats are named here, without importing any format's module, so
the command line can list them cheaply.
"""

#: The formats ``export`` writes, and how messages name what was written.
EXPORT_LABELS = {
    "bundle": "a bundle",
    "openapi": "OpenAPI 3.1",
    "postman": "a Postman collection",
    "curl": "curl commands",
    "jsonschema": "a JSON Schema",
    "python": "a typed Python client",
    "insomnia": "an Insomnia v5 collection",
    "bruno": "a Bruno collection folder",
}
#: The formats whose export is a folder of files rather than one file.
FOLDER_FORMATS = ("bruno",)
EXPORT_FORMATS = tuple(EXPORT_LABELS)
