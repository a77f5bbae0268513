"""Checking one file without loading it: the same reader and the same Great Expectations suite the
pipeline uses (``ingestion.detect.read_source`` and ``shnor.validation``), so a file the checker accepts
is never refused by the pipeline, and the other way round. ``shnor check-submission``, ``shnor
check-results`` and the upload page all call ``check_file``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.detect import ReadContext, read_source
from ingestion.school_names import SchoolMatcher, SchoolRef
from shnor.form_scoring import indicator_scores
from shnor.identity import load_crosswalk, resolve_written, written_names
from shnor.ingest import school_matcher
from shnor.validation import ValidationOutcome, validate_frame
from shnor_core.reference import get_monitoring, load_form, load_municipalities
from shnor_core.settings import DataHome, pseudonym_key
from shnor_core.source_read import SourceRead
from shnor_core.sources import ASSESSMENT, SCHOOL_REGISTRY, SOURCE_KINDS, SUBMISSION
from shnor_core.warehouse import WarehouseBusy


@dataclass
class Verdict:
    read: SourceRead
    validation: ValidationOutcome | None = None
    errors: list[dict] = field(default_factory=list)  # reading errors, then validation errors, each with its cell
    indicators: list[dict] = field(default_factory=list)  # a municipal form's scores: section, number, code, score, max
    registry: str = ""  # which school registry names were matched against
    identity: pd.DataFrame | None = None  # results: each written school as the warehouse would resolve it

    @property
    def accepted(self) -> bool:
        return self.read.accepted and (self.validation is None or self.validation.success)

    @property
    def not_read(self) -> list[dict]:
        """What was left unread, with why (sheets skipped, expected columns not found): the one list that
        ``check-results``, ``check-submission`` and the upload page's verdict show."""
        return [{k: e[k] for k in ("sheet", "cell", "indicator", "rule")} for e in self.read.not_read_as_dicts()]


def registry_matcher(registry: Path | None, home: DataHome | None) -> tuple[SchoolMatcher, str]:
    """School names are matched as the pipeline would match them: against a registry file given by hand,
    else the latest registry in the home's warehouse, else none (names are then left for review)."""
    if registry is not None:
        rows = read_source(registry, ReadContext(load_municipalities()), SCHOOL_REGISTRY.name).rows
        rows = rows.astype(object).where(rows.notna(), None)
        return SchoolMatcher([SchoolRef(r.school_code, r.school_name, r.municipality_oktmo, r.school_login)
                              for r in rows.itertuples()]), f"файл {registry.name}"
    if home is not None and home.warehouse.exists():
        try:
            matcher = school_matcher(home, read_only=True, wait=0)
        except WarehouseBusy:  # the pipeline is writing: its lock admits no reader
            return SchoolMatcher([]), "хранилище занято загрузкой: названия школ не сопоставлялись"
        return matcher, f"последний принятый реестр хранилища ({len(matcher.by_code)} школ)"
    return SchoolMatcher([]), "не задан: названия школ не сопоставлялись (--registry)"


def check_file(path: Path, kind: str | None = None, monitoring_id: str | None = None,
               registry: Path | None = None, home: DataHome | None = None, sha256: str | None = None) -> Verdict:
    """Read a file as the pipeline would and, if it reads, validate its rows with its kind's suite.
    ``sha256``: the file's hash when the caller has it (the upload page), so the file is hashed once."""
    described = ""
    key = pseudonym_key(home) if home is not None else None  # people keyed as the installation keys them
    if kind == SUBMISSION.name:
        monitoring = get_monitoring(monitoring_id)
        form = load_form(monitoring.form_id)
        matcher = SchoolMatcher([])
        if form.level == "school":  # a school's form names its school: matched as the pipeline matches it
            matcher, described = registry_matcher(registry, home)
        context = ReadContext(load_municipalities(monitoring.region_code), matcher, monitoring_id=monitoring_id, form=form,
                              pseudonym_key=key)
    else:
        matcher, described = registry_matcher(registry, home)
        context = ReadContext(load_municipalities(), matcher, pseudonym_key=key)
    read = read_source(Path(path), context, kind, sha256)
    verdict = Verdict(read, errors=read.errors_as_dicts(), registry=described)
    if read.accepted:
        verdict.validation = validate_frame(read.rows, SOURCE_KINDS[read.kind].suite)
        verdict.errors += verdict.validation.cell_errors
    if kind == SUBMISSION.name:
        verdict.indicators = indicator_scores(read.rows, context.form)
    if read.kind == ASSESSMENT.name and not read.rows.empty:
        verdict.identity = file_identity(read.rows, matcher, home)
    return verdict


def file_identity(rows: pd.DataFrame, matcher: SchoolMatcher, home: DataHome | None) -> pd.DataFrame:
    """A results file's written names resolved by the warehouse's own step (``shnor.identity.resolve_written``)
    with the same reference, registry and crosswalk, so the check says what the next build will do."""
    with duckdb.connect() as con:
        con.register("file_rows", rows)
        written = written_names(con, {"assessment_results": "file_rows"})
    crosswalk = load_crosswalk(home) if home is not None else {}
    return resolve_written(written, load_municipalities(), crosswalk, matcher)[1]


def identity_by_municipality(schools: pd.DataFrame) -> pd.DataFrame:
    """Per municipality of a checked file: issuing bodies, schools, participants, and schools and participants
    matched to the registry, unregistered and waiting in review (a school of an undetermined municipality is
    counted under its body as written)."""
    names = {m.oktmo: f"{m.oktmo} {m.name}" for m in load_municipalities()}
    label = schools["municipality_oktmo"].map(lambda oktmo: names.get(oktmo, f"{oktmo} регион (орган власти региона)")
                                               if isinstance(oktmo, str) else None)
    frame = schools.assign(
        municipality=label.fillna("не определено: " + schools["municipality_name_raw"]),
        matched=schools["status"] == "registered", unregistered=schools["status"] == "unregistered",
        review=schools["status"] == "review")
    for status in ("matched", "unregistered", "review"):
        frame[f"{status}_participants"] = frame["participants"].where(frame[status], 0.0)
    return frame.groupby("municipality").agg(
        bodies=("municipality_name_raw", "nunique"), schools=("school_name_raw", "nunique"),
        participants=("participants", "sum"), matched=("matched", "sum"), unregistered=("unregistered", "sum"),
        review=("review", "sum"), matched_participants=("matched_participants", "sum"),
        unregistered_participants=("unregistered_participants", "sum"),
        review_participants=("review_participants", "sum")).reset_index()

