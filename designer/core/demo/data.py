"""Deterministic records for the demo API: products, orders, an account, a feed.

Every record is a pure function of its index, so page 3 of the product list is
the same on every run and on every machine, and a list of 200 000 items can be
produced in chunks without ever holding the whole body. Values come from a
cheap integer hash rather than :mod:`random`: seeding a generator per record
would dominate the time to stream a large list.

The records are meant to exercise inference the way real APIs do: nested
objects, lists of objects, nullable and optional fields, ISO dates and
date-times, URLs, image URLs, e-mail addresses and UUIDs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "ORDER_IDS",
    "PRODUCT_COUNT",
    "account",
    "big_item",
    "feed_xml",
    "order",
    "product",
]

#: How many products the catalogue holds; the list endpoint pages through them.
PRODUCT_COUNT = 137
#: The order ids that exist; any other id is answered with 404.
ORDER_IDS = range(1001, 1041)

_EPOCH = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
_ADJECTIVES = ["Compact", "Classic", "Ultra", "Eco", "Smart", "Rugged", "Silent", "Travel"]
_NOUNS = ["Kettle", "Backpack", "Desk Lamp", "Headphones", "Water Bottle", "Keyboard", "Tent"]
_CATEGORIES = ["kitchen", "outdoor", "office", "audio", "travel"]
_TAGS = ["new", "sale", "bestseller", "eco", "limited", "gift"]
_VENDORS = [
    ("Northwind Traders", "northwind.example"),
    ("Acme Supplies", "acme.example"),
    ("Globex Goods", None),
    ("Initech Outfitters", "initech.example"),
]
_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton"]
_CITIES = [("Lyon", "FR"), ("Porto", "PT"), ("Leeds", "GB"), ("Graz", "AT"), ("Turku", "FI")]


def _h(i: int, salt: int = 0) -> int:
    """A 32-bit mixing hash: deterministic, uniform enough, and very cheap."""
    x = (i * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    return x


def _uuid(kind: int, i: int) -> str:
    # _h is a bijection for a fixed salt, so the first word alone keeps ids unique.
    bits = (_h(i, kind) << 96) | (_h(i, kind + 1) << 64) | (_h(i, kind + 2) << 32) | _h(i, kind + 3)
    return str(uuid.UUID(int=bits, version=4))


def _when(i: int, salt: int, days: int = 700) -> datetime:
    return _EPOCH + timedelta(minutes=_h(i, salt) % (days * 24 * 60))


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def product(i: int, base_url: str = "https://shop.example") -> dict[str, Any]:
    """Product number ``i`` (1-based) of the catalogue."""
    h = _h(i, 1)
    name = f"{_ADJECTIVES[h % len(_ADJECTIVES)]} {_NOUNS[(h >> 4) % len(_NOUNS)]}"
    vendor_name, vendor_site = _VENDORS[(h >> 8) % len(_VENDORS)]
    slug = name.lower().replace(" ", "-")
    record: dict[str, Any] = {
        "id": _uuid(1, i),
        "sku": f"SKU-{i:05d}",
        "name": name,
        "category": _CATEGORIES[(h >> 12) % len(_CATEGORIES)],
        "price": {"amount": round(5 + (h % 20000) / 100, 2), "currency": "EUR"},
        # Mostly null: a nullable number, as in real catalogues.
        "discount_percent": (h >> 3) % 30 if h % 5 == 0 else None,
        "in_stock": h % 7 != 0,
        "stock": (h >> 5) % 250,
        "tags": [_TAGS[(h >> s) % len(_TAGS)] for s in range(0, (h >> 20) % 3 * 3, 3)],
        "url": f"{base_url}/products/{slug}-{i}",
        "images": [
            {
                "url": f"{base_url}/images/{i}-{n}.jpg",
                "width": 800,
                "height": 600 if n else 800,
            }
            for n in range(1 + (h >> 14) % 3)
        ],
        "vendor": {
            "id": (h >> 8) % len(_VENDORS) + 1,
            "name": vendor_name,
            "email": f"sales@{vendor_site or 'globex.example'}",
            "website": f"https://{vendor_site}" if vendor_site else None,
        },
        "release_date": (_when(i, 2).date()).isoformat(),
        "created_at": _iso(_when(i, 3)),
    }
    # Optional: products without reviews have no rating field at all.
    if h % 4:
        record["rating"] = round(1 + (h >> 6) % 400 / 100, 1)
        record["review_count"] = (h >> 9) % 900 + 1
    return record


def order(order_id: int, base_url: str = "https://shop.example") -> dict[str, Any]:
    """Order ``order_id``; callers check it is in :data:`ORDER_IDS` first."""
    h = _h(order_id, 7)
    first, last = _FIRST[h % len(_FIRST)], _LAST[(h >> 3) % len(_LAST)]
    city, country = _CITIES[(h >> 6) % len(_CITIES)]
    placed = _when(order_id, 8, days=300)
    shipped = h % 3 != 0
    quantities = [1 + (h >> (2 * n)) % 4 for n in range(1 + h % 3)]
    prices = [round(5 + (_h(order_id, n) % 9000) / 100, 2) for n in range(len(quantities))]
    lines = [
        {
            "product_id": _uuid(1, (h >> (4 * n)) % PRODUCT_COUNT + 1),
            "quantity": quantity,
            "unit_price": price,
        }
        for n, (quantity, price) in enumerate(zip(quantities, prices, strict=True))
    ]
    return {
        "id": order_id,
        "status": "shipped" if shipped else "processing",
        "placed_at": _iso(placed),
        "shipped_on": (placed.date() + timedelta(days=2)).isoformat() if shipped else None,
        "customer": {
            "name": f"{first} {last}",
            "email": f"{first}.{last}@mail.example".lower(),
            "address": {"city": city, "country": country, "postcode": f"{h % 90000 + 10000}"},
        },
        "lines": lines,
        "total": round(sum(q * p for q, p in zip(quantities, prices, strict=True)), 2),
        "tracking_url": f"{base_url}/track/{order_id}" if shipped else None,
    }


def account() -> dict[str, Any]:
    """The account behind the demo API key."""
    return {
        "id": "acct_demo",
        "name": "Demo Shop Ltd",
        "email": "owner@demo-shop.example",
        "plan": "starter",
        "created_at": "2024-02-29T08:15:00Z",
        "usage": {"requests_today": 42, "daily_limit": 1000, "resets_at": "2026-01-01T00:00:00Z"},
        "logo_url": "https://demo-shop.example/logo.png",
    }


def big_item(i: int) -> bytes:
    """List item ``i`` of the large-body endpoint, as compact JSON (~400 bytes).

    Formatted by hand because ``json.dumps`` per item would make streaming
    200 000 items take seconds; the values need no escaping.
    """
    h = _h(i, 11)
    first, last = _FIRST[h % len(_FIRST)], _LAST[(h >> 3) % len(_LAST)]
    city, country = _CITIES[(h >> 6) % len(_CITIES)]
    moment = _EPOCH + timedelta(seconds=h % 60_000_000)
    website = f'"https://{last.lower()}.example/{i}"' if h % 3 else "null"
    return (
        f'{{"id":{i},"uuid":"{_uuid(11, i)}","name":"{first} {last}",'
        f'"email":"{first.lower()}.{last.lower()}{i}@mail.example","active":'
        f'{"true" if h % 5 else "false"},"score":{h % 10000 / 100},'
        f'"created_at":"{_iso(moment)}","birthday":"{date(1960 + h % 40, 1 + h % 12, 1 + h % 28)}",'
        f'"address":{{"street":"{h % 300} Main Street","city":"{city}","country":"{country}",'
        f'"postcode":"{h % 90000 + 10000}"}},"website":{website},'
        f'"avatar_url":"https://img.example/avatars/{i}.png","tags":["{_TAGS[h % 6]}"]}}'
    ).encode()


def feed_xml(base_url: str) -> bytes:
    """An RSS 2.0 feed of the ten newest products."""
    items = []
    for i in range(1, 11):
        p = product(i, base_url)
        stamp = _when(i, 3).strftime("%a, %d %b %Y %H:%M:%S +0000")
        items.append(
            "    <item>\n"
            f"      <title>{p['name']}</title>\n"
            f"      <link>{p['url']}</link>\n"
            f'      <guid isPermaLink="false">{p["id"]}</guid>\n'
            f"      <category>{p['category']}</category>\n"
            f"      <pubDate>{stamp}</pubDate>\n"
            f'      <price currency="EUR">{p["price"]["amount"]}</price>\n'
            "    </item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
        "    <title>Demo Store: new products</title>\n"
        f"    <link>{base_url}/</link>\n"
        "    <description>The newest products of the demo store</description>\n"
        + "".join(items)
        + "  </channel>\n</rss>\n"
    ).encode()
