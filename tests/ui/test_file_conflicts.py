"""A workspace changed by another program is never overwritten unseen, nor a read-only one."""

from __future__ import annotations

import os
import stat

import pytest

from designer.core.workspace import file as wf
from designer.ui.editing import edits
from designer.ui.window.files import FileActions
from tests.helpers.workspaces import small_workspace


@pytest.fixture
def opened(window, tmp_path):
    path = tmp_path / "shop.workspace.json"
    wf.save(small_workspace(), path)
    assert window.files.load(path, ask=False)
    return path


def _theirs(path, name="Changed elsewhere"):
    other = small_workspace()
    other.name = name
    wf.save(other, path)
    return path.read_bytes()


@pytest.fixture
def answers(monkeypatch):
    """What the conflict questions answer, and a record of which were asked."""
    asked = []
    given = {"conflict": "cancel", "read_only": False, "reload": False}

    def ask(kind):
        def answer(self, *args):
            asked.append(kind)
            return given[kind]

        return answer

    monkeypatch.setattr(FileActions, "ask_conflict", ask("conflict"))
    monkeypatch.setattr(FileActions, "ask_read_only", ask("read_only"))
    monkeypatch.setattr(FileActions, "ask_reload", ask("reload"))
    return given, asked


def test_save_after_an_outside_change_asks_and_cancel_keeps_theirs(window, opened, answers):
    given, asked = answers
    window.doc.watcher.blockSignals(True)  # this test is about Save, not the watcher
    theirs = _theirs(opened)
    edits.add_api(window.doc)
    assert not window.files.save()
    assert asked == ["conflict"]
    assert opened.read_bytes() == theirs
    assert window.doc.is_dirty


def test_overwrite_replaces_theirs_with_mine(window, opened, answers):
    given, asked = answers
    window.doc.watcher.blockSignals(True)
    _theirs(opened)
    edits.add_api(window.doc)
    given["conflict"] = "overwrite"
    assert window.files.save()
    assert wf.load(opened).apis[-1].name == "New API"
    assert not window.doc.is_dirty


def test_reload_takes_theirs(window, opened, answers):
    given, asked = answers
    window.doc.watcher.blockSignals(True)
    _theirs(opened)
    edits.add_api(window.doc)
    given["conflict"] = "reload"
    assert window.files.save()
    assert window.doc.workspace.name == "Changed elsewhere"
    assert not window.doc.is_dirty


def test_a_clean_document_follows_the_file(window, opened, answers, qtbot):
    _, asked = answers
    _theirs(opened)
    qtbot.waitUntil(lambda: window.doc.workspace.name == "Changed elsewhere", timeout=5000)
    assert asked == []
    # The watch survives the replace: a second change is seen too.
    _theirs(opened, "Again")
    qtbot.waitUntil(lambda: window.doc.workspace.name == "Again", timeout=5000)


def test_a_dirty_document_asks_before_reloading(window, opened, answers, qtbot):
    given, asked = answers
    edits.add_api(window.doc)
    _theirs(opened)
    qtbot.waitUntil(lambda: asked == ["reload"], timeout=5000)
    assert window.doc.workspace.apis[-1].name == "New API"  # kept mine
    assert window.doc.is_dirty


def test_own_saves_are_not_changes_from_outside(window, opened, answers, qtbot):
    _, asked = answers
    edits.add_api(window.doc)
    assert window.files.save()
    edits.add_api(window.doc)
    assert window.files.save()
    qtbot.wait(300)
    assert asked == []
    assert window.doc.workspace.apis[-1].name.startswith("New API")


def test_read_only_workspace_is_refused_with_save_as_offered(window, opened, answers):
    given, asked = answers
    opened.chmod(0o444)
    before = opened.read_bytes()
    edits.add_api(window.doc)
    assert not window.files.save()
    assert asked == ["read_only"]
    assert opened.read_bytes() == before
    assert stat.S_IMODE(os.stat(opened).st_mode) == 0o444
