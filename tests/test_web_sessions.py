"""The upload site's sessions over HTTP: signing out and a new password end a session on the server (a
replayed cookie opens nothing); a guesser is slowed per account and address, never locking the municipality
out from its own address; behind a proxy only the configured proxies' X-Forwarded-For is believed; a
production deployment refuses a generated secret and sends its cookie over HTTPS only; a municipality's
verdict page leaves out the file's checksum."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from shnor.web.accounts import add_account
from shnor.web.app import SESSION_COOKIE, create_app
from shnor.web.settings import settings_from_env
from shnor.web.store import Store
from shnor_core.settings import DataHome
from tests.web_support import OKTMO, PASSWORD, SECRET, client_for, csrf_of, free_port, make_app, sign_in, upload
from tests.workbooks import form_values, write_submission

SHNOR = str(Path(sys.executable).with_name("shnor"))


@pytest.fixture
def app(tmp_path):
    return make_app(DataHome(tmp_path / "home"))


def _signed_in(client: TestClient) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_a_cookie_replayed_after_signing_out_opens_nothing(app):
    client, token = client_for(app, "abinsk")
    cookie = client.cookies[SESSION_COOKIE]
    client.headers["x-csrf-token"] = token
    assert client.post("/logout", follow_redirects=False).status_code == 303
    replayed = TestClient(app, cookies={SESSION_COOKIE: cookie})
    assert not _signed_in(replayed)
    assert replayed.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_a_new_password_ends_the_open_sessions(app):
    client, _ = client_for(app, "abinsk")
    other, _ = client_for(app, "gelendzhik")
    add_account(app.state.store, "abinsk", "a new password 2025", OKTMO["abinsk"], replace=True)  # shnor users add --replace
    assert not _signed_in(client)
    assert _signed_in(other)  # another account's session stays
    again = TestClient(app)
    sign_in(again, "abinsk", "a new password 2025")
    assert _signed_in(again)


def _attempt(client: TestClient, login: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                       follow_redirects=False)


def test_a_stranger_cannot_lock_a_municipality_out(app):
    stranger = TestClient(app, client=("203.0.113.9", 40000))
    answers = [_attempt(stranger, "abinsk", "guess").status_code for _ in range(8)]
    assert answers == [401] * 5 + [429] * 3  # slowed after 5 failures from this address
    municipality = TestClient(app, client=("198.51.100.20", 40000))
    assert _attempt(municipality, "abinsk", PASSWORD).status_code == 303  # its own address: never locked out
    assert _signed_in(municipality)


def test_the_guesser_waits_twice_as_long_after_each_failure(app):
    """7 failures from one address, the last a second ago: the wait is 30 s × 2^(7 − 5) = 120 s from it."""
    now = time.time()
    for seconds_ago in (60, 50, 40, 30, 20, 10, 1):
        app.state.store.record_attempt("abinsk", "203.0.113.9", now - seconds_ago, False)
    limited = _attempt(TestClient(app, client=("203.0.113.9", 40000)), "abinsk", PASSWORD)
    assert limited.status_code == 429 and 110 <= int(limited.headers["retry-after"]) <= 120


def test_a_production_cookie_is_secure_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SHNOR_ENV", "production")
    monkeypatch.setenv("SHNOR_WEB_SECRET", SECRET)
    monkeypatch.delenv("SHNOR_WEB_HTTPS_ONLY", raising=False)
    home = DataHome(tmp_path / "home")
    settings = settings_from_env(home)
    assert settings.https_only
    app = create_app(home, settings, warm_up=False)
    add_account(app.state.store, "abinsk", PASSWORD, OKTMO["abinsk"])
    client = TestClient(app, base_url="https://testserver")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"login": "abinsk", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303 and "secure" in response.headers["set-cookie"].lower()
    monkeypatch.setenv("SHNOR_WEB_HTTPS_ONLY", "0")  # an explicit choice still holds (a TLS-less closed network)
    assert not settings_from_env(home).https_only


def _environment(home: Path, **extra) -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SHNOR_ENV", "SHNOR_WEB_SECRET", "SHNOR_WEB_TRUSTED_PROXIES")}
    return {**environment, "SHNOR_HOME": str(home), "GX_ANALYTICS_ENABLED": "False", **extra}


def test_production_refuses_to_start_with_a_generated_secret(tmp_path):
    completed = subprocess.run([SHNOR, "serve", "--demo", "--port", str(free_port())], capture_output=True, text=True,
                               env=_environment(tmp_path / "home", SHNOR_ENV="production"), timeout=120)
    assert completed.returncode == 2
    assert "не запускается без SHNOR_WEB_SECRET" in completed.stderr
    assert not (tmp_path / "home" / "web" / "secret").exists()


def test_a_forged_forwarded_for_does_not_defeat_the_address_limit(tmp_path):
    """`shnor serve --behind-proxy` as deployed; the test is the proxy (127.0.0.1, trusted by default), which
    appends the real client's address to whatever X-Forwarded-For the client forged."""
    home = tmp_path / "home"
    Store(DataHome(home))
    port = free_port()
    server = subprocess.Popen([SHNOR, "serve", "--behind-proxy", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=_environment(home, SHNOR_WEB_SECRET=SECRET))
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, "shnor serve did not start"
                    time.sleep(0.2)
            answers = []
            for n in range(21):  # 21 logins, each with another forged address, all from one real client
                forwarded = {"x-forwarded-for": f"10.9.{n}.{n}, 198.51.100.7"}
                token = csrf_of(client.get("/login", headers=forwarded).text)
                answers.append(client.post("/login", headers=forwarded, follow_redirects=False, data={
                    "login": f"guess{n}", "password": "x", "csrf_token": token}).status_code)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert answers == [401] * 20 + [429]  # the per-address limit (20) counts the real client, 198.51.100.7
    with Store(DataHome(home)).connect() as con:
        assert {row[0] for row in con.execute("select distinct client from login_attempts")} == {"198.51.100.7"}


def test_the_checksum_is_shown_to_region_staff_only(app, tmp_path):
    """A municipality reads its verdict without the file's SHA-256; region staff keep it to trace the file."""
    client, token = client_for(app, "abinsk")
    path = write_submission(tmp_path / "abinsk.xlsx", "МО Абинский район", form_values())
    upload_id = upload(client, token, OKTMO["abinsk"], path).json()["upload_id"]
    sha256 = app.state.store.upload(upload_id).sha256
    own = client.get(f"/uploads/{upload_id}").text
    assert "Контрольная сумма" not in own and sha256[:16] not in own
    region, _ = client_for(app, "region")
    staff = region.get(f"/uploads/{upload_id}").text
    assert "Контрольная сумма" in staff and sha256[:16] in staff
