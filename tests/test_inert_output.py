"""Names and messages from documents and servers reach a terminal, a log or JUnit XML inert.

A field name or call name can hold escape sequences that set the terminal's
title, clear the screen or write the clipboard, and line breaks that forge
rows of a tree. Each is shown as an escape (``\\x1b``), never dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
import pytest
import xmlschema

from designer import cli
from designer.core.models import Api, Call, Workspace
from designer.core.workspace import file as wf
from tests.helpers.drift_server import running_drift_server

JUNIT_XSD = Path(__file__).parent / "data" / "junit" / "junit.xsd"
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes the clipboard
CSI = "\x9b2J"  # clears the screen on terminals that read C1 controls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_inert(text: str) -> None:
    assert not any(0x00 <= ord(c) < 0x20 and c not in "\n\t" for c in text), repr(text)
    assert not any(0x7F <= ord(c) <= 0x9F for c in text), repr(text)


def test_inert_escapes_and_keeps_the_rest() -> None:
    from designer.core.escaping import inert

    assert inert(f"a{TITLE}b\nc\r{CSI}é\u202e") == "a\\x1b]0;pwned\\x07b\\nc\\r\\x9b2Jé\\u202e"


def test_infer_tree_shows_hostile_field_names_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(
        orjson.dumps(
            {
                f"title{TITLE}": 1,
                f"clip{CLIPBOARD}": "x",
                "name\n  forged: row": CSI,
            }
        )
    )
    code, out, _ = run(capsys, "infer", str(body))
    assert code == 0
    _assert_inert(out)
    lines = out.splitlines()
    assert len(lines) == 4  # the root and three fields: no forged row
    assert "  title\\x1b]0;pwned\\x07: integer  = 1" in lines
    assert any(line.startswith("  name\\n  forged: row: text") for line in lines)
    assert any("\\x9b2J" in line for line in lines)


def _hostile_workspace(url: str) -> Workspace:
    api = Api(
        name=f"Shop{TITLE}",
        base_url=url + "/v1",
        calls=[Call(name=f"Get{CLIPBOARD} item\x00", path="/item")],
    )
    return Workspace(name="Shop", apis=[api])


def test_check_table_and_junit_stay_inert_and_well_formed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_drift_server() as server:
        server.answer("/v1/item", {"id": 1, f"pri{TITLE}ce\x0b": 2})
        path = tmp_path / "ws.json"
        wf.save(_hostile_workspace(server.url), path)
        assert run(capsys, "check", str(path), "--update")[0] == 0
        server.answer("/v1/item", {"id": 1})
        report = tmp_path / "report.xml"
        code, out, err = run(capsys, "check", str(path), "--junit", str(report))
    assert code == 1
    _assert_inert(out + err)
    assert "Shop\\x1b]0;pwned\\x07/Get\\x1b]52;c;cm0gLXJmIH4=\\x07 item\\x00" in out
    assert 'pri\\x1b]0;pwned\\x07ce\\x0b"]: removed' in out
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    schema.validate(str(report))  # well-formed, and JUnit
    report_dict: Any = schema.to_dict(str(report))
    case = report_dict["testsuite"][0]["testcase"][0]
    assert case["@classname"] == "Shop\\x1b]0;pwned\\x07"
    assert case["@name"] == "Get\\x1b]52;c;cm0gLXJmIH4=\\x07 item\\x00"
    assert 'pri\\x1b]0;pwned\\x07ce\\x0b"]: removed' in case["failure"]["$"]


def test_error_messages_naming_a_document_are_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = Api(name=f"Shop{TITLE}", calls=[Call(name=f"Get{CSI}", path="/item")])
    path = tmp_path / "ws.json"
    wf.save(Workspace(apis=[api]), path)
    code, out, err = run(capsys, "init", str(path), "--call", f"Shop{TITLE}/Get{CSI}")
    assert (code, out) == (1, "")
    _assert_inert(err)
    assert err.startswith("connector-designer: error: ")
    assert "Shop\\x1b]0;pwned\\x07" in err
    assert err.count("\n") == 1


def test_logged_records_and_tracebacks_are_inert(caplog: pytest.LogCaptureFixture) -> None:
    from designer.core.escaping import inert_logger

    log = inert_logger("designer.test_inert")
    with caplog.at_level(logging.WARNING, logger="designer.test_inert"):
        try:
            raise ValueError(f"bad name {TITLE}")
        except ValueError:
            log.exception("Could not read %s", f"file{CSI}")
    text = caplog.text
    _assert_inert(text)
    assert "Could not read file\\x9b2J" in text
    assert "ValueError: bad name \\x1b]0;pwned\\x07" in text


def _on_a_terminal(argv: list[str]) -> bytes:
    """What the command writes to standard output when that is a terminal."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "designer", *argv],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        assert done.returncode == 0, done.stderr
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_an_export_to_a_terminal_is_inert_and_exact_when_piped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from designer.core.models import BodyType, Method, Parameter, Placement

    header = Parameter(name="X-Note", placement=Placement.HEADER, value=f"a{CSI}b")
    call = Call(name="Post", method=Method.POST, path="/p", parameters=[header])
    call.body_type, call.body_template = BodyType.RAW, f"body{TITLE}"
    path = tmp_path / "ws.json"
    wf.save(Workspace(apis=[Api(name="Shop", base_url="https://a.example", calls=[call])]), path)
    shown = _on_a_terminal(["export", str(path), "--to", "curl"]).decode()
    _assert_inert(shown.replace("\r\n", "\n"))
    assert "X-Note: a\\x9b2Jb" in shown
    assert "body\\x1b]0;pwned\\x07" in shown
    code, piped, _ = run(capsys, "export", str(path), "--to", "curl")
    assert code == 0
    assert f"X-Note: a{CSI}b" in piped  # the script itself keeps the values
    assert f"body{TITLE}" in piped
