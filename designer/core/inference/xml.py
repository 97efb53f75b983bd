"""XML bodies as a tree that the JSON inference understands.

An element becomes an object: attributes as ``@name`` fields, child elements
by tag (repeated siblings become a list), and non-blank text as ``#text``. An
element with neither attributes nor children is just its text. Parsing goes
through defusedxml, so entity bombs and external entities are refused.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from designer.core.errors import BodyParseError

__all__ = ["parse_xml"]


def parse_xml(body: bytes) -> dict[str, Any]:
    """The XML document as nested dicts and lists: ``{root_tag: content}``."""
    try:
        root = fromstring(body)
    except ParseError as exc:
        line, column = exc.position
        raise BodyParseError(
            f"Response is not valid XML (line {line}, column {column + 1})", line, column + 1
        ) from exc
    except DefusedXmlException as exc:
        raise BodyParseError(f"Response XML was refused: {exc}") from exc
    return {_tag(root): _convert(root)}


def _tag(element: Element) -> str:
    # "{namespace}name" → "name": namespaces are noise for designing a connector.
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def _convert(root: Element) -> Any:
    # Iterative post-order conversion: XML can be nested deeply too.
    results: dict[int, Any] = {}
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        children = list(element)
        if not done:
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        text = (element.text or "").strip()
        if not children and not element.attrib:
            results[id(element)] = text
            continue
        node: dict[str, Any] = {f"@{_tag_name(k)}": v for k, v in element.attrib.items()}
        for child in children:
            name = _tag(child)
            value = results.pop(id(child))
            if name in node:
                existing = node[name]
                if isinstance(existing, _Repeated):
                    existing.append(value)
                else:
                    node[name] = _Repeated([existing, value])
            else:
                node[name] = value
        for name, value in node.items():
            if isinstance(value, _Repeated):
                node[name] = list(value)
        if text:
            node["#text"] = text
        results[id(element)] = node
    return results[id(root)]


def _tag_name(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class _Repeated(list[Any]):
    """Marks a list made from repeated sibling elements while converting."""
