"""Work the panel sends to worker processes (no Qt here: workers import this module).

The first tree of a large JSON body comes from its first megabytes only
(:func:`infer_preview`): parsing all of an 80 MB body takes seconds whatever
the sample limit, while a prefix, closed into valid JSON, parses at once.

A large body travels to the workers through a temporary file rather than the
pool's pipe: pickling 80 MB into the pipe happens in a thread of the UI
process that holds the GIL for the whole copy, which stalls the event loop,
while writing a file releases the GIL. Each worker reads the body itself.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from pathlib import Path

from designer.core.calls.initialize import InferOutcome, infer_response
from designer.core.http.response import ResponseResult
from designer.core.models import Call

__all__ = [
    "PREVIEW_BYTES",
    "close_prefix",
    "infer_preview",
    "infer_spooled",
    "spool",
    "without_body",
]

#: How much of a large JSON body the first tree is inferred from.
PREVIEW_BYTES = 2 * 1024 * 1024

# A string cut by the end of the prefix matches to the end, so its brackets are not counted.
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_CLOSER = {ord("{"): b"}", ord("["): b"]"}


def close_prefix(prefix: bytes) -> bytes | None:
    """The longest start of a JSON text that ends a nested value, closed into valid JSON.

    Cut after the last ``}`` or ``]`` (a complete value, in a list or an
    object alike) and append the closers of the containers still open there.
    None when the prefix completes no nested value.
    """
    stack: list[int] = []
    cut, depth = -1, 0
    for match in _STRING_OR_BRACKET.finditer(prefix):
        token = match.group()
        if token[0] in _CLOSER:
            stack.append(token[0])
        elif token[0] in b"]}":
            if not stack:
                return None
            stack.pop()
            cut, depth = match.end(), len(stack)
    if cut < 0 or depth == 0:
        return None  # nothing complete, or the whole document is already there
    # Only pushes happened after the last pop, so the stack's bottom is what was open then.
    return prefix[:cut] + b"".join(_CLOSER[c] for c in reversed(stack[:depth]))


def infer_preview(
    call: Call, response: ResponseResult, prefix: bytes, sample_limit: int
) -> InferOutcome | None:
    """The structure of the start of a large JSON body, or None if it cannot be closed."""
    closed = close_prefix(prefix)
    if closed is None:
        return None
    preview = dataclasses.replace(response, body=closed)
    outcome = infer_response(call, preview, sample_limit=sample_limit)
    return None if outcome.note else outcome  # the start is not JSON: wait for the full pass


def spool(body: bytes) -> str:
    """Write ``body`` to a private temporary file and return its path (call in a thread)."""
    fd, path = tempfile.mkstemp(prefix="connector-designer-", suffix=".body")
    with os.fdopen(fd, "wb") as stream:
        stream.write(body)
    return path


def without_body(response: ResponseResult) -> ResponseResult:
    return dataclasses.replace(response, body=b"")


def infer_spooled(
    call: Call, response: ResponseResult, path: str, sample_limit: int | None = None
) -> InferOutcome:
    """:func:`infer_response` for a response whose body waits in the file at ``path``."""
    body = Path(path).read_bytes()
    return infer_response(call, dataclasses.replace(response, body=body), sample_limit=sample_limit)
