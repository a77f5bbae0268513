"""The one reader engine for tabular exports: a layout (``ingestion.layout_spec``) applied to a file.

For each sheet the layout admits, the header is searched below any title rows (every start row and
every header height the layout allows is tried; the fit naming most of the layout's columns wins), a
multi-row header with merged cells is flattened (a merged upper title is carried over the columns below
it), columns are mapped by their aliases, and the data rows are walked: blank separators and notes
skipped, the table ended by blank rows, key columns filled down, dropped rows (region totals) dropped,
municipality totals kept aside to cross-check what was read, placeholders turned into unknowns, every
value parsed by its column's type with its cell. What a file is *of* (procedure, year, subject, grade,
list) comes from its title rows, sheet names, file name, the measure block or a column, as the layout
says. ``ingestion.table_reader`` turns the rows into a source kind's raw rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from openpyxl.utils import get_column_letter

from ingestion.cells import parse_value
from ingestion.dates import parse_date
from ingestion.layout_spec import ColumnSpec, FactSpec, Layout, applications_pattern, strip_units
from ingestion.school_names import school_key
from ingestion.workbook_source import SheetRows
from shnor_core.demo import mentions_demo
from shnor_core.names import match_municipality
from shnor_core.reference import Municipality
from shnor_core.source_read import CellError
from shnor_core.sources import context_columns
from shnor_core.text import clean_text, fold, is_blank, normalize_text

_CATALOGUE_TYPES = {"string": "text", "int": "count", "bool": "bool"}
_NOTE_START = ("примечани", "*", "источник", "исполнител", "подпис", "дата")


@dataclass
class Cell:
    raw: object
    value: object  # parsed by the column's type; None for blanks and placeholders
    address: str
    placeholder: str | None = None


@dataclass
class HeaderFit:
    """Where a layout's header sits in one sheet, and how well it fits."""

    layout: Layout
    sheet: SheetRows
    start: int
    height: int
    names: list[tuple[str, ...]]
    columns: dict[str, int]
    metrics: list[tuple[int, ColumnSpec, str | None]]  # column, metric, block (the upper header: a subject)
    missing: list[str]
    optional_found: int
    signature: bool

    @property
    def fits(self) -> bool:
        return not self.missing

    @cached_property
    def score(self) -> float:
        """How well the layout explains this header: the share of its required columns (and measures) found,
        weighed by the share of the header's columns it claims (a layout that names two of ten columns is a
        poor fit even when both are its required ones); optional columns and the layout's signature in the
        title rows break ties. Computed once: detection compares every fit it makes."""
        required, optional = _fields(self.layout)
        metric_fields = {m.field for _, m, _ in self.metrics}
        found = sum(1 for name in required if name in self.columns or name in metric_fields)
        wanted = len(required) + (1 if self.layout.metrics else 0)
        found += 1 if self.layout.metrics and self.metrics else 0
        header_columns = sum(1 for levels in self.names if levels) or 1
        claimed = len(set(self.columns.values()) | {c for c, _, _ in self.metrics})
        optional_found = sum(1 for name in optional if name in self.columns or name in metric_fields)
        return (found / (wanted or 1)) * (0.5 + 0.5 * min(1.0, claimed / header_columns)) \
            + 0.05 * optional_found / (len(optional) or 1) + (0.1 if self.signature else 0.0)

    @property
    def data_start(self) -> int:
        return self.start + self.height

    def found_names(self) -> list[str]:
        return [" / ".join(self.names[i]) for i in sorted(set(self.columns.values()) | {c for c, _, _ in self.metrics})]


@dataclass
class TableRow:
    sheet: str
    row: int
    fields: dict[str, Cell]
    measures: list[tuple[ColumnSpec, str | None, Cell]]
    municipality_text: str = ""


@dataclass
class Table:
    layout: Layout
    fits: list[HeaderFit]
    rows: list[TableRow] = field(default_factory=list)
    totals: list[TableRow] = field(default_factory=list)  # municipality totals the file states
    errors: list[CellError] = field(default_factory=list)
    sheet_facts: dict[str, dict[str, object]] = field(default_factory=dict)
    fact_sources: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → fact → where it was found
    not_read: list[CellError] = field(default_factory=list)  # sheets skipped, columns not found or not claimed
    is_demo: bool = False


_BY_LAYOUT: dict[int, tuple[Layout, tuple[ColumnSpec, ...], tuple[list[str], list[str]]]] = {}


def _derived(layout: Layout) -> tuple[tuple[ColumnSpec, ...], tuple[list[str], list[str]]]:
    """A layout's columns and its required and optional fields, made once per layout object. Kept by the
    object's identity (checked), not by its value: hashing a frozen layout hashes every spec and pattern in it,
    which cost more than detection itself."""
    known = _BY_LAYOUT.get(id(layout))
    if known is None or known[0] is not layout:
        columns = layout.columns
        if layout.columns_from == "oo1_flat":
            columns = tuple(ColumnSpec(c.variable, (c.label,), (), _CATALOGUE_TYPES[c.dtype], True, match="exact")
                            for c in context_columns()) + layout.columns
        fields = ([c.field for c in columns if c.required] + [m.field for m in layout.metrics if m.required],
                  [c.field for c in columns if not c.required] + [m.field for m in layout.metrics if not m.required])
        known = _BY_LAYOUT[id(layout)] = (layout, columns, fields)
    return known[1], known[2]


def all_columns(layout: Layout) -> tuple[ColumnSpec, ...]:
    """The layout's columns, with those of a catalogue it names (``columns_from: oo1_flat``)."""
    return _derived(layout)[0]


def _fields(layout: Layout) -> tuple[list[str], list[str]]:
    """The layout's required and its optional fields (columns and measures)."""
    return _derived(layout)[1]


@lru_cache(maxsize=1 << 16)
def _header_text(value: object) -> str:
    return "" if is_blank(value) else clean_text(value)


def flatten_header(rows: list[tuple], start: int, height: int, width: int) -> list[tuple[str, ...]]:
    """Each column's header texts from the top level down. A merged title leaves its value only in its
    first cell: a blank upper cell takes its left neighbour's text when both columns have text below (they
    sit under the same title)."""
    grid = [[_header_text(rows[start + level][c]) if c < len(rows[start + level]) else ""
             for c in range(width)] for level in range(height)]
    for level in range(height - 1):
        for column in range(1, width):
            below = any(grid[lower][column] for lower in range(level + 1, height))
            left_below = any(grid[lower][column - 1] for lower in range(level + 1, height))
            if not grid[level][column] and grid[level][column - 1] and below and left_below:
                grid[level][column] = grid[level][column - 1]
    names = []
    for column in range(width):
        parts: list[str] = []
        for level in range(height):
            text = grid[level][column]
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        names.append(tuple(parts))
    return names


def title_text(rows: list[tuple], start: int) -> str:
    return " ".join(clean_text(c) for row in rows[:start] for c in row if not is_blank(c))


def fit_header(layout: Layout, sheet: SheetRows, file_name: str = "") -> HeaderFit | None:
    """The best place for the layout's header in this sheet (None when the sheet is empty)."""
    columns = all_columns(layout)
    width = max((len(r) for r in sheet.rows[:layout.header_scan_rows + max(layout.header_levels)]), default=0)
    best: HeaderFit | None = None
    above: list[str] = []  # the normalised text of the rows above ``start``, for the layout's signature
    for start in range(min(layout.header_scan_rows, len(sheet.rows))):
        if start:
            above += [normalize_text(c) for c in sheet.rows[start - 1] if not is_blank(c)]
        if all(is_blank(c) for c in sheet.rows[start]):
            continue
        context = " ".join([*above, normalize_text(sheet.title), normalize_text(file_name)]) if layout.signature else ""
        signature = any(p.search(context) for p in layout.signature)
        for height in layout.header_levels:
            if start + height > len(sheet.rows):
                continue
            upper = sheet.rows[start:start + height - 1]
            if any(sum(1 for c in row if not is_blank(c)) <= 1 for row in upper):
                continue  # a row with one cell above the header is a title, not a header level
            names = flatten_header(sheet.rows, start, height, width)
            fit = _fit(layout, columns, sheet, start, height, names, signature)
            if best is None or (fit.score, fit.optional_found) > (best.score, best.optional_found):
                best = fit
    return best


def _fit(layout: Layout, columns: tuple[ColumnSpec, ...], sheet: SheetRows, start: int, height: int,
         names: list[tuple[str, ...]], signature: bool) -> HeaderFit:
    taken: dict[str, int] = {}
    used: set[int] = set()
    for spec in columns:
        for index, levels in enumerate(names):
            if index not in used and levels and any(spec.matches(level) for level in levels):
                taken[spec.field] = index
                used.add(index)
                break
    metrics = []
    for index, levels in enumerate(names):
        if index in used or not levels:
            continue
        spec = next((m for m in layout.metrics if m.matches(levels[-1])), None)
        if spec is not None:
            block = strip_units(levels[-2]) if layout.block_fact and len(levels) > 1 else None
            metrics.append((index, spec, block))
    if not layout.block_fact:
        metrics = _implicit_blocks(metrics, names)
    by_values = [c for c in columns if c.values_match is not None and c.field not in taken]
    complete = all(c.field in taken for c in columns if c.required and c.values_match is None) and (
        not layout.metrics or metrics)
    for spec in by_values if complete else ():  # looked at only where nothing else is missing: values cost rows
        index = _column_by_values(sheet, start + height, names, used | {c for c, _, _ in metrics}, spec.values_match)
        if index is not None:
            taken[spec.field] = index
            used.add(index)
    missing = [_named(c) for c in columns if c.required and c.field not in taken]
    found_metrics = {m.field for _, m, _ in metrics}
    missing += [_named(m) for m in layout.metrics if m.required and m.field not in found_metrics]
    if layout.metrics and not metrics:
        missing.append("показатели (" + ", ".join(_named(m) for m in layout.metrics[:4]) + ")")
    optional = len([c for c in columns if not c.required and c.field in taken])
    return HeaderFit(layout, sheet, start, height, names, taken, metrics, missing, optional, signature)


def _implicit_blocks(metrics: list[tuple[int, ColumnSpec, str | None]],
                     names: list[tuple[str, ...]]) -> list[tuple[int, ColumnSpec, str | None]]:
    """A measure repeated under different upper titles (participants under «Русский язык» and under
    «Математика») is a block per subject, whether or not the layout says so: each value takes its block's
    title, so two subjects never fall into one."""
    uppers: dict[str, set[str]] = {}
    for index, spec, _ in metrics:
        if len(names[index]) > 1:
            uppers.setdefault(spec.field, set()).add(names[index][-2])
    if not any(len(titles) > 1 for titles in uppers.values()):
        return metrics
    return [(index, spec, strip_units(names[index][-2]) if len(names[index]) > 1 else None)
            for index, spec, _ in metrics]


_VALUE_ROWS = 60  # data rows looked at to know a column by its values


def _column_by_values(sheet: SheetRows, first: int, names: list[tuple[str, ...]], used: set[int],
                      pattern: re.Pattern) -> int | None:
    """The headed column not yet taken whose values match the pattern in the most rows (at least two): a
    column whose heading is none of the aliases, known by what it holds (logins ``sch…``)."""
    counts: dict[int, int] = {}
    for row in sheet.rows[first:first + _VALUE_ROWS]:
        for index, value in enumerate(row):
            if index not in used and index < len(names) and names[index] and isinstance(value, str) \
                    and pattern.search(value):
                counts[index] = counts.get(index, 0) + 1
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] >= 2 else None


def _named(spec: ColumnSpec) -> str:
    """A column as a person would look for it: its first alias."""
    return f"«{spec.aliases[0]}»" if spec.aliases else spec.field


def sheets_of(layout: Layout, sheets: list[SheetRows]) -> list[SheetRows]:
    chosen = [s for s in sheets if s.title != "_meta"
              and (layout.sheet_include is None or layout.sheet_include.search(s.title))
              and (layout.sheet_exclude is None or not layout.sheet_exclude.search(s.title))]
    return chosen


def fit_file(layout: Layout, sheets: list[SheetRows], file_name: str) -> list[HeaderFit]:
    """The header fit of every sheet the layout admits, best first."""
    fits = [fit for sheet in sheets_of(layout, sheets) if (fit := fit_header(layout, sheet, file_name)) is not None]
    return sorted(fits, key=lambda f: -f.score)


# --- facts of a file or sheet ------------------------------------------------------------------------

def _fact_from_text(fact: FactSpec, text: str) -> tuple[object, str | None]:
    """A fact found in one text, or (None, reason) when it names two different values."""
    folded = normalize_text(text)
    if fact.values:
        found = [value for value, words in fact.values if any(normalize_text(w) in folded for w in words)]
        distinct = list(dict.fromkeys(found))
        if len(distinct) > 1:
            return None, f"названы сразу {', '.join(map(str, distinct))}"
        return (distinct[0] if distinct else None), None
    for pattern in fact.patterns:
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        chosen = matches[-1] if fact.last else matches[0]
        value = next((g for g in chosen.groups() if g is not None), chosen.group(0))
        value = clean_text(value)
        if value.isdigit():
            return int(value), None
        return (value[:1].upper() + value[1:] if fact.capitalize else value), None
    return None, None


def sheet_facts(layout: Layout, fit: HeaderFit, file_name: str,
                sources: dict[str, str] | None = None) -> tuple[dict[str, object], dict[str, str]]:
    """Facts found in the title rows, the sheet name and the file name (row-level sources — the measure
    block and columns — are resolved per row). Returns the facts and, for those not found, why; where each
    fact was found goes into ``sources`` (the evidence a check prints)."""
    texts = {"title": title_text(fit.sheet.rows, fit.start), "sheet": fit.sheet.title, "file_name": file_name}
    facts: dict[str, object] = dict(layout.constants)
    sources = {} if sources is None else sources
    sources.update({name: "известно о выгрузке (constants макета)" for name, _ in layout.constants})
    problems: dict[str, str] = {}
    for fact in layout.facts:
        for source in fact.sources:
            if source not in texts:
                continue
            value, problem = _fact_from_text(fact, texts[source])
            if problem:
                problems[fact.name] = f"{problem} ({_SOURCE_RU[source]})"
                break
            if value is not None:
                facts[fact.name] = value
                sources[fact.name] = f"{_SOURCE_RU[source]} «{_excerpt(texts[source])}»"
                break
    return facts, problems


def _excerpt(text: str, width: int = 80) -> str:
    text = clean_text(text)
    return text if len(text) <= width else text[:width - 1] + "…"


_SOURCE_RU = {"title": "в заголовке таблицы", "sheet": "в имени листа", "file_name": "в имени файла",
              "block": "в заголовке столбцов", "column": "в столбце"}


def row_facts(layout: Layout, facts: dict[str, object], row: TableRow, block: str | None,
              sources: dict[str, str] | None = None) -> dict[str, object]:
    """The facts of one value: the sheet's, then the measure block's and the row's columns where the
    layout says so, then derived facts (grade by procedure) and defaults; where each of those came from
    goes into ``sources``."""
    resolved = dict(facts)
    sources = {} if sources is None else sources
    for fact in layout.facts:
        if fact.name in resolved and resolved[fact.name] is not None:
            continue
        for source in fact.sources:
            if source == "block" and block:
                value, _ = _fact_from_text(fact, block) if (fact.values or fact.patterns) else (block, None)
                if value is not None:
                    resolved[fact.name] = value
                    sources[fact.name] = f"{_SOURCE_RU['block']} «{block}»"
                    break
            if source == "column" and fact.name in row.fields and row.fields[fact.name].value is not None:
                resolved[fact.name] = row.fields[fact.name].value
                sources[fact.name] = f"{_SOURCE_RU['column']} ({row.fields[fact.name].address})"
                break
    implicit = "subject" if not layout.block_fact else None  # a block the engine found (``_implicit_blocks``)
    if block and implicit and resolved.get(implicit) is None and any(f.name == implicit for f in layout.facts):
        resolved[implicit] = block
        sources[implicit] = f"{_SOURCE_RU['block']} «{block}»"
    for fact in layout.facts:
        if resolved.get(fact.name) is None and fact.by is not None:
            other, mapping = fact.by
            resolved[fact.name] = dict(mapping).get(resolved.get(other))
            if resolved[fact.name] is not None:
                sources[fact.name] = f"по процедуре {resolved.get(other)}" if other == "procedure" else f"по «{other}»"
        if resolved.get(fact.name) is None and fact.default is not None:
            resolved[fact.name] = fact.default
            sources[fact.name] = "по умолчанию макета"
    return resolved


# --- values -------------------------------------------------------------------------------------------

def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, (int, float)):
        return float(raw)
    text = normalize_text(raw).replace("%", "").replace(" ", "").replace(",", ".")
    return float(text)


def _words(mapping: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> str | None:
    folded = normalize_text(text)
    return next((code for code, words in mapping if any(normalize_text(w) in folded for w in words)), None)


def parse_cell(layout: Layout, spec: ColumnSpec, raw: object, address: str) -> tuple[Cell, str | None]:
    """A cell's value by its column's type, or the rule it breaks."""
    if is_blank(raw):
        return Cell(raw, None, address), None
    placeholder = layout.placeholder(raw) if isinstance(raw, str) else None
    if placeholder is not None and spec.type not in ("text", "code"):
        return Cell(raw, 0.0 if placeholder.meaning == "zero" else None, address, placeholder.meaning), None
    text = clean_text(raw)
    if spec.value_pattern is not None:
        match = spec.value_pattern.search(text)
        text = (match.group(1) if match.groups() else match.group(0)) if match else ""
    kind = spec.type
    try:
        if kind == "text":
            return Cell(raw, text or None, address), None
        if kind == "code":
            return Cell(raw, text or None, address), None
        if kind == "year":
            years = re.findall(r"20\d\d", text)
            if not years:
                return Cell(raw, None, address), "не указан год (ожидается 20ГГ)"
            return Cell(raw, int(years[-1]), address), None
        if kind == "list_kind":
            return Cell(raw, _words(layout.list_kinds, text), address), (
                None if _words(layout.list_kinds, text) else "вид списка не распознан")
        if kind == "role":
            return Cell(raw, _words(layout.roles, text), address), None
        if kind == "choice":
            code = _words(spec.choices, text) or spec.otherwise
            return Cell(raw, code, address), (None if code else "значение не распознано: " + ", ".join(
                words[0] for _, words in spec.choices))
        if kind == "date":
            day = parse_date(raw)
            return Cell(raw, day.isoformat() if day else None, address), (
                None if day else "ожидается дата (ДД.ММ.ГГГГ)")
        if kind == "bool":
            parsed = parse_value(raw, "presence")
            if parsed.error or parsed.value not in (0.0, 1.0):
                return Cell(raw, None, address), "ожидается да/нет (1/0)"
            return Cell(raw, bool(parsed.value), address), None
        number = _number(raw)
        if kind == "count":
            if not number.is_integer():
                return Cell(raw, None, address), "количество должно быть целым числом"
            if number < 0:
                return Cell(raw, None, address), "количество не может быть отрицательным"
        return Cell(raw, number * spec.scale, address), None
    except ValueError:
        expected = {"count": "целое число", "percent": "число (процент)"}.get(kind, "число")
        return Cell(raw, None, address), f"значение не является числом: ожидается {expected}"


# --- rows ---------------------------------------------------------------------------------------------

def _small_whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    text = str(value).strip().rstrip(".")
    return int(text) if text.isdigit() else None


def is_numbering_row(row: tuple) -> bool:
    """A row of column numbers under a header (1, 2, 3 …, possibly starting again for each block of
    columns): only whole numbers no larger than the row is wide, three or more, each the one before plus
    one or a new start no higher than it. Never data: a school is never named by a number."""
    values = [c for c in row if not is_blank(c)]
    numbers = [_small_whole(c) for c in values]
    if len(numbers) < 3 or any(n is None or n < 0 or n > len(row) + 1 for n in numbers):
        return False
    steps = list(zip(numbers, numbers[1:]))
    return all(after == before + 1 or after <= before for before, after in steps) \
        and sum(1 for before, after in steps if after == before + 1) >= len(steps) / 2


def _is_note(row: tuple) -> bool:
    values = [c for c in row if not is_blank(c)]
    if len(values) != 1 or not isinstance(values[0], str):
        return False
    return _starts_as_note(row) or len(normalize_text(values[0])) > 60


def _starts_as_note(row: tuple) -> bool:
    values = [c for c in row if not is_blank(c)]
    return len(values) == 1 and isinstance(values[0], str) and normalize_text(values[0]).startswith(_NOTE_START)


def _key_field(layout: Layout) -> str:
    explicit = layout.settings.get("row_key")
    if explicit:
        return explicit
    required = [c.field for c in all_columns(layout) if c.required]
    return "school" if "school" in required else (required[0] if required else all_columns(layout)[0].field)


def _classify(layout: Layout, text: str, municipalities: list[Municipality]) -> str:
    """A row of a nested name column: a school (by its login or its kind and number), a municipality
    (a reference name), or anything else (the region, the whole sample): dropped."""
    spec = layout.hierarchy
    if spec.school_pattern is not None and spec.school_pattern.search(text):
        return "school"
    if school_key(text)[1] is not None:
        return "school"
    if match_municipality(text, municipalities).municipality is not None:
        return "municipality"
    return "other"


def is_applications(sheet: SheetRows, start: int | None = None) -> bool:
    """A sheet of applications (who registered for an exam): its name or its title rows say so."""
    pattern = applications_pattern()
    title = title_text(sheet.rows, min(start if start is not None else 5, len(sheet.rows)))
    return bool(pattern.search(sheet.title) or pattern.search(title))


def _not_read(layout: Layout, sheets: list[SheetRows], fits: list[HeaderFit], source_file: str) -> list[CellError]:
    """What the layout leaves unread, each with its reason: sheets skipped (not admitted by name, empty,
    an applications sheet, no header of the layout), the layout's columns not found in a sheet read, and the
    header's columns the layout does not know."""
    by_sheet = {id(f.sheet): f for f in fits}
    admitted = {id(s) for s in sheets_of(layout, sheets)}
    notes = []

    def note(sheet: str, cell: str, what: str, rule: str) -> None:
        notes.append(CellError(source_file, sheet, cell, what, "", rule))

    for sheet in sheets:
        fit = by_sheet.get(id(sheet))
        if sheet.title == "_meta":
            continue
        if is_applications(sheet, fit.start if fit else None):
            note(sheet.title, "", "лист", "лист не прочитан: это лист заявлений (заявок на участие), а не результатов")
        elif id(sheet) not in admitted:
            note(sheet.title, "", "лист", f"лист не прочитан: макет {layout.name} не читает листы с таким именем")
        elif fit is None or not fit.names or not any(fit.names):
            note(sheet.title, "", "лист", "лист не прочитан: он пуст")
        elif not fit.fits:
            note(sheet.title, "", "лист", f"лист не прочитан: в нём нет шапки макета {layout.name} (не найдены "
                                          f"{', '.join(fit.missing)})")
        else:
            found = set(fit.columns) | {m.field for _, m, _ in fit.metrics}
            absent = [_named(c) for c in (*all_columns(layout), *layout.metrics) if c.field not in found]
            if absent:
                note(sheet.title, "", "столбцы", f"не найдены столбцы {', '.join(absent)}: их значения не прочитаны")
            claimed = set(fit.columns.values()) | {c for c, _, _ in fit.metrics}
            for index, levels in enumerate(fit.names):
                if levels and index not in claimed:
                    note(sheet.title, f"{get_column_letter(index + 1)}{fit.data_start}", " / ".join(levels),
                         f"столбец не прочитан: макет {layout.name} его не знает")
    return notes


def read_table(layout: Layout, sheets: list[SheetRows], file_name: str, source_file: str,
               municipalities: list[Municipality], every_fit: list[HeaderFit] | None = None) -> Table:
    """The layout's rows from the sheets it fits (``every_fit``: ``fit_file``'s answer, when detection has it)."""
    every_fit = fit_file(layout, sheets, file_name) if every_fit is None else every_fit
    fits = [f for f in every_fit if f.fits and not is_applications(f.sheet, f.start)]
    table = Table(layout, fits, is_demo=mentions_demo(c for s in sheets for row in s.rows[:8] for c in row),
                  not_read=_not_read(layout, sheets, every_fit, source_file))
    columns = {c.field: c for c in all_columns(layout)}
    key = _key_field(layout)

    def error(sheet: str, cell: str, what: str, value: object, rule: str) -> None:
        table.errors.append(CellError(source_file, sheet, cell, what, "" if value is None else str(value), rule))

    for fit in sorted(fits, key=lambda f: sheets.index(f.sheet)):
        sources: dict[str, str] = {}
        facts, problems = sheet_facts(layout, fit, file_name, sources)
        table.sheet_facts[fit.sheet.title] = facts
        table.fact_sources[fit.sheet.title] = sources
        for name, problem in problems.items():
            error(fit.sheet.title, "", name, "", f"неоднозначно: {problem}")
        _walk(layout, fit, columns, key, table, error, municipalities)
        _cross_check(table, fit.sheet.title, error)
    return table


def _walk(layout, fit: HeaderFit, columns: dict[str, ColumnSpec], key: str, table: Table, error, municipalities):
    sheet = fit.sheet
    filled: dict[str, Cell] = {}
    municipality_text = ""
    blanks, seen = 0, False
    hierarchy_column = fit.columns.get(layout.hierarchy.column) if layout.hierarchy else None
    for index in range(fit.data_start, len(sheet.rows)):
        row = sheet.rows[index]
        number = index + 1
        if all(is_blank(c) for c in row):
            blanks += 1
            if seen and blanks >= layout.stop_after_blank_rows:
                break
            continue
        follows_blank, blanks = blanks > 0, 0
        if is_numbering_row(row):
            continue
        merging = layout.continuation == "merge" and not follows_blank  # a split row follows its first part
        if _is_note(row) and hierarchy_column is None and not (merging and not _starts_as_note(row)):
            continue
        if seen and _repeats_header(fit, row):
            continue  # a table continued on the next page repeats its header (seed 001)
        texts = [normalize_text(row[i]) for i in fit.columns.values() if i < len(row) and not is_blank(row[i])]
        if any(p.search(t) for p in layout.drop_rows for t in texts):
            continue
        fields: dict[str, Cell] = {}
        for name, position in fit.columns.items():
            raw = row[position] if position < len(row) else None
            cell, rule = parse_cell(layout, columns[name], raw, f"{get_column_letter(position + 1)}{number}")
            if rule:
                error(sheet.title, cell.address, name, raw, rule)
            if columns[name].fill_down:
                if cell.value is None:
                    cell = filled.get(name, cell)
                else:
                    filled[name] = cell
            fields[name] = cell
        measures = []
        for position, spec, block in fit.metrics:
            raw = row[position] if position < len(row) else None
            cell, rule = parse_cell(layout, spec, raw, f"{get_column_letter(position + 1)}{number}")
            if rule:
                error(sheet.title, cell.address, spec.field, raw, rule)
            measures.append((spec, block, cell))
        measures = without_participants(measures)
        if "municipality" in fields and fields["municipality"].value is not None:
            municipality_text = str(fields["municipality"].value)
        level = "school"
        if hierarchy_column is not None:
            name = clean_text(row[hierarchy_column]) if hierarchy_column < len(row) and not is_blank(
                row[hierarchy_column]) else ""
            level = _classify(layout, name, municipalities) if name else "other"
            if level == "municipality":
                municipality_text = name
                level = "municipality_total"
            elif level == "other":
                continue
        elif any(p.search(t) for p in layout.municipality_totals for t in texts):
            level = "municipality_total"
        elif fields.get(key) is None or fields[key].value is None:
            if merging and table.rows and table.rows[-1].sheet == sheet.title:
                merge_continuation(table.rows[-1], fields, key)
            continue
        seen = True
        table_row = TableRow(sheet.title, number, fields, measures, municipality_text)
        (table.rows if level == "school" else table.totals).append(table_row)


NO_PARTICIPANTS, PARTICIPANTS_UNKNOWN = "no_participants", "participants_unknown"


def without_participants(measures: list[tuple[ColumnSpec, str | None, Cell]]) -> list[tuple[ColumnSpec, str | None, Cell]]:
    """A mean, share or count beside zero or unknown participants (of its block: a subject) is unknown,
    never 0: a file that prints 0 or a mean where nobody took the subject says nothing of the school."""
    participants = {block: cell for spec, block, cell in measures if spec.field == "participants"}
    kept = []
    for spec, block, cell in measures:
        count = participants.get(block)
        if spec.field != "participants" and count is not None and cell.value is not None and not count.value:
            why = NO_PARTICIPANTS if count.value == 0 else PARTICIPANTS_UNKNOWN
            cell = Cell(cell.raw, None, cell.address, why)
        kept.append((spec, block, cell))
    return kept


def _repeats_header(fit: HeaderFit, row: tuple) -> bool:
    """A data row that repeats the header's texts in the columns the layout claims is never data."""
    bottom = fit.sheet.rows[fit.data_start - 1]
    claimed = [i for i in fit.columns.values() if i < len(bottom) and not is_blank(bottom[i])]
    return bool(claimed) and all(i < len(row) and fold(row[i]) == fold(bottom[i]) for i in claimed)


def merge_continuation(above: TableRow, fields: dict[str, Cell], key: str) -> None:
    """A row split over two pages: the part on the second page (its key cell empty) goes into the row
    above, text to text; a word broken by a hyphen at the page end ("дирек-" + "тор") is joined whole.
    Typed values (dates, counts) of the continuation fill only what the row above lacks."""
    for name, cell in fields.items():
        if name == key or cell.value is None:
            continue
        upper = above.fields.get(name)
        if upper is None or upper.value is None:
            above.fields[name] = cell
        elif isinstance(upper.value, str) and isinstance(cell.value, str):
            joined = join_split_text(upper.value, cell.value)
            above.fields[name] = Cell(join_split_text(str(upper.raw), str(cell.raw)), joined,
                                      f"{upper.address}+{cell.address}")


def join_split_text(first: str, second: str) -> str:
    first, second = first.rstrip(), second.lstrip()
    if re.search(r"[а-яёa-z]-$", first) and re.match(r"[а-яёa-z]", second):
        return first[:-1] + second
    return f"{first} {second}"


def _cross_check(table: Table, sheet: str, error) -> None:
    """A municipality total in the file must equal the sum of its schools read, for every count; when
    a school's value is suppressed the sum is unknown and nothing is compared."""
    totals = [t for t in table.totals if t.sheet == sheet]
    for total in totals:
        schools = [r for r in table.rows if r.sheet == sheet and r.municipality_text == total.municipality_text]
        if not schools:
            continue
        for spec, block, cell in total.measures:
            if spec.type != "count" or cell.value is None:
                continue
            values = [0.0 if c.placeholder == NO_PARTICIPANTS else c.value
                      for r in schools for s, b, c in r.measures if s.field == spec.field and b == block]
            if not values or any(v is None for v in values):
                continue
            if abs(sum(values) - cell.value) > 1e-9:
                where = f" ({block})" if block else ""
                error(sheet, cell.address, spec.field, cell.raw,
                      f"итог по МО «{total.municipality_text}»{where} в файле {cell.value:g}, а сумма по его школам "
                      f"{sum(values):g}: проверьте строки школ или итог")


def file_name_of(path: Path) -> str:
    return Path(path).stem.replace("_", " ")
