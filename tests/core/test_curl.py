"""Tests of curl import: parsing commands as pasted from docs, and mapping them to calls."""

from __future__ import annotations

import base64
import shlex

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.core.errors import CurlParseError
from designer.core.http.request import build_request
from designer.core.interop.curl.importer import CurlRequest, curl_to_workspace, parse_curl
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Method,
    NoAuth,
    Placement,
    UseAs,
    ValueType,
    Workspace,
    secret_ref,
)
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace import file as wf

# -- parsing -----------------------------------------------------------------------------


def test_stripe_docs_example_with_continuations_and_prompt() -> None:
    command = """$ curl https://api.stripe.com/v1/customers \\
  -u "sk_test_123:" \\
  -d description="My First Test Customer" \\
  -d 'address[city]=Zürich'"""
    assert parse_curl(command) == CurlRequest(
        method="POST",
        url="https://api.stripe.com/v1/customers",
        data="description=My First Test Customer&address[city]=Zürich",
        user="sk_test_123:",
    )


@pytest.mark.parametrize(
    "command",
    [
        "curl -XPOST -HAccept:x https://h/p",
        "curl --request=POST --header=Accept:x --url https://h/p",
        "curl -sSLX POST -H 'Accept: x' https://h/p --compressed -k -v",
        "curl -X post -H 'Accept:  x  ' -- https://h/p",
        'curl.exe -X POST ^\n -H "Accept: x" ^\r\n https://h/p',
        "curl -X POST `\n -H 'Accept: x' https://h/p | jq .",
        "curl -o out.json --max-time 5 -X POST -H 'Accept: x' 'https://h/p' 2>&1",
    ],
)
def test_option_spellings(command: str) -> None:
    request = parse_curl(command)
    assert (request.method, request.url, request.headers) == (
        "POST",
        "https://h/p",
        [("Accept", "x")],
    )


def test_method_defaults() -> None:
    assert parse_curl("curl h/x").method == "GET"
    assert parse_curl("curl h/x").url == "http://h/x"  # curl's default scheme
    assert parse_curl("curl -I https://h").method == "HEAD"
    assert parse_curl("curl -d a=1 https://h").method == "POST"
    assert parse_curl("curl -G -d a=1 https://h").method == "GET"
    assert parse_curl("curl -F a=1 https://h").method == "POST"


def test_data_options() -> None:
    request = parse_curl(
        "curl https://h --data-urlencode 'q=a b&c' --data-urlencode '=x y' --data-raw '@me'"
    )
    assert request.data == "q=a%20b%26c&x%20y&@me"
    assert parse_curl("curl https://h --json '{\"a\":' --json '1}'").data == '{"a":1}'


def test_convenience_headers() -> None:
    request = parse_curl("curl -A bot/1 -e https://ref -b 'a=1' -b jar.txt --oauth2-bearer T h")
    assert request.headers == [
        ("User-Agent", "bot/1"),
        ("Referer", "https://ref"),
        ("Cookie", "a=1"),
        ("Authorization", "Bearer T"),
    ]


def test_header_without_value_and_removed_header() -> None:
    assert parse_curl("curl -H 'X-Empty;' -H 'Accept:' h").headers == [("X-Empty", "")]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("", "The curl command is empty"),
        ("wget https://h", "Not a curl command: it starts with 'wget' instead of 'curl'"),
        ("curl -X POST", "The curl command has no URL"),
        ("curl https://a https://b", "more than one URL ('https://a', 'https://b')"),
        ("curl -H 'Accept: x https://h", "the ' at line 1, column 9"),
        (
            "curl 'https://h/x' \\ -H 'Accept: x' \\ -H 'B: y'",
            "lost its line breaks: the \\ at line 1, column 20",
        ),
        ("curl https://h/x \\\n  -H 'A: b' \\  --compressed", "line 2, column 13"),
        ("curl --frobnicate https://h", "The curl option --frobnicate is not supported"),
        ("curl -sZq -Q x https://h", "The curl option -Q is not supported"),
        ("curl https://h -H", "The curl option -H needs a value"),
        ("curl -H Accept https://h", "The header 'Accept' has no ':'"),
        ("curl -d @body.json https://h", "-d @body.json reads from a file"),
        ("curl --data-urlencode name@file https://h", "reads from a file"),
        ("curl -X 'GET /x' https://h", "The method 'GET /X' is not an HTTP method"),
        ("curl -d a=1 -F b=2 https://h", "mixes -d and -F"),
        ("curl -F novalue https://h", "should look like name=value"),
    ],
)
def test_parse_errors(command: str, message: str) -> None:
    with pytest.raises(CurlParseError) as info:
        parse_curl(command)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# -- mapping -----------------------------------------------------------------------------


def imported(
    command: str, ws: Workspace | None = None
) -> tuple[Workspace, Api, Call, dict[str, str]]:
    secrets = MemorySecretStore()
    result = curl_to_workspace(command, ws, secrets)
    assert wf.problems(result[0]) == []
    return (*result, dict(secrets._values))


def params(call: Call) -> list[tuple[str, str, str]]:
    return [(p.placement.value, p.name, p.value) for p in call.parameters]


def test_get_with_query_and_headers() -> None:
    ws, api, call, secrets = imported(
        "curl 'https://api.example.com:8443/v1/customers?limit=3&expand[]=x' "
        "-H 'Accept: application/json' -H 'Content-Type: application/json'"
    )
    assert (api.name, api.base_url, api.auth) == (
        "api.example.com",
        "https://api.example.com:8443",
        NoAuth(),
    )
    assert ws.apis == [api]
    assert api.calls == [call]
    assert (call.name, call.method, call.path, call.use_as, call.body_type) == (
        "GET /v1/customers",
        Method.GET,
        "/v1/customers",
        UseAs.DATA,
        BodyType.NONE,
    )
    # Without a body, Content-Type is not implied by anything: it is kept.
    assert params(call) == [
        ("query", "limit", "3"),
        ("query", "expand[]", "x"),
        ("header", "Accept", "application/json"),
        ("header", "Content-Type", "application/json"),
    ]
    assert secrets == {}


def test_json_body_is_flattened_and_bearer_becomes_auth() -> None:
    ws, api, call, secrets = imported(
        """curl -X POST https://api.example.com/v1/users/{id}/notes \\
          -H 'Authorization: Bearer tok_123' \\
          -H 'Content-Type: application/json' \\
          -d '{"note": {"text": "hi", "pinned": true, "meta": {"n": 3, "x": null}}}'"""
    )
    assert api.auth == BearerAuth()
    assert secrets == {secret_ref(api, "auth.token"): "tok_123"}
    assert call.body_type is BodyType.JSON
    assert call.use_as is UseAs.ACTION
    assert params(call) == [
        ("path", "id", ""),
        ("body", "note.text", "hi"),
        ("body", "note.pinned", "true"),
        ("body", "note.meta.n", "3"),
        ("body", "note.meta.x", "null"),
    ]
    assert b"tok_123" not in wf.dumps(ws)


@pytest.mark.parametrize(
    ("data", "flag"),
    [
        ("[1, 2]", "--json"),
        ('{"a.b": 1}', "--json"),
        ('"text"', "--json"),
    ],
)
def test_json_that_dotted_names_cannot_express_is_a_template(data: str, flag: str) -> None:
    _, _, call, _ = imported(f"curl https://h/x {flag} {shlex.quote(data)}")
    assert (call.body_type, call.body_template) == (BodyType.JSON, data)
    assert params(call) == [("header", "Accept", "application/json")]


def test_data_that_parses_as_a_json_object_is_json() -> None:
    _, _, call, _ = imported("""curl https://h/x -d '{"a": "1"}'""")
    assert call.body_type is BodyType.JSON
    assert params(call) == [("body", "a", "1")]


def test_vendor_json_content_type_is_kept() -> None:
    _, _, call, _ = imported(
        """curl https://h/x -H 'Content-Type: application/vnd.api+json' -d '{"a": "1"}'"""
    )
    assert params(call) == [
        ("body", "a", "1"),
        ("header", "Content-Type", "application/vnd.api+json"),
    ]


def test_invalid_json_with_json_content_type_is_raw() -> None:
    _, _, call, _ = imported("curl https://h/x -H 'Content-Type: application/json' -d '{oops'")
    assert (call.body_type, call.body_template, call.content_type) == (
        BodyType.RAW,
        "{oops",
        "application/json",
    )


def test_form_and_raw_bodies() -> None:
    _, _, call, _ = imported("curl https://h/x -d a=1 -d 'b=two%20words' -d a=again")
    assert call.body_type is BodyType.FORM
    assert params(call) == [("body", "a", "1"), ("body", "b", "two words")]
    assert "only the first value" in call.parameters[0].description

    _, _, call, _ = imported("curl https://h/x -H 'Content-Type: text/xml' -d '<a>1</a>'")
    assert (call.body_type, call.body_template, call.content_type) == (
        BodyType.RAW,
        "<a>1</a>",
        "text/xml",
    )
    assert params(call) == []


def test_multipart() -> None:
    _, _, call, _ = imported(
        "curl https://h/upload -H 'Content-Type: multipart/form-data' "
        "-F title=Report -F 'file=@report.pdf;type=application/pdf'"
    )
    assert call.body_type is BodyType.MULTIPART
    # A pasted command never chooses a local file: the parameter waits for the user's.
    assert params(call) == [("body", "title", "Report"), ("body", "file", "")]
    assert [p.type for p in call.parameters] == [ValueType.TEXT, ValueType.FILE]
    assert "report.pdf" in call.parameters[1].description


def test_multipart_text_read_from_a_file_asks_for_it() -> None:
    _, _, call, _ = imported("curl https://h/upload -F 'notes=<notes.txt' -F n=1")
    assert params(call) == [("body", "notes", ""), ("body", "n", "1")]
    assert "notes.txt" in call.parameters[0].description
    assert call.parameters[0].type is ValueType.TEXT


@pytest.mark.parametrize("flag", ["--json", "-H 'Content-Type: application/json' -d"])
def test_json_body_values_keep_their_types(flag: str) -> None:
    data = (
        '{"petId": 198772, "quantity": 7, "price": 7.5, "complete": true, "status": "placed",'
        ' "tags": ["a", 1], "extra": {}, "note": null, "who": {"name": "Ann", "age": 40}}'
    )
    _, _, call, _ = imported(f"curl https://h/store/order {flag} {shlex.quote(data)}")
    assert call.body_type is BodyType.JSON
    body = [(p.name, p.value, p.type) for p in call.parameters if p.placement == "body"]
    assert body == [
        ("petId", "198772", ValueType.INTEGER),
        ("quantity", "7", ValueType.INTEGER),
        ("price", "7.5", ValueType.NUMBER),
        ("complete", "true", ValueType.BOOLEAN),
        ("status", "placed", ValueType.TEXT),
        ("tags", '["a",1]', ValueType.JSON),
        ("extra", "{}", ValueType.JSON),
        ("note", "null", ValueType.JSON),
        ("who.name", "Ann", ValueType.TEXT),
        ("who.age", "40", ValueType.INTEGER),
    ]
    # Sent again, the body is the one the command sent.
    api = Api(name="h", base_url="https://h", calls=[call])
    built = build_request(api, call, MemorySecretStore())
    assert orjson.loads(built.content or b"") == orjson.loads(data)


def test_custom_methods_are_kept() -> None:
    _, _, call, _ = imported("curl -X purge https://h/cache/item")
    assert (call.method, call.method.value, call.use_as) == ("PURGE", "PURGE", UseAs.ACTION)
    assert isinstance(call.method, Method)


def test_get_moves_data_into_the_query() -> None:
    _, _, call, _ = imported("curl -G https://h/search --data-urlencode 'q=a b' -d page=2")
    assert (call.method, call.body_type) == (Method.GET, BodyType.NONE)
    assert params(call) == [("query", "q", "a b"), ("query", "page", "2")]


def test_colon_placeholders_become_path_parameters() -> None:
    _, _, call, _ = imported("curl https://h/users/:userId/posts/%7BpostId%7D")
    assert call.path == "/users/{userId}/posts/{postId}"
    assert params(call) == [("path", "userId", ""), ("path", "postId", "")]


@pytest.mark.parametrize(
    ("command", "auth", "ref", "secret"),
    [
        ("curl -u admin:s3cret https://h", BasicAuth(username="admin"), "auth.password", "s3cret"),
        (
            "curl https://admin:s3cret@h/x",
            BasicAuth(username="admin"),
            "auth.password",
            "s3cret",
        ),
        (
            f"curl -H 'Authorization: Basic {base64.b64encode(b'admin:s3cret').decode()}' h",
            BasicAuth(username="admin"),
            "auth.password",
            "s3cret",
        ),
        (
            "curl -u sk_test_123: https://h",
            BasicAuth(key_as_username=True),
            "auth.password",
            "sk_test_123",
        ),
        (
            "curl -H 'Authorization: Token abc' https://h",
            ApiKeyHeaderAuth(header="Authorization", prefix="Token "),
            "auth.key",
            "abc",
        ),
        (
            "curl -H 'X-API-Key: k1' https://h",
            ApiKeyHeaderAuth(header="X-API-Key"),
            "auth.key",
            "k1",
        ),
        (
            "curl 'https://h/x?apikey=k2&q=1'",
            ApiKeyQueryAuth(parameter="apikey"),
            "auth.key",
            "k2",
        ),
    ],
)
def test_credentials_become_auth_and_secrets(
    command: str, auth: object, ref: str, secret: str
) -> None:
    ws, api, _, secrets = imported(command)
    assert api.auth == auth
    assert secrets == {secret_ref(api, ref): secret}
    assert secret.encode() not in wf.dumps(ws)


def test_cookie_is_a_private_header() -> None:
    ws, api, call, secrets = imported("curl -b 'session=abc123' https://h/x")
    assert [(p.name, p.value, p.private) for p in call.parameters] == [("Cookie", "", True)]
    assert secrets == {secret_ref(api, "param.Cookie", call): "session=abc123"}
    assert b"abc123" not in wf.dumps(ws)


def test_adding_to_an_existing_workspace() -> None:
    ws, api, first, _ = imported("curl -H 'Authorization: Bearer t1' https://api.h.com/v1/a")
    ws2, api2, second, secrets = imported(
        "curl 'https://api.h.com/v1/b?api_key=k' -H 'Authorization: Bearer t2'", ws
    )
    assert ws.apis[0].calls == [first]  # the given workspace is not changed
    assert api2.id == api.id
    assert [c.name for c in api2.calls] == ["GET /v1/a", "GET /v1/b"]
    # Same kind of auth: kept, and its token stored (this store had none yet).
    assert api2.auth == BearerAuth()
    assert secrets[secret_ref(api2, "auth.token")] == "t2"
    # A different credential becomes a private parameter of the call.
    assert [(p.placement, p.name, p.private) for p in second.parameters] == [
        (Placement.QUERY, "api_key", True)
    ]
    assert secrets[secret_ref(api2, "param.api_key", second)] == "k"

    ws3, _, third, _ = imported("curl https://api.h.com/v1/a", ws2)
    assert third.name == "GET /v1/a (2)"
    assert len(ws3.apis) == 1


def test_existing_api_with_a_different_auth_keeps_it() -> None:
    ws = Workspace(apis=[Api(name="H", base_url="https://h/v2", auth=BasicAuth(username="u"))])
    secrets = MemorySecretStore()
    ws2, api, call = curl_to_workspace(
        "curl -H 'Authorization: Bearer t' https://h/v2/x", ws, secrets
    )
    assert api.auth == BasicAuth(username="u")
    assert call.path == "/x"  # relative to the API's base URL
    assert [(p.name, p.private) for p in call.parameters] == [("Authorization", True)]
    assert secrets.get(secret_ref(api, "param.Authorization", call)) == "Bearer t"


def test_new_api_when_a_name_is_taken() -> None:
    ws = Workspace(apis=[Api(name="h", base_url="https://other")])
    _, api, _, _ = imported("curl http://h/x", ws)
    assert (api.name, api.base_url) == ("h (2)", "http://h")


def test_unsupported_scheme() -> None:
    with pytest.raises(CurlParseError, match="Only http and https URLs can be imported, not ftp"):
        curl_to_workspace("curl ftp://h/x", None, MemorySecretStore())


def test_invalid_port() -> None:
    with pytest.raises(CurlParseError, match="invalid port"):
        curl_to_workspace("curl https://h:99999/x", None, MemorySecretStore())


# -- properties --------------------------------------------------------------------------

header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True)
header_values = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)
urls = st.builds(
    lambda scheme, host, path, query: f"{scheme}://{host}{path}{query}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){0,2}(:[1-9][0-9]{0,3})?", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9._~{}-]{1,8}){0,3}", fullmatch=True),
    st.from_regex(
        r"(\?[a-z]{1,5}=[A-Za-z0-9]{0,5}(&[a-z]{1,5}=[A-Za-z0-9]{0,5}){0,2})?", fullmatch=True
    ),
)


@given(
    method=st.sampled_from([m.value for m in Method]),
    url=urls,
    headers=st.lists(st.tuples(header_names, header_values), max_size=4),
    data=st.none() | st.text(max_size=40),
    continuation=st.booleans(),
)
def test_quoted_commands_round_trip(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    data: str | None,
    continuation: bool,
) -> None:
    words = ["curl", "-X", method, shlex.quote(url)]
    for name, value in headers:
        words += ["-H", shlex.quote(f"{name}: {value}")]
    if data is not None:
        words += ["--data-raw", shlex.quote(data)]
    command = (" \\\n  " if continuation else " ").join(words)
    request = parse_curl(command)
    assert request.method == method
    assert request.url == url
    assert request.headers == headers
    assert request.data == data


@given(st.text(max_size=80))
def test_garbage_only_raises_curl_parse_errors(text: str) -> None:
    for command in (text, "curl " + text):
        try:
            parse_curl(command)
        except CurlParseError:
            pass


@given(st.lists(st.text(max_size=12), max_size=8))
def test_garbage_arguments_only_raise_curl_parse_errors(args: list[str]) -> None:
    try:
        curl_to_workspace(shlex.join(["curl", *args]), None, MemorySecretStore())
    except CurlParseError:
        pass


def test_authorization_header_wins_over_other_credentials() -> None:
    _, api, call, secrets = imported(
        "curl -u admin:pw 'https://h/x?key=k' -H 'X-Api-Key: z' -H 'Authorization: Bearer t'"
    )
    assert api.auth == BearerAuth()
    # The others are sent as the command sent them, as private parameters.
    assert [(p.placement.value, p.name, p.private) for p in call.parameters] == [
        ("header", "Authorization", True),
        ("header", "X-Api-Key", True),
        ("query", "key", True),
    ]
    assert secrets[secret_ref(api, "auth.token")] == "t"
    assert sorted(v for k, v in secrets.items() if k != secret_ref(api, "auth.token")) == [
        "Basic YWRtaW46cHc=",
        "k",
        "z",
    ]
