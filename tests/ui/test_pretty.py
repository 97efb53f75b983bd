"""Paged pretty-printing and JSON prefix closing: the raw view's and the preview's text work."""

from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.ui.response.jobs import close_prefix
from designer.ui.response.pretty import MAX_LINE, PageState, pretty_page, window_for

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_text, children, max_size=5),
    max_leaves=30,
)


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _all_pages(body: bytes, chars: int, kind: str = "json") -> tuple[str, int]:
    state, parts, pages = PageState(), [], 0
    while True:
        start, stop = window_for(len(body), state, chars)
        page = pretty_page(body[start:stop], state, kind=kind, final=stop >= len(body), chars=chars)
        parts.append(page.text)
        state, pages = page.next, pages + 1
        if page.done:
            return "".join(parts), pages
        assert pages < 100_000, "paging must make progress"


@settings(max_examples=150, deadline=None)
@given(json_values, st.integers(min_value=8, max_value=400))
def test_pages_join_into_the_indented_document(value, chars) -> None:
    body = _compact(value)
    text, _pages = _all_pages(body, chars)
    expected = json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n"
    assert text == expected


def test_numbers_and_escapes_are_kept_as_sent() -> None:
    text, _ = _all_pages(b'{"big":12345678901234567890,"f":1.50,"s":"a\\u00e9\\n"}', 1000)
    assert '"big": 12345678901234567890' in text
    assert '"f": 1.50' in text
    assert '"s": "a\\u00e9\\n"' in text


def test_invalid_json_still_reads() -> None:
    text, _ = _all_pages(b'{"a": 1, oops "b"', 1000)
    assert "oops" in text


def test_long_lines_are_split_for_display() -> None:
    text, _ = _all_pages(orjson.dumps({"s": "x" * (3 * MAX_LINE)}), 10_000)
    assert max(len(line) for line in text.splitlines()) <= MAX_LINE
    plain, _ = _all_pages(b"y" * (3 * MAX_LINE), 10_000, kind="text")
    assert max(len(line) for line in plain.splitlines()) <= MAX_LINE


def test_text_pages_end_on_line_breaks() -> None:
    body = b"".join(b"line %d\n" % i for i in range(1000))
    page = pretty_page(body[:100], PageState(), kind="text", final=False, chars=100)
    assert page.text.endswith("\n")
    assert page.next.offset == len(page.text)


def test_compact_xml_is_indented() -> None:
    page = pretty_page(b"<a><b>1</b></a>", PageState(), kind="xml", final=True)
    assert page.text.splitlines()[1:] == ["<a>", "  <b>1</b>", "</a>"]


@settings(max_examples=150, deadline=None)
@given(json_values, st.data())
def test_every_prefix_closes_into_valid_json(value, data) -> None:
    body = _compact({"items": [value, value]})
    cut = data.draw(st.integers(min_value=1, max_value=len(body)))
    closed = close_prefix(body[:cut])
    if closed is not None:
        orjson.loads(closed)


def test_prefix_keeps_whole_items_only() -> None:
    body = orjson.dumps({"count": 3, "items": [{"a": "x]}"}, {"a": "y"}, {"a": "z"}]})
    closed = close_prefix(body[: body.index(b'{"a":"z"') + 4])
    assert orjson.loads(closed) == {"count": 3, "items": [{"a": "x]}"}, {"a": "y"}]}
    assert close_prefix(b'{"a": 1}') is None, "a complete document needs no closing"
    assert close_prefix(b'{"a": "no value ends') is None
