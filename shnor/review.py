"""``shnor review``: the names the warehouse could not resolve with certainty, with what is at stake, and a
person's decisions on them — stored as data in the data home's crosswalk (``shnor.identity``), applied on the
next build. Reads the identity tables of the last build; never writes the warehouse."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from shnor.identity import MUNICIPALITY_NAMES, SCHOOL_NAMES, crosswalk_path, load_crosswalk, name_key, record_decision
from shnor_core import warehouse
from shnor_core.settings import DataHome

STATUS_RU = {"review": "ждёт решения", "unregistered": "нет в реестре МО", "registered": "сопоставлено неточно",
             "resolved": "распознано", "regional": "орган региона", "not_ours": "не наше"}


@dataclass
class ReviewItem:
    name_id: str
    name_kind: str  # municipality | school
    written_name: str
    municipality: str  # where a school's name was written: its municipality as resolved, or as written
    municipality_oktmo: str
    status: str
    proposal: str  # the code the build gave it (registry code, ОКТМО), if any
    score: float | None
    evidence: str
    candidates: list[str]
    source_rows: int
    participants: int
    windows: str
    decision: str  # a decision already recorded for it ('' when none): applies on the next build


def _items(con: duckdb.DuckDBPyConnection, show_all: bool) -> list[tuple]:
    needs = "" if show_all else "where needs_review"
    municipalities = con.execute(f"""
        select name_id, 'municipality', municipality_name_raw, '', '', status, coalesce(municipality_oktmo, ''),
               score, evidence, candidates, source_rows, participants, ''
        from {MUNICIPALITY_NAMES} {needs}""").fetchall()
    schools = con.execute(f"""
        select name_id, 'school', min(school_name_raw), min(municipality_name_raw), coalesce(min(municipality_oktmo), ''),
               min(status), coalesce(min(school_key), ''), min(score), min(evidence), min(candidates),
               sum(source_rows), sum(participants), string_agg(distinct windows, ', ')
        from {SCHOOL_NAMES} {needs}
        group by name_id""").fetchall()
    return municipalities + schools


def review_items(home: DataHome, show_all: bool = False) -> list[ReviewItem]:
    """Names waiting for a person (``show_all``: every written name), most participants first."""
    if not home.warehouse.exists():
        return []
    with warehouse.connect(home.warehouse, read_only=True, wait=0) as con:
        present = con.execute("select count(*) from information_schema.tables where table_schema = 'identity'"
                              ).fetchall()[0][0]
        rows = _items(con, show_all) if present == 2 else []
    crosswalk = load_crosswalk(home)
    items = []
    for (identifier, kind, written, municipality, oktmo, status, proposal, score, evidence, candidates, rows_count,
         participants, windows) in rows:
        decided = crosswalk.get((kind, oktmo if kind == "school" else "", name_key(written)))
        items.append(ReviewItem(identifier, kind, written, municipality or "", oktmo, status,
                                proposal if kind == "school" and status == "registered" else "",
                                None if score is None or score != score else round(float(score), 3), evidence or "",
                                [c for c in (candidates or "").split("; ") if c], int(rows_count or 0),
                                int(participants or 0), windows or "",
                                f"{decided.decision} {decided.target_code}".strip() if decided else ""))
    return sorted(items, key=lambda i: (i.name_kind != "municipality", -i.participants, i.written_name))


def find_item(home: DataHome, identifier: str) -> ReviewItem:
    found = [item for item in review_items(home, show_all=True) if item.name_id == identifier]
    if not found:
        raise KeyError(f"Названия с номером «{identifier}» нет среди сопоставлений последней сборки (shnor review --all)")
    return found[0]


def _first_code(candidates: list[str]) -> str:
    return candidates[0].split(" ", 1)[0] if candidates else ""


def decide(home: DataHome, identifier: str, decision: str, code: str | None = None, by: str | None = None,
           note: str = "") -> str:
    """Record a decision on a name of the last build's review; returns what was recorded, in Russian."""
    item = find_item(home, identifier)
    if decision == "confirm":
        target = code or item.proposal or (item.municipality_oktmo if item.name_kind == "municipality" else "") \
            or _first_code(item.candidates)
    elif decision == "reject":
        target = code or item.proposal or (item.municipality_oktmo if item.name_kind == "municipality" else "") \
            or _first_code(item.candidates)
    else:
        target = code or ""
    if decision == "map" and not target:
        raise KeyError("Укажите код (ОКТМО МО или код ОО из реестра) или --not-ours")
    oktmo = item.municipality_oktmo if item.name_kind == "school" else ""
    made = record_decision(home, item.name_kind, oktmo, item.written_name, decision, target, by, note)
    what = {"confirm": "подтверждено", "map": "сопоставлено с", "reject": "отклонено", "not_ours": "не наше"}[decision]
    return (f"«{item.written_name}»: {what} {made.target_code}".rstrip() + f" ({made.decided_by}, {made.decided_at}). "
            "Применится при следующей сборке: shnor build")


def export_crosswalk(home: DataHome, destination: Path) -> int:
    """Copy the crosswalk (every decision with who and when) to a file; returns how many decisions."""
    source = crosswalk_path(home)
    if not source.exists():
        raise FileNotFoundError(f"Решений пока нет: {source} не создан")
    shutil.copyfile(source, destination)
    return sum(1 for _ in source.open(encoding="utf-8")) - 1


def item_lines(items: list[ReviewItem]) -> list[str]:
    if not items:
        return ["Все названия сопоставлены: решений не требуется."]
    municipalities = [i for i in items if i.name_kind == "municipality"]
    schools = [i for i in items if i.name_kind == "school"]
    lines = [f"Ждут решения: {len(municipalities)} назв. МО, {len(schools)} назв. школ; строк — "
             f"{sum(i.source_rows for i in schools)}, участников — {sum(i.participants for i in schools)}"]
    for item in items:
        kind = "МО" if item.name_kind == "municipality" else "школа"
        where = f" ({item.municipality})" if item.name_kind == "school" and item.municipality else ""
        score = f", оценка {item.score:g}" if item.score is not None else ""
        lines.append(f"  [{item.name_id}] {kind} «{item.written_name}»{where}: {STATUS_RU.get(item.status, item.status)}"
                     f"{score} — {item.evidence}")
        lines.append(f"      на кону: строк {item.source_rows}, участников {item.participants}"
                     + (f", окна: {item.windows}" if item.windows else ""))
        for candidate in item.candidates[:3]:
            lines.append(f"      кандидат: {candidate}")
        if item.decision:
            lines.append(f"      решение записано ({item.decision}): применится при следующей сборке")
    lines.append("Решения: shnor review confirm|reject НОМЕР, shnor review map НОМЕР КОД | --not-ours; затем shnor build")
    return lines


def items_json(items: list[ReviewItem]) -> list[dict]:
    return [asdict(item) for item in items]
