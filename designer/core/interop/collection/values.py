"""Values of recorded requests: ``{{variables}}`` nobody defined, and typed JSON bodies.

Postman and Insomnia substitute the variables a document defines before the
request is built (:mod:`.postman_import`, :mod:`.insomnia`). What is left is
a variable defined elsewhere (an environment file that was not exported, a
value set by a script): sending ``{{token}}`` literally would be wrong, so
such a value becomes blank, to be filled in, and the parameter's description
says which variable it was.

A JSON object body becomes one body parameter per leaf, named by its dotted
path (``customer.address.city``, as request bodies nest them) and typed from
its sample: ``7`` is an integer, ``7.5`` a number, ``true`` a boolean, a list
or ``null`` a JSON value. A body that is not such an object (an array, keys
with dots, variables inside lists) stays a template with ``<name>``
placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from designer.core.models import Parameter, Placement, ValueType
from designer.core.values import sample_of, type_of

__all__ = [
    "VARIABLE",
    "json_body_parameters",
    "plain_value",
    "resolve_variables",
    "with_example",
    "without_variables",
]

#: ``{{name}}`` as Postman and Insomnia write a variable (Insomnia's ``_.`` is removed first).
VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_UNQUOTED = re.compile(r'(?<!["\w])(\{\{\s*[^{}]+?\s*\}\})(?!["\w])')
#: A body with more leaves than this stays a template: it is a document, not a form.
MAX_BODY_FIELDS = 200
_MAX_NESTING = 20
_MAX_PASSES = 10  # variables that refer to variables, a few levels deep at most


def without_variables(text: str) -> str:
    """``text``, or blank if it still holds a ``{{variable}}`` (a secret is never ``{{x}}``)."""
    return "" if VARIABLE.search(text) else text


def resolve_variables(variables: dict[str, str]) -> dict[str, str]:
    """``variables`` with the ones that refer to others (``{{host}}/{{version}}``) resolved.

    A few passes only, so variables that refer to each other in a loop stay as written.
    """
    found = dict(variables)

    def one(match: re.Match[str]) -> str:
        return found.get(match.group(1)) or match.group(0)

    for _ in range(_MAX_PASSES):
        changed = {key: VARIABLE.sub(one, value) for key, value in found.items()}
        if changed == found:
            break
        found.update(changed)
    return found


def with_example(description: str, value: str) -> str:
    """``description`` followed by ``Example: value`` (for a parameter left blank)."""
    if not value:
        return description
    if description and not description.endswith((".", "!", "?", ":")):
        description += "."
    return f"{description} Example: {value}".strip()


def plain_value(text: str) -> tuple[str, str]:
    """``(value, description)``: a value with undefined variables is blank, described."""
    names = VARIABLE.findall(text)
    if not names:
        return text, ""
    whole = VARIABLE.fullmatch(text.strip())
    if whole:
        return "", f"from {{{{{whole.group(1)}}}}} (not defined in the imported document)"
    return "", f"from {text!r} (its variables are not defined in the imported document)"


def _leaf(name: str, value: Any) -> Parameter | None:
    kind, description = type_of(value), ""
    if kind is ValueType.TEXT:
        text, description = plain_value(value)
    else:  # lists, empty objects and null are sent as the JSON written here
        text = sample_of(value)
        if kind is ValueType.JSON and VARIABLE.search(text):
            return None
    return Parameter(
        name=name, value=text, placement=Placement.BODY, type=kind, description=description
    )


def json_body_parameters(text: str) -> list[Parameter] | None:
    """The typed body parameters of a JSON object body, or None to keep it a template."""
    # An unquoted variable ("qty": {{qty}}) stands for a value of any type.
    try:
        document = orjson.loads(_UNQUOTED.sub(r'"\1"', text))
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict) or not document:
        return None
    found: list[Parameter] = []
    # Depth first, in document order, without recursion.
    stack: list[tuple[str, Iterator[tuple[str, Any]]]] = [("", iter(document.items()))]
    while stack:
        prefix, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        key, value = entry
        if not key or "." in key or key != key.strip():
            return None  # a dotted name would nest differently when sent
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            if len(stack) >= _MAX_NESTING:
                return None
            stack.append((f"{name}.", iter(value.items())))
            continue
        parameter = _leaf(name, value)
        if parameter is None or len(found) >= MAX_BODY_FIELDS:
            return None
        found.append(parameter)
    return found
