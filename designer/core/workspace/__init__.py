"""The workspace on disk: its file format, saving under a lock, and reading connectors
from a workspace file or a bundle.
"""
