"""sign-in from a terminal against the real authlib server; the "browser" is an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from designer import cli
from designer.core.models import Api, BearerAuth, Call, OAuth2AuthorizationCodeAuth, Workspace
from designer.core.workspace import file as wf
from tests.helpers import oauth_server as srv


@pytest.fixture
def server() -> Iterator[srv.OAuthServer]:
    started = srv.OAuthServer(lifetime=300).start()
    yield started
    started.stop()


def _workspace(tmp_path: Path, server: srv.OAuthServer) -> Path:
    auth = OAuth2AuthorizationCodeAuth(
        authorize_url=server.url + "/authorize",
        token_url=server.url + "/token",
        client_id=srv.PUBLIC_CLIENT_ID,
        scope="profile",
    )
    apis = [
        Api(
            name="Calendar",
            base_url=server.url,
            auth=auth,
            calls=[Call(name="Resource", path="/resource")],
        ),
        Api(name="Plain", base_url=server.url, auth=BearerAuth()),
    ]
    path = tmp_path / "ws.json"
    wf.save(Workspace(apis=apis), path)
    return path


def _browser(opened: list[str]):
    def play(url: str) -> bool:
        """What the user does: open the page, press Allow, land on the loopback redirect."""
        opened.append(url)
        with httpx.Client() as browser:
            page = browser.get(url)
            assert page.status_code == 200
            consent = browser.post(url, data={"confirm": "yes"})
            landing = browser.get(consent.headers["Location"])
            assert "Signed in" in landing.text
        return True

    return play


def test_sign_in_stores_the_tokens_and_init_uses_them(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    server: srv.OAuthServer,
) -> None:
    path = _workspace(tmp_path, server)
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", _browser(opened))
    code = cli.main(["sign-in", str(path), "--api", "calendar", "--timeout", "20"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "code_challenge_method=S256" in opened[0]
    assert f"to sign in: {opened[0]}" in err
    assert "Signed in to API 'Calendar'; the access and refresh tokens are in the keychain" in err
    (issued,) = server.state.tokens.values()
    stored = "\n".join(keyring.get_keyring().entries.values())  # type: ignore[attr-defined]
    assert issued.access_token in stored
    assert issued.refresh_token in stored
    code = cli.main(["init", str(path), "--call", "Calendar/Resource"])
    out2, err2 = capsys.readouterr()
    assert code == 0, err2
    assert out2.startswith("200 OK")
    # The tokens are canaries: printed nowhere, written to no file.
    for token in (issued.access_token, issued.refresh_token):
        assert token not in out + err + out2 + err2
        assert all(token not in p.read_text() for p in tmp_path.rglob("*") if p.is_file())


def test_sign_in_refuses_an_api_without_the_browser_flow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: srv.OAuthServer
) -> None:
    code = cli.main(["sign-in", str(_workspace(tmp_path, server)), "--api", "Plain"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "API 'Plain' does not sign in through a browser (its authentication is bearer)" in err
