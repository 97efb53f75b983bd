"""Remembered settings: recent files and first launch."""

from __future__ import annotations

from designer.ui.infra.settings import MAX_RECENT, Settings


def test_recent_files_most_recent_first_without_duplicates(settings, tmp_path):
    stored = Settings(settings)
    assert stored.first_launch
    assert stored.recent_files() == []
    for name in ("a", "b", "a"):
        stored.add_recent(tmp_path / name)
    assert stored.recent_files() == [tmp_path / "a", tmp_path / "b"]
    assert not stored.first_launch
    stored.remove_recent(tmp_path / "a")
    assert stored.recent_files() == [tmp_path / "b"]


def test_recent_files_are_capped(settings, tmp_path):
    stored = Settings(settings)
    for n in range(MAX_RECENT + 3):
        stored.add_recent(tmp_path / str(n))
    assert len(stored.recent_files()) == MAX_RECENT
    stored.clear_recent()
    assert stored.recent_files() == []
    assert not stored.first_launch


def test_geometry_is_kept_per_arrangement_of_screens(settings, monkeypatch) -> None:
    from PySide6.QtCore import QByteArray

    from designer.ui.infra import settings as settings_module
    from designer.ui.infra.settings import Settings

    store = Settings(settings)
    monkeypatch.setattr(settings_module, "screens_key", lambda: "laptop")
    store.set_geometry(QByteArray(b"laptop-geometry"))
    monkeypatch.setattr(settings_module, "screens_key", lambda: "docked")
    assert store.geometry() == QByteArray(b"laptop-geometry")  # nothing saved here yet
    store.set_geometry(QByteArray(b"docked-geometry"))
    monkeypatch.setattr(settings_module, "screens_key", lambda: "laptop")
    assert store.geometry() == QByteArray(b"laptop-geometry")
    monkeypatch.setattr(settings_module, "screens_key", lambda: "docked")
    assert store.geometry() == QByteArray(b"docked-geometry")


def test_settings_file_is_private(settings, tmp_path):
    import os

    stored = Settings(settings)
    old = os.umask(0o022)
    try:
        stored.add_recent(tmp_path / "a")
        stored.sync()
    finally:
        os.umask(old)
    assert oct(os.stat(settings.fileName()).st_mode & 0o777) == "0o600"


def test_settings_file_and_its_folder_are_private(tmp_path):
    import os
    import stat

    from PySide6.QtCore import QSettings

    from designer.ui.infra.settings import Settings

    folder = tmp_path / "Connector Designer"  # the app's own folder
    folder.mkdir(mode=0o755)
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    settings.add_recent(tmp_path / "w.json")
    settings.sync()
    if os.name == "posix":
        assert stat.S_IMODE((folder / "settings.ini").stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_last_workspace_is_the_latest_one_still_there(settings, tmp_path):
    s = Settings(settings)
    assert s.last_workspace() is None
    older, newer = tmp_path / "older.json", tmp_path / "newer.json"
    older.write_text("{}")
    s.add_recent(older)
    s.add_recent(newer)  # saved, then deleted or moved away
    assert s.last_workspace() == older
    newer.write_text("{}")
    assert s.last_workspace() == newer
