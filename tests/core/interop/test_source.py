"""Reading documents to import: every hostile or broken input is one error, never a crash."""

from __future__ import annotations

import pytest

from designer.core.errors import FileTooLargeError, ImportParseError, NotUtf8Error
from designer.core.interop import source
from designer.core.interop.source import parse_document, read_document


def fails(data: bytes, text: str) -> str:
    with pytest.raises(ImportParseError) as caught:
        parse_document(data, "spec.yaml")
    message = str(caught.value)
    assert message.startswith("spec.yaml")
    assert "\n" not in message
    assert text in message
    return message


def test_json_and_yaml_become_plain_data() -> None:
    assert parse_document(b'\xef\xbb\xbf{"a": [1, 2]}', "x") == {"a": [1, 2]}
    doc = parse_document(
        b"responses:\n  200: {description: ok}\nwhen: 2024-01-01\nyes: true\n", "x"
    )
    assert doc == {"responses": {"200": {"description": "ok"}}, "when": "2024-01-01", "yes": True}


def test_big_integers_are_read() -> None:
    assert parse_document(b'{"n": 123456789012345678901234567890}', "x")["n"] > 2**64


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b'{"openapi": "3.1.0", "paths": {', "line 1, column 32: the file ends too early"),
        (b'{"a": 1,, "b": 2}', "line 1, column 9: not valid JSON"),
        (b"a: [1, 2\nb: 3\n", "not valid YAML"),
        (b"   \n", "is empty"),
        (b"a: 1\n---\nb: 2\n", "line 2, column 1: holds more than one YAML document"),
    ],
)
def test_broken_documents(data: bytes, text: str) -> None:
    fails(data, text)


def test_not_utf8() -> None:
    with pytest.raises(NotUtf8Error, match="invalid byte 0xff at offset 6"):
        parse_document(b'{"a": \xff}', "spec.json")


@pytest.mark.parametrize(
    "tagged",
    [
        b"a: !!python/object/apply:os.system ['echo hi']\n",
        b"a: !!binary aGVsbG8=\n",
        b"a: !!set {x, y}\n",
        b"a: !custom 1\n",
        b"a: !!str 1\n",
    ],
)
def test_yaml_tags_are_refused(tagged: bytes) -> None:
    fails(tagged, "line 1, column 4: the YAML tag")


def test_yaml_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    fails("\n".join(lines).encode(), "expands to more than")


def test_harmless_aliases_are_fine() -> None:
    doc = parse_document(b"base: &b {type: string}\nuse: *b\nmore: *b\n", "x")
    assert doc["use"] == {"type": "string"}


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deep_json_is_one_line(opening: bytes) -> None:
    fails(opening * 100_000, "nested too deeply")


def test_json_deeper_than_the_limit_names_the_place() -> None:
    depth = source.MAX_DEPTH + 5
    message = fails(b'{"a":' * depth + b"1" + b"}" * depth, "nested more than 200 levels deep")
    assert "spec.yaml: $.a.a.a" in message


@pytest.mark.parametrize("data", [b"a: " + b"[" * 100_000, b"- " * 100_000 + b"x"])
def test_deep_yaml_is_one_line(data: bytes) -> None:
    fails(data, "nest")


def test_self_referencing_yaml_is_refused() -> None:
    fails(b"a: &a [*a]\n", "levels deep")


def test_size_limit(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(source.MAX_DOCUMENT_SIZE + 1)
    with pytest.raises(FileTooLargeError, match="more than the 64 MB limit"):
        read_document(path)
    monkeypatch.setattr(source, "MAX_DOCUMENT_SIZE", 10)
    with pytest.raises(ImportParseError, match="more than the 10 bytes limit"):
        parse_document(b'{"a": "0123456789"}', "x.json")
