"""The upload page over HTTP (FastAPI's test client): access on every route, CSRF, login rate limit, upload
limits and defences, what lands where, and the statuses shown."""

from __future__ import annotations

import http.client
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import openpyxl
import pytest
from argon2 import PasswordHasher
from fastapi.routing import APIRoute
from starlette.routing import Mount

from shnor.archive import landed_workbooks, received
from shnor.publish import published_marts
from shnor.web import accounts, intake
from shnor.web.settings import DISPLAY_ZONE, uploads_folder
from shnor.web.store import Store
from shnor_core.arrivals import arrival
from shnor_core.settings import DataHome
from shnor_core.sources import SUBMISSION, landing_folder
from tests.cli_in_process import shnor as shnor_in_process
from tests.web_support import (
    MONITORING,
    NAMES,
    OKTMO,
    PASSWORD,
    client_for,
    csrf_of,
    free_port,
    live_server,
    make_app,
    sign_in,
    upload,
)
from tests.workbooks import form_values, write_submission

GEL, ABINSK = OKTMO["gelendzhik"], OKTMO["abinsk"]


def good_form(folder: Path, login: str = "abinsk", name: str | None = None, **overrides) -> Path:
    return write_submission(folder / (name or f"{login}.xlsx"), NAMES[login], form_values(**overrides))


def bad_form(folder: Path, login: str = "abinsk") -> Path:
    # "?" in a 0/1 cell: refused at reading, before the GX suite (whose rules the browser test's bad form breaks)
    return write_submission(folder / f"{login}-bad.xlsx", NAMES[login], form_values(MTKP_2=[1, "?", 0]))


def landed(home: DataHome) -> list[Path]:
    """The files the pipeline will take in from the window's landing folder."""
    return landed_workbooks(landing_folder(home, SUBMISSION, MONITORING))


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Gelendzhik has handed in a good and a bad form; Abinsk (the other account of the access test) a good one."""
    home = DataHome(tmp_path_factory.mktemp("web-scene"))
    forms = tmp_path_factory.mktemp("web-scene-forms")
    app = make_app(home)
    gel, gel_token = client_for(app, "gelendzhik")
    good = upload(gel, gel_token, GEL, good_form(forms, "gelendzhik")).json()["upload_id"]
    bad = upload(gel, gel_token, GEL, bad_form(forms, "gelendzhik")).json()["upload_id"]
    abinsk, abinsk_token = client_for(app, "abinsk")
    upload(abinsk, abinsk_token, ABINSK, good_form(forms))
    gel_landed = next(p.name for p in landed(home) if p.name.startswith(GEL))
    return {"app": app, "home": home, "forms": forms, "good": good, "bad": bad, "gel_landed": gel_landed}


# --- access: every route, tried with another municipality's account -----------------------------------

@dataclass
class Case:
    url: Callable[[dict], str]  # the route pointed at Gelendzhik's resources
    other_municipality: int  # status for the Abinsk account
    region: int  # status for region staff
    public: bool = False
    form: Callable[[dict], dict] = field(default=lambda s: {})
    upload: bool = False


WINDOW = f"/windows/{MONITORING}"
CASES = {
    ("GET", "/healthz"): Case(lambda s: "/healthz", 200, 200, public=True),
    ("GET", "/login"): Case(lambda s: "/login", 303, 303, public=True),  # signed in already: on to the start page
    ("POST", "/login"): Case(lambda s: "/login", 401, 401, public=True,
                             form=lambda s: {"login": "gelendzhik", "password": "not the password"}),
    ("POST", "/logout"): Case(lambda s: "/logout", 303, 303),  # only ever ends one's own session
    ("GET", "/"): Case(lambda s: "/", 200, 200),
    ("GET", "/windows/{monitoring_id}"): Case(lambda s: WINDOW, 303, 200),  # a municipality: to its own page
    ("GET", "/windows/{monitoring_id}/reminders.xlsx"): Case(lambda s: f"{WINDOW}/reminders.xlsx", 403, 200),
    ("GET", "/windows/{monitoring_id}/landing/{file_name}"): Case(lambda s: f"{WINDOW}/landing/{s['gel_landed']}",
                                                                  403, 200),
    ("GET", "/windows/{monitoring_id}/municipalities/{oktmo}"): Case(lambda s: f"{WINDOW}/municipalities/{GEL}", 403, 200),
    ("GET", "/windows/{monitoring_id}/municipalities/{oktmo}/template"): Case(
        lambda s: f"{WINDOW}/municipalities/{GEL}/template", 403, 200),
    ("POST", "/windows/{monitoring_id}/municipalities/{oktmo}/uploads"): Case(
        lambda s: f"{WINDOW}/municipalities/{GEL}/uploads", 403, 403, upload=True),  # region staff do not upload
    ("GET", "/uploads/{upload_id}"): Case(lambda s: f"/uploads/{s['bad']}", 403, 200),
    ("GET", "/uploads/{upload_id}/file"): Case(lambda s: f"/uploads/{s['good']}/file", 403, 200),
    ("GET", "/uploads/{upload_id}/feedback"): Case(lambda s: f"/uploads/{s['bad']}/feedback", 403, 200),
    ("GET", "/review"): Case(lambda s: "/review", 403, 200),  # names waiting for a person: region staff only
    ("POST", "/review/{name_id}"): Case(lambda s: "/review/00000000", 403, 303, form=lambda s: {"decision": "confirm"}),
    # no warehouse in this scene: nothing to explain (tests/test_explain.py tries the page on a built cycle)
    ("GET", "/explain"): Case(lambda s: f"/explain?ref=municipality_totals/{MONITORING}/{GEL}", 404, 404),
    ("MOUNT", "/static"): Case(lambda s: "/static/style.css", 200, 200, public=True),
}


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, APIRoute):
            found |= {(method, route.path) for method in route.methods}
        elif isinstance(route, Mount):
            found.add(("MOUNT", route.path))
        else:
            found.add(("?", getattr(route, "path", repr(route))))
    return found


def test_every_route_has_an_access_rule_and_a_case_here(scene):
    """A new route fails this test until it has an access rule in the app and a cross-municipality case above."""
    app = scene["app"]
    assert app_routes(app) == set(CASES)
    assert {key for key in CASES if key[0] != "MOUNT"} == set(app.state.access)
    assert {key for key, case in CASES.items() if case.public} == \
           {key for key, rule in app.state.access.items() if rule == "public"} | {("MOUNT", "/static")}


def _call(client, token, method, case, scene):
    url = case.url(scene)
    if method == "GET" or method == "MOUNT":
        return client.get(url, follow_redirects=False)
    if case.upload:
        return upload(client, token, GEL, good_form(scene["forms"], "gelendzhik", "again.xlsx", MNC_1=[0]), as_json=False)
    return client.post(url, data={"csrf_token": token, **case.form(scene)}, follow_redirects=False)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_refuses_another_municipality(scene, key):
    method, _ = key
    case = CASES[key]
    before = landed(scene["home"])
    client, token = client_for(scene["app"], "abinsk")
    response = _call(client, token, method, case, scene)
    assert response.status_code == case.other_municipality, response.text
    assert landed(scene["home"]) == before
    if response.status_code == 403:
        assert "Нет доступа" in response.text
    if response.status_code == 200 and method == "GET" and "text/html" in response.headers["content-type"]:
        assert GEL not in response.text and "Геленджик" not in response.text
    if key == ("GET", "/windows/{monitoring_id}"):
        assert response.headers["location"] == f"{WINDOW}/municipalities/{ABINSK}"


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_serves_region_staff(scene, key):
    client, token = client_for(scene["app"], "region")
    response = _call(client, token, key[0], CASES[key], scene)
    assert response.status_code == CASES[key].region, response.text


@pytest.mark.parametrize("key", sorted(k for k, c in CASES.items() if not c.public), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_needs_signing_in(scene, key):
    client, _ = client_for(scene["app"])
    token = csrf_of(client.get("/login").text)  # a valid anonymous session: only signing in is missing
    response = _call(client, token, key[0], CASES[key], scene)
    if key[0] == "GET":
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 401


def test_region_pages_show_every_municipality(scene):
    client, _ = client_for(scene["app"], "region")
    page = client.get(WINDOW).text
    assert page.count('<tr id="m-') == 44
    assert "Геленджик" in page and "Абинский" in page
    assert "2</strong> из 44 приняты" in page
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{WINDOW}/reminders.xlsx").content))
    listed = [row[0] for row in workbook["Не сдали"].iter_rows(min_row=4, values_only=True)]
    assert len(listed) == 42 and GEL not in listed and ABINSK not in listed


# --- CSRF and signing in -------------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    return make_app(DataHome(tmp_path / "home"))


def test_every_post_needs_the_session_csrf_token(app, tmp_path):
    client, token = client_for(app, "abinsk")
    post_routes = sorted(path for method, path in app_routes(app) if method == "POST")
    assert post_routes == ["/login", "/logout", "/review/{name_id}",
                           "/windows/{monitoring_id}/municipalities/{oktmo}/uploads"]
    path = good_form(tmp_path)
    stranger, _ = client_for(app, "gelendzhik")  # another session's token is no token
    foreign = csrf_of(stranger.get("/").text)
    for sent in (None, "", foreign):
        assert client.post("/logout", data={"csrf_token": sent} if sent is not None else {},
                           follow_redirects=False).status_code == 403
        assert client.post("/login", data={"login": "abinsk", "password": PASSWORD, "csrf_token": sent or ""},
                           follow_redirects=False).status_code == 403
        response = upload(client, sent, ABINSK, path)
        assert response.status_code == 403 and "обновите" in response.json()["error"]
        headers = {"x-csrf-token": sent or "x", "accept": "application/json"}
        assert client.post(f"{WINDOW}/municipalities/{ABINSK}/uploads", headers=headers,
                           files={"workbook": ("f.xlsx", path.read_bytes())}).status_code == 403
    region, _ = client_for(app, "region")  # a decision on a name: region staff, and the token all the same
    for sent in (None, "", foreign):
        refused = region.post("/review/00000000", data={"decision": "not_ours", **({"csrf_token": sent} if sent is not None
                                                                                  else {})},
                              headers={"accept": "application/json"}, follow_redirects=False)
        assert refused.status_code == 403 and "обновите" in refused.json()["error"]
    assert landed(app.state.home) == []
    assert list((uploads_folder(app.state.home) / MONITORING / ABINSK).glob("*.xlsx")) == []
    assert upload(client, token, ABINSK, path).status_code == 200  # and with it, it goes through
    client.headers["x-csrf-token"] = token
    assert client.post("/logout", follow_redirects=False).status_code == 303


def test_login_is_rate_limited_per_login(app):
    client, _ = client_for(app)
    token = csrf_of(client.get("/login").text)

    def attempt(login, password):
        return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                           follow_redirects=False)

    for _ in range(5):
        response = attempt("abinsk", "wrong password")
        assert response.status_code == 401 and "Неверный логин или пароль" in response.text
    limited = attempt("abinsk", PASSWORD)  # even the right password, once the limit is reached
    assert limited.status_code == 429 and "Слишком много неудачных попыток" in limited.text
    assert 0 < int(limited.headers["retry-after"]) <= 15 * 60
    assert "login" not in client.cookies.get("shnor_session", "")
    assert attempt("gelendzhik", PASSWORD).status_code == 303  # other logins are not locked out
    with sqlite3.connect(app.state.store.path) as con:
        assert con.execute("select count(*) from login_attempts where login = 'abinsk' and success = 0").fetchone()[0] == 5


def test_unknown_login_counts_and_open_redirect_is_refused(app):
    client, _ = client_for(app)
    token = csrf_of(client.get("/login?next=//evil.example/x").text)
    assert 'value="/"' in client.get("/login?next=https://evil.example").text
    response = client.post("/login", data={"login": "gelendzhik", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/"
    client, _ = client_for(app)
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        assert client.post("/login", data={"login": "nobody", "password": "x", "csrf_token": token}).status_code == 401
    assert client.post("/login", data={"login": "nobody", "password": "x", "csrf_token": token}).status_code == 429


def test_a_disabled_account_loses_its_session(app):
    client, _ = client_for(app, "abinsk")
    assert client.get("/", follow_redirects=False).status_code == 200
    app.state.store.set_disabled("abinsk", True)
    assert client.get("/", follow_redirects=False).status_code == 303
    fresh, _ = client_for(app)
    token = csrf_of(fresh.get("/login").text)
    assert fresh.post("/login", data={"login": "abinsk", "password": PASSWORD, "csrf_token": token}).status_code == 401


def test_session_cookie_is_signed_and_http_only(app):
    client, _ = client_for(app, "abinsk")
    response = client.get("/login")
    client2, _ = client_for(app)
    client2.cookies.set("shnor_session", client.cookies["shnor_session"][:-3] + "AAA")  # tampered signature
    assert client2.get("/", follow_redirects=False).status_code == 303
    fresh = client_for(app)[0].get("/login")
    assert "httponly" in fresh.headers["set-cookie"].lower() and "samesite=lax" in fresh.headers["set-cookie"].lower()
    assert response.headers["x-frame-options"] == "DENY" and "default-src 'self'" in response.headers[
        "content-security-policy"]


# --- uploads: limits and defences ----------------------------------------------------------------------

def test_upload_over_the_size_limit_is_refused_and_nothing_kept(tmp_path):
    app = make_app(DataHome(tmp_path / "home"), max_upload_bytes=64 * 1024)
    client, token = client_for(app, "abinsk")
    big = tmp_path / "big.xlsx"
    big.write_bytes(os.urandom(200 * 1024))
    response = upload(client, token, ABINSK, big)
    assert response.status_code == 413 and "больше" in response.json()["error"]
    big.write_bytes(os.urandom(80 * 1024))  # over the file limit, within the body's allowance for headers
    assert upload(client, token, ABINSK, big).status_code == 413
    folder = uploads_folder(app.state.home) / MONITORING / ABINSK
    assert [p for p in folder.iterdir()] == [] and landed(app.state.home) == []
    assert app.state.store.uploads(MONITORING) == []


def test_only_workbooks_and_one_file(app, tmp_path):
    client, token = client_for(app, "abinsk")
    text = tmp_path / "form.csv"
    text.write_text("a,b")
    response = upload(client, token, ABINSK, text)
    assert response.status_code == 415 and ".xlsx или .xls" in response.json()["error"]
    response = client.post(f"{WINDOW}/municipalities/{ABINSK}/uploads", data={"csrf_token": token},
                           files={"workbook": ("", b"")}, headers={"accept": "application/json"})
    assert response.status_code == 400 and "Выберите файл" in response.json()["error"]
    response = client.post(f"{WINDOW}/municipalities/{ABINSK}/uploads", data={"csrf_token": token},
                           headers={"accept": "application/json"})
    assert response.status_code == 400


def test_hostile_file_gets_a_verdict_not_a_crash(app, tmp_path):
    client, token = client_for(app, "abinsk")
    fake = tmp_path / "форма.xlsx"
    fake.write_bytes(b"<html>not a workbook</html>")
    response = upload(client, token, ABINSK, fake)
    assert response.status_code == 200
    record = app.state.store.upload(response.json()["upload_id"])
    assert not record.accepted and "не является книгой Excel" in record.errors[0]["rule"]
    assert landed(app.state.home) == []
    assert client.get(f"/uploads/{record.id}/feedback").status_code == 200  # the «Ошибки» sheet alone


def test_one_upload_at_a_time_per_municipality_and_window(app, tmp_path):
    client, token = client_for(app, "abinsk")
    path = good_form(tmp_path)
    with intake.upload_slot(app.state.home, MONITORING, ABINSK):  # another upload of Abinsk is under way
        response = upload(client, token, ABINSK, path)
        assert response.status_code == 409 and "уже загружается" in response.json()["error"]
        other, other_token = client_for(app, "gelendzhik")  # another municipality is not held up
        assert upload(other, other_token, GEL, good_form(tmp_path, "gelendzhik")).status_code == 200
    assert upload(client, token, ABINSK, path).status_code == 200


def test_the_sent_name_is_never_a_path(app, tmp_path):
    client, token = client_for(app, "abinsk")
    response = upload(client, token, ABINSK, good_form(tmp_path), name="../../../../etc/evil name.xlsx")
    record = app.state.store.upload(response.json()["upload_id"])
    assert record.accepted and record.original_name == "evil name.xlsx"
    home = app.state.home.root
    files = sorted(str(p.relative_to(home)) for p in home.rglob("*.xlsx"))
    assert all("evil" not in f for f in files)
    assert not (tmp_path / "etc").exists()
    assert client.get(f"/uploads/{record.id}").text.count("evil name.xlsx") == 1  # shown, as text
    response = upload(client, token, ABINSK, good_form(tmp_path, MNC_1=[0]), name='<img src=x onerror="alert(1)">.xlsx')
    page = client.get(f"/uploads/{response.json()['upload_id']}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page  # escaped: text, never markup


# --- what an upload produces ---------------------------------------------------------------------------

def test_accepted_upload_lands_like_a_file_placed_by_hand(app, tmp_path):
    client, token = client_for(app, "abinsk")
    response = upload(client, token, ABINSK, good_form(tmp_path), as_json=False)
    assert response.status_code == 303
    record = app.state.store.upload(int(response.headers["location"].rsplit("/", 1)[1]))
    [file] = landed(app.state.home)
    assert file.name == Path(record.landed_file).name
    stamp = record.uploaded_at.astimezone(timezone.utc)  # the name carries the UTC moment of the upload
    assert file.name.startswith(f"{ABINSK}_МО_Абинский_район_{stamp:%Y%m%dT%H%M%S}Z")
    assert file.name.endswith(f"_{record.sha256[:12]}.xlsx")
    assert file.read_bytes() == (tmp_path / "abinsk.xlsx").read_bytes()
    received_at, received_by = arrival(file)  # the pipeline's "received": the upload time, never the mtime
    assert abs(received_at.replace(tzinfo=timezone.utc).timestamp() - record.uploaded_at.timestamp()) < 1
    assert received_by == "страница приёма форм: abinsk"
    assert record.uploaded_at.astimezone(DISPLAY_ZONE).date() == date(2025, 6, 5) and record.login == "abinsk"
    assert record.original_name == "abinsk.xlsx" and record.accepted and record.errors == []
    page = client.get(response.headers["location"]).text
    assert "Форма принята" in page and "Баллы по показателям" in page and "МНЦ-3. Доступность наставнической помощи" in page
    mnc3 = next(i for i in record.indicators if i["code"] == "MNC-3")
    assert mnc3["score"] == 3 and mnc3["max"] == 3


def test_refused_upload_keeps_the_file_and_gives_feedback(app, tmp_path):
    client, token = client_for(app, "abinsk")
    record = app.state.store.upload(upload(client, token, ABINSK, bad_form(tmp_path)).json()["upload_id"])
    assert not record.accepted and landed(app.state.home) == []
    cells = {(e["cell"], e["indicator"]) for e in record.errors}
    assert ("C61", "MTKP-2") in cells
    assert (app.state.home.root / record.stored_file).read_bytes() == (tmp_path / "abinsk-bad.xlsx").read_bytes()
    page = client.get(f"/uploads/{record.id}").text
    assert "Форма отклонена" in page and "C61" in page and "значение не является числом" in page
    feedback = client.get(f"/uploads/{record.id}/feedback")
    assert feedback.status_code == 200 and "filename*=utf-8''" in feedback.headers["content-disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(feedback.content))
    assert workbook.sheetnames[0] == "Ошибки"
    assert any(row[1] == "C61" for row in workbook["Ошибки"].iter_rows(values_only=True))
    assert workbook["Мониторинг"]["C61"].comment is not None


def test_a_form_of_another_municipality_is_refused(app, tmp_path):
    client, token = client_for(app, "abinsk")
    record = app.state.store.upload(upload(client, token, ABINSK, good_form(tmp_path, "gelendzhik")).json()["upload_id"])
    assert not record.accepted and record.read_municipality_oktmo == GEL
    assert "за другое муниципальное образование" in record.errors[-1]["rule"]
    assert landed(app.state.home) == []
    assert "муниципалитет может сдать форму только за себя" in client.get(f"/uploads/{record.id}").text


def test_template_is_the_municipality_s_own(app):
    client, _ = client_for(app, "abinsk")
    response = client.get(f"{WINDOW}/municipalities/{ABINSK}/template")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    meta = dict(row for row in workbook["_meta"].iter_rows(values_only=True) if row[0])
    assert meta["municipality_oktmo"] == ABINSK and meta["monitoring_id"] == MONITORING


# --- statuses ----------------------------------------------------------------------------------------

def test_versions_superseded_refused_and_late(tmp_path):
    home = DataHome(tmp_path / "home")
    client, token = client_for(make_app(home), "abinsk")
    first = upload(client, token, ABINSK, good_form(tmp_path, name="v1.xlsx")).json()["upload_id"]
    upload(client, token, ABINSK, bad_form(tmp_path))
    late_client, late_token = client_for(make_app(home, today=date(2025, 6, 13)), "abinsk")  # in the grace days
    upload(late_client, late_token, ABINSK, good_form(tmp_path, name="v2.xlsx", MNC_1=[0]))
    duplicate = upload(late_client, late_token, ABINSK, tmp_path / "v1.xlsx").json()["upload_id"]
    page = late_client.get(f"{WINDOW}/municipalities/{ABINSK}").text
    assert "льготный срок" in page
    history = page[page.index('id="history"'):]
    labels = [history.split("badge-")[i].split(">")[1].split("<")[0] for i in range(1, history.count("badge-") + 1)]
    # newest first: the re-sent v1 (counted at its first landing: superseded), v2 late, refused, v1 superseded
    assert labels == ["заменена новой версией", "с опозданием", "принята", "с опозданием", "отклонена",
                      "заменена новой версией"]
    own = page[page.index('id="own-status"'):page.index("</dd>", page.index('id="own-status"'))]
    assert "принята" in own and "с опозданием" in own
    assert len(landed(home)) == 2  # the duplicate was not landed again
    assert "уже был принят" in late_client.get(f"/uploads/{duplicate}").text
    assert Store(home).upload(first).landed_file and Store(home).upload(duplicate).landed_file is None


def test_closed_window_takes_no_upload(tmp_path):
    client, token = client_for(make_app(DataHome(tmp_path / "home"), today=date(2025, 6, 20)), "abinsk")
    assert "приём завершён" in client.get("/").text
    page = client.get(f"{WINDOW}/municipalities/{ABINSK}").text
    assert 'id="upload-form"' not in page and "завершён 14.06.2025" in page
    response = upload(client, token, ABINSK, good_form(tmp_path))
    assert response.status_code == 403 and "завершён" in response.json()["error"]


def test_status_joins_the_published_marts(tmp_path):
    """A form placed in the landing folder by hand is known from the published mart; a later page upload
    supersedes it."""
    home = DataHome(tmp_path / "home")
    app = make_app(home)
    path = published_marts(home)
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.mart_submission_status (monitoring_id varchar, municipality_oktmo varchar, "
                "municipality_name varchar, submission_status varchar, is_late boolean, versions_received integer, "
                "versions_rejected integer, current_file varchar, current_sha256 varchar, current_received_at timestamp)")
    con.execute("insert into marts.mart_submission_status values "
                "('mph-2025', '03601000', 'Абинский', 'accepted', false, 1, 0, 'Абинский по почте.xlsx', 'abc', "
                "'2025-06-02 10:00:00'), "
                "('mph-2025', '03708000', 'Геленджик', 'rejected', false, 1, 1, null, null, null)")
    con.close()
    region, _ = client_for(app, "region")
    page = region.get(WINDOW).text
    abinsk_row = page[page.index(f'id="m-{ABINSK}"'):page.index("</tr>", page.index(f'id="m-{ABINSK}"'))]
    assert "принята" in abinsk_row and "Абинский по почте.xlsx" in abinsk_row
    gel_row = page[page.index(f'id="m-{GEL}"'):page.index("</tr>", page.index(f'id="m-{GEL}"'))]
    assert "отклонена" in gel_row
    client, token = client_for(app, "abinsk")
    upload(client, token, ABINSK, good_form(tmp_path))
    own = client.get(f"{WINDOW}/municipalities/{ABINSK}").text
    assert "получено версий: 1" in own and "версия от 05.06.2025" in own


def test_received_time_is_the_upload_time_for_the_pipeline(app, tmp_path):
    client, token = client_for(app, "abinsk")
    record = app.state.store.upload(upload(client, token, ABINSK, good_form(tmp_path)).json()["upload_id"])
    [file] = landed(app.state.home)
    uploaded = record.uploaded_at.astimezone(timezone.utc).replace(tzinfo=None)
    assert abs((received(file)[0] - uploaded).total_seconds()) < 1  # what shnor.ingest records as received_at
    assert record.uploaded_at.astimezone(DISPLAY_ZONE).date() == date(2025, 6, 5) < datetime.now(timezone.utc).date()


def test_passwords_are_stored_as_argon2id_hashes_with_the_recommended_parameters(tmp_path, monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())  # the application's own, not the tests' cheap one
    store = Store(DataHome(tmp_path))
    account = accounts.add_account(store, "Sochi", "a long enough password", "03726000")
    assert account.login == "sochi" and account.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long enough password" not in store.path.read_bytes().decode("latin-1")
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(accounts.AccountError, match="уже есть"):
        accounts.add_account(store, "sochi", "another long password", "03726000")
    with pytest.raises(accounts.AccountError, match="слишком короткий"):
        accounts.add_account(store, "anapa", "short", "03703000")


def test_sign_in_page_and_windows_list(app):
    client, _ = client_for(app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=/"
    sign_in(client, "abinsk")
    page = client.get("/").text
    assert "Абинский муниципальный район" in page and "не сдана" in page and "идёт приём" in page


# --- the commands ------------------------------------------------------------------------------------

SHNOR = str(Path(sys.executable).with_name("shnor"))


def shnor_here(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The same command in this process (tests/cli_in_process.py): what it says and returns."""
    return shnor_in_process("--home", str(home), *args, stdin=stdin)


def test_users_commands(tmp_path):
    added = shnor_here(tmp_path, "users", "add", "abinsk", "--municipality", ABINSK, "--password-stdin",
                       stdin="a long enough password\n")
    assert added.returncode == 0 and "Абинский муниципальный район" in added.stdout, added.stderr
    assert shnor_here(tmp_path, "users", "add", "region", "--region", "--password-stdin",
                      stdin="another long one\n").returncode == 0
    again = shnor_here(tmp_path, "users", "add", "abinsk", "--municipality", ABINSK, "--password-stdin", stdin="x" * 12)
    assert again.returncode == 1 and "уже есть" in again.stderr
    assert shnor_here(tmp_path, "users", "disable", "abinsk").returncode == 0
    listed = shnor_here(tmp_path, "users", "list").stdout
    assert "abinsk" in listed and "отключён" in listed and "region" in listed
    assert shnor_here(tmp_path, "users", "disable", "nobody").returncode == 1
    store = Store(DataHome(tmp_path))
    assert store.account("abinsk").disabled and not store.account("region").disabled


def test_serve_needs_a_secret_outside_the_demo_and_starts(tmp_path, monkeypatch):
    env = {"SHNOR_WEB_SECRET": ""}
    monkeypatch.setenv("SHNOR_WEB_SECRET", "")
    refused = shnor_here(tmp_path, "serve")
    assert refused.returncode == 2 and "SHNOR_WEB_SECRET" in refused.stderr
    monkeypatch.setenv("SHNOR_WEB_SECRET", "short")
    short = shnor_here(tmp_path, "serve")
    assert short.returncode == 2 and "слишком короткий" in short.stderr
    port = free_port()
    process = subprocess.Popen([SHNOR, "--home", str(tmp_path), "serve", "--demo", "--port", str(port)],
                               env={**os.environ, **env, "SHNOR_WEB_TODAY": "2025-06-05"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert json.loads(response.read())["status"] == "ok"
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        secret = tmp_path / "web" / "secret"
        assert oct(secret.stat().st_mode & 0o777) == "0o600" and len(secret.read_text()) >= 32
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "05.06.2025" in output and "shnor users add" in output


def test_a_second_upload_while_one_is_under_way_gets_409_through_the_server(tmp_path):
    """Through uvicorn: the first upload has sent half its file; a second one of the same municipality and
    window is refused at once, and the first then completes."""
    app = make_app(DataHome(tmp_path / "home"))
    client, token = client_for(app, "abinsk")
    cookie = f"shnor_session={client.cookies['shnor_session']}"
    path = f"{WINDOW}/municipalities/{ABINSK}/uploads"
    boundary = "----shnor-test-boundary"
    content = good_form(tmp_path).read_bytes()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"a.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body)),
               "Cookie": cookie, "X-CSRF-Token": token, "Accept": "application/json"}

    def held() -> bool:
        try:
            with intake.upload_slot(app.state.home, MONITORING, ABINSK):
                return False
        except intake.UploadRefused:
            return True

    with live_server(app) as base:
        host, port = base.removeprefix("http://").split(":")
        first = http.client.HTTPConnection(host, int(port), timeout=30)
        first.putrequest("POST", path)
        for name, value in headers.items():
            first.putheader(name, value)
        first.endheaders()
        first.send(body[:len(body) // 2])
        deadline = time.monotonic() + 10
        while not held():
            assert time.monotonic() < deadline, "the first upload never took its slot"
            time.sleep(0.05)
        second = http.client.HTTPConnection(host, int(port), timeout=30)
        second.request("POST", path, body=body, headers=headers)
        refused = second.getresponse()
        assert refused.status == 409 and "уже загружается" in json.loads(refused.read())["error"]
        first.send(body[len(body) // 2:])
        accepted = first.getresponse()
        assert accepted.status == 200 and "redirect" in json.loads(accepted.read())
    assert len(landed(app.state.home)) == 1
