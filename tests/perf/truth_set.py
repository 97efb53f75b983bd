"""A truth set for inference: vendors' example responses scored against their own schemas.

Vendor OpenAPI documents carry example responses beside the schema of the
same operation. Each example is inferred by each tool (ours, quicktype with
``--lang schema``, genson), and what the tool says is compared, fact by fact,
with what the vendor's schema says. Only facts the example can show count:

- **present**: a documented field the example holds is listed;
- **type**: its type is the documented one (a documented number whose example
  values are all whole may be read as integer; a record or a map are one type
  here, see map/record), for fields and map values;
- **list items**: the same, for the items of a list;
- **format**: a documented format (``date-time``, ``uri``, ``unix-time``,
  ``ipv4``…) is given. Formats are read by the product's importer, so a
  vendor's format it does not know (Stripe's ``decimal``) is no fact; and only
  where the example's values are valid for the format by a checker that is
  not the product's: jsonschema's format checker (date, date-time, time,
  email, ipv4, ipv6, uuid), an absolute URI with a scheme for ``uri`` (RFC
  3986; Twilio documents relative references such as ``/2010-04-01/…`` as
  ``uri``), :mod:`email.utils` for RFC 2822 dates, :mod:`ipaddress` for CIDR
  networks; Unix times as documented;
- **nullability**: where the example holds null and the schema allows it, the
  tool allows null (a type *null* counts);
- **map/record**: an object documented as a map (``additionalProperties``
  with a schema and no ``properties``) is a map, a documented record a record;
- **optional**: a field absent from some of the example's objects at one
  place is optional; a required field present in all of them is not;
- **no invented field**: every field a tool lists where the schema documents
  a record or a map is a documented field (keys of a documented map listed as
  fields are invented). Its total differs per tool: it counts what each lists.

Each schema and each tool's JSON Schema is read with the product's own
importer (``schema_to_shape``, size bounds lifted), so all are compared as
the same kind of tree. Where the example and the schema disagree (a null the
schema does not allow, a field it does not document), there is no fact.

Pairs come from the documents in ``/work/shared/corpus/realworld/`` (or
``--corpus``): Twilio (``content.examples``), Slack (Swagger 2.0
``examples``) and DigitalOcean (examples in files referred to with
``$ref``). Stripe's ``spec3.json`` carries no examples (Stripe publishes them
apart, in ``fixtures3.json``), so it has no pairs.

Usage: python tests/perf/truth_set.py [--corpus DIR] [--no-quicktype] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from designer.core.errors import DesignerError
from designer.core.inference import infer_value
from designer.core.interop.openapi import schema_shape
from designer.core.interop.reader import Reader
from designer.core.interop.refs import Resolver
from designer.core.interop.source import read_document
from designer.core.structure import Shape, TextFormat, ValueType

CORPUS = Path("/work/shared/corpus/realworld")
CATEGORIES = (
    "present",
    "type",
    "list items",
    "format",
    "nullability",
    "map/record",
    "optional",
    "no invented field",
)


@dataclass(slots=True)
class Pair:
    vendor: str
    operation: str
    example: Any
    truth: Shape


@dataclass(slots=True)
class Score:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def fact(self, category: str, ok: bool, where: str) -> None:
        self.total[category] += 1
        if ok:
            self.right[category] += 1
        else:
            self.misses.append(f"{category}: {where}")

    def add(self, other: Score) -> None:
        self.right.update(other.right)
        self.total.update(other.total)
        self.misses.extend(other.misses)

    def percent(self, category: str | None = None) -> float:
        if category is None:
            right, total = sum(self.right.values()), sum(self.total.values())
        else:
            right, total = self.right[category], self.total[category]
        return 100.0 * right / total if total else 100.0


# -- reading schemas ----------------------------------------------------------------------------


def schema_tree(schema: Any, where: str, resolver: Resolver) -> Shape:
    """A JSON Schema as the product's importer reads it, without its size bounds."""
    bound = schema_shape.MAX_NODES
    schema_shape.MAX_NODES = 1_000_000
    try:
        return schema_shape.schema_to_shape(schema, where, resolver)
    finally:
        schema_shape.MAX_NODES = bound


def standalone_tree(schema: dict[str, Any]) -> Shape:
    """A tool's JSON Schema document (its ``$ref``s are local) as a tree."""
    return schema_tree(schema, "#", Resolver(schema, Reader("tool.json")))


# -- pairs from the vendors' documents ----------------------------------------------------------


def _openapi_pairs(vendor: str, path: Path) -> Iterator[Pair]:
    doc = read_document(path)
    resolver = Resolver(doc, Reader(str(path)), str(path))
    swagger = str(doc.get("swagger", "")).startswith("2")
    for route, item in sorted(doc.get("paths", {}).items()):
        item, at, _ = resolver.resolve(item, f"#/paths/{route}")
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in item:
                continue
            op, op_at, _ = resolver.resolve(item[method], f"{at}/{method}")
            for status, response in sorted(op.get("responses", {}).items()):
                if not str(status).startswith("2"):
                    continue
                try:
                    response, r_at, _ = resolver.resolve(response, f"{op_at}/responses/{status}")
                    found = list(
                        _response_pairs(
                            vendor, f"{method.upper()} {route}", response, r_at, resolver, swagger
                        )
                    )
                except DesignerError as exc:  # a schema the importer refuses: no pair
                    print(f"skipped {vendor} {method.upper()} {route}: {exc}", file=sys.stderr)
                    continue
                yield from found


def _response_pairs(
    vendor: str,
    operation: str,
    response: dict[str, Any],
    at: str,
    resolver: Resolver,
    swagger: bool,
) -> Iterator[Pair]:
    if swagger:
        example = (response.get("examples") or {}).get("application/json")
        if example is None or "schema" not in response:
            return
        truth = schema_tree(response["schema"], f"{at}/schema", resolver)
        yield Pair(vendor, operation, example, truth)
        return
    media = (response.get("content") or {}).get("application/json")
    if not isinstance(media, dict) or "schema" not in media:
        return
    examples: list[tuple[str, Any]] = []
    if "example" in media:
        examples.append(("example", media["example"]))
    for name, entry in (media.get("examples") or {}).items():
        entry, _e_at, _ = resolver.resolve(entry, f"{at}/content/application~1json/examples/{name}")
        if isinstance(entry, dict) and "value" in entry:
            examples.append((name, entry["value"]))
    if not examples:
        return
    truth = schema_tree(media["schema"], f"{at}/content/application~1json/schema", resolver)
    for name, value in examples:
        yield Pair(vendor, f"{operation} ({name})", value, truth)


def corpus_pairs(corpus: Path = CORPUS) -> Iterator[Pair]:
    """Every example response of the vendors' documents in ``corpus`` with its schema."""
    documents = [
        ("Twilio", corpus / "twilio_api_v2010.json"),
        ("Slack", corpus / "slack_web_openapi_v2.json"),
        ("DigitalOcean", corpus / "digitalocean" / "DigitalOcean-public.v2.yaml"),
    ]
    for vendor, path in documents:
        if path.exists():
            yield from _openapi_pairs(vendor, path)


# -- scoring ------------------------------------------------------------------------------------


def _documents_nothing(node: Shape | None) -> bool:
    return node is None or node.type is ValueType.UNKNOWN or node.truncated


def _of_kind(node: Shape | None, kinds: tuple[ValueType, ...]) -> Shape | None:
    """``node``, or its variant of one of ``kinds`` when it is mixed."""
    if node is None:
        return None
    if node.type is ValueType.MIXED:
        return next((v for v in node.variants or () if v.type in kinds), None)
    return node if node.type in kinds else None


_RECORDS = (ValueType.OBJECT, ValueType.MAP)


def _field(node: Shape | None, name: str) -> Shape | None:
    holder = _of_kind(node, _RECORDS)
    if holder is None:
        return None
    if holder.type is ValueType.MAP:
        return holder.items
    return (holder.fields or {}).get(name)


def _items(node: Shape | None) -> Shape | None:
    holder = _of_kind(node, (ValueType.LIST,))
    return None if holder is None else holder.items


def _accepts_null(node: Shape | None) -> bool:
    return node is not None and (node.nullable or node.type is ValueType.NULL)


def _type_ok(truth: Shape, values: list[Any], got: Shape | None) -> bool:
    if got is None:
        return False
    kind, seen = truth.type, got.type
    if seen is ValueType.MIXED:
        return False
    if kind in _RECORDS:
        return seen in _RECORDS
    if kind is ValueType.NUMBER and seen is ValueType.INTEGER:
        return all(isinstance(v, int) for v in values)
    return kind is seen


_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
_CHECKED = {
    TextFormat.DATE: "date",
    TextFormat.DATE_TIME: "date-time",
    TextFormat.TIME: "time",
    TextFormat.EMAIL: "email",
    TextFormat.IPV4: "ipv4",
    TextFormat.IPV6: "ipv6",
    TextFormat.UUID: "uuid",
}


def format_holds(fmt: TextFormat, values: list[Any]) -> bool:
    """Whether the example's values are valid for ``fmt``, judged without the product."""
    if fmt in (TextFormat.UNIX_TIME, TextFormat.UNIX_TIME_MS):
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if not all(isinstance(v, str) for v in values):
        return False
    if fmt in (TextFormat.URL, TextFormat.IMAGE_URL):
        return all(urlsplit(v).scheme and urlsplit(v).netloc for v in values)
    if fmt is TextFormat.CIDR:
        try:
            return all(ipaddress.ip_network(v, strict=False) is not None for v in values)
        except ValueError:
            return False
    if fmt is TextFormat.DATE_TIME_RFC_2822:
        try:
            return all(parsedate_to_datetime(v) is not None for v in values)
        except (TypeError, ValueError):
            return False
    return all(_CHECKER.conforms(v, _CHECKED[fmt]) for v in values)


def _same_format(a: TextFormat | None, b: TextFormat | None) -> bool:
    urls = {TextFormat.URL, TextFormat.IMAGE_URL}
    return a is b or (a in urls and b in urls)


def score(truth: Shape, example: Any, got: Shape) -> Score:
    """The facts ``example`` shows about ``truth``, judged on ``got`` (a tool's tree)."""
    result = Score()
    # (path, vendor's node, the tool's node, values seen there, whether it is a list's items)
    work: list[tuple[str, Shape, Shape | None, list[Any], bool]] = [
        ("", truth, got, [example], False)
    ]
    while work:
        path, t, c, values, items = work.pop()
        if _documents_nothing(t):
            continue
        present = [v for v in values if v is not None]
        if len(present) < len(values) and (t.nullable or t.type is ValueType.NULL):
            result.fact("nullability", _accepts_null(c), path)
        if not present or t.type in (ValueType.MIXED, ValueType.NULL):
            continue
        result.fact("list items" if items else "type", _type_ok(t, present, c), path)
        if t.format is not None and format_holds(t.format, present):
            ok = c is not None and _same_format(t.format, c.format)
            result.fact("format", ok, f"{path} ({t.format.value})")
        if t.type is ValueType.LIST:
            inner = [v for lst in present if isinstance(lst, list) for v in lst]
            if t.items is not None and inner:
                work.append((f"{path}[]", t.items, _items(c), inner, True))
        elif t.type in _RECORDS:
            _objects(result, path, t, c, [v for v in present if isinstance(v, dict)], work)
    return result


def _objects(
    result: Score,
    path: str,
    t: Shape,
    c: Shape | None,
    objects: list[dict[str, Any]],
    work: list[tuple[str, Shape, Shape | None, list[Any], bool]],
) -> None:
    keys = list(dict.fromkeys(k for obj in objects for k in obj))
    if not keys:
        return
    holder = _of_kind(c, _RECORDS)
    is_map = t.type is ValueType.MAP
    if is_map or t.fields:
        result.fact(
            "map/record", holder is not None and (holder.type is ValueType.MAP) is is_map, path
        )
        if holder is not None and holder.type is ValueType.OBJECT:
            for name in holder.fields or {}:
                real = not is_map and name in (t.fields or {})
                result.fact("no invented field", real, f"{path}.{name}")
    for key in keys:
        values = [obj[key] for obj in objects if key in obj]
        here = f"{path}.{key}"
        if is_map:
            if t.items is not None:
                work.append((here, t.items, _field(c, key), values, False))
            continue
        documented = (t.fields or {}).get(key)
        if documented is None:
            continue  # the example holds a field the schema lacks: no fact
        child = _field(c, key)
        result.fact("present", child is not None, here)
        if len(objects) > 1:
            absent = len(values) < len(objects)
            if absent:
                result.fact("optional", child is not None and child.optional, here)
            elif not documented.optional:
                result.fact("optional", child is not None and not child.optional, here)
        work.append((here, documented, child, values, False))


# -- the tools ----------------------------------------------------------------------------------


def ours(example: Any) -> Shape:
    return infer_value(example)


def genson_tree(example: Any) -> Shape:
    import genson

    builder = genson.SchemaBuilder()
    builder.add_object(example)
    return standalone_tree(builder.to_schema())


def quicktype_tree(example: Any, cache: Path) -> Shape:
    text = json.dumps(example, sort_keys=True)
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    out = cache / f"{key}.schema.json"
    if not out.exists():
        source = cache / f"{key}.json"
        source.write_text(text)
        subprocess.run(
            ["quicktype", "--lang", "schema", "--src-lang", "json", "--top-level", "Root"]
            + ["-o", str(out), str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return standalone_tree(json.loads(out.read_text()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-quicktype", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="at most N pairs (0: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", type=int, default=0, help="print N of our misses")
    args = parser.parse_args()
    pairs = list(corpus_pairs(args.corpus))
    if args.limit:
        pairs = pairs[: args.limit]
    if not pairs:
        print(f"no pairs in {args.corpus}", file=sys.stderr)
        return 1
    tools: dict[str, Any] = {"ours": ours, "genson": genson_tree}
    cache = Path(tempfile.gettempdir()) / "truth-set-quicktype"
    if not args.no_quicktype and shutil.which("quicktype"):
        cache.mkdir(exist_ok=True)
        tools["quicktype"] = lambda example: quicktype_tree(example, cache)
    scores = {name: Score() for name in tools}
    failures: Counter[str] = Counter()
    for pair in pairs:
        for name, tool in tools.items():
            try:
                tree = tool(pair.example)
            except (subprocess.SubprocessError, OSError, ValueError) as exc:
                failures[name] += 1
                print(f"{name} failed on {pair.vendor} {pair.operation}: {exc}", file=sys.stderr)
                continue
            scores[name].add(score(pair.truth, pair.example, tree))
    vendors = Counter(p.vendor for p in pairs)
    if args.json:
        print(json.dumps(_figures(scores, vendors), indent=2))
    else:
        _print(scores, vendors, failures)
        for miss in scores["ours"].misses[: args.misses]:
            print("  ours missed", miss)
    return 0


def _figures(scores: dict[str, Score], vendors: Counter[str]) -> dict[str, Any]:
    return {
        "pairs": dict(vendors),
        "tools": {
            name: {
                "overall": round(s.percent(), 1),
                "facts": sum(s.total.values()),
                **{c: [s.right[c], s.total[c]] for c in CATEGORIES},
            }
            for name, s in scores.items()
        },
    }


def _print(scores: dict[str, Score], vendors: Counter[str], failures: Counter[str]) -> None:
    names = list(scores)
    print(f"pairs: {sum(vendors.values())} ({', '.join(f'{v} {n}' for v, n in vendors.items())})")
    print(f"{'category':20s}" + "".join(f"{n:>22s}" for n in names))
    for category in (*CATEGORIES, None):
        cells = []
        for name in names:
            s = scores[name]
            if category is None:
                right, total = sum(s.right.values()), sum(s.total.values())
            else:
                right, total = s.right[category], s.total[category]
            cells.append(f"{s.percent(category):6.1f}% ({right}/{total})" if total else "—")
        print(f"{category or 'all facts':20s}" + "".join(f"{c:>22s}" for c in cells))
    for name, n in failures.items():
        print(f"{name} failed on {n} examples", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
