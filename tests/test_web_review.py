"""The review page of the upload site (issue 27): region staff see what waits for a person and decide on it through
``shnor.review`` — the code path of ``shnor review`` — and a municipal login sees nothing of it.

By hand: a registry of Абинский район with МБОУ СОШ № 1 (23001001) and МБОУ ООШ № 2 (23001002); a ВПР 2025 workbook
with СОШ № 1 (30 participants), «МБОУ СОШ № 44» (11, not in the registry) and, in Славянский район (no registry
there), «МБОУ СОШ № 42» (12). The reader takes the files into raw and the build's identity step
(``shnor.identity.resolve_identity``) resolves them: one name waits — «МБОУ СОШ № 44», 1 row, 11 participants;
СОШ № 42 is unregistered in a municipality without a registry, nothing to decide.
"""

from __future__ import annotations

import csv

import pytest

from shnor import ingest
from shnor.identity import crosswalk_path, load_crosswalk, resolve_identity
from shnor.review import items_json, review_items
from shnor_core import warehouse
from shnor_core.settings import DataHome
from tests.test_row_accounting import ABINSK, SLAVYANSK, vpr
from tests.web_support import client_for, make_app

WAITING = "МБОУ СОШ № 44"


@pytest.fixture
def scene(tmp_path):
    home = DataHome(tmp_path / "home")
    registry = home.landing / "reference" / "schools.csv"
    registry.parent.mkdir(parents=True)
    with open(registry, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Код ОО", "Наименование ОО", "ОКТМО МО"],
                                      ["23001001", "МБОУ СОШ № 1", ABINSK], ["23001002", "МБОУ ООШ № 2", ABINSK]])
    vpr(home.landing / "results" / "vpr_2025.xlsx", 2025, [
        ("МБОУ СОШ № 1", ABINSK, 30), (WAITING, ABINSK, 11), ("МБОУ СОШ № 42", SLAVYANSK, 12)])
    ingest.load_reference(home)
    ingest.ingest_school_data(home)
    resolve_identity(home)
    return {"home": home, "app": make_app(home)}


def status_of(home: DataHome, written: str) -> tuple[str, str | None]:
    row = warehouse.query(home.warehouse, "select status, school_key from identity.school_names "
                                          "where school_name_raw = ?", [written]).iloc[0]
    return row["status"], row["school_key"]


def test_region_staff_see_what_waits_with_its_stake(scene):
    client, _ = client_for(scene["app"], "region")
    page = client.get("/review")
    assert page.status_code == 200
    assert "Ждут решения: 0 назв. МО,\n  1 назв. школ; строк — 1,\n  участников — 11" in page.text
    assert f"«{WAITING}»" in page.text and "МБОУ СОШ № 42" not in page.text
    assert "ВПР 2025" in page.text and "нет в реестре МО" in page.text
    # the same items as `shnor review --json` (one function behind both)
    assert client.get("/review", headers={"accept": "application/json"}).json() == items_json(review_items(scene["home"]))
    everything = client.get("/review?show_all=true").text
    assert "МБОУ СОШ № 42" in everything and "МБОУ СОШ № 1" in everything


def test_a_municipal_login_sees_nothing_of_it_and_decides_nothing(scene):
    [item] = review_items(scene["home"])
    client, token = client_for(scene["app"], "abinsk")
    page = client.get("/review")
    assert page.status_code == 403 and "Нет доступа" in page.text and WAITING not in page.text
    assert client.get("/review", headers={"accept": "application/json"}).status_code == 403
    decided = client.post(f"/review/{item.name_id}", data={"csrf_token": token, "decision": "not_ours"},
                          follow_redirects=False)
    assert decided.status_code == 403
    assert not crosswalk_path(scene["home"]).exists()
    assert "/review" not in client.get("/").text  # the start page does not point a municipality to it


def test_a_decision_is_recorded_with_who_and_applies_on_the_next_build(scene):
    home = scene["home"]
    [item] = review_items(home)
    client, token = client_for(scene["app"], "region")
    assert 'href="/review"' in client.get("/").text
    decided = client.post(f"/review/{item.name_id}", data={"csrf_token": token, "decision": "map", "code": "23001002",
                                                           "note": "переименована"}, follow_redirects=False)
    assert decided.status_code == 303 and decided.headers["location"] == "/review"
    page = client.get("/review").text
    assert f"«{WAITING}»: сопоставлено с 23001002 (region," in page and "Применится при следующей сборке" in page
    assert "Записано: map 23001002" in page  # still listed until the build applies it
    [decision] = load_crosswalk(home).values()
    assert (decision.written_name, decision.decision, decision.target_code, decision.decided_by, decision.note) == (
        WAITING, "map", "23001002", "region", "переименована")
    assert status_of(home, WAITING) == ("unregistered", status_of(home, WAITING)[1])
    resolve_identity(home)  # the build's identity step: no file read again
    assert status_of(home, WAITING) == ("registered", "23001002")
    assert review_items(home) == []
    assert "Все названия сопоставлены" in client.get("/review").text


def test_not_ours_and_a_refused_decision(scene):
    home = scene["home"]
    [item] = review_items(home)
    client, token = client_for(scene["app"], "region")
    # the POST redirects to the list, which shows what came of it (once)
    refused = client.post(f"/review/{item.name_id}", data={"csrf_token": token, "decision": "map"}).text
    assert "Укажите код" in refused and "Укажите код" not in client.get("/review").text
    unknown = client.post("/review/ffffffff", data={"csrf_token": token, "decision": "confirm"}).text
    assert "Названия с номером «ffffffff» нет" in unknown
    assert not crosswalk_path(home).exists()
    assert client.post(f"/review/{item.name_id}", data={"decision": "not_ours"}).status_code == 403  # no CSRF token
    client.post(f"/review/{item.name_id}", data={"csrf_token": token, "decision": "not_ours"})
    resolve_identity(home)
    assert status_of(home, WAITING) == ("not_ours", None)
