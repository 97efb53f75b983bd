"""Method badges: their text stands out from their colour, on the light and the dark palette."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QColor, QImage, QPalette

from designer.core.models import Method
from designer.ui.infra.style import dark_palette
from designer.ui.tree.badges import BADGE_SIZE, method_icon

pytestmark = pytest.mark.gui


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio, from 1:1 to 21:1."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _painted_colours(image: QImage) -> tuple[QColor, QColor]:
    """The badge's fill (its most common opaque colour) and its text (the farthest from it)."""
    opaque = [
        image.pixelColor(x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() == 255
    ]
    counts = Counter(colour.rgb() for colour in opaque)
    fill = QColor.fromRgb(counts.most_common(1)[0][0])
    text = max(opaque, key=lambda colour: contrast(colour, fill))
    return fill, text


def test_contrast_matches_the_wcag_examples() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.fixture
def restored(qapp):
    palette = QPalette(qapp.palette())
    yield qapp
    qapp.setPalette(palette)


@pytest.mark.parametrize("dark", [False, True])
def test_every_badge_meets_the_contrast_of_small_text(restored, dark) -> None:
    restored.setPalette(dark_palette() if dark else restored.style().standardPalette())
    for method in [*(m.value for m in Method), "PROPFIND"]:
        # The badge as drawn, at the twice-size it is rendered at (no smoothing of glyphs).
        image = method_icon(method).pixmap(BADGE_SIZE, 2.0).toImage()
        assert image.width() == BADGE_SIZE.width() * 2, method
        fill, text = _painted_colours(image)
        assert contrast(text, fill) >= 4.5, f"{method}: {text.name()} on {fill.name()}"
