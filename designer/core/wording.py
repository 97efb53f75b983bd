"""How counts read in messages, the same in the command line and the app."""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, word: str) -> str:
    """``1 call``, ``3 calls``: a count with its noun (regular plurals only)."""
    return f"{n} {word}{'' if n == 1 else 's'}"
