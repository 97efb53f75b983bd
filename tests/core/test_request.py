"""Request building: values, placeholders, bodies, auth, and the masked renderings."""

from __future__ import annotations

import base64
import shlex
from typing import Any

import orjson
import pytest

from designer.core.errors import (
    MissingSecretError,
    MissingValueError,
    PlaceholderError,
    RequestBuildError,
)
from designer.core.http.request import BuiltRequest, build_request, missing_placeholders
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.secrets.store import MASK, MemorySecretStore


def param(
    name: str, value: str = "", placement: Placement = Placement.QUERY, **kw: Any
) -> Parameter:
    return Parameter(name=name, value=value, placement=placement, **kw)


def make(
    *params: Parameter, path: str = "/items", base: str = "http://h/v1/", **call_kw: Any
) -> tuple[Api, Call]:
    call = Call(name="Get item", path=path, parameters=list(params), **call_kw)
    return Api(name="Shop", base_url=base, calls=[call]), call


def build(
    api: Api, call: Call, store: MemorySecretStore | None = None, **values: str
) -> BuiltRequest:
    return build_request(api, call, store or MemorySecretStore(), values)


def header(request: BuiltRequest, name: str) -> str | None:
    return next((v for n, v in request.headers if n.lower() == name.lower()), None)


# -- URL -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "path", "url"),
    [
        ("http://h/v1/", "/users", "http://h/v1/users"),
        ("http://h/v1", "users", "http://h/v1/users"),
        ("http://h/v1/", "", "http://h/v1/"),
        ("http://h/v1", "?a=1", "http://h/v1?a=1"),
        ("http://h/v1/", "https://other.example/x", "https://other.example/x"),
        ("", "http://other.example/x", "http://other.example/x"),
    ],
)
def test_url_joins_base_and_path(base: str, path: str, url: str) -> None:
    api, call = make(path=path, base=base)
    assert build(api, call).url == url


def test_relative_path_without_base_url_is_an_error() -> None:
    api, call = make(base="")
    with pytest.raises(RequestBuildError, match="API 'Shop' has no base URL"):
        build(api, call)


def test_non_http_base_url_is_an_error() -> None:
    api, call = make(base="ftp://h/")
    with pytest.raises(RequestBuildError, match="not an http"):
        build(api, call)


def test_path_placeholders_are_url_encoded() -> None:
    api, call = make(param("id", "a b/c", Placement.PATH), path="/items/{id}/{ id }")
    assert build(api, call).url == "http://h/v1/items/a%20b%2Fc/a%20b%2Fc"


def test_placeholder_without_parameter_names_call_and_api() -> None:
    api, call = make(param("id", "1", Placement.QUERY), path="/items/{id}")
    assert missing_placeholders(api, call) == ["id"]
    with pytest.raises(PlaceholderError, match=r"'\{id\}' of call 'Get item' in API 'Shop'"):
        build(api, call)


def test_shared_path_parameter_fills_a_placeholder() -> None:
    api, call = make(path="/t/{tenant}/items")
    api.parameters = [param("tenant", "acme", Placement.PATH)]
    assert missing_placeholders(api, call) == []
    assert build(api, call).url == "http://h/v1/t/acme/items"


def test_query_is_appended_to_an_existing_query() -> None:
    api, call = make(param("q", "red shoes"), param("page", "2"), path="/items?sort=asc")
    assert build(api, call).url == "http://h/v1/items?sort=asc&q=red%20shoes&page=2"


# -- values ----------------------------------------------------------------------------------


def test_missing_required_value_names_parameter_call_and_api() -> None:
    api, call = make(param("q", "  "))
    with pytest.raises(MissingValueError) as info:
        build(api, call)
    assert (info.value.parameter, info.value.call, info.value.api) == ("q", "Get item", "Shop")
    assert str(info.value).startswith("Parameter 'q' of call 'Get item' in API 'Shop' needs")


def test_blank_optional_parameters_are_omitted() -> None:
    api, call = make(
        param("q", "", optional=True),
        param("X-Trace", "", Placement.HEADER, optional=True),
        param("keep", "1"),
    )
    request = build(api, call)
    assert request.url == "http://h/v1/items?keep=1"
    assert header(request, "X-Trace") is None


def test_explicit_values_win_over_samples_and_secrets() -> None:
    api, call = make(param("q", "sample"), param("key", private=True))
    store = MemorySecretStore({secret_ref(api, "param.key", call): "stored"})
    assert build(api, call, store).url == "http://h/v1/items?q=sample&key=stored"
    request = build(api, call, store, q="given", key="override")
    assert request.url == "http://h/v1/items?q=given&key=override"
    assert "override" in request.secrets


def test_private_parameter_without_secret_is_missing() -> None:
    api, call = make(param("key", private=True))
    with pytest.raises(MissingSecretError) as caught:
        build(api, call)
    message = str(caught.value)
    assert "'key'" in message
    assert "secret is not set: enter it in Secrets… or set " in message
    assert caught.value.variable == "CD_SECRET_SHOP_GET_ITEM_PARAM_KEY"
    assert caught.value.variable in message
    assert "mark it optional" not in message


def test_private_shared_header_without_secret_names_the_api_variable() -> None:
    api, call = make()
    api.headers = [param("X-Api-Key", private=True)]
    with pytest.raises(MissingSecretError) as caught:
        build(api, call)
    assert caught.value.variable == "CD_SECRET_SHOP_HEADER_X_API_KEY"


def test_call_parameters_override_shared_ones() -> None:
    api, call = make(param("lang", "fr"), param("x-client", "call", Placement.HEADER))
    api.parameters = [param("lang", "en"), param("v", "2")]
    api.headers = [param("X-Client", "shared"), param("X-Shared", "yes")]
    request = build(api, call)
    assert request.url == "http://h/v1/items?lang=fr&v=2"
    assert request.headers == (("x-client", "call"), ("X-Shared", "yes"))


def test_shared_private_header_reads_its_secret() -> None:
    api, call = make()
    api.headers = [param("X-Key", private=True)]
    store = MemorySecretStore({secret_ref(api, "header.X-Key"): "hk"})
    request = build(api, call, store)
    assert header(request, "X-Key") == "hk"
    assert "hk" in request.secrets


@pytest.mark.parametrize("name", ["Bad Header", "Ümlaut", "a:b"])
def test_invalid_header_name_is_an_error(name: str) -> None:
    api, call = make(param(name, "v", Placement.HEADER))
    with pytest.raises(RequestBuildError, match="Header name"):
        build(api, call)


def test_header_value_with_line_break_is_an_error() -> None:
    api, call = make(param("X-A", "v\r\nX-Injected: 1", Placement.HEADER))
    with pytest.raises(RequestBuildError, match="line break"):
        build(api, call)


# -- bodies ----------------------------------------------------------------------------------


def body_call(body_type: BodyType, *params: Parameter, **kw: Any) -> tuple[Api, Call]:
    return make(*params, method=Method.POST, body_type=body_type, **kw)


def test_json_body_nests_dotted_names_and_keeps_strings() -> None:
    api, call = body_call(
        BodyType.JSON,
        param("name", "Ada", Placement.BODY),
        param("customer.address.city", "Paris", Placement.BODY),
        param("customer.address.zip", "75001", Placement.BODY),
        param("customer.vip", "true", Placement.BODY),
        param("note", "", Placement.BODY, optional=True),
    )
    request = build(api, call)
    assert header(request, "Content-Type") == "application/json"
    assert request.content is not None
    assert orjson.loads(request.content) == {
        "name": "Ada",
        "customer": {"address": {"city": "Paris", "zip": "75001"}, "vip": "true"},
    }


def test_json_body_name_clash_is_an_error() -> None:
    api, call = body_call(
        BodyType.JSON, param("a", "1", Placement.BODY), param("a.b", "2", Placement.BODY)
    )
    with pytest.raises(RequestBuildError, match="clashes"):
        build(api, call)


def test_json_template_fills_placeholders_json_escaped() -> None:
    template = '{"name": "<name>", "count": <count>, "note": "<note>"}'
    api, call = body_call(
        BodyType.JSON,
        param("name", 'Ada "the" \\ first', Placement.BODY),
        param("count", "3", Placement.BODY),
        param("note", "", Placement.BODY, optional=True),
        body_template=template,
    )
    request = build(api, call)
    assert request.content is not None
    assert orjson.loads(request.content) == {"name": 'Ada "the" \\ first', "count": 3, "note": ""}


def test_json_template_with_unknown_placeholder_is_an_error() -> None:
    api, call = body_call(BodyType.JSON, body_template='{"a": "<nope>"}')
    with pytest.raises(PlaceholderError, match="'<nope>' of call 'Get item' in API 'Shop'"):
        build(api, call)


def test_json_template_that_is_not_json_once_filled_is_an_error() -> None:
    api, call = body_call(
        BodyType.JSON, param("n", "three", Placement.BODY), body_template='{"n": <n>}'
    )
    with pytest.raises(RequestBuildError, match="not valid JSON once filled"):
        build(api, call)


def test_raw_template_keeps_tags_that_name_no_parameter() -> None:
    api, call = body_call(
        BodyType.RAW,
        param("order_id", "7", Placement.BODY),
        body_template="<order><id><order_id></id></order>",
        content_type="application/xml",
    )
    request = build(api, call)
    assert request.content == b"<order><id>7</id></order>"
    assert header(request, "Content-Type") == "application/xml"


def test_raw_body_defaults_to_plain_text() -> None:
    api, call = body_call(BodyType.RAW, body_template="hello")
    assert header(build(api, call), "Content-Type") == "text/plain; charset=utf-8"


def test_form_body_is_url_encoded() -> None:
    api, call = body_call(
        BodyType.FORM, param("q", "a b&c", Placement.BODY), param("n", "1", Placement.BODY)
    )
    request = build(api, call)
    assert request.content == b"q=a+b%26c&n=1"
    assert header(request, "Content-Type") == "application/x-www-form-urlencoded"


def test_multipart_body_uses_httpx_encoding() -> None:
    api, call = body_call(BodyType.MULTIPART, param("title", "Hé", Placement.BODY))
    request = build(api, call)
    content_type = header(request, "Content-Type") or ""
    assert content_type.startswith("multipart/form-data; boundary=")
    assert request.content is not None
    assert b'name="title"\r\n\r\nH\xc3\xa9\r\n' in request.content
    assert request.multipart_fields == (("title", "Hé"),)


def test_user_content_type_header_wins_for_json() -> None:
    api, call = body_call(
        BodyType.JSON,
        param("Content-Type", "application/vnd.api+json", Placement.HEADER),
        param("a", "1", Placement.BODY),
    )
    request = build(api, call)
    assert [v for n, v in request.headers if n.lower() == "content-type"] == [
        "application/vnd.api+json"
    ]


def test_no_body_type_sends_no_body() -> None:
    api, call = make(param("a", "1", Placement.BODY))
    assert build(api, call).content is None


# -- auth ------------------------------------------------------------------------------------


def auth_api(auth: Any, secret: str | None) -> tuple[Api, Call, MemorySecretStore]:
    api, call = make()
    api.auth = auth
    store = MemorySecretStore()
    if secret is not None:
        field = {"bearer": "token", "basic": "password"}.get(auth.type, "key")
        store.set(secret_ref(api, f"auth.{field}"), secret)
    return api, call, store


def test_bearer_auth() -> None:
    api, call, store = auth_api(BearerAuth(), "tok123")
    request = build(api, call, store)
    assert header(request, "Authorization") == "Bearer tok123"
    assert {"tok123", "Bearer tok123"} <= request.secrets


def test_basic_auth_secrets_include_the_base64_form() -> None:
    api, call, store = auth_api(BasicAuth(username="ada"), "pw")
    request = build(api, call, store)
    token = base64.b64encode(b"ada:pw").decode()
    assert header(request, "Authorization") == f"Basic {token}"
    assert {"pw", token, f"Basic {token}"} <= request.secrets
    assert token not in request.describe()


def test_api_key_header_auth_with_prefix() -> None:
    api, call, store = auth_api(ApiKeyHeaderAuth(header="X-Api-Key", prefix="Token "), "k1")
    assert header(build(api, call, store), "X-Api-Key") == "Token k1"


def test_api_key_query_auth_is_masked_in_encoded_form() -> None:
    api, call, store = auth_api(ApiKeyQueryAuth(parameter="key"), "a/b c")
    request = build(api, call, store)
    assert request.url == "http://h/v1/items?key=a%2Fb%20c"
    assert request.describe().splitlines()[0] == f"GET http://h/v1/items?key={MASK}"


@pytest.mark.parametrize(
    "auth", [BearerAuth(), BasicAuth(username="u"), ApiKeyHeaderAuth(), ApiKeyQueryAuth()]
)
def test_missing_credential_names_the_api(auth: Any) -> None:
    api, call, store = auth_api(auth, None)
    with pytest.raises(
        RequestBuildError, match="API 'Shop' uses .* none is set: .* or set CD_SECRET_SHOP_AUTH_"
    ):
        build(api, call, store)


# -- renderings ------------------------------------------------------------------------------


@pytest.fixture
def secret_request() -> BuiltRequest:
    api, call = body_call(
        BodyType.JSON,
        param("id", "42", Placement.PATH),
        param("token", private=True),
        param("password", private=True, placement=Placement.BODY),
        param("name", "it's me", Placement.BODY),
        path="/items/{id}",
    )
    api.auth = BearerAuth()
    store = MemorySecretStore(
        {
            secret_ref(api, "auth.token"): "bearer-secret",
            secret_ref(api, "param.token", call): "q s3cret",
            secret_ref(api, "param.password", call): "pa'ss\"word",
        }
    )
    return build(api, call, store)


SECRETS = ("bearer-secret", "s3cret", "pa'ss")


def argv_of(command: str) -> list[str]:
    """Split a command the way a shell does, line continuations included."""
    return shlex.split(command.replace("\\\n", ""))


def test_describe_masks_secrets(secret_request: BuiltRequest) -> None:
    text = secret_request.describe()
    assert text.splitlines()[0] == f"POST http://h/v1/items/42?token={MASK}"
    assert f"Authorization: {MASK}" in text
    assert "Content-Type: application/json" in text
    assert text.endswith('{"password":"' + MASK + '","name":"it\'s me"}')
    assert not any(secret in text for secret in SECRETS)


def test_describe_reveal_shows_secrets(secret_request: BuiltRequest) -> None:
    text = secret_request.describe(reveal=True)
    assert "Authorization: Bearer bearer-secret" in text
    assert "token=q%20s3cret" in text
    assert MASK not in text


def test_to_httpx_carries_the_secrets(secret_request: BuiltRequest) -> None:
    request = secret_request.to_httpx()
    assert request.headers["Authorization"] == "Bearer bearer-secret"
    assert request.url.params["token"] == "q s3cret"
    assert orjson.loads(request.read())["password"] == "pa'ss\"word"


def test_to_curl_masks_and_reparses(secret_request: BuiltRequest) -> None:
    command = secret_request.to_curl()
    assert " \\\n  -H " in command
    assert not any(secret in command for secret in SECRETS)
    argv = argv_of(command)
    assert argv == [
        "curl",
        "-X",
        "POST",
        f"http://h/v1/items/42?token={MASK}",
        "-H",
        f"Authorization: {MASK}",
        "-H",
        "Content-Type: application/json",
        "--data-raw",
        '{"password":"' + MASK + '","name":"it\'s me"}',
    ]


def test_to_curl_reveal_reparses_to_the_real_values(secret_request: BuiltRequest) -> None:
    argv = argv_of(secret_request.to_curl(reveal=True))
    assert argv[3] == "http://h/v1/items/42?token=q%20s3cret"
    assert argv[5] == "Authorization: Bearer bearer-secret"
    assert orjson.loads(argv[-1]) == {"password": "pa'ss\"word", "name": "it's me"}


def test_to_curl_get_has_no_method_flag_and_head_uses_head() -> None:
    api, call = make()
    assert argv_of(build(api, call).to_curl()) == ["curl", "http://h/v1/items"]
    api, call = make(method=Method.HEAD)
    assert argv_of(build(api, call).to_curl()) == ["curl", "--head", "http://h/v1/items"]


def test_to_curl_renders_multipart_as_form_strings() -> None:
    api, call = body_call(
        BodyType.MULTIPART,
        param("title", "@not-a-file", Placement.BODY),
        param("pin", private=True, placement=Placement.BODY),
    )
    store = MemorySecretStore({secret_ref(api, "param.pin", call): "9876"})
    argv = argv_of(build(api, call, store).to_curl())
    assert argv == [
        "curl",
        "-X",
        "POST",
        "http://h/v1/items",
        "--form-string",
        "title=@not-a-file",
        "--form-string",
        f"pin={MASK}",
    ]


def test_binary_body_is_described_by_size() -> None:
    request = BuiltRequest("A", "c", "POST", "http://h/", (), b"\xff\xfe", frozenset())
    assert request.describe().endswith("<2 bytes of binary data>")
