"""Checking one file without loading it: the same reader and the same Great Expectations suite the
pipeline uses (``ingestion.detect.read_source`` and ``shnor.validation``), so a file the checker accepts
is never refused by the pipeline, and the other way round. ``shnor check-submission``, ``shnor
check-results`` and the upload page all call ``check_file``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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
        form = load_form(monitoring.form_id)
        matcher = SchoolMatcher([])
        if form.level == "school":  # a school's form names its school: matched as the pipeline matches it
            matcher, described = registry_matcher(registry, home)
        context = ReadContext(load_municipalities(monitoring.region_code), matcher, monitoring_id=monitoring_id, form=form,
                              pseudonym_key=key)
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



def municipality_breakdown(read: SourceRead) -> list[dict]:
    """What a file would bring, per municipality its rows name, as its reader resolved them: issuing bodies as
    written, schools, participants, and source rows (a row of a sheet) matched to a registry school, waiting for a
    person's decision on their name (audit.name_review) or with a school name and no registry code (no registry,
    or not a school of the registry). Rows that name no municipality are counted under «не распознано»."""
    rows = read.rows
    if rows.empty or "source_row" not in rows:
        return []
    names = {m.oktmo: m.name for m in load_municipalities()}
    in_review = {(u.get("source_sheet"), u.get("source_row")) for u in read.unmatched}
    breakdown = []
    municipality = rows["municipality_oktmo"] if "municipality_oktmo" in rows else pd.Series(None, index=rows.index)
    for oktmo, part in rows.groupby(municipality.fillna(""), sort=True):
        source_rows = part.drop_duplicates(["source_sheet", "source_row"])
        keys = list(zip(source_rows["source_sheet"], source_rows["source_row"], strict=True))
        reviewing = sum(1 for key in keys if key in in_review)
        codes = source_rows["school_code"] if "school_code" in source_rows else pd.Series(None, index=source_rows.index)
        written = (source_rows["school_name_raw"] if "school_name_raw" in source_rows
                   else pd.Series(None, index=source_rows.index))
        matched = int(codes.notna().sum())
        participants = (part.loc[part["metric"] == "participants", "value"].sum() if "metric" in part else None)
        breakdown.append({
            "municipality_oktmo": oktmo or None,
            "municipality": names.get(oktmo, "не распознано" if not oktmo else oktmo),
            "issuing_bodies": (int(part["municipality_name_raw"].nunique()) if "municipality_name_raw" in part else None),
            "schools": int(pd.concat([codes.dropna(), written[codes.isna()].dropna()]).nunique()),
            "participants": None if participants is None else int(participants),
            "rows": len(keys), "matched": matched, "in_review": reviewing,
            "unregistered": int((codes.isna() & written.notna()).sum()) - reviewing,
        })
    return breakdown


def breakdown_lines(breakdown: list[dict]) -> list[str]:
    lines = []
    for item in breakdown:
        bodies = f"органов, выдавших данные: {item['issuing_bodies']}; " if item["issuing_bodies"] is not None else ""
        participants = f"участников: {item['participants']}; " if item["participants"] is not None else ""
        lines.append(f"  {item['municipality']}: {bodies}школ: {item['schools']}; {participants}строк: {item['rows']} — "
                     f"сопоставлено с реестром {item['matched']}, без кода реестра {item['unregistered']}, "
                     f"ждут проверки названий {item['in_review']}")
    return lines


def verdict_line(status: str, breakdown: list[dict], held_reason: str | None) -> str:
    """The last line of check-results: never only «принят» when rows would wait in review or reach no school."""
    if status == "accepted":
        rows = sum(item["rows"] for item in breakdown)
        in_review = sum(item["in_review"] for item in breakdown)
        unregistered = sum(item["unregistered"] for item in breakdown)
        if not in_review and not unregistered:
            return f"Файл принят: все {rows} строк сопоставлены" if breakdown else "Файл принят"
        return (f"Файл принят: строк {rows}, из них сопоставлено {rows - in_review - unregistered}, "
                f"ждут проверки названий {in_review}, без кода реестра {unregistered}")
    return {"unreadable": "Файл не прочитан",
            "held_for_review": f"Файл отложен для проверки человеком: {held_reason}"}.get(status, "Файл отклонён")
