"""What an update of an API from its document changes, in words: the report and its conflicts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

__all__ = ["CallChange", "Conflict", "Preference", "UpdateReport"]

#: Whose value wins a conflict: the document's for all (True), none (False), or those named.
Preference = bool | Collection[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A facet both the user and the document changed: the user's value is kept until chosen."""

    call: str
    facet: str
    mine: str
    theirs: str

    def describe(self) -> str:
        where = f"call '{self.call}'" if self.call else "the API"
        return (
            f"{where}: {self.facet} was changed both here ({self.mine}) and in the document "
            f"({self.theirs}); yours is kept"
        )


@dataclass(slots=True)
class CallChange:
    """What an update does to one call: ``added``, ``gone``, ``back`` or ``changed``."""

    call: str
    kind: str
    details: list[str] = field(default_factory=list)
    where: str = ""


@dataclass(slots=True)
class UpdateReport:
    """Everything an update changes, call by call, for a preview or the command line."""

    api: str
    calls: list[CallChange] = field(default_factory=list)
    api_changes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.calls if c.kind == kind)

    @property
    def changes_anything(self) -> bool:
        return bool(self.calls or self.api_changes)

    def summary(self) -> str:
        """One line: ``2 calls added, 1 gone from the source, 5 changed, 388 unchanged``."""
        parts = []
        for kind, label in (
            ("added", "added"),
            ("changed", "changed"),
            ("gone", "gone from the source"),
            ("back", "back in the source"),
        ):
            n = self.count(kind)
            if n:
                parts.append(f"{n} call{'' if n == 1 else 's'} {label}")
        if self.api_changes:
            parts.append(f"{len(self.api_changes)} API setting(s) changed")
        if self.conflicts:
            n = len(self.conflicts)
            parts.append(f"{n} conflict{'' if n == 1 else 's'}")
        parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """The summary's details, one line per call: ``+``, ``-``, ``~``, then conflicts."""
        marks = {"added": "+", "gone": "-", "back": "+", "changed": "~"}
        out = [f"~ API: {change}" for change in self.api_changes]
        for change in self.calls:
            head = f"{marks[change.kind]} {change.call}"
            if change.where:
                head += f" ({change.where})"
            if change.kind == "gone":
                out.append(f"{head}: gone from the source; kept and marked, delete it or keep it")
            elif change.kind == "back":
                out.append(f"{head}: back in the source")
            elif change.kind == "added":
                out.append(f"{head}: added")
            else:
                out.append(f"{head}: {'; '.join(change.details)}")
        out += [f"! {c.describe()}" for c in self.conflicts]
        return out
