"""Reading bodies: JSON (including very deep and invalid), XML, text and binary."""

from __future__ import annotations

import pytest

from designer.core.errors import BodyParseError
from designer.core.inference import detect_kind, infer_body, walk
from designer.core.structure import ResponseType, TextFormat, ValueType


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("application/json; charset=utf-8", b"{}", ResponseType.JSON),
        ("application/vnd.api+json", b"{}", ResponseType.JSON),
        ("application/xml", b"<a/>", ResponseType.XML),
        ("application/atom+xml", b"<a/>", ResponseType.XML),
        ("text/html", b"<p>", ResponseType.TEXT),
        ("image/png", b"\x89PNG", ResponseType.BINARY),
        ("", b'  [{"a": 1}]', ResponseType.JSON),
        ("", b"<?xml version='1.0'?><a/>", ResponseType.XML),
        ("", b"plain words", ResponseType.TEXT),
        ("", b"\xff\xfe\x00\x01", ResponseType.BINARY),
    ],
)
def test_kind_comes_from_content_type_or_sniffing(
    content_type: str, body: bytes, kind: ResponseType
) -> None:
    assert detect_kind(body, content_type) is kind


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(BodyParseError, match=r"not valid JSON \(line 2, column 7\)") as info:
        infer_body(b'{"a": 1,\n "b": }', "application/json")
    assert (info.value.line, info.value.column) == (2, 7)


def test_json_nested_far_beyond_the_parser_limit_is_inferred_to_the_depth_limit() -> None:
    depth = 100_000
    body = b'{"a":' * depth + b"1" + b"}" * depth
    shape = infer_body(body, "application/json")
    nodes = list(walk(shape))
    assert nodes[-1][1].truncated
    assert nodes[-1][1].type is ValueType.OBJECT


def test_truncated_deep_json_is_still_invalid_when_broken() -> None:
    with pytest.raises(BodyParseError):
        infer_body(b"[" * 5000 + b"]" * 4999, "application/json")


def test_integers_beyond_64_bits_are_numbers_not_errors() -> None:
    shape = infer_body(b'{"big": 123456789012345678901234567890}', "application/json")
    assert shape.fields is not None
    assert shape.fields["big"].type in (ValueType.INTEGER, ValueType.NUMBER)


def test_xml_becomes_elements_attributes_and_lists_for_repeated_elements() -> None:
    body = b"""<?xml version="1.0"?>
    <feed xmlns="http://www.w3.org/2005/Atom" lang="en">
      <title>News</title>
      <entry id="1"><updated>2024-01-01T10:00:00Z</updated><link>https://x.io/1</link></entry>
      <entry id="2"><updated>2024-01-02T10:00:00Z</updated><link>https://x.io/2</link></entry>
    </feed>"""
    shape = infer_body(body, "application/atom+xml")
    nodes = dict(walk(shape))
    assert nodes["feed.@lang"].type is ValueType.TEXT
    assert nodes["feed.title"].samples == ["News"]
    assert nodes["feed.entry"].label == "list of object"
    assert nodes["feed.entry[].updated"].format is TextFormat.DATE_TIME
    assert nodes["feed.entry[].link"].format is TextFormat.URL


def test_xml_entity_bombs_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>"""
    with pytest.raises(BodyParseError, match="refused"):
        infer_body(bomb, "application/xml")


def test_invalid_xml_names_the_place() -> None:
    with pytest.raises(BodyParseError, match=r"not valid XML \(line 1"):
        infer_body(b"<a><b></a>", "text/xml")


def test_text_and_binary_bodies_are_one_typed_leaf_with_size_and_content_type() -> None:
    text = infer_body(b"<html>" + b"x" * 500 + b"</html>", "text/html; charset=utf-8")
    assert (text.type, text.content_type, text.size) == (ValueType.TEXT, "text/html", 513)
    assert isinstance(text.samples[0], str)
    assert text.samples[0].startswith("<html>")
    binary = infer_body(bytes(range(256)), "application/octet-stream")
    assert (binary.type, binary.size, binary.samples) == (ValueType.BINARY, 256, [])


def test_a_fixed_response_type_wins_over_content_type() -> None:
    shape = infer_body(b'{"a": 1}', "text/plain", ResponseType.JSON)
    assert shape.type is ValueType.OBJECT
