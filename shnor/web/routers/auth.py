"""Signing in and out, and the health check: the public routes."""

from __future__ import annotations

import secrets
import time

from fastapi import Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from shnor.web.accounts import TooManyAttempts, authenticate
from shnor.web.guards import Access, Routes, session_account
from shnor.web.pages import render
from shnor.web.settings import WebSettings
from shnor.web.store import Store


def local_target(target: str | None) -> str:
    """Where to go after login: a path of this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def routes(settings: WebSettings, store: Store) -> Routes:
    routes = Routes()
    route = routes.route

    @route("GET", "/healthz", Access.PUBLIC)
    def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "checker_warm_up_seconds": request.app.state.warm_up_seconds})

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

    return routes
