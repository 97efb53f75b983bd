"""Drift detection: re-initialize calls and compare their structures with the stored ones.

Connectors break quietly when an API changes its answers. :func:`run_check`
sends every chosen call with its sample values, a few at a time, infers the
structure of each response and compares it with the structure stored in the
workspace, using the same :func:`~designer.core.inference.diff` the app shows
after a re-initialize. Each change is classified:

- **breaking**: an included field was removed, changed type, became nullable,
  or became optional. A field that may now be missing breaks a consumer the
  same way as one that may now be null, so both count (the diff reports
  both, and in Bubble both come out as an empty value);
- **compatible**: a field was added, a type changed to the type the user
  chose for the field anyway (their override), or a value gained a format on
  the same type (``integer`` to ``integer (unix-time)``, ``text`` to ``text
  (ipv4)``): its values are written as before, and a newer release that
  detects more formats must not fail a check. Losing or changing a format
  stays breaking, since a consumer may parse the values by it;
- **ignored**: any change to a field the user excluded (or inside one).

With ``against_spec``, each answer is compared with the call's *documented*
structure instead (the response schema of the OpenAPI document it was
imported from; see :mod:`designer.core.inference.spec`): every departure of
an included field fails the call (outcome ``departs``); a call without a
documented structure is ``undocumented`` and fails nothing.

Requests are polite: at most ``concurrency`` in flight, at most
``per_host`` to one host, and a 429 or 503 answer pauses that host for its
``Retry-After`` (bounded by the call's deadline) before the call is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from designer.core.calls.initialize import body_shape, retry_after, with_structure
from designer.core.calls.service import CallDeadlineExceeded, CallService, RetryPolicy
from designer.core.errors import DesignerError, LookupFailed
from designer.core.http.request import in_environment
from designer.core.http.response import ResponseResult
from designer.core.inference import Change, diff
from designer.core.inference.spec import Departure, departures
from designer.core.models import Api, Call, Workspace
from designer.core.secrets.store import SecretStore, mask_secrets
from designer.core.structure import FieldOverride, Shape

if TYPE_CHECKING:
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles

__all__ = [
    "CallResult",
    "CheckOptions",
    "Finding",
    "Severity",
    "classify",
    "exit_code",
    "run_check",
    "select_calls",
    "spec_departures",
    "updated_workspace",
]

Severity = Literal["breaking", "compatible", "ignored"]
Outcome = Literal[
    "unchanged", "changed", "breaking", "failed", "new", "as-documented", "departs", "undocumented"
]

_BREAKING_KINDS = frozenset({"removed", "type", "nullable", "optional"})
#: Statuses that ask the client to come back later.
_RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class Finding:
    """One change of a call's structure with how much it matters."""

    change: Change
    severity: Severity


@dataclass(slots=True)
class CallResult:
    """What checking one call found."""

    api: Api
    call: Call
    outcome: Outcome
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    status: int | None = None
    elapsed: float = 0.0
    shape: Shape | None = None
    #: with ``against_spec``: where the answer departs from the documented structure
    departures: list[Departure] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.api.name}/{self.call.name}"

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """How to send: the environment, limits, the read timeout and the per-call deadline."""

    environment: str | None = None
    concurrency: int = 4
    per_host: int = 4
    timeout: float = 30.0
    #: the whole call, Retry-After waits and retries included
    deadline: float = 120.0
    retries: int = 2
    #: APIs without the environment use their own settings (the app's switcher), instead
    #: of failing (the command line, where naming a missing environment is a mistake)
    only_where_defined: bool = False
    #: the files the user chose for the workspace: no other file sample is sent
    chosen: ChosenFiles | None = None
    #: compare answers with the documented structures rather than the stored ones
    against_spec: bool = False


def select_calls(
    ws: Workspace, api_names: Sequence[str] = (), call_specs: Sequence[str] = ()
) -> list[tuple[Api, Call]]:
    """The calls to check: those named ``API/CALL`` (or by a unique call name), else every
    call of the APIs named, else every call; in workspace order."""
    from designer.core.interop.common import select_apis
    from designer.core.interop.service import find_call

    apis = select_apis(ws, list(api_names)) if ws.apis else []
    chosen = [(api, call) for api in apis for call in api.calls]
    if call_specs:
        scoped = Workspace(id=ws.id, name=ws.name, apis=apis)
        wanted = {find_call(scoped, spec)[1].id for spec in call_specs}
        chosen = [(api, call) for api, call in chosen if call.id in wanted]
    if not chosen:
        raise LookupFailed("There are no calls to check: import or add one first")
    return chosen


def _excluded(path: str, overrides: dict[str, FieldOverride]) -> bool:
    for where, override in overrides.items():
        if override.include:
            continue
        if path == where or path.startswith((f"{where}.", f"{where}[")) or where == "":
            return True
    return False


def classify(call: Call, changes: Sequence[Change]) -> list[Finding]:
    """The findings of ``changes`` to ``call``'s structure, judged by the call's overrides."""
    findings = []
    for change in changes:
        severity: Severity = "compatible"
        if _excluded(change.path, call.overrides):
            severity = "ignored"
        elif change.kind == "type" and _format_gained(change):
            severity = "compatible"
        elif change.kind in _BREAKING_KINDS:
            severity = "breaking"
            chosen = call.overrides.get(change.path)
            if (
                change.kind == "type"
                and chosen is not None
                and chosen.type is not None
                and (change.after or "").startswith(chosen.type.value)
            ):
                severity = "compatible"  # the user already reads it as the new type
        findings.append(Finding(change, severity))
    return findings


def _format_gained(change: Change) -> bool:
    """Whether a type change only adds a format: ``integer`` to ``integer (unix-time)``,
    ``list of text`` to ``list of text (ipv4)``."""
    before, after = change.before or "", change.after or ""
    return bool(before) and after.startswith(f"{before} (") and after.endswith(")")


def _retry_after(response: ResponseResult) -> float | None:
    """Seconds to wait from a 429/503 answer's ``Retry-After`` (a number or an HTTP date)."""
    if response.status not in _RETRY_STATUSES:
        return None
    wait = retry_after(response)
    return 1.0 if wait is None else wait  # no (readable) header: a short pause


class _Politeness:
    """Limits in flight, overall and per host, and the hosts asked to wait."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.overall = asyncio.Semaphore(options.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.resume_at: dict[str, float] = {}

    def host(self, name: str) -> asyncio.Semaphore:
        if name not in self.hosts:
            self.hosts[name] = asyncio.Semaphore(self.options.per_host)
        return self.hosts[name]

    async def wait_for(self, host: str) -> None:
        delay = self.resume_at.get(host, 0.0) - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, host: str, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self.resume_at[host] = max(self.resume_at.get(host, 0.0), until)


def _environment(api: Api, options: CheckOptions) -> str | None:
    if options.only_where_defined and api.environment(options.environment) is None:
        return None
    return options.environment


class _HostGate:
    """The politeness of one host, as the call service's gate."""

    def __init__(self, polite: _Politeness, host: str) -> None:
        self.polite, self.host = polite, host

    @contextlib.asynccontextmanager
    async def attempt(self) -> AsyncIterator[None]:
        await self.polite.wait_for(self.host)
        async with self.polite.overall, self.polite.host(self.host):
            yield

    async def wait(self, seconds: float) -> None:
        self.polite.pause(self.host, seconds)  # the next attempt waits in attempt()


def _retry_policy(options: CheckOptions, host: str) -> RetryPolicy:
    """429 and 503 are retried, whatever the call designs with, after their Retry-After
    (a short pause without one), within the call's deadline."""

    def past_deadline(_call: Call, _where: str, wait: float, deadline: float) -> DesignerError:
        return DesignerError(
            f"{host} asked to wait {wait:.0f} s (Retry-After), past the call's deadline "
            f"of {deadline:.0f} s: run the check later"
        )

    return RetryPolicy(
        retries=options.retries,
        statuses=_RETRY_STATUSES,
        errors_are_answers=False,
        fallback=lambda _attempt: 1.0,
        past_deadline=past_deadline,
    )


async def _send(
    executor: Executor,
    api: Api,
    call: Call,
    store: SecretStore,
    polite: _Politeness,
) -> tuple[ResponseResult, Shape, list[str]]:
    options = polite.options
    environment = _environment(api, options)
    target, _ = in_environment(api, store, environment)
    host = urlsplit(target.base_url).netloc or target.base_url
    service = CallService(executor, store, retry=_retry_policy(options, host))
    done = await service.initialize(
        api,
        call,
        None,
        environment,
        chosen=options.chosen,
        gate=_HostGate(polite, host),
        deadline=options.deadline,
    )
    return done.response, done.outcome.shape, list(done.request.secrets)


async def _check_one(
    executor: Executor, api: Api, call: Call, store: SecretStore, polite: _Politeness
) -> CallResult:
    started = time.perf_counter()
    try:
        response, shape, _secrets = await _send(executor, api, call, store, polite)
    except CallDeadlineExceeded:
        return CallResult(
            api,
            call,
            "failed",
            error=f"no answer within the deadline of {polite.options.deadline:g} s",
            elapsed=time.perf_counter() - started,
        )
    except DesignerError as exc:
        status = getattr(exc, "status", None)
        return CallResult(
            api,
            call,
            "failed",
            error=str(exc),
            status=status if isinstance(status, int) else None,
            elapsed=time.perf_counter() - started,
        )
    elapsed = time.perf_counter() - started
    if polite.options.against_spec:
        return _against_spec(api, call, response.status, elapsed, shape)
    if call.structure is None:
        return CallResult(api, call, "new", status=response.status, elapsed=elapsed, shape=shape)
    findings = classify(call, diff(call.structure, shape))
    outcome: Outcome = "unchanged"
    if any(f.severity == "breaking" for f in findings):
        outcome = "breaking"
    elif findings:
        outcome = "changed"
    return CallResult(api, call, outcome, findings, None, response.status, elapsed, shape)


def spec_departures(call: Call, shape: Shape) -> list[Departure] | None:
    """Where ``shape`` (the call's data, inferred from an answer) departs from the call's
    documented structure, fields the user excluded left out; None when nothing is documented.

    Paths are those of the call's data: under ``body`` when status or headers sit beside it.
    """
    if call.documented is None:
        return None
    body = body_shape(call, shape)
    found = [] if body is None else departures(call.documented, body)
    if body is not shape:
        found = [replace(d, path=_under_body(d.path)) for d in found]
    return [d for d in found if not _excluded(d.path, call.overrides)]


def _against_spec(api: Api, call: Call, status: int, elapsed: float, shape: Shape) -> CallResult:
    found = spec_departures(call, shape)
    if found is None:
        return CallResult(api, call, "undocumented", status=status, elapsed=elapsed, shape=shape)
    outcome: Outcome = "departs" if found else "as-documented"
    return CallResult(
        api, call, outcome, status=status, elapsed=elapsed, shape=shape, departures=found
    )


def _under_body(path: str) -> str:
    return "body" + (path if path.startswith("[") else f".{path}" if path else "")


async def run_check(
    calls: Sequence[tuple[Api, Call]],
    store: SecretStore,
    options: CheckOptions = CheckOptions(),
    *,
    executor: Executor | None = None,
    on_result: Callable[[CallResult], None] | None = None,
) -> list[CallResult]:
    """Check ``calls``; the results come back in the same order.

    ``executor`` is an open :class:`~designer.core.http.execute.Executor` to reuse
    (the app's); otherwise one is opened for the run. ``on_result`` is called
    as each call finishes, for progress.
    """
    from designer.core.http.execute import ExecutionSettings, Executor

    polite = _Politeness(options)
    for api in {a.id: a for a, _ in calls}.values():
        # An unknown environment fails here, before any request.
        in_environment(api, store, _environment(api, options))

    async def one(api: Api, call: Call, runner: Executor) -> CallResult:
        try:
            result = await _check_one(runner, api, call, store, polite)
        except Exception as exc:  # a bug must not hide the other calls' results
            result = CallResult(api, call, "failed", error=f"{type(exc).__name__}: {exc}")
        if result.error:
            result.error = mask_secrets(result.error, _known_secrets(store, api, call))
        if on_result is not None:
            on_result(result)
        return result

    if executor is not None:
        return list(await asyncio.gather(*(one(a, c, executor) for a, c in calls)))
    settings = ExecutionSettings(
        read_timeout=options.timeout, connect_timeout=min(options.timeout, 10.0)
    )
    async with Executor(settings) as own:
        return list(await asyncio.gather(*(one(a, c, own) for a, c in calls)))


def _known_secrets(store: SecretStore, api: Api, call: Call) -> list[str]:
    from designer.core.secrets.names import required_secrets

    found = []
    for secret in required_secrets([api]):
        if secret.call is None or secret.call == call.name:
            value = store.get(secret.ref)
            if value:
                found.append(value)
    return found


def exit_code(results: Sequence[CallResult], fail_on: str = "breaking") -> int:
    """0 when nothing breaking was found (with ``any``: nothing changed) and no answer
    departs from its documentation, else 1."""
    bad: set[str] = {"breaking", "failed", "departs"}
    if fail_on == "any":
        bad.add("changed")
    return 1 if any(r.outcome in bad for r in results) else 0


def updated_workspace(ws: Workspace, results: Sequence[CallResult]) -> tuple[Workspace, int]:
    """A copy of ``ws`` holding the new structures of the calls that changed or were new.

    The user's overrides stay while their field exists (:func:`with_structure`).
    Unchanged calls keep their stored structure, so the file only changes
    where the API did.
    """
    new = {
        r.call.id: r.shape
        for r in results
        if r.shape is not None and r.outcome in ("new", "changed", "breaking")
    }
    copy = ws.model_copy(deep=True)
    for api in copy.apis:
        for index, call in enumerate(api.calls):
            shape = new.get(call.id)
            if shape is not None:
                api.calls[index], _changes = with_structure(call, shape)
    return copy, len(new)
