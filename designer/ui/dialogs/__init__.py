"""Dialogs opened from the main window: check, listen, network settings, secrets."""
