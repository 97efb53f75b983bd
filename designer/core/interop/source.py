"""Reading documents to import: bounded, UTF-8, JSON or YAML, never hostile.

Every importer reads its file through :func:`read_document`, so the same rules
hold for all of them:

- the file is refused above :data:`MAX_DOCUMENT_SIZE` before it is read;
- it must be UTF-8 (a byte order mark is allowed);
- JSON is parsed by orjson; a document that starts with anything other than
  ``{`` or ``[``, or that starts so but is not JSON (flow-style YAML), is read
  as YAML with PyYAML's *safe* loader only;
- YAML is first scanned as a stream of events, without building anything:
  tags (``!!python/object``, ``!!binary``, even ``!!str``) are refused, and
  so are aliases that would expand to more than :data:`MAX_YAML_NODES` nodes
  (the "billion laughs" bomb), and nesting deeper than :data:`MAX_DEPTH`;
- after parsing, nesting is checked again without recursion, so a document
  nested 100,000 levels deep is one error, never a ``RecursionError``;
- YAML dates stay text and numeric mapping keys (``200:``) become text, so
  every document is plain JSON data afterwards.

Errors are :class:`~designer.core.errors.ImportParseError` with one line that
names the file and the place (line and column, or a JSON path).
"""

from __future__ import annotations

import os
import re
from typing import Any

import orjson
import yaml

from designer.core import fileio, jsonvalues
from designer.core.errors import ImportParseError

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_SIZE",
    "MAX_YAML_NODES",
    "parse_document",
    "read_document",
    "read_source",
]

#: Real specifications and collections are a few MB; this leaves a wide margin.
MAX_DOCUMENT_SIZE = 64 * fileio.MB
#: Real documents nest a few dozen levels; anything deeper is refused.
MAX_DEPTH = 200
#: The most nodes a YAML document may expand to once its aliases are followed.
MAX_YAML_NODES = 5_000_000

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader, fast when libyaml is there, with dates kept as text."""


_BOOL = "tag:yaml.org,2002:bool"
# YAML 1.2 (what OpenAPI documents are written in) has no 'yes', 'no', 'on' or
# 'off' booleans and no timestamps: those stay text, as every JSON tool reads them.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_source(path: str | os.PathLike[str], what: str = "document to import") -> bytes:
    """The bytes of ``path``, refused above :data:`MAX_DOCUMENT_SIZE`."""
    return fileio.read_bytes(path, limit=MAX_DOCUMENT_SIZE, what=what)


def read_document(path: str | os.PathLike[str]) -> Any:
    """The JSON or YAML document in the file at ``path``, as plain JSON data."""
    return parse_document(read_source(path), os.fspath(path))


def _fail(source: str, where: str, message: str) -> ImportParseError:
    return ImportParseError(f"{source}: {where}: {message}")


def parse_document(data: bytes, source: str) -> Any:
    """Parse ``data`` (JSON or YAML) safely; ``source`` names it in messages."""
    if len(data) > MAX_DOCUMENT_SIZE:
        raise ImportParseError(
            f"{source} is {fileio.format_size(len(data))}, more than the "
            f"{fileio.format_size(MAX_DOCUMENT_SIZE)} limit for a document to import"
        )
    # UTF-16 and UTF-32 exports (with a byte order mark, or recognisable
    # without one) are read too; anything else must be UTF-8.
    unmarked = jsonvalues.decode_json_bytes(data)
    text = unmarked if unmarked is not None else fileio.decode_utf8(data, source=source)
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise ImportParseError(f"{source} is empty: there is nothing to import")
    if stripped[:1] in "{[":
        try:
            document = _parse_json(text, source)
        except ImportParseError as json_error:
            # Flow-style YAML (as Insomnia can save it) starts with { too.
            try:
                document = _parse_yaml(text, source)
            except ImportParseError:
                raise json_error from None
        # orjson keeps lone surrogates; it already reads big integers as floats.
        scalars = jsonvalues.may_hold_surrogates(text)
    else:
        document = _parse_yaml(text, source)
        scalars = True  # YAML reads integers of any size, and escapes to surrogates
    return _plain(document, source, scalars=scalars)


def _parse_json(text: str, source: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        error = exc
    if "depth" in error.msg or "recursion" in error.msg:
        raise _fail(
            source,
            f"line {error.lineno}, column {error.colno}",
            "nested too deeply (more than 1024 levels): this is not a document to import",
        ) from error
    if error.pos >= len(text.rstrip()):
        raise _fail(
            source,
            f"line {error.lineno}, column {error.colno}",
            "the file ends too early (was it cut off?): download or export it again",
        ) from error
    try:
        # What orjson refuses but JSON allows (lone surrogates, integers
        # beyond 64 bits, NaN from lenient writers): see jsonvalues.
        # orjson already bounded the depth.
        return jsonvalues.loads_lenient(text)
    except (ValueError, RecursionError):
        pass
    raise _fail(
        source,
        f"line {error.lineno}, column {error.colno}",
        f"not valid JSON ({error.msg}): fix the document there",
    ) from error


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _mark(event: Any) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "$"


def _scan_yaml(text: str, source: str) -> None:
    """Refuse tags, alias bombs, deep nesting and multiple documents before building."""
    nodes = 0
    depth = 0
    documents = 0
    anchors: dict[str, int] = {}
    open_anchors: list[tuple[str | None, int]] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(
                        source,
                        _mark(event),
                        "holds more than one YAML document: keep only the one to import",
                    )
                continue
            if isinstance(event, yaml.AliasEvent):
                nodes += anchors.get(event.anchor or "", 1)
            elif isinstance(event, yaml.NodeEvent):
                tag = getattr(event, "tag", None)
                if tag is not None and tag != "!":
                    raise _fail(
                        source,
                        _mark(event),
                        f"the YAML tag {tag!r} is not allowed: documents to import are plain "
                        f"data; remove the tag",
                    )
                nodes += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _fail(
                            source,
                            _mark(event),
                            f"nested more than {MAX_DEPTH} levels deep: this is not a "
                            f"document to import",
                        )
                    open_anchors.append((event.anchor, nodes))
                elif event.anchor is not None:
                    anchors[event.anchor] = 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, start = open_anchors.pop()
                if anchor is not None:
                    anchors[anchor] = nodes - start + 1
            if nodes > MAX_YAML_NODES:
                raise _fail(
                    source,
                    _mark(event),
                    f"expands to more than {MAX_YAML_NODES:,} values through its aliases "
                    f"(a YAML bomb?): refused",
                )
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source, text) from exc
    except yaml.YAMLError as exc:
        raise ImportParseError(
            f"{source}: not valid YAML ({_one_line(exc)}): fix the document"
        ) from exc


def _yaml_error(exc: yaml.MarkedYAMLError, source: str, text: str) -> ImportParseError:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "$"
    problem = exc.problem or exc.context or "invalid"
    if mark is not None and mark.index >= len(text.rstrip()):
        problem += " (the file ends too early: was it cut off?)"
    return _fail(source, where, f"not valid YAML: {_one_line(problem)}; fix the document there")


#: Where a YAML anchor (&a), alias (*a) or tag (!t) could start: at a line's start or after
#: white space or a flow indicator. A text with none of them (most split spec files) has
#: no alias to expand and no tag, so the event scan is skipped.
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[{,:])[&*!]")
#: A document separator (several documents) or the start of nesting too deep to read.
_SEPARATOR = re.compile(r"^(?:---|\.\.\.)", re.MULTILINE)
_DEEP_INDENT = re.compile(r"^[ \t?:\-]{" + str(MAX_DEPTH) + "}", re.MULTILINE)


def _needs_scan(text: str) -> bool:
    """Whether the event scan could find something: cheap checks in C, most files pass."""
    return (
        _NODE_PROPERTY.search(text) is not None
        or _SEPARATOR.search(text) is not None
        or text.count("[") + text.count("{") >= MAX_DEPTH
        or _DEEP_INDENT.search(text) is not None
    )


def _parse_yaml(text: str, source: str) -> Any:
    if _needs_scan(text):
        _scan_yaml(text, source)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, source, text) from exc
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ImportParseError(
            f"{source}: not valid YAML ({_one_line(exc)}): fix the document"
        ) from exc


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _plain(document: Any, source: str, *, scalars: bool = False) -> Any:
    """Check the nesting depth without recursion; make YAML mapping keys text.

    With ``scalars``, also make every key and scalar writable (see
    :func:`~designer.core.jsonvalues.plain_scalar`).
    """
    fix = jsonvalues.plain_scalar
    if scalars and not isinstance(document, dict | list):
        return fix(document)
    # Each entry: (container, depth, crumb); a crumb is (parent crumb, key), so
    # the JSON path of a too-deep node is built only when it is reported.
    stack: list[tuple[Any, int, Any]] = [(document, 0, None)]
    while stack:
        node, depth, crumb = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(
                source,
                _path(crumb),
                f"nested more than {MAX_DEPTH} levels deep: this is not a document to import",
            )
        if isinstance(node, dict):
            if scalars or not all(type(k) is str for k in node):
                fixed = {
                    fix(_key(k)): v if isinstance(v, dict | list) or not scalars else fix(v)
                    for k, v in node.items()
                }
                node.clear()
                node.update(fixed)
            for key, value in node.items():
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, (crumb, key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, (crumb, index)))
                elif scalars:
                    node[index] = fix(value)
    return document


def _path(crumb: Any) -> str:
    parts: list[str | int] = []
    while crumb is not None:
        crumb, key = crumb
        parts.append(key)
    out = "$"
    for part in reversed(parts):
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
