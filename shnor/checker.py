"""Checking one file without loading it: the same reader and the same Great Expectations suite the
pipeline uses (``ingestion.detect.read_source`` and ``shnor.validation``), so a file the checker accepts
is never refused by the pipeline, and the other way round. ``shnor check-submission``, ``shnor
check-results`` and the upload page all call ``check_file``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingestion.detect import ReadContext, read_source
from ingestion.school_names import SchoolMatcher, SchoolRef
from shnor.form_scoring import indicator_scores
from shnor.ingest import school_matcher
from shnor.validation import ValidationOutcome, validate_frame
from shnor_core.reference import get_monitoring, load_form, load_municipalities
from shnor_core.settings import DataHome, pseudonym_key
from shnor_core.source_read import SourceRead
from shnor_core.sources import SCHOOL_REGISTRY, SOURCE_KINDS, SUBMISSION
from shnor_core.warehouse import WarehouseBusy


@dataclass
class Verdict:
    read: SourceRead
    validation: ValidationOutcome | None = None
    errors: list[dict] = field(default_factory=list)  # reading errors, then validation errors, each with its cell
    indicators: list[dict] = field(default_factory=list)  # a municipal form's scores: section, number, code, score, max
    registry: str = ""  # which school registry names were matched against

    @property
    def accepted(self) -> bool:
        return self.read.accepted and (self.validation is None or self.validation.success)


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
               registry: Path | None = None, home: DataHome | None = None) -> Verdict:
    """Read a file as the pipeline would and, if it reads, validate its rows with its kind's suite."""
    described = ""
    key = pseudonym_key(home) if home is not None else None  # people keyed as the installation keys them
    if kind == SUBMISSION.name:
        monitoring = get_monitoring(monitoring_id)
        context = ReadContext(load_municipalities(monitoring.region_code), monitoring_id=monitoring_id,
                              form=load_form(monitoring.form_id), pseudonym_key=key)
    else:
        matcher, described = registry_matcher(registry, home)
        context = ReadContext(load_municipalities(), matcher, pseudonym_key=key)
    read = read_source(Path(path), context, kind)
    verdict = Verdict(read, errors=read.errors_as_dicts(), registry=described)
    if read.accepted:
        verdict.validation = validate_frame(read.rows, SOURCE_KINDS[read.kind].suite)
        verdict.errors += verdict.validation.cell_errors
    if kind == SUBMISSION.name:
        verdict.indicators = indicator_scores(read.rows, context.form)
    return verdict

