"""A one-webhook listener on 127.0.0.1: capture the next N requests, answer each one.

It serves HTTP/1.1 with asyncio streams and h11, as the mock server does
(:mod:`designer.core.mock.server`). Requests to the webhook's method and path
are captured (their signature checked when the webhook is signed) and
answered with the chosen status and body; others get a 404 or 405 that says
what is listened for, and are not captured.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from designer.core.http.server import Headers, LocalHttpServer, Reply, error_reply
from designer.core.models import Webhook
from designer.core.webhooks.capture import CapturedRequest
from designer.core.webhooks.signature import DEFAULT_TOLERANCE, verify

__all__ = ["IGNORED_NOTES", "Answer", "WebhookListener"]

#: How many turned-away requests are reported one by one; the rest are only counted,
#: so a stranger's flood of requests cannot fill a terminal or the app's log.
IGNORED_NOTES = 20


@dataclass(frozen=True, slots=True)
class Answer:
    """What the listener answers each captured request."""

    status: int = 200
    body: str = '{"received": true}'
    content_type: str = "application/json"

    def __post_init__(self) -> None:
        # Anything else cannot be sent as a final answer: every sender would get none.
        if not 200 <= self.status <= 599:
            raise ValueError(f"an answer's status is 200 to 599, not {self.status}")


class WebhookListener(LocalHttpServer):
    """Listens for ``hook``; :attr:`done` is set after ``count`` captures (0: never)."""

    def __init__(
        self,
        hook: Webhook,
        secret: str | None,
        *,
        count: int = 1,
        answer: Answer | None = None,
        tolerance: int = DEFAULT_TOLERANCE,
        on_capture: Callable[[CapturedRequest], None] | None = None,
        on_ignored: Callable[[str, str], None] | None = None,
    ) -> None:
        self.hook = hook
        self._secret = secret
        self.count = count
        self.answer = answer or Answer()
        self.tolerance = tolerance
        self.captured: list[CapturedRequest] = []
        #: requests turned away (another path or method), reported or not
        self.ignored = 0
        self.on_capture = on_capture
        self.on_ignored = on_ignored
        self.done = asyncio.Event()
        super().__init__()

    @property
    def path(self) -> str:
        return "/" + self.hook.path.strip().lstrip("/")

    def url_path(self) -> str:
        return self.path  # the URL to give the sender

    async def wait(self) -> list[CapturedRequest]:
        """Wait for the requests asked for; returns every capture."""
        await self.done.wait()
        return self.captured

    def handle(
        self, method: str, target: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> Reply:
        """Capture (or turn away) one request and say what to answer."""
        path = target.split("?", 1)[0]
        only = f"This listener captures {self.hook.method.value} {self.path} only"
        if path.rstrip("/") != self.path.rstrip("/"):
            self._ignore(method, target)
            return error_reply(404, only)
        if method != self.hook.method.value:
            self._ignore(method, target)
            return error_reply(405, only)
        now = time.time()
        verdict = verify(
            self.hook, self._secret, dict(headers), body, now=now, tolerance=self.tolerance
        )
        sample = CapturedRequest(
            method, target, headers, body, verdict.verified, verdict.reason, received_at=now
        )
        if not self.done.is_set():
            self.captured.append(sample)
            if self.on_capture is not None:
                self.on_capture(sample)
            if self.count and len(self.captured) >= self.count:
                self.done.set()
        return Reply(self.answer.status, self.answer.content_type, self.answer.body.encode())

    def _ignore(self, method: str, target: str) -> None:
        self.ignored += 1
        if self.on_ignored is not None and self.ignored <= IGNORED_NOTES:
            self.on_ignored(method, target)

    async def respond(self, method: str, target: str, headers: Headers, body: bytes) -> Reply:
        return self.handle(method, target, headers, body)
