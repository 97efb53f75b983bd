"""Infrastructure of the UI: background operations and workers, signals, error
reporting, settings, style, icons, focus and naming.
"""
