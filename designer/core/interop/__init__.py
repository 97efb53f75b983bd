"""Import and export: portable bundles, OpenAPI, Postman, HAR, Insomnia and cURL.

One module per format; :mod:`.source` reads documents safely for all of them,
:mod:`.detect` tells formats apart, and :mod:`.merge` merges what an importer
read into a workspace. :mod:`.api` is the entry point the CLI and the GUI use.
"""
