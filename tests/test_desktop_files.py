"""The Linux desktop files: MIME magic that matches what the app writes, one app id."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from xml.etree import ElementTree

import designer
from designer.core.demo.server import example_workspace
from designer.core.interop.bundle import BUNDLE_FORMAT, export_bundle
from designer.core.workspace import file as workspace_file

LINUX = Path(__file__).resolve().parents[1] / "packaging" / "linux"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def _magic() -> dict[str, tuple[str, int]]:
    """MIME type -> (magic string, last offset) from the shared-mime-info file."""
    tree = ElementTree.parse(LINUX / f"{designer.APP_ID}.mime.xml")
    out = {}
    for mime in tree.getroot().findall("m:mime-type", NS):
        match = mime.find("m:magic/m:match", NS)
        assert match is not None
        start, _, end = match.get("offset", "").partition(":")
        out[mime.get("type", "")] = (match.get("value", ""), int(end or start))
    return out


def _matches(data: bytes, value: str, last: int) -> bool:
    position = data.find(value.encode())
    return 0 <= position <= last


def test_the_magic_matches_the_files_the_app_writes() -> None:
    ws = example_workspace("http://127.0.0.1:9")
    workspace, bundle = workspace_file.dumps(ws), export_bundle(ws)
    magic = _magic()
    ws_value, ws_last = magic["application/x-connector-designer-workspace"]
    bundle_value, bundle_last = magic["application/x-connector-designer-bundle"]
    assert _matches(workspace, ws_value, ws_last)
    assert not _matches(workspace, bundle_value, bundle_last)
    assert _matches(bundle, bundle_value, bundle_last)
    assert not _matches(bundle, ws_value, ws_last)
    assert BUNDLE_FORMAT in bundle_value


def test_the_desktop_entry_opens_both_types_with_the_apps_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(LINUX / f"{designer.APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Icon"] == designer.APP_ID
    assert section["Exec"].split()[0] == "connector-designer"
    assert set(filter(None, section["MimeType"].split(";"))) == set(_magic())


def test_the_appstream_file_names_the_app_and_its_desktop_entry() -> None:
    text = (LINUX / f"{designer.APP_ID}.metainfo.xml.in").read_text("utf-8")
    root = ElementTree.fromstring(text)
    assert root.findtext("id") == designer.APP_ID
    assert root.findtext("launchable") == f"{designer.APP_ID}.desktop"
    assert re.search(r'<release version="@VERSION@"', text)
    images = [node.text or "" for node in root.iter("image")]
    shots = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    assert images
    assert all((shots / Path(url).name).is_file() for url in images)
