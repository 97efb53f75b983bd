"""Bruno's ``.bru`` files: a sequence of named blocks, read and written.

A ``.bru`` file is neither JSON nor YAML. Each block is a name and braces:

- dictionary blocks (``meta``, ``get``, ``headers``, ``params:query``,
  ``auth:bearer``, ``body:form-urlencoded``, ``vars``...) hold one
  ``key: value`` pair a line; a key starting with ``~`` is disabled; a key
  with spaces or colons is quoted (``"a key": value``); a value spanning
  lines is written between ``'''`` lines, indented by four spaces; a pair may
  be preceded by annotations (``@description('...')``);
- text blocks (``body:json``, ``body:text``, ``body:xml``, ``body:graphql``,
  ``body:graphql:vars``, ``script:*``, ``tests``, ``docs``) hold raw text,
  each line indented by two spaces;
- list blocks (``vars:secret [ ... ]`` in environment files) hold names, and
  a dictionary value may be a list too (``tags: [`` one a line ``]``);
- an environment file ends with a bare ``color: #e6194b`` line.

A block ends at a line that starts with its closing brace, so braces inside
indented text never end it. :func:`parse_bru` reads a file into
:class:`Block` objects and reports the first problem as one line naming the
file and the line; :func:`write_bru` writes blocks back in the same layout
Bruno writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from designer.core.errors import ImportParseError

__all__ = ["Block", "Pair", "looks_like_bru", "parse_bru", "write_bru"]

#: Blocks whose content is raw text, not ``key: value`` pairs.
TEXT_BLOCKS = frozenset(
    {
        "body",
        "body:json",
        "body:text",
        "body:xml",
        "body:sparql",
        "body:graphql",
        "body:graphql:vars",
        "script:pre-request",
        "script:post-response",
        "tests",
        "docs",
        "example",
    }
)
_HEADER = re.compile(r"^([A-Za-z][\w:.\-]*)[ \t]*([{\[])[ \t]*$")
_TOP_PAIR = re.compile(r"^(color):(.*)$")
_ANNOTATION = re.compile(r"^@([^\s():]+)(?:\((.*)\))?$")
_DELIMITER = "'''"
_QUOTED_KEY = re.compile(r'^(~?)"((?:\\"|[^"])*)"[ \t]*:')
_NEEDS_QUOTES = (":", '"', "{", "}", " ")


@dataclass(slots=True)
class Pair:
    """One ``key: value`` line of a dictionary block."""

    key: str
    value: str
    enabled: bool = True
    description: str = ""


@dataclass(slots=True)
class Block:
    """A named block: pairs (dictionary), text, or items (list), with its first line."""

    name: str
    pairs: list[Pair] = field(default_factory=list)
    text: str | None = None
    items: list[Pair] | None = None
    line: int = 0

    def get(self, key: str, default: str = "") -> str:
        """The value of the first enabled pair named ``key``."""
        return next((p.value for p in self.pairs if p.key == key and p.enabled), default)


def looks_like_bru(text: str) -> bool:
    """Whether ``text`` starts like a ``.bru`` file: its first line opens a named block."""
    for line in text.removeprefix("\ufeff").splitlines()[:50]:
        if line.strip():
            match = _HEADER.match(line.rstrip())
            return match is not None and match.group(1) not in ("{", "[")
    return False


def _fail(source: str, line: int, message: str) -> ImportParseError:
    return ImportParseError(f"{source}: line {line}: {message}")


def _annotation(text: str) -> tuple[str, str] | None:
    match = _ANNOTATION.match(text)
    if match is None:
        return None
    argument = (match.group(2) or "").strip()
    if len(argument) >= 2 and argument[0] == argument[-1] and argument[0] in "'\"":
        argument = argument[1:-1]
        if match.group(2) and match.group(2).strip().startswith('"'):
            argument = argument.replace('\\"', '"').replace("\\\\", "\\")
    return match.group(1), argument


def _dictionary(lines: list[str], first: int, source: str) -> list[Pair]:
    """The pairs of a dictionary block's ``lines`` (``first`` is the first one's number)."""
    pairs: list[Pair] = []
    description = ""
    index = 0
    while index < len(lines):
        number = first + index
        stripped = lines[index].strip()
        index += 1
        if not stripped:
            continue
        annotation = _annotation(stripped) if stripped.startswith("@") else None
        if annotation is not None:
            if annotation[0] == "description":
                description = annotation[1]
            continue
        quoted = _QUOTED_KEY.match(stripped)
        if quoted is not None:
            enabled = not quoted.group(1)
            key = quoted.group(2).replace('\\"', '"')
            value = stripped[quoted.end() :].strip()
        else:
            key, colon, value = stripped.partition(":")
            if not colon:
                raise _fail(source, number, f"expected 'name: value', found {stripped[:40]!r}")
            key, value = key.strip(), value.strip()
            enabled = not key.startswith("~")
            key = key.removeprefix("~")
        if value == "[":  # a list value (meta's tags), one item a line
            items: list[str] = []
            while index < len(lines) and lines[index].strip() != "]":
                items.append(lines[index].strip().rstrip(","))
                index += 1
            if index >= len(lines):
                raise _fail(source, number, f"the list of {key!r} opens [ but never closes it")
            index += 1
            value = ", ".join(item for item in items if item)
        elif value == _DELIMITER or value.startswith(_DELIMITER + " @"):
            body: list[str] = []
            while index < len(lines) and lines[index].strip() != _DELIMITER:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise _fail(source, number, f"the value of {key!r} opens ''' but never closes it")
            index += 1
            value = "\n".join(_outdent(line, 4) for line in body).strip()
        pairs.append(Pair(key, value, enabled, description))
        description = ""
    return pairs


def _list(lines: list[str]) -> list[Pair]:
    items = []
    for line in lines:
        for part in line.split(","):
            name = part.strip()
            if name:
                items.append(Pair(name.removeprefix("~"), "", not name.startswith("~")))
    return items


def _outdent(line: str, spaces: int) -> str:
    return line[spaces:] if line.startswith(" " * spaces) else line.lstrip(" ")


def parse_bru(text: str, source: str) -> list[Block]:
    """The blocks of a ``.bru`` file; a malformed one is one error naming its line."""
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        top = _TOP_PAIR.match(line.rstrip())
        if top is not None:  # an environment's "color: #e6194b"
            blocks.append(
                Block(top.group(1), [Pair(top.group(1), top.group(2).strip())], line=index)
            )
            continue
        header = _HEADER.match(line.rstrip())
        if header is None or line[:1].isspace():
            raise _fail(
                source,
                index,
                f"expected a block such as 'meta {{', found {line.strip()[:40]!r}: this is not "
                f"a Bruno .bru file",
            )
        name, opening = header.group(1), header.group(2)
        closing = "}" if opening == "{" else "]"
        start = index
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith(closing):
            body.append(lines[index])
            index += 1
        if index >= len(lines):
            raise _fail(source, start, f"the block '{name}' is never closed (no '{closing}')")
        index += 1
        block = Block(name, line=start)
        if opening == "[":
            block.items = _list(body)
        elif name in TEXT_BLOCKS:
            block.text = "\n".join(_outdent(b, 2) for b in body).strip("\n")
        else:
            block.pairs = _dictionary(body, start + 1, source)
        blocks.append(block)
    return blocks


def _key(key: str) -> str:
    if any(c in key for c in _NEEDS_QUOTES) or key.startswith(("~", "@")):
        return '"' + key.replace('"', '\\"') + '"'
    return key


def _value(value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return value
    inner = "\n".join(f"    {line}" if line else "" for line in re.split(r"\r\n|\r|\n", value))
    return f"{_DELIMITER}\n{inner}\n  {_DELIMITER}"


def _description(text: str) -> str:
    if "\n" in text or "'" in text:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        return f'  @description("{escaped}")\n'
    return f"  @description('{text}')\n"


def write_bru(blocks: list[Block]) -> str:
    """The ``.bru`` text of ``blocks``, laid out as Bruno writes it."""
    out: list[str] = []
    for block in blocks:
        if block.items is not None:
            names = [("" if item.enabled else "~") + item.key for item in block.items]
            inner = ",\n".join(f"  {n}" for n in names)
            out.append(f"{block.name} [\n{inner}\n]\n" if names else f"{block.name} [\n]\n")
        elif block.text is not None:
            inner = "\n".join(f"  {line}" if line else "" for line in block.text.split("\n"))
            out.append(f"{block.name} {{\n{inner}\n}}\n")
        else:
            lines = []
            for pair in block.pairs:
                note = _description(pair.description) if pair.description else ""
                prefix = "" if pair.enabled else "~"
                lines.append(f"{note}  {prefix}{_key(pair.key)}: {_value(pair.value)}")
            out.append(f"{block.name} {{\n" + "\n".join(lines) + "\n}\n")
    return "\n".join(out)
