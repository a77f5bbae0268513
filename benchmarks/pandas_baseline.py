"""The honest baseline: what a competent analyst writes without this project, kept only to measure the
pipeline against (``benchmarks.benchmark``) and checked equal to our marts (``tests/test_pandas_baseline.py``).

Every landed file is read with ``pandas.read_excel(engine="openpyxl")`` (``read_csv`` for CSV), the files of
a kind are put together with one ``concat``, checked with pandas (the rules of our GX suites, written as
pandas conditions: ``RULES``), and the marts the reports read are computed with pandas ``groupby``/``merge``
from the rules and thresholds in the dbt seeds. The reports are then written from those frames by the
project's own report code (``BaselineMarts`` has the attributes of ``reports.regional_note.CycleMarts``), so
both sides write the same documents with the same libraries. The columns every mart carries for BI readers it
computes as dbt does: ``is_demo`` (any file read carries the demo mark; dbt's post-hook mark_demo_data), the year and
dates of a monitoring's window (``with_monitoring_window``, from the calendar) and the Russian names of codes
(``code_label``, from seed code_labels).

What it does not do, and why it need not: it reads the files the generators write (``sample_region``), in
the layouts they write them — a form found by its header row and walked row by row against its catalogue
``forms/<form>.csv``, the ВПР, ЕГЭ, lists and curators tables by their header words, school names matched
exactly within their municipality. It does not accept the hostile, misspelt, re-laid-out or partial files our
readers accept (no safety scan, no fuzzy names, no alternative layouts, no per-cell error report for the
municipality), keeps no archive, quarantine, lineage or audit tables, and writes no warehouse. Calendars
are read as they stand (periodic rows are not expanded). Nothing it computes is kept.

What it does not reproduce, and says so (``NOT_REPRODUCED``): the marts the reports came to read after it was
written — the regional letter (``mart_recommendation`` from seed 000's rules, thresholds and templates), the
data-quality checks, the computed ШНОР list with its exits (and its counts in ``mart_shnor_municipality_lists``,
``NOT_REPRODUCED_COLUMNS``) and the comparison with the published one, the roadmaps and the people. Reproducing those in pandas is a project of its own; instead the benchmark compares
data stages only on what it does compute (our ``dbt build`` restricted to ``REPRODUCED_MARTS`` with their
upstream models and tests), and its report stage takes those frames from our marts of the same files, read
before its clock starts, so both sides still write the same documents.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb  # only to read our marts for the equality check, never in the baseline's own work
import numpy as np
import pandas as pd

from reports.cycle_reports import write_reports as write_from
from reports.provenance import Provenance, code_version
from shnor_core.lineage import Glob
from shnor_core.reference import get_monitoring, region_institution, region_name
from shnor_core.settings import CALENDARS_DIR, DBT_SEEDS_DIR, FORMS_DIR, DataHome

DEMO_TEXT = "демонстрационные данные"
FOLDERS = {"submission": "submissions", "oo1_context": "context", "school_registry": "reference",
           "assessment_results": "results", "school_lists": "lists", "mentor_assignments": "mentors"}
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
FILE_COLUMNS = ["source_sha256", "source_kind", "source_file", "received_at", "monitoring_id", "municipality_oktmo",
                "data_year", "is_demo"]


# --------------------------------------------------------------------------------------------- reference

@dataclass
class Reference:
    """The reference tables an analyst keeps beside the data: the dbt seeds, the calendar, the form catalogues."""

    seeds: dict[str, pd.DataFrame]
    calendar: pd.DataFrame
    forms: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def municipalities(self) -> pd.DataFrame:
        """dim_municipality."""
        m = self.seeds["ref_municipalities"]
        return pd.DataFrame({"municipality_oktmo": m["oktmo8"], "municipality_name": m["name"],
                             "municipality_kind": m["kind"], "valid_from": m["valid_from"], "valid_to": m["valid_to"],
                             "oktmo_region_code": m["oktmo8"].str[:2]})

    def parameter(self, name: str) -> float:
        p = self.seeds["methodology_parameters"]
        return float(p.loc[p["parameter"] == name, "value"].max())

    def form(self, form_id: str) -> pd.DataFrame:
        if form_id not in self.forms:
            self.forms[form_id] = pd.read_csv(FORMS_DIR / f"{form_id}.csv", dtype={"printed_max": str})
        return self.forms[form_id]


SEED_TYPES = {"ref_municipalities": {"oktmo8": str, "control_digit": str}, "ref_regions": {"region_code": str,
              "oktmo_prefix": str}, "recommendation_evidence": {"item_number": "Int64"},
              "roadmap_activities": {"due_month": "Int64", "evidence_indicator": str},
              "report_texts": {"months_after_close": "Int64"}}


def load_reference(seeds_dir: Path = DBT_SEEDS_DIR, calendars_dir: Path = CALENDARS_DIR) -> Reference:
    seeds = {path.stem: pd.read_csv(path, dtype=SEED_TYPES.get(path.stem), keep_default_na=True)
             for path in sorted(seeds_dir.glob("*.csv"))}
    for name in ("ref_municipalities",):
        for column in ("valid_from", "valid_to"):
            seeds[name][column] = pd.to_datetime(seeds[name][column])
    for name, columns in {"context_clusters": ["is_sscu"], "identification_rules": ["identifies_shnor"]}.items():
        for column in columns:
            seeds[name][column] = seeds[name][column].astype(str).str.lower().eq("true")
    calendar = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(calendars_dir.glob("*.csv"))],
                         ignore_index=True)
    if (calendar.get("periodicity", pd.Series(dtype=str)).fillna("") != "").any():
        raise NotImplementedError("базовый вариант не разворачивает периодические строки календаря")
    calendar["window_open"] = pd.to_datetime(calendar["window_open"])
    calendar["window_close"] = pd.to_datetime(calendar["window_close"])
    calendar["form_id"] = calendar["form_id"].replace("", None)
    return Reference(seeds, calendar)


_NAME_NOISE = re.compile(r"\b(муниципальное образование|муниципальный район|муниципальный округ|городской округ|"
                         r"город-курорт|город|район|округ|мо|г)\b\.?")


def name_key(text: object) -> str:
    """A municipality's name without its kind: «г. Сочи», «город-курорт Сочи» → «сочи»."""
    folded = str(text).lower().replace("ё", "е")
    return " ".join(_NAME_NOISE.sub(" ", folded).split())


def school_key(text: object) -> str:
    return " ".join(str(text).lower().replace("ё", "е").split())


def _is_missing(value) -> bool:
    """An empty cell as pandas hands it over: None, NaN, or NaT (an empty cell of a date column)."""
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------------------------- reading

@dataclass
class Sources:
    """Everything read from the landing folders: one frame per kind (one concat each), the files, and what
    could not be read (file → reasons)."""

    files: pd.DataFrame
    submissions: pd.DataFrame
    context: pd.DataFrame
    registry: pd.DataFrame
    results: pd.DataFrame
    lists: pd.DataFrame
    mentors: pd.DataFrame
    problems: dict[str, list[str]] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _landed(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))


def _received(path: Path) -> datetime:
    """The arrival the landing folder recorded for this content (``.arrivals.json``, keyed by sha256), else when the
    file was put there."""
    arrivals = path.parent / ".arrivals.json"
    if arrivals.exists():
        entry = json.loads(arrivals.read_text(encoding="utf-8")).get(_sha256(path))
        if entry:
            return datetime.fromisoformat(entry["received_at"])
    changed = datetime.fromtimestamp(path.stat().st_ctime, timezone.utc).replace(tzinfo=None)
    return min(changed, datetime.now(timezone.utc).replace(tzinfo=None))


def _sheets(path: Path) -> dict[str, list[list]]:
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl", dtype=object)
    return {str(name): frame.astype(object).where(frame.notna(), None).values.tolist() for name, frame in frames.items()}


def _mentions_demo(rows: list[list]) -> bool:
    return any(isinstance(cell, str) and DEMO_TEXT in cell.lower() for row in rows for cell in row)


def _cell(row: list, index: int):
    return row[index] if index < len(row) else None


def _text(value) -> str:
    return "" if _is_missing(value) else " ".join(str(value).split())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_YES, _NO, _NOT_APPLICABLE = {"да", "есть"}, {"нет"}, {"*", "х", "x"}


def parse_mark(raw) -> tuple[float | None, bool]:
    """A form cell: 1, 0, "1,0", "да", "нет", "*" (not applicable) → (value, not applicable)."""
    if _is_missing(raw) or (isinstance(raw, str) and not raw.strip()):
        return None, False
    if isinstance(raw, (bool, np.bool_)):
        return float(raw), False
    if isinstance(raw, (int, float, np.integer, np.floating)):
        return float(raw), False
    text = str(raw).strip().lower()
    if text in _NOT_APPLICABLE:
        return None, True
    if text in _YES:
        return 1.0, False
    if text in _NO:
        return 0.0, False
    try:
        return float(text.replace(" ", "").replace(",", ".")), False
    except ValueError:
        return None, False


SUBMISSION_COLUMNS = ["section_code", "indicator_code", "indicator_number", "item_number", "unit_label", "kind",
                      "value", "not_applicable", "source_row", "source_cell"]


@dataclass
class Catalogue:
    """A form's catalogue (forms/<form>.csv) as the form reader walks it: sections by title, the sub-items of
    each indicator in order."""

    sections: dict[str, str]
    indicators: dict[tuple[str, int], list]
    items: int

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Catalogue:
        indicators: dict[tuple[str, int], list] = {}
        for item in frame.itertuples(index=False):
            indicators.setdefault((item.section_code, int(item.indicator_number)), []).append(item)
        return cls(dict(zip(frame["section_title"].str.strip(), frame["section_code"])), indicators, len(frame))


def read_form(path: Path, catalogue: Catalogue, municipalities: dict[str, str]) -> tuple[pd.DataFrame, dict, list[str]]:
    """One municipality's form: the header row found by its «Баллы» cell, then each row walked — a section
    title, an indicator number, or a dash line naming the indicator's next sub-item (in catalogue order)."""
    sections, indicators = catalogue.sections, catalogue.indicators
    for sheet, rows in _sheets(path).items():
        header = next((i for i, row in enumerate(rows) if any(_text(c).startswith("Баллы") for c in row)), None)
        if header is not None:
            break
    else:
        return pd.DataFrame(columns=SUBMISSION_COLUMNS), {}, ["в книге не найдена таблица формы"]
    titles = [_text(c) for c in rows[header]]
    points = next(i for i, t in enumerate(titles) if t.startswith("Баллы"))
    counts = next((i for i, t in enumerate(titles) if t.startswith("Количеств")), points + 1)
    written = next((_text(row[1]) for row in rows[:header] if _text(row[0]).startswith("Муниципальное образование")), "")
    info = {"municipality_oktmo": municipalities.get(name_key(written)), "is_demo": _mentions_demo(rows[:header]),
            "sheet": sheet}
    records, section, pending, indicator = [], None, [], None

    def record(row: list, number: int, item) -> None:
        column = points if item.kind == "presence" else counts
        value, not_applicable = parse_mark(_cell(row, column))
        records.append((section, item.indicator_code, int(item.indicator_number), int(item.item_number), "МО", item.kind,
                        value, not_applicable, number, f"{_column_letter(column)}{number}"))

    for number, row in enumerate(rows[header + 1:], start=header + 2):
        first, label = _cell(row, 0), _text(_cell(row, 1))
        if isinstance(first, str) and first.strip() in sections:
            section, indicator, pending = sections[first.strip()], None, []
            continue
        if section is None:
            continue
        if isinstance(first, (int, float)) and not _is_missing(first) or (isinstance(first, str) and first.strip().isdigit()):
            indicator = indicators.get((section, int(float(first))))
            pending = [] if indicator is None else list(indicator)
            if indicator is not None and len(pending) == 1 and _is_missing(pending[0].item_label):
                record(row, number, pending.pop(0))
            continue
        if indicator is not None and pending and label.startswith("-"):
            record(row, number, pending.pop(0))
    problems = []
    if info["municipality_oktmo"] is None:
        problems.append(f"муниципальное образование «{written}» не найдено в справочнике")
    if len(records) != catalogue.items:
        problems.append(f"в форме найдено {len(records)} подпунктов из {catalogue.items}")
    return pd.DataFrame(records, columns=SUBMISSION_COLUMNS), info, problems


def read_context(path: Path, labels: dict[str, str]) -> tuple[pd.DataFrame, int | None, bool]:
    """The flat ОО-1 extract: the header row holds «Код ОО»; columns renamed by forms/context/oo1_flat.csv."""
    frames = []
    year, demo = None, False
    for sheet, frame in pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl", dtype=object).items():
        first = frame.iloc[:, 0].astype(str).str.strip()
        header = first[first == "Код ОО"].index
        if not len(header):
            continue
        title = " ".join(str(v) for v in frame.iloc[: header[0], 0].dropna())
        demo = demo or DEMO_TEXT in title.lower()
        found = re.search(r"\b(20\d\d)\b", title) or re.search(r"\b(20\d\d)\b", str(sheet)) or re.search(
            r"\b(20\d\d)\b", path.name)
        year = int(found.group(1)) if found else None
        table = frame.iloc[header[0] + 1:].dropna(how="all")
        table.columns = [labels.get(str(c).strip(), str(c)) for c in frame.iloc[header[0]]]
        frames.append(table.assign(source_row=table.index + 1))
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), year, demo


def read_registry(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str) if path.suffix.lower() == ".csv" else pd.read_excel(path, dtype=str, engine="openpyxl")
    frame = frame.rename(columns={"Код ОО": "school_code", "Наименование ОО": "school_name", "ОКТМО МО": "municipality_oktmo",
                                  "ИНН": "inn", "ОГРН": "ogrn"})
    return frame[["school_code", "school_name", "municipality_oktmo", "inn", "ogrn"]].assign(source_row=frame.index + 2)


RESULT_METRICS = ["participants", "mark_2_share", "mark_3_share", "mark_4_share", "mark_5_share", "below_minimum",
                  "mean_score", "score_100"]
RESULT_COLUMNS = ["procedure", "year", "subject", "grade", "municipality_name_raw", "school_name_raw", "school_code",
                  *RESULT_METRICS, "source_row"]
_CODED_SCHOOL = re.compile(r"^\((\d+)\)\s*(.+)$")


def read_vpr(path: Path) -> tuple[pd.DataFrame, bool]:
    """ФИС ОКО «Статистика по отметкам»: a sheet per subject and grade, schools written «(код) название»,
    shares of marks 2–5 in percent."""
    frames, demo = [], False
    for sheet, rows in _sheets(path).items():
        header = next(i for i, row in enumerate(rows) if _text(row[0]) == "ОО")
        title = " ".join(_text(row[0]) for row in rows[:header])
        demo = demo or _mentions_demo(rows[:header])
        year = int(re.search(r"\b(20\d\d)\b", title).group(1))
        subject = re.search(r"Предмет:\s*(.+?)(?=\s+Класс|$)", title).group(1).strip()
        grade = int(re.search(r"Класс:\s*(\d+)", title).group(1))
        heads = [_text(c) for c in rows[header]]
        marks = {f"mark_{int(float(h))}_share": i for i, h in enumerate(heads) if h in {"2", "3", "4", "5", "2.0", "3.0", "4.0", "5.0"}}
        participants = heads.index("Кол-во участников")
        cells = []
        for number, row in enumerate(rows[header + 1:], start=header + 2):
            coded = _CODED_SCHOOL.match(_text(row[0]))
            if not coded:
                continue
            cells.append({"school_code": coded.group(1), "school_name_raw": coded.group(2), "source_row": number,
                          "participants": float(row[participants]),
                          **{metric: float(row[i]) * 0.01 for metric, i in marks.items()}})
        frames.append(pd.DataFrame(cells).assign(procedure="ВПР", year=year, subject=subject, grade=grade))
    return pd.concat(frames, ignore_index=True), demo


EXAM_METRICS = {"Участников": "participants", "Средний балл": "mean_score", "Не преодолели минимальный порог": "below_minimum",
                "100 баллов": "score_100"}


def read_exam(path: Path) -> tuple[pd.DataFrame, bool]:
    """ЕГЭ/ОГЭ per school: municipality (first row of its block), school, then four columns per subject
    under a merged subject title; «х» where nobody took it; «ВСЕГО по МО» rows skipped."""
    frames, demo = [], False
    for sheet, rows in _sheets(path).items():
        header = next(i for i, row in enumerate(rows) if _text(row[0]) == "Муниципальное образование")
        title = " ".join(_text(row[0]) for row in rows[:header]) + " " + sheet
        demo = demo or _mentions_demo(rows[:header])
        procedure = "ЕГЭ" if "егэ" in title.lower() else "ОГЭ"
        year = int(re.search(r"\b(20\d\d)\b", sheet + " " + title).group(1))
        blocks, subject = [], None
        for column in range(2, len(rows[header])):
            subject = _text(rows[header][column]) or subject
            blocks.append((column, subject, EXAM_METRICS.get(_text(rows[header + 1][column]))))
        cells, municipality = [], None
        for number, row in enumerate(rows[header + 2:], start=header + 3):
            first, school = _text(row[0]), _text(_cell(row, 1))
            if first.lower().startswith(("итого", "всего")) or not school or school.lower().startswith(("всего", "итого")):
                continue
            municipality = first or municipality
            by_subject: dict[str, dict] = {}
            for column, name, metric in blocks:
                value = _cell(row, column)
                if metric and not _is_missing(value) and _text(value).lower() not in _NOT_APPLICABLE:
                    by_subject.setdefault(name, {})[metric] = float(value)
            for name, metrics in by_subject.items():
                cells.append({"municipality_name_raw": municipality, "school_name_raw": school, "subject": name,
                              "source_row": number, **metrics})
        frames.append(pd.DataFrame(cells).assign(procedure=procedure, year=year, grade=11 if procedure == "ЕГЭ" else 9))
    return pd.concat(frames, ignore_index=True), demo


def read_student_results(path: Path) -> tuple[pd.DataFrame, bool]:
    """One row per participant (CSV, «;»): marks counted per school, procedure, year, subject and grade."""
    students = pd.read_csv(path, sep=";", engine="pyarrow", usecols=["Код ОО", "Процедура", "Год", "Предмет", "Класс", "Отметка"],
                           dtype={"Код ОО": "category", "Процедура": "category", "Предмет": "category", "Год": "int32",
                                  "Класс": "int32", "Отметка": "int8"})
    keys = ["Код ОО", "Процедура", "Год", "Предмет", "Класс"]
    counts = pd.crosstab([students[k] for k in keys], students["Отметка"])
    counts = counts.reindex(columns=[2, 3, 4, 5], fill_value=0)
    participants = counts.sum(axis=1)
    cells = pd.DataFrame({"participants": participants.astype(float),
                          **{f"mark_{m}_share": counts[m] / participants for m in (2, 3, 4, 5)}}).reset_index()
    cells = cells.rename(columns=dict(zip(keys, ["school_code", "procedure", "year", "subject", "grade"])))
    for column in ("school_code", "procedure", "subject"):
        cells[column] = cells[column].astype(str)
    cells["source_row"] = 0
    bad_marks = int((~students["Отметка"].isin([2, 3, 4, 5])).sum())
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        demo = DEMO_TEXT in handle.read(4096).lower()
    return cells.assign(bad_marks=bad_marks), demo


def _table(rows: list[list], first_header: str) -> tuple[int, list[str]]:
    header = next(i for i, row in enumerate(rows) if _text(row[0]).startswith(first_header))
    return header, [_text(c) for c in rows[header]]


LIST_KINDS = [("постпроект", "post_project"), ("500", "project_500"), ("необъектив", "biased_results"),
              ("региональн", "shnor_regional"), ("федеральн", "shnor_federal"), ("фиоко", "shnor_federal")]


def _list_kind(text: str) -> str | None:
    folded = text.lower()
    return next((kind for word, kind in LIST_KINDS if word in folded), None)


def read_lists(path: Path) -> tuple[pd.DataFrame, bool]:
    """The region's table of lists: «Год», «Список», «Муниципальное образование», «ОО»."""
    frames, demo = [], False
    for sheet, rows in _sheets(path).items():
        header, heads = _table(rows, "Год")
        demo = demo or _mentions_demo(rows[:header])
        frame = pd.DataFrame(rows[header + 1:], columns=heads).dropna(how="all")
        frames.append(pd.DataFrame({
            "list_kind": frame["Список"].map(lambda t: _list_kind(_text(t))), "year": frame["Год"].astype("Int64"),
            "municipality_raw": frame["Муниципальное образование"].ffill().map(_text),
            "school_name_raw": frame["ОО"].map(_text), "source_row": frame.index + header + 2}))
    return pd.concat(frames, ignore_index=True), demo


ROLES = {"куратор": "curator", "наставник": "mentor", "тьютор": "tutor"}


def _iso_date(value) -> str | None:
    """A date as the readers store it (YYYY-MM-DD): a cell's date, or its text «дд.мм.гггг»."""
    if _is_missing(value):
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    text = _text(value)
    found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    return f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else text


def read_mentors(path: Path, key: bytes) -> tuple[pd.DataFrame, bool]:
    """Curators (mentors, tutors) per school: «ФИО», «Должность», «МО», «Курируемая ОО», «Роль», «Год». Names
    become keyed pseudonyms at once; no name leaves this function."""
    frames, demo = [], False
    for sheet, rows in _sheets(path).items():
        header, heads = _table(rows, "ФИО")
        demo = demo or _mentions_demo(rows[:header])
        frame = pd.DataFrame(rows[header + 1:], columns=heads).dropna(how="all")
        person = frame[heads[0]].map(lambda name: "P" + hmac.new(key, _text(name).lower().encode(), "sha256").hexdigest()[:12])
        frames.append(pd.DataFrame({
            "person_id": person, "role": frame["Роль"].map(lambda r: ROLES.get(_text(r).lower())),
            "year": frame["Год"].astype("Int64"), "municipality_raw": frame["МО"].ffill().map(_text),
            "school_name_raw": frame["Курируемая ОО"].map(_text), "source_row": frame.index + header + 2,
            "visits": pd.to_numeric(frame.get("Посещений", pd.Series(index=frame.index, dtype=object)),
                                    errors="coerce").astype("Int64"),
            "medk_date": frame.get("Дата в ИС МЭДК", pd.Series(index=frame.index, dtype=object)).map(_iso_date)}))
    return pd.concat(frames, ignore_index=True), demo


def read_all(home: DataHome, monitorings: list[str], reference: Reference) -> Sources:
    """Every landed file of the cycle's monitorings and of the school sources, read into one frame per kind."""
    towns = reference.municipalities
    by_key = dict(zip(towns["municipality_name"].map(name_key), towns["municipality_oktmo"]))
    files, problems = [], {}
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in FOLDERS}

    def landed(path: Path, kind: str, **fields) -> str:
        sha = _sha256(path)
        files.append({"source_sha256": sha, "source_kind": kind, "source_file": path.name, "received_at": _received(path),
                      "monitoring_id": None, "municipality_oktmo": None, "data_year": None, "is_demo": False, **fields})
        return sha

    calendar = reference.calendar.set_index("monitoring_id")
    for monitoring_id in monitorings:
        form_id = calendar.loc[monitoring_id, "form_id"]
        catalogue = Catalogue.of(reference.form(form_id))
        for path in _landed(home.landing / FOLDERS["submission"] / monitoring_id):
            rows, info, trouble = read_form(path, catalogue, by_key)
            sha = landed(path, "submission", monitoring_id=monitoring_id, municipality_oktmo=info.get("municipality_oktmo"),
                         is_demo=info.get("is_demo", False))
            problems[sha] = trouble
            parts["submission"].append(rows.assign(monitoring_id=monitoring_id, form_id=form_id, source_file=path.name,
                                                   source_sha256=sha, municipality_oktmo=info.get("municipality_oktmo")))
    labels = dict(pd.read_csv(FORMS_DIR / "context" / "oo1_flat.csv")[["label", "variable"]].values)
    for path in _landed(home.landing / FOLDERS["oo1_context"]):
        frame, year, demo = read_context(path, labels)
        sha = landed(path, "oo1_context", data_year=year, is_demo=demo)
        parts["oo1_context"].append(frame.assign(year=year, source_sha256=sha, source_file=path.name))
    for path in _landed(home.landing / FOLDERS["school_registry"]):
        frame = read_registry(path)
        sha = landed(path, "school_registry", is_demo=DEMO_TEXT in path.read_text(encoding="utf-8", errors="replace")[:4096].lower())
        parts["school_registry"].append(frame.assign(source_sha256=sha, source_file=path.name))
    registry = pd.concat(parts["school_registry"], ignore_index=True) if parts["school_registry"] else pd.DataFrame(
        columns=["school_code", "school_name", "municipality_oktmo", "source_sha256"])
    known_codes = set(registry["school_code"])
    for path in _landed(home.landing / FOLDERS["assessment_results"]):
        trouble = []
        if path.suffix.lower() == ".csv":
            frame, demo = read_student_results(path)
            if frame.pop("bad_marks").max():
                trouble.append("отметка должна быть от 2 до 5")
            if not frame["school_code"].isin(known_codes).all():
                trouble.append("кода ОО нет в реестре школ")
        else:
            frame, demo = read_vpr(path) if path.name.lower().startswith("vpr") else read_exam(path)
        sha = landed(path, "assessment_results", is_demo=demo, data_year=int(frame["year"].max()))
        problems[sha] = trouble
        parts["assessment_results"].append(frame.assign(source_sha256=sha, source_file=path.name))
    for path in _landed(home.landing / FOLDERS["school_lists"]):
        frame, demo = read_lists(path)
        sha = landed(path, "school_lists", is_demo=demo, data_year=int(frame["year"].min()))
        parts["school_lists"].append(frame.assign(source_sha256=sha, source_file=path.name))
    key = secrets.token_bytes(16)  # pseudonyms for this run only: they never leave the process
    for path in _landed(home.landing / FOLDERS["mentor_assignments"]):
        frame, demo = read_mentors(path, key)
        sha = landed(path, "mentor_assignments", is_demo=demo, data_year=int(frame["year"].max()))
        parts["mentor_assignments"].append(frame.assign(source_sha256=sha, source_file=path.name))

    def together(kind: str, columns: list[str]) -> pd.DataFrame:
        return pd.concat(parts[kind], ignore_index=True) if parts[kind] else pd.DataFrame(columns=columns)

    results = together("assessment_results", RESULT_COLUMNS + ["source_sha256", "source_file"])
    for metric in RESULT_METRICS:
        if metric not in results:
            results[metric] = np.nan
    return Sources(
        files=pd.DataFrame(files, columns=FILE_COLUMNS),
        submissions=together("submission", SUBMISSION_COLUMNS + ["monitoring_id", "form_id", "source_sha256"]),
        context=together("oo1_context", ["school_code", "year", "source_sha256"]),
        registry=registry,
        results=_match_schools(results, registry, by_key),
        lists=_match_schools(together("school_lists", ["list_kind", "year", "municipality_raw", "school_name_raw"]),
                             registry, by_key),
        mentors=_match_schools(together("mentor_assignments", ["person_id", "role", "year", "municipality_raw",
                                                              "school_name_raw"]), registry, by_key),
        problems=problems)


def _match_schools(frame: pd.DataFrame, registry: pd.DataFrame, by_key: dict[str, str]) -> pd.DataFrame:
    """School codes for written names: «(код) …» where the file gives the code, else the exact name within
    the written municipality, in the latest registry file."""
    latest = registry[registry["source_sha256"] == registry["source_sha256"].iloc[-1]] if len(registry) else registry
    names = latest.assign(municipality_oktmo=latest["municipality_oktmo"], key=latest["school_name"].map(school_key))
    frame = frame.copy()
    written = frame.pop("municipality_raw") if "municipality_raw" in frame else frame.get("municipality_name_raw")
    if written is not None:
        frame["written_oktmo"] = written.map(lambda t: by_key.get(name_key(t)) if isinstance(t, str) else None)
    else:
        frame["written_oktmo"] = None
    for column in ("school_code", "school_name_raw"):
        if column not in frame:
            frame[column] = None
    lookup = dict(zip(zip(names["municipality_oktmo"], names["key"]), names["school_code"]))
    found = [code if isinstance(code, str) else lookup.get((oktmo, school_key(name)))
             for code, oktmo, name in zip(frame["school_code"], frame["written_oktmo"], frame["school_name_raw"])]
    frame["school_code"] = found
    home = dict(zip(latest["school_code"], latest["municipality_oktmo"]))
    frame["municipality_oktmo"] = [oktmo if isinstance(oktmo, str) else home.get(code)
                                   for oktmo, code in zip(frame["written_oktmo"], frame["school_code"])]
    if "school_name_raw" in frame and frame["school_name_raw"].isna().any():
        names_by_code = dict(zip(latest["school_code"], latest["school_name"]))
        frame["school_name_raw"] = frame["school_name_raw"].fillna(frame["school_code"].map(names_by_code))
    return frame.drop(columns="written_oktmo")


# --------------------------------------------------------------------------------------------- validation

@dataclass(frozen=True)
class Rule:
    """One check, named after the GX expectation it stands for: ``failing(frame)`` marks the rows that break it."""

    suite: str
    expectation: str
    columns: tuple[str, ...]
    failing: object  # Callable[[pd.DataFrame], pd.Series]


def _not_null(column):
    return lambda f: f[column].isna()


def _in_set(column, values):
    return lambda f: f[column].notna() & ~f[column].isin(values)


def _between(column, low=None, high=None, where=None):
    def failing(f):
        values = pd.to_numeric(f[column], errors="coerce")
        bad = values.notna() & (((values < low) if low is not None else False) | ((values > high) if high is not None else False))
        return bad & (where(f) if where else True)
    return failing


def _matches(column, pattern):
    return lambda f: f[column].notna() & ~f[column].astype(str).str.fullmatch(pattern)


def _unique(*columns):
    return lambda f: f.duplicated(list(columns), keep=False)


_SHARES = ["mark_2_share", "mark_3_share", "mark_4_share", "mark_5_share"]

# The rules of expectations/*.json as pandas conditions on the baseline's frames (results are one row per
# school cell with a column per metric, so a rule on metric rows is a rule on metric columns).
RULES = [
    Rule("raw_submission_values", "expect_column_values_to_not_be_null", ("municipality_oktmo",), _not_null("municipality_oktmo")),
    Rule("raw_submission_values", "expect_column_values_to_not_be_null", ("source_cell",), _not_null("source_cell")),
    Rule("raw_submission_values", "expect_column_values_to_be_in_set", ("kind",), _in_set("kind", ["presence", "count"])),
    Rule("raw_submission_values", "expect_column_values_to_not_be_null", ("value",),
         lambda f: f["value"].isna() & ~f["not_applicable"].astype(bool)),
    Rule("raw_submission_values", "expect_column_values_to_be_in_set", ("value",),
         lambda f: (f["kind"] == "presence") & f["value"].notna() & ~f["value"].isin([0, 1])),
    Rule("raw_submission_values", "expect_column_values_to_be_between", ("value",),
         _between("value", 0, 100000, lambda f: f["kind"] == "count")),
    Rule("raw_submission_values", "expect_compound_columns_to_be_unique",
         ("source_sha256", "section_code", "indicator_number", "item_number", "unit_label"),
         _unique("source_sha256", "section_code", "indicator_number", "item_number", "unit_label")),
    Rule("raw_oo1_context", "expect_column_values_to_not_be_null", ("school_code",), _not_null("school_code")),
    Rule("raw_oo1_context", "expect_compound_columns_to_be_unique", ("source_sha256", "school_code", "year"),
         _unique("source_sha256", "school_code", "year")),
    Rule("raw_oo1_context", "expect_column_values_to_match_regex", ("municipality_oktmo",),
         _matches("municipality_oktmo", r"[0-9]{8}")),
    Rule("raw_oo1_context", "expect_column_values_to_be_in_set", ("locality",), _in_set("locality", ["городская", "сельская"])),
    Rule("raw_oo1_context", "expect_column_values_to_not_be_null", ("pupils_total",), _not_null("pupils_total")),
    Rule("raw_oo1_context", "expect_column_values_to_be_between", ("pupils_total",), _between("pupils_total", 0, 10000)),
    Rule("raw_oo1_context", "expect_column_pair_values_a_to_be_greater_than_b", ("pupils_total", "pupils_ovz"),
         lambda f: f["pupils_total"].notna() & f["pupils_ovz"].notna()
         & (pd.to_numeric(f["pupils_total"]) < pd.to_numeric(f["pupils_ovz"]))),
    Rule("raw_oo1_context", "expect_column_values_to_be_between", ("teacher_vacancies",), _between("teacher_vacancies", 0)),
    Rule("raw_schools", "expect_column_values_to_not_be_null", ("school_code",), _not_null("school_code")),
    Rule("raw_schools", "expect_compound_columns_to_be_unique", ("source_sha256", "school_code"),
         _unique("source_sha256", "school_code")),
    Rule("raw_schools", "expect_column_values_to_match_regex", ("municipality_oktmo",), _matches("municipality_oktmo", r"[0-9]{8}")),
    Rule("raw_schools", "expect_column_values_to_match_regex", ("inn",), _matches("inn", r"[0-9]{10}")),
    Rule("raw_schools", "expect_column_values_to_match_regex", ("ogrn",), _matches("ogrn", r"[0-9]{13}")),
    Rule("raw_assessment_results", "expect_column_values_to_be_in_set", ("procedure",), _in_set("procedure", ["ВПР", "ОГЭ", "ЕГЭ"])),
    Rule("raw_assessment_results", "expect_column_values_to_be_between", ("year",), _between("year", 2010, 2100)),
    Rule("raw_assessment_results", "expect_column_values_to_not_be_null", ("school_name_raw",), _not_null("school_name_raw")),
    Rule("raw_assessment_results", "expect_column_values_to_be_between", ("value", "_share"),
         lambda f: pd.concat([_between(c, 0, 1)(f) for c in _SHARES], axis=1).any(axis=1)),
    Rule("raw_assessment_results", "expect_column_values_to_be_between", ("value", "mean_score"), _between("mean_score", 0, 100)),
    Rule("raw_assessment_results", "expect_column_values_to_be_between", ("value", "participants"),
         _between("participants", 0, 10000)),
    Rule("raw_assessment_results", "expect_compound_columns_to_be_unique",
         ("source_sha256", "procedure", "year", "subject", "grade", "school_name_raw", "municipality_name_raw", "school_code",
          "metric"),
         _unique("source_sha256", "procedure", "year", "subject", "grade", "school_name_raw", "municipality_name_raw",
                 "school_code")),
    Rule("raw_school_lists", "expect_column_values_to_be_in_set", ("list_kind",),
         _in_set("list_kind", ["shnor_federal", "shnor_regional", "project_500", "post_project", "biased_results"])),
    Rule("raw_school_lists", "expect_column_values_to_not_be_null", ("year",), _not_null("year")),
    Rule("raw_school_lists", "expect_column_values_to_not_be_null", ("municipality_oktmo",), _not_null("municipality_oktmo")),
    Rule("raw_school_lists", "expect_compound_columns_to_be_unique",
         ("source_sha256", "list_kind", "year", "municipality_oktmo", "school_name_raw"),
         _unique("source_sha256", "list_kind", "year", "municipality_oktmo", "school_name_raw")),
    Rule("raw_mentor_assignments", "expect_column_values_to_match_regex", ("person_id",), _matches("person_id", r"P[0-9a-f]{12}")),
    Rule("raw_mentor_assignments", "expect_column_values_to_be_in_set", ("role",), _in_set("role", ["curator", "mentor", "tutor"])),
    Rule("raw_mentor_assignments", "expect_column_values_to_not_be_null", ("year",), _not_null("year")),
    Rule("raw_mentor_assignments", "expect_column_values_to_be_between", ("visits",), _between("visits", 0, 500)),
    Rule("raw_mentor_assignments", "expect_column_values_to_match_regex", ("medk_date",),
         _matches("medk_date", r"[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    Rule("raw_mentor_assignments", "expect_compound_columns_to_be_unique",
         ("source_sha256", "person_id", "role", "year", "municipality_oktmo", "school_name_raw"),
         _unique("source_sha256", "person_id", "role", "year", "municipality_oktmo", "school_name_raw")),
]
SUITE_FRAMES = {"raw_submission_values": "submissions", "raw_oo1_context": "context", "raw_schools": "registry",
                "raw_assessment_results": "results", "raw_school_lists": "lists", "raw_mentor_assignments": "mentors"}


def validate(sources: Sources) -> pd.DataFrame:
    """Each file accepted or rejected on its own rows (and on what could not be read); the files frame with
    ``status``. Returns the files frame; the reasons are in ``sources.problems``."""
    problems = {sha: list(reasons) for sha, reasons in sources.problems.items()}
    for rule in RULES:
        frame = getattr(sources, SUITE_FRAMES[rule.suite])
        if frame.empty:
            continue
        failing = rule.failing(frame)
        for sha in frame.loc[np.asarray(failing, dtype=bool), "source_sha256"].unique():
            problems.setdefault(sha, []).append(f"{rule.expectation}: {', '.join(rule.columns)}")
    files = sources.files.copy()
    files["status"] = np.where(files["source_sha256"].map(lambda sha: bool(problems.get(sha))), "rejected", "accepted")
    sources.problems = problems
    sources.files = files
    return files


# --------------------------------------------------------------------------------------------- marts: forms

def _latest(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The latest received file per ``keys`` (ties: the smaller sha256): one row per group."""
    ordered = frame.sort_values(["received_at", "source_sha256"], ascending=[False, True], kind="stable")
    return ordered.drop_duplicates(keys, keep="first")


def _change_direction(current: pd.Series, previous: pd.Series) -> np.ndarray:
    return np.select([previous.isna(), current - previous > 1e-9, previous - current > 1e-9],
                     ["new", "improved", "worsened"], "unchanged")


def code_label(reference: Reference, code_set: str, codes: pd.Series) -> pd.Series:
    """The Russian name of each code of ``code_set`` from seed code_labels (dbt's macro code_label); empty where
    the code is empty or has no name."""
    labels = reference.seeds["code_labels"]
    labels = labels[labels["code_set"] == code_set].set_index("code")["label"]
    return pd.Series(codes, copy=False).map(labels).astype(object)


def with_monitoring_window(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Every row of ``frame`` with the year its monitoring's window opens and the window's dates, as the last
    columns (dbt's macro with_monitoring_window over int_monitoring_windows): a left join on monitoring_id."""
    windows = reference.calendar[["monitoring_id", "window_open", "window_close"]]
    windows = windows.assign(monitoring_year=windows["window_open"].dt.year.astype("Int64"))
    return frame.merge(windows[["monitoring_id", "monitoring_year", "window_open", "window_close"]], on="monitoring_id",
                       how="left")


def mark_demo_data(marts: dict[str, pd.DataFrame], files: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every mart without an ``is_demo`` of its own gets one, the same on every row: whether any file read carries
    the demo mark (dbt's post-hook mark_demo_data over raw.files)."""
    is_demo = bool(files["is_demo"].fillna(False).astype(bool).any())
    return {name: frame if "is_demo" in frame.columns else frame.assign(is_demo=is_demo) for name, frame in marts.items()}


def _beside_region_and_previous(scores: pd.DataFrame, by: list[str], value: str, region: pd.DataFrame,
                                cycles: pd.DataFrame, previous_value: str, reference: Reference,
                                previous_id: str | None = None, change: str | None = None) -> pd.DataFrame:
    """A municipality's value beside its region (``region``: aggregates per monitoring and ``by``), its rank
    and quartile, and its value in the previous cycle of the same form."""
    keys = ["monitoring_id", *by]
    frame = scores.merge(region, on=keys)
    grouped = frame.groupby(keys)[value]
    frame["region_rank"] = grouped.rank(method="min", ascending=False).astype("int64")
    frame["region_quartile"] = (np.floor(4.0 * (frame["region_rank"] - 1) / grouped.transform("size")) + 1).astype("int64")
    earlier = scores[["monitoring_id", "municipality_oktmo", *by, value]].rename(
        columns={"monitoring_id": "previous_monitoring_id", value: "previous_value"})
    previous = cycles.dropna(subset=["previous_monitoring_id"]).merge(earlier, on="previous_monitoring_id")
    frame = frame.merge(previous, on=["monitoring_id", "municipality_oktmo", *by], how="left")
    if previous_id:
        frame = frame.rename(columns={"previous_monitoring_id": previous_id})
    else:
        frame = frame.drop(columns="previous_monitoring_id")
    frame = frame.rename(columns={"previous_value": previous_value})
    if change:
        frame[change] = frame[value] - frame[previous_value]
    frame["change_direction"] = _change_direction(frame[value], frame[previous_value])
    frame["change_direction_label"] = code_label(reference, "change_direction", frame["change_direction"])
    return frame


def _previous_cycles(calendar: pd.DataFrame) -> pd.DataFrame:
    """The latest earlier window of the same region and form, for each monitoring with a form."""
    forms = calendar.dropna(subset=["form_id"]).sort_values(["region_code", "form_id", "window_open"], kind="stable")
    forms = forms.assign(previous_monitoring_id=forms.groupby(["region_code", "form_id"])["monitoring_id"].shift())
    return forms[["monitoring_id", "previous_monitoring_id"]]


def form_marts(sources: Sources, reference: Reference) -> dict[str, pd.DataFrame]:
    files, dim, calendar = sources.files, reference.municipalities, reference.calendar
    names = dim[["municipality_oktmo", "municipality_name"]]
    cycles = _previous_cycles(calendar)
    accepted = files[(files["source_kind"] == "submission") & (files["status"] == "accepted")]
    current = _latest(accepted, ["monitoring_id", "municipality_oktmo"])
    values = sources.submissions.merge(current[["source_sha256", "is_demo"]], on="source_sha256")

    catalogue = pd.concat([reference.form(form_id) for form_id in calendar["form_id"].dropna().unique()], ignore_index=True)
    indicators = catalogue.groupby(["form_id", "section_code", "indicator_code", "indicator_number"], as_index=False).agg(
        indicator_display_code=("display_code", "min"), section_order=("section_order", "min"),
        section_title=("section_title", "min"),
        indicator_label=("indicator_label", "min"), indicator_kind=("kind", "min"), item_count=("item_number", "size"))
    indicators["max_score"] = indicators["item_count"].where(indicators["indicator_kind"] == "presence").astype("Int64")

    units = values.assign(filled=values["value"].fillna(0.0)).groupby(
        ["monitoring_id", "form_id", "municipality_oktmo", "section_code", "indicator_code", "indicator_number", "unit_label",
         "source_sha256", "is_demo"], as_index=False).agg(unit_score=("filled", "sum"), items_answered=("value", "count"))
    scored = units.groupby(["monitoring_id", "form_id", "municipality_oktmo", "indicator_code", "source_sha256", "is_demo"],
                           as_index=False).agg(units_scored=("unit_score", "size"), score=("unit_score", "mean"))
    scores = scored.merge(indicators, on=["form_id", "indicator_code"]).merge(names, on="municipality_oktmo")
    scores["share_of_max"] = (scores["score"] / scores["max_score"].astype(float)).where(scores["max_score"].fillna(0) > 0)
    scores = scores[["monitoring_id", "municipality_oktmo", "municipality_name", "form_id", "section_code", "section_order",
                     "section_title", "indicator_code", "indicator_display_code", "indicator_number", "indicator_label",
                     "indicator_kind", "units_scored",
                     "score", "max_score", "share_of_max", "source_sha256", "is_demo"]]

    region = scores.groupby(["monitoring_id", "indicator_code"], as_index=False).agg(
        municipalities_scored=("score", "size"), region_mean=("score", "mean"), region_median=("score", "median"),
        region_mean_share=("share_of_max", "mean"))
    indicator_mart = _beside_region_and_previous(scores, ["indicator_code"], "score", region, cycles, "previous_score",
                                                 reference, "previous_monitoring_id", "score_change")

    presence = scores[scores["indicator_kind"] == "presence"]
    sections = presence.groupby(["monitoring_id", "municipality_oktmo", "municipality_name", "form_id", "section_code",
                                 "section_order", "section_title"], as_index=False).agg(
        section_score=("score", "sum"), section_max=("max_score", "sum"), is_demo=("is_demo", "all"))
    sections["section_max"] = sections["section_max"].astype("int64")
    sections["section_share"] = sections["section_score"] / sections["section_max"]
    region = sections.groupby(["monitoring_id", "section_code"], as_index=False).agg(
        region_mean_share=("section_share", "mean"), region_median_share=("section_share", "median"))
    section_mart = _beside_region_and_previous(sections, ["section_code"], "section_share", region, cycles, "previous_share",
                                               reference)

    totals = section_mart.groupby(["monitoring_id", "municipality_oktmo", "municipality_name", "form_id"], as_index=False).agg(
        sections_scored=("section_code", "size"), total_score=("section_score", "sum"), total_max=("section_max", "sum"),
        is_demo=("is_demo", "all"))
    totals["total_share"] = totals["total_score"] / totals["total_max"].astype(float).replace(0, np.nan)
    region = totals.groupby("monitoring_id", as_index=False).agg(
        municipalities_scored=("total_share", "size"), summed=("total_score", "sum"), summed_max=("total_max", "sum"))
    region["region_mean_share"] = region.pop("summed") / region.pop("summed_max").astype(float).replace(0, np.nan)
    totals_mart = _beside_region_and_previous(totals, [], "total_share", region, cycles, "previous_total_share",
                                              reference, "previous_monitoring_id", "total_share_change")

    changed = indicator_mart.dropna(subset=["previous_monitoring_id"])
    dynamics = changed.assign(**{f"indicators_{d}": changed["change_direction"].eq(d).astype("int64")
                                 for d in ("improved", "worsened", "unchanged")}).groupby(
        ["monitoring_id", "previous_monitoring_id", "municipality_oktmo", "municipality_name"], as_index=False)[
        ["indicators_improved", "indicators_worsened", "indicators_unchanged"]].sum()

    marts = {"mart_indicator_scores": indicator_mart, "mart_section_scores": section_mart,
             "mart_municipality_totals": totals_mart, "mart_municipality_dynamics": dynamics}
    marts["mart_report_texts"] = _report_texts(reference)
    marts["mart_submission_status"] = _submission_status(files, current, reference)
    # every mart of a monitoring carries its window's year and dates, joined last (dbt: with_monitoring_window)
    return {name: with_monitoring_window(frame, reference) for name, frame in marts.items()}


def _report_texts(reference: Reference) -> pd.DataFrame:
    texts = reference.calendar.merge(reference.seeds["report_texts"], on="form_id")
    return texts[["monitoring_id", "text_kind", "text_order", "text"]]


def _submission_status(files: pd.DataFrame, current: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    calendar = reference.calendar.dropna(subset=["form_id"])
    towns = reference.seeds["ref_regions"].merge(reference.municipalities, left_on="oktmo_prefix", right_on="oktmo_region_code")
    expected = calendar[["monitoring_id", "region_code", "window_open", "window_close"]].merge(
        towns[["region_code", "municipality_oktmo", "municipality_name"]], on="region_code")
    submissions = files[files["source_kind"] == "submission"]
    received = submissions.assign(rejected=submissions["status"].eq("rejected").astype("int64")).groupby(
        ["monitoring_id", "municipality_oktmo"], as_index=False).agg(
        versions_received=("source_sha256", "size"), versions_rejected=("rejected", "sum"),
        last_received_at=("received_at", "max"))
    version = current[["monitoring_id", "municipality_oktmo", "source_file", "source_sha256", "received_at"]].rename(
        columns={"source_file": "current_file", "source_sha256": "current_sha256", "received_at": "current_received_at"})
    status = expected.merge(received, on=["monitoring_id", "municipality_oktmo"], how="left").merge(
        version, on=["monitoring_id", "municipality_oktmo"], how="left")
    status["submission_status"] = np.select([status["current_sha256"].notna(), status["versions_received"].fillna(0) > 0],
                                            ["accepted", "rejected"], "missing")
    status["versions_received"] = status["versions_received"].fillna(0).astype("int64")
    status["versions_rejected"] = status["versions_rejected"].fillna(0).astype("int64")
    status["is_late"] = (pd.to_datetime(status["current_received_at"]).dt.normalize() > status["window_close"]).fillna(False)
    return status[["monitoring_id", "municipality_oktmo", "municipality_name", "submission_status", "versions_received",
                   "versions_rejected", "last_received_at", "current_file", "current_sha256", "current_received_at",
                   "is_late"]]


# --------------------------------------------------------------------------------------------- marts: schools

def _decimal_text(value: float, digits: int) -> str | None:
    """A number as the marts write it in words: to 6 places first, then to ``digits`` (halves away from zero)."""
    if pd.isna(value):
        return None
    six = Decimal(repr(float(value))).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return str(six.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


def _percent_text(share: float) -> str | None:
    return None if pd.isna(share) else _decimal_text(float(share) * 100, 1)


def _stable_round(value: float) -> float:
    if pd.isna(value):
        return np.nan
    twelve = Decimal(repr(float(value))).quantize(Decimal("1e-12"), ROUND_HALF_UP)
    return float(twelve.quantize(Decimal("1e-9"), ROUND_HALF_UP))


_CONTEXT_INTS = ["pupils_total", "pupils_1_4", "pupils_5_9", "pupils_10_11", "pupils_ovz", "classes_total", "class_sets",
                 "teachers_total", "teacher_vacancies", "teachers_higher_category", "teachers_first_category",
                 "teachers_under_35", "teachers_60_plus", "computers_total"]


def school_marts(sources: Sources, reference: Reference) -> dict[str, pd.DataFrame]:
    files, dim = sources.files, reference.municipalities
    names = dim[["municipality_oktmo", "municipality_name"]]
    usable = files[files["status"] != "rejected"][["source_sha256", "received_at"]]

    registry_files = files[(files["source_kind"] == "school_registry") & (files["status"] != "rejected")]
    latest_registry = registry_files.sort_values("received_at", ascending=False).head(1)["source_sha256"]
    registry = sources.registry[sources.registry["source_sha256"].isin(latest_registry)]
    registry = registry[["school_code", "school_name", "municipality_oktmo", "inn", "ogrn"]]

    context_files = files[(files["source_kind"] == "oo1_context") & (files["status"] == "accepted")]
    context_files = _latest(context_files, ["data_year"])
    context = sources.context[sources.context["source_sha256"].isin(context_files["source_sha256"])].copy()
    context = context.rename(columns={"year": "data_year"})
    context["data_year"] = context["data_year"].astype("int64")
    for column in _CONTEXT_INTS:
        context[column] = pd.to_numeric(context[column]).astype("Int64")
    context["is_rural"] = context["locality"] == "сельская"
    context["has_internet"] = context["has_internet"].map(lambda v: None if _is_missing(v) else _text(v).lower() in {"да", "1", "true"})
    context["school_code"] = context["school_code"].astype(str)
    context["municipality_oktmo"] = context["municipality_oktmo"].astype(str)

    small = reference.parameter("small_school_pupils")
    schools = registry.merge(context.drop(columns=["school_name", "municipality_oktmo", "municipality_name"]), on="school_code") \
        .merge(names, on="municipality_oktmo")
    folded = schools["school_name"].str.lower()
    schools["school_level"] = np.select([folded.str.contains("оош") | folded.str.contains("основн"),
                                         folded.str.contains("нош") | folded.str.contains("начальн")],
                                        ["основная", "начальная"], "средняя")
    schools["is_small_school"] = schools["pupils_total"] < small
    schools["ovz_share"] = schools["pupils_ovz"].astype(float) / schools["pupils_total"].astype(float).replace(0, np.nan)
    dim_school = schools[["school_code", "data_year", "school_name", "municipality_oktmo", "municipality_name", "inn", "ogrn",
                          "school_level", "is_rural", "pupils_total", "is_small_school", "pupils_1_4", "pupils_5_9",
                          "pupils_10_11", "pupils_ovz", "ovz_share", "classes_total", "class_sets", "teachers_total",
                          "teacher_vacancies", "teachers_higher_category", "teachers_under_35", "teachers_60_plus",
                          "computers_total", "has_internet"]]

    fct = _assessment_results(sources.results, usable, reference)
    identification, extra = _identification(fct, dim_school, registry, sources, usable, reference)
    context["without_internet"] = (context["has_internet"] != True).astype("int64")  # noqa: E712 - unknown counts as without
    context_mart = context.drop(columns="municipality_name").merge(names, on="municipality_oktmo").groupby(
        ["data_year", "municipality_oktmo", "municipality_name"], as_index=False).agg(
        schools=("school_code", "size"), rural_schools=("is_rural", "sum"), pupils_total=("pupils_total", "sum"),
        pupils_ovz=("pupils_ovz", "sum"), teachers_total=("teachers_total", "sum"),
        teacher_vacancies=("teacher_vacancies", "sum"),
        schools_without_internet=("without_internet", "sum"))
    context_mart["ovz_share"] = context_mart["pupils_ovz"].astype(float) / context_mart["pupils_total"].astype(float).replace(0, np.nan)
    return {"dim_school": dim_school, "fct_assessment_results": fct, "mart_school_identification": identification,
            "mart_municipality_context": context_mart, **extra}


def _assessment_results(results: pd.DataFrame, usable: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    keys = ["school_code", "procedure", "year", "subject", "grade"]
    cells = results.dropna(subset=["school_code"]).merge(usable, on="source_sha256")
    latest = _latest(cells[[*keys, "received_at", "source_sha256"]].drop_duplicates(), keys)
    cells = cells.merge(latest[[*keys, "source_sha256"]], on=[*keys, "source_sha256"])
    cells = cells.groupby(["school_code", "municipality_oktmo", "procedure", "year", "subject", "grade"], as_index=False)[
        RESULT_METRICS].max()
    vpr = cells["procedure"] == "ВПР"
    cells["low_result_share"] = np.where(vpr, cells["mark_2_share"], cells["below_minimum"] / cells["participants"].replace(0, np.nan))
    cells["mean_result"] = np.where(vpr, 2 * cells["mark_2_share"] + 3 * cells["mark_3_share"] + 4 * cells["mark_4_share"]
                                    + 5 * cells["mark_5_share"], cells["mean_score"])
    cells["is_suppressed"] = cells["participants"] < reference.parameter("min_participants")
    for column in ("low_result_share", "mean_result"):
        cells[column] = cells[column].where(~cells["is_suppressed"])
    cells = cells.rename(columns={"procedure": "assessment_procedure", "year": "assessment_year"})
    cells["assessment_year"] = cells["assessment_year"].astype("int64")
    cells["grade"] = cells["grade"].astype("int64")
    return cells[["school_code", "municipality_oktmo", "assessment_procedure", "assessment_year", "subject", "grade",
                  "participants", "is_suppressed", "low_result_share", "mean_result"]]


def _identification(fct: pd.DataFrame, dim_school: pd.DataFrame, registry: pd.DataFrame, sources: Sources,
                    usable: pd.DataFrame, reference: Reference) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    seeds = reference.seeds
    names = reference.municipalities[["municipality_oktmo", "municipality_name"]]
    # ОО-1 year per results year: Y−1, else the nearest loaded year (earlier first)
    years = fct[["school_code", "assessment_year"]].drop_duplicates().rename(columns={"assessment_year": "result_year"})
    candidates = years.merge(dim_school[["school_code", "data_year", "municipality_oktmo"]], on="school_code")
    candidates["distance"] = (candidates["data_year"] - (candidates["result_year"] - 1)).abs()
    context_years = candidates.sort_values(["distance", "data_year"], kind="stable").drop_duplicates(["school_code", "result_year"])
    context_years = context_years.assign(context_year=context_years["data_year"],
                                         region_prefix=context_years["municipality_oktmo"].str[:2])[
        ["school_code", "result_year", "context_year", "region_prefix"]]

    # school variables (long) → factors met
    described = context_years.merge(dim_school, left_on=["school_code", "context_year"], right_on=["school_code", "data_year"])
    teachers = described["teachers_total"].astype(float).replace(0, np.nan)
    variables = {
        "is_rural": described["is_rural"].fillna(False).astype(float),
        "is_small_school": described["is_small_school"].fillna(False).astype(float),
        "ovz_share": described["ovz_share"],
        "vacancy_share": described["teacher_vacancies"].astype(float) / teachers,
        "computers_per_100_pupils": 100.0 * described["computers_total"].astype(float)
        / described["pupils_total"].astype(float).replace(0, np.nan),
        "has_internet": described["has_internet"].fillna(False).astype(float),
        "higher_category_share": described["teachers_higher_category"].astype(float) / teachers,
        "teachers_60_plus_share": described["teachers_60_plus"].astype(float) / teachers,
    }
    long = [pd.DataFrame({"school_code": described["school_code"], "result_year": described["result_year"], "variable": name,
                          "variable_value": values.astype(float)}) for name, values in variables.items()]
    vpr = fct[(fct["assessment_procedure"] == "ВПР") & ~fct["is_suppressed"]].groupby(
        ["school_code", "assessment_year"], as_index=False)["low_result_share"].mean()
    long.append(pd.DataFrame({"school_code": vpr["school_code"], "result_year": vpr["assessment_year"],
                              "variable": "vpr_mark_2_share", "variable_value": vpr["low_result_share"]}))
    variables = pd.concat(long, ignore_index=True).dropna(subset=["variable_value"])
    factors = variables.merge(seeds["school_factors"], on="variable")
    factors = factors[((factors["direction"] == "at_least") & (factors["variable_value"] >= factors["threshold"]))
                      | ((factors["direction"] == "below") & (factors["variable_value"] < factors["threshold"]))]

    # ИОР: components standardised within region, year, procedure, subject and grade
    components = seeds["ior_components"]
    cells = fct[~fct["is_suppressed"]].merge(components, left_on="assessment_procedure", right_on="assessment_procedure")
    cells["region_prefix"] = cells["municipality_oktmo"].str[:2]
    cells["metric_value"] = np.where(cells["metric"] == "low_result_share", cells["low_result_share"],
                                     np.where(cells["metric"] == "mean_result", cells["mean_result"], np.nan))
    cells = cells.dropna(subset=["metric_value"])
    group = cells.groupby(["region_prefix", "assessment_year", "assessment_procedure", "subject", "grade", "component_code"])[
        "metric_value"]
    spread = group.transform("std", ddof=0).replace(0, np.nan)
    cells["z_score"] = (cells["metric_value"] - group.transform("mean")) / spread
    cells["weighted"] = cells["direction"] * cells["weight"] * cells["z_score"]
    cells["low_part"] = cells["metric_value"].where(cells["metric"] == "low_result_share")
    cells["mean_part"] = cells["metric_value"].where(cells["metric"] == "mean_result")
    by_cell = cells.groupby(["school_code", "assessment_year", "assessment_procedure", "subject", "grade"])
    cell_scores = pd.DataFrame({"cell_score": by_cell["weighted"].sum(min_count=1), "low_result_share": by_cell["low_part"].max(),
                                "mean_result": by_cell["mean_part"].max()}).reset_index()
    ior = cell_scores.groupby(["school_code", "assessment_year"], as_index=False).agg(
        ior_cells_used=("cell_score", "size"), ior=("cell_score", "mean"), mean_low_result_share=("low_result_share", "mean"),
        mean_result=("mean_result", "mean")).rename(columns={"assessment_year": "result_year"})
    ior["ior"] = ior["ior"].map(_stable_round)

    # context index, cluster, ИОР position in the cluster
    index = factors[factors["factor_set"] == "context_index"].groupby(["school_code", "result_year"], as_index=False)["weight"].sum()
    clustered = context_years.merge(index.rename(columns={"weight": "context_index"}), on=["school_code", "result_year"], how="left")
    clustered["context_index"] = clustered["context_index"].fillna(0.0)
    clusters = seeds["context_clusters"][["cluster_code", "cluster_name", "min_index", "max_index", "is_sscu"]]
    clustered = clustered.merge(clusters, how="cross")
    clustered = clustered[(clustered["context_index"] >= clustered["min_index"]) & (clustered["context_index"] <= clustered["max_index"])]
    clustered = clustered.drop(columns=["min_index", "max_index"]).merge(ior, on=["school_code", "result_year"], how="left")
    ranked = clustered.dropna(subset=["ior"])
    by_cluster = ranked.groupby(["region_prefix", "result_year", "cluster_code"])["ior"]
    ranked = ranked.assign(ior_cluster_rank=by_cluster.rank(method="min").astype("int64"),
                           ior_cluster_size=by_cluster.transform("size").astype("int64"),
                           ior_cluster_position=by_cluster.rank(method="max") / by_cluster.transform("size"))
    clustered = clustered.merge(ranked[["school_code", "result_year", "ior_cluster_rank", "ior_cluster_size",
                                        "ior_cluster_position"]], on=["school_code", "result_year"], how="left")
    clustered["is_lowest_ior"] = (clustered["ior_cluster_position"] <= reference.parameter("ior_lowest_share")).fillna(False)

    # the risk rule
    risk_share = reference.parameter("risk_low_share")
    low = fct[~fct["is_suppressed"] & (fct["low_result_share"] >= risk_share)].rename(columns={"assessment_year": "result_year"})
    low = low.assign(procedure_label=low["assessment_procedure"] + " " + low["subject"] + ", " + low["grade"].astype(str) + " кл.")
    low = low.sort_values("procedure_label", kind="stable")
    low["detail"] = low["procedure_label"] + " — " + low["low_result_share"].map(_percent_text) + " %"
    per_year = low.groupby(["school_code", "result_year"], as_index=False).agg(
        low_procedures=("detail", "size"), low_procedures_detail=("detail", "; ".join))
    keys = ["school_code", "assessment_procedure", "subject", "grade"]
    pairs = low.merge(low.assign(result_year=low["result_year"] + 1)[[*keys, "result_year", "low_result_share"]],
                      on=[*keys, "result_year"], suffixes=("", "_before")).sort_values("procedure_label", kind="stable")
    pairs["detail"] = (pairs["procedure_label"] + " — " + pairs["low_result_share_before"].map(_percent_text) + " % и "
                       + pairs["low_result_share"].map(_percent_text) + " %")
    repeated = pairs.groupby(["school_code", "result_year"], as_index=False).agg(
        repeated_procedures=("detail", "size"), repeated_procedures_detail=("detail", "; ".join))
    risk = per_year.merge(repeated, on=["school_code", "result_year"], how="left")
    risk["repeated_procedures"] = risk["repeated_procedures"].fillna(0).astype("int64")
    risk["meets_several_procedures"] = risk["low_procedures"] >= reference.parameter("risk_min_procedures")
    risk["meets_repeated_procedure"] = risk["repeated_procedures"] > 0

    # published lists: the latest file per list, year and region; matched schools only
    lists = sources.lists.merge(usable, on="source_sha256")
    lists = lists.assign(region=lists["municipality_oktmo"].str[:2], year=lists["year"].astype("Int64"))
    latest = _latest(lists[["list_kind", "year", "region", "received_at", "source_sha256"]].drop_duplicates(),
                     ["list_kind", "year", "region"])
    lists = lists.merge(latest[["list_kind", "year", "region", "source_sha256"]], on=["list_kind", "year", "region", "source_sha256"])
    lists = lists.dropna(subset=["school_code"])
    flags = {"is_federal_shnor": "shnor_federal", "is_published_regional_shnor": "shnor_regional",
             "is_project_500": "project_500", "is_post_project": "post_project", "is_biased_results": "biased_results"}
    membership = lists.assign(**{flag: lists["list_kind"].eq(kind) for flag, kind in flags.items()}).groupby(
        ["school_code", "year"], as_index=False)[list(flags)].any().rename(columns={"year": "list_year"})
    membership["list_year"] = membership["list_year"].astype("int64")

    # mentors (pseudonymous ids, counted only)
    mentors = sources.mentors.merge(usable, on="source_sha256").dropna(subset=["school_code"])
    mentors = mentors[["person_id", "role", "year", "school_code"]].drop_duplicates().rename(
        columns={"role": "mentor_role", "year": "assignment_year"})
    mentors["assignment_year"] = mentors["assignment_year"].astype("int64")
    mentors["schools_held"] = mentors.groupby(["person_id", "assignment_year"])["school_code"].transform("nunique")

    # the reasons
    rules = seeds["identification_rules"]
    lowest = clustered[clustered["is_lowest_ior"]]
    reasons = [
        pd.DataFrame({"school_code": lowest["school_code"], "result_year": lowest["result_year"], "rule_code": "lowest_ior",
                      "reason_detail": "ИОР " + lowest["ior"].map(lambda v: _decimal_text(v, 2)) + " (доля «2» по ВПР "
                      + lowest["mean_low_result_share"].map(_percent_text) + " %, средняя отметка "
                      + lowest["mean_result"].map(lambda v: _decimal_text(v, 2)) + "): место "
                      + lowest["ior_cluster_rank"].astype("int64").astype(str) + " из "
                      + lowest["ior_cluster_size"].astype("int64").astype(str) + " в кластере «" + lowest["cluster_name"] + "»"}),
        pd.DataFrame({"school_code": risk.loc[risk["meets_several_procedures"], "school_code"],
                      "result_year": risk.loc[risk["meets_several_procedures"], "result_year"], "rule_code": "risk_several_procedures",
                      "reason_detail": "Не менее " + _percent_text(risk_share) + " % участников с низкими результатами в "
                      + risk.loc[risk["meets_several_procedures"], "low_procedures"].astype(str) + " процедурах: "
                      + risk.loc[risk["meets_several_procedures"], "low_procedures_detail"]}),
        pd.DataFrame({"school_code": risk.loc[risk["meets_repeated_procedure"], "school_code"],
                      "result_year": risk.loc[risk["meets_repeated_procedure"], "result_year"], "rule_code": "risk_repeated_procedure",
                      "reason_detail": "Та же процедура два года подряд: "
                      + risk.loc[risk["meets_repeated_procedure"], "repeated_procedures_detail"]}),
        pd.DataFrame({"school_code": membership.loc[membership["is_biased_results"], "school_code"],
                      "result_year": membership.loc[membership["is_biased_results"], "list_year"], "rule_code": "biased_results",
                      "reason_detail": "В списке ФИОКО школ с признаками необъективных результатов за "
                      + membership.loc[membership["is_biased_results"], "list_year"].astype(str) + " год"}),
    ]
    reasons = pd.concat(reasons, ignore_index=True).merge(rules[["rule_code", "rule_name", "identifies_shnor"]], on="rule_code")
    reason_summary = reasons.sort_values("rule_code", kind="stable").groupby(["school_code", "result_year"], as_index=False).agg(
        is_regional_shnor=("identifies_shnor", "any"), reasons=("rule_name", "; ".join))
    mentor_counts = mentors.groupby(["school_code", "assignment_year"], as_index=False).agg(mentors_assigned=("person_id", "nunique"))

    schools = clustered.merge(dim_school[["school_code", "data_year", "school_name", "municipality_oktmo", "municipality_name",
                                          "school_level"]], left_on=["school_code", "context_year"],
                              right_on=["school_code", "data_year"])
    previous = clustered[["school_code", "result_year", "ior"]].rename(columns={"ior": "previous_ior"})
    schools = schools.merge(previous.assign(result_year=previous["result_year"] + 1), on=["school_code", "result_year"], how="left")
    schools["ior_change"] = schools["ior"] - schools["previous_ior"]
    schools = schools.merge(risk[["school_code", "result_year", "low_procedures", "repeated_procedures",
                                  "meets_several_procedures", "meets_repeated_procedure"]], on=["school_code", "result_year"],
                            how="left")
    schools["meets_risk_rule"] = (schools["meets_several_procedures"].fillna(False) | schools["meets_repeated_procedure"].fillna(False))
    schools = schools.merge(reason_summary, on=["school_code", "result_year"], how="left")
    schools = schools.merge(membership.rename(columns={"list_year": "result_year"}), on=["school_code", "result_year"], how="left")
    schools = schools.merge(mentor_counts.rename(columns={"assignment_year": "result_year"}), on=["school_code", "result_year"],
                            how="left")
    for column in ("low_procedures", "repeated_procedures", "mentors_assigned"):
        schools[column] = schools[column].fillna(0).astype("int64")
    for column in ("is_regional_shnor", "is_federal_shnor", "is_published_regional_shnor", "is_project_500", "is_biased_results"):
        schools[column] = schools[column].fillna(False).astype(bool)
    schools["ior_cells_used"] = schools["ior_cells_used"].astype("Int64")
    identification = schools[[
        "school_code", "result_year", "school_name", "municipality_oktmo", "municipality_name", "school_level", "context_year",
        "context_index", "cluster_code", "cluster_name", "is_sscu", "ior", "ior_cells_used", "ior_cluster_rank",
        "ior_cluster_size", "is_lowest_ior", "previous_ior", "ior_change", "low_procedures", "repeated_procedures",
        "meets_risk_rule", "is_regional_shnor", "is_federal_shnor", "is_published_regional_shnor", "is_project_500",
        "is_biased_results", "mentors_assigned", "reasons"]]

    # ШНОР by methodology, compared per municipality and year, and from year to year
    in_registry = registry[["school_code", "municipality_oktmo"]]
    members = pd.concat([
        membership.loc[membership["is_federal_shnor"], ["school_code", "list_year"]].rename(columns={"list_year": "result_year"})
        .assign(methodology="federal"),
        identification.loc[identification["is_regional_shnor"], ["school_code", "result_year"]].assign(methodology="regional"),
    ], ignore_index=True).merge(in_registry, on="school_code")
    towns = in_registry[["municipality_oktmo"]].drop_duplicates().merge(names, on="municipality_oktmo")
    extra = {
        "mart_shnor_municipality_lists": _municipality_lists(members, membership, in_registry, towns, identification),
        "mart_school_risk_profiles": factors[factors["factor_set"] == "risk_profile"].merge(in_registry, on="school_code")[
            ["school_code", "result_year", "municipality_oktmo", "factor_code", "factor_name", "variable", "variable_value",
             "direction", "threshold"]],
        "mart_mentoring_coverage": _coverage(members, membership, mentors, in_registry, names, reference),
    }
    return identification, extra


def _comparison(members: pd.DataFrame, membership: pd.DataFrame, registry: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    years = members[["result_year"]].drop_duplicates()
    per_school = members.assign(on_federal=members["methodology"].eq("federal").astype("int64"),
                                on_regional=members["methodology"].eq("regional").astype("int64")).groupby(
        ["municipality_oktmo", "result_year", "school_code"], as_index=False)[["on_federal", "on_regional"]].max()
    per_school = per_school.assign(in_both=per_school["on_federal"] * per_school["on_regional"],
                                   only_federal=per_school["on_federal"] * (1 - per_school["on_regional"]),
                                   only_regional=per_school["on_regional"] * (1 - per_school["on_federal"]))
    counts = per_school.groupby(["municipality_oktmo", "result_year"], as_index=False).agg(
        federal_schools=("on_federal", "sum"), regional_schools=("on_regional", "sum"), in_both=("in_both", "sum"),
        only_federal=("only_federal", "sum"), only_regional=("only_regional", "sum"))
    biased = membership[membership["is_biased_results"]].merge(registry, on="school_code").groupby(
        ["municipality_oktmo", "list_year"], as_index=False).size().rename(columns={"list_year": "result_year", "size": "biased_schools"})
    frame = towns.merge(years, how="cross").merge(counts, on=["municipality_oktmo", "result_year"], how="left").merge(
        biased, on=["municipality_oktmo", "result_year"], how="left")
    for column in ("federal_schools", "regional_schools", "in_both", "only_federal", "only_regional", "biased_schools"):
        frame[column] = frame[column].fillna(0).astype("int64")
    federal = membership[membership["is_federal_shnor"] | membership["is_biased_results"]].merge(
        registry, on="school_code").groupby(["municipality_oktmo", "list_year"], as_index=False).size().rename(
        columns={"list_year": "result_year", "size": "federal_listed"})
    frame = frame.merge(federal, on=["municipality_oktmo", "result_year"], how="left")
    frame["has_no_federal_listed_school"] = frame["federal_listed"].fillna(0) == 0  # seed 000's item 10: ФИОКО's lists
    return frame[["municipality_oktmo", "result_year", "federal_schools", "regional_schools", "in_both",
                  "only_federal", "only_regional", "biased_schools", "has_no_federal_listed_school"]]


def _list_moves(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each methodology's list against its previous year, per municipality: the years compared (a methodology's years
    whose previous year it has a list for) and the counts (previous_schools, stayed, entered, left_list)."""
    years = members[["methodology", "result_year"]].drop_duplicates()
    compared = years.merge(years.assign(result_year=years["result_year"] + 1), on=["methodology", "result_year"])
    now = members.merge(compared, on=["methodology", "result_year"])[["methodology", "result_year", "municipality_oktmo", "school_code"]]
    before = members.assign(result_year=members["result_year"] + 1).merge(compared, on=["methodology", "result_year"])[
        ["methodology", "result_year", "municipality_oktmo", "school_code"]]
    flags = pd.concat([now.assign(is_member_now=1, was_member_before=0), before.assign(is_member_now=0, was_member_before=1)])
    flags = flags.groupby(["methodology", "result_year", "municipality_oktmo", "school_code"], as_index=False)[
        ["is_member_now", "was_member_before"]].max()
    flags = flags.assign(stayed=flags["is_member_now"] * flags["was_member_before"],
                         entered=flags["is_member_now"] * (1 - flags["was_member_before"]),
                         left_list=flags["was_member_before"] * (1 - flags["is_member_now"]))
    counts = flags.groupby(["methodology", "result_year", "municipality_oktmo"], as_index=False).agg(
        previous_schools=("was_member_before", "sum"), stayed=("stayed", "sum"), entered=("entered", "sum"),
        left_list=("left_list", "sum"))
    return compared, counts


LIST_MOVES = ("previous_schools", "stayed", "entered", "left_list")


def _municipality_lists(members: pd.DataFrame, membership: pd.DataFrame, registry: pd.DataFrame, towns: pd.DataFrame,
                        identification: pd.DataFrame) -> pd.DataFrame:
    """The lists by methodology side by side and each one's moves, per municipality and year (the years of a list or
    of results), empty where there is nothing to count; the computed list's columns are not reproduced
    (``NOT_REPRODUCED_COLUMNS``)."""
    years = pd.concat([members[["result_year"]], identification[["result_year"]]]).drop_duplicates()
    frame = towns.merge(years, how="cross").merge(_comparison(members, membership, registry, towns),
                                                  on=["municipality_oktmo", "result_year"], how="left")
    for column in ("federal_schools", "regional_schools", "in_both", "only_federal", "only_regional", "biased_schools"):
        frame[column] = frame[column].astype("Int64")  # empty in a year no school is on a list by methodology
    frame["has_no_federal_listed_school"] = frame["has_no_federal_listed_school"].astype("boolean")
    compared, counts = _list_moves(members)
    for methodology in ("federal", "regional"):
        own = counts[counts["methodology"] == methodology].drop(columns="methodology").rename(
            columns={column: f"{methodology}_{column}" for column in LIST_MOVES})
        frame = frame.merge(own, on=["municipality_oktmo", "result_year"], how="left")
        in_compared_year = frame["result_year"].isin(compared.loc[compared["methodology"] == methodology, "result_year"])
        for column in LIST_MOVES:
            name = f"{methodology}_{column}"
            frame[name] = frame[name].fillna(0).astype("Int64").where(in_compared_year, pd.NA)
    return frame[["municipality_oktmo", "municipality_name", "result_year", "federal_schools", "regional_schools", "in_both",
                  "only_federal", "only_regional", "biased_schools", "has_no_federal_listed_school",
                  *(f"{m}_{c}" for m in ("federal", "regional") for c in LIST_MOVES)]]


def _coverage(members, membership, mentors, registry, names, reference: Reference) -> pd.DataFrame:
    listed = pd.concat([
        members[["school_code", "result_year"]].assign(list_kind="shnor_" + members["methodology"]),
        membership.loc[membership["is_project_500"], ["school_code", "list_year"]].rename(columns={"list_year": "result_year"})
        .assign(list_kind="project_500"),
    ], ignore_index=True)
    mentored = mentors[["school_code", "assignment_year"]].drop_duplicates().rename(columns={"assignment_year": "result_year"})
    listed = listed.merge(registry, on="school_code").merge(names, on="municipality_oktmo").merge(
        mentored.assign(mentored=1), on=["school_code", "result_year"], how="left")
    listed["mentored"] = listed["mentored"].fillna(0).astype("int64")
    coverage = listed.groupby(["municipality_oktmo", "municipality_name", "result_year", "list_kind"], as_index=False).agg(
        listed_schools=("school_code", "size"), schools_with_mentor=("mentored", "sum"))
    coverage["schools_without_mentor"] = coverage["listed_schools"] - coverage["schools_with_mentor"]
    coverage["coverage_share"] = coverage["schools_with_mentor"].astype(float) / coverage["listed_schools"]
    coverage["list_kind_label"] = code_label(reference, "list_kind", coverage["list_kind"])
    return coverage[["municipality_oktmo", "municipality_name", "result_year", "list_kind", "list_kind_label", "listed_schools",
                     "schools_with_mentor", "schools_without_mentor", "coverage_share"]]


def build_marts(sources: Sources, reference: Reference) -> dict[str, pd.DataFrame]:
    """Every mart the reports read, from the validated frames."""
    return mark_demo_data({**form_marts(sources, reference), **school_marts(sources, reference)}, sources.files)


# --------------------------------------------------------------------------------------------- equality

def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in comparable form: numbers and flags as floats, dates as timestamps, the rest as text."""
    out = {}
    frame = frame.reset_index(drop=True)
    for column in sorted(frame.columns):
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            out[column] = pd.to_numeric(values.astype(object).where(values.notna(), None), errors="coerce").astype(float)
        elif pd.api.types.is_datetime64_any_dtype(values) or values.map(lambda v: hasattr(v, "year") and hasattr(v, "month")).any():
            out[column] = pd.to_datetime(values).astype("datetime64[us]")
        else:
            out[column] = values.astype(object).where(values.notna(), None).map(lambda v: None if v is None else str(v))
    return pd.DataFrame(out)


def frame_differences(ours: pd.DataFrame, theirs: pd.DataFrame, tolerance: float = 1e-9) -> list[str]:
    """How two versions of one mart differ, order aside: columns, row count, then the first rows that differ."""
    if set(ours.columns) != set(theirs.columns):
        return [f"столбцы: только у нас {sorted(set(ours.columns) - set(theirs.columns))}, "
                f"только в базовом {sorted(set(theirs.columns) - set(ours.columns))}"]
    if len(ours) != len(theirs):
        return [f"строк: у нас {len(ours)}, в базовом {len(theirs)}"]
    a, b = _normalised(ours), _normalised(theirs)
    floats = [c for c in a.columns if a[c].dtype == float]
    order = [c for c in a.columns if c not in floats] + floats

    def sort_key(values: pd.Series) -> pd.Series:
        return values.round(6) if values.dtype == float else values.fillna("\x00") if values.dtype == object else values

    a = a.sort_values(order, key=sort_key, na_position="first").reset_index(drop=True)
    b = b.sort_values(order, key=sort_key, na_position="first").reset_index(drop=True)
    problems = []
    for column in a.columns:
        if column in floats:
            x, y = a[column].to_numpy(), b[column].to_numpy()
            if b[column].dtype != float:
                problems.append(f"{column}: тип {b[column].dtype} вместо числа")
                continue
            same = (np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= tolerance)
        elif a[column].dtype == object:
            same = (a[column].fillna("\x00") == b[column].fillna("\x00")).to_numpy()
        else:
            same = ((a[column] == b[column]) | (a[column].isna() & b[column].isna())).to_numpy()
        if not same.all():
            first = int(np.argmin(same))
            problems.append(f"{column}: {int((~same).sum())} строк различаются, например у нас {a[column].iloc[first]!r}, "
                            f"в базовом {b[column].iloc[first]!r}")
    return problems


# Lineage keys our marts carry back to raw (a source row "sha256:sheet:row", the file's sha256): the warehouse's
# addresses of the rows, not numbers an analyst computes — the baseline reads files with pandas and has none; and
# the warehouse's identity flag (is_registered: the baseline takes only registry schools, so it has no other). They
# are left out of the comparison by name, each mart's list declared here; every other column is compared.
LINEAGE_COLUMNS = {
    "fct_assessment_results": ("source_sha256", "source_row_id", "is_registered"),
    "dim_school": ("source_sha256", "source_row_id", "registry_source_row_id", "is_registered"),
}

# Columns of a reproduced mart that the baseline does not compute (what they come from is in NOT_REPRODUCED); the
# reports take them from ours (``BaselineMarts``'s ``borrowed``).
NOT_REPRODUCED_COLUMNS = {
    "mart_shnor_municipality_lists": ("computed_on_list", "computed_identified", "computed_kept_by_exit_rule",
                                      "computed_entered", "computed_persisting", "computed_exited", "cusp_schools"),
}


def compare_with_warehouse(marts: dict[str, pd.DataFrame], warehouse_path: Path, monitorings: list[str]) -> dict[str, list[str]]:
    """Each baseline mart against ours in the warehouse (rows of the given monitorings where a mart has them),
    our lineage keys (``LINEAGE_COLUMNS``) aside."""
    differences = {}
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        for name, theirs in marts.items():
            ours = con.execute(f"select * from marts.{name}").fetchdf()
            # KeyError if a declared column is missing
            ours = ours.drop(columns=[*LINEAGE_COLUMNS.get(name, ()), *NOT_REPRODUCED_COLUMNS.get(name, ())])
            if "monitoring_id" in ours.columns:
                ours = ours[ours["monitoring_id"].isin(monitorings)]
                theirs = theirs[theirs["monitoring_id"].isin(monitorings)]
            differences[name] = frame_differences(ours, theirs)
    return differences


# --------------------------------------------------------------------------------------------- reports

# What the reports read that the baseline does not compute, and why; the report stage takes these frames from our
# marts (``BaselineMarts``'s ``borrowed``, read outside the baseline's clock), the comparison of data stages
# restricts our dbt build to the marts the baseline does compute (``REPRODUCED_MARTS`` with their upstream and
# tests), and neither the equality check nor any ratio counts them.
NOT_REPRODUCED = {
    "mart_recommendation": "письмо региона: правила seed 000 с порогами, оценки, пары по кластерам, меры и сроки",
    "mart_data_quality_checks": "сверка чисел формы со списками и реестром (seed 000)",
    "mart_letter_thresholds": "именованные пороги письма (переменные dbt)",
    "mart_shnor_list_status": "вычисленный список с правилом выхода",
    "mart_regional_list_comparison": "опубликованный список региона против вычисленного",
    "mart_roadmap_status": "дорожные карты МО: сроки и исполнение по отчётам",
    "mart_roadmap_completion": "дорожные карты: выполнение по МО",
    "mart_roadmap_activities": "дорожные карты: мероприятия каталога по МО",
    "mart_roadmap_plan": "дорожные карты против каталога seed 001",
    "mart_municipality_people": "люди ШНОР по МО (реестры, повышение квалификации)",
    "mart_school_people": "люди ШНОР по школам",
    "mart_curator_load": "нагрузка кураторов",
    "mart_post_project_schools": "школы после выхода из «500+»",
    "mart_row_fates": "учёт строк исходных файлов: в витринах, ждут проверки, отброшены с причиной",
    "mart_row_accounting": "учёт строк по файлам: ссылки таблицы учёта строк на её файлы",
}
# The suites of kinds of file the baseline never reads (the roadmaps, execution reports, registries of people and
# professional development feed only the marts above): it has no checks for them, and says so.
SUITES_NOT_READ = {
    "raw_roadmap_items": "дорожные карты МО",
    "raw_roadmap_reports": "отчёты об исполнении дорожных карт",
    "raw_people_registry": "реестры людей ШНОР",
    "raw_professional_development": "повышение квалификации",
}
# The baseline stands for a municipal form's cycle (what the benchmark times): the report of another kind of window
# (``reports/monitoring_report.py``: school-level forms, computed windows, the two-year comparison) is not in it.
OTHER_WINDOW_REPORTS = ("monitoring_report.py",)
BORROWED_ATTRIBUTES = ("assessment", "recommendation", "data_quality", "thresholds", "list_changes", "list_status", "list_comparison",
                       "roadmap", "roadmap_completion", "roadmap_activities", "roadmap_plan", "municipality_people",
                       "school_people", "curator_load", "post_project", "row_accounting")
REPRODUCED_MARTS = ("mart_indicator_scores", "mart_section_scores", "mart_municipality_totals",
                    "mart_municipality_dynamics", "mart_report_texts", "mart_submission_status", "dim_school",
                    "fct_assessment_results", "mart_school_identification", "mart_municipality_context",
                    "mart_shnor_municipality_lists", "mart_school_risk_profiles", "mart_mentoring_coverage")


def _moves_by_methodology(lists: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Each methodology's moves as CycleMarts reads them (``reports.regional_note.LIST_MOVES``): a row per
    municipality, year and methodology compared with its previous year."""
    frames = []
    for methodology in ("federal", "regional"):
        own = lists[lists[f"{methodology}_stayed"].notna()]
        frames.append(pd.DataFrame({
            "municipality_oktmo": own["municipality_oktmo"], "municipality_name": own["municipality_name"],
            "result_year": own["result_year"], "methodology": methodology,
            "methodology_label": code_label(reference, "methodology", pd.Series(methodology, index=own.index)),
            "previous_schools": own[f"{methodology}_previous_schools"], "current_schools": own[f"{methodology}_schools"],
            "stayed": own[f"{methodology}_stayed"], "entered": own[f"{methodology}_entered"],
            "left_list": own[f"{methodology}_left_list"]}))
    return pd.concat(frames).sort_values(["municipality_name", "methodology"], kind="stable").reset_index(drop=True)


class BaselineMarts:
    """The attributes of ``reports.regional_note.CycleMarts`` (same rows, same order) from the baseline's frames,
    so the project's report code writes the same documents from them. What the baseline does not reproduce
    (``NOT_REPRODUCED``) is taken from ``borrowed`` — our ``CycleMarts`` of the same files, read before the
    baseline's clock starts — so both sides still write the same documents."""

    def __init__(self, home: DataHome, monitoring_id: str, marts: dict[str, pd.DataFrame], reference: Reference,
                 borrowed=None):
        self.home, self.monitoring_id = home, monitoring_id
        for attribute in BORROWED_ATTRIBUTES:
            setattr(self, attribute, getattr(borrowed, attribute) if borrowed is not None else None)

        def cycle(name: str, order: list[str]) -> pd.DataFrame:
            frame = marts[name]
            return frame[frame["monitoring_id"] == monitoring_id].sort_values(order, kind="stable").reset_index(drop=True)

        self.sections = cycle("mart_section_scores", ["section_order", "municipality_name"])
        self.indicators = cycle("mart_indicator_scores", ["section_order", "indicator_number", "municipality_name"])
        self.dynamics = cycle("mart_municipality_dynamics", ["municipality_name"])
        self.texts = cycle("mart_report_texts", ["text_kind", "text_order"])
        self.totals = cycle("mart_municipality_totals", ["region_rank", "municipality_name"])
        calendar = reference.calendar.set_index("monitoring_id")
        regions = reference.seeds["ref_regions"].set_index("region_code")
        prefix = regions.loc[calendar.loc[monitoring_id, "region_code"], "oktmo_prefix"]
        self.region = Glob(f"{prefix}*")  # the region's municipalities in a reference, as CycleMarts names them

        def region(name: str, order: list[str] | None = None, year: bool = True) -> pd.DataFrame:
            frame = marts[name]
            frame = frame[frame["municipality_oktmo"].str.startswith(prefix)]
            if year:
                frame = frame[frame["result_year"] == self.results_year]
            return (frame.sort_values(order, kind="stable") if order else frame).reset_index(drop=True)

        context = marts["mart_municipality_context"]
        self.context = context[context["data_year"] == context["data_year"].max()]
        self.context = self.context[self.context["municipality_oktmo"].str.startswith(prefix)].sort_values(
            "municipality_name").reset_index(drop=True)
        identification = region("mart_school_identification", year=False)
        self.results_year = identification["result_year"].max() if len(identification) else np.nan
        lists = region("mart_shnor_municipality_lists", ["municipality_name"])
        self.comparison = lists[lists["federal_schools"].notna()].reset_index(drop=True)
        self.shnor_dynamics = _moves_by_methodology(lists, reference)
        schools = region("mart_school_identification", ["municipality_name", "school_name"])
        self.schools = schools[schools["is_regional_shnor"] | schools["is_federal_shnor"]].reset_index(drop=True)
        self.risk_profiles = region("mart_school_risk_profiles").merge(
            marts["mart_school_identification"][["school_code", "result_year", "school_name"]], on=["school_code", "result_year"])
        self.coverage = region("mart_mentoring_coverage", ["municipality_name", "list_kind"])


    def threshold(self, name: str) -> float:
        """A named threshold of the letter (``mart_letter_thresholds``, borrowed: see ``NOT_REPRODUCED``)."""
        return float(self.thresholds.loc[name, "threshold_value"])


def provenance_of(marts: dict[str, pd.DataFrame], monitoring_id: str) -> Provenance:
    """Where the numbers come from, for the report footers and annexes: the cycle's submission status; who issues
    the reports (the region reference's institution, which the letter names)."""
    monitoring = get_monitoring(monitoring_id)
    submissions = marts["mart_submission_status"]
    scores = marts["mart_indicator_scores"]
    return Provenance(monitoring, region_name(monitoring.region_code),
                      submissions[submissions["monitoring_id"] == monitoring_id].reset_index(drop=True),
                      datetime.now(timezone.utc), code_version(),
                      bool(scores.loc[scores["monitoring_id"] == monitoring_id, "is_demo"].any()),
                      region_institution(monitoring.region_code))


def write_reports(output: DataHome, monitoring_id: str, marts: dict[str, pd.DataFrame], reference: Reference,
                  borrowed) -> dict:
    """The cycle's documents (regional note .docx and PDF, municipal notes, the export and summary workbooks)
    written by the project's report code from the baseline's frames (and the ``borrowed`` ones: ``NOT_REPRODUCED``),
    under ``output``."""
    return write_from(BaselineMarts(output, monitoring_id, marts, reference, borrowed),
                      provenance_of(marts, monitoring_id))


# --------------------------------------------------------------------------------------------- the whole run

def cycle_monitorings(monitorings: list[str], reference: Reference) -> list[str]:
    """The cycle's monitorings and their previous cycles (whose scores the comparison needs), where read."""
    previous = _previous_cycles(reference.calendar).set_index("monitoring_id")["previous_monitoring_id"]
    return list(dict.fromkeys([*monitorings, *(p for m in monitorings if isinstance(p := previous.get(m), str))]))


def read_and_validate(source: DataHome, monitorings: list[str], reference: Reference | None = None) -> tuple[Sources, Reference]:
    reference = reference or load_reference()
    sources = read_all(source, cycle_monitorings(monitorings, reference), reference)
    validate(sources)
    return sources, reference
