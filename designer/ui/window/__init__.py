"""The main window and what it owns: menus, commands, the open document, edits,
files, recovery, environments and the mock control.
"""
