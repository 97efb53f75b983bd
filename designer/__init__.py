"""Connector Designer: design, initialize and share API connectors offline."""

__version__ = "0.1.0"
