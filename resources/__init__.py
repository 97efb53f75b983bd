"""Data files shipped with the application, importable as ``designer.resources``."""
