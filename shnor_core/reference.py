"""Reference data the readers need: form catalogues, the monitoring calendar, the region's municipalities.

The same CSV files are dbt seeds (calendar, municipalities) or raw reference tables (forms), so the
readers and the marts never disagree on them.
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from shnor_core.settings import CALENDARS_DIR, DBT_SEEDS_DIR, FORMS_DIR


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
    for row in read_form_rows(path):
        section = sections.setdefault(
            row["section_code"],
            FormSection(row["section_code"], int(row["section_order"]), row["section_title"]),
        )
        number = int(row["indicator_number"])
        indicator = section.indicators.setdefault(
            number,
            FormIndicator(row["section_code"], number, row["indicator_code"], row["indicator_label"], row["kind"],
                          row["printed_max"]),
        )
        indicator.items.append(
            FormItem(row["section_code"], number, row["indicator_code"], int(row["item_number"]),
                     row["item_label"], row["kind"])
        )
    return Form(form_id, sections, path)


PERIOD_MONTHS = {"": 0, "once": 0, "quarterly": 3, "half_year": 6}


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
    level: str
    source_file: str = ""

    @property
    def year(self) -> int:
        return int(self.window_open[:4])


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _expand(row: dict[str, str], source_file: str) -> list[Monitoring]:
    periodicity = (row.get("periodicity") or "").strip()
    if periodicity not in PERIOD_MONTHS:
        raise ValueError(f"{source_file}: мониторинг «{row['monitoring_id']}»: неизвестная периодичность «{periodicity}» "
                         f"(допустимо: {', '.join(p for p in PERIOD_MONTHS if p)})")
    opens, closes = date.fromisoformat(row["window_open"]), date.fromisoformat(row["window_close"])
    if closes < opens:
        raise ValueError(f"{source_file}: мониторинг «{row['monitoring_id']}»: окно закрывается раньше, чем открывается")
    common = {"region_code": row["region_code"], "track": row["track"], "title": row["title"],
              "form_id": row["form_id"] or "", "grace_days": int(row["grace_days"] or 0), "level": row["level"],
              "source_file": source_file}
    step = PERIOD_MONTHS[periodicity]
    if not step:
        return [Monitoring(row["monitoring_id"], window_open=opens.isoformat(), window_close=closes.isoformat(), **common)]
    until = date.fromisoformat(row["repeat_until"])
    windows, occurrence = [], 0
    while _add_months(opens, step * occurrence) <= until:
        shift = step * occurrence
        occurrence += 1
        windows.append(Monitoring(f"{row['monitoring_id']}-{occurrence:02d}",
                                  window_open=_add_months(opens, shift).isoformat(),
                                  window_close=_add_months(closes, shift).isoformat(), **common))
    return windows


def load_calendar(source: Path = CALENDARS_DIR) -> dict[str, Monitoring]:
    """Every monitoring window of a calendar file, or of every file (one per region and year) in a folder."""
    source = Path(source)
    windows: dict[str, Monitoring] = {}
    for path in sorted(source.glob("*.csv")) if source.is_dir() else [source]:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for window in _expand(row, path.name):
                    if window.monitoring_id in windows:
                        raise ValueError(f"{path.name}: мониторинг «{window.monitoring_id}» уже есть в "
                                         f"{windows[window.monitoring_id].source_file}")
                    windows[window.monitoring_id] = window
    return windows


def get_monitoring(monitoring_id: str) -> Monitoring:
    windows = load_calendar()
    if monitoring_id not in windows:
        raise KeyError(f"Мониторинг «{monitoring_id}» отсутствует в календаре мониторингов (calendars/)")
    return windows[monitoring_id]


@dataclass(frozen=True)
class Municipality:
    oktmo: str
    name: str
    kind: str


def load_municipalities(region_code: str | None = None,
                        path: Path = DBT_SEEDS_DIR / "ref_municipalities.csv") -> list[Municipality]:
    """The reference municipalities, of one region when ``region_code`` is given."""
    prefix = _regions()[region_code]["oktmo_prefix"] if region_code else ""
    with open(path, encoding="utf-8", newline="") as handle:
        return [Municipality(r["oktmo8"], r["name"], r["kind"]) for r in csv.DictReader(handle)
                if r["oktmo8"].startswith(prefix)]


@cache
def _regions(path: Path = DBT_SEEDS_DIR / "ref_regions.csv") -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["region_code"]: row for row in csv.DictReader(handle)}


def _region(region_code: str) -> dict[str, str]:
    if region_code not in _regions():
        raise KeyError(f"Регион с кодом «{region_code}» отсутствует в справочнике регионов")
    return _regions()[region_code]


def oktmo_prefix(region_code: str) -> str:
    """The first two digits of the ОКТМО codes of the region's municipalities."""
    return _region(region_code)["oktmo_prefix"]


def region_name(region_code: str) -> str:
    return _region(region_code)["region_name"]


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
