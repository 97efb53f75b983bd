"""Deterministic large JSON bodies for the benchmarks.

``make_list_body(items)`` returns a realistic API list response: about twenty
fields per item with nested objects, lists of objects, nulls, optional
fields, dates, URLs and image URLs. 200 000 items make about 80 MB (20 fields each).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

_CITIES = ["Lisbon", "Oslo", "Austin", "Kyoto", "Lagos", "Lima", "Perth", "Quebec"]
_STATUS = ["active", "trialing", "past_due", "canceled"]


def make_item(i: int, rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": i,
        "name": f"C{i}",
        "email": f"u{i}@ex.com",
        "created": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
        "status": _STATUS[i % 4],
        "active": i % 3 != 0,
        "balance": round(rng.uniform(0, 5000), 2) if i % 5 else i,
        "avatar": f"https://img.ex.com/{i}.png",
        "website": f"https://s{i}.ex.org/" if i % 4 else None,
        "notes": None if i % 2 else f"Note {i}",
        "tags": [rng.choice(["vip", "beta", "new"]) for _ in range(i % 3)],
        "address": {
            "city": _CITIES[i % len(_CITIES)],
            "zip": f"{10000 + i % 89999}",
            "geo": {"lat": round(rng.uniform(-90, 90), 3), "lng": round(rng.uniform(-180, 180), 3)},
        },
        "orders": [
            {"order_id": f"o{i}_{k}", "total": rng.randint(100, 99999), "paid": bool(k % 2)}
            for k in range(i % 2)
        ],
        "rating": rng.choice([None, 1.5, 4, 5.0]),
    }
    if i % 7:
        item["birthday"] = f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    if i % 10 == 0:
        item["metadata"] = {"source": "import", "batch": i // 10}
    return item


def make_list_body(items: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    data = [make_item(i, rng) for i in range(items)]
    return orjson.dumps({"object": "list", "has_more": False, "total": items, "data": data})


def cached_body(items: int, directory: Path) -> Path:
    """Write the body for ``items`` once and reuse it across runs."""
    path = directory / f"list-{items}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(make_list_body(items))
        tmp.replace(path)
    return path


def make_map_body(keys: int, seed: int = 7) -> bytes:
    """A Firebase-style collection keyed by generated ids: ``{"-Nx…": {…}, …}``.

    100 000 keys make about 6 MB; the values are objects with an optional field.
    """
    rng = random.Random(seed)
    body: dict[str, Any] = {}
    for i in range(keys):
        value: dict[str, Any] = {"name": f"C{i}", "score": rng.randint(0, 999), "ok": i % 3 != 0}
        if i % 4 == 0:
            value["seen"] = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        body[f"-Nx{i:07d}{rng.randrange(36**3):04x}"] = value
    return orjson.dumps(body)


def cached_map_body(keys: int, directory: Path) -> Path:
    """Write the map body for ``keys`` once and reuse it across runs."""
    path = directory / f"map-{keys}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(make_map_body(keys))
        tmp.replace(path)
    return path
