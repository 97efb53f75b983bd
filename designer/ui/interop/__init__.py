"""File ▸ Import… and File ▸ Export…: bundles, OpenAPI, Postman, HAR, Insomnia, Bruno and cURL.

The flows read, merge and write through :mod:`designer.core.interop.service`;
this package only asks (file dialogs, the import preview, the export choices)
and applies the result as one undoable edit. Nothing here imports Qt at
package level: worker processes import :mod:`.jobs` from it.
"""
