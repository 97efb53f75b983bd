"""The exception tree of the core.

Every error the core raises on purpose derives from :class:`DesignerError` and
carries a one-line message that says what failed and what to do next. Foreign
exceptions (httpx, orjson, pydantic, OS errors) are mapped at the boundary with
``raise Mapped(...) from exc``; the UI presents them and the CLI prints them.

    DesignerError
    ├── InputError                  a file or argument the user gave is unusable
    │   ├── FileTooLargeError
    │   └── NotUtf8Error
    ├── SaveError                   a file could not be written; the old one is intact
    │   ├── SaveConflictError       the file changed on disk since it was read
    │   └── ReadOnlyFileError       the user made the file read-only
    ├── WorkspaceError
    │   ├── WorkspaceParseError     not JSON, truncated, not UTF-8
    │   ├── WorkspaceFormatError    JSON, but not a Connector Designer workspace
    │   ├── WorkspaceVersionError   written by a newer version
    │   └── WorkspaceValidationError  carries every problem with its JSON path
    ├── LookupFailed                no such API or call, or an ambiguous name
    ├── RequestBuildError
    │   ├── MissingValueError       a required parameter has no value
    │   └── PlaceholderError        a {placeholder} names no parameter
    ├── ImportFormatError           a document to import cannot be understood
    │   ├── CurlParseError
    │   ├── ImportParseError        not JSON or YAML, truncated, too deep, a YAML bomb or tag
    │   ├── ImportVersionError      a format or version this application does not read
    │   ├── ImportReferenceError    a dangling, external or cyclic $ref
    │   └── BundleIntegrityError    a bundle whose checksum does not match its content
    ├── ExportError                 a workspace cannot be exported as asked
    ├── ExecutionError              sending the request failed
    │   ├── ConnectError
    │   │   ├── ConnectionRefusedError_
    │   │   └── NameResolutionError
    │   ├── RequestTimeoutError
    │   │   └── DeadlineExceededError  the whole exchange outlasted its deadline
    │   ├── TLSError
    │   ├── TooManyRedirectsError
    │   ├── ResponseTooLargeError
    │   ├── ConnectionLostError     the peer went away mid-response
    │   ├── ContentDecodingError    a gzip/deflate body that does not decompress
    │   ├── HTTPStatusError         4xx/5xx while "include errors" is off
    │   │   └── RateLimitedError      429: the server asks to slow down
    │   ├── CancelledError_         the user cancelled the call
    │   └── AuthenticationError     no access token could be had from the token endpoint
    │       └── SignInRequiredError   the user must sign in (again) in the browser
    └── BodyParseError              the body is not valid for its type
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AuthenticationError",
    "BodyParseError",
    "BundleIntegrityError",
    "CancelledError_",
    "ConnectError",
    "ConnectionLostError",
    "ConnectionRefusedError_",
    "ContentDecodingError",
    "CurlParseError",
    "DeadlineExceededError",
    "DesignerError",
    "ExecutionError",
    "ExportError",
    "FileTooLargeError",
    "HTTPStatusError",
    "ImportFormatError",
    "ImportParseError",
    "ImportReferenceError",
    "ImportVersionError",
    "InputError",
    "LookupFailed",
    "MissingValueError",
    "NameResolutionError",
    "NotUtf8Error",
    "PlaceholderError",
    "Problem",
    "RateLimitedError",
    "ReadOnlyFileError",
    "RequestBuildError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "SaveConflictError",
    "SaveError",
    "SignInRequiredError",
    "TLSError",
    "TooManyRedirectsError",
    "WorkspaceError",
    "WorkspaceFormatError",
    "WorkspaceParseError",
    "WorkspaceValidationError",
    "WorkspaceVersionError",
]


class DesignerError(Exception):
    """Base of every error the core raises on purpose; ``str()`` is one line."""


class InputError(DesignerError):
    """A file or argument the user supplied cannot be used."""


class FileTooLargeError(InputError):
    """A file is larger than the limit for its kind."""


class NotUtf8Error(InputError):
    """A text file is not valid UTF-8."""


class SaveError(DesignerError):
    """A file could not be written; the previous version, if any, is unchanged."""


class SaveConflictError(SaveError):
    """The file changed on disk since it was read: saving would lose someone's change."""


class ReadOnlyFileError(SaveError):
    """The file to replace is read-only: the user meant it not to change."""


class WorkspaceError(DesignerError):
    """A workspace file cannot be loaded."""


class WorkspaceParseError(WorkspaceError):
    """The workspace file is not well-formed JSON."""


class WorkspaceFormatError(WorkspaceError):
    """The document is JSON but not a Connector Designer workspace (wrong or no ``format``)."""


class WorkspaceVersionError(WorkspaceError):
    """The workspace was written by a newer version of the application."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: a JSON path such as ``$.apis[0].name`` and a message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class WorkspaceValidationError(WorkspaceError):
    """The workspace is well-formed JSON but breaks the format's rules."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        first = problems[0] if problems else Problem("$", "invalid")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{source}: {first}{more}; run 'connector-designer validate' to list all")


class LookupFailed(DesignerError):
    """An API or call named by the user does not exist, or the name is ambiguous."""


class RequestBuildError(DesignerError):
    """A request cannot be built from the call and the values given."""


class MissingValueError(RequestBuildError):
    """A required parameter has no value."""

    def __init__(self, api: str, call: str, parameter: str) -> None:
        self.api, self.call, self.parameter = api, call, parameter
        super().__init__(
            f"Parameter '{parameter}' of call '{call}' in API '{api}' needs a value: "
            f"give it a sample value or mark it optional"
        )


class MissingSecretError(RequestBuildError):
    """A secret the request needs (a private parameter, a credential) is not set anywhere.

    ``variable`` is the environment variable that would supply it, so that a
    caller can name the command that sets it.
    """

    def __init__(self, message: str, variable: str) -> None:
        self.variable = variable
        super().__init__(message)


class PlaceholderError(RequestBuildError):
    """A ``{placeholder}`` in a path or ``<placeholder>`` in a body names no parameter."""


class ImportFormatError(DesignerError):
    """A document to import cannot be understood."""


class CurlParseError(ImportFormatError):
    """A curl command line cannot be parsed."""


class ImportParseError(ImportFormatError):
    """A document to import is not well-formed JSON or YAML, or is hostile (bomb, tags, depth)."""


class ImportVersionError(ImportFormatError):
    """A document is of a format or version this application does not read."""


class ImportReferenceError(ImportFormatError):
    """A ``$ref`` points nowhere, outside the document, or only to itself."""


class BundleIntegrityError(ImportFormatError):
    """A bundle's checksum does not match its content: it was changed or damaged."""


class ExportError(DesignerError):
    """A workspace cannot be exported in the way asked (nothing to export, unknown call)."""


class ExecutionError(DesignerError):
    """Sending a request or receiving its response failed."""


class ConnectError(ExecutionError):
    """No connection could be made."""


class ConnectionRefusedError_(ConnectError):
    """The host answered but refused the connection."""


class NameResolutionError(ConnectError):
    """The host name could not be resolved."""


class RequestTimeoutError(ExecutionError):
    """Connecting or reading took longer than the configured timeout."""


class DeadlineExceededError(RequestTimeoutError):
    """The whole exchange (connect, redirects, body) took longer than its deadline."""


class TLSError(ExecutionError):
    """The TLS handshake or certificate check failed."""


class TooManyRedirectsError(ExecutionError):
    """The server redirected more often than allowed."""


class ResponseTooLargeError(ExecutionError):
    """The response body exceeds the size cap."""


class ConnectionLostError(ExecutionError):
    """The connection broke while the response was being received."""


class ContentDecodingError(ExecutionError):
    """The response's Content-Encoding (gzip, deflate) could not be decoded."""


class HTTPStatusError(ExecutionError):
    """The server answered with an error status and errors are not included as data."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message)


class RateLimitedError(HTTPStatusError):
    """The server answered 429; ``retry_after`` is the wait it asked for, in seconds."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(message, 429)


class CancelledError_(ExecutionError):
    """The user cancelled the request."""


class BodyParseError(DesignerError):
    """A response body is not valid for its declared or detected type."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line, self.column = line, column
        super().__init__(message)


class AuthenticationError(ExecutionError):
    """The token endpoint refused, or gave no access token."""


class SignInRequiredError(AuthenticationError):
    """The authorization-code flow needs the user in the browser (again)."""
