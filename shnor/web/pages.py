"""The upload site's HTML: the templates with their filters, ``render`` (every page gets the CSRF token, today's
date and the account's name) and ``failure`` (an error as a page, or as JSON for a program)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from shnor.web.accounts import municipality_by_oktmo
from shnor.web.guards import csrf_token, wants_json
from shnor.web.settings import DISPLAY_ZONE
from shnor.web.status import ACCEPTED, MISSING, REFUSED
from shnor_core.names import display_name
from shnor_core.reference import shown_indicator
from shnor_core.text import typed_number

WEB_DIR = Path(__file__).resolve().parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _moment(value: datetime | None) -> str:
    return value.astimezone(DISPLAY_ZONE).strftime("%d.%m.%Y %H:%M МСК") if value else "—"


def day(value: date | str | None) -> str:
    if value is None:
        return "—"
    return (date.fromisoformat(value) if isinstance(value, str) else value).strftime("%d.%m.%Y")


def _score(value) -> str:
    return "—" if value is None else typed_number(value)


def _size(value: int) -> str:
    return f"{max(1, round(value / 1024))} КБ" if value < 1024 * 1024 else f"{value / 1024 / 1024:.1f} МБ".replace(".", ",")


templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters.update(moment=_moment, day=day, score=_score, size=_size, indicator=shown_indicator)
templates.env.globals.update(ACCEPTED=ACCEPTED, REFUSED=REFUSED, MISSING=MISSING, display_name=display_name)


def render(request: Request, name: str, status_code: int = 200, headers: dict | None = None,
           **context) -> HTMLResponse:
    settings = request.app.state.settings
    context = {"csrf": csrf_token(request), "account": None, "today": settings.current_date(),
               "fixed_today": settings.today is not None, **context}
    account = context["account"]
    if account is not None:
        municipality = None if account.is_region else municipality_by_oktmo(account.municipality_oktmo)
        context["account_name"] = municipality.name if municipality else "Сотрудник региона"
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)


def failure(request: Request, status_code: int, message: str, headers: dict | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code, headers=headers)
    return render(request, "error.html", status_code, headers, message=message, status=status_code)
