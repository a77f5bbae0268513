"""The web application's own store: a small SQLite database under ``$SHNOR_HOME/web/`` with the accounts,
every upload and its verdict, login attempts (for rate limiting) and the open sessions (so signing out,
a new password or a disabled account ends them at once: the session cookie only names a session kept here).

Not the DuckDB warehouse: the pipeline is its single writer and holds it during runs. One connection
per operation (WAL journal, a busy timeout), so request threads never share one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from shnor.web.settings import web_folder
from shnor_core.settings import DataHome

MUNICIPAL, REGION = "municipal", "region"

SCHEMA = """
create table if not exists accounts (
    login text primary key,
    role text not null check (role in ('municipal', 'region')),
    municipality_oktmo text,
    password_hash text not null,
    disabled integer not null default 0,
    created_at text not null,
    check ((role = 'municipal') = (municipality_oktmo is not null))
);
create table if not exists uploads (
    id integer primary key autoincrement,
    monitoring_id text not null,
    municipality_oktmo text not null,
    login text not null,
    uploaded_at text not null,          -- ISO 8601, UTC
    original_name text not null,        -- as the browser sent it: shown, never used as a path
    stored_file text not null,          -- relative to the home: uploads/<monitoring>/<oktmo>/<name>
    landed_file text,                   -- relative to the home: landing/submissions/<monitoring>/<name>
    feedback_file text,                 -- relative to the home, refused files only
    sha256 text not null,
    size_bytes integer not null,
    accepted integer not null,
    read_municipality_oktmo text,       -- the municipality the workbook names
    errors_json text not null,
    indicators_json text not null,
    not_read_json text not null default '[]',  -- sheets skipped, form columns not found (shnor.checker.Verdict.not_read)
    check_seconds real not null,
    duplicate_of integer references uploads (id)
);
create index if not exists uploads_by_window on uploads (monitoring_id, municipality_oktmo, uploaded_at);
create table if not exists login_attempts (
    login text not null,
    client text not null,
    attempted_at real not null,         -- seconds since the epoch
    success integer not null
);
create index if not exists login_attempts_by_login on login_attempts (login, attempted_at);
create table if not exists sessions (
    token_sha256 text primary key,      -- the cookie holds the token; a copy of this file opens no session
    login text not null,
    created_at real not null,           -- seconds since the epoch
    expires_at real not null
);
create index if not exists sessions_by_login on sessions (login);
"""


@dataclass(frozen=True)
class Account:
    login: str
    role: str
    municipality_oktmo: str | None
    password_hash: str
    disabled: bool
    created_at: str

    @property
    def is_region(self) -> bool:
        return self.role == REGION

    def may_see(self, oktmo: str) -> bool:
        """Region staff see every municipality; a municipal account only its own."""
        return self.is_region or self.municipality_oktmo == oktmo


@dataclass(frozen=True)
class Upload:
    id: int
    monitoring_id: str
    municipality_oktmo: str
    login: str
    uploaded_at: datetime
    original_name: str
    stored_file: str
    landed_file: str | None
    feedback_file: str | None
    sha256: str
    size_bytes: int
    accepted: bool
    read_municipality_oktmo: str | None
    errors: list[dict]
    indicators: list[dict]
    check_seconds: float
    duplicate_of: int | None
    not_read: list[dict] = field(default_factory=list)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _upload(row: sqlite3.Row) -> Upload:
    values = dict(row)
    values["uploaded_at"] = datetime.fromisoformat(values["uploaded_at"])
    values["accepted"] = bool(values["accepted"])
    values["errors"] = json.loads(values.pop("errors_json"))
    values["indicators"] = json.loads(values.pop("indicators_json"))
    values["not_read"] = json.loads(values.pop("not_read_json"))
    return Upload(**values)


def _account(row: sqlite3.Row) -> Account:
    values = dict(row)
    values["disabled"] = bool(values["disabled"])
    return Account(**values)


class Store:
    def __init__(self, home: DataHome):
        self.path: Path = web_folder(home) / "shnor_web.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():  # password hashes: readable by the service's user only
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self.connect() as con:
            con.execute("pragma journal_mode = wal")
            con.executescript(SCHEMA)
            if "not_read_json" not in {row["name"] for row in con.execute("pragma table_info(uploads)")}:
                # a store made before uploads kept what was not read: its uploads said nothing of it
                con.execute("alter table uploads add column not_read_json text not null default '[]'")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            with con:  # a transaction: committed on success, rolled back on error
                yield con
        finally:
            con.close()

    # --- accounts ---------------------------------------------------------------------------------

    def account(self, login: str) -> Account | None:
        with self.connect() as con:
            row = con.execute("select * from accounts where login = ?", [login]).fetchone()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        with self.connect() as con:
            return [_account(row) for row in con.execute("select * from accounts order by role desc, login")]

    def put_account(self, account: Account) -> None:
        """Create or replace an account; a replaced account (new password or role) loses its open sessions."""
        with self.connect() as con:
            con.execute("insert or replace into accounts values (?, ?, ?, ?, ?, ?)",
                        [account.login, account.role, account.municipality_oktmo, account.password_hash,
                         int(account.disabled), account.created_at])
            con.execute("delete from sessions where login = ?", [account.login])

    def set_password_hash(self, login: str, password_hash: str) -> None:
        with self.connect() as con:
            con.execute("update accounts set password_hash = ? where login = ?", [password_hash, login])

    def set_disabled(self, login: str, disabled: bool) -> bool:
        with self.connect() as con:
            con.execute("delete from sessions where login = ?", [login])
            return con.execute("update accounts set disabled = ? where login = ?", [int(disabled), login]).rowcount == 1

    # --- sessions ---------------------------------------------------------------------------------

    def open_session(self, login: str, now: float, lifetime_seconds: float) -> str:
        """A new session of ``login``; returns its token (for the cookie), of which only a digest is kept."""
        token = secrets.token_urlsafe(32)
        with self.connect() as con:
            con.execute("delete from sessions where expires_at < ?", [now])
            con.execute("insert into sessions values (?, ?, ?, ?)", [_digest(token), login, now, now + lifetime_seconds])
        return token

    def session_login(self, token: str, now: float) -> str | None:
        """The login of an open, unexpired session, else None."""
        with self.connect() as con:
            row = con.execute("select login from sessions where token_sha256 = ? and expires_at >= ?",
                              [_digest(token), now]).fetchone()
        return row[0] if row else None

    def close_session(self, token: str) -> None:
        with self.connect() as con:
            con.execute("delete from sessions where token_sha256 = ?", [_digest(token)])

    # --- login attempts ---------------------------------------------------------------------------

    def record_attempt(self, login: str, client: str, at: float, success: bool) -> None:
        with self.connect() as con:
            con.execute("insert into login_attempts values (?, ?, ?, ?)", [login, client, at, int(success)])
            con.execute("delete from login_attempts where attempted_at < ?", [at - 86400])  # a day is plenty

    def failures_since(self, since: float, login: str | None = None, client: str | None = None) -> list[float]:
        """When the failed attempts since then were made (of a login, from a client, or both), oldest first."""
        given = {column: value for column, value in (("login", login), ("client", client)) if value is not None}
        condition = "".join(f" and {column} = ?" for column in given)
        with self.connect() as con:
            return [row[0] for row in con.execute(
                f"select attempted_at from login_attempts where success = 0 and attempted_at >= ?{condition} "
                "order by attempted_at", [since, *given.values()])]

    # --- uploads ----------------------------------------------------------------------------------

    def add_upload(self, **fields) -> int:
        fields = dict(fields)
        fields["uploaded_at"] = fields["uploaded_at"].isoformat()
        fields["accepted"] = int(fields["accepted"])
        fields["errors_json"] = json.dumps(fields.pop("errors"), ensure_ascii=False, default=str)
        fields["indicators_json"] = json.dumps(fields.pop("indicators"), ensure_ascii=False, default=str)
        fields["not_read_json"] = json.dumps(fields.pop("not_read", []), ensure_ascii=False, default=str)
        columns = ", ".join(fields)
        with self.connect() as con:
            cursor = con.execute(f"insert into uploads ({columns}) values ({', '.join('?' for _ in fields)})",
                                 list(fields.values()))
            return int(cursor.lastrowid)

    def upload(self, upload_id: int) -> Upload | None:
        with self.connect() as con:
            row = con.execute("select * from uploads where id = ?", [upload_id]).fetchone()
        return _upload(row) if row else None

    def uploads(self, monitoring_id: str, oktmo: str | None = None) -> list[Upload]:
        """A window's uploads (of one municipality), oldest first."""
        query = "select * from uploads where monitoring_id = ?"
        parameters = [monitoring_id]
        if oktmo is not None:
            query += " and municipality_oktmo = ?"
            parameters.append(oktmo)
        with self.connect() as con:
            return [_upload(row) for row in con.execute(query + " order by uploaded_at, id", parameters)]

    def accepted_in_another_window(self, monitoring_id: str, oktmo: str, sha256: str) -> Upload | None:
        """The first upload of these bytes accepted for another window (one file counts for one window)."""
        with self.connect() as con:
            row = con.execute("select * from uploads where monitoring_id <> ? and municipality_oktmo = ? and sha256 = ? "
                              "and accepted = 1 order by id limit 1", [monitoring_id, oktmo, sha256]).fetchone()
        return _upload(row) if row else None

    def accepted_with_sha(self, monitoring_id: str, oktmo: str, sha256: str) -> Upload | None:
        with self.connect() as con:
            row = con.execute("select * from uploads where monitoring_id = ? and municipality_oktmo = ? and sha256 = ? "
                              "and accepted = 1 and landed_file is not null order by id limit 1",
                              [monitoring_id, oktmo, sha256]).fetchone()
        return _upload(row) if row else None
