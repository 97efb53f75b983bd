"""Hypothesis strategies and helpers for inference tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from designer.core.structure import Shape

# Text drawn from a small alphabet plus format-looking values, so formats,
# JSON-in-text and plain text all come up.
_texts = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "2024-02-29",
            "2024-02-29T10:00:00Z",
            "10:15",
            "10:15:00Z",
            "a@example.com",
            "https://example.com/x.png",
            "https://example.com/",
            "/v1/relative",
            "0b6c1e0a-5f7e-4a8e-9d7f-2b5e3c4d5e6f",
            '{"k": 1}',
            "[1, 2]",
        ]
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    _texts,
)
keys = st.sampled_from(["id", "name", "tags", "meta", "price", "when", "a.b", ""])
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=20,
)


def signature(shape: Shape | None) -> Any:
    """What users see of a shape: types, formats, flags and children; no counts or samples."""
    if shape is None:
        return None
    return (
        shape.type.value,
        shape.format.value if shape.format else None,
        shape.nullable,
        shape.optional,
        shape.truncated,
        None if shape.fields is None else {k: signature(v) for k, v in shape.fields.items()},
        signature(shape.items),
        None if shape.variants is None else [signature(v) for v in shape.variants],
        signature(shape.embedded),
    )
