"""The domain model: a workspace holds APIs, an API holds calls.

These pydantic models are the single source of truth for the workspace file
(see :mod:`designer.core.workspace.file`) and for everything the GUI edits.

Secrets are never fields of these models. A private parameter or an auth
credential is looked up in a :class:`designer.core.secrets.store.SecretStore` under
the reference returned by :func:`secret_ref`, so no dump of a model can leak.

The kinds (methods, placements…) and the base class are in
:mod:`designer.core.model_base`, the auth models in :mod:`designer.core.auth_models`;
this module names them all, so the domain model is imported from here.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
)

# The auth models and the model's kinds live in their own modules; they are named
# here too, so that the whole domain model is imported from this one module.
from designer.core.auth_models import (
    AUTH_SECRET_FIELD,
    TOKEN_AUTH_TYPES,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    ClientCertificateAuth,
    CustomTokenAuth,
    JwtBearerAuth,
    NoAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    auth_secret_fields,
)
from designer.core.model_base import (
    METHOD_TOKEN,
    BodyType,
    HttpMethod,
    Method,
    Placement,
    UseAs,
    ValueType,
    new_id,
    path_placeholders,
    unique_name,
)
from designer.core.model_base import StrictModel as _Model
from designer.core.structure import (
    FieldOverride,
    ResponseType,
    Shape,
    override_to_dict,
    shape_to_dict,
)

__all__ = [
    "AUTH_SECRET_FIELD",
    "METHOD_TOKEN",
    "TOKEN_AUTH_TYPES",
    "WORKSPACE_FORMAT",
    "WORKSPACE_VERSION",
    "Api",
    "ApiKeyHeaderAuth",
    "ApiKeyQueryAuth",
    "ApiSource",
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
    "HttpMethod",
    "JwtBearerAuth",
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
    "scoped_ref",
    "secret_ref",
    "unique_name",
    "unsent_body_parameters",
    "with_parameters",
]

WORKSPACE_FORMAT: Final = "connector-designer.workspace"
WORKSPACE_VERSION: Final = 1

#: An environment variable's name, as shells and CI systems accept it.
_VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"


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
    is GET (see :mod:`designer.core.http.graphql_body`).
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
