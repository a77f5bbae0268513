"""Where a report's numbers come from: the cycle, the submissions and versions used, their validation
status, when and by which code version the report was made, and whether the data are the demo region's."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from reports.document import ru_date
from reports.frames import rows_refs
from reports.wording import say
from shnor_core import warehouse
from shnor_core.demo import DEMO_MARK
from shnor_core.reference import Monitoring, get_monitoring, region_institution, region_name
from shnor_core.settings import PROJECT_ROOT, DataHome


def status_text(status: str) -> str:
    """A form's status in words: принята, отклонена, не сдана."""
    return say(f"common.status_{status}")


def code_version() -> str:
    """Package version plus the git commit when run from a checkout."""
    try:
        package = version("shnor-warehouse")
    except PackageNotFoundError:
        package = "dev"
    commit = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return f"{package} ({commit})" if commit else package


def code_digest() -> str:
    """The report writers and the reference they read, as one digest: a changed template, wording or writer
    writes new reports (compiled bytecode left out: it is not what was written)."""
    digest = hashlib.sha256()
    for path in sorted(p for root in ("reports", "shnor_core") for p in (PROJECT_ROOT / root).rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Provenance:
    monitoring: Monitoring
    region: str
    submissions: pd.DataFrame  # mart_submission_status rows of the cycle
    generated_at: datetime
    version: str
    is_demo: bool
    institution: str = ""  # who issues the reports (the region reference's institution)

    @property
    def mark(self) -> str | None:
        return DEMO_MARK if self.is_demo else None

    def window(self) -> str:
        return f"{ru_date(self.monitoring.window_open)} – {ru_date(self.monitoring.window_close)}"

    def counts(self) -> dict[str, int]:
        status = self.submissions["submission_status"]
        return {"expected": len(status), "accepted": int((status == "accepted").sum()),
                "rejected": int((status == "rejected").sum()), "missing": int((status == "missing").sum()),
                "late": int(self.submissions["is_late"].sum()),
                "versions_rejected": int(self.submissions["versions_rejected"].sum())}

    def footer(self) -> str:
        counts = self.counts()
        text = say("common.footer", monitoring=self.monitoring.monitoring_id, accepted=counts["accepted"],
                   expected=counts["expected"], made=f"{self.generated_at:%d.%m.%Y %H:%M}", version=self.version)
        return f"{text}; {DEMO_MARK}" if self.is_demo else text

    def files_table(self) -> list[list[str]]:
        """Municipality, status, the version used (file and the start of its SHA-256), versions received."""
        rows = []
        for row in self.submissions.sort_values("municipality_name").itertuples():
            used = "" if pd.isna(row.current_file) else f"{row.current_file} ({row.current_sha256[:12]})"
            rows.append([row.municipality_name, status_text(row.submission_status) + (say("common.late") if row.is_late else ""),
                         used, str(int(row.versions_received))])
        return rows

    def files_refs(self) -> list[str]:
        """The references (``shnor explain``) of files_table's rows: their mart_submission_status rows."""
        return rows_refs(self.submissions.sort_values("municipality_name"), "mart_submission_status")


def provenance(home: DataHome, monitoring_id: str) -> Provenance:
    monitoring = get_monitoring(monitoring_id)
    submissions = warehouse.query(home.warehouse, "select * from marts.mart_submission_status where monitoring_id = ?",
                                  [monitoring_id])
    demo = warehouse.query(home.warehouse, "select count(*) as n from marts.mart_indicator_scores "
                                           "where monitoring_id = ? and is_demo", [monitoring_id]).iloc[0]["n"]
    return Provenance(monitoring, region_name(monitoring.region_code), submissions, datetime.now(timezone.utc),
                      code_version(), bool(demo), region_institution(monitoring.region_code))
