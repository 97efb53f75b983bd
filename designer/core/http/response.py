"""What an HTTP call returned, as the rest of the core and the app read it.

Kept apart from :mod:`designer.core.http.execute` (which imports httpx) so that
code reading responses (inference, the response panel) loads without it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ResponseResult"]


@dataclass(frozen=True, slots=True)
class ResponseResult:
    """What came back: status line, timing, headers and the decoded body."""

    status: int
    reason: str
    http_version: str
    url: str
    elapsed: float
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str
    charset: str | None

    @property
    def size(self) -> int:
        return len(self.body)

    def header(self, name: str) -> str | None:
        """The value of a header, case-insensitively; repeated headers joined by ", "."""
        wanted = name.lower()
        values = [v for n, v in self.headers if n.lower() == wanted]
        return ", ".join(values) if values else None
