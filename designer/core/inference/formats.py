"""Detecting the format of values: dates, times, e-mails, URLs, UUIDs, IP addresses.

A format is reported only when *every* value seen matches it. Detection is
cheap for plain text: the first value decides which format is a candidate at
all, and only that candidate is checked against the remaining values.

Text formats:

- ``date``, ``date-time``, ``time``: RFC 3339 (ISO 8601), as JSON Schema defines them;
- ``date-time-rfc-2822``: the date of e-mail and HTTP headers, RFC 2822 section 3.3,
  which RFC 1123 dates and HTTP-dates (RFC 9110: ``Sun, 06 Nov 1994 08:49:37 GMT``)
  are forms of: an optional day name, day, month name, four-digit year, hours and
  minutes with optional seconds, and a zone (``+0000``, ``GMT``, ``UT``, ``UTC`` or a
  US zone such as ``EST``), as Twilio writes ``Fri, 18 Oct 2019 17:02:00 +0000``;
- ``ipv4`` and ``ipv6``: addresses as :mod:`ipaddress` reads them (no leading zeros
  in IPv4, which some parsers read as octal; IPv6 in any of its compressed forms);
- ``cidr``: an IPv4 or IPv6 network with its prefix length (``10.10.10.0/24``,
  ``::/0``), as :func:`ipaddress.ip_network` reads it (host bits may be set, as in
  ``192.168.1.5/24``: firewall rules and interfaces are written so);
- ``uuid``, ``email``, ``url`` and ``image-url``.

**Unix times.** Integers and numbers are dates (``unix-time``: seconds since
1970-01-01 UTC; ``unix-time-ms``: milliseconds) when both hold:

1. *The name says time.* The field's name (for list items and map values, the
   name of the list or map) ends with one of the words in :data:`TIME_WORDS`
   (``created``, ``updated_at``, ``current_period_end``, ``expiresAt``, ``ts``…),
   or its plural (a list named ``timestamps``).
   Words are split on ``_``, ``-`` and lower-to-upper case changes. A name is
   needed because a range alone cannot tell a date from an id, an amount in
   cents or a phone number: ``1234567890`` is all three.
2. *Every value is in range*: seconds from 1990-01-01 to 2100-01-01
   (631,152,000 to 4,102,444,800), or milliseconds over the same span. Zeros
   are allowed (APIs write ``0`` for "never"), but at least one value must be
   in range. Negative values, years (``2024``), durations and counts are below
   the range, so a ``response_time`` of 250 or an ``expires_in`` of 3600 stays
   a number.

Values in range by both rules cannot be both seconds and milliseconds (the two
ranges do not overlap), so a column is one or the other, never a mix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Sequence

from designer.core.structure import TextFormat

__all__ = [
    "TIME_WORDS",
    "UNIX_MILLIS",
    "UNIX_SECONDS",
    "detect_format",
    "detect_unix_time",
    "meet_formats",
    "name_says_time",
]

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_RFC_2822 = (
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?)?(?:0?[1-9]|[12]\d|3[01]) "
    rf"(?:{_MONTHS}) \d{{4}} (?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60))? "
    r"(?:[+-](?:[01]\d|2[0-3])[0-5]\d|GMT|UTC?|[ECMP][SD]T)"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"


class _Network:
    """Matches networks in CIDR notation: a cheap character test, then :mod:`ipaddress`."""

    _CANDIDATE = re.compile(r"[0-9A-Fa-f:.]+/\d{1,3}")

    def fullmatch(self, text: str) -> bool:
        if self._CANDIDATE.fullmatch(text) is None:
            return False
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            return False
        return True


class _IPv6:
    """Matches IPv6 addresses: a cheap character test, then :mod:`ipaddress` decides."""

    _CANDIDATE = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\w]*")

    def fullmatch(self, text: str) -> bool:
        if self._CANDIDATE.fullmatch(text) is None:
            return False
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return False
        return True


_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
# RFC 3339 full-time, as JSON Schema's "time" and "date-time" formats define
# it: seconds and a zone are required, so every exported format is truthful.
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)"

# Order matters only for speed: the first value picks the candidate.
_PATTERNS: tuple[tuple[TextFormat, re.Pattern[str] | _IPv6 | _Network], ...] = (
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
    (TextFormat.DATE_TIME_RFC_2822, re.compile(_RFC_2822)),
    (TextFormat.IPV4, re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")),
    (TextFormat.IPV6, _IPv6()),
    (TextFormat.CIDR, _Network()),
)


def detect_format(values: Sequence[str]) -> TextFormat | None:
    """The format every string in ``values`` matches, or None."""
    if not values or not values[0]:
        return None
    first = values[0]
    for fmt, pattern in _PATTERNS:
        if not pattern.fullmatch(first):
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


#: Last words of a field name that say it holds a time (see the module's rules).
TIME_WORDS = frozenset(
    {
        "at", "on", "time", "timestamp", "ts", "date", "datetime", "created", "updated",
        "modified", "deleted", "changed", "expires", "expiry", "expiration", "start", "end",
        "since", "until", "deadline", "seen", "login", "epoch", "when",
    }
)  # fmt: skip
#: The Unix times detected, in seconds and in milliseconds: 1990-01-01 to 2100-01-01, UTC.
UNIX_SECONDS = (631_152_000, 4_102_444_800)
UNIX_MILLIS = (UNIX_SECONDS[0] * 1000, UNIX_SECONDS[1] * 1000)
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_LAST_NAME = re.compile(r'(?:^|\.|\[")((?:[^".\[\]\\]|\\.)*)"?\]?(?:\[\])*$')


def name_says_time(path: str) -> bool:
    """Whether the field at ``path`` (or the list or map there) is named like a time."""
    match = _LAST_NAME.search(path)
    name = match.group(1) if match else ""
    words = _WORDS.findall(name)
    if not words:
        return False
    last = words[-1].lower()  # "timestamps[]" names each item a timestamp
    return last in TIME_WORDS or (last[-1:] == "s" and last[:-1] in TIME_WORDS)


def detect_unix_time(values: Sequence[int | float], path: str) -> TextFormat | None:
    """``unix-time`` or ``unix-time-ms`` when the numbers at ``path`` are Unix times, or None.

    ``values`` are ints or floats, no bools and no nulls. Only the field's name
    is looked at first, so columns that cannot be times cost nothing more.
    """
    if not values or not name_says_time(path):
        return None
    low, high = min(values), max(values)
    if low == 0:
        nonzero = [v for v in values if v]
        if not nonzero:
            return None
        low = min(nonzero)
    if UNIX_SECONDS[0] <= low and high < UNIX_SECONDS[1]:
        return TextFormat.UNIX_TIME
    if UNIX_MILLIS[0] <= low and high < UNIX_MILLIS[1]:
        return TextFormat.UNIX_TIME_MS
    return None


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
