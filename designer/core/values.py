"""Typed sample values: how a parameter's text is read as an integer, a number, a yes/no…

A parameter's sample is always held as text (see :class:`~.models.ValueType`);
this module reads it by its type when a request is built:

- ``integer``: digits with an optional sign (``7``, ``-3``, ``007`` is 7);
- ``number``: a decimal number with optional exponent (``7.5``, ``-0.25``,
  ``1e3``); numbers are sent exactly as written, so ``7.50`` stays ``7.50``
  and a 20-digit id is not rounded;
- ``boolean``: ``true`` or ``false`` in any letter case, nothing else, so a
  ``yes`` meant as text is never silently sent as ``true``;
- ``json``: any JSON value (an array, an object, ``null``…), sent as written;
- ``file``: a path whose content is sent as a multipart file part;
- ``text``: sent as it is.

Surrounding spaces are ignored for every type but text. A value that does not
fit its type raises :class:`BadValue` with the reason, which the request
builder turns into one line naming the parameter, the call and the API.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from decimal import Decimal
from typing import Any

import orjson

from designer.core.models import ValueType

__all__ = [
    "FILE_LIMIT",
    "BadValue",
    "file_part",
    "json_value",
    "sample_of",
    "sent_forms",
    "text_value",
    "type_of",
]

#: Files sent in a multipart body are read whole; bigger ones are refused.
FILE_LIMIT = 256 * 1024 * 1024

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False}
_DOUBLE_MAX = Decimal("1.7976931348623157e308")

#: How each type is described in messages, and what a good value looks like.
_EXPECTED = {
    ValueType.INTEGER: ("a whole number", "digits only, like 7 or -3"),
    ValueType.NUMBER: ("a number", "like 7.5, -3 or 1e3"),
    ValueType.BOOLEAN: ("a yes/no value", "true or false"),
    ValueType.JSON: ("JSON", 'a JSON value such as [1, 2], {"a": 1} or null'),
}


class BadValue(ValueError):
    """A sample does not fit its parameter's type; ``str()`` is the reason, without the value."""


def _reason(kind: ValueType, detail: str = "") -> BadValue:
    what, hint = _EXPECTED[kind]
    extra = f" ({detail})" if detail else ""
    return BadValue(f"is not {what}{extra}: write {hint}")


def _number_text(text: str, kind: ValueType) -> str:
    """The canonical JSON text of a number sample; ``kind`` is integer or number."""
    pattern = _INTEGER if kind == ValueType.INTEGER else _NUMBER
    if not pattern.fullmatch(text):
        raise _reason(kind)
    if kind == ValueType.INTEGER:
        try:
            return str(int(text))
        except ValueError as exc:  # more digits than Python converts
            raise _reason(kind, "too long") from exc
    number = Decimal(text)
    if abs(number) > _DOUBLE_MAX:
        raise _reason(kind, "too large to be read by most servers")
    if number == number.to_integral_value() and "e" not in text.lower() and "." not in text:
        return str(int(number))
    return str(number)  # JSON-valid: digits, '.', 'E' and a sign ("1E+3", "7.50")


def json_value(kind: ValueType, text: str) -> Any:
    """The value to put in a JSON body for ``text`` read as ``kind``.

    Integers and numbers come back as :class:`orjson.Fragment` so that they are
    written exactly; JSON values too, once checked. Raises :class:`BadValue`.
    """
    if kind == ValueType.TEXT:
        return text
    stripped = text.strip()
    if kind in (ValueType.INTEGER, ValueType.NUMBER):
        return orjson.Fragment(_number_text(stripped, kind))
    if kind == ValueType.BOOLEAN:
        if stripped.lower() not in _BOOLEANS:
            raise _reason(kind)
        return _BOOLEANS[stripped.lower()]
    if kind == ValueType.JSON:
        try:
            orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            raise _reason(kind, str(exc).split(":")[0]) from exc
        return orjson.Fragment(stripped)
    raise BadValue("is a file, which can only be sent as a part of a multipart body")


def text_value(kind: ValueType, text: str) -> str:
    """``text`` as sent in a URL, a header or a form: checked, and booleans as true/false."""
    if kind == ValueType.TEXT:
        return text
    value = json_value(kind, text)
    if isinstance(value, bool):
        return "true" if value else "false"
    return text.strip()


def sent_forms(kind: ValueType, value: str) -> set[str]:
    """How a value is written in a JSON body when not as typed (``007`` goes out as ``7``),
    so that a private one is masked there too."""
    if kind not in (ValueType.INTEGER, ValueType.NUMBER, ValueType.JSON):
        return set()
    try:
        return {orjson.dumps(json_value(kind, value)).decode()}
    except BadValue:
        return set()


def file_part(path_text: str, *, read: bool = True) -> tuple[str, bytes, str]:
    """``(file name, content, content type)`` of the file a ``file`` sample names.

    ``~`` is expanded; a relative path is read from the current folder. With
    ``read`` False the file is only checked (a preview must not read a large
    upload after every keystroke) and the content is empty. Raises
    :class:`BadValue` when the file cannot be sent.
    """
    from designer.core import fileio
    from designer.core.errors import DesignerError

    path = os.path.expanduser(path_text.strip())
    try:
        if read:
            content = fileio.read_bytes(path, limit=FILE_LIMIT, what="upload")
        else:
            content = b""
            _check_file(path)
    except DesignerError as exc:
        raise BadValue(f"cannot be sent as a file: {exc}") from exc
    name = os.path.basename(path)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return name, content, content_type


def _check_file(path: str) -> None:
    """What :func:`~.fileio.read_bytes` would refuse, found without reading the file."""
    from designer.core import fileio
    from designer.core.errors import InputError

    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist: check the path") from exc
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} is a folder, not an upload file")
    if info.st_size > FILE_LIMIT:
        raise InputError(
            f"{path} is {fileio.format_size(info.st_size)}, more than the "
            f"{fileio.format_size(FILE_LIMIT)} an upload may be"
        )
    if not os.access(path, os.R_OK):
        raise InputError(f"{path} cannot be read: permission denied")


def type_of(value: Any) -> ValueType:
    """The type of a value read from a JSON document (curl ``--json``, examples…)."""
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, float):
        return ValueType.NUMBER
    if isinstance(value, str):
        return ValueType.TEXT
    return ValueType.JSON  # lists, objects and null


def sample_of(value: Any) -> str:
    """The sample text of a value read from a JSON document, as :func:`type_of` types it."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()
