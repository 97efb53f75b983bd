"""Autosave to a recovery file, and restoring it after a crash."""

from __future__ import annotations

import json
import os

from designer.core.workspace import file as workspace_file
from designer.ui.app import restore_entry
from designer.ui.editing import edits
from designer.ui.window.recovery import Recovery, find_recoveries


def _autosave(recovery: Recovery, qtbot) -> None:
    """What the timer does, and wait until its write in the background has ended."""
    recovery.write_if_needed()
    qtbot.waitUntil(lambda: not recovery.writing)


def test_written_only_while_dirty_and_removed_when_clean(doc, tmp_path, qtbot):
    recovery = Recovery(doc, tmp_path, interval_ms=60_000)
    _autosave(recovery, qtbot)
    assert list(tmp_path.iterdir()) == []
    edits.add_api(doc)
    _autosave(recovery, qtbot)
    (file,) = tmp_path.iterdir()
    wrapper = json.loads(file.read_text())
    assert wrapper["source"] is None
    assert wrapper["workspace"]["apis"][-1]["name"] == "New API"
    doc.undo_stack.undo()  # back to the saved state
    assert list(tmp_path.iterdir()) == []


def test_timer_writes_when_dirty(doc, tmp_path, qtbot):
    recovery = Recovery(doc, tmp_path, interval_ms=10)
    edits.add_api(doc)
    qtbot.waitUntil(lambda: any(tmp_path.iterdir()))
    recovery.timer.stop()


def test_no_thread_is_left_running_between_autosaves(doc, tmp_path, qtbot):
    import threading

    recovery = Recovery(doc, tmp_path, interval_ms=60_000)
    edits.add_api(doc)
    _autosave(recovery, qtbot)
    assert any(tmp_path.iterdir())
    # The writing thread ended with its write: an idle window (or a closed one) keeps none.
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("recovery")])
    recovery.timer.stop()


def test_no_secret_reaches_the_recovery_file(doc, tmp_path, secrets):
    from designer.core.models import secret_ref

    api = doc.workspace.apis[0]
    secrets.set(secret_ref(api, "auth.token"), "very-secret-token")
    edits.add_call(doc, api.id)
    file = Recovery(doc, tmp_path, interval_ms=60_000).write()
    assert b"very-secret-token" not in file.read_bytes()


def test_clean_save_removes_the_recovery_file(doc, tmp_path):
    recovery = Recovery(doc, tmp_path / "rec", interval_ms=60_000)
    edits.add_api(doc)
    written = recovery.write()
    doc.save(tmp_path / "w.workspace.json")
    assert not written.exists()


def test_restore_after_a_crash(window, tmp_path, monkeypatch):
    path = tmp_path / "w.workspace.json"
    window.files._save_to(path)
    edits.add_api(window.doc)
    written = window.recovery.write()
    wrapper = json.loads(written.read_text())
    window.doc.replace(workspace_file.load(path), path)  # as if started afresh
    # Another process wrote it and then died: a dead pid, and newer than the file.
    wrapper["pid"] = 2**22 + 12345
    written.write_text(json.dumps(wrapper))
    later = path.stat().st_mtime + 5
    os.utime(written, (later, later))
    (entry,) = find_recoveries(written.parent)
    assert entry.source == path.resolve()
    assert entry.name == "w.workspace.json"
    restore_entry(window, entry)
    assert window.doc.workspace.apis[-1].name == "New API"
    assert window.doc.path == path.resolve()
    assert window.isWindowModified()
    assert window.recovery.file_for().exists()  # kept safe until saved


def test_recovery_older_than_its_file_is_dropped(tmp_path, doc):
    path = tmp_path / "w.workspace.json"
    doc.save(path)
    edits.add_api(doc)
    written = Recovery(doc, tmp_path / "rec", interval_ms=60_000).write()
    wrapper = json.loads(written.read_text())
    wrapper["pid"] = 2**22 + 12345
    written.write_text(json.dumps(wrapper))
    older = path.stat().st_mtime - 5
    os.utime(written, (older, older))
    assert find_recoveries(tmp_path / "rec") == []
    assert not written.exists()


def test_recovery_of_a_running_instance_is_not_offered(tmp_path, doc):
    edits.add_api(doc)
    written = Recovery(doc, tmp_path, interval_ms=60_000).write()
    wrapper = json.loads(written.read_text())
    wrapper["pid"] = os.getppid()  # alive
    written.write_text(json.dumps(wrapper))
    assert find_recoveries(tmp_path) == []


def test_new_edit_after_undo_is_written_again(doc, tmp_path, qtbot):
    recovery = Recovery(doc, tmp_path, interval_ms=60_000)
    edits.add_api(doc)
    edits.add_api(doc)
    _autosave(recovery, qtbot)
    doc.undo_stack.undo()
    edits.add_call(doc, doc.workspace.apis[0].id)  # same stack index, other content
    _autosave(recovery, qtbot)
    (file,) = tmp_path.iterdir()
    apis = json.loads(file.read_text())["workspace"]["apis"]
    assert [a["name"] for a in apis] == ["Shop", "Weather", "New API"]
    assert apis[0]["calls"][-1]["name"] == "New call"


def test_recovery_file_is_private(doc, tmp_path):
    """Unsaved work may hold anything typed: 0600 in a 0700 folder, whatever the umask."""
    folder = tmp_path / "recovery"
    old = os.umask(0o022)
    try:
        recovery = Recovery(doc, folder, interval_ms=60_000)
        edits.add_api(doc)
        written = recovery.write()
    finally:
        os.umask(old)
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_autosave_writes_in_the_background_what_the_document_was(doc, tmp_path, qtbot):
    """Edits made while the file is being written do not leak into it half-way."""
    import threading

    from designer.ui.window import recovery as recovery_module

    recovery = Recovery(doc, tmp_path, interval_ms=60_000)
    edits.add_api(doc)
    release, entered = threading.Event(), threading.Event()
    real = recovery_module._write_file
    thread_names: list[str] = []

    def held(*args):  # type: ignore[no-untyped-def]
        thread_names.append(threading.current_thread().name)
        entered.set()
        release.wait(10)
        real(*args)

    recovery_module._write_file = held  # type: ignore[assignment]
    try:
        recovery.write_if_needed()
        assert entered.wait(10)
        assert recovery.writing  # the window is free meanwhile
        edits.add_call(doc, doc.workspace.apis[-1].id)  # edited while the file is written
        release.set()
        qtbot.waitUntil(lambda: not recovery.writing)
    finally:
        recovery_module._write_file = real
    assert thread_names[0].startswith("recovery")  # not the thread that runs the window
    (file,) = tmp_path.iterdir()
    apis = json.loads(file.read_text())["workspace"]["apis"]
    assert apis[-1]["name"] == "New API"
    assert apis[-1]["calls"] == []  # the snapshot, not the later edit
    _autosave(recovery, qtbot)  # the later edit goes into the next write
    apis = json.loads(file.read_text())["workspace"]["apis"]
    assert [c["name"] for c in apis[-1]["calls"]] == ["New call"]


def test_discarding_while_a_write_is_under_way_leaves_no_file(doc, tmp_path, qtbot):
    recovery = Recovery(doc, tmp_path, interval_ms=60_000)
    edits.add_api(doc)
    recovery.write_if_needed()
    recovery.discard()  # the user closed the window and discarded the changes
    assert list(tmp_path.iterdir()) == []
    qtbot.wait(50)  # the report of the write, when it comes, changes nothing
    assert list(tmp_path.iterdir()) == []
    assert not recovery.writing


def test_recovery_files_are_private_and_hold_no_private_value(doc, tmp_path):
    import stat

    from designer.core.models import Parameter, Placement

    canary = "cnry-recovery-4f1d2c"
    api = doc.workspace.apis[0]
    # A private value that somehow reached the model is blanked on the way to the file.
    api.calls[0].parameters.append(
        Parameter(name="X-Sig", value=canary, private=True, placement=Placement.HEADER)
    )
    edits.add_api(doc)
    folder = tmp_path / "rec"
    file = Recovery(doc, folder, interval_ms=60_000).write()
    assert canary.encode() not in file.read_bytes()
    if os.name == "posix":
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
