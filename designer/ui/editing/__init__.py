"""The open workspace being edited: the document, its undo commands and the edits built on them.

Everything that changes the workspace goes through here: editors, the tree, the
import and update flows and the window all push these commands. It builds on
the core only, so every other part of the interface may use it.
"""
