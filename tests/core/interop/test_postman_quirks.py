"""Postman collections as vendors publish them: variables anywhere, optional query
entries, descriptions, every auth form and its inheritance, scheme-less URLs; and the
export that reads back the same, valid against the Postman v2.1 schema."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from designer.core.errors import ImportVersionError
from designer.core.interop.postman.exporter import export_postman
from designer.core.interop.postman.importer import import_postman
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import read_document, read_source
from designer.core.models import (
    Api,
    Call,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Parameter,
    Placement,
    ValueType,
    Workspace,
    secret_ref,
)
from designer.core.structure import Shape
from designer.core.workspace import file as workspace_file
from tests.core.interop.conftest import DATA

SOCIAL = "social.postman_collection.json"
SCHEMA = orjson.loads(
    (Path(__file__).parents[2] / "data/postman/collection-v2.1.0.schema.json").read_bytes()
)


def _social() -> tuple[Workspace, dict[str, str], list[str]]:
    imported = read_import(read_source(DATA / SOCIAL), SOCIAL)
    merged = merge_import(None, imported)
    return merged.outcome.workspace, merged.secrets, imported.result.notes


def _params(call: Call) -> dict[str, Parameter]:
    return {p.name: p for p in call.parameters}


def test_variables_become_parameters_never_encoded_text() -> None:
    ws, _, _ = _social()
    apis = {a.name: a for a in ws.apis}
    users = {c.name: c for c in apis["Users"].calls}
    lookup = users["User by username"]
    # {{username}} inside a segment is a placeholder with the collection's value.
    assert lookup.path == "/users/by/username/celeb_{username}"
    assert _params(lookup)["username"].value == "jack"
    assert "%7B" not in workspace_file.dumps(ws).decode()
    # A header whose variable is not defined is blank and says where it came from.
    trace = _params(lookup)["X-Trace"]
    assert (trace.value, trace.placement) == ("", Placement.HEADER)
    assert trace.description.startswith("Correlation id; from {{traceId}}")
    audit = _params(users["Admin / Audit log"])
    assert (audit["since"].value, audit["kind"].value) == ("", "login")
    tweets = {c.name: c for c in apis["Tweets"].calls}
    search = _params(tweets["Recent search"])
    # A defined variable inside a query value is substituted; the value stays one value.
    assert search["query"].value == "from:jack has:media lang:en"
    # :id keeps its value and its description.
    single = tweets["Single Tweet"]
    assert single.path == "/tweets/{id}"
    assert _params(single)["id"].value == "1460323737035677698"
    assert _params(single)["id"].description == "Required. Enter a single Tweet ID."


def test_disabled_query_entries_are_optional_parameters() -> None:
    ws, _, _ = _social()
    tweets = {c.name: c for c in ws.apis[1].calls}
    fields = _params(tweets["Single Tweet"])
    assert [n for n, p in fields.items() if p.optional] == [
        "tweet.fields",
        "expansions",
        "media.fields",
        "poll.fields",
        "user.fields",
        "place.fields",
    ]
    expansions = fields["expansions"]
    # Blank, so not sent until given a value; the documented sample is in the description.
    assert expansions.value == ""
    assert expansions.description.startswith("A comma separated list of fields to expand.")
    assert "Example: attachments.poll_ids," in expansions.description
    search = _params(tweets["Recent search"])
    assert (search["max_results"].optional, search["since_id"].optional) == (False, True)


def test_descriptions_are_kept() -> None:
    ws, _, _ = _social()
    apis = {a.name: a for a in ws.apis}
    assert apis["Social API v2"].description.startswith("Programmatic access to posts")
    assert apis["Tweets"].description == "Look up, search and publish posts."
    create = next(c for c in apis["Tweets"].calls if c.name == "Create Tweet")
    assert create.description == "Creates a Tweet on behalf of the user."
    accept = _params(apis["Tweets"].calls[1])["Accept"]
    assert accept.description == "What we read back"


def test_auth_forms_and_inheritance() -> None:
    ws, secrets, notes = _social()
    apis = {a.name: a for a in ws.apis}
    # The collection's bearer token reaches the requests outside folders and in Tweets.
    for name in ("Social API v2", "Tweets"):
        assert apis[name].auth.type == "bearer"
        assert secrets[secret_ref(apis[name], "auth.token")] == "AAAAbearer-live-0123456789"
    users = apis["Users"].auth
    assert isinstance(users, OAuth2ClientCredentialsAuth)
    assert (users.token_url, users.client_id, users.scope, users.client_auth) == (
        "http://localhost:4010/v2/oauth2/token",
        "social-client",
        "users.read tweet.read",
        "body",
    )
    assert secrets[secret_ref(apis["Users"], "auth.client_secret")] == "cs_live_abcdef"
    # "Authorization: Token {{token}}" headers on every request: one API-level key.
    conduit = apis["Conduit"]
    assert conduit.auth.model_dump() == {
        "type": "api_key_header",
        "header": "Authorization",
        "prefix": "Token ",
    }
    for call in conduit.calls:
        assert all(p.name.lower() != "authorization" for p in call.parameters)
    assert apis["Legacy"].auth.type == "none"
    text = "\n".join(notes)
    assert "'digest' authentication is not supported" in text
    assert "'hawk' authentication is not supported" in text
    assert "not imported: 1 collection script, 1 request script, 1 disabled header" in text
    assert "not imported: 1 request to ftp:// URLs" in text
    assert "API 'Users': some requests have no authentication" in text
    # Secrets stay out of the workspace file.
    saved = workspace_file.dumps(ws).decode()
    assert "AAAAbearer" not in saved
    assert "cs_live_abcdef" not in saved


def _collection(*items: dict[str, Any], auth: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "info": {"name": "C", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"},
        "item": list(items),
    }
    if auth is not None:
        doc["auth"] = auth
    return doc


def _bearer(token: str) -> dict[str, Any]:
    return {"type": "bearer", "bearer": [{"key": "token", "value": token}]}


def _get(name: str, url: Any, auth: dict[str, Any] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "GET", "url": url}
    if auth is not None:
        request["auth"] = auth
    return {"name": name, "request": request}


def test_request_auth_wins_over_folder_over_collection() -> None:
    doc = _collection(
        {
            "name": "Keyed",
            "auth": {
                "type": "apikey",
                "apikey": [{"key": "key", "value": "X-Key"}, {"key": "value", "value": "k1"}],
            },
            "item": [
                _get("Inherits", "https://a.example/one"),
                _get("Own", "https://a.example/two", _bearer("request-token")),
            ],
        },
        {"name": "Open", "auth": {"type": "noauth"}, "item": [_get("Ping", "https://b.example")]},
        {"name": "Plain", "item": [_get("Inherited", "https://c.example/x")]},
        auth=_bearer("collection-token"),
    )
    result = import_postman(doc, "c.json")
    apis = {a.name: a for a in result.apis}
    assert apis["Keyed"].auth.model_dump() == {
        "type": "api_key_header",
        "header": "X-Key",
        "prefix": "",
    }
    assert result.secrets[secret_ref(apis["Keyed"], "auth.key")] == "k1"
    # The request's own bearer token differs from the folder's key: a private header.
    own = apis["Keyed"].calls[1]
    assert [(p.name, p.private) for p in own.parameters] == [("Authorization", True)]
    assert result.secrets[secret_ref(apis["Keyed"], "param.Authorization", own)] == (
        "Bearer request-token"
    )
    assert apis["Open"].auth.type == "none"  # noauth stops inheritance
    assert apis["Plain"].auth.type == "bearer"
    assert result.secrets[secret_ref(apis["Plain"], "auth.token")] == "collection-token"


def test_a_bearer_header_repeating_the_collection_auth_is_one_credential() -> None:
    repeated = _get("Me", "https://a.example/me")
    repeated["request"]["header"] = [{"key": "Authorization", "value": "Bearer {{token}}"}]
    other = _get("Them", "https://a.example/them")
    other["request"]["header"] = [{"key": "Authorization", "value": "Bearer {{token}}"}]
    result = import_postman(_collection(repeated, other, auth=_bearer("{{token}}")), "c")
    (api,) = result.apis
    assert api.auth.type == "bearer"
    assert [c.parameters for c in api.calls] == [[], []]  # no private header per call


@pytest.mark.parametrize(
    ("grant", "expected"),
    [
        ("client_credentials", OAuth2ClientCredentialsAuth),
        ("password_credentials", OAuth2PasswordAuth),
        ("authorization_code", OAuth2AuthorizationCodeAuth),
        ("authorization_code_with_pkce", OAuth2AuthorizationCodeAuth),
    ],
)
def test_oauth2_grants(grant: str, expected: type) -> None:
    pairs = {
        "grant_type": grant,
        "accessTokenUrl": "https://id.example/token",
        "authUrl": "https://id.example/authorize",
        "clientId": "cid",
        "clientSecret": "csecret",
        "username": "ana",
        "password": "pw",
        "redirect_uri": "http://127.0.0.1:8765/callback",
    }
    auth = {"type": "oauth2", "oauth2": [{"key": k, "value": v} for k, v in pairs.items()]}
    result = import_postman(_collection(_get("Me", "https://api.example/me"), auth=auth), "c")
    (api,) = result.apis
    assert isinstance(api.auth, expected)
    assert api.auth.token_url == "https://id.example/token"
    assert result.secrets[secret_ref(api, "auth.client_secret")] == "csecret"
    if isinstance(api.auth, OAuth2AuthorizationCodeAuth):
        assert (api.auth.authorize_url, api.auth.redirect_port) == (
            "https://id.example/authorize",
            8765,
        )
    if isinstance(api.auth, OAuth2PasswordAuth):
        assert api.auth.username == "ana"
        assert result.secrets[secret_ref(api, "auth.password")] == "pw"


def test_implicit_grant_is_named_in_a_note() -> None:
    auth = {"type": "oauth2", "oauth2": [{"key": "grant_type", "value": "implicit"}]}
    result = import_postman(_collection(_get("Me", "https://api.example/me"), auth=auth), "c")
    assert result.apis[0].auth.type == "none"
    assert "'OAuth 2.0 implicit' authentication is not supported" in result.notes[0]


def test_typed_values_from_raw_json_bodies() -> None:
    ws, _, _ = _social()
    create = next(c for c in ws.apis[1].calls if c.name == "Create Tweet")
    typed = [(p.name, p.value, p.type) for p in create.parameters]
    assert typed == [
        ("text", "Hello from jack", ValueType.TEXT),
        ("reply_settings", "following", ValueType.TEXT),
        ("for_super_followers_only", "false", ValueType.BOOLEAN),
        ("poll.duration_minutes", "60", ValueType.INTEGER),
        ("poll.options", '["yes","no"]', ValueType.JSON),
        ("geo.place_id", "5a110d312052166f", ValueType.TEXT),
        ("geo.accuracy", "12.5", ValueType.NUMBER),
        ("quote_tweet_id", "", ValueType.TEXT),  # an unquoted {{quoteId}}: to be filled in
    ]
    assert create.body_template == ""


def test_graphql_bodies_become_graphql_calls_with_typed_variables() -> None:
    item = _get("Q", "https://api.example/graphql")
    item["request"]["method"] = "POST"
    item["request"]["body"] = {
        "mode": "graphql",
        "graphql": {"query": "query ($n: Int) { a(n: $n) }", "variables": '{"n": 3}'},
    }
    (api,) = import_postman(_collection(item), "c").apis
    call = api.calls[0]
    assert call.graphql is not None
    assert call.graphql.query == "query ($n: Int) { a(n: $n) }"
    assert [(p.name, p.value, p.type) for p in call.parameters] == [
        ("n", "3", ValueType.INTEGER),  # the variables, sent as an object in the envelope
    ]


def test_scheme_less_urls_get_curls_scheme() -> None:
    ws, _, _ = _social()
    bases = {a.name: a.base_url for a in ws.apis}
    assert bases["Social API v2"] == "http://localhost:4010"
    assert bases["Conduit"] == "http://localhost:4010/api"
    # ftp.example.com/status is FTP by curl's rule: not imported (a note says so).
    legacy = {a.name: a for a in ws.apis}["Legacy"]
    assert (legacy.base_url, [c.path for c in legacy.calls]) == (
        "http://legacy.example.com",
        ["/ping"],
    )


def test_undefined_host_variables_become_shared_parameters() -> None:
    url = {"host": ["{{region}}", "api", "example", "com"], "path": ["v1", "x"], "port": "8443"}
    result = import_postman(_collection(_get("X", url)), "c")
    (api,) = result.apis
    # No raw URL: built from its parts, port included; no protocol: curl's http.
    assert api.base_url == "http://{region}.api.example.com:8443/v1"
    assert [(p.name, p.placement) for p in api.parameters] == [("region", Placement.PATH)]
    assert "its base URL uses region, not defined in the document" in result.notes[0]


def test_v1_collections_are_refused_clearly() -> None:
    v1 = {"id": "x", "name": "Old", "order": [], "requests": [{"url": "https://a.example"}]}
    with pytest.raises(ImportVersionError, match="export the collection again as v2.1"):
        import_postman(v1, "old.json")


# -- export and round trip ---------------------------------------------------------------


def _shape_tree(shape: Shape | None, path: str = "$") -> list[tuple[str, str]]:
    if shape is None:
        return []
    found = [(path, shape.label)]
    for name, field in (shape.fields or {}).items():
        found += _shape_tree(field, f"{path}.{name}")
    return found + _shape_tree(shape.items, f"{path}[]")


def _view(apis: list[Api]) -> list[object]:
    """What a round trip must keep: calls, parameters, descriptions, auth, structures."""
    rows: list[object] = []
    for api in apis:
        rows.append((api.name, api.base_url, api.auth, api.description))
        for call in api.calls:
            rows.append((call.name, call.method, call.path, call.description, call.body_type))
            rows.append(_shape_tree(call.structure))
            for p in call.parameters:
                # A JSON body has nowhere to keep a field's description.
                described = "" if p.placement is Placement.BODY else p.description
                rows.append(
                    (p.name, p.placement, p.type, p.optional, p.value, p.private, described)
                )
    return rows


@pytest.mark.parametrize("name", [SOCIAL, "helpdesk.postman_collection.json"])
def test_import_export_import_keeps_everything(name: str) -> None:
    imported = read_import(read_source(DATA / name), name)
    ws = merge_import(None, imported).outcome.workspace
    exported = export_postman(ws, ws.apis)
    jsonschema.Draft7Validator(SCHEMA).validate(exported)
    again = import_postman(orjson.loads(orjson.dumps(exported)), "exported.json")
    assert _view(again.apis) == _view(ws.apis)
    assert again.secrets == {}  # only {{CD_SECRET_...}} variables were written
    text = orjson.dumps(exported).decode()
    for secret in imported.result.secrets.values():
        assert secret not in text


def test_export_writes_path_variables_postman_reads() -> None:
    ws, _, _ = _social()
    doc = export_postman(ws, ws.apis)
    folders = {f["name"]: f for f in doc["item"]}
    single = folders["Tweets"]["item"][0]["request"]["url"]
    assert single["path"] == ["tweets", ":id"]
    assert single["variable"] == [
        {
            "key": "id",
            "value": "1460323737035677698",
            "description": "Required. Enter a single Tweet ID.",
        }
    ]
    lookup = folders["Users"]["item"][0]["request"]["url"]
    # Postman has no ":name" inside a segment: a collection variable with the sample.
    assert lookup["path"][-1] == "celeb_{{username}}"
    assert {"key": "username", "value": "jack", "type": "string"} in doc["variable"]
    disabled = [q for q in single["query"] if q.get("disabled")]
    assert len(disabled) == 6
    create = folders["Tweets"]["item"][2]["request"]["body"]["raw"]
    assert orjson.loads(create)["poll"] == {"duration_minutes": 60, "options": ["yes", "no"]}
    assert orjson.loads(create)["for_super_followers_only"] is False


def test_exported_oauth2_reads_back_as_the_same_auth() -> None:
    auths = [
        OAuth2ClientCredentialsAuth(token_url="https://id.example/t", client_id="c", scope="s"),
        OAuth2PasswordAuth(token_url="https://id.example/t", client_id="c", username="ana"),
        OAuth2AuthorizationCodeAuth(
            token_url="https://id.example/t",
            authorize_url="https://id.example/a",
            client_id="c",
            client_auth="body",
            redirect_port=8765,
        ),
    ]
    apis = [
        Api(
            name=f"A{i}", base_url="https://a.example", auth=auth, calls=[Call(name="x", path="/x")]
        )
        for i, auth in enumerate(auths)
    ]
    ws = Workspace(apis=apis)
    doc = export_postman(ws, apis)
    jsonschema.Draft7Validator(SCHEMA).validate(doc)
    pkce = {p["key"]: p["value"] for p in doc["item"][2]["auth"]["oauth2"]}
    assert pkce["grant_type"] == "authorization_code_with_pkce"
    assert pkce["challengeAlgorithm"] == "S256"
    assert pkce["clientSecret"] == "{{CD_SECRET_A2_AUTH_CLIENT_SECRET}}"
    assert [a.auth for a in import_postman(doc, "x").apis] == auths


def test_one_variable_per_shared_secret() -> None:
    ws, _, _ = _social()
    doc = export_postman(ws, ws.apis)
    keys = [v["key"] for v in doc["variable"]]
    assert len(keys) == len(set(keys))
    conduit = next(f for f in doc["item"] if f["name"] == "Conduit")
    # The API's key is the folder's auth, inherited by its calls: one variable for all.
    assert conduit["auth"]["apikey"][1]["value"] == "Token {{CD_SECRET_CONDUIT_AUTH_KEY}}"
    assert all("auth" not in item["request"] for item in conduit["item"])
    assert keys.count("CD_SECRET_CONDUIT_AUTH_KEY") == 1


def test_mutated_export_is_caught_by_the_schema() -> None:
    ws, _, _ = _social()
    doc = copy.deepcopy(export_postman(ws, ws.apis))
    doc["item"][0]["item"][0]["request"]["header"] = [{"key": "X"}]  # a header needs a value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate(doc)


def test_fixture_documents_are_valid_postman() -> None:
    for name in (SOCIAL, "helpdesk.postman_collection.json"):
        jsonschema.Draft7Validator(SCHEMA).validate(read_document(DATA / name))
