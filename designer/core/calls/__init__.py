"""Calls: the one send-and-infer service (build, authenticate, send, infer) that every
caller uses: Initialize in the CLI and the app, check, GraphQL introspection, the mock.
"""
