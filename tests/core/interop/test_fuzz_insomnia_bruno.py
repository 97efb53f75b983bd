"""Insomnia v5 files and Bruno requests, mutated: one-line errors or sound APIs, never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core.interop.bruno.bru import parse_bru, write_bru
from designer.core.interop.bruno.importer import import_bru_file
from designer.core.interop.insomnia.v5 import import_insomnia_v5
from designer.core.interop.source import read_document
from tests.core.interop.conftest import DATA
from tests.core.interop.test_fuzz import (
    _get,
    _one_line_or_none,
    _only_our_errors,
    _paths,
    _replace,
    json_values,
)

V5 = {
    "collection": read_document(DATA / "insomnia-v5" / "shop.insomnia.yaml"),
    "design": read_document(DATA / "insomnia-v5" / "petstore-design.insomnia.yaml"),
}
BRU = [
    (DATA / "bruno" / "shop" / name).read_text()
    for name in (
        "Orders/List orders.bru",
        "Orders/Create order.bru",
        "Orders/Refunds/Refund order.bru",
        "Catalog/Product search.bru",
        "Catalog/Upload image.bru",
    )
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(V5)), data=st.data())
def test_mutated_insomnia_v5(name: str, data: st.DataObject) -> None:
    doc = V5[name]
    for _ in range(data.draw(st.integers(1, 3))):
        doc = _replace(doc, data.draw(st.sampled_from(_paths(doc))), data.draw(json_values))
    _only_our_errors(import_insomnia_v5, doc)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_insomnia_v5_variables_anywhere(data: st.DataObject) -> None:
    doc = V5["collection"]
    strings = [p for p in _paths(doc) if p and isinstance(_get(doc, p), str)]
    text = st.text(alphabet=st.sampled_from(list("{}%:/?&=_. ax")), max_size=16)
    for _ in range(data.draw(st.integers(1, 4))):
        doc = _replace(doc, data.draw(st.sampled_from(strings)), data.draw(text))
    _only_our_errors(import_insomnia_v5, doc)


def _lines(text: str) -> list[str]:
    return text.split("\n")


@settings(max_examples=120, deadline=None)
@given(index=st.integers(0, len(BRU) - 1), data=st.data())
def test_mutated_bru_files(index: int, data: st.DataObject) -> None:
    """Lines replaced, dropped or repeated, with braces, colons, tildes and quotes anywhere."""
    lines = _lines(BRU[index])
    piece = st.text(alphabet=st.sampled_from(list("{}[]:~'\"@ ax\t")), max_size=12)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["replace", "drop", "repeat", "append"]))
        if action == "replace":
            lines[at] = data.draw(piece)
        elif action == "drop" and len(lines) > 1:
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        else:
            lines[at] += data.draw(piece)
    text = "\n".join(lines)
    _one_line_or_none(lambda: import_bru_file(text, "fuzz.bru"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_as_bru(text: str) -> None:
    _one_line_or_none(lambda: import_bru_file(text, "fuzz.bru"))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_any_pairs_are_written_and_read_back(pairs: list[tuple[str, str, bool]]) -> None:
    """What the writer writes, the reader reads back the same (values as Bruno trims them)."""
    from designer.core.interop.bruno.bru import Block, Pair

    usable = [
        (k.strip(), v.strip(), on)
        for k, v, on in pairs
        if k.strip()
        and "\r" not in k + v
        and "\n" not in k
        and "'''" not in v
        and not k.strip().startswith(("'", "@"))
        and all(line.strip() == line for line in v.strip().split("\n"))
    ]
    block = Block("headers", [Pair(k, v, on) for k, v, on in usable])
    (again,) = parse_bru(write_bru([block]), "again.bru")
    expected: list[Any] = [(k, v, on) for k, v, on in usable]
    assert [(p.key, p.value, p.enabled) for p in again.pairs] == expected
