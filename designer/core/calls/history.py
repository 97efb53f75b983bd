"""The last few responses of each call, kept in the app's cache folder between runs.

Initialize shows a response once; a user who comes back the next day could
only see the structure inferred from it. :class:`ResponseHistory` keeps the
last :data:`KEEP` responses of each call (status, headers and body) in a
cache folder, never in the workspace file, so the Raw tab can show an
earlier one again.

What is written is what the user may see: every secret the request carried
is masked in the headers and the body, and ``Set-Cookie`` values (sessions)
are masked too. Bodies over :data:`MAX_BODY` bytes are cut there, and the
folder is kept under :data:`MAX_TOTAL` bytes by dropping the oldest files.
Files are written atomically and readable by the user only.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from designer.core import fileio
from designer.core.http.response import ResponseResult
from designer.core.secrets.store import MASK, mask_secrets

__all__ = [
    "KEEP",
    "MAX_BODY",
    "MAX_TOTAL",
    "HistoryEntry",
    "ResponseHistory",
    "default_folder",
]

#: Responses kept per call.
KEEP = 5
#: A body is kept up to this many bytes.
MAX_BODY = 256 * 1024
#: The whole history stays under this many bytes.
MAX_TOTAL = 32 * 1024 * 1024

_SAFE = re.compile(r"[^A-Za-z0-9_-]")
_MASKED_HEADERS = ("set-cookie",)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One response as kept: when, what came back, and how its body is shown."""

    at: str  # ISO 8601, UTC
    status: int
    reason: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str
    charset: str | None
    kind: str  # json, xml, text, binary or stream
    truncated: bool = False
    #: for a streamed response: when each event arrived, in seconds since the first
    #: byte (so the mock can replay it with its spacing); None for other responses
    offsets: tuple[float, ...] | None = None

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)

    def label(self, now: datetime | None = None) -> str:
        """``Today 14:02 · 200 OK``, ``2026-12-05 09:10 · 404 Not Found``."""
        local = self.when.astimezone()
        today = (now or datetime.now().astimezone()).date()
        day = "Today" if local.date() == today else local.strftime("%Y-%m-%d")
        return f"{day} {local:%H:%M} · {self.status} {self.reason}".rstrip()


def _mask_bytes(body: bytes, secrets: Iterable[str]) -> bytes:
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        body = body.replace(value.encode("utf-8"), MASK.encode("utf-8"))
    return body


class ResponseHistory:
    """The history under ``folder``: one file per call, by API and call id."""

    def __init__(self, folder: Path, *, keep: int = KEEP, max_total: int = MAX_TOTAL) -> None:
        self.folder = folder
        self.keep = keep
        self.max_total = max_total

    def _file(self, api_id: str, call_id: str) -> Path:
        return self.folder / _SAFE.sub("_", api_id) / f"{_SAFE.sub('_', call_id)}.json"

    def entries(self, api_id: str, call_id: str) -> list[HistoryEntry]:
        """The kept responses of the call, newest first; none when the file is unreadable."""
        path = self._file(api_id, call_id)
        try:
            raw = orjson.loads(path.read_bytes())
            return [
                HistoryEntry(
                    at=e["at"],
                    status=int(e["status"]),
                    reason=e["reason"],
                    url=e["url"],
                    headers=tuple((str(n), str(v)) for n, v in e["headers"]),
                    body=base64.b64decode(e["body"]),
                    content_type=e["content_type"],
                    charset=e["charset"],
                    kind=e["kind"],
                    truncated=bool(e.get("truncated", False)),
                    offsets=_offsets(e.get("offsets")),
                )
                for e in raw["entries"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return []  # none yet, or a file from elsewhere: history is a convenience

    def add(
        self,
        api_id: str,
        call_id: str,
        response: ResponseResult,
        kind: str,
        secrets: Iterable[str] = (),
        offsets: Iterable[float] | None = None,
    ) -> HistoryEntry:
        """Keep ``response`` (secrets masked) as the newest of the call's; returns it.

        ``offsets`` are a streamed response's event times (see :attr:`HistoryEntry.offsets`).
        """
        secrets = list(secrets)
        headers = tuple(
            (n, MASK if n.lower() in _MASKED_HEADERS else mask_secrets(v, secrets))
            for n, v in response.headers
        )
        body = _mask_bytes(response.body[:MAX_BODY], secrets)
        entry = HistoryEntry(
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            status=response.status,
            reason=response.reason,
            url=mask_secrets(response.url, secrets),
            headers=headers,
            body=body,
            content_type=response.content_type,
            charset=response.charset,
            kind=kind,
            truncated=response.size > MAX_BODY,
            offsets=None if offsets is None else tuple(round(o, 4) for o in offsets),
        )
        kept = [entry, *self.entries(api_id, call_id)][: self.keep]
        doc = {
            "entries": [
                {
                    "at": e.at,
                    "status": e.status,
                    "reason": e.reason,
                    "url": e.url,
                    "headers": [list(h) for h in e.headers],
                    "body": base64.b64encode(e.body).decode("ascii"),
                    "content_type": e.content_type,
                    "charset": e.charset,
                    "kind": e.kind,
                    "truncated": e.truncated,
                    # Only when there are some, so files stay readable by older versions.
                    **({} if e.offsets is None else {"offsets": list(e.offsets)}),
                }
                for e in kept
            ]
        }
        path = self._file(api_id, call_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fileio.atomic_write(path, orjson.dumps(doc), mode=0o600)
        self._trim(keep=path)
        return entry

    def _trim(self, keep: Path) -> None:
        """Drop the oldest files until the history is under its size cap."""
        files = [p for p in self.folder.glob("*/*.json") if p.is_file()]
        sizes = {p: p.stat().st_size for p in files}
        total = sum(sizes.values())
        for path in sorted(files, key=lambda p: p.stat().st_mtime):
            if total <= self.max_total:
                break
            if path == keep:
                continue
            total -= sizes[path]
            path.unlink(missing_ok=True)

    def clear(self, api_id: str | None = None, call_id: str | None = None) -> None:
        """Forget one call's responses, an API's, or (no arguments) every one."""
        if api_id is not None and call_id is not None:
            self._file(api_id, call_id).unlink(missing_ok=True)
        elif api_id is not None:
            shutil.rmtree(self.folder / _SAFE.sub("_", api_id), ignore_errors=True)
        elif self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)

    def size(self) -> int:
        """Bytes the history takes on disk."""
        return sum(p.stat().st_size for p in self.folder.glob("*/*.json") if p.is_file())


def _offsets(raw: object) -> tuple[float, ...] | None:
    """Kept event offsets, or None when there are none or they are not a list of numbers."""
    if not isinstance(raw, list):
        return None
    if not all(isinstance(o, int | float) and not isinstance(o, bool) and o >= 0 for o in raw):
        return None
    return tuple(float(o) for o in raw)


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/connector-designer/responses`` (``~/.cache/…`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "connector-designer" / "responses"
