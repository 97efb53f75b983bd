"""JSON and XML colouring of the Raw tab that stays fast on bodies of many megabytes.

A :class:`QSyntaxHighlighter` colours every block of a document as text is
inserted: on a large body that is seconds of work for lines nobody looks at.
This highlighter leaves a block plain until it scrolls into view; then the
view asks for the blocks on screen (and a screenful around them) to be
coloured, once each. Pretty-printed JSON and XML hold one token run per line,
so each line is coloured on its own, with no state carried between lines.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from designer.ui.infra.style import is_dark

__all__ = ["LazyHighlighter"]

#: Lines above and below the visible ones coloured ahead, so scrolling shows no plain text.
_MARGIN = 60
_DONE = 1  # the block state of a coloured line

_JSON = (
    ("key", re.compile(r'"(?:[^"\\]|\\.)*"(?=\s*:)')),
    ("string", re.compile(r'"(?:[^"\\]|\\.)*"')),
    ("number", re.compile(r"-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b")),
    ("keyword", re.compile(r"\b(?:true|false|null)\b")),
)
_XML = (
    ("comment", re.compile(r"<!--.*?(?:-->|$)")),
    ("tag", re.compile(r"</?[\w:.-]+|/?>|<\?[\w:.-]+|\?>")),
    ("key", re.compile(r"\b[\w:.-]+(?==)")),
    ("string", re.compile(r'"[^"]*"|\'[^\']*\'')),
)
_COLOURS = {  # (light, dark)
    "key": ("#0b5cad", "#79b8ff"),
    "string": ("#1a7f37", "#85e89d"),
    "number": ("#b35900", "#ffab70"),
    "keyword": ("#8250df", "#d2a8ff"),
    "tag": ("#0b5cad", "#79b8ff"),
    "comment": ("#6e7781", "#8b949e"),
}


def _formats() -> dict[str, QTextCharFormat]:
    dark = is_dark()
    formats = {}
    for name, (light_colour, dark_colour) in _COLOURS.items():
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(dark_colour if dark else light_colour))
        formats[name] = fmt
    return formats


class LazyHighlighter(QSyntaxHighlighter):
    """Colours JSON or XML lines, only those the view has asked for."""

    def __init__(self, document: QTextDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._rules: tuple[tuple[str, re.Pattern[str]], ...] = ()
        self._wanted: set[int] = set()
        self._formats = _formats()
        self.setDocument(document)

    def set_kind(self, kind: str) -> None:
        """``json`` or ``xml`` colours; anything else leaves the text plain."""
        self._rules = {"json": _JSON, "xml": _XML}.get(kind, ())
        self._formats = _formats()  # the palette may have changed since

    def colour_visible(self, view: QPlainTextEdit) -> None:
        """Colour the blocks on screen and a margin around them, each once."""
        if not self._rules:
            return
        first = view.firstVisibleBlock().blockNumber()
        lines = view.viewport().height() // max(1, view.fontMetrics().height()) + 1
        document = self.document()
        for number in range(max(0, first - _MARGIN), first + lines + _MARGIN):
            block = document.findBlockByNumber(number)
            if not block.isValid():
                break
            if block.userState() != _DONE:
                self._wanted.add(number)
                self.rehighlightBlock(block)

    def coloured_lines(self) -> int:
        """How many lines have been coloured (for tests and benchmarks)."""
        document, count = self.document(), 0
        block = document.begin()
        while block.isValid():
            count += block.userState() == _DONE
            block = block.next()
        return count

    def highlightBlock(self, text: str) -> None:
        number = self.currentBlock().blockNumber()
        if number not in self._wanted:
            return  # not asked for: inserted text stays plain (and cheap)
        self._wanted.discard(number)
        self.setCurrentBlockState(_DONE)
        taken = [False] * len(text)
        for name, pattern in self._rules:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(taken[start:end]):
                    continue  # a key is not also a string; a number in a string is text
                taken[start:end] = [True] * (end - start)
                self.setFormat(start, end - start, self._formats[name])
