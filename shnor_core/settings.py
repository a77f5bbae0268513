"""Where things live. Every path derives from two roots so tests and deployments can move them.

- the project root (code, dbt project, GX suites, form catalogues): fixed by this file's location;
- the data home (landing, archive, quarantine, warehouse, reports): ``SHNOR_HOME``, default ``./var``.
  A home is defined by its root alone: every folder and file of an installation is below it.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Reference data can be read from a copy of the project for a run (a region set up in a copy by
# ``shnor region init --project``, benchmarks over synthetic regions): ``reference_environment``.
DBT_PROJECT_DIR = Path(os.environ.get("SHNOR_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt_project"))
DBT_SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
FORMS_DIR = Path(os.environ.get("SHNOR_FORMS_DIR", PROJECT_ROOT / "forms"))
CALENDARS_DIR = Path(os.environ.get("SHNOR_CALENDARS_DIR", PROJECT_ROOT / "calendars"))
# The reference folders of a project (or of a copy of it) and the variables that select them.
REFERENCE_FOLDERS = {"SHNOR_DBT_PROJECT_DIR": "dbt_project", "SHNOR_CALENDARS_DIR": "calendars",
                     "SHNOR_FORMS_DIR": "forms"}


def reference_environment(root: Path) -> dict[str, str]:
    """The environment a run needs to read its reference data (dbt seeds, calendars, form catalogues) from
    the copy of the project at ``root`` instead of this checkout: a variable for each of its folders."""
    return {variable: str(Path(root) / folder) for variable, folder in REFERENCE_FOLDERS.items()
            if (Path(root) / folder).is_dir()}


def calendars_dir() -> Path:
    """The calendars folder as the environment says now (a DAG file reads it each time it is parsed)."""
    return Path(os.environ.get("SHNOR_CALENDARS_DIR", PROJECT_ROOT / "calendars"))

PLUGINS_DIR = PROJECT_ROOT / "plugins"
DAGS_DIR = PROJECT_ROOT / "dags"


@dataclass(frozen=True)
class DataHome:
    """The folders of one installation's data, all under one root."""

    root: Path

    @classmethod
    def from_env(cls) -> "DataHome":
        return cls(Path(os.environ.get("SHNOR_HOME", PROJECT_ROOT / "var")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def submissions_landing(self, monitoring_id: str) -> Path:
        return self.landing / "submissions" / monitoring_id

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def validation(self) -> Path:
        return self.root / "validation"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "shnor.duckdb"

    @property
    def dbt_artifacts(self) -> Path:
        return self.root / "dbt"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"


PSEUDONYM_KEY_ENV = "SHNOR_PSEUDONYM_KEY"


def is_production() -> bool:
    """A deployment (docker-compose sets SHNOR_ENV=production), where no secret may be made up locally."""
    return os.environ.get("SHNOR_ENV", "").lower() == "production"


def pseudonym_key(home: DataHome) -> bytes:
    """The installation's secret for people's pseudonymous ids (HMAC key).

    From ``SHNOR_PSEUDONYM_KEY``; a production deployment refuses to run without it. On a laptop (the
    demo, a developer's home) a random key is made once and kept in the home (``secrets/pseudonym.key``,
    readable by its owner only), so ids stay stable across reloads of that home and cannot be recomputed
    from a name elsewhere.
    """
    configured = os.environ.get(PSEUDONYM_KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    if is_production():
        raise RuntimeError(f"{PSEUDONYM_KEY_ENV} не задан: без секретного ключа псевдонимы людей можно было бы "
                           "вычислить по ФИО. Задайте его в .env (см. .env.example) и перезапустите")
    path = home.root / "secrets" / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def user_cache(name: str) -> Path:
    """The user's own cache folder of the project for ``name`` (``$XDG_CACHE_HOME`` or ``~/.cache``): never a
    shared folder, since what is kept there (a parsed dbt project, a migrated Airflow database) is trusted."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "shnor" / name


def keep_in_user_cache(source: Path, cached: Path) -> None:
    """A copy of ``source`` as ``cached``, replaced whole (a process reading it meanwhile gets the old file or the
    new one, never half of one); a cache that cannot be written only makes the next start slower."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staged = cached.with_name(f".{cached.name}.{os.getpid()}")
        shutil.copyfile(source, staged)
        os.replace(staged, cached)
    except OSError:
        pass
