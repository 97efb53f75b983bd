"""Odd but valid JSON never ends in "unexpected error": infer, init and every importer.

Lone surrogate escapes, integers beyond 64 bits, NaN and Infinity, duplicate
keys, byte order marks and UTF-16 are all seen in real bodies and exports.
Hypothesis puts them into a body, and into the real-world import fixtures at
places it chooses; every run must either work or fail with a clear message.
"""

from __future__ import annotations

import codecs
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer import cli
from designer.core.jsonvalues import decode_json_bytes, loads_lenient
from designer.core.models import Api, Call, Workspace
from designer.core.workspace import file as wf
from tests.helpers import servers

DATA = Path(__file__).parent / "data" / "interop"
IMPORTS = [
    ("catalog-3.1.json", "openapi"),
    ("weather-swagger-2.0.json", "openapi"),
    ("helpdesk.postman_collection.json", "postman"),
    ("demo-server.har", "har"),
    ("notes.insomnia.json", "insomnia"),
    ("shop.bundle.json", "bundle"),
]
UNEXPECTED = "unexpected error"

surrogate_text = st.text(
    alphabet=st.sampled_from(["a", "é", "\ud800", "\udfff", "\udbff", "x", " "]), max_size=8
)
big_ints = st.integers(min_value=1 << 63, max_value=1 << 200) | st.integers(
    max_value=-(1 << 63) - 1, min_value=-(1 << 200)
)
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
odd_scalars = surrogate_text | big_ints | non_finite | st.floats() | st.integers()
odd_values = st.recursive(
    odd_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(surrogate_text, inner, max_size=4),
    max_leaves=12,
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _dumps(value: Any) -> bytes:
    # ensure_ascii writes lone surrogates as \ud800 escapes, as servers do;
    # allow_nan writes NaN and Infinity, as Python servers do.
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@SETTINGS
@given(value=odd_values)
def test_infer_reads_odd_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(_dumps(value))
    for fmt in ("tree", "json", "json-schema"):
        code, _, err = _run(capsys, "infer", str(path), "--format", fmt)
        assert code == 0, err
        assert UNEXPECTED not in err


@SETTINGS
@given(value=odd_values, data=st.data())
def test_importers_read_odd_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any, data: st.DataObject
) -> None:
    name, kind = data.draw(st.sampled_from(IMPORTS))
    document = json.loads((DATA / name).read_bytes())
    places = _places(document)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(places))
        parent[key] = value if data.draw(st.booleans()) else data.draw(odd_scalars)
    source = tmp_path / name
    source.write_bytes(_dumps(document))
    target = tmp_path / "ws.json"
    target.unlink(missing_ok=True)
    code, _, err = _run(capsys, "import", str(source), "--from", kind, "-o", str(target))
    assert UNEXPECTED not in err
    if code == 0:
        wf.load(target)  # what was saved loads again
    else:
        assert code == 1
        assert err.startswith("connector-designer: error: ")
        assert not target.exists()


@SETTINGS
@given(value=odd_values)
def test_curl_import_reads_an_odd_json_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    body = _dumps(value).decode().replace("'", "'\\''")
    command = (
        f"curl https://api.example.com/v1/items -H 'Content-Type: application/json' -d '{body}'"
    )
    target = tmp_path / "ws.json"
    target.unlink(missing_ok=True)
    code, _, err = _run(capsys, "import", "--from", "curl", command, "-o", str(target))
    assert UNEXPECTED not in err
    if code == 0:
        wf.load(target)
    else:
        assert code == 1
        assert err.startswith("connector-designer: error: ")


def _places(document: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) that holds a scalar, so one can be replaced."""
    places: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                stack.append(value)
            else:
                places.append((node, key))
    return places


@pytest.fixture(scope="module")
def odd_server() -> Any:
    """Answers each request with the body the test put in ``odd_server.body``."""

    class Holder:
        body = b"{}"

    def behaviour(conn: Any, stop: Any) -> None:
        servers.reply(Holder.body)(conn, stop)

    with servers.FaultServer(behaviour, lifetime=600) as server:
        server.holder = Holder  # type: ignore[attr-defined]
        yield server


@SETTINGS
@given(value=odd_values)
def test_init_saves_odd_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], odd_server: Any, value: Any
) -> None:
    odd_server.holder.body = _dumps(value)
    path = tmp_path / "ws.json"
    api = Api(name="Odd", base_url=odd_server.url, calls=[Call(name="Get", path="/")])
    wf.save(Workspace(apis=[api]), path)
    code, _, err = _run(capsys, "init", str(path), "--save", "--format", "json")
    assert code == 0, err
    assert UNEXPECTED not in err
    structure = wf.load(path).apis[0].calls[0].structure
    assert structure is not None


def test_policy_notes_and_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(
        b'{"a": "x\\ud800y", "big": 123456789012345678901234567890, "c": 1e999,'
        b' "d": NaN, "e": -Infinity, "a": 2}'
    )
    code, out, err = _run(capsys, "infer", str(path))
    assert code == 0
    assert err.splitlines() == [
        "connector-designer: Unpaired surrogate escapes (\\ud800…) replaced by U+FFFD",
        "connector-designer: Duplicate key 'a' in an object: the last value is used",
        "connector-designer: NaN or Infinity (not JSON) read as a number; such values are "
        "not kept as samples",
    ]
    assert out.splitlines() == [
        "(root): object",
        "  a: integer  = 2",
        "  big: number  = 1.2345678901234568e+29",
        "  c: number",
        "  d: number",
        "  e: number",
    ]


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"]
)
def test_bom_and_utf16_bodies_and_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str
) -> None:
    text = '{"name": "Café", "n": 1}'
    path = tmp_path / "body.json"
    path.write_bytes(text.encode(encoding))
    code, out, err = _run(capsys, "infer", str(path))
    assert (code, err) == (0, "")
    assert 'name: text  = "Café"' in out
    # The same encodings in a document to import.
    doc = (DATA / "helpdesk.postman_collection.json").read_text(encoding="utf-8")
    source = tmp_path / "collection.json"
    source.write_bytes(doc.encode(encoding))
    code, _, err = _run(capsys, "import", str(source), "-o", str(tmp_path / "ws.json"))
    assert code == 0, err


def test_decode_json_bytes_leaves_plain_utf8_alone() -> None:
    assert decode_json_bytes(b'{"a": 1}') is None
    assert decode_json_bytes(codecs.BOM_UTF8 + b'{"a": 1}') == '{"a": 1}'
    assert loads_lenient('{"n": 1' + "0" * 5000 + "}") == {"n": math.inf}


@pytest.mark.parametrize(
    ("text", "lone"),
    [
        (r'"\ud83d\ude00"', False),  # an escaped emoji: a proper pair
        (r'"\uDBFF\uDFFF"', False),
        (r'"\ud800"', True),
        (r'"\udc00x"', True),
        (r'"a\ud800\ud800\udc00"', True),
        (r'"\u00e9"', False),
    ],
)
def test_only_unpaired_surrogates_are_looked_for(text: str, lone: bool) -> None:
    from designer.core.jsonvalues import may_hold_surrogates

    assert may_hold_surrogates(text) is lone
    assert may_hold_surrogates(text.encode()) is lone
