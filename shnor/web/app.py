"""The upload page as a FastAPI application: ``create_app(home, settings)``; ``shnor serve`` runs it.

Every route is registered through ``route`` with one access rule (``Access``), enforced by a dependency:
a municipal account reaches only its own municipality (its windows, template, uploads, verdicts, files),
region staff reach everything; every POST checks the session's CSRF token. ``tests/test_web_http.py``
tries every route with another municipality's account and fails on a route without a rule.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from reports.templates import issue_template, template_path
from shnor.web import intake, review
from shnor.web.accounts import TooManyAttempts, authenticate, municipality_by_oktmo
from shnor.web.explain import add_explain_routes
from shnor.web.settings import DISPLAY_ZONE, WebSettings, uploads_folder
from shnor.web.status import (
    ACCEPTED,
    MISSING,
    REFUSED,
    Window,
    find_window,
    in_region,
    landing_files,
    municipal_status,
    published_status,
    reminder_workbook,
    visible_windows,
    window_statuses,
)
from shnor.web.store import Account, Store, Upload
from shnor_core.names import display_name
from shnor_core.reference import Municipality, shown_indicator
from shnor_core.settings import DataHome
from shnor_core.text import typed_number

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
SESSION_COOKIE = "shnor_session"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
FORBIDDEN = "Нет доступа: это данные другого муниципального образования"


class Access(str, Enum):
    """Who may call a route. Every route has exactly one."""

    PUBLIC = "public"  # anyone: login page, health check, static files
    SIGNED_IN = "signed_in"  # any account; the route shows only the account's own data
    WINDOW = "window"  # a window the account may see (a municipality: its region's windows that have opened)
    MUNICIPALITY = "municipality"  # {oktmo} in the path: a municipal account only its own, region staff any
    UPLOAD = "upload"  # {upload_id} in the path: the upload's municipality as above
    REGION = "region"  # region staff only


class NotSignedIn(Exception):
    pass


# --- helpers --------------------------------------------------------------------------------------

def _state(request: Request):
    return request.app.state


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_valid(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent) and secrets.compare_digest(str(expected), str(sent))


CSRF_MESSAGE = "Страница устарела (нет отметки защиты формы): обновите её и повторите действие"


def local_target(target: str | None) -> str:
    """Where to go after login: a path of this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _moment(value: datetime | None) -> str:
    return value.astimezone(DISPLAY_ZONE).strftime("%d.%m.%Y %H:%M МСК") if value else "—"


def _day(value: date | str | None) -> str:
    if value is None:
        return "—"
    return (date.fromisoformat(value) if isinstance(value, str) else value).strftime("%d.%m.%Y")


def _score(value) -> str:
    return "—" if value is None else typed_number(value)


def _size(value: int) -> str:
    return f"{max(1, round(value / 1024))} КБ" if value < 1024 * 1024 else f"{value / 1024 / 1024:.1f} МБ".replace(".", ",")


# --- guards (one per access rule) ----------------------------------------------------------------

def session_account(request: Request) -> Account | None:
    """The active account of the request's session: the cookie names a session the store still holds (signing
    out, a new password or a disabled account ends it at once), else None."""
    store = _state(request).store
    token = request.session.get("sid")
    login = store.session_login(token, time.time()) if token else None
    account = store.account(login) if login else None
    return account if account is not None and not account.disabled else None


def signed_in(request: Request) -> Account:
    account = session_account(request)
    if account is None:
        request.session.pop("sid", None)
        raise NotSignedIn()
    return account


def region_only(account: Account = Depends(signed_in)) -> Account:
    if not account.is_region:
        raise HTTPException(403, "Нет доступа: страница для сотрудников региона")
    return account


def window_scope(request: Request, monitoring_id: str, account: Account = Depends(signed_in)) -> Window:
    window = find_window(account, monitoring_id, _state(request).settings.current_date())
    if window is None:
        raise HTTPException(404, "Такого окна мониторинга нет или оно вам недоступно")
    return window


def municipality_scope(oktmo: str, window: Window = Depends(window_scope),
                       account: Account = Depends(signed_in)) -> Municipality:
    if not account.may_see(oktmo):
        raise HTTPException(403, FORBIDDEN)
    municipality = municipality_by_oktmo(oktmo)
    if municipality is None or not in_region(window.monitoring, oktmo):
        raise HTTPException(404, "Такого муниципального образования в регионе окна нет")
    return municipality


def upload_scope(request: Request, upload_id: int, account: Account = Depends(signed_in)) -> Upload:
    upload = _state(request).store.upload(upload_id)
    if upload is None:
        raise HTTPException(404, "Такой загрузки нет")
    if not account.may_see(upload.municipality_oktmo):
        raise HTTPException(403, FORBIDDEN)
    return upload


GUARDS = {Access.PUBLIC: [], Access.SIGNED_IN: [Depends(signed_in)], Access.WINDOW: [Depends(window_scope)],
          Access.MUNICIPALITY: [Depends(municipality_scope)], Access.UPLOAD: [Depends(upload_scope)],
          Access.REGION: [Depends(region_only)]}


async def csrf_checked(request: Request) -> None:
    """Every POST carries the session's token (header X-CSRF-Token or form field csrf_token)."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        sent = (await request.form()).get("csrf_token")
    if not csrf_valid(request, sent):
        raise HTTPException(403, CSRF_MESSAGE)


class SecurityHeaders:
    """Plain ASGI (no body buffering, uploads stream through): headers every response carries."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _warm_up(state) -> None:
    started = time.monotonic()
    try:
        intake.warm_up_checker()
        log.info("checker warmed up in %.1f s", time.monotonic() - started)
    except Exception:  # a failed warm-up only means the first check is slower
        log.exception("checker warm-up failed")
    state.warm_up_seconds = round(time.monotonic() - started, 2)


# --- the application -------------------------------------------------------------------------------

def create_app(home: DataHome, settings: WebSettings, warm_up: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:
            threading.Thread(target=_warm_up, args=(app.state,), name="shnor-web-warm-up", daemon=True).start()
        yield

    app = FastAPI(title="Приём форм мониторинга ШНОР", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.home, app.state.settings, app.state.store = home, settings, Store(home)
    app.state.access = {}  # (method, path) → Access, for the access test
    app.state.warm_up_seconds = None  # set when the checker has been warmed up (Great Expectations imported)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret, session_cookie=SESSION_COOKIE,
                       max_age=settings.session_hours * 3600, same_site="lax", https_only=settings.https_only)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    templates = Jinja2Templates(directory=WEB_DIR / "templates")
    templates.env.filters.update(moment=_moment, day=_day, score=_score, size=_size, indicator=shown_indicator)
    templates.env.globals.update(ACCEPTED=ACCEPTED, REFUSED=REFUSED, MISSING=MISSING, display_name=display_name)
    store: Store = app.state.store

    def route(method: str, path: str, access: Access, csrf: bool = True):
        """Register an endpoint with its access rule (and, for a POST, the CSRF check)."""
        def register(endpoint):
            dependencies = list(GUARDS[access])
            if method == "POST" and csrf:
                dependencies.insert(0, Depends(csrf_checked))
            app.add_api_route(path, endpoint, methods=[method], dependencies=dependencies)
            app.state.access[(method, path)] = access
            return endpoint
        return register

    def render(request: Request, name: str, status_code: int = 200, headers: dict | None = None,
               **context) -> HTMLResponse:
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

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _error: NotSignedIn):
        if wants_json(request) or request.method != "GET":
            return failure(request, 401, "Войдите в систему")
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        message = error.detail if isinstance(error.detail, str) else ""
        if not message or message in ("Not Found", "Method Not Allowed"):  # Starlette's own, in English
            message = {404: "Страница не найдена", 405: "Такое действие здесь не предусмотрено"}.get(
                error.status_code, "Запрос не выполнен")
        return failure(request, error.status_code, message, getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, _error: RequestValidationError):
        return failure(request, 404, "Страница не найдена")

    @app.exception_handler(intake.UploadRefused)
    async def upload_refused(request: Request, error: intake.UploadRefused):
        return failure(request, error.status_code, error.message)

    # --- public -----------------------------------------------------------------------------------

    @route("GET", "/healthz", Access.PUBLIC)
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "checker_warm_up_seconds": app.state.warm_up_seconds})

    @route("GET", "/login", Access.PUBLIC)
    def login_page(request: Request, next_page: str = Query("/", alias="next")):
        if session_account(request) is not None:
            return RedirectResponse(local_target(next_page), status_code=303)
        return render(request, "login.html", next=local_target(next_page))

    @route("POST", "/login", Access.PUBLIC)
    async def login(request: Request):
        form = await request.form()
        login_name, password = str(form.get("login", "")), str(form.get("password", ""))
        target = local_target(str(form.get("next", "/")))
        client = request.client.host if request.client else "unknown"
        try:
            account = await run_in_threadpool(authenticate, store, settings, login_name, password, client)
        except TooManyAttempts as limited:
            minutes = -(-limited.retry_after_seconds // 60)
            return render(request, "login.html", 429, {"Retry-After": str(limited.retry_after_seconds)},
                          next=target, login=login_name,
                          error=f"Слишком много неудачных попыток входа. Повторите через {minutes} мин.")
        if account is None:
            return render(request, "login.html", 401, next=target, login=login_name,
                          error="Неверный логин или пароль (или учётная запись отключена)")
        request.session.clear()  # a new session on login: no fixation
        request.session.update(sid=store.open_session(account.login, time.time(), settings.session_hours * 3600),
                               csrf=secrets.token_urlsafe(32))
        return RedirectResponse(target, status_code=303)

    @route("POST", "/logout", Access.SIGNED_IN)
    def logout(request: Request):
        store.close_session(request.session.get("sid", ""))  # the cookie, replayed, opens nothing
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # --- windows ----------------------------------------------------------------------------------

    @route("GET", "/", Access.SIGNED_IN)
    def windows_page(request: Request, account: Account = Depends(signed_in)):
        windows = visible_windows(account, settings.current_date())
        rows = []
        for window in windows:
            if account.is_region:
                statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
                counts = {state: sum(s.state == state for s in statuses) for state in (ACCEPTED, REFUSED, MISSING)}
                counts["late"] = sum(s.late for s in statuses)
                rows.append({"window": window, "counts": counts, "total": len(statuses)})
            else:
                status = municipal_status(window, municipality_by_oktmo(account.municipality_oktmo),
                                          store.uploads(window.monitoring_id, account.municipality_oktmo),
                                          published_status(home, window.monitoring_id).get(account.municipality_oktmo))
                rows.append({"window": window, "status": status})
        municipality = None if account.is_region else municipality_by_oktmo(account.municipality_oktmo)
        return render(request, "windows.html", account=account, rows=rows, municipality=municipality)

    @route("GET", "/windows/{monitoring_id}", Access.WINDOW)
    def window_page(request: Request, account: Account = Depends(signed_in), window: Window = Depends(window_scope)):
        if not account.is_region:
            return RedirectResponse(f"/windows/{window.monitoring_id}/municipalities/{account.municipality_oktmo}",
                                    status_code=303)
        statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
        web_landed = {Path(u.landed_file).name for u in store.uploads(window.monitoring_id) if u.landed_file}
        files = [{"name": p.name, "size": p.stat().st_size,
                  "modified": datetime.fromtimestamp(p.stat().st_mtime, timezone.utc),
                  "from_page": p.name in web_landed} for p in landing_files(home, window.monitoring_id)]
        return render(request, "window_region.html", account=account, window=window, statuses=statuses,
                      reminders=[s for s in statuses if s.state != ACCEPTED], files=files)

    @route("GET", "/windows/{monitoring_id}/reminders.xlsx", Access.REGION)
    def reminders_workbook(request: Request, monitoring_id: str, account: Account = Depends(region_only)):
        window = find_window(account, monitoring_id, settings.current_date())
        if window is None:
            raise HTTPException(404, "Такого окна мониторинга нет")
        statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
        content = reminder_workbook(window, [s for s in statuses if s.state != ACCEPTED])
        return Response(content, media_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(f'Не сдали {window.monitoring_id}.xlsx')}"})

    @route("GET", "/windows/{monitoring_id}/landing/{file_name}", Access.REGION)
    def landing_file(monitoring_id: str, file_name: str, account: Account = Depends(region_only)):
        if find_window(account, monitoring_id, settings.current_date()) is None:
            raise HTTPException(404, "Такого окна мониторинга нет")
        path = next((p for p in landing_files(home, monitoring_id) if p.name == file_name), None)
        if path is None:  # only a name the listing shows: never a path built from the request
            raise HTTPException(404, "Такого файла в папке приёма нет")
        return FileResponse(path, filename=path.name, media_type="application/octet-stream")

    # --- one municipality in one window -------------------------------------------------------------

    @route("GET", "/windows/{monitoring_id}/municipalities/{oktmo}", Access.MUNICIPALITY)
    def municipality_page(request: Request, account: Account = Depends(signed_in),
                          window: Window = Depends(window_scope),
                          municipality: Municipality = Depends(municipality_scope)):
        status = municipal_status(window, municipality, store.uploads(window.monitoring_id, municipality.oktmo),
                                  published_status(home, window.monitoring_id).get(municipality.oktmo))
        return render(request, "municipality.html", account=account, window=window, municipality=municipality,
                      status=status, may_upload=not account.is_region and window.accepting,
                      max_upload_bytes=settings.max_upload_bytes)

    @route("GET", "/windows/{monitoring_id}/municipalities/{oktmo}/template", Access.MUNICIPALITY)
    def template(window: Window = Depends(window_scope), municipality: Municipality = Depends(municipality_scope)):
        path = template_path(home, window.monitoring_id, municipality.oktmo)
        if not path.exists():  # not issued yet by the window's open DAG: the same writer, for this one municipality
            path = issue_template(home, window.monitoring_id, municipality)
        return FileResponse(path, media_type=XLSX,
                            filename=f"Шаблон {window.monitoring_id} {display_name(municipality)}.xlsx")

    @route("POST", "/windows/{monitoring_id}/municipalities/{oktmo}/uploads", Access.MUNICIPALITY, csrf=False)
    async def upload(request: Request, account: Account = Depends(signed_in), window: Window = Depends(window_scope),
                     municipality: Municipality = Depends(municipality_scope)):
        # The CSRF token is checked here, not by csrf_checked: the body is a stream, read once, below.
        header_token = request.headers.get("x-csrf-token")
        if header_token is not None and not csrf_valid(request, header_token):
            raise HTTPException(403, CSRF_MESSAGE)
        if account.is_region:
            raise HTTPException(403, "Формы загружают пользователи муниципалитетов; файл, присланный по почте, "
                                     "положите в папку приёма окна")
        if not window.accepting:
            raise HTTPException(403, f"Приём форм в окне «{window.monitoring.title}» "
                                     + (f"откроется {_day(window.opens)}" if window.phase == "upcoming"
                                        else f"завершён {_day(window.grace_until)}"))
        limit = settings.max_upload_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + intake.MULTIPART_OVERHEAD:
            raise intake.UploadRefused(413, intake.size_limit_message(limit))
        with intake.upload_slot(home, window.monitoring_id, municipality.oktmo):
            received = await intake.receive_workbook(request.headers.get("content-type", ""), request.stream(),
                                                     uploads_folder(home) / window.monitoring_id / municipality.oktmo,
                                                     limit)
            if header_token is None and not csrf_valid(request, received.fields.get("csrf_token")):
                received.path.unlink(missing_ok=True)
                raise HTTPException(403, CSRF_MESSAGE)
            upload_id = await run_in_threadpool(intake.take_in, home, store, account, window, received, settings.now())
        target = f"/uploads/{upload_id}"
        if wants_json(request):
            return JSONResponse({"redirect": target, "upload_id": upload_id})
        return RedirectResponse(target, status_code=303)

    # --- one upload ---------------------------------------------------------------------------------

    @route("GET", "/uploads/{upload_id}", Access.UPLOAD)
    def verdict_page(request: Request, account: Account = Depends(signed_in), upload: Upload = Depends(upload_scope)):
        window = find_window(account, upload.monitoring_id, settings.current_date())
        if window is None:
            raise HTTPException(404, "Окно мониторинга этой загрузки недоступно")
        municipality = municipality_by_oktmo(upload.municipality_oktmo)
        status = municipal_status(window, municipality, store.uploads(upload.monitoring_id, upload.municipality_oktmo),
                                  published_status(home, upload.monitoring_id).get(upload.municipality_oktmo))
        version = next(v for v in status.versions if v.upload.id == upload.id)
        duplicate_of = store.upload(upload.duplicate_of) if upload.duplicate_of else None
        sections: dict[str, list[dict]] = {}
        for item in upload.indicators:
            sections.setdefault(item["section"], []).append(item)
        return render(request, "verdict.html", account=account, window=window, municipality=municipality,
                      upload=upload, version=version, sections=sections, duplicate_of=duplicate_of,
                      read_municipality=municipality_by_oktmo(upload.read_municipality_oktmo)
                      if upload.read_municipality_oktmo else None)

    @route("GET", "/uploads/{upload_id}/file", Access.UPLOAD)
    def upload_file(upload: Upload = Depends(upload_scope)):
        path = home.root / upload.stored_file
        if not path.is_file():
            raise HTTPException(404, "Файл не найден")
        return FileResponse(path, filename=upload.original_name, media_type="application/octet-stream")

    add_explain_routes(route, render, wants_json, signed_in, Access.SIGNED_IN, home)

    @route("GET", "/uploads/{upload_id}/feedback", Access.UPLOAD)
    def feedback_file(upload: Upload = Depends(upload_scope)):
        if not upload.feedback_file or not (home.root / upload.feedback_file).is_file():
            raise HTTPException(404, "Для этой загрузки нет книги с ошибками")
        return FileResponse(home.root / upload.feedback_file, media_type=XLSX,
                            filename=f"Ошибки - {Path(upload.original_name).stem}.xlsx")

    review.register(route, render, home, region_only, Access)  # the names waiting for a person (shnor review)

    unruled = [r.path for r in app.routes if getattr(r, "methods", None)
               and not any((m, r.path) in app.state.access for m in r.methods)]
    if unruled:  # a route added without `route(...)` would have no access rule
        raise RuntimeError(f"routes without an access rule: {unruled}")
    return app
