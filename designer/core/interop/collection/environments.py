"""Sub-environments of a collection (Insomnia, Bruno) as environments of the imported APIs.

Each sub-environment (dev, prod) gives its own values to the variables the
requests use. The requests are read again with those values; what differs
from the API's own settings becomes the environment: the base URL, and the
credential (stored as that environment's secret, never in the workspace).
"""

from __future__ import annotations

from designer.core.interop.collection.build import (
    RawRequest,
    auth_from_headers,
    group_requests,
    origin_and_prefix,
)
from designer.core.interop.common import ImportResult
from designer.core.models import AUTH_SECRET_FIELD, Environment, secret_ref, unique_name

__all__ = ["add_environments"]


def add_environments(result: ImportResult, name: str, requests: list[RawRequest]) -> None:
    """Add environment ``name`` to each API of ``result``, from ``requests`` read under it.

    ``result`` holds the APIs :func:`.collection.build_apis` made from the
    same requests read with the default values, in the same order.
    """
    groups, _ = group_requests(requests, result.name)
    for api, members in zip(result.apis, groups.values(), strict=False):
        origin, prefix = origin_and_prefix(members)
        base = origin + prefix if origin else ""
        env = Environment(
            name=unique_name(name, [e.name for e in api.environments]),
            base_url="" if base == api.base_url else base,
        )
        auth_from_headers(members)
        credential = next(
            (r.auth for r in members if r.auth is not None and r.auth.auth.type == api.auth.type),
            None,
        )
        if credential is not None and api.auth.type != "none":
            values = dict(credential.extra)
            if api.auth.type in AUTH_SECRET_FIELD:
                values[AUTH_SECRET_FIELD[api.auth.type]] = credential.secret
            for field, value in values.items():
                default = result.secrets.get(secret_ref(api, f"auth.{field}"), "")
                if value and value != default:
                    result.secrets[secret_ref(api, f"auth.{field}", environment=env)] = value
        api.environments.append(env)
