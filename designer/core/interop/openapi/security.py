"""The security of an OpenAPI document's operations: requirements, schemes, and APIs by both.

Our model gives an API one authentication. A document gives each operation a
list of alternative requirements, each naming schemes that apply together:

- the first requirement is used (the alternatives are alternatives);
- all its schemes are kept: the first that is not an API key becomes the
  authentication, further API keys become private shared headers or query
  values, anything else is named in a note;
- ``security: []`` (or ``{}``) means no authentication;
- a name with no scheme defined is left out, with a note;
- operations of one server whose requirements differ become separate APIs
  (``Title (scheme)``, ``Title (no authentication)``), each with the right
  authentication, and a note says so; the document's default requirement
  keeps the plain title.
"""

from __future__ import annotations

from typing import Any

from designer.core.interop.notes import Notes
from designer.core.interop.openapi.auth import auth_from_scheme
from designer.core.interop.reader import join
from designer.core.interop.refs import Resolver
from designer.core.models import Api, Auth, Call, NoAuth, Parameter, Placement

__all__ = ["Item", "Key", "Security", "common_headers"]

#: The scheme names of one requirement, in the document's order.
Key = tuple[str, ...]
#: A call, the requirement of its operation, and the operation's tags.
Item = tuple[Call, Key, list[str]]


class Security:
    """Reads requirements and schemes; ``default`` is the document's own requirement."""

    def __init__(
        self, schemes: dict[str, Any], resolver: Resolver, version: int, notes: Notes
    ) -> None:
        self.schemes = schemes
        self.resolver = resolver
        self.reader = resolver.reader
        self.version = version
        self.notes = notes
        self.default: Key = ()

    def requirement(self, security: Any, where: str) -> Key:
        """The scheme names of the requirement to use (all of them: they apply together).

        The first requirement whose schemes are all defined is used (else the
        first, without the undefined names, which are noted). ``security: []``
        or an empty requirement means no authentication.
        """
        if not isinstance(security, list) or not security:
            return ()
        options = [(i, r) for i, r in enumerate(security) if isinstance(r, dict)]
        if not options:
            return ()
        for i, option in options:
            for name in option:
                if name not in self.schemes:
                    self.notes.at(
                        f"security scheme {name!r}, which is not defined, was left out: set "
                        f"that authentication by hand",
                        join(where, i),
                    )
        chosen = next((r for _, r in options if all(n in self.schemes for n in r)), options[0][1])
        names = tuple(str(n) for n in chosen if n in self.schemes)
        if len(security) > 1:
            offered = " | ".join(" + ".join(map(str, r)) or "none" for _, r in options)
            self.notes.add(
                f"of the alternative security requirements {offered}, "
                f"{' + '.join(names) or 'no authentication'} was used"
            )
        return names

    def scheme(self, name: str) -> dict[str, Any]:
        where = join(
            "$.securityDefinitions" if self.version == 2 else "$.components.securitySchemes", name
        )
        scheme, where, _ = self.resolver.resolve(self.schemes[name], where)
        return self.reader.obj(scheme, where)

    def auth(self, key: Key) -> tuple[Auth, list[Parameter], list[Parameter]]:
        """The authentication of a requirement, and the private headers and query values.

        Schemes required together (AND): the first that is not an API key
        becomes the authentication (else the first API key); the other API
        keys become private shared headers or query parameters.
        """
        if not key:
            return NoAuth(), [], []
        schemes = {name: self.scheme(name) for name in key}
        main = next((n for n in key if schemes[n].get("type") != "apiKey"), key[0])
        headers: list[Parameter] = []
        query: list[Parameter] = []
        for name in key:
            scheme = schemes[name]
            if name == main:
                continue
            field = scheme.get("name")
            if scheme.get("type") == "apiKey" and isinstance(field, str) and field:
                target = headers if scheme.get("in") == "header" else query
                if scheme.get("in") in ("header", "query"):
                    target.append(
                        Parameter(
                            name=field,
                            placement=Placement.HEADER if target is headers else Placement.QUERY,
                            private=True,
                            dynamic=False,
                            description=f"security scheme {name!r}",
                        )
                    )
                    continue
            self.notes.add(
                f"security scheme {name!r} is required together with {main!r}: only "
                f"{main!r} was imported as the authentication; add {name!r} by hand"
            )
        return auth_from_scheme(schemes[main], main, self.notes), headers, query

    def apis(self, name: str, base: str, items: list[Item], description: str) -> list[Api]:
        """The APIs of one server: one per security requirement its operations use."""
        by_key: dict[Key, list[Call]] = {}
        for call, key, _ in items:
            by_key.setdefault(key, []).append(call)
        # The document's default requirement keeps the API's name, else the most used.
        ordered = sorted(by_key, key=lambda k: (k != self.default, -len(by_key[k])))
        apis = []
        for index, key in enumerate(ordered):
            calls = by_key[key]
            api_name = name
            if index:
                label = " + ".join(key) if key else "no authentication"
                api_name = f"{name} ({label})"
                self.notes.add(
                    f"API {name!r}: {len(calls)} operation{'s' if len(calls) > 1 else ''} "
                    f"use{'' if len(calls) > 1 else 's'} "
                    f"{'no authentication' if not key else 'security ' + repr(label)} unlike "
                    f"the others: imported as API {api_name!r}"
                )
            auth, auth_headers, auth_query = self.auth(key)
            apis.append(
                Api(
                    name=api_name,
                    description=description,
                    base_url=base,
                    auth=auth,
                    headers=[*auth_headers, *common_headers(calls)],
                    parameters=auth_query,
                    calls=calls,
                )
            )
        return apis


def common_headers(calls: list[Call]) -> list[Parameter]:
    """Headers every call sends with the same value: moved to the API."""
    if len(calls) < 2:
        return []

    def headers(call: Call) -> set[tuple[str, str, bool]]:
        return {
            (p.name.lower(), p.value, p.optional)
            for p in call.parameters
            if p.placement is Placement.HEADER and not p.private
        }

    common = set.intersection(*(headers(c) for c in calls))
    if not common:
        return []
    shared = [
        p
        for p in calls[0].parameters
        if (p.name.lower(), p.value, p.optional) in common and p.placement is Placement.HEADER
    ]
    for call in calls:
        call.parameters = [
            p
            for p in call.parameters
            if not (
                p.placement is Placement.HEADER and (p.name.lower(), p.value, p.optional) in common
            )
        ]
    return shared
