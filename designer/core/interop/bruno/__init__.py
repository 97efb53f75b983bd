"""Bruno collections (folders of ``.bru`` files): import and export."""
