"""The Raw tab: colours what is on screen only, wraps between words, finds with Ctrl+F."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextOption
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPlainTextEdit

from designer.ui.infra import workers
from designer.ui.response.raw_view import RawBodyPage

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    yield
    workers.shutdown_workers()


@pytest.fixture
def raw(qtbot, loop) -> RawBodyPage:
    page = RawBodyPage()
    page.resize(600, 400)
    qtbot.addWidget(page)
    page.show()
    return page


def _show(qtbot, raw: RawBodyPage, body: bytes, kind: str) -> None:
    raw.show_body(body, kind)
    qtbot.waitUntil(lambda: raw.text.document().blockCount() > 3, timeout=WAIT)
    qtbot.waitUntil(lambda: raw.highlighter.coloured_lines() > 0)


def _colour_at(raw: RawBodyPage, line: int, column: int) -> QColor | None:
    block = raw.text.document().findBlockByNumber(line)
    for fmt in block.layout().formats():
        if fmt.start <= column < fmt.start + fmt.length:
            return fmt.format.foreground().color()
    return None


def test_json_is_coloured_where_it_is_seen_only(qtbot, raw) -> None:
    body = orjson.dumps([{"id": n, "name": f"item {n}", "ok": True} for n in range(5000)])
    _show(qtbot, raw, body, "json")
    # The first page arrives in slices, one per turn of the event loop.
    qtbot.waitUntil(lambda: raw.text.document().blockCount() > 20_000, timeout=WAIT)
    qtbot.waitUntil(lambda: raw.findChild(object, "rawInfoLabel").text() != "Formatting…")
    coloured = raw.highlighter.coloured_lines()
    assert 0 < coloured < 400  # the screen and a margin, not the whole body
    text = raw.text.document().findBlockByNumber(2).text()  # '    "id": 0,'
    key = text.index('"id"')
    number = text.index("0")
    assert _colour_at(raw, 2, key) is not None
    assert _colour_at(raw, 2, number) is not None
    assert _colour_at(raw, 2, key) != _colour_at(raw, 2, number)  # keys and values differ

    raw.text.verticalScrollBar().setValue(raw.text.verticalScrollBar().maximum() // 2)
    qtbot.waitUntil(lambda: raw.highlighter.coloured_lines() > coloured)
    middle = raw.text.firstVisibleBlock().blockNumber()
    document = raw.text.document()
    texts = {n: document.findBlockByNumber(n).text() for n in range(middle, middle + 6)}
    line = next(n for n, text in texts.items() if '"id"' in text)
    assert _colour_at(raw, line, texts[line].index('"id"')) is not None


def test_xml_tags_are_coloured(qtbot, raw) -> None:
    body = b'<feed xmlns="urn:x"><entry id="1"><title>One</title></entry></feed>'
    _show(qtbot, raw, body, "xml")
    first = raw.text.document().findBlockByNumber(0).text()
    assert _colour_at(raw, 0, first.index("<")) is not None


def test_text_is_not_coloured(qtbot, raw) -> None:
    raw.show_body(b"plain words\n" * 10, "text")
    qtbot.waitUntil(lambda: "plain words" in raw.text.toPlainText(), timeout=WAIT)
    assert raw.highlighter.coloured_lines() == 0


def test_long_lines_wrap_between_words_or_not_at_all(qtbot, raw) -> None:
    assert raw.text.wordWrapMode() == QTextOption.WrapMode.WordWrap  # never inside a URL
    assert raw.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    raw.wrapBox.click()
    assert raw.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    raw.wrapBox.click()
    assert raw.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth


def test_ctrl_f_finds_in_the_body(qtbot, raw) -> None:
    body = orjson.dumps({"items": [{"sku": f"SKU-{n:05d}"} for n in range(200)]})
    _show(qtbot, raw, body, "json")
    raw.text.setFocus()
    QTest.keyClick(raw.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert raw.findBar.isVisible()
    QTest.keyClicks(raw.findBar.field, "SKU-00150")
    assert raw.text.textCursor().selectedText() == "SKU-00150"
    line = raw.text.textCursor().blockNumber()
    QTest.keyClick(raw.findBar.field, Qt.Key.Key_Return)  # the only match: wraps to itself
    assert raw.text.textCursor().blockNumber() == line
    raw.findBar.field.setText("nowhere-to-be-found")
    assert raw.findBar.status.text() == "Not found"
    QTest.keyClick(raw.findBar.field, Qt.Key.Key_Escape)
    assert not raw.findBar.isVisible()
