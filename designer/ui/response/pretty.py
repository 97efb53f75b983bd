"""Response bodies as readable text, one page at a time (no Qt: runs in worker processes).

A text widget must never receive 100 MB, and a single very long line freezes
Qt's text layout for seconds, so the raw view asks for pages of about a
megabyte of display text. Each page is produced from a window of the body
starting at ``state.offset`` and returns the state to continue from, so
"Show more" costs one more page, never a pass over the whole body.

JSON is re-indented token by token instead of parsed and re-serialized: that
works on any prefix of a body, keeps numbers and escapes exactly as the
server sent them, and still reads well when the JSON is invalid. Lines longer
than :data:`MAX_LINE` are split for display only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["MAX_LINE", "PAGE_CHARS", "Page", "PageState", "pretty_page", "window_for"]

#: Display text per page; Qt lays out a megabyte of short lines in well under 100 ms.
PAGE_CHARS = 1_000_000
#: Longer lines are split: laying out one 1 MB line takes Qt tens of seconds.
MAX_LINE = 2_000
_INDENT = b"  "

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+|\s+', re.DOTALL)
_STRING_REST = re.compile(rb'(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True, slots=True)
class PageState:
    """Where the next page starts: a byte offset and the pretty-printer's state."""

    offset: int = 0
    depth: int = 0
    just_opened: bool = False
    in_string: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    next: PageState
    done: bool


def window_for(body_size: int, state: PageState, chars: int = PAGE_CHARS) -> tuple[int, int]:
    """The byte range of the body a page starting at ``state`` needs.

    Pretty text is never shorter than its source, so ``chars`` bytes always
    suffice; the window is sent to the worker instead of the whole body.
    """
    return state.offset, min(body_size, state.offset + chars)


def pretty_page(
    window: bytes,
    state: PageState,
    *,
    kind: str,
    final: bool,
    charset: str = "utf-8",
    chars: int = PAGE_CHARS,
) -> Page:
    """The next page of display text from ``window`` (the body from ``state.offset``).

    ``kind`` is ``json`` (re-indented) or anything else (shown as text).
    ``final`` says the window reaches the end of the body.
    """
    if kind == "json":
        return _json_page(window, state, final, chars)
    if kind == "xml" and state.offset == 0 and final:
        pretty = _pretty_xml(window)
        if pretty is not None:
            return Page(_split_long_lines(pretty), PageState(len(window)), True)
    return _text_page(window, state, final, charset, chars)


def _pretty_xml(body: bytes) -> str | None:
    """Indented XML for a body on few lines, or None to show it as sent."""
    if body.count(b"\n") > len(body) // 200:
        return None  # already laid out by the server: keep its layout
    # defusedxml: the body comes from an arbitrary server (entity expansion bombs).
    from defusedxml import minidom

    try:
        document = minidom.parseString(body)
    except Exception:
        return None
    text: str = document.toprettyxml(indent="  ")
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def _text_page(window: bytes, state: PageState, final: bool, charset: str, chars: int) -> Page:
    cut = len(window)
    if not final:
        # End on a line break when there is one, else on a character boundary.
        newline = window.rfind(b"\n", 0, cut)
        cut = newline + 1 if newline > 0 else _char_boundary(window, cut)
    text = window[:cut].decode(charset, errors="replace")
    done = final and cut == len(window)
    return Page(_split_long_lines(text), replace(state, offset=state.offset + cut), done)


def _json_page(window: bytes, state: PageState, final: bool, chars: int) -> Page:
    out: list[bytes] = []
    pos = 0
    depth, just_opened = state.depth, state.just_opened

    if state.in_string:
        rest = _STRING_REST.match(window)
        if rest is None:
            return _raw_piece(window, state, final)
        out.append(rest.group())
        pos = rest.end()

    size = sum(map(len, out))
    while pos < len(window) and size < chars:
        match = _TOKEN.match(window, pos)
        if match is None:
            if not final:
                break  # an unterminated string: it ends in the next window
            token, end = window[pos:], len(window)  # invalid JSON: show the rest as it is
        else:
            token, end = match.group(), match.end()
            first = token[:1]
            cut_off = not final and end == len(window) and first not in b'{}[],:"'
            if cut_off and not first.isspace() and pos > 0:
                # A number or literal may continue in the next window; one that fills
                # the whole window is shown in parts, which join up on the same line.
                break
        pos = end
        first = token[:1]
        if first.isspace():
            continue
        pieces: list[bytes] = []
        if first in b"}]":
            depth = max(0, depth - 1)
            if not just_opened:
                pieces.append(b"\n" + _INDENT * depth)
            pieces.append(token)
        elif first == b",":
            pieces.append(b",\n" + _INDENT * depth)
        elif first == b":":
            pieces.append(b": ")
        else:
            if just_opened:
                pieces.append(b"\n" + _INDENT * depth)
            pieces.append(token)
        just_opened = first in b"{["
        if just_opened:
            depth += 1
        out.extend(pieces)
        size += sum(map(len, pieces))

    if pos == 0 and window and not final and window[:1] == b'"':
        # One string longer than the window: show it in pieces.
        return _raw_piece(window, state, final, in_string=True)
    done = final and pos >= len(window)
    text = b"".join(out).decode("utf-8", errors="replace") + ("\n" if done else "")
    nxt = PageState(state.offset + pos, depth, just_opened, in_string=False)
    return Page(_split_long_lines(text), nxt, done)


def _raw_piece(window: bytes, state: PageState, final: bool, in_string: bool = True) -> Page:
    cut = len(window) if final else _char_boundary(window, len(window))
    if not final:
        # Never between a backslash and the character it escapes: an escaped quote
        # at the start of the next window would read as the end of the string.
        run = len(window[:cut]) - len(window[:cut].rstrip(b"\\"))
        if run % 2 and cut > 1:
            cut -= 1
    text = window[:cut].decode("utf-8", errors="replace")
    if state.just_opened and not state.in_string:
        text = "\n" + "  " * state.depth + text  # the token starts a container's first line
    text = _split_long_lines(text)
    # The last page of a JSON body ends its last line, as a whole-body page does.
    return Page(
        text + ("\n" if final else ""),
        replace(state, offset=state.offset + cut, in_string=in_string, just_opened=False),
        final,
    )


def _char_boundary(data: bytes, cut: int) -> int:
    """``cut`` moved back so it does not split a UTF-8 sequence."""
    back = cut
    while back > 0 and cut - back < 4 and (data[back - 1] & 0xC0) == 0x80:
        back -= 1
    if back > 0 and data[back - 1] >= 0xC0:
        back -= 1
    return back if back > 0 else cut


def _split_long_lines(text: str) -> str:
    if len(text) <= MAX_LINE or max(map(len, text.split("\n"))) <= MAX_LINE:
        return text
    lines = []
    for line in text.split("\n"):
        while len(line) > MAX_LINE:
            lines.append(line[:MAX_LINE])
            line = line[MAX_LINE:]
        lines.append(line)
    return "\n".join(lines)
