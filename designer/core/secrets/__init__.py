"""Secrets: the store behind one interface, the keychain, where a secret comes from, and
which names carry one. Below HTTP: requests are built with secrets, never the reverse.
"""
