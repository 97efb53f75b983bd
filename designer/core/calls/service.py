"""The one way a call is sent and its answer inferred: Initialize, check, introspection.

Every caller (``init`` and the app's Initialize, ``check`` and the app's check,
GraphQL introspection, and so the mock's self-check through ``init`` and
``check``) goes through :class:`CallService`, which:

1. builds the request once (:func:`~designer.core.http.request.build_request`):
   a request that cannot be built fails before any token is asked for;
2. for each attempt, gets a valid access token when the API has a token
   endpoint and applies it (:func:`~designer.core.auth.session.authorize`);
   after a 401 it gets a new token and sends once more;
3. sends through the :class:`~designer.core.http.execute.Executor`: its read
   timeout, deadline, size cap and redirect policy; ``on_progress`` counts the
   body's bytes;
4. sends again an answer that asks to come back later, as its
   :class:`RetryPolicy` says (one retry loop; each caller sets its policy);
5. hands the answer to the inference runner (``infer``): in-process by
   default (the command line), the app's worker processes in the app;
   samples that echo a secret are masked.

The seam for streamed answers: ``on_head`` (passed down to
:meth:`Executor.send <designer.core.http.execute.Executor.send>`) sees the
status and headers before the body is read and may return a consumer that
receives each decoded piece of the body as it arrives, within the same size
cap and deadline, so a parser can turn them into events while the body is
still coming; ``on_response`` sees the whole answer before it is inferred.

An answer that is a stream (Server-Sent Events, JSON Lines, or any answer of
a call whose response type is *Stream*) is received through that seam by a
:class:`~designer.core.calls.stream_call.StreamWatch`: ``on_event`` hears of
each event as it arrives, ``max_events`` ends it early, the deadline and
``stop`` end it gracefully once an event arrived, and its structure is the
:class:`~designer.core.calls.stream_log.StreamLog`'s (see
:mod:`designer.core.calls.stream_call`). The read timeout is then the longest
silence between events, and the size cap covers the whole stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol
from urllib.parse import urlsplit

import orjson

from designer.core.calls.initialize import InferOutcome, infer_response, redact, retry_after
from designer.core.calls.stream_call import EventHook, StreamWatch
from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.errors import DeadlineExceededError, DesignerError, RateLimitedError
from designer.core.http.execute import LIMIT_OPTIONS, HeadHook, deadline_exceeded
from designer.core.http.request import BuiltRequest, build_request
from designer.core.http.response import ResponseResult
from designer.core.models import TOKEN_AUTH_TYPES, Api, Call
from designer.core.secrets.store import SecretStore

if TYPE_CHECKING:
    from designer.core.auth.session import Authenticator
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles

__all__ = [
    "CallDeadlineExceeded",
    "CallService",
    "Gate",
    "Inferrer",
    "Initialized",
    "RetryPolicy",
    "Sent",
    "infer_in_process",
    "initialize",
    "initialize_within",
]

#: Infers the structure of an answer: in this process, or in a worker's.
Inferrer = Callable[[Call, ResponseResult], Awaitable[InferOutcome]]
#: Called with the number of body bytes received so far.
Progress = Callable[[int], None]


async def infer_in_process(call: Call, response: ResponseResult) -> InferOutcome:
    """The default inference runner: :func:`infer_response`, here and now."""
    return infer_response(call, response)


class Sent(NamedTuple):
    """The request as it was sent (secrets included, for masking) and its answer."""

    request: BuiltRequest
    response: ResponseResult


class Initialized(NamedTuple):
    """An answer and its inferred structure, every sample that holds a secret masked.

    For a stream, ``stream`` is what was received of it (its first events, why
    it ended), ``outcome.kind`` is STREAM and ``response.body`` holds the
    whole body when the server ended it, else the kept events written back.
    """

    response: ResponseResult
    outcome: InferOutcome
    request: BuiltRequest
    stream: StreamLog | None = None


class CallDeadlineExceeded(DeadlineExceededError):
    """The call, its retries and the inference of its answer outlasted their deadline."""


def _doubling(attempt: int) -> float:
    return 2.0**attempt


def _rate_limit_message(call: Call, host: str, wait: float, deadline: float) -> DesignerError:
    return RateLimitedError(
        f"Call '{call.name}' is rate limited: the server asks to wait {wait:g} s "
        f"(Retry-After), past the deadline of {deadline:g} s; raise it with "
        f"{LIMIT_OPTIONS['deadline']} or try again later",
        wait,
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When an answer that asks to come back later is sent again, and after how long.

    An answer whose status is in ``statuses`` is sent again up to ``retries``
    times, after the wait its ``Retry-After`` asks for (``fallback(attempt)``
    without one), as long as that wait ends before the deadline; past it,
    ``past_deadline`` is the error. With ``errors_are_answers``, a call that
    designs with its error bodies (or a GraphQL answer that holds data) takes
    such an answer as its answer instead.
    """

    retries: int = 0
    statuses: frozenset[int] = frozenset({429})
    errors_are_answers: bool = True
    fallback: Callable[[int], float] = _doubling
    #: the error when the wait ends past the deadline: (call, host, wait, deadline)
    past_deadline: Callable[[Call, str, float, float], DesignerError] = _rate_limit_message

    def wait(self, call: Call, response: ResponseResult, attempt: int) -> float | None:
        """Seconds to wait before sending ``call`` again, or None to take ``response``."""
        if attempt >= self.retries or response.status not in self.statuses:
            return None
        if self.errors_are_answers and _answer_despite_status(call, response):
            return None
        wait = retry_after(response)
        return self.fallback(attempt) if wait is None else wait


def _answer_despite_status(call: Call, response: ResponseResult) -> bool:
    """Whether inference takes this error answer as the call's data rather than failing."""
    if call.include_errors:
        return True
    if call.graphql is None:
        return False
    try:
        answer = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(answer, dict) or not ("data" in answer or "errors" in answer):
        return False
    return answer.get("data") is not None or bool(answer.get("errors"))


class Gate(Protocol):
    """What every attempt goes through (limits on requests in flight), and the wait
    between attempts (a pause that may hold back other calls to the same host)."""

    def attempt(self) -> contextlib.AbstractAsyncContextManager[object]: ...

    async def wait(self, seconds: float) -> None: ...


class _Open:
    """No limit on attempts; a wait is a sleep."""

    @contextlib.asynccontextmanager
    async def _nothing(self) -> AsyncIterator[object]:
        yield None

    def attempt(self) -> contextlib.AbstractAsyncContextManager[object]:
        return self._nothing()

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(slots=True)
class CallService:
    """Sends calls and infers their answers; one per executor and secret store.

    ``infer`` is the inference runner (:func:`infer_in_process` unless the app
    gives its worker processes'); ``retry`` the policy for answers that ask to
    come back later; ``authenticator`` keeps the access tokens (one is made
    for the store and executor when not given).
    """

    executor: Executor
    secrets: SecretStore
    infer: Inferrer = infer_in_process
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    authenticator: Authenticator | None = None

    def _authenticator(self) -> Authenticator:
        if self.authenticator is None:
            # Imported here: authlib and joserfc are not needed until a call runs.
            from designer.core.auth.session import Authenticator

            self.authenticator = Authenticator(self.secrets, self.executor)
        return self.authenticator

    def build(
        self,
        api: Api,
        call: Call,
        values: Mapping[str, str] | None = None,
        environment: str | None = None,
        *,
        chosen: ChosenFiles | None = None,
    ) -> BuiltRequest:
        """The request of ``call``: raises the builder's error before anything is sent."""
        return build_request(api, call, self.secrets, values, environment, chosen=chosen)

    async def send(
        self,
        api: Api,
        call: Call,
        values: Mapping[str, str] | None = None,
        environment: str | None = None,
        *,
        chosen: ChosenFiles | None = None,
        on_progress: Progress | None = None,
        on_head: HeadHook | None = None,
        gate: Gate | None = None,
        deadline: float | None = None,
        on_request: Callable[[BuiltRequest], None] | None = None,
    ) -> Sent:
        """Build ``call`` once and send it with a valid token, retried as the policy says.

        After a 401 from an API with a token endpoint, a new token is fetched
        and the request sent once more. ``deadline`` bounds the retry waits
        (the caller bounds the time; see :meth:`initialize`). Only the files in
        ``chosen`` are read (see :mod:`designer.core.http.file_choices`).
        ``on_request`` sees each request as it is sent, its token applied.
        """
        built = self.build(api, call, values, environment, chosen=chosen)
        gate = gate or _Open()
        started = time.monotonic()
        attempt = 0
        while True:
            async with gate.attempt():
                sent = await self._send_authorized(
                    api,
                    built,
                    environment,
                    on_progress=on_progress,
                    on_head=on_head,
                    on_request=on_request,
                )
            wait = self.retry.wait(call, sent.response, attempt)
            if wait is None:
                return sent
            if deadline is not None and time.monotonic() - started + wait >= deadline:
                host = urlsplit(built.url).netloc
                raise self.retry.past_deadline(call, host, wait, deadline)
            await gate.wait(wait)
            attempt += 1

    async def _send_authorized(
        self,
        api: Api,
        built: BuiltRequest,
        environment: str | None,
        *,
        on_progress: Progress | None,
        on_head: HeadHook | None,
        on_request: Callable[[BuiltRequest], None] | None = None,
    ) -> Sent:
        seen = on_request or (lambda _request: None)
        uses_token = api.auth.type in TOKEN_AUTH_TYPES
        if not uses_token:
            seen(built)
            response = await self.executor.send(built, on_progress=on_progress, on_head=on_head)
            return Sent(built, response)
        from designer.core.auth.session import authorize

        authenticator = self._authenticator()
        request = authorize(built, await authenticator.ensure_token(api, environment))
        seen(request)
        response = await self.executor.send(request, on_progress=on_progress, on_head=on_head)
        if response.status == 401:
            token = await authenticator.ensure_token(api, environment, force=True)
            request = authorize(built, token)
            seen(request)
            response = await self.executor.send(request, on_progress=on_progress, on_head=on_head)
        return Sent(request, response)

    async def initialize(
        self,
        api: Api,
        call: Call,
        values: Mapping[str, str] | None = None,
        environment: str | None = None,
        *,
        chosen: ChosenFiles | None = None,
        on_progress: Progress | None = None,
        on_head: HeadHook | None = None,
        on_response: Callable[[Sent], Awaitable[None]] | None = None,
        gate: Gate | None = None,
        deadline: float | None = None,
        on_event: EventHook | None = None,
        max_events: int | None = None,
        stop: asyncio.Event | None = None,
    ) -> Initialized:
        """Send ``call`` (:meth:`send`) and infer the structure of its answer.

        ``on_response`` sees the answer before it is inferred. Samples that
        echo a secret are masked. With ``deadline``, the attempts, the waits
        between them and the inference end within that many seconds, or
        :class:`CallDeadlineExceeded` is raised.

        A streamed answer is read event by event: ``on_event`` is called with
        each as it arrives; the stream ends at its ``[DONE]`` sentinel, when
        the server closes it, after ``max_events`` events, at the deadline or
        once ``stop`` is set. The last two end it gracefully when at least one
        event arrived (the result's note says what ended it); before any
        event they fail as usual (:class:`CallDeadlineExceeded`,
        :class:`~designer.core.errors.CancelledError_`).
        """
        where = f"'{api.name}/{call.name}'"
        watch = StreamWatch(
            call,
            where,
            max_bytes=self.executor.settings.max_body_bytes,
            on_head=on_head,
            on_event=on_event,
            max_events=max_events,
            exchange_deadline=self.executor.settings.deadline,
        )
        sent: Sent | None = None
        outcome: InferOutcome | None = None
        try:
            async with asyncio.timeout(deadline):
                sending = self.send(
                    api,
                    call,
                    values,
                    environment,
                    chosen=chosen,
                    on_progress=on_progress,
                    on_head=watch.hook,
                    gate=gate,
                    deadline=deadline,
                    on_request=watch.sent_request,
                )
                sent = await watch.receive(sending, stop)
                if watch.log is None:
                    assert sent is not None
                    if on_response is not None:
                        await on_response(sent)
                    outcome = await self.infer(call, sent.response)
        except TimeoutError as exc:
            if not watch.stop(EndReason.DEADLINE, f"stopped at the deadline of {deadline:g} s"):
                error = deadline_exceeded(where, deadline)
                raise CallDeadlineExceeded(str(error)) from exc
        if watch.log is not None:
            done = Initialized(*watch.result(sent and sent.response, sent and sent.request))
            if on_response is not None:
                await on_response(Sent(done.request, done.response))
            return done
        assert sent is not None
        assert outcome is not None
        return Initialized(sent.response, redact(outcome, sent.request.secrets), sent.request)


async def initialize(
    executor: Executor,
    api: Api,
    call: Call,
    secrets: SecretStore,
    values: Mapping[str, str] | None = None,
    environment: str | None = None,
    *,
    chosen: ChosenFiles | None = None,
) -> tuple[ResponseResult, InferOutcome]:
    """Send ``call`` with its sample values (or ``values``) and infer the answer's structure.

    The API's access token is fetched or renewed first when it has a token
    endpoint; samples that echo a secret are masked. Only the files in
    ``chosen`` are sent (see :mod:`designer.core.http.file_choices`).
    """
    done = await CallService(executor, secrets).initialize(
        api, call, values, environment, chosen=chosen
    )
    return done.response, done.outcome


async def initialize_within(
    executor: Executor,
    api: Api,
    call: Call,
    secrets: SecretStore,
    values: Mapping[str, str] | None = None,
    environment: str | None = None,
    *,
    deadline: float | None = None,
    retries: int = 0,
    chosen: ChosenFiles | None = None,
) -> tuple[ResponseResult, InferOutcome]:
    """:func:`initialize`, all attempts within ``deadline`` seconds, retried on 429.

    A 429 answer is retried up to ``retries`` times, after the wait its
    ``Retry-After`` asks for (1, 2, 4… s without one), as long as that wait
    ends before the deadline; past it the rate-limit error says so.
    """
    service = CallService(executor, secrets, retry=RetryPolicy(retries=retries))
    done = await service.initialize(
        api, call, values, environment, chosen=chosen, deadline=deadline
    )
    return done.response, done.outcome
