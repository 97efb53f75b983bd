"""Decode a response's Content-Encoding with every layer bounded, counting decoded bytes.

httpx decodes each network chunk through every coding at once: a 1 KB body
sent as ``Content-Encoding: gzip, gzip`` becomes about 1 GB in one piece
before any size cap can look at it. Here each layer hands on at most
:data:`PIECE` bytes at a time (zlib's ``max_length``, Brotli's output limit),
the next layer pulls only when it needs input, and the caller counts what
comes out, so memory stays at a few pieces whatever the compression ratio.

More than :data:`MAX_LAYERS` compressing codings are refused: no server needs
them, and each layer multiplies what a small body can grow to. Codings that
do not compress (``identity``) and names no decoder knows are left alone, as
httpx leaves them (misconfigured servers send ``Content-Encoding: utf-8``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, Protocol

__all__ = [
    "MAX_LAYERS",
    "PIECE",
    "BoundedDecoder",
    "CodingError",
    "TooManyCodings",
    "compressing_codings",
]

#: The most compressing codings one response may stack.
MAX_LAYERS = 2
#: The most bytes a layer produces per step.
PIECE = 64 * 1024

_COMPRESSING = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd"})


class CodingError(Exception):
    """The body is not valid for its coding, or the coding cannot be decoded here."""


class TooManyCodings(CodingError):
    """More than :data:`MAX_LAYERS` compressing codings."""


def compressing_codings(header: str) -> list[str]:
    """The compressing codings of a Content-Encoding value, in the order they were applied."""
    names = [part.strip().lower() for part in header.split(",")]
    return [name for name in names if name in _COMPRESSING]


class _Layer(Protocol):
    def push(self, data: bytes) -> None: ...

    def pull(self, limit: int) -> bytes:
        """Up to ``limit`` decoded bytes; b"" when it needs more input."""
        ...


class _Zlib:
    def __init__(self, coding: str) -> None:
        self._deflate = coding == "deflate"
        wbits = zlib.MAX_WBITS if self._deflate else zlib.MAX_WBITS | 16
        self._obj = zlib.decompressobj(wbits)
        self._pending = b""
        self._started = False

    def push(self, data: bytes) -> None:
        if not self._obj.eof:  # bytes after the end are dropped, not kept
            self._pending += data

    def pull(self, limit: int) -> bytes:
        if self._obj.eof:
            return b""  # bytes after the stream's end are ignored, as by httpx
        data, self._pending = self._pending, b""
        try:
            out = self._obj.decompress(data, limit)
        except zlib.error:
            if not (self._deflate and not self._started):
                raise
            # Some servers send raw deflate (no zlib header) for "deflate".
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, limit)
        self._started = True
        self._pending = self._obj.unconsumed_tail
        return out


def _brotli_module() -> Any:
    try:
        import brotli  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        try:
            import brotlicffi as brotli  # type: ignore[import-not-found, import-untyped, unused-ignore]
        except ImportError:
            return None
    # Only decoders that can bound their output (brotli and brotlicffi 1.2) are used.
    return brotli if hasattr(brotli.Decompressor(), "can_accept_more_data") else None


class _Brotli:
    def __init__(self, module: Any) -> None:
        self._obj = module.Decompressor()
        self._error: type[Exception] = module.error
        self._pending = b""

    def push(self, data: bytes) -> None:
        if not self._obj.is_finished():  # bytes after the end are dropped, not kept
            self._pending += data

    def pull(self, limit: int) -> bytes:
        # Input the decoder holds back (output limit reached) goes first; ours after it.
        for _ in range(1000):
            if self._obj.is_finished():
                return b""
            accepts = self._obj.can_accept_more_data()
            if accepts and not self._pending:
                return b""
            data = b""
            if accepts:
                data, self._pending = self._pending, b""
            try:
                out: bytes = self._obj.process(data, output_buffer_limit=limit)
            except self._error as exc:
                raise CodingError(str(exc)) from exc
            if out:
                return out
        raise CodingError("the Brotli decoder made no progress")


def _layer(coding: str) -> _Layer:
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(coding)
    module = _brotli_module() if coding == "br" else None
    if module is not None:
        return _Brotli(module)
    raise CodingError(f"{coding} is not a coding this installation can decompress")


class BoundedDecoder:
    """Decodes a body sent with ``content_encoding`` piece by piece.

    :meth:`feed` takes the bytes as received and yields decoded pieces of at
    most :data:`PIECE` bytes.
    """

    def __init__(self, content_encoding: str) -> None:
        codings = compressing_codings(content_encoding)
        if len(codings) > MAX_LAYERS:
            raise TooManyCodings(
                f"it stacks {len(codings)} compressions ({', '.join(codings)}); "
                f"at most {MAX_LAYERS} are accepted"
            )
        # Decoded in the reverse of the order applied.
        self._layers = [_layer(c) for c in reversed(codings)]

    def feed(self, raw: bytes) -> Iterator[bytes]:
        if not self._layers:
            if raw:
                yield raw
            return
        self._layers[0].push(raw)
        try:
            while piece := self._pull(len(self._layers) - 1):
                yield piece
        except zlib.error as exc:
            raise CodingError(str(exc)) from exc

    def _pull(self, index: int) -> bytes:
        layer = self._layers[index]
        while True:
            out = layer.pull(PIECE)
            if out or index == 0:
                return out
            more = self._pull(index - 1)
            if not more:
                return b""
            layer.push(more)
