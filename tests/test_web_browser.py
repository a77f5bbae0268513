"""The upload page as a person uses it, in headless Chromium (Debian's ``chromium``, driven by Playwright):
region staff see a municipality's form missing; the municipality signs in, downloads its template, uploads
a bad form (verdict, cell list, feedback workbook) and a good one (scores); region staff see it accepted.
One browser session for the whole flow; screenshots of the verdict and status pages, on a phone's width
and a desktop's, are saved in ``var/test-artefacts/web/``.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import sync_playwright

from shnor_core.settings import PROJECT_ROOT, DataHome
from tests.web_support import MONITORING, NAMES, OKTMO, PASSWORD, live_server, make_app
from tests.workbooks import form_values, write_submission

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which a closed network answers slowly.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTEFACTS = PROJECT_ROOT / "var" / "test-artefacts" / "web"
NARROW = {"width": 390, "height": 844}  # a phone
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    # skipped on a machine without Chromium; never in CI, whose .ci/run installs it (there a missing one fails)
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK) and not os.environ.get("CI"),
                       reason=f"no headless Chromium at {CHROMIUM} (Debian package `chromium`; .ci/run installs it)"),
]

# Kept across the page change after an upload: what the upload's status line said while the file went.
WATCH_STATUS = """() => {
  sessionStorage.setItem('said', '[]');
  const line = document.getElementById('upload-status');
  const bar = document.getElementById('upload-progress');
  new MutationObserver(() => {
    const said = JSON.parse(sessionStorage.getItem('said'));
    said.push({text: line.textContent, bar: !bar.hidden});
    sessionStorage.setItem('said', JSON.stringify(said));
  }).observe(line, {childList: true, characterData: true, subtree: true});
}"""


def wait_until_warm(base: str) -> float:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            seconds = json.loads(response.read())["checker_warm_up_seconds"]
        if seconds is not None:
            return seconds
        time.sleep(0.2)
    raise TimeoutError("the checker did not warm up")


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Окна мониторинга')")


def sign_out(page) -> None:
    page.click("header button:has-text('Выйти')")
    page.wait_for_url(re.compile(r".*/login$"))


def region_row(page, base: str, oktmo: str) -> str:
    page.goto(f"{base}/windows/{MONITORING}")
    return page.inner_text(f"#m-{oktmo}")


def upload_and_wait(page, path: Path) -> tuple[float, list[dict], dict]:
    """Choose the file, send it, wait for the verdict page; returns the seconds from click to verdict, what the
    status line said meanwhile, and the upload request's headers."""
    page.evaluate(WATCH_STATUS)
    page.set_input_files("input[type=file]", str(path))
    started = time.monotonic()
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/uploads")) as sent:
        page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/uploads/\d+$"))
    page.wait_for_selector("#verdict")
    seconds = time.monotonic() - started
    return seconds, json.loads(page.evaluate("sessionStorage.getItem('said')")), sent.value.headers


def shoot(page, name: str, viewport: dict) -> Path:
    page.set_viewport_size(viewport)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_municipality_hands_in_a_form_and_region_staff_see_it(tmp_path):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    oktmo = OKTMO["abinsk"]
    # a 2 in two 0/1 cells: read, then refused by the pipeline's GX suite (a "?" is refused at reading:
    # tests/test_web_http.py)
    bad = write_submission(tmp_path / "Абинский район (черновик).xlsx", NAMES["abinsk"],
                           form_values(MTKP_2=[1, 2, 0], MNC_3=[2, 1, 0]))
    good = write_submission(tmp_path / "Абинский район.xlsx", NAMES["abinsk"], form_values(MNC_3=[1, 0, 1]))
    app = make_app(DataHome(tmp_path / "home"), warm_up=True)
    timings = {}
    with live_server(app) as base, sync_playwright() as playwright:
        timings["checker_warm_up_seconds"] = wait_until_warm(base)
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport=NARROW, locale="ru-RU", accept_downloads=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(30_000)

            # region staff: the municipality has not handed in yet
            sign_in(page, base, "region")
            assert "не сдана" in region_row(page, base, oktmo)
            sign_out(page)

            # the municipality: its window, its template
            sign_in(page, base, "abinsk")
            assert "Абинский муниципальный район" in page.inner_text("header")
            page.click(f"a[href='/windows/{MONITORING}/municipalities/{oktmo}']")
            page.wait_for_selector("#upload-form")
            assert "не сдана" in page.inner_text("#own-status")
            with page.expect_download() as download:
                page.click("#template-link")
            template = tmp_path / "template.xlsx"
            download.value.save_as(template)
            meta = dict(row for row in openpyxl.load_workbook(template)["_meta"].iter_rows(values_only=True) if row[0])
            assert meta["municipality_oktmo"] == oktmo and download.value.suggested_filename.startswith("Шаблон")

            # a bad form: refused, the cells listed, the feedback workbook to download
            seconds, said, headers = upload_and_wait(page, bad)
            timings["refused_upload_to_verdict_seconds"] = round(seconds, 2)
            assert "x-csrf-token" in headers and "application/json" in headers["accept"]  # the XHR with progress
            assert any(s["bar"] and s["text"].startswith("Загрузка") for s in said), said
            assert any("идёт проверка" in s["text"] for s in said), said
            assert page.inner_text("#verdict h1") == "Форма отклонена"
            errors = page.inner_text("#errors")
            assert "C61" in errors and "МТКП-2. " in errors and "C29" in errors and "МНЦ-3. " in errors
            with page.expect_download() as download:
                page.click("#feedback-link")
            feedback = tmp_path / "feedback.xlsx"
            download.value.save_as(feedback)
            listed = {row[1] for row in openpyxl.load_workbook(feedback)["Ошибки"].iter_rows(values_only=True)}
            assert {"C61", "C29"} <= listed and download.value.suggested_filename.startswith("Ошибки")
            shoot(page, "verdict-refused-narrow", NARROW)
            shoot(page, "verdict-refused-desktop", DESKTOP)
            page.set_viewport_size(NARROW)

            # a good form: accepted, with scores and maxima
            page.click("text=окно мониторинга")
            page.wait_for_selector("#upload-form")
            seconds, _, _ = upload_and_wait(page, good)
            timings["accepted_upload_to_verdict_seconds"] = round(seconds, 2)
            assert page.inner_text("#verdict h1") == "Форма принята"
            scores = page.inner_text("main")
            assert "Баллы по показателям" in scores and "МНЦ-3. Доступность наставнической помощи" in scores
            shoot(page, "verdict-accepted-narrow", NARROW)
            shoot(page, "verdict-accepted-desktop", DESKTOP)
            page.set_viewport_size(NARROW)
            page.click("text=окно мониторинга")
            page.wait_for_selector("#history")
            assert "принята" in page.inner_text("#own-status")
            shoot(page, "municipality-window-narrow", NARROW)
            page.set_viewport_size(NARROW)
            history = page.inner_text("#history")
            assert "Абинский район.xlsx" in history and "отклонена" in history
            sign_out(page)

            # region staff: accepted now, with both versions behind it
            sign_in(page, base, "region")
            row = region_row(page, base, oktmo)
            assert "принята" in row and "не сдана" not in row
            assert page.inner_text("#count-accepted") == "1"
            assert "Абинский" not in page.inner_text("#reminders") and "43" in page.inner_text("details summary")
            shoot(page, "region-status-desktop", DESKTOP)
            shoot(page, "region-status-narrow", NARROW)
            page.click(f"#m-{oktmo} a")
            page.wait_for_selector("#history")
            assert page.locator("#history tbody tr").count() == 2
            assert page.locator("#upload-form").count() == 0  # region staff do not upload
        finally:
            context.close()
    (ARTEFACTS / "timings.json").write_text(json.dumps(timings, indent=1))
    print(timings)
    assert timings["accepted_upload_to_verdict_seconds"] < 10  # "within seconds"
