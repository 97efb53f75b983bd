"""Parse a curl command, as pasted from API docs, into a :class:`CurlRequest`.

Shell quoting, line continuations (backslash and caret) and the curl options
that shape a request are understood; options that only affect curl's own
output are ignored, and any other option is refused by name so nothing is
silently lost. Mapping the request onto the model is :mod:`designer.core.interop.curl.importer`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from designer.core.errors import CurlParseError
from designer.core.models import METHOD_TOKEN
from designer.core.urls import with_default_scheme

__all__ = ["CurlRequest", "parse_curl"]


@dataclass
class CurlRequest:
    """What a curl command sends, before it is mapped onto the model.

    ``data`` is the body given with ``-d``, ``--data-*`` or ``--json`` (several
    pieces already joined as curl joins them); ``json`` tells that ``--json``
    was used. ``form`` holds ``-F name=value`` pairs. ``get`` is ``-G``: the
    data goes into the query string.
    """

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    data: str | None = None
    json: bool = False
    form: list[tuple[str, str]] = field(default_factory=list)
    user: str | None = None
    get: bool = False


# -- parsing -----------------------------------------------------------------------------


@dataclass
class _Seen:
    """What the options of a command said so far, before it is checked as a whole."""

    method: str | None = None
    urls: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)
    user: str | None = None
    get: bool = False
    head: bool = False
    json: bool = False


#: What an option with a value does: ``handler(seen, option, value)``.
_ValueHandler = Callable[[_Seen, str, str], None]


def _url(seen: _Seen, _option: str, value: str) -> None:
    seen.urls.append(value)


def _request(seen: _Seen, _option: str, value: str) -> None:
    seen.method = value.upper()


def _add_header(seen: _Seen, _option: str, value: str) -> None:
    parsed = _header(value)
    if parsed is not None:
        seen.headers.append(parsed)


def _data(seen: _Seen, option: str, value: str) -> None:
    if value.startswith("@"):
        _refuse_file(option, value)
    seen.data.append(value)


def _data_raw(seen: _Seen, _option: str, value: str) -> None:
    seen.data.append(value)


def _data_urlencode(seen: _Seen, option: str, value: str) -> None:
    seen.data.append(_urlencoded(value, option))


def _json(seen: _Seen, option: str, value: str) -> None:
    if value.startswith("@"):
        _refuse_file(option, value)
    seen.json = True
    seen.data.append(value)


def _form(seen: _Seen, option: str, value: str) -> None:
    name, eq, content = value.partition("=")
    if not eq or not name:
        raise CurlParseError(f"{option} {value[:40]!r} should look like name=value")
    seen.form.append((name, content))


def _user(seen: _Seen, _option: str, value: str) -> None:
    seen.user = value


def _named_header(name: str) -> _ValueHandler:
    """An option that sets the header ``name`` to its value (``-A`` is User-Agent)."""

    def handler(seen: _Seen, _option: str, value: str) -> None:
        seen.headers.append((name, value))

    return handler


def _cookie(seen: _Seen, _option: str, value: str) -> None:
    if "=" in value:  # otherwise it names a cookie file, which has no request meaning
        seen.headers.append(("Cookie", value))


def _bearer(seen: _Seen, _option: str, value: str) -> None:
    seen.headers.append(("Authorization", f"Bearer {value}"))


def _get(seen: _Seen) -> None:
    seen.get = True


def _head(seen: _Seen) -> None:
    seen.head = True


#: The options that shape the request and take a value, each with what it does.
_VALUE_OPTIONS: dict[str, _ValueHandler] = {
    "-X": _request, "--request": _request,
    "-H": _add_header, "--header": _add_header,
    "-d": _data, "--data": _data, "--data-ascii": _data, "--data-binary": _data,
    "--data-raw": _data_raw, "--data-urlencode": _data_urlencode, "--json": _json,
    "-u": _user, "--user": _user,
    "-F": _form, "--form": _form, "--form-string": _form,
    "--url": _url,
    "-A": _named_header("User-Agent"), "--user-agent": _named_header("User-Agent"),
    "-e": _named_header("Referer"), "--referer": _named_header("Referer"),
    "-b": _cookie, "--cookie": _cookie,
    "--oauth2-bearer": _bearer,
}  # fmt: skip
#: The flags that shape the request, each with what it does.
_FLAG_OPTIONS: dict[str, Callable[[_Seen], None]] = {
    "-G": _get, "--get": _get, "-I": _head, "--head": _head,
}  # fmt: skip

# Options that change only how curl runs or reports, not the request an API sees.
_IGNORED_FLAGS = frozenset(
    "-s --silent -S --show-error -L --location --location-trusted -v --verbose -i --include "
    "-k --insecure --compressed -f --fail --fail-with-body -g --globoff -# --progress-bar "
    "--no-progress-meter -N --no-buffer -n --netrc -O --remote-name -J --remote-header-name "
    "-R --remote-time --create-dirs -q --disable -4 --ipv4 -6 --ipv6 --http1.0 --http1.1 "
    "--http2 --http2-prior-knowledge --http3 --tlsv1 --tlsv1.0 --tlsv1.1 --tlsv1.2 --tlsv1.3 "
    "--ssl --ssl-reqd --path-as-is --basic --digest --anyauth --ntlm --negotiate --raw "
    "--tr-encoding --no-keepalive --styled-output -Z --parallel -j --junk-session-cookies".split()
)
_IGNORED_WITH_VALUE = frozenset(
    "-o --output -m --max-time --connect-timeout --retry --retry-delay --retry-max-time "
    "-w --write-out --cacert --capath -E --cert --key --cert-type --key-type --resolve "
    "--connect-to -x --proxy -U --proxy-user --max-redirs -c --cookie-jar -D --dump-header "
    "--limit-rate -y --speed-time -Y --speed-limit --interface --stderr --trace --trace-ascii "
    "--proto --proto-redir --dns-servers --keepalive-time --expect100-timeout --ciphers".split()
)


def _prepare(command: str) -> str:
    """The command up to any pipe or redirection, with line continuations joined.

    Continuations are ``\\`` (POSIX shells), ``^`` (cmd) and a backtick
    (PowerShell) at the end of a line, outside quotes. A pasted command often
    ends in ``| jq .`` or ``> out.json``; what follows belongs to another program.
    """
    out: list[str] = []
    quote_char = ""
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if quote_char:
            if c == quote_char:
                quote_char = ""
            elif c == "\\" and quote_char == '"' and i + 1 < n:
                out.append(command[i : i + 2])
                i += 2
                continue
        elif c in "'\"":
            quote_char = c
        elif c in "\\^`" and command[i + 1 : i + 2] in ("\n", "\r"):
            i += 3 if command[i + 1 : i + 3] == "\r\n" else 2
            out.append(" ")
            continue
        elif c == "\\" and i + 1 < n:
            out.append(command[i : i + 2])
            i += 2
            continue
        elif c in "|;" or command[i : i + 2] == "&&":
            break
        elif c == ">" and _redirects(command, i):
            return "".join(out).rstrip("0123456789")  # the 2 of 2>&1
        out.append(c)
        i += 1
    return "".join(out)


def _redirects(command: str, i: int) -> bool:
    """Whether the ``>`` at ``i`` starts a redirection such as ``> out`` or ``2>&1``."""
    before = command[:i].rstrip("0123456789")
    return before == "" or before[-1].isspace()


def _where(text: str, index: int) -> str:
    """``line L, column C (near '…')`` of ``text[index]``, for messages."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    near = text[max(0, index - 15) : index + 15].replace("\n", " ")
    return f"line {line}, column {column} (near “{near.strip()}”)"


def _unclosed_quote(text: str) -> str:
    """Which quote of ``text`` is never closed, and where."""
    opened, quote_char, i = -1, "", 0
    while i < len(text):
        c = text[i]
        if quote_char:
            if c == quote_char:
                quote_char = ""
            elif c == "\\" and quote_char == '"':
                i += 1
        elif c in "'\"":
            quote_char, opened = c, i
        elif c == "\\":
            i += 1
        i += 1
    if not quote_char:  # shlex and this scan disagree: say what both agree on
        return (
            "The curl command has unbalanced quotes: a ' or \" is never closed; "
            "copy the whole command again"
        )
    return (
        f"The curl command has a stray quote: the {quote_char} at {_where(text, opened)} "
        f"is never closed; copy the whole command again or remove the quote"
    )


def _lost_line_break(text: str) -> str | None:
    """A backslash followed by spaces outside quotes: a continuation whose line break was
    lost in copying (``curl URL \\ -H …`` on one line). Named with where it is."""
    quote_char, i = "", 0
    while i < len(text):
        c = text[i]
        if quote_char:
            if c == quote_char:
                quote_char = ""
            elif c == "\\" and quote_char == '"':
                i += 1
        elif c in "'\"":
            quote_char = c
        elif c == "\\" and re.match(r"[ \t]+(-|$)", text[i + 1 :]):
            return (
                f"The curl command lost its line breaks: the \\ at {_where(text, i)} should end "
                f"a line. Paste the command again with its line breaks, or remove the \\ "
                f"characters between the options"
            )
        elif c == "\\":
            i += 1
        i += 1
    return None


def _tokens(command: str) -> list[str]:
    text = command.strip()
    for prompt in ("$ ", "% ", "> "):
        text = text.removeprefix(prompt)
    try:
        tokens = shlex.split(_prepare(text))
    except ValueError as exc:
        raise CurlParseError(_unclosed_quote(text)) from exc
    lost = _lost_line_break(text)
    if lost:
        raise CurlParseError(lost)
    if not tokens or tokens[0].lower() not in ("curl", "curl.exe"):
        first = tokens[0] if tokens else ""
        raise CurlParseError(
            f"Not a curl command: it starts with {first[:30]!r} instead of 'curl'"
            if first
            else "The curl command is empty: paste a command that starts with 'curl'"
        )
    return tokens[1:]


def _takes_value(option: str) -> bool:
    """Whether ``option`` takes a value; an option the importer does not know is refused."""
    if option in _VALUE_OPTIONS or option in _IGNORED_WITH_VALUE:
        return True
    if option in _FLAG_OPTIONS or option in _IGNORED_FLAGS:
        return False
    raise _unknown(option)


def _options(args: list[str]) -> list[tuple[str, str | None]]:
    """``(option, value)`` pairs in order; positional arguments come as ``("", value)``."""
    out: list[tuple[str, str | None]] = []
    i = 0

    def value_of(option: str) -> str:
        nonlocal i
        if i + 1 >= len(args):
            raise CurlParseError(f"The curl option {option} needs a value, but none follows it")
        i += 1
        return args[i]

    only_positionals = False
    while i < len(args):
        arg = args[i]
        if only_positionals or not arg.startswith("-") or arg == "-":
            out.append(("", arg))
        elif arg == "--":
            only_positionals = True
        elif arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            out.append((name, (inline if eq else value_of(name)) if _takes_value(name) else None))
        else:
            # A cluster of short options such as -sSL, or -XPOST with its value attached.
            for j in range(1, len(arg)):
                name = "-" + arg[j]
                if _takes_value(name):
                    rest = arg[j + 1 :]
                    out.append((name, rest if rest else value_of(name)))
                    break
                out.append((name, None))
        i += 1
    return out


def _unknown(option: str) -> CurlParseError:
    return CurlParseError(
        f"The curl option {option} is not supported by the importer: "
        f"remove it from the command and try again"
    )


def _refuse_file(option: str, value: str) -> None:
    raise CurlParseError(
        f"{option} {value[:40]} reads from a file, which cannot be imported: "
        f"put the contents in the command instead (for example with --data-raw)"
    )


def _urlencoded(value: str, option: str) -> str:
    if value.startswith("="):
        return quote(value[1:], safe="")
    name, eq, content = value.partition("=")
    if eq:
        return f"{name}={quote(content, safe='')}"
    if "@" in value:
        _refuse_file(option, value)
    return quote(value, safe="")


def _header(value: str) -> tuple[str, str] | None:
    name, colon, rest = value.partition(":")
    if not colon:
        if value.endswith(";"):  # curl's way to send a header with no value
            return value[:-1].strip(), ""
        raise CurlParseError(
            f"The header {value[:40]!r} has no ':' between its name and value: "
            f"write it as -H 'Name: value'"
        )
    if not name.strip():
        raise CurlParseError(f"The header {value[:40]!r} has no name before ':'")
    rest = rest.strip()
    return (name.strip(), rest) if rest else None  # "Name:" removes a header in curl


def parse_curl(command: str) -> CurlRequest:
    """The request a curl command line sends; raises :class:`CurlParseError` naming the problem."""
    seen = _Seen()
    for option, value in _options(_tokens(command)):
        if option == "" and value is not None:
            seen.urls.append(value)
        elif value is None:
            flag = _FLAG_OPTIONS.get(option)
            if flag is not None:
                flag(seen)
        else:
            handler = _VALUE_OPTIONS.get(option)
            if handler is not None:  # else an option that only changes how curl runs
                handler(seen, option, value)
    return _request_of(seen)


def _the_url(given: list[str]) -> str:
    """The one URL of the command; none, or several, is an error."""
    urls = [u for u in given if u]
    if not urls:
        raise CurlParseError("The curl command has no URL: add the address to call")
    if len(urls) > 1:
        shown = ", ".join(repr(u[:40]) for u in urls[:3])
        raise CurlParseError(
            f"The curl command has more than one URL ({shown}): import one request at a time"
        )
    return urls[0]


def _request_of(seen: _Seen) -> CurlRequest:
    """The request the options describe, once it is checked as a whole."""
    url = _the_url(seen.urls)
    data, form = seen.data, seen.form
    if data and form:
        raise CurlParseError("The curl command mixes -d and -F: use one kind of body")
    url = with_default_scheme(url)  # curl's own guess: http, ftp for ftp.*, ...
    method = seen.method
    if method is None:
        method = "HEAD" if seen.head else "POST" if (data or form) and not seen.get else "GET"
    if not METHOD_TOKEN.fullmatch(method):
        raise CurlParseError(
            f"The method {method[:20]!r} is not an HTTP method: use a word such as GET, POST "
            f"or PURGE, without spaces"
        )
    return CurlRequest(
        method=method,
        url=url,
        headers=seen.headers,
        data=("" if seen.json else "&").join(data) if data else None,
        json=seen.json,
        form=form,
        user=seen.user,
        get=seen.get,
    )
