"""Postman collections v2.0/v2.1 and environment files: import and export."""
