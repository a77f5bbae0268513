"""Reference data the readers need: form catalogues, the monitoring calendar, the region's municipalities.

The same CSV files are dbt seeds (calendar, municipalities) or raw reference tables (forms), so the
readers and the marts never disagree on them.
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from shnor_core.settings import DBT_SEEDS_DIR, FORMS_DIR, calendars_dir


@dataclass(frozen=True)
class FormItem:
    section_code: str
    indicator_number: int
    indicator_code: str
    item_number: int
    item_label: str
    kind: str  # "presence" (0/1) or "count" (whole number >= 0)


@dataclass
class FormIndicator:
    section_code: str
    number: int
    code: str
    label: str
    kind: str
    printed_max: str = ""
    items: list[FormItem] = field(default_factory=list)  # maxima come from these in dbt (macros/form_scores.sql)
    display_code: str = ""  # as people read it (МНЦ-3); ``code`` (MNC-3) stays the key


@dataclass
class FormSection:
    code: str
    order: int
    title: str
    indicators: dict[int, FormIndicator] = field(default_factory=dict)


@dataclass
class Form:
    form_id: str
    sections: dict[str, FormSection]
    catalogue_path: Path
    level: str = "municipality"  # who fills it: "municipality" (one form per МО) or "school" (one per school)

    def items(self) -> list[FormItem]:
        return [item for s in self.sections.values() for i in s.indicators.values() for item in i.items]


def read_form_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_form(form_id: str, forms_dir: Path = FORMS_DIR) -> Form:
    path = forms_dir / f"{form_id}.csv"
    if not path.exists():
        raise KeyError(f"Форма «{form_id}» не описана в каталоге форм ({forms_dir})")
    sections: dict[str, FormSection] = {}
    rows = read_form_rows(path)
    levels = {(row.get("level") or "municipality").strip() for row in rows}
    if len(levels) != 1 or not levels <= {"municipality", "school"}:
        raise KeyError(f"Форма «{form_id}»: столбец level — municipality или school, один на всю форму ({path})")
    for row in rows:
        section = sections.setdefault(
            row["section_code"],
            FormSection(row["section_code"], int(row["section_order"]), row["section_title"]),
        )
        number = int(row["indicator_number"])
        indicator = section.indicators.setdefault(
            number,
            FormIndicator(row["section_code"], number, row["indicator_code"], row["indicator_label"], row["kind"],
                          row["printed_max"], display_code=row.get("display_code") or row["indicator_code"]),
        )
        indicator.items.append(
            FormItem(row["section_code"], number, row["indicator_code"], int(row["item_number"]),
                     row["item_label"], row["kind"])
        )
    return Form(form_id, sections, path, levels.pop())


def indicator_title(display_code: str, label: str) -> str:
    """An indicator as every page, command and document names it: «ИП-5. Наличие раздела …» (its code as
    people read it, then its wording from the form's catalogue)."""
    return f"{display_code}. {label}" if label else display_code


@cache
def indicator_wording(forms_dir: Path = FORMS_DIR) -> dict[str, tuple[str, str]]:
    """Every form's indicator key (MPH-5) → its code as people read it (ИП-5) and its wording, from the
    catalogues (``display_code``, ``indicator_label``): the source the marts' columns come from too."""
    return {row["indicator_code"]: (row.get("display_code") or row["indicator_code"], row.get("indicator_label") or "")
            for path in sorted(forms_dir.glob("*.csv")) for row in read_form_rows(path)}


def shown_indicator(code: object) -> str:
    """A key as the user reads it: an indicator's title, anything else (a school code, "") unchanged."""
    text = "" if code is None else str(code)
    return indicator_title(*indicator_wording()[text]) if text in indicator_wording() else text


def shown_code(code: str) -> str:
    """An indicator's code as people read it (ИП-5 for MPH-5), for column headings too narrow for its title."""
    return indicator_wording().get(code, (code, ""))[0]


PERIOD_MONTHS = {"": 0, "once": 0, "quarterly": 3, "half_year": 6}


@dataclass(frozen=True)
class WindowKind:
    """What a kind of calendar window does (the ``kind`` column of a calendar file)."""

    name: str
    title: str  # what an operator calls it
    level: str  # who submits or is described: "municipality" or "school"
    form: bool  # whether the window collects a form (``form_id`` required, of the same level)
    events: tuple[str, ...]  # the scheduled moments of the window: open (templates), reminder, close (processing)


WINDOW_KINDS = {kind.name: kind for kind in (
    WindowKind("municipal_form", "муниципальная форма", "municipality", True, ("open", "reminder", "close")),
    WindowKind("school_form", "школьная форма", "school", True, ("open", "reminder", "close")),
    WindowKind("computed", "расчётный мониторинг по данным хранилища", "school", False, ("close",)),
    WindowKind("municipal_two_year", "муниципальный мониторинг за два года", "municipality", True,
               ("open", "reminder", "close")),
)}
# Which schools a computed window describes (``school_group``): every school of the region's registry, the
# region's ШНОР (federal and regional lists of the window's year), or the schools of the zone of risk (the
# region's list of that year). A school-level form is expected from every school of the registry ("all").
SCHOOL_GROUPS = {"all": "все школы региона", "shnor": "ШНОР", "risk_zone": "школы зоны риска"}
CALENDAR_COLUMNS = ("monitoring_id", "region_code", "track", "title", "kind", "form_id", "school_group",
                    "window_open", "window_close", "grace_days", "periodicity", "repeat_until")
REQUIRED_COLUMNS = ("monitoring_id", "region_code", "title", "kind", "window_open", "window_close")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # the id names the window's DAGs and folders


@dataclass(frozen=True)
class Monitoring:
    """One monitoring window of a region's calendar (a periodic calendar row yields several)."""

    monitoring_id: str
    region_code: str
    track: str
    title: str
    form_id: str
    window_open: str  # ISO dates, both inclusive
    window_close: str
    grace_days: int
    level: str = "municipality"  # from the kind: "municipality" or "school"
    kind: str = "municipal_form"
    school_group: str = ""  # school-level and computed windows: a key of SCHOOL_GROUPS
    series_id: str = ""  # the calendar row: a periodic row's windows share it (and their DAGs)
    source_file: str = ""
    submission_address: str = ""  # where municipalities send the filled form (printed in the templates)
    source_line: int = 0

    @property
    def year(self) -> int:
        return int(self.window_open[:4])

    @property
    def window_kind(self) -> WindowKind:
        return WINDOW_KINDS[self.kind]


@dataclass(frozen=True)
class CalendarProblem:
    """A calendar row that cannot be scheduled, and why (the row is skipped; the others still run)."""

    source_file: str
    line: int
    monitoring_id: str
    message: str

    def __str__(self) -> str:
        who = f"мониторинг «{self.monitoring_id}»: " if self.monitoring_id else ""
        return f"{self.source_file}, строка {self.line}: {who}{self.message}"


@dataclass
class CalendarCheck:
    """A calendar read row by row: the windows of its valid rows and the problems of the others."""

    windows: dict[str, Monitoring]
    problems: list[CalendarProblem]

    def series(self) -> dict[str, list[Monitoring]]:
        """The windows of each calendar row (one DAG per row and event), in calendar order."""
        grouped: dict[str, list[Monitoring]] = {}
        for window in self.windows.values():
            grouped.setdefault(window.series_id, []).append(window)
        return grouped


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(row: dict[str, str], column: str) -> date:
    text = (row.get(column) or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"в столбце {column} не дата ГГГГ-ММ-ДД: «{text}»") from None


def _form_problem(kind: WindowKind, form_id: str, forms_dir: Path) -> str | None:
    if not kind.form:
        return f"окно вида {kind.name} не собирает форм: столбец form_id должен быть пустым" if form_id else None
    if not form_id:
        return f"окно вида {kind.name} собирает форму: укажите form_id (каталог forms/<form_id>.csv)"
    if not (forms_dir / f"{form_id}.csv").exists():
        return f"неизвестная форма «{form_id}»: нет каталога forms/{form_id}.csv"
    try:
        form = load_form(form_id, forms_dir)
    except (KeyError, ValueError) as error:
        return f"каталог формы «{form_id}» с ошибкой: {error.args[0] if error.args else error}"
    if form.level != kind.level:
        return (f"форма «{form_id}» заполняется на уровне «{form.level}», а окно вида {kind.name} — "
                f"на уровне «{kind.level}»")
    return None


def _expand(row: dict[str, str], source_file: str, line: int, forms_dir: Path) -> list[Monitoring]:
    """The windows of one calendar row; ValueError with the reason when the row cannot be scheduled."""
    monitoring_id = (row.get("monitoring_id") or "").strip()
    if not _ID.match(monitoring_id):
        raise ValueError("идентификатор мониторинга пуст или содержит недопустимые знаки "
                         "(допустимы латинские буквы, цифры, «-», «_», «.»)")
    region_code = (row.get("region_code") or "").strip()
    if region_code not in _regions():
        raise ValueError(f"неизвестный код региона «{region_code}» (справочник ref_regions)")
    track = (row.get("track") or "").strip()
    if track not in ("", "1", "2", "3"):
        raise ValueError(f"трек должен быть 1, 2 или 3, а не «{track}»")
    kind_name = (row.get("kind") or "").strip()
    if kind_name not in WINDOW_KINDS:
        raise ValueError(f"неизвестный вид окна «{kind_name}» (столбец kind; допустимо: {', '.join(WINDOW_KINDS)})")
    kind = WINDOW_KINDS[kind_name]
    form_id = (row.get("form_id") or "").strip()
    if problem := _form_problem(kind, form_id, forms_dir):
        raise ValueError(problem)
    group = (row.get("school_group") or "").strip()
    if kind_name == "computed":
        if group not in SCHOOL_GROUPS:
            raise ValueError(f"для расчётного окна укажите school_group: {', '.join(SCHOOL_GROUPS)}"
                             + (f" (а не «{group}»)" if group else ""))
    elif kind_name == "school_form":
        group = group or "all"
        if group != "all":  # a school-level form is expected from every school of the registry
            raise ValueError(f"школьную форму заполняют все школы региона: school_group — all или пусто, а не «{group}»")
    elif group:
        raise ValueError(f"окно вида {kind_name} относится к муниципальным образованиям: school_group должен быть пустым")
    periodicity = (row.get("periodicity") or "").strip()
    if periodicity not in PERIOD_MONTHS:
        raise ValueError(f"неизвестная периодичность «{periodicity}» (допустимо: {', '.join(p for p in PERIOD_MONTHS if p)})")
    opens, closes = _date(row, "window_open"), _date(row, "window_close")
    if closes < opens:
        raise ValueError("окно закрывается раньше, чем открывается")
    grace = (row.get("grace_days") or "0").strip()
    if not grace.isdigit():
        raise ValueError(f"grace_days — целое число дней не меньше 0, а не «{grace}»")
    common = {"region_code": region_code, "track": track, "title": (row.get("title") or "").strip(), "form_id": form_id,
              "grace_days": int(grace), "level": kind.level, "kind": kind_name, "school_group": group,
              "series_id": monitoring_id, "source_file": source_file, "source_line": line,
              "submission_address": (row.get("submission_address") or "").strip()}
    step = PERIOD_MONTHS[periodicity]
    if not step:
        return [Monitoring(monitoring_id, window_open=opens.isoformat(), window_close=closes.isoformat(), **common)]
    until = _date(row, "repeat_until")
    if until < opens:
        raise ValueError("repeat_until раньше первого открытия окна")
    if _add_months(opens, step) <= closes:
        raise ValueError(f"окна повторяющегося мониторинга перекрываются: следующее окно открывается "
                         f"{_add_months(opens, step).isoformat()}, до закрытия предыдущего ({closes.isoformat()}); "
                         "окна одного ряда идут друг за другом в одном DAG — сократите окно или удлините период")
    windows, occurrence = [], 0
    while _add_months(opens, step * occurrence) <= until:
        shift = step * occurrence
        occurrence += 1
        windows.append(Monitoring(f"{monitoring_id}-{occurrence:02d}",
                                  window_open=_add_months(opens, shift).isoformat(),
                                  window_close=_add_months(closes, shift).isoformat(), **common))
    return windows


def _without_comments(lines):
    """A calendar file's lines with each comment — a line starting with «#» — left empty, so line numbers stay
    those of the file (a region's calendar skeleton carries commented example rows: shnor region init)."""
    for line in lines:
        yield "\n" if line.lstrip().startswith("#") else line


def check_calendar(source: Path | None = None, forms_dir: Path | None = None) -> CalendarCheck:
    """Every calendar file of a folder (default: ``calendars/``, or ``$SHNOR_CALENDARS_DIR``), or one file,
    read row by row. A row that cannot be scheduled — an unknown kind, form or region, a window closing
    before it opens, an id already used, periodic windows that overlap — is left out with its file, line
    and reason; the other rows' windows are kept. Never raises because of what a calendar says."""
    source = Path(source) if source is not None else calendars_dir()
    forms_dir = forms_dir or FORMS_DIR
    check = CalendarCheck({}, [])
    for path in sorted(source.glob("*.csv")) if source.is_dir() else [source]:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(_without_comments(handle))
            header = [name.strip() for name in next((row for row in reader if row), [])]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                check.problems.append(CalendarProblem(path.name, reader.line_num or 1, "",
                                                      f"в заголовке нет столбцов: {', '.join(missing)}"))
                continue
            for cells in reader:
                if not cells:  # an empty line or a comment
                    continue
                row = dict(zip(header, cells))
                line, monitoring_id = reader.line_num, (row.get("monitoring_id") or "").strip()
                try:
                    windows = _expand(row, path.name, line, forms_dir)
                except ValueError as error:
                    check.problems.append(CalendarProblem(path.name, line, monitoring_id, str(error)))
                    continue
                taken = next((check.windows[w.monitoring_id] for w in windows if w.monitoring_id in check.windows), None)
                if taken is not None:
                    check.problems.append(CalendarProblem(
                        path.name, line, monitoring_id,
                        f"идентификатор уже занят окном «{taken.monitoring_id}» ({taken.source_file}, строка {taken.source_line})"))
                    continue
                check.windows.update((w.monitoring_id, w) for w in windows)
    return check


def load_calendar(source: Path | None = None) -> dict[str, Monitoring]:
    """Every window of the calendar's valid rows (``check_calendar`` says what was left out and why)."""
    return check_calendar(source).windows


def get_monitoring(monitoring_id: str) -> Monitoring:
    check = check_calendar()
    if monitoring_id not in check.windows:
        problems = [str(p) for p in check.problems if p.monitoring_id and monitoring_id.startswith(p.monitoring_id)]
        reason = (f": строка календаря с ошибкой — {problems[0]}" if problems
                  else f"; есть: {', '.join(sorted(check.windows))}")
        raise KeyError(f"Мониторинг «{monitoring_id}» отсутствует в календаре мониторингов (calendars/){reason}")
    return check.windows[monitoring_id]


@dataclass(frozen=True)
class Municipality:
    oktmo: str
    name: str
    kind: str
    valid_from: str | None = None  # ГГГГ-ММ-ДД: a renamed municipality («муниципальный район» → «округ») has two rows
    valid_to: str | None = None


def oktmo_control_digit(code: str) -> int:
    """The control number of an ОКТМО code, by the method of the all-Russian classifiers: the digits weighted
    1, 2, … 10, 1, … summed modulo 11; a remainder of 10 is recomputed with the weights shifted by two (3, 4, …),
    and a second 10 gives 0. Every row of the seed ``ref_municipalities`` agrees with it."""
    digits = [int(digit) for digit in code]
    for first_weight in (1, 3):
        remainder = sum(digit * ((first_weight - 1 + index) % 10 + 1) for index, digit in enumerate(digits)) % 11
        if remainder < 10:
            return remainder
    return 0


@dataclass(frozen=True)
class School:
    """A school of the region's registry, as templates and reminders of school-level forms name it."""

    code: str
    name: str
    municipality_oktmo: str


def load_municipalities(region_code: str | None = None,
                        path: Path = DBT_SEEDS_DIR / "ref_municipalities.csv") -> list[Municipality]:
    """The reference municipalities, of one region when ``region_code`` is given."""
    prefix = _regions()[region_code]["oktmo_prefix"] if region_code else ""
    with open(path, encoding="utf-8", newline="") as handle:
        return [Municipality(r["oktmo8"], r["name"], r["kind"], r.get("valid_from") or None, r.get("valid_to") or None)
                for r in csv.DictReader(handle)
                if r["oktmo8"].startswith(prefix)]


def current_municipalities(region_code: str | None = None, today: str | None = None,
                           path: Path = DBT_SEEDS_DIR / "ref_municipalities.csv") -> list[Municipality]:
    """One version per ОКТМО, as lists of the region's municipalities show them (templates, reminders, the upload
    site): the version in force today, else the latest — dbt's ``int_municipalities.is_current`` rule. Matching a
    written name uses every version (``load_municipalities``): an old name still finds its municipality."""
    today = today or date.today().isoformat()

    def preference(m: Municipality) -> tuple[bool, str]:
        in_force = (m.valid_from or "") <= today and (m.valid_to is None or m.valid_to >= today)
        return in_force, m.valid_from or ""

    chosen: dict[str, Municipality] = {}
    for municipality in load_municipalities(region_code, path):
        held = chosen.get(municipality.oktmo)
        if held is None or preference(municipality) > preference(held):
            chosen[municipality.oktmo] = municipality
    return list(chosen.values())


@cache
def _regions(path: Path = DBT_SEEDS_DIR / "ref_regions.csv") -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["region_code"]: row for row in csv.DictReader(handle)}


def region_names(municipalities: list[Municipality]) -> list[str] | None:
    """The names of the regions (subjects of the RF) the municipalities belong to, by their ОКТМО prefix;
    None when a prefix is not in ``ref_regions`` (a region the reference does not name)."""
    by_prefix = {row["oktmo_prefix"]: row["region_name"] for row in _regions().values()}
    prefixes = {m.oktmo[:2] for m in municipalities}
    if not prefixes or not prefixes <= set(by_prefix):
        return None
    return sorted(by_prefix[p] for p in prefixes)


def _region(region_code: str) -> dict[str, str]:
    if region_code not in _regions():
        raise KeyError(f"Регион с кодом «{region_code}» отсутствует в справочнике регионов")
    return _regions()[region_code]


def oktmo_prefix(region_code: str) -> str:
    """The first two digits of the ОКТМО codes of the region's municipalities."""
    return _region(region_code)["oktmo_prefix"]


def region_name(region_code: str) -> str:
    return _region(region_code)["region_name"]


def region_institution(region_code: str) -> str:
    """The institution that runs the region's monitorings and issues its notes (the reports' author)."""
    return _region(region_code).get("institution") or ""


@dataclass(frozen=True)
class RoadmapActivity:
    """An activity of the roadmap catalogue (dbt seed ``roadmap_catalogue``: the 25 of seed 001)."""

    code: str
    number: int
    name: str
    document_kind: str
    periodicity: str


@cache
def load_roadmap_catalogue(path: Path = DBT_SEEDS_DIR / "roadmap_catalogue.csv") -> tuple[RoadmapActivity, ...]:
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(RoadmapActivity(r["activity_code"], int(r["activity_number"]), r["activity"], r["document_kind"],
                                     r["periodicity"]) for r in csv.DictReader(handle))
