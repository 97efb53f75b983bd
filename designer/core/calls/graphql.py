"""What a GraphQL server answered: ``data`` to infer, ``errors`` to report.

GraphQL servers answer 200 even when a query failed, so the status alone
says little: ``errors`` with no ``data`` is a failure whatever the status,
and ``errors`` beside ``data`` is a partial result whose structure is still
inferred, with the errors in a note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

import orjson

from designer.core.errors import ExecutionError
from designer.core.http.response import ResponseResult
from designer.core.models import Call


class _Outcome(Protocol):
    @property
    def note(self) -> str | None: ...


#: What the plain inference returns (the caller's outcome type, a dataclass with a note).
Outcome = TypeVar("Outcome", bound=_Outcome)

__all__ = ["GraphQLResponseError", "graphql_errors", "infer_graphql"]


class GraphQLResponseError(ExecutionError):
    """The server answered with GraphQL errors and no data."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


def graphql_errors(answer: Any) -> list[str]:
    """The messages of an answer's ``errors``, each with its path when it has one."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not isinstance(errors, list):
        return []
    out = []
    for error in errors:
        if not isinstance(error, dict):
            out.append(str(error))
            continue
        # Without its final full stop: the message goes inside a sentence of ours.
        message = str(error.get("message", "")).strip().rstrip(".") or "an error without a message"
        path = error.get("path")
        if isinstance(path, list) and path:
            message += f" (at {'.'.join(str(p) for p in path)})"
        out.append(message)
    return out


def _summary(errors: list[str]) -> str:
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{errors[0]}{more}"


def infer_graphql(
    call: Call,
    response: ResponseResult,
    infer_plain: Callable[[Call, ResponseResult], Outcome],
) -> Outcome:
    """The structure of the answer's ``data``; :class:`GraphQLResponseError` if none came.

    ``infer_plain`` infers a body as any other call's (the caller's inference, so
    this module does not import it back).
    """
    plain = call.model_copy(update={"graphql": None})
    try:
        answer = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict) or not ("data" in answer or "errors" in answer):
        # Not a GraphQL answer (a proxy's HTML error page, a 404): read it as any other.
        return infer_plain(plain, response)
    errors = graphql_errors(answer)
    data = answer.get("data")
    if call.include_errors:
        return infer_plain(plain, response)
    if data is None:
        if not errors:
            return infer_plain(plain, response)
        raise GraphQLResponseError(
            f"Call '{call.name}' returned GraphQL errors (HTTP {response.status}): "
            f"{_summary(errors)}: check the query and its variables",
            errors,
        )
    body = orjson.dumps(data)
    # The data of a partial result is the answer: a 200 status is what servers send.
    data_only = replace(response, body=body, content_type="application/json", charset="utf-8")
    if data_only.status >= 400:
        data_only = replace(data_only, status=200, reason="OK")
    outcome = infer_plain(plain, data_only)
    if not errors:
        return outcome
    note = f"Partial result: {len(errors)} GraphQL error{'s' if len(errors) > 1 else ''} "
    note += f"beside the data: {_summary(errors)}"
    if outcome.note:
        note = f"{outcome.note}; {note}"
    return replace(outcome, note=note)  # type: ignore[type-var]
