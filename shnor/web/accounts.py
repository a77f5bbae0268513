"""Accounts of the upload page: one per municipality (issued by the region) and region staff.

Passwords are hashed with Argon2id (argon2-cffi, its recommended parameters); a hash made with older
parameters is re-made at the next successful login. Failed logins are counted per login and per client
address: past the limit a login is refused without even checking the password (429).
"""

from __future__ import annotations

import math
import re
import time
from datetime import datetime, timezone
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shnor.web.settings import WebSettings
from shnor.web.store import MUNICIPAL, REGION, Account, Store
from shnor_core.reference import Municipality, current_municipalities

LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the login is unknown, so a wrong login takes as long as a wrong password."""
    return _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """The message says what is wrong, in Russian."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after_seconds: int):
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


def normalize_login(login: str) -> str:
    return login.strip().lower()


def municipality_by_oktmo(oktmo: str) -> Municipality | None:
    return next((m for m in current_municipalities() if m.oktmo == oktmo), None)


def add_account(store: Store, login: str, password: str, municipality_oktmo: str | None,
                replace: bool = False) -> Account:
    """A municipal account (``municipality_oktmo`` given) or a region staff account (None)."""
    login = normalize_login(login)
    if not LOGIN_PATTERN.fullmatch(login):
        raise AccountError("логин: от 2 до 64 символов — латинские буквы, цифры, точка, дефис, подчёркивание")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"пароль слишком короткий: нужно не меньше {MIN_PASSWORD_CHARS} символов")
    if municipality_oktmo is not None and municipality_by_oktmo(municipality_oktmo) is None:
        raise AccountError(f"ОКТМО «{municipality_oktmo}» нет в справочнике муниципальных образований")
    existing = store.account(login)
    if existing is not None and not replace:
        raise AccountError(f"пользователь «{login}» уже есть (чтобы задать новый пароль и роль: --replace)")
    account = Account(login, MUNICIPAL if municipality_oktmo else REGION, municipality_oktmo, _hasher.hash(password),
                      False, existing.created_at if existing else datetime.now(timezone.utc).isoformat(timespec="seconds"))
    store.put_account(account)
    return account


def disable_account(store: Store, login: str) -> None:
    if not store.set_disabled(normalize_login(login), True):
        raise AccountError(f"пользователя «{login}» нет")


def _retry_after(failures: list[float], allowed: int, window: float, now: float) -> int | None:
    if len(failures) < allowed:
        return None
    return max(1, math.ceil(failures[-allowed] + window - now))  # when the oldest counted failure expires


def _backoff(failures: list[float], allowed: int, base: float, cap: float, now: float) -> int | None:
    """After ``allowed`` failures, each further attempt waits twice as long as the last (``base`` seconds
    first, at most ``cap``) from the latest failure."""
    if len(failures) < allowed:
        return None
    wait = failures[-1] + min(cap, base * 2 ** (len(failures) - allowed)) - now
    return math.ceil(wait) if wait > 0 else None


def authenticate(store: Store, settings: WebSettings, login: str, password: str, client: str) -> Account | None:
    """The account if the password is right and the account active; None otherwise. Raises TooManyAttempts
    when this client address has failed this login too often lately (a back-off that doubles with each
    failure), or has failed too many logins within the window. Failures from one address never hold back the
    same login from another: a stranger cannot lock a municipality out."""
    login = normalize_login(login)[:64]
    now = time.time()
    window = settings.login_window_minutes * 60
    for retry in (_backoff(store.failures_since(now - window, login=login, client=client),
                           settings.login_failures_allowed, settings.login_backoff_seconds, window, now),
                  _retry_after(store.failures_since(now - window, client=client), settings.login_failures_per_client,
                               window, now)):
        if retry is not None:
            raise TooManyAttempts(retry)
    account = store.account(login)
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password)
        verified = account is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        verified = False
    success = verified and not account.disabled
    store.record_attempt(login, client, now, success)
    if not success:
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        store.set_password_hash(login, _hasher.hash(password))
    return account
