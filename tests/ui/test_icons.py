"""The app's icons: one shipped set, drawn in the palette's colours, on every action."""

from __future__ import annotations

import gc
import importlib.resources
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import QLineEdit, QMenu, QStyle, QToolButton

from designer.ui.infra.icons import ICON_PACKAGE, icon, icon_names
from designer.ui.infra.style import apply_style, dark_palette

pytestmark = pytest.mark.gui
UI = Path(__file__).resolve().parents[2] / "designer" / "ui"


def _sources() -> str:
    return "\n".join(path.read_text("utf-8") for path in sorted(UI.rglob("*.py")))


def _strokes(image: QImage) -> list[QColor]:
    """The colour of every pixel a stroke covers at least half of.

    At 16 px the strokes of a 24 px drawing fall between pixels, so few are
    covered fully; the colour of a half-covered pixel is still the stroke's.
    """
    return [
        colour
        for y in range(image.height())
        for x in range(image.width())
        if (colour := image.pixelColor(x, y)).alpha() >= 128
    ]


def _opaque_lightness(image: QImage) -> list[int]:
    return [colour.lightness() for colour in _strokes(image)]


def test_the_set_ships_with_its_licence_in_the_installed_resources() -> None:
    folder = importlib.resources.files(ICON_PACKAGE)
    licence = (folder / "LICENSE").read_text("utf-8")
    assert "ISC License" in licence
    assert "Lucide" in licence
    assert "lucide-static" in (folder / "README.md").read_text("utf-8")
    assert len(icon_names()) >= 20


@pytest.mark.parametrize("size", [16, 24, 32])
def test_every_icon_loads_at_the_size_asked(qapp, size) -> None:
    for name in icon_names():
        pixmap = icon(name).pixmap(QSize(size, size))
        assert not pixmap.isNull(), name
        assert pixmap.size() == QSize(size, size), name
        assert _opaque_lightness(pixmap.toImage()), f"{name} draws nothing"


def test_a_changed_copy_of_an_icon_still_draws(qapp) -> None:
    """Changing a copy makes Qt clone the drawing engine; the clone must live on."""
    copies = []
    for _ in range(20):
        copy = QIcon(icon("play"))
        copy.addPixmap(QPixmap(4, 4))
        copies.append(copy)
    gc.collect()
    for copy in copies:
        assert copy.name() == "play"
        assert _strokes(copy.pixmap(QSize(24, 24)).toImage())


def test_an_unknown_name_fails_at_once(qapp) -> None:
    with pytest.raises(FileNotFoundError):
        icon("no-such-icon")


def test_every_name_the_code_uses_ships_and_every_shipped_icon_is_used() -> None:
    sources = _sources()
    shipped = set(icon_names())
    # icon("name"), icon_name="name", and the name tables ("undo": "undo-2", ("x", ...)).
    quoted = set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)*)"', sources))
    called = set(re.findall(r'\bicon\(\s*"([a-z0-9-]+)"', sources))
    called |= set(re.findall(r'icon_name="([a-z0-9-]+)"', sources))
    assert called, "the pattern no longer finds the icons in use"
    assert called <= shipped, called - shipped
    assert shipped <= quoted, f"shipped but never used: {shipped - quoted}"


def test_no_stock_icons_are_asked_for_in_the_ui() -> None:
    for path in sorted(UI.rglob("*.py")):
        for line in path.read_text("utf-8").splitlines():
            if ".standardIcon(" in line and "super().standardIcon(" not in line:
                pytest.fail(f"{path.name}: {line.strip()}")


@pytest.mark.parametrize("dark", [False, True])
def test_icons_take_the_text_colour_of_the_palette(restored, dark) -> None:
    restored.setPalette(dark_palette() if dark else restored.style().standardPalette())
    play = icon("play")  # the same icon, whatever the palette was when it was made
    for name in ("play", "key-round", "trash-2"):
        lightness = _opaque_lightness(icon(name).pixmap(QSize(32, 32)).toImage())
        assert lightness, name
        if dark:
            assert min(lightness) > 170, name  # light strokes on a dark window
        else:
            assert max(lightness) < 80, name  # dark strokes on a light window
    normal = play.pixmap(QSize(32, 32)).toImage()
    disabled = play.pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage()
    wanted = restored.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    for colour in _strokes(disabled):
        assert abs(colour.lightness() - wanted.lightness()) <= 3, colour.name()
    assert normal != disabled


def test_an_icon_follows_a_switch_of_palette_while_the_app_runs(restored) -> None:
    restored.setPalette(restored.style().standardPalette())
    key = icon("key-round")
    light = _opaque_lightness(key.pixmap(QSize(24, 24)).toImage())
    restored.setPalette(dark_palette())
    dark = _opaque_lightness(key.pixmap(QSize(24, 24)).toImage())
    assert max(light) < 80 < 170 < min(dark)


def test_menus_and_the_toolbar_draw_icons_of_the_set(window) -> None:
    shipped = set(icon_names())
    in_menus = [
        action
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if not action.isSeparator() and action.menu() is None
    ]
    drawn = {a.text(): a.icon().name() for a in in_menus if not a.icon().isNull()}
    assert set(drawn.values()) <= shipped
    for text in ("&New", "&Open…", "&Save", "&Import…", "&Export…", "&Undo", "&Redo",
                 "Add &API", "Add &Call", "&Duplicate", "Re&name", "De&lete",
                 "&Initialize call", "Se&crets…", "&Network Settings…", "Check &All Calls",
                 "Serve &Mock API"):  # fmt: skip
        assert text in drawn, text
    assert drawn["&Initialize call"] == "play"
    assert drawn["Se&crets…"] == "key-round"
    assert window.response_panel.cancelAction.icon().name() == "square"
    secrets = window.findChild(QToolButton, "secretsToolButton")
    assert secrets.icon().name() == "key-round"
    assert secrets.text() == "Secrets"  # the word stays beside the key


def test_qt_own_icons_come_from_the_set(restored, qtbot) -> None:
    apply_style(restored)
    style = restored.style()
    assert style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).name() == "triangle-alert"
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setClearButtonEnabled(True)
    (clear,) = [a for a in edit.findChildren(QAction) if a.objectName().endswith("clearaction")]
    assert clear.icon().name() == "x"


def test_the_secret_field_eye_comes_from_the_set(qtbot) -> None:
    from designer.ui.editors.widgets import SecretField

    field = SecretField()
    qtbot.addWidget(field)
    assert field.reveal_action.icon().name() == "eye"
    field.reveal_action.setChecked(True)
    assert field.reveal_action.icon().name() == "eye-off"
    assert field.echoMode() == QLineEdit.EchoMode.Normal


def test_a_menu_draws_its_current_item_icon_in_the_highlighted_text_colour(restored, qtbot):
    apply_style(restored)
    restored.setPalette(restored.style().standardPalette())  # light: dark icons
    menu = QMenu()
    qtbot.addWidget(menu)
    current = menu.addAction(icon("play"), "Initialize")
    other = menu.addAction(icon("save"), "Save")
    menu.popup(menu.pos())
    menu.setActiveAction(current)
    image = menu.grab().toImage()

    def stroke(action: QAction) -> QColor:
        """The icon's pixel that stands out most from its row's background."""
        row = menu.actionGeometry(action)
        background = image.pixelColor(row.right() - 2, row.center().y())
        pixels = [
            image.pixelColor(x, y)
            for x in range(row.left(), row.left() + row.height())
            for y in range(row.top(), row.bottom())
        ]
        return max(pixels, key=lambda c: abs(c.lightness() - background.lightness()))

    assert stroke(current).lightness() > 200, stroke(current).name()  # white, like its text
    assert stroke(other).lightness() < 60, stroke(other).name()  # dark on the light menu
    menu.close()
