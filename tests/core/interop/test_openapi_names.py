"""Call names a person would write: a short summary, else the operation id, else method and
path; a paragraph-long summary (as OpenAI's spec writes 90 of them) is kept as description.
"""

from __future__ import annotations

from designer.core.interop.openapi.importer import MAX_NAME_LENGTH, import_openapi

PARAGRAPH = (
    "Creates a model response for the given chat conversation. Learn more in the text "
    "generation, vision, and audio guides."
)


def _op(**fields: str) -> dict[str, object]:
    return {**fields, "responses": {"200": {"description": "ok"}}}


def test_names_come_from_short_summaries_only() -> None:
    assert len(PARAGRAPH) > MAX_NAME_LENGTH
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "AI", "version": "1"},
        "servers": [{"url": "https://api.ai.example/v1"}],
        "paths": {
            "/chat/completions": {
                "post": _op(
                    summary=PARAGRAPH,
                    operationId="createChatCompletion",
                    description="Parameter support can differ by model.",
                ),
                "get": _op(summary="List stored chat completions", operationId="listChats"),
            },
            "/models": {"get": _op(summary="Lists the models.\nEach has an owner.")},
            "/files": {"get": _op(summary=PARAGRAPH, description=PARAGRAPH + " More.")},
        },
    }
    (api,) = import_openapi(doc, "ai.json").apis
    calls = {c.name: c for c in api.calls}
    assert sorted(calls) == [
        "GET /files",
        "GET /models",
        "List stored chat completions",
        "createChatCompletion",
    ]
    created = calls["createChatCompletion"]
    assert created.description == f"{PARAGRAPH}\n\nParameter support can differ by model."
    assert calls["GET /models"].description == "Lists the models.\nEach has an owner."
    # A description that already starts with the summary is not repeated.
    assert calls["GET /files"].description == PARAGRAPH + " More."
