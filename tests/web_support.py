"""What the upload page's tests share: an app on a temporary home with the demo region's calendar (window
mph-2025, region 23, 2025-06-01..2025-06-11, grace 3 days), accounts, signing in, and a live uvicorn server."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import uvicorn
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from shnor.web import accounts
from shnor.web.accounts import add_account
from shnor.web.app import create_app
from shnor.web.settings import WebSettings
from shnor_core.settings import DataHome

SECRET = "test-secret-" + "x" * 40
TODAY = date(2025, 6, 5)  # inside the window mph-2025
PASSWORD = "correct horse battery"
ACCOUNTS = {"abinsk": "03601000", "gelendzhik": "03708000", "region": None}
OKTMO = {"abinsk": "03601000", "gelendzhik": "03708000"}
NAMES = {"abinsk": "МО Абинский район", "gelendzhik": "г. Геленджик"}  # as a municipality writes it on the form
MONITORING = "mph-2025"

# Cheap Argon2 parameters for the tests' many sign-ins (the real ones take ~0.3 s a hash on a shared CI core);
# test_web_http checks that the application's own hasher uses the library's recommended parameters.
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def settings(**overrides) -> WebSettings:
    return replace(WebSettings(secret=SECRET, today=TODAY), **overrides)


def make_app(home: DataHome, warm_up: bool = False, **overrides):
    app = create_app(home, settings(**overrides), warm_up=warm_up)
    for login, oktmo in ACCOUNTS.items():
        add_account(app.state.store, login, PASSWORD, oktmo, replace=True)
    return app


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def client_for(app, login: str | None = None) -> tuple[TestClient, str | None]:
    client = TestClient(app)
    return client, (sign_in(client, login) if login else None)


def upload(client: TestClient, token: str | None, oktmo: str, path, name: str | None = None, as_json: bool = True,
           monitoring: str = MONITORING):
    headers = {"accept": "application/json"} if as_json else {}
    data = {"csrf_token": token} if token else {}
    return client.post(f"/windows/{monitoring}/municipalities/{oktmo}/uploads",
                       files={"workbook": (name or path.name, path.read_bytes())}, data=data, headers=headers,
                       follow_redirects=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def live_server(app):
    """The app under uvicorn on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="shnor-web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
