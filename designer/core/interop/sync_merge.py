"""The three-way merge of one call, or of one list of parameters, facet by facet.

Each facet the document owns is compared between what the document said last
time (base), the user's value (mine) and the new document's (theirs); see
:mod:`designer.core.interop.sync` for the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from designer.core.interop.sync_match import fingerprint, param_key, param_spec
from designer.core.interop.sync_report import Conflict, Preference, UpdateReport
from designer.core.models import Call, CallOrigin, Parameter
from designer.core.structure import shape_to_dict

__all__ = ["FacetMerge", "fixed", "merge_call", "merge_parameters", "short"]


class FacetMerge:
    """One three-way merge of an API: the facets' verdicts and the new base."""

    def __init__(self, report: UpdateReport, prefer_document: Preference) -> None:
        self.report = report
        self.prefer_document = prefer_document

    def takes_document(self, call: str, label: str) -> bool:
        if isinstance(self.prefer_document, bool):
            return self.prefer_document
        return (call, label) in self.prefer_document

    def facet(
        self,
        base: dict[str, str] | None,
        new_base: dict[str, str],
        name: str,
        mine: str,
        theirs: str,
        *,
        label: str,
        call: str,
        shown: Callable[[], tuple[str, str]],
    ) -> bool:
        """Whether to take the document's value of one doc-owned facet; records conflicts.

        Without a record of the last import (``base`` None, an API imported before
        updates existed) the document's value is taken: the document owns the facet.
        """
        previous = None if base is None else base.get(name)
        if theirs == mine:
            return False
        if previous is None or previous == mine:
            return True
        if previous == theirs:
            return False
        if self.takes_document(call, label):
            return True
        self.report.conflicts.append(Conflict(call, label, *shown()))
        new_base[name] = previous  # asked again next time, until the user chooses
        return False


def _shown_spec(own: Parameter, doc: Parameter) -> tuple[str, str]:
    return (
        f"{own.type.value}, {short(own.description)}",
        f"{doc.type.value}, {short(doc.description)}",
    )


def _shown_required(own: Parameter, doc: Parameter) -> tuple[str, str]:
    return (
        "optional" if own.optional else "required",
        "optional" if doc.optional else "required",
    )


def _shown_text(own: str, doc: str) -> tuple[str, str]:
    return short(own), short(doc)


def fixed(pair: tuple[str, str]) -> Callable[[], tuple[str, str]]:
    return lambda: pair


def short(value: object) -> str:
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 40 else text[:39] + "…")


def merge_parameters(
    merge: FacetMerge,
    base: dict[str, str] | None,
    new_base: dict[str, str],
    mine: list[Parameter],
    theirs: list[Parameter],
    *,
    prefix: str,
    call: str,
    details: list[str],
) -> list[Parameter]:
    """The merged parameter list: the document's in its order, then the user's own."""
    mine_by = {param_key(p): p for p in mine}
    theirs_by = {param_key(p): p for p in theirs}
    known = None if base is None else {k[6:] for k in base if k.startswith("param ")}

    def in_base(key: str) -> bool:
        return known is not None and f"{prefix}{key}" in known

    removed = [k for k in mine_by if k not in theirs_by and in_base(k)]
    added = [k for k in theirs_by if k not in mine_by and not in_base(k)]
    renamed: dict[str, str] = {}  # new key → old key
    for placement in {k.split(" ", 1)[0] for k in removed}:
        gone = [k for k in removed if k.split(" ", 1)[0] == placement]
        new = [k for k in added if k.split(" ", 1)[0] == placement]
        if len(gone) == 1 and len(new) == 1:
            renamed[new[0]] = gone[0]
    merged: list[Parameter] = []
    for key, doc in theirs_by.items():
        facet = f"param {prefix}{key}"
        required = f"required {prefix}{key}"
        name = doc.name
        if key in renamed:
            old = mine_by[renamed[key]]
            details.append(f"parameter '{old.name}' renamed '{name}'")
            merged.append(
                doc.model_copy(
                    update={"value": old.value, "dynamic": old.dynamic, "private": old.private}
                )
            )
            continue
        own = mine_by.get(key)
        if own is None:
            if in_base(key):
                # The user deleted it; the document still declares it: it stays deleted
                # (its base stays recorded, so the next update knows it too).
                continue
            details.append(f"parameter '{name}' added ({doc.placement.value})")
            merged.append(doc)
            continue
        update: dict[str, Any] = {}
        if merge.facet(
            base,
            new_base,
            facet,
            param_spec(own),
            param_spec(doc),
            label=f"parameter '{name}'",
            call=call,
            shown=partial(_shown_spec, own, doc),
        ):
            if own.type is not doc.type:
                details.append(f"parameter '{name}' is now {doc.type.value}")
            if own.description != doc.description or own.graphql_type != doc.graphql_type:
                details.append(f"parameter '{name}' description changed")
            update.update(type=doc.type, description=doc.description, graphql_type=doc.graphql_type)
        own_required = "0" if own.optional else "1"
        doc_required = "0" if doc.optional else "1"
        if merge.facet(
            base,
            new_base,
            required,
            own_required,
            doc_required,
            label=f"whether parameter '{name}' is required",
            call=call,
            shown=partial(_shown_required, own, doc),
        ):
            details.append(f"parameter '{name}' now {'optional' if doc.optional else 'required'}")
            update["optional"] = doc.optional
        merged.append(own.model_copy(update=update) if update else own)
    for key, own in mine_by.items():
        if key in theirs_by or key in renamed.values():
            continue
        if in_base(key):
            details.append(f"parameter '{own.name}' removed")
            continue
        merged.append(own)  # added by hand (or never recorded): the user's
    return merged


def merge_call(
    merge: FacetMerge, mine: Call, theirs: Call, report: UpdateReport
) -> tuple[Call, list[str]]:
    """The user's call updated from the document's, and what changed in words."""
    assert theirs.origin is not None
    base = None if mine.origin is None else mine.origin.base
    new_base = dict(theirs.origin.base)
    details: list[str] = []
    update: dict[str, Any] = {}
    label = mine.name
    simple = (("method", "method"), ("path", "path"), ("description", "description"))
    for name, words in (*simple, ("use_as", "use as")):
        own, doc = str(getattr(mine, name)), str(getattr(theirs, name))
        if merge.facet(
            base,
            new_base,
            name,
            fingerprint(own),
            fingerprint(doc),
            label=words,
            call=label,
            shown=partial(_shown_text, own, doc),
        ):
            details.append(f"{words} changed" if name == "description" else f"{words} {short(doc)}")
            update[name] = getattr(theirs, name)
    own_body = [mine.body_type.value, mine.content_type, mine.body_template]
    doc_body = [theirs.body_type.value, theirs.content_type, theirs.body_template]
    if merge.facet(
        base,
        new_base,
        "body",
        fingerprint(own_body),
        fingerprint(doc_body),
        label="body",
        call=label,
        shown=lambda: (short(mine.body_type.value), short(theirs.body_type.value)),
    ):
        details.append("body changed")
        update.update(
            body_type=theirs.body_type,
            content_type=theirs.content_type,
            body_template=theirs.body_template,
        )
    # The user's own: a renamed call and an initialized structure stay the user's.
    if base is not None and base.get("name") == fingerprint(mine.name) != new_base["name"]:
        details.append(f"renamed {short(theirs.name)}")
        update["name"] = theirs.name
    if base is not None and new_base["response"] != base.get("response"):
        # The document's response changed (only then is the user's structure looked at).
        structure = None if mine.structure is None else shape_to_dict(mine.structure)
        if fingerprint([mine.response_type.value, structure]) == base.get("response"):
            details.append("documented response changed")
            update.update(response_type=theirs.response_type, structure=theirs.structure)
        else:
            report.notes.append(
                f"call '{label}': the documented response changed; your structure is kept, "
                f"and the Against spec tab compares it with the new one"
            )
    if base is None or new_base["response"] != base.get("response"):
        # The documented structure is the document's own, beside the user's structure.
        update["documented"] = theirs.documented
    parameters = merge_parameters(
        merge,
        base,
        new_base,
        mine.parameters,
        theirs.parameters,
        prefix="",
        call=label,
        details=details,
    )
    if parameters != mine.parameters:
        update["parameters"] = parameters
    update["origin"] = CallOrigin(key=theirs.origin.key, base=new_base)
    return mine.model_copy(update=update), details
