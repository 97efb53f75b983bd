"""Workarounds for defects of the Qt bindings; :func:`install` once at start-up.

PySide6 6.12 returns ``True`` from ``SignalInstance.emit()`` without taking a
reference to it, so every ``signal.emit(...)`` made from Python drops the
reference count of ``True`` by one. On Python 3.11, where ``True`` is not
immortal, a session of a few hundred emits ends with "Fatal Python error:
bool_dealloc" (at exit, or mid-session). Until the bindings are fixed we give
back the lost references from a timer, by raising the count directly: spare
references held in a list would themselves be released at interpreter exit,
which is when the count must stay positive. Python 3.12 made ``True``
immortal, so nothing is needed there; the leak is detected, not assumed.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

__all__ = ["install"]

_SPARE = 1_000_000
_LOW = 500_000
_timer: QTimer | None = None


def _top_up() -> None:
    for value in (True, False):
        if sys.getrefcount(value) < _LOW:
            # CPython: ob_refcnt is the first field of every object.
            ctypes.c_ssize_t.from_address(id(value)).value += _SPARE


class _Probe(QObject):
    ping = Signal()


def _affected() -> bool:
    if sys.version_info >= (3, 12):
        return False
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    return sys.getrefcount(True) < before


def install() -> None:
    """Guard against the emit reference leak, if these bindings have it; idempotent."""
    global _timer
    if _timer is not None or not _affected():
        return
    _top_up()
    app = QCoreApplication.instance()
    if app is None:
        return  # topped up once; call again once the application exists to keep it so
    _timer = QTimer(app)
    _timer.setInterval(2_000)
    _timer.timeout.connect(_top_up)
    _timer.start()
