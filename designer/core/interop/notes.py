"""Import notes that stay readable: one line per kind of remark, however often it occurs.

A remark made at many places of a document (an undefined security scheme
named by 357 operations, say) is one line with the count and the first few
places, never one line per occurrence.
"""

from __future__ import annotations

__all__ = ["FIRST_PLACES", "Notes"]

#: How many places a grouped note names before "and N more".
FIRST_PLACES = 3


class Notes(set[str]):
    """Remarks of one import: plain lines (``add``) and grouped ones (``at``)."""

    def __init__(self) -> None:
        super().__init__()
        self.places: dict[str, list[str]] = {}

    def at(self, kind: str, where: str) -> None:
        """Remark ``kind`` (a phrase that reads after "at N places:") about ``where``."""
        places = self.places.setdefault(kind, [])
        if where not in places:
            places.append(where)

    def lines(self, *others: set[str]) -> list[str]:
        """Every note, sorted: plain ones, and each kind once with its count and places."""
        out = set(self)
        for other in others:
            out |= other
            if isinstance(other, Notes):
                out |= other._grouped()
        return sorted(out | self._grouped())

    def _grouped(self) -> set[str]:
        out = set()
        for kind, places in self.places.items():
            shown = ", ".join(places[:FIRST_PLACES])
            more = len(places) - FIRST_PLACES
            rest = f" and {more} more" if more > 0 else ""
            count = "1 place" if len(places) == 1 else f"{len(places)} places"
            out.add(f"{kind} ({count}: {shown}{rest})")
        return out
