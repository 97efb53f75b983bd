"""A streamed call in the model: its response type and text field, saved only when set."""

from __future__ import annotations

import orjson

from designer.core.interop.bundle import export_bundle, import_bundle
from designer.core.models import Api, Call, Workspace
from designer.core.structure import ResponseType
from designer.core.workspace import file as wf


def _workspace(call: Call) -> Workspace:
    return Workspace(name="W", apis=[Api(name="AI", base_url="http://127.0.0.1:1", calls=[call])])


def test_a_plain_call_says_nothing_about_streams() -> None:
    saved = orjson.loads(wf.dumps(_workspace(Call(name="List"))))
    assert "stream_text_field" not in saved["apis"][0]["calls"][0]


def test_a_streamed_call_keeps_its_type_and_text_field_through_save_and_bundle() -> None:
    call = Call(
        name="Chat",
        response_type=ResponseType.STREAM,
        stream_text_field="data.choices[].delta.content",
    )
    data = wf.dumps(_workspace(call))
    saved = orjson.loads(data)["apis"][0]["calls"][0]
    assert saved["response_type"] == "stream"
    assert saved["stream_text_field"] == "data.choices[].delta.content"
    loaded = wf.loads(data).apis[0].calls[0]
    assert loaded.response_type is ResponseType.STREAM
    assert loaded.stream_text_field == "data.choices[].delta.content"
    bundle = export_bundle(_workspace(call))
    imported = import_bundle(orjson.loads(bundle), "b.json").result.apis[0].calls[0]
    assert imported.stream_text_field == "data.choices[].delta.content"
    assert imported.response_type is ResponseType.STREAM
