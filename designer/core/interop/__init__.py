"""Import and export: portable bundles, OpenAPI, Postman, HAR, Insomnia, Bruno and cURL.

One module per format; :mod:`.source` reads documents safely for all of them,
:mod:`.detect` tells formats apart, and :mod:`.merge` merges what an importer
read into a workspace. :mod:`.service` is the entry point the CLI and the GUI use.

The formats are named in :mod:`.formats`, one table that imports no format's
module, so the command line can list them cheaply.
"""

from designer.core.interop.formats import EXPORTS, by_key

#: The formats ``export`` writes, and how messages name what was written.
EXPORT_LABELS = {key: by_key(key).exported_as for key in EXPORTS}
#: The formats whose export is a folder of files rather than one file.
FOLDER_FORMATS = tuple(key for key in EXPORTS if by_key(key).folder)
EXPORT_FORMATS = EXPORTS
