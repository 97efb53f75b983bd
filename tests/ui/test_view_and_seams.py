"""View ▸ Theme, visible focus, the preview after Secrets…, and Undo showing what it restored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QWidget

from designer.core.models import secret_ref
from designer.ui.editing.edits import Item, delete
from designer.ui.infra.style import is_dark


def test_view_theme_switches_light_and_dark_and_is_remembered(window, restored, monkeypatch):
    monkeypatch.delenv("CD_COLOR_SCHEME", raising=False)
    dark = window.findChild(QAction, "theme_dark")
    light = window.findChild(QAction, "theme_light")
    assert window.findChild(QAction, "theme_system").isChecked()
    dark.trigger()
    assert is_dark(restored.palette())
    assert window.settings.theme == "dark"
    assert dark.isChecked()
    light.trigger()
    assert not is_dark(restored.palette())
    assert window.settings.theme == "light"
    window.findChild(QAction, "theme_system").trigger()
    assert window.settings.theme == "system"


def test_keyboard_focus_is_outlined_in_the_highlight_colour(window, qtbot, restored):
    from PySide6.QtWidgets import QApplication

    from designer.ui.infra.style import apply_style

    apply_style(restored)  # the app's style, as at start-up

    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", shop.calls[1].id))
    editor = window.findChild(QWidget, "callEditor")
    box = editor.tabs.tabBar()
    unfocused = box.grab().toImage()
    editor.include_errors.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(editor.include_errors, Qt.Key.Key_Tab)  # the keyboard moves the focus
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    focused = box.grab().toImage()
    highlight = box.palette().color(QPalette.ColorRole.Highlight)

    def near(image) -> int:
        return sum(
            1
            for x in range(image.width())
            for y in range(image.height())
            if _close(QColor(image.pixel(x, y)), highlight)
        )

    assert near(focused) - near(unfocused) > 60  # a frame, not a few dots


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 90


def test_the_preview_is_built_again_after_secrets_are_set(window, secrets, qtbot):
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("call", shop.calls[1].id))
    preview = window.findChild(QWidget, "callEditor").preview
    qtbot.waitUntil(preview.error.isVisible)
    assert "bearer token" in preview.error.text()
    window.show_secrets()
    dialog = window.findChild(QWidget, "secretsDialog")
    assert dialog is not None
    secrets.set(secret_ref(shop, "auth.token"), "tok-123")  # as its field does
    dialog.close()
    qtbot.waitUntil(lambda: not preview.error.isVisible())
    assert preview.text.toPlainText().startswith("GET ")


def test_undoing_a_delete_selects_the_restored_call(window):
    shop = window.doc.workspace.apis[0]
    gone = shop.calls[1]
    window.tree.select(Item("call", gone.id))
    delete(window.doc, [Item("call", gone.id)])
    assert window.tree.current_item() != Item("call", gone.id)
    window.actions.undo.trigger()
    assert window.tree.current_item() == Item("call", gone.id)
    assert window.current_call()[1].name == "Get order"


def test_hint_text_is_readable_in_both_schemes(window, restored, monkeypatch):
    from designer.ui.infra.style import apply_style

    def contrast(a: QColor, b: QColor) -> float:
        def lum(c: QColor) -> float:
            def ch(v: float) -> float:
                return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

            return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for scheme in ("light", "dark"):
        monkeypatch.setenv("CD_COLOR_SCHEME", scheme)
        apply_style(restored)
        palette = restored.palette()
        hint = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        assert contrast(hint, palette.color(QPalette.ColorRole.Window)) >= 4.5, scheme


def test_the_keychain_banner_is_as_tall_as_its_text(window, qtbot):
    window.resize(1280, 800)
    shop = window.doc.workspace.apis[0]
    window.tree.select(Item("api", shop.id))  # the API editor: a short form
    window.show_keychain_notice(
        "Secrets are kept in memory for this session only: no keychain was found."
    )
    banner = window.notice_banner
    qtbot.waitUntil(banner.isVisible)
    qtbot.wait(50)
    assert banner.height() <= banner.sizeHint().height() + 8
    assert window.splitter.height() > 600
