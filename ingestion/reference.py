"""Reference data the readers need: form catalogues, the monitoring calendar, the region's municipalities.

The same CSV files are dbt seeds (calendar, municipalities) or raw reference tables (forms), so the
readers and the marts never disagree on them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from shnor.settings import DBT_SEEDS_DIR, FORMS_DIR


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
    items: list[FormItem] = field(default_factory=list)

    @property
    def max_score(self) -> int | None:
        """The maximum is the number of 0/1 sub-items, never the form's printed "от 0 до N" label."""
        return len(self.items) if self.kind == "presence" else None


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


@dataclass(frozen=True)
class Monitoring:
    monitoring_id: str
    region_code: str
    track: str
    title: str
    form_id: str
    window_open: str
    window_close: str
    grace_days: int
    level: str


def load_calendar(path: Path = DBT_SEEDS_DIR / "monitoring_calendar.csv") -> dict[str, Monitoring]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["monitoring_id"]: Monitoring(**{**row, "grace_days": int(row["grace_days"])})
            for row in csv.DictReader(handle)
        }


def get_monitoring(monitoring_id: str) -> Monitoring:
    calendar = load_calendar()
    if monitoring_id not in calendar:
        raise KeyError(f"Мониторинг «{monitoring_id}» отсутствует в календаре мониторингов")
    return calendar[monitoring_id]


@dataclass(frozen=True)
class Municipality:
    oktmo: str
    name: str
    kind: str


def load_municipalities(path: Path = DBT_SEEDS_DIR / "ref_municipalities.csv") -> list[Municipality]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Municipality(r["oktmo8"], r["name"], r["kind"]) for r in csv.DictReader(handle)]


def region_name(region_code: str, path: Path = DBT_SEEDS_DIR / "ref_regions.csv") -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        names = {row["region_code"]: row["region_name"] for row in csv.DictReader(handle)}
    if region_code not in names:
        raise KeyError(f"Регион с кодом «{region_code}» отсутствует в справочнике регионов")
    return names[region_code]
