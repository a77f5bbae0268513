"""The upload page as a FastAPI application: ``create_app(home, settings)``; ``shnor serve`` runs it.

The application composes the routers of the site by concern (``shnor.web.routers``: sign-in, windows, intake,
uploads; ``shnor.web.explain``, ``shnor.web.review``). Every route is registered through ``Routes.route`` with one
access rule (``shnor.web.guards.Access``), enforced by a dependency: a municipal account reaches only its own
municipality (its windows, template, uploads, verdicts, files), region staff reach everything; every POST checks the
session's CSRF token. ``tests/test_web_http.py`` tries every route with another municipality's account and fails on
a route without a rule.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from shnor.web import explain, intake, review
from shnor.web.guards import NotSignedIn, wants_json
from shnor.web.pages import WEB_DIR, failure
from shnor.web.routers import auth, uploads, windows
from shnor.web.routers import intake as intake_routes
from shnor.web.settings import WebSettings
from shnor.web.store import Store
from shnor_core.settings import DataHome

log = logging.getLogger(__name__)

SESSION_COOKIE = "shnor_session"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


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


def add_error_pages(app: FastAPI) -> None:
    """Errors in Russian, as a page or as JSON; a request without a session goes to the login page."""

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


def create_app(home: DataHome, settings: WebSettings, warm_up: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:
            threading.Thread(target=_warm_up, args=(app.state,), name="shnor-web-warm-up", daemon=True).start()
        yield

    app = FastAPI(title="Приём форм мониторинга ШНОР", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    store = Store(home)
    app.state.home, app.state.settings, app.state.store = home, settings, store
    app.state.access = {}  # (method, path) → Access, for the access test
    app.state.warm_up_seconds = None  # set when the checker has been warmed up (Great Expectations imported)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret, session_cookie=SESSION_COOKIE,
                       max_age=settings.session_hours * 3600, same_site="lax", https_only=settings.https_only)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    add_error_pages(app)
    for routes in (auth.routes(settings, store), windows.routes(home, settings, store),
                   intake_routes.routes(home, settings, store), uploads.routes(home, settings, store),
                   explain.routes(home), review.routes(home)):  # the names waiting for a person (shnor review)
        app.include_router(routes.router)
        app.state.access.update(routes.access)

    unruled = [r.path for r in app.routes if getattr(r, "methods", None)
               and not any((m, r.path) in app.state.access for m in r.methods)]
    if unruled:  # a route added without `Routes.route(...)` would have no access rule
        raise RuntimeError(f"routes without an access rule: {unruled}")
    return app
