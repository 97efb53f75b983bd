"""Streamed calls in the generated Python client: methods that yield typed events.

A call whose response is a stream (Server-Sent Events or JSON Lines) gets a
method that is a generator (an async generator in the async client): it
opens the response, reads it line by line as it arrives and yields a
``StreamEvent`` per event, whose ``data`` is checked against the model of
the event's group (``data`` for unnamed events, else the event name), and
whose ``text`` is the piece of text of the call's text field. ``data:
[DONE]`` ends the stream. The parser is generated into the module (a few
lines), so the client still needs only httpx and pydantic.
"""

from __future__ import annotations

from designer.core.escaping import python_string, unique_name
from designer.core.inference.stream import (
    DATA,
    path_steps,
    split_text_field,
    stream_groups,
    stream_of,
)
from designer.core.interop.python.models import ModelWriter, pascal
from designer.core.models import Call
from designer.core.streams.events import StreamFormat, stream_format
from designer.core.structure import ResponseType

__all__ = [
    "STREAM_RUNTIME",
    "is_stream_call",
    "stream_methods",
    "stream_opener",
    "stream_reader",
]

STREAM_RUNTIME = '''
_T = TypeVar("_T")


@dataclass(frozen=True)
class StreamEvent(Generic[_T]):
    """One event of a streamed answer.

    ``event`` is its name ("" when unnamed, and for JSON Lines), ``id`` the last
    event id seen, ``data`` its data checked against the call's structure, ``raw``
    its text and ``text`` the piece of text it carries (the call's text field).
    """

    event: str
    id: str | None
    data: _T
    raw: str
    text: str | None


def _text_at(value: Any, steps: tuple[str | None, ...]) -> str | None:
    for step in steps:
        if step is None:
            if not isinstance(value, list) or not value:
                return None
            value = value[0]
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value if isinstance(value, str) else None


class _Events:
    """Lines of a streamed body in, events out as each one completes."""

    def __init__(
        self,
        ndjson: bool,
        adapters: dict[str, TypeAdapter[Any]],
        text_event: str | None,
        text_steps: tuple[str | None, ...],
    ) -> None:
        self.ndjson = ndjson
        self.adapters = adapters
        self.text_event = text_event
        self.text_steps = text_steps
        self.done = False
        self._name = ""
        self._data: list[str] = []
        self._id: str | None = None

    def feed(self, line: str) -> StreamEvent[Any] | None:
        if self.ndjson:
            return self._event("", line) if line.strip() else None
        if not line:  # a blank line ends an event
            data, self._data = "\\n".join(self._data), []
            name, self._name = self._name, ""
            return self._event(name, data) if data else None
        if line.startswith(":"):
            return None  # a comment
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            self._name = value
        elif field == "data":
            self._data.append(value)
        elif field == "id" and "\\0" not in value:
            self._id = value or None
        return None

    def _event(self, name: str, raw: str) -> StreamEvent[Any] | None:
        name = "" if name == "message" else name
        if raw.strip() == "[DONE]":
            self.done = True
            return None
        value: Any
        try:
            value = importlib.import_module("json").loads(raw)
        except ValueError:
            value = raw
        adapter = self.adapters.get(name or "data")
        data = adapter.validate_python(value) if adapter is not None else value
        text = _text_at(value, self.text_steps) if name == self.text_event else None
        return StreamEvent(name, self._id, data, raw, text)
'''


def is_stream_call(call: Call) -> bool:
    """Whether ``call`` answers a stream (its response type, or its structure, says so)."""
    return call.response_type is ResponseType.STREAM or stream_of(call.structure) is not None


def stream_reader(call: Call, func: str, models: ModelWriter) -> tuple[list[str], str]:
    """The source of ``_events_<func>()`` (a reader of the call's events), and the type of
    the events' data."""
    shape = stream_of(call.structure)
    groups = stream_groups(shape) if shape is not None else {}
    types: dict[str, str] = {}
    for name, group in groups.items():
        model = pascal(call.name) + pascal(name if name != DATA else "data") + "Event"
        types[name] = models.annotation(group, call.overrides, name, model)
    fmt = stream_format(shape.content_type or "") if shape is not None else None
    ndjson = fmt is StreamFormat.NDJSON
    text_event: str | None = None
    steps: tuple[str | None, ...] = ()
    if call.stream_text_field:
        text_event, inner = split_text_field(call.stream_text_field)
        steps = path_steps(inner)
    entries = "".join(f"        {python_string(n)}: TypeAdapter({t}),\n" for n, t in types.items())
    step_text = ", ".join("None" if s is None else python_string(s) for s in steps)
    lines: list[str] = []
    options = list(dict.fromkeys(types.values()))
    data_type = options[0] if len(options) == 1 else "Any"
    if len(options) > 1:
        # One name for the union of the groups' models, read in the method signatures.
        data_type = unique_name(pascal(call.name) + "Data", models.taken)
        models.taken.add(data_type)
        union = "".join(f"    | {o}\n" if i else f"    {o}\n" for i, o in enumerate(options))
        lines += [f"{data_type} = (\n{union})", "", ""]
    lines += [
        f"def _events_{func}() -> _Events:",
        f"    adapters: dict[str, TypeAdapter[Any]] = {{\n{entries}    }}"
        if entries
        else "    adapters: dict[str, TypeAdapter[Any]] = {}",
        f"    steps: tuple[str | None, ...] = ({step_text}{',' if len(steps) == 1 else ''})",
        f"    return _Events({ndjson}, adapters, "
        f"{python_string(text_event) if text_event is not None else 'None'}, steps)",
    ]
    models.uses.add("Any")
    return lines, data_type


def stream_methods(
    func: str, unique: str, signature: str, passed: str, doc: str, data_type: str
) -> tuple[str, str]:
    """The sync and async methods of a streamed call."""
    returns = f"StreamEvent[{data_type}]"
    body = (
        "        request = _build_{unique}({passed})\n"
        "        reader = _events_{unique}()\n"
        "        {wait}with self._stream(request) as response:\n"
        "            response.raise_for_status()\n"
        "            {wait}for line in response.{lines}():\n"
        "                event = reader.feed(line)\n"
        "                if event is not None:\n"
        "                    yield event\n"
        "                if reader.done:\n"
        "                    return"
    )
    sync = f"    def {func}({signature}) -> Iterator[{returns}]:\n{doc}\n" + body.format(
        unique=unique, passed=passed, wait="", lines="iter_lines"
    )
    asynchronous = (
        f"    async def {func}({signature}) -> AsyncIterator[{returns}]:\n{doc}\n"
        + body.format(unique=unique, passed=passed, wait="async ", lines="aiter_lines")
    )
    return sync, asynchronous


def stream_opener(asynchronous: bool) -> str:
    """The ``_stream`` method of a client class that has streamed calls."""
    manager = "AbstractAsyncContextManager" if asynchronous else "AbstractContextManager"
    return (
        f"    def _stream(self, request: _Request) -> {manager}[httpx.Response]:\n"
        f"        url = self.base_url + '/' + request.path.lstrip('/')\n"
        f"        return self._client.stream(\n"
        f"            request.method,\n"
        f"            url,\n"
        f"            params=tuple(request.params),\n"
        f"            headers=request.headers,\n"
        f"            content=request.content,\n"
        f"            data=request.data,\n"
        f"            json=request.json,\n"
        f"        )"
    )
