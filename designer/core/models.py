"""The domain model: a workspace holds APIs, an API holds calls.

These pydantic models are the single source of truth for the workspace file
(see :mod:`designer.core.workspace_file`) and for everything the GUI edits.

Secrets are never fields of these models. A private parameter or an auth
credential is looked up in a :class:`designer.core.secrets.SecretStore` under
the reference returned by :func:`secret_ref`, so no dump of a model can leak.
"""

from __future__ import annotations

import re
import secrets as _random
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_serializer,
    field_validator,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from .structure import FieldOverride, ResponseType, Shape, override_to_dict, shape_to_dict

__all__ = [
    "WORKSPACE_FORMAT",
    "WORKSPACE_VERSION",
    "Api",
    "ApiKeyHeaderAuth",
    "ApiSource",
    "ApiKeyQueryAuth",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "BodyType",
    "Call",
    "CallOrigin",
    "ClientCertificateAuth",
    "CustomTokenAuth",
    "Environment",
    "GraphQLQuery",
    "JwtBearerAuth",
    "METHOD_TOKEN",
    "Method",
    "NoAuth",
    "OAuth2AuthorizationCodeAuth",
    "OAuth2ClientCredentialsAuth",
    "OAuth2PasswordAuth",
    "Parameter",
    "Placement",
    "ResponseType",
    "UseAs",
    "ValueType",
    "Webhook",
    "Workspace",
    "auth_secret_fields",
    "default_placement",
    "default_use_as",
    "new_id",
    "path_placeholders",
    "unique_name",
    "unsent_body_parameters",
    "secret_ref",
    "with_parameters",
]

WORKSPACE_FORMAT: Final = "connector-designer.workspace"
WORKSPACE_VERSION: Final = 1

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def new_id() -> str:
    """A short random identifier; ids keep secrets attached across renames."""
    return _random.token_hex(6)


def unique_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... if it is taken (compared case-insensitively)."""
    used = {t.casefold() for t in taken}
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def path_placeholders(path: str) -> list[str]:
    """The names of ``{name}`` placeholders in a call path, in order."""
    return [m.strip() for m in _PLACEHOLDER.findall(path)]


#: An environment variable's name, as shells and CI systems accept it.
_VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Placement(StrEnum):
    """Where a parameter goes in the request."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    BODY = "body"


#: An RFC 9110 method token: no spaces, no separators.
METHOD_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class Method(StrEnum):
    """An HTTP method: the seven common ones by name, and any other RFC 9110 token.

    ``Method("purge")`` is ``Method("PURGE")``, a member made on demand (Postman's
    ``PURGE``, ``LINK``, ``VIEW``…); iterating the class gives the seven common
    ones only. Methods are kept in upper case.
    """

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"

    @classmethod
    def _missing_(cls, value: object) -> Method | None:
        if not isinstance(value, str) or not METHOD_TOKEN.fullmatch(value):
            return None
        upper = value.upper()
        known = cls._value2member_map_.get(upper)
        if isinstance(known, Method):
            return known
        # Not cached: a custom method is just its text, and equal to it.
        member = str.__new__(cls, upper)
        member._name_ = upper
        member._value_ = upper
        return member


def _check_method(value: object) -> object:
    # Files and importers write methods in upper case; "post" is a typo worth naming.
    if isinstance(value, str) and not (METHOD_TOKEN.fullmatch(value) and value == value.upper()):
        got = repr(value[:30])
        if METHOD_TOKEN.fullmatch(value):
            message = f"must be an HTTP method in upper case, not {got} (did you mean "
            message += f"{value.upper()!r}?)"
        else:
            message = f"must be an HTTP method such as GET, POST or PURGE, not {got}: "
            message += "letters, digits and !#$%&'*+-.^_`|~ only, without spaces"
        raise PydanticCustomError("http_method", message.replace("{", "{{").replace("}", "}}"))
    return value


#: How a call's method is read: any method token, upper-cased; the schema says so.
HttpMethod = Annotated[
    Method,
    BeforeValidator(_check_method),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[!#$%&'*+\\-.^_`|~0-9A-Z]+$",
            "description": "an HTTP method, e.g. GET, POST or a custom one such as PURGE",
            "examples": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        }
    ),
]


class UseAs(StrEnum):
    """Bubble's "use as": a call that fetches data, or one that performs an action."""

    DATA = "data"
    ACTION = "action"


class BodyType(StrEnum):
    NONE = "none"
    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    RAW = "raw"


class ValueType(StrEnum):
    """What a parameter's value is, so a JSON body sends ``7`` and ``true``, not ``"7"``.

    The sample is always held as text; the type says how to read it. ``json``
    is any JSON value written out (an array, an object); ``file`` is a path
    whose content is sent as a multipart file part.
    """

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    JSON = "json"
    FILE = "file"


class Parameter(_Model):
    """A value sent with a call: in the path, the query, a header or the body.

    ``value`` is the sample used when designing; for a *private* parameter it
    is always empty here and the sample lives in the secret store. ``type``
    is written to files only when it is not text, so files of version 1
    written before it existed stay byte-identical.
    """

    name: str = Field(min_length=1)
    value: str = ""
    placement: Placement = Placement.QUERY
    dynamic: bool = Field(True, description="filled in at run time; the sample is for designing")
    private: bool = Field(False, description="a secret: its value never goes into files")
    optional: bool = Field(False, description="left out of the request when blank")
    description: str = ""
    type: ValueType = Field(ValueType.TEXT, description="how the sample is read: text, integer…")
    graphql_type: str = Field("", description="a GraphQL variable's type, e.g. ID! or [Int]")

    @model_serializer(mode="wrap")
    def _omit_text_type(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("type") == ValueType.TEXT:
            data.pop("type")
        if not data.get("graphql_type", True):
            data.pop("graphql_type")
        return data


class NoAuth(_Model):
    """No authentication, or authentication handled by the call's own parameters."""

    type: Literal["none"] = "none"


class ApiKeyHeaderAuth(_Model):
    """A private key sent in a header, e.g. ``Authorization: Token abc``."""

    type: Literal["api_key_header"] = "api_key_header"
    header: str = Field("Authorization", min_length=1)
    prefix: str = Field("", description="text before the key, e.g. 'Token '")


class ApiKeyQueryAuth(_Model):
    """A private key sent as a query parameter, e.g. ``?api_key=abc``."""

    type: Literal["api_key_query"] = "api_key_query"
    parameter: str = Field("api_key", min_length=1)


class BearerAuth(_Model):
    """``Authorization: Bearer <token>``."""

    type: Literal["bearer"] = "bearer"


class BasicAuth(_Model):
    """HTTP Basic authentication; the password is a secret.

    With ``key_as_username`` the secret is an API key sent as the user name
    with an empty password (``curl -u sk_test_…:``, as Stripe documents it):
    the key is kept as the secret and encoded when sent, never written as
    ``username``.
    """

    type: Literal["basic"] = "basic"
    username: str = ""
    key_as_username: bool = Field(
        False, description="the secret is an API key sent as the user name, password empty"
    )

    @model_serializer(mode="wrap")
    def _omit_default(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Files of basic auth without a key as user name stay as they were.
        data: dict[str, Any] = handler(self)
        if not data.get("key_as_username", True):
            data.pop("key_as_username", None)
        return data


class _TokenEndpoint(_Model):
    """What every token-based method shares: where tokens come from and how to ask."""

    token_url: str = Field("", description="the token endpoint")
    scope: str = ""
    token_headers: dict[str, str] = Field(
        default_factory=dict, description="extra headers sent with every token request"
    )


class _OAuth2Client(_TokenEndpoint):
    client_id: str = ""
    client_auth: Literal["basic", "body"] = Field(
        "basic", description="client credentials in a Basic header, or in the request body"
    )


class OAuth2ClientCredentialsAuth(_OAuth2Client):
    """OAuth2 client credentials: the app signs in as itself with an id and a secret."""

    type: Literal["oauth2_client_credentials"] = "oauth2_client_credentials"


class OAuth2PasswordAuth(_OAuth2Client):
    """OAuth2 password grant (Bubble's "OAuth2 Password Flow")."""

    type: Literal["oauth2_password"] = "oauth2_password"
    username: str = ""


class OAuth2AuthorizationCodeAuth(_OAuth2Client):
    """OAuth2 authorization code with PKCE, signed in through the system browser."""

    type: Literal["oauth2_authorization_code"] = "oauth2_authorization_code"
    authorize_url: str = ""
    redirect_port: int = Field(0, ge=0, le=65535, description="0: any free port")


class CustomTokenAuth(_TokenEndpoint):
    """POST a body to a token endpoint and use the ``access_token`` of its answer."""

    type: Literal["custom_token"] = "custom_token"
    body: str = Field("", description="the request body; <secret> stands for the secret")
    content_type: str = "application/json"
    token_field: str = "access_token"
    expires_field: str = "expires_in"


class JwtBearerAuth(_TokenEndpoint):
    """A JWT signed with an RSA private key, exchanged for an access token (RFC 7523)."""

    type: Literal["jwt_bearer"] = "jwt_bearer"
    issuer: str = ""
    subject: str = Field("", description="blank: the issuer")
    audience: str = Field("", description="blank: the token endpoint")


class ClientCertificateAuth(_Model):
    """Mutual TLS: a client certificate file and its private key (a secret)."""

    type: Literal["client_certificate"] = "client_certificate"
    certificate: str = Field("", description="path of the PEM certificate (chain)")


Auth = Annotated[
    NoAuth
    | ApiKeyHeaderAuth
    | ApiKeyQueryAuth
    | BearerAuth
    | BasicAuth
    | OAuth2ClientCredentialsAuth
    | OAuth2AuthorizationCodeAuth
    | OAuth2PasswordAuth
    | CustomTokenAuth
    | JwtBearerAuth
    | ClientCertificateAuth,
    Field(discriminator="type"),
]

#: The one secret of each simple auth type, by auth ``type``; see :func:`auth_secret_fields`.
AUTH_SECRET_FIELD: dict[str, str] = {
    "api_key_header": "key",
    "api_key_query": "key",
    "bearer": "token",
    "basic": "password",
}

#: Every secret field of each auth type, and whether it may stay unset.
_AUTH_SECRETS: dict[str, tuple[tuple[str, bool], ...]] = {
    "none": (),
    "api_key_header": (("key", False),),
    "api_key_query": (("key", False),),
    "bearer": (("token", False),),
    "basic": (("password", False),),
    "oauth2_client_credentials": (("client_secret", False),),
    "oauth2_password": (("password", False), ("client_secret", True)),
    "oauth2_authorization_code": (("client_secret", True), ("refresh_token", True)),
    "custom_token": (("secret", True),),
    "jwt_bearer": (("private_key", False),),
    "client_certificate": (("private_key", False), ("key_password", True)),
}

#: The types whose access token comes from a token endpoint (and is cached).
TOKEN_AUTH_TYPES: Final = frozenset(
    {
        "oauth2_client_credentials",
        "oauth2_password",
        "oauth2_authorization_code",
        "custom_token",
        "jwt_bearer",
    }
)


def auth_secret_fields(auth_type: str) -> tuple[tuple[str, bool], ...]:
    """The secret fields of an auth type, each with whether it is optional."""
    return _AUTH_SECRETS[auth_type]


class Environment(_Model):
    """A named set of overrides of an API, e.g. *development* and *live*.

    Secrets of an environment live under :func:`secret_ref` with the
    environment; one left unset there falls back to the API's own.
    """

    id: str = Field(default_factory=new_id, min_length=1)
    name: str = Field(min_length=1)
    base_url: str = Field("", description="blank: the API's base URL")
    parameters: dict[str, str] = Field(
        default_factory=dict, description="values of shared parameters and headers, by name"
    )


class GraphQLQuery(_Model):
    """The GraphQL document of a call: its variables are the call's body parameters.

    A GraphQL call is sent as the JSON envelope ``{"query", "variables",
    "operationName"}`` when its method is POST, and in the query string when it
    is GET (see :mod:`designer.core.gql.envelope`).
    """

    query: str = Field(min_length=1, description="the query or mutation document")
    operation_name: str = Field("", description="which operation of the document to run")


class CallOrigin(_Model):
    """Where a call came from in its API's source document (see :class:`ApiSource`).

    ``key`` is the call's identity in the source, which survives renames on
    either side: ``operation:<operationId>``, ``request:<id>`` (Postman,
    Insomnia), ``file:<path>`` (Bruno), ``call:<id>`` (a bundle), else the
    method and path template. ``base`` holds short fingerprints of what the
    source said, facet by facet, when the call was last imported or updated:
    an update compares the user's call and the new document against it to
    tell the user's changes from the document's (:mod:`designer.core.interop.sync`).
    """

    key: str = Field(min_length=1, description="the call's identity in the source document")
    base: dict[str, str] = Field(
        default_factory=dict,
        description="fingerprints of what the source said at the last import or update",
    )
    gone: bool = Field(False, description="the source no longer has this call")

    @model_serializer(mode="wrap")
    def _omit_present(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("gone"):
            data.pop("gone", None)
        return data


class ApiSource(_Model):
    """The document an API was imported from, so that it can be updated from its next version.

    ``location`` is a path, relative to the workspace file when the document
    lies beside it; it is never a URL with credentials, and it is empty when the
    document came from standard input or a paste.
    """

    format: str = Field(min_length=1, description="openapi, postman, insomnia, bruno, bundle…")
    name: str = Field("", description="the API's name as the document gave it")
    location: str = Field("", description="the document's path, relative to the workspace")
    fingerprint: str = Field("", description="SHA-256 (first 16 hex digits) of what was read")
    base: dict[str, str] = Field(
        default_factory=dict,
        description="fingerprints of the API's own settings at the last import or update",
    )


# The serializers Call and Webhook share (``self``: pydantic serializes through methods).
def _compact_structure(self: Any, structure: Shape | None) -> dict[str, Any] | None:
    """A call's or webhook's structure as stored: only non-default keys, so that a
    re-initialize diffs as the lines that changed."""
    return None if structure is None else shape_to_dict(structure)


def _compact_overrides(self: Any, overrides: dict[str, FieldOverride]) -> dict[str, Any]:
    return {path: override_to_dict(o) for path, o in overrides.items()}


#: What a file stores as a call's documented structure while it equals its structure.
_SAME_AS_STRUCTURE = "same as structure"


def _documented_schema(schema: dict[str, Any]) -> None:
    """The file format's schema of ``documented``: a structure, the marker, or null."""
    schema["anyOf"] = [*schema.get("anyOf", []), {"const": _SAME_AS_STRUCTURE}]


class Call(_Model):
    """One request of an API, with its parameters and its inferred response structure."""

    id: str = Field(default_factory=new_id, min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    use_as: UseAs = UseAs.DATA
    method: HttpMethod = Method.GET
    path: str = Field("", description="relative to the API's base URL, with {name} placeholders")
    parameters: list[Parameter] = Field(default_factory=list)
    body_type: BodyType = BodyType.NONE
    body_template: str = Field("", description="raw body with <name> placeholders")
    content_type: str = Field("", description="Content-Type of a raw body")
    response_type: ResponseType = ResponseType.AUTO
    capture_headers: bool = Field(False, description="response headers become data")
    include_errors: bool = Field(False, description="error statuses become data, not failures")
    structure: Shape | None = None
    overrides: dict[str, FieldOverride] = Field(default_factory=dict)
    graphql: GraphQLQuery | None = Field(None, description="set for a GraphQL call")
    documented: Shape | None = Field(
        None,
        description="the response structure the API's description documents (an OpenAPI "
        "import); kept when the call is initialized, to show where real answers depart from it",
        json_schema_extra=_documented_schema,
    )
    origin: CallOrigin | None = Field(None, description="set for a call imported from a document")
    stream_text_field: str | None = Field(
        None,
        description="for a streamed response: the path of the field whose text makes up "
        "'text so far' (e.g. data.choices[].delta.content)",
    )

    @model_serializer(mode="wrap")
    def _omit_plain(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Plain HTTP calls stay byte-identical to version 1 files.
        data: dict[str, Any] = handler(self)
        if data.get("graphql", 0) is None:
            data.pop("graphql")
        if data.get("documented", 0) is None:
            data.pop("documented")
        elif data["documented"] == data.get("structure"):
            # Until the call is initialized its structure is the documented one: said once.
            data["documented"] = _SAME_AS_STRUCTURE
        if data.get("origin", 0) is None:
            data.pop("origin")
        if data.get("stream_text_field", 0) is None:
            data.pop("stream_text_field")
        return data

    @field_validator("documented", mode="wrap")
    @classmethod
    def _read_documented(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if isinstance(value, str) and value == _SAME_AS_STRUCTURE:
            # The structure validated just before: shared, not validated a second time.
            return info.data.get("structure")
        return handler(value)

    _compact_structure = field_serializer("structure", "documented")(_compact_structure)
    _compact_overrides = field_serializer("overrides")(_compact_overrides)


class Webhook(_Model):
    """An inbound endpoint: a request a service sends *to* the app, e.g. a Stripe event.

    Its structure is inferred from captured samples like a call's response;
    its signing secret lives in the secret store under ``webhook.<id>.secret``.
    """

    id: str = Field(default_factory=new_id, min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    method: HttpMethod = Method.POST
    path: str = Field("/", description="the path the sender calls")
    signature: Literal["none", "stripe", "github", "hmac"] = Field(
        "none", description="how requests are signed: Stripe-Signature, X-Hub-Signature-256…"
    )
    signature_header: str = Field("", description="the header of a generic HMAC signature")
    signature_encoding: Literal["hex", "base64"] = "hex"
    structure: Shape | None = None
    overrides: dict[str, FieldOverride] = Field(default_factory=dict)

    _compact_structure = field_serializer("structure")(_compact_structure)
    _compact_overrides = field_serializer("overrides")(_compact_overrides)


class Api(_Model):
    """A service: base URL, authentication, shared headers and parameters, and calls."""

    id: str = Field(default_factory=new_id, min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    base_url: str = ""
    auth: Auth = Field(default_factory=NoAuth)
    headers: list[Parameter] = Field(default_factory=list, description="sent with every call")
    parameters: list[Parameter] = Field(default_factory=list, description="sent with every call")
    calls: list[Call] = Field(default_factory=list)
    environments: list[Environment] = Field(default_factory=list)
    ca_bundle: str = Field("", description="CA certificates to trust, for private servers")
    webhooks: list[Webhook] = Field(default_factory=list, description="inbound endpoints")
    graphql_schema: str = Field("", description="the GraphQL schema (SDL), from introspection")
    secret_variables: dict[str, Annotated[str, Field(pattern=_VARIABLE)]] = Field(
        default_factory=dict,
        description=(
            "secrets read from these environment variables when a request is sent, by secret "
            "field ('auth.token', '<call id>/param.<name>'): the docs' $OPENAI_API_KEY"
        ),
    )
    source: ApiSource | None = Field(None, description="the document the API was imported from")

    @model_serializer(mode="wrap")
    def _omit_unused(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Files of APIs that use none of these stay byte-identical to version 1 ones.
        data: dict[str, Any] = handler(self)
        for key in (
            "environments",
            "ca_bundle",
            "webhooks",
            "graphql_schema",
            "secret_variables",
            "source",
        ):
            if not data.get(key, True):
                data.pop(key, None)
        return data

    def environment(self, name: str | None) -> Environment | None:
        """The environment called ``name`` (case-insensitively); None for None."""
        if name is None:
            return None
        for env in self.environments:
            if env.name.casefold() == name.casefold():
                return env
        return None


class Workspace(_Model):
    """The document a user opens and saves: a list of APIs."""

    format: Literal["connector-designer.workspace"] = WORKSPACE_FORMAT
    version: int = WORKSPACE_VERSION
    id: str = Field(default_factory=new_id, min_length=1)
    name: str = "Untitled"
    apis: list[Api] = Field(default_factory=list)


def secret_ref(
    api: Api, field: str, call: Call | None = None, environment: Environment | None = None
) -> str:
    """The secret-store reference of a private value.

    ``field`` is ``auth.<name>`` for a credential (see ``AUTH_SECRET_FIELD``),
    ``header.<name>`` or ``param.<name>`` for a private shared header or
    parameter, and ``param.<name>`` together with ``call`` for a call's
    private parameter. References use ids, so renames keep their secrets.
    With ``environment``, the reference ends in ``@<environment id>``.
    """
    ref = f"{api.id}/{field}" if call is None else f"{api.id}/{call.id}/{field}"
    return scoped_ref(ref, environment)


#: Methods that send their parameters in a body and change something, by default.
_WRITING_METHODS: Final = frozenset({Method.POST, Method.PUT, Method.PATCH})


def default_placement(method: Method) -> Placement:
    """Where a new parameter of a call with ``method`` goes: the body of a POST, PUT or
    PATCH, the query string otherwise."""
    return Placement.BODY if method in _WRITING_METHODS else Placement.QUERY


def default_use_as(method: Method) -> UseAs:
    """*Action* for a method that changes something (POST, PUT, PATCH, DELETE), else *Data*."""
    return UseAs.ACTION if method in _WRITING_METHODS or method is Method.DELETE else UseAs.DATA


def unsent_body_parameters(call: Call) -> list[str]:
    """The names of ``call``'s body parameters that are not sent: it has no body.

    A GraphQL call sends its body parameters as variables, whatever its body type.
    """
    if call.graphql is not None or call.body_type is not BodyType.NONE:
        return []
    return [p.name for p in call.parameters if p.placement is Placement.BODY]


def with_parameters(call: Call, parameters: list[Parameter]) -> Call:
    """``call`` with ``parameters``: a parameter placed in the body implies a body, so a
    call without one gets a JSON body (the body type stays as it is otherwise)."""
    after = call.model_copy(update={"parameters": parameters})
    if unsent_body_parameters(after):
        after.body_type = BodyType.JSON
    return after


def scoped_ref(ref: str, environment: Environment | None) -> str:
    """``ref`` as one environment's own value (``<ref>@<environment id>``); None: ``ref``."""
    return ref if environment is None else f"{ref}@{environment.id}"
