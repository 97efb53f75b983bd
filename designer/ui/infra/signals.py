"""Ctrl+C (SIGINT) and SIGTERM close the application cleanly.

Python runs its signal handlers only between bytecodes, and while Qt's event
loop waits in C++ that never happens: Ctrl+C did nothing and SIGTERM killed
the process on the spot, leaving worker processes and their semaphores
behind. Here the signal only writes a byte to a socket
(:func:`signal.set_wakeup_fd`) that Qt watches, and the window then closes
the normal way, so workers and the HTTP client are shut down.

With a display, closing asks about unsaved changes as usual. Without one
(offscreen, or a second signal while the question is up) nobody can answer:
unsaved changes go to the recovery file, offered at the next start.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QGuiApplication

__all__ = ["HEADLESS_PLATFORMS", "install_quit_on_signals"]

#: Qt platforms with no one to answer a question.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc"})

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def install_quit_on_signals(window: Any) -> Callable[[], None]:
    """Close ``window`` on SIGINT or SIGTERM; returns the function that undoes it."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    try:
        previous_fd = signal.set_wakeup_fd(sender.fileno())
    except ValueError:  # not the main thread: leave signals alone
        receiver.close()
        sender.close()
        return lambda: None
    # A Python handler must be set for the wakeup byte to be written; the work
    # happens when Qt sees the byte.
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in _SIGNALS}
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read)
    received = [0]

    def on_signal() -> None:
        try:
            if not receiver.recv(64):
                return
        except OSError:
            return
        received[0] += 1
        _close(window, ask=received[0] == 1 and _has_display())

    notifier.activated.connect(on_signal)

    def restore() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        receiver.close()
        sender.close()

    # Keep the notifier alive as long as the window.
    window._signal_notifier = notifier
    return restore


def _has_display() -> bool:
    return QGuiApplication.platformName() not in HEADLESS_PLATFORMS


def _close(window: Any, *, ask: bool) -> None:
    if ask:
        window.close()  # asks about unsaved changes, like closing the window
    else:
        window.close_without_asking()
