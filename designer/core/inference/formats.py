"""Detecting the format of text values: dates, times, e-mails, URLs, UUIDs.

A format is reported only when *every* value seen matches it. Detection is
cheap for plain text: the first value decides which format is a candidate at
all, and only that candidate is checked against the remaining values.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from ..structure import TextFormat

__all__ = ["detect_format", "meet_formats"]

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
# RFC 3339 full-time, as JSON Schema's "time" and "date-time" formats define
# it: seconds and a zone are required, so every exported format is truthful.
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)"

# Order matters only for speed: the first value picks the candidate.
_PATTERNS: tuple[tuple[TextFormat, re.Pattern[str]], ...] = (
    (TextFormat.DATE_TIME, re.compile(rf"{_DATE}[Tt]{_TIME}")),
    (TextFormat.DATE, re.compile(_DATE)),
    (TextFormat.TIME, re.compile(_TIME)),
    (
        TextFormat.UUID,
        re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ),
    (
        TextFormat.EMAIL,
        re.compile(
            r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
        ),
    ),
    # Absolute http(s) URLs only: "/v1/customers" is just text.
    (
        TextFormat.IMAGE_URL,
        re.compile(
            r"https?://[^\s/?#]+/[^\s?#]*\.(?:png|jpe?g|gif|webp|svg|bmp|ico|avif|tiff?)"
            r"(?:\?[^\s#]*)?(?:#\S*)?",
            re.IGNORECASE,
        ),
    ),
    (TextFormat.URL, re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)),
)


def detect_format(values: Sequence[str]) -> TextFormat | None:
    """The format every string in ``values`` matches, or None."""
    if not values or not values[0]:
        return None
    first = values[0]
    for fmt, pattern in _PATTERNS:
        if pattern.fullmatch(first) is None:
            continue
        if all(map(pattern.fullmatch, _distinct(values))):
            return fmt
        # Image URLs are URLs too: a mix of both is a list of URLs.
        if fmt is TextFormat.IMAGE_URL:
            continue
        return None
    return None


def _distinct(values: Sequence[str]) -> Collection[str]:
    """``values`` de-duplicated when that saves regex work (enum-like columns)."""
    if len(values) < 256:
        return values
    probe = values[:256]
    return set(values) if len(set(probe)) < 128 else values


def meet_formats(a: TextFormat | None, b: TextFormat | None) -> TextFormat | None:
    """The most specific format that describes values of both formats.

    ``image-url`` narrows ``url``; any other pair of different formats has no
    common format. The operation is commutative and associative, so merging
    samples in any order gives the same result.
    """
    if a is b:
        return a
    if {a, b} == {TextFormat.URL, TextFormat.IMAGE_URL}:
        return TextFormat.URL
    return None
