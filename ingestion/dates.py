"""Dates and deadlines as municipalities write them in roadmaps and reports (seed 001).

A date cell may be a date (Excel), "26.01.2022", "26.01.22" or "2022-01-26". A deadline may be a date, a
month ("Январь 2022 г.", "февраль", "Декабрь 2022 года": the month's last day), a range of months
("март-апрель 2022 года": the last day of the range), several of these in one cell (seed 001, item 9: six
seminars with their dates), or a periodicity ("Не реже 1 раз в четверть", "2 раза в течение учебного
года", "По итогам каждой учебной четверти и учебного года", "По мере необходимости"). A schedule naming
dates or months is due on those dates ("once"); otherwise it is the first periodicity whose words it
contains, in the order the layout lists them (``settings.periodicities``); the due dates of a periodicity
are data (dbt seed ``roadmap_periodicities``), not code.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shnor_core.text import is_blank, normalize_text

_MONTHS = [("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма[йя]", 5), ("июн", 6), ("июл", 7),
           ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12)]
_MONTH = re.compile(r"\b(" + "|".join(f"{stem}" for stem, _ in _MONTHS) + r")[а-я]*\b")
_RANGE = re.compile(_MONTH.pattern + r"\s*[-–—]\s*" + _MONTH.pattern)
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(20\d\d)-(\d{1,2})-(\d{1,2})\b")
_YEAR_AFTER = re.compile(r"^\s*(20\d\d)\b")
EXCEL_EPOCH = date(1899, 12, 30)
ONCE = "once"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(word: str) -> int:
    return next(number for stem, number in _MONTHS if re.match(stem, word))


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_date(raw: object) -> date | None:
    """One date cell; None when blank or when the cell holds no date."""
    if is_blank(raw):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 < raw < 80000:
        return EXCEL_EPOCH + timedelta(days=int(raw))  # an unformatted Excel date serial
    text = str(raw)
    found = dates_in(text)
    return found[0] if found else None


def dates_in(text: str) -> list[date]:
    """The full dates written in a text, in order ("26.01.2022", "2022-01-26"); impossible dates skipped."""
    found: list[tuple[int, date]] = []
    for match in _DATE.finditer(text):
        try:
            found.append((match.start(), date(_full_year(match.group(3)), int(match.group(2)), int(match.group(1)))))
        except ValueError:
            continue
    for match in _ISO.finditer(text):
        try:
            found.append((match.start(), date(int(match.group(1)), int(match.group(2)), int(match.group(3)))))
        except ValueError:
            continue
    return [day for _, day in sorted(found)]


def deadlines_in(text: object, year: int | None) -> list[date]:
    """Every deadline a text names: its dates, and the last day of each month or range of months (in the
    year written after it, else ``year``). Empty when the text names none, or names months without a
    year when none is known."""
    if is_blank(text):
        return []
    folded = normalize_text(text)
    deadlines = [(m.start(), day) for m, day in ((m, _date_of(m)) for m in _DATE.finditer(folded)) if day]
    deadlines += [(m.start(), day) for m, day in ((m, _iso_of(m)) for m in _ISO.finditer(folded)) if day]
    covered = [(m.start(), m.end()) for m in _DATE.finditer(folded)]
    taken: list[tuple[int, int]] = []
    for match in _RANGE.finditer(folded):
        written = _year_after(folded, match.end()) or year
        if written:
            deadlines.append((match.start(), month_end(written, _month(match.group(2)))))
        taken.append((match.start(), match.end()))
    for match in _MONTH.finditer(folded):
        if any(start <= match.start() < end for start, end in taken + covered):
            continue
        written = _year_after(folded, match.end()) or year
        if written:
            deadlines.append((match.start(), month_end(written, _month(match.group(1)))))
    return [day for _, day in sorted(deadlines)]


def _date_of(match: re.Match) -> date | None:
    try:
        return date(_full_year(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _iso_of(match: re.Match) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _year_after(text: str, position: int) -> int | None:
    found = _YEAR_AFTER.match(text[position:])
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Schedule:
    periodicity: str | None  # "once" (due on the dates named), a periodicity code, or None: not recognised
    due_dates: tuple[date, ...] = ()


def parse_schedule(text: object, year: int | None,
                   periodicities: tuple[tuple[str, tuple[str, ...]], ...]) -> Schedule:
    """A roadmap's «Сроки и периодичность» cell: the dates it names, else its periodicity (the first
    whose words it contains, in the layout's order); a blank or unrecognised cell has none."""
    if is_blank(text):
        return Schedule(None)
    named = deadlines_in(text, year)
    if named:
        return Schedule(ONCE, tuple(dict.fromkeys(named)))
    folded = normalize_text(text)
    code = next((code for code, words in periodicities if any(normalize_text(w) in folded for w in words)), None)
    return Schedule(code)
