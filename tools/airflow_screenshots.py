"""Screenshots of the Airflow UI on a data home, as a newcomer sees it after ``make demo`` and
``make airflow``: the DAG list (the five DAGs, their calendar's next run) and the home's DAG runs.

    .venv/bin/python -m tools.airflow_screenshots --home var/demo [--port 8095] [--output var/screenshots/airflow]

Starts ``airflow standalone`` on the home (``shnor.airflow_local``), signs in as ``admin`` with the
password Airflow generated, drives headless Chromium (Debian's ``chromium``, through Playwright) and
stops every Airflow process again. The test ``tests/test_airflow_ui.py`` runs it on a home of its own.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

from shnor.airflow_local import ADMIN_USER, admin_password, start_standalone, stop_standalone, wait_until_serving
from shnor_core.settings import PROJECT_ROOT, DataHome

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which a closed network answers slowly.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1440, "height": 900}


@dataclass
class Screens:
    """What the screenshots show, as text read from the pages (for a test to check)."""

    paths: list[Path] = field(default_factory=list)
    dag_list: str = ""
    runs: str = ""
    process_group: int = 0  # the standalone's, stopped when the screenshots are taken


def take_screenshots(home: DataHome, port: int, folder: Path, dag_id: str = "shnor_close__mph-2025") -> Screens:
    folder.mkdir(parents=True, exist_ok=True)
    process = start_standalone(home, port, home.airflow_home / "standalone.log")
    screens = Screens(process_group=process.pid)
    try:
        wait_until_serving(port, process)
        password = admin_password(home, timeout=60)
        if not password:
            raise RuntimeError(f"Airflow не записал пароль администратора в {home.airflow_home}")
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{base}/")
            page.fill("input[name=username]", ADMIN_USER)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/auth/login" not in url)
            page.goto(f"{base}/dags")
            page.wait_for_selector(f"text={dag_id}", timeout=120_000)
            page.wait_for_timeout(1500)  # the last columns (latest run, next run) load after the names
            screens.dag_list = page.inner_text("body")
            screens.paths.append(_shot(page, folder / "airflow_dags.png"))
            page.goto(f"{base}/dag_runs")
            page.wait_for_selector(f"text={dag_id}", timeout=120_000)
            page.wait_for_timeout(1500)
            screens.runs = page.inner_text("body")
            screens.paths.append(_shot(page, folder / "airflow_dag_runs.png"))
            page.goto(f"{base}/dags/{dag_id}")
            page.wait_for_selector(f"text={dag_id}", timeout=120_000)
            page.wait_for_timeout(2500)
            screens.paths.append(_shot(page, folder / f"airflow_{dag_id}.png"))
            browser.close()
    finally:
        stop_standalone(process)
    return screens


def _shot(page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Снимки экрана веб-интерфейса Airflow на каталоге данных")
    parser.add_argument("--home", type=Path, default=PROJECT_ROOT / "var" / "demo")
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "var" / "screenshots" / "airflow")
    args = parser.parse_args()
    for path in take_screenshots(DataHome(args.home.resolve()), args.port, args.output).paths:
        print(path)


if __name__ == "__main__":
    main()
