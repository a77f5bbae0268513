"""The upload page's settings: the session secret, the date it takes for "today", cookie and upload limits."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from shnor_core.safety import MAX_FILE_BYTES
from shnor_core.settings import DataHome, is_production

SECRET_ENV = "SHNOR_WEB_SECRET"
TODAY_ENV = "SHNOR_WEB_TODAY"
HTTPS_ENV = "SHNOR_WEB_HTTPS_ONLY"
TRUSTED_PROXIES_ENV = "SHNOR_WEB_TRUSTED_PROXIES"
MIN_SECRET_CHARS = 32
DISPLAY_ZONE = ZoneInfo("Europe/Moscow")  # the region's clock: deadlines, "today" and times shown


class WebSettingsError(RuntimeError):
    """A setting is missing or wrong; the message says what to do, in Russian."""


def web_folder(home: DataHome) -> Path:
    """The web application's own data: its SQLite database, upload locks, the demo's secret."""
    return home.root / "web"


def uploads_folder(home: DataHome) -> Path:
    """Every uploaded file as received (accepted and refused), with the feedback of refused ones."""
    return home.root / "uploads"


@dataclass(frozen=True)
class WebSettings:
    secret: str
    today: date | None = None  # a fixed "today" (demo and tests); None: the real date
    https_only: bool = False  # the session cookie is sent over HTTPS only (behind a TLS proxy; production's default)
    max_upload_bytes: int = MAX_FILE_BYTES  # the readers' own limit on a workbook
    session_hours: int = 8
    login_failures_allowed: int = 5  # per login and client address within the window below; then a back-off (429)
    login_backoff_seconds: int = 30  # the first wait after those; doubled with each further failure, at most the window
    login_failures_per_client: int = 20  # per client address, any logins, within the window below
    login_window_minutes: int = 15
    # behind `shnor serve --behind-proxy`: the proxies whose X-Forwarded-For is believed (addresses or networks,
    # comma-separated, as uvicorn's forwarded_allow_ips); the client is the nearest address none of them
    trusted_proxies: str = "127.0.0.1"

    def now(self) -> datetime:
        """The current UTC time; with a fixed "today", that day (on the region's clock) at the current time
        of day, so uploads of the demo are recorded (and landed) as if made on that day at any hour."""
        real = datetime.now(timezone.utc)
        if self.today is None:
            return real
        return datetime.combine(self.today, real.astimezone(DISPLAY_ZONE).timetz()).astimezone(timezone.utc)

    def current_date(self) -> date:
        """Today on the region's clock (a window closes at the end of its day in Moscow, not in UTC)."""
        return self.now().astimezone(DISPLAY_ZONE).date()


def _parse_today(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise WebSettingsError(f"{TODAY_ENV}: ожидается дата вида 2025-06-05, получено «{value}»") from error


def demo_secret(home: DataHome) -> str:
    """The demo's session secret: made once into the home, readable by its owner only."""
    path = web_folder(home) / "secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def settings_from_env(home: DataHome, demo: bool = False) -> WebSettings:
    """Settings from the environment. ``SHNOR_WEB_SECRET`` is required; only the demo may do without, with
    a secret generated into its home — never a production deployment (``SHNOR_ENV=production``), where the
    session cookie is also sent over HTTPS only unless ``SHNOR_WEB_HTTPS_ONLY=0`` says otherwise."""
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        if is_production():
            raise WebSettingsError(f"рабочее развёртывание (SHNOR_ENV=production) не запускается без {SECRET_ENV}: "
                                   "сгенерированный секрет сеансов не допускается. Задайте его в .env "
                                   "(openssl rand -hex 32) и перезапустите")
        if not demo:
            raise WebSettingsError(f"задайте {SECRET_ENV} (например: openssl rand -hex 32) или запустите "
                                   "демонстрацию с флагом --demo")
        secret = demo_secret(home)
    if len(secret) < MIN_SECRET_CHARS:
        raise WebSettingsError(f"{SECRET_ENV} слишком короткий: нужно не меньше {MIN_SECRET_CHARS} символов "
                               "(openssl rand -hex 32)")
    https = os.environ.get(HTTPS_ENV, "").lower()
    return WebSettings(secret=secret, today=_parse_today(os.environ.get(TODAY_ENV)),
                       https_only=https in ("1", "true", "yes") if https else is_production(),
                       trusted_proxies=os.environ.get(TRUSTED_PROXIES_ENV, "").strip() or WebSettings.trusted_proxies)
