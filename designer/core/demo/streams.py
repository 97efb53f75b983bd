"""The demo API's streaming endpoints: an OpenAI-shaped chat and an Anthropic-shaped messages API.

Both answer a deterministic reply (a pure function of the last user message),
split into small pieces sent a few tens of milliseconds apart, so that a
user sees the text arrive as it would from a real model::

    POST /chat/completions   {"messages": [...], "stream": true} -> text/event-stream
                             chat.completion.chunk objects, then ``data: [DONE]``;
                             without "stream": true, one chat.completion object
    POST /messages           {"messages": [...], "stream": true} -> text/event-stream
                             named events: message_start, content_block_start,
                             content_block_delta (one per piece), content_block_stop,
                             message_delta, message_stop; without "stream", one message
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import orjson

__all__ = [
    "CREATED",
    "chat_completion",
    "demo_reply",
    "messages",
    "pieces",
    "piece_delay",
]

#: The ``created`` time of every completion (fixed, so answers are the same on every run).
CREATED = 1_767_225_600
_MODEL = "demo-chat-1"
_CLAUDE = "demo-claude-1"
_INTRO = "Hello from the Demo Store! "
_OUTRO = " This answer arrives piece by piece."

Reply = tuple[int, str, bytes | Iterator[bytes]]


def _last_user_text(payload: dict[str, Any]) -> str:
    for message in reversed(payload.get("messages") or []):
        if isinstance(message, dict) and message.get("role", "user") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):  # content blocks: [{"type": "text", "text": ...}]
                return " ".join(
                    str(b.get("text", "")) for b in content if isinstance(b, dict)
                ).strip()
    return ""


def demo_reply(payload: dict[str, Any]) -> str:
    """The reply to ``payload``'s last user message; the same message gets the same reply."""
    asked = " ".join(_last_user_text(payload).split())
    if len(asked) > 60:
        asked = asked[:59] + "…"
    said = f'You said: "{asked}".' if asked else "You sent no message."
    return _INTRO + said + _OUTRO


def pieces(text: str) -> list[str]:
    """``text`` cut into word-sized pieces (each keeps the space before the next word)."""
    out: list[str] = []
    for word in text.split(" "):
        if out:
            out[-1] += " "
        out.append(word)
    return [p for p in out if p]


def piece_delay(index: int) -> float:
    """Seconds before piece ``index``: 30 to 80 ms, varying but the same on every run."""
    return (30 + (index * 37) % 51) / 1000


def _payload(body: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _error(status: int, code: str, message: str) -> Reply:
    body = {"error": {"status": status, "code": code, "message": message}}
    return status, "application/json", orjson.dumps(body)


def _sse(data: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    text = data if isinstance(data, bytes) else orjson.dumps(data)
    return head + b"data: " + text + b"\n\n"


def _paced(parts: list[bytes]) -> Iterator[bytes]:
    for index, part in enumerate(parts):
        if index:
            time.sleep(piece_delay(index))
        yield part


def _invalid() -> Reply:
    return _error(400, "invalid_json", "Send a JSON object with 'messages'")


def chat_completion(body: bytes) -> Reply:
    """``POST /chat/completions``, OpenAI-shaped."""
    payload = _payload(body)
    if payload is None:
        return _invalid()
    model = str(payload.get("model") or _MODEL)
    text = demo_reply(payload)
    ident = f"chatcmpl-demo{len(text):04d}"
    if not payload.get("stream"):
        return (
            200,
            "application/json",
            orjson.dumps(
                {
                    "id": ident,
                    "object": "chat.completion",
                    "created": CREATED,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": _usage(payload, text),
                }
            ),
        )

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return _sse(
            {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
        )

    parts = [chunk({"role": "assistant", "content": ""})]
    parts += [chunk({"content": piece}) for piece in pieces(text)]
    parts += [chunk({}, "stop"), _sse(b"[DONE]")]
    return 200, "text/event-stream; charset=utf-8", _paced(parts)


def _usage(payload: dict[str, Any], text: str) -> dict[str, int]:
    asked = len(_last_user_text(payload).split())
    answered = len(pieces(text))
    return {"prompt_tokens": asked, "completion_tokens": answered, "total_tokens": asked + answered}


def messages(body: bytes) -> Reply:
    """``POST /messages``, Anthropic-shaped (named events)."""
    payload = _payload(body)
    if payload is None:
        return _invalid()
    model = str(payload.get("model") or _CLAUDE)
    text = demo_reply(payload)
    ident = f"msg_demo{len(text):04d}"
    usage = _usage(payload, text)
    message: dict[str, Any] = {
        "id": ident,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": usage["prompt_tokens"], "output_tokens": 1},
    }
    if not payload.get("stream"):
        message.update(
            content=[{"type": "text", "text": text}],
            stop_reason="end_turn",
            usage={
                "input_tokens": usage["prompt_tokens"],
                "output_tokens": usage["completion_tokens"],
            },
        )
        return 200, "application/json", orjson.dumps(message)
    parts = [
        _sse({"type": "message_start", "message": message}, "message_start"),
        _sse(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            "content_block_start",
        ),
    ]
    parts += [
        _sse(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
            "content_block_delta",
        )
        for p in pieces(text)
    ]
    parts += [
        _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        _sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": usage["completion_tokens"]},
            },
            "message_delta",
        ),
        _sse({"type": "message_stop"}, "message_stop"),
    ]
    return 200, "text/event-stream; charset=utf-8", _paced(parts)
