"""The one way to write untrusted text into a terminal, a log, XML, Python source or a shell.

Names, values and messages come from documents and servers written by
strangers. Each target has one function here, and every generator and
printer uses it:

* :func:`inert` — text for a terminal, a log or an XML file: control
  characters (C0, DEL, C1), line and paragraph separators, bidirectional
  overrides, lone surrogates and the XML non-characters are shown as
  escapes (``\\x1b``), never dropped, so the reader sees something was there.
  :func:`inert_lines` keeps line breaks and tabs, for text made of lines
  whose parts were already made inert; :func:`inert_logger` is a logger
  whose records (messages and tracebacks) are made inert.
* :func:`python_identifier` and :func:`python_class_name` — names in
  generated Python; :func:`unique_name` makes colliding ones distinct.
* :func:`python_string` — a Python string literal.
* :func:`python_docstring` — text inside a ``\"\"\"`` docstring.
* :func:`shell_comment` — the text of a ``#`` comment in a shell script.
* :func:`shell_argument` — one shell word in single quotes, optionally with
  ``"${VARIABLE}"`` references spliced in.
"""

from __future__ import annotations

import keyword
import logging
import re
from collections.abc import Collection, Mapping

__all__ = [
    "inert",
    "inert_lines",
    "inert_logger",
    "python_class_name",
    "python_docstring",
    "python_identifier",
    "python_string",
    "shell_argument",
    "shell_comment",
    "unique_name",
]

_OTHERS = (
    "\x7f-\x9f"  # DEL, C1 (CSI is \x9b on some terminals)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates: they cannot even be encoded
    "\ufffe\uffff"  # not characters: XML refuses them
)
_UNSAFE_RE = re.compile(f"[\x00-\x1f{_OTHERS}]")
#: The same but line breaks (\n) and tabs.
_UNSAFE_IN_LINES_RE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` on one line with every control character shown as an escape (``\\x1b``)."""
    return _UNSAFE_RE.sub(_escape, text)


def inert_lines(text: str) -> str:
    """Like :func:`inert`, but line breaks and tabs are kept (output made of lines)."""
    return _UNSAFE_IN_LINES_RE.sub(_escape, text)


class _InertRecords(logging.Filter):
    """Makes each record's message, traceback and stack inert before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = inert_lines(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = inert_lines(record.exc_text)
        if record.stack_info:
            record.stack_info = inert_lines(record.stack_info)
        return True


def inert_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)``, its records made inert: messages and tracebacks hold text
    from documents and servers."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, _InertRecords) for f in logger.filters):
        logger.addFilter(_InertRecords())
    return logger


# -- Python ------------------------------------------------------------------------------


def python_identifier(text: str, reserved: Collection[str] = ()) -> str:
    """A snake_case Python identifier for ``text``: ``List products`` → ``list_products``.

    Only ASCII letters and digits survive; a keyword or a name in ``reserved``
    gets a trailing underscore. Never empty, never starting with a digit.
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    name = "_".join(re.findall(r"[A-Za-z0-9]+", spaced)).lower() or "value"
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in reserved:
        name += "_"
    return name


def python_class_name(text: str) -> str:
    """``list products`` → ``ListProducts``; never empty, never starting with a digit."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
    return f"M{name}" if name[0].isdigit() else name


def unique_name(name: str, taken: Collection[str], *, separator: str = "") -> str:
    """``name``, or ``name2``, ``name3``… (with ``separator`` before the number): the first
    not in ``taken``."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}{separator}{n}"
    return candidate


def python_string(text: str) -> str:
    """A Python string literal whose value is ``text``, on one line."""
    return repr(text)


_DOCSTRING_UNSAFE = re.compile(r'[\\"]|[^ -~]')


def _docstring_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in '\\"':
        return "\\" + char
    if char.isprintable():
        return char
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def python_docstring(text: str) -> str:
    """``text`` escaped to sit inside a ``\"\"\"`` docstring, whose value it then is.

    Backslashes and quotes are escaped, so ``\"\"\"`` cannot close the docstring
    and no escape sequence is formed; every character that is not printable
    (line breaks included) becomes its escape, so the text stays on one line.
    """
    return _DOCSTRING_UNSAFE.sub(_docstring_escape, text)


# -- shell -------------------------------------------------------------------------------

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def shell_comment(text: str) -> str:
    """The text of a ``#`` comment: on one line, so nothing after it runs as a command."""
    return inert(text)


def _single_quoted(text: str) -> str:
    # Inside single quotes nothing is special but the quote itself, which is closed,
    # written as "'", and reopened.
    return "'" + text.replace("'", "'\"'\"'") + "'"


def shell_argument(text: str, variables: Mapping[str, str] | None = None) -> str:
    """``text`` as one POSIX shell word in single quotes: nothing in it is expanded.

    ``variables`` maps words in ``text`` (placeholders made of letters and
    digits) to environment variable names; each occurrence becomes a
    ``"${NAME}"`` reference, the only thing the shell expands.
    """
    if not variables:
        return _single_quoted(text)
    for name in variables.values():
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a variable name: {name!r}")
    pattern = re.compile("|".join(re.escape(word) for word in variables))
    parts: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if match.start() > start:
            parts.append(_single_quoted(text[start : match.start()]))
        parts.append('"${' + variables[match.group()] + '}"')
        start = match.end()
    if start < len(text) or not parts:
        parts.append(_single_quoted(text[start:]))
    return "".join(parts)
