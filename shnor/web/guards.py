"""Who may call a route of the upload site: one access rule per route (``Access``), enforced by a dependency, and
``Routes``, the APIRouter every router of the site registers through, which records each route's rule (a municipal
account reaches only its own municipality, region staff everything; every POST checks the session's CSRF token)."""

from __future__ import annotations

import secrets
import time
from enum import Enum

from fastapi import APIRouter, Depends, Request
from starlette.exceptions import HTTPException

from shnor.web.accounts import municipality_by_oktmo
from shnor.web.status import Window, find_window, in_region
from shnor.web.store import Account, Upload
from shnor_core.reference import Municipality

FORBIDDEN = "Нет доступа: это данные другого муниципального образования"
CSRF_MESSAGE = "Страница устарела (нет отметки защиты формы): обновите её и повторите действие"


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


# --- guards (one per access rule) ----------------------------------------------------------------

def session_account(request: Request) -> Account | None:
    """The active account of the request's session: the cookie names a session the store still holds (signing
    out, a new password or a disabled account ends it at once), else None."""
    store = request.app.state.store
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
    window = find_window(account, monitoring_id, request.app.state.settings.current_date())
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
    upload = request.app.state.store.upload(upload_id)
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


class Routes:
    """An APIRouter whose endpoints are registered only with their access rule: ``access`` maps (method, path) to
    the rule, for the application's check that no route lacks one and for the access test."""

    def __init__(self) -> None:
        self.router = APIRouter()
        self.access: dict[tuple[str, str], Access] = {}

    def route(self, method: str, path: str, access: Access, csrf: bool = True):
        """Register an endpoint with its access rule (and, for a POST, the CSRF check)."""
        def register(endpoint):
            dependencies = list(GUARDS[access])
            if method == "POST" and csrf:
                dependencies.insert(0, Depends(csrf_checked))
            self.router.add_api_route(path, endpoint, methods=[method], dependencies=dependencies)
            self.access[(method, path)] = access
            return endpoint
        return register
