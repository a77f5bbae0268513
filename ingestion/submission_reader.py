"""Reader of a monitoring workbook (the municipal form of seed 004, and forms of the same kind filled by
a municipality or by a school).

The layout is found by text, never by fixed rows: the table header ("№ п/п", "Наименование…",
"Баллы…", "Количественные…"), section titles from the form catalogue, indicator numbers in the
number column and sub-items as the dash lines under their indicator, matched to the catalogue by
their wording. It accepts our templates (metadata in a hidden sheet) and the form as people fill it
by hand: renamed sheets, blank and stray rows, merged cells, notes in extra columns, values typed
as "1,0", "да", " 1 ", a section printed twice, two sub-items typed in one row, and a column per
unit (per ШНОР or per mentor) under "Баллы". Parse problems become errors naming file, sheet, cell
and rule; range and duplicate rules belong to the GX suite ``raw_submission_values``.

A school-level form (``level`` school in its catalogue) is read the same way and names its school: by
the school code in our template's hidden sheet, else by the code or name written in its header
(«Образовательная организация: МБОУ СОШ № 5»), matched to the registry by ``SchoolMatcher`` within the
municipality the header names — a name that does not match with certainty is refused with its
candidates, never guessed.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from ingestion.cells import BLANK_RULE, parse_number_cell, parse_value
from ingestion.people import person_id
from ingestion.school_names import SchoolMatcher
from ingestion.workbook_source import SheetRows, load_sheets, read_meta
from shnor_core.demo import mentions_demo
from shnor_core.lineage import file_sha256
from shnor_core.names import match_municipality
from shnor_core.reference import Form, FormIndicator, Municipality, get_monitoring, load_calendar, load_municipalities
from shnor_core.safety import UnsafeWorkbook
from shnor_core.source_read import CellError, SourceRead, empty_frame, typed_frame
from shnor_core.sources import PEOPLE_COLUMNS, SUBMISSION, SUBMISSION_COLUMNS, TEMPLATE_META_SHEET
from shnor_core.text import clean_text, fold, is_blank, normalize_text, typed_number

WHOLE_MUNICIPALITY = "МО"
_DASHES = ("-", "–", "—", "•")
_SEGMENT_SPLIT = re.compile(r";\s*[-–—]\s*")
_HEADER_SCAN_ROWS = 40
# A form has a known size: its catalogue's sections, indicators and sub-items, each a row or two, printed
# twice at most (seed 004 reprints a section), with notes and blank rows around. A sheet of more rows than
# FORM_ROWS_PER_LINE × those lines + FORM_EXTRA_ROWS (or more cells than FORM_COLUMNS columns of them) is
# not a filled form: it is refused before it is parsed, so it never keeps the window busy.
FORM_ROWS_PER_LINE = 4
FORM_EXTRA_ROWS = 100
FORM_COLUMNS = 64


def form_bounds(form: Form) -> tuple[int, int]:
    """The most rows and cells a sheet of this form can hold."""
    lines = len(form.sections) + sum(len(s.indicators) for s in form.sections.values()) + len(form.items())
    rows = FORM_ROWS_PER_LINE * lines + FORM_EXTRA_ROWS
    return rows, rows * FORM_COLUMNS


@dataclass
class _Layout:
    header_row: int
    number_col: int
    label_col: int
    count_col: int
    unit_cols: list[tuple[int, str]]  # presence value columns: (column, unit label)
    first_data_row: int
    absent: tuple[str, ...] = ()  # the form's columns the header lacks, each with what stands in for it


_POINTS_IN_PARENS = re.compile(r"\(\s*балл\w*\s*\)", re.IGNORECASE)  # "МБОУ СОШ №5 (баллы)"
_POINTS = re.compile(r"балл\w*\s*(\([^)]*\))?", re.IGNORECASE)  # "Баллы (наличие-1, отсутствие -0)", "Баллы:"
_SEPARATORS = "\t :;,-–—"
_YES_NO = {"да", "нет", "х", "x", "*"}


def _unit_label(text: object) -> str:
    """The unit a value column scores, from its header: "Баллы: МБОУ СОШ № 5", "МБОУ СОШ №5 (баллы)",
    "5 (баллы)"; "" for the plain "Баллы (наличие-1, отсутствие -0)" of a form scored as a whole."""
    label = _POINTS.sub(" ", _POINTS_IN_PARENS.sub(" ", "" if is_blank(text) else clean_text(text)))
    return " ".join(label.split()).strip(_SEPARATORS)


def _is_unit_name(value: object) -> bool:
    """A unit's name in a header row (a school, a mentor, "№ 5"), not a value typed in a data row."""
    text = "" if is_blank(value) else clean_text(value)
    if not text or normalize_text(text) in _YES_NO:
        return False
    return bool(re.search(r"[A-Za-zА-Яа-яЁё]", text)) or bool(re.fullmatch(r"№\s*\d{1,4}", text))


def _header_at(rows: list[tuple], index: int) -> _Layout | None:
    """The form's header in row ``index``, if it is one: recognised by enough known columns — a "Баллы"
    column with the "Количественные показатели" column, or with both the number ("№ п/п") and the name
    ("Наименование…") columns (a form, or a school's block of it, with one value column for every indicator)."""
    row = rows[index]
    folded = [fold(cell) for cell in row]
    count = next((i for i, text in enumerate(folded) if text.startswith("количеств")), None)
    points = [i for i, text in enumerate(folded) if i != count and (
        text.startswith("балл") or "(балл" in normalize_text(row[i]))]  # "Баллы…", "МБОУ СОШ №5 (баллы)"
    numbered = next((i for i, text in enumerate(folded) if text.startswith("пп") or "№" in str(row[i] or "")), None)
    named = next((i for i, text in enumerate(folded) if text.startswith("наименован")), None)
    if not points or (count is None and (numbered is None or named is None)):
        return None
    number = numbered or 0
    label = named if named is not None else number + 1
    absent = tuple(what for what, missing in (
        ("«Количественные показатели» (количества прочитаны из столбца «Баллы»)", count is None),
        (f"«№ п/п» (номера прочитаны из столбца {get_column_letter(number + 1)})", numbered is None),
        (f"«Наименование…» (названия прочитаны из столбца {get_column_letter(label + 1)})", named is None)) if missing)
    above = rows[index - 1] if index > 0 else ()
    below = rows[index + 1] if index + 1 < len(rows) else ()
    start = min(points)
    end = count if count is not None and count > start else max(len(row), len(below))
    count = points[0] if count is None else count  # one value column: counts are typed in it too
    typed_below = [(c, below[c]) for c in range(start, min(end, len(below))) if not is_blank(below[c])]
    if len(points) == 1 and typed_below and all(_is_unit_name(v) for _, v in typed_below):
        units = [(c, _unit_label(v)) for c, v in typed_below]  # a row of unit names under one "Баллы"
        return _Layout(index, number, label, count, units, index + 2, absent)
    units = []
    for column in points:
        unit = _unit_label(row[column])
        if not unit and len(points) > 1 and column < len(above) and _is_unit_name(above[column]):
            unit = _unit_label(above[column])  # the unit written above "баллы"
        units.append((column, unit))
    if len(units) == 1 and not units[0][1]:
        units = [(units[0][0], WHOLE_MUNICIPALITY)]
    else:
        units = [(column, unit or f"единица {n}") for n, (column, unit) in enumerate(units, start=1)]
    return _Layout(index, number, label, count, units, index + 1, absent)


def find_form_table(rows: list[tuple]) -> _Layout | None:
    """Where the form's table starts in a sheet and which columns hold values of which unit.

    The header row is recognised by its known columns (``_header_at``). A form scored as a whole has one
    "Баллы" column; a form with a column per unit (a ШНОР, a mentor) names the unit in the "Баллы" cell itself
    (``Баллы: МБОУ СОШ № 5``, ``МБОУ СОШ №5 (баллы)``), above it (a two-row header with the unit over
    "баллы"), or in a row of unit names under one merged "Баллы".
    """
    for index in range(min(_HEADER_SCAN_ROWS, len(rows))):
        layout = _header_at(rows, index)
        if layout is not None:
            return layout
    return None


_BLOCK_TITLE_ROWS = 3  # how far above a block's header its unit (the school) is looked for


def form_blocks(rows: list[tuple], first: _Layout) -> list[tuple[_Layout, int]]:
    """The form's blocks: one, or — a form with a block per school, each under its own header — each block's
    header and the row its block ends at. A block's unit is named in its "Баллы" cell or in the text row
    just above its header («МБОУ СОШ № 5», «Образовательная организация: МБОУ СОШ № 5»)."""
    later = [layout for index in range(first.first_data_row, len(rows)) if (layout := _header_at(rows, index)) is not None]
    # a header repeated without a unit of its own is the table continued on the next page, not a block
    headers = [first] + [h for h in later if _block_unit(rows, h.header_row) or h.unit_cols[0][1] != WHOLE_MUNICIPALITY]
    if len(headers) == 1:
        return [(first, len(rows))]
    blocks = []
    for position, header in enumerate(headers):
        end = headers[position + 1].header_row if position + 1 < len(headers) else len(rows)
        unit = _block_unit(rows, header.header_row)
        if len(header.unit_cols) == 1 and header.unit_cols[0][1] == WHOLE_MUNICIPALITY:
            header = replace(header, unit_cols=[(header.unit_cols[0][0], unit or f"единица {position + 1}")])
        blocks.append((header, end - _title_rows_above(rows, end) if position + 1 < len(headers) else end))
    return blocks


def _title_rows_above(rows: list[tuple], header_row: int) -> int:
    """How many text rows of one cell (a block's title) sit right above a header."""
    count = 0
    while count < _BLOCK_TITLE_ROWS and header_row - count - 1 >= 0:
        values = [c for c in rows[header_row - count - 1] if not is_blank(c)]
        if len(values) != 1 or not _is_unit_name(values[0]):
            break
        count += 1
    return count


def _block_unit(rows: list[tuple], header_row: int) -> str:
    for offset in range(1, _title_rows_above(rows, header_row) + 1):
        text = clean_text(next(c for c in rows[header_row - offset] if not is_blank(c)))
        label, colon, after = text.partition(":")
        return after.strip() if colon and after.strip() else text
    return ""


@lru_cache(maxsize=65536)
def _similarity(folded: str, other: str) -> float:
    """difflib's ratio, remembered: every municipality's form repeats the same template wording."""
    return difflib.SequenceMatcher(None, folded, other).ratio()


def _match_section(label: str, form: Form) -> str | None:
    folded = fold(label)
    if len(folded) < 10:
        return None
    for section in form.sections.values():
        title = fold(section.title)
        if folded == title or _similarity(folded, title) >= 0.85:
            return section.code
    return None


def _find_header_text(rows: list[tuple], stop: int, labels: tuple[str, ...]) -> str:
    """The value written after a header label ("Муниципальное образование: …" or in the next cell)."""
    for row in rows[:stop]:
        for position, cell in enumerate(row):
            text = normalize_text(cell)
            if text.startswith(labels):
                _, _, after = str(cell).partition(":")
                if after.strip():
                    return after.strip()
                following = [c for c in row[position + 1:] if not is_blank(c)]
                if following:
                    return str(following[0]).strip()
    return ""


def _find_municipality_text(rows: list[tuple], stop: int) -> str:
    return _find_header_text(rows, stop, ("муниципальное образование", "муниципалитет"))


_SCHOOL_LABELS = ("образовательная организация", "общеобразовательная организация", "наименование оо", "школа:", "оо:")
_SCHOOL_CODE_LABELS = ("код оо", "код образовательной организации")


_PERIOD_LABELS = ("период проведения", "период:")


@lru_cache(maxsize=8)
def _form_windows(form_id: str) -> dict[tuple[str, str], str]:
    """The calendar's windows of a form by their (open, close) days."""
    return {(m.window_open, m.window_close): m.monitoring_id for m in load_calendar().values() if m.form_id == form_id}
_DAY = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def _names_other_window(sheets: list[SheetRows], meta: dict, form: Form,
                        monitoring_id: str) -> tuple[str, str, str, str, str] | None:
    """(sheet, cell, indicator, value, rule) when the workbook says it is another window's form: the template's
    hidden record of its window, else the period its header shows (the dates of another window of the same form
    in the calendar). A form that names no window is read for the window it was handed in to."""
    if not monitoring_id:
        return None
    written = meta.get("monitoring_id")
    if written and written != monitoring_id:
        cell = next((f"B{number}" for sheet in sheets if sheet.title == TEMPLATE_META_SHEET
                     for number, row in enumerate(sheet.rows, start=1)
                     if row and str(row[0]).strip() == "monitoring_id"), "")
        return (TEMPLATE_META_SHEET, cell, "", written,
                f"файл — шаблон окна «{written}», а сдан в окно «{monitoring_id}» (окно шаблона записано на его "
                f"скрытом служебном листе): заполните шаблон окна «{monitoring_id}»; форму окна «{written}» положите "
                f"в папку landing/submissions/{written}/ (поздняя форма учитывается в своём окне)")
    for sheet in sheets:
        if not sheet.visible:
            continue
        for number, row in enumerate(sheet.rows[:_HEADER_SCAN_ROWS], start=1):
            for position, cell in enumerate(row):
                if not normalize_text(cell).startswith(_PERIOD_LABELS):
                    continue
                shown = next(((c, str(value)) for c, value in enumerate(row)
                              if c >= position and len(_DAY.findall(str(value))) == 2), None)
                if shown is None:
                    continue
                days = tuple(f"{y}-{m}-{d}" for d, m, y in _DAY.findall(shown[1]))
                named = _form_windows(form.form_id).get(days)
                if named and named != monitoring_id:
                    return (sheet.title, f"{get_column_letter(shown[0] + 1)}{number}", "", shown[1],
                            f"период формы «{shown[1]}» — окно «{named}», а файл сдан в окно «{monitoring_id}»: "
                            f"заполните форму окна «{monitoring_id}»; форму окна «{named}» положите в папку "
                            f"landing/submissions/{named}/ (поздняя форма учитывается в своём окне)")
    return None


class _SectionReader:
    """Walks one sheet's table rows and collects one record per catalogue item, unit and occurrence."""

    def __init__(self, form: Form, layout: _Layout, sheet: str, add_error, notes: list[str],
                 counts_optional: bool = False):
        self.form, self.layout, self.sheet, self.add_error, self.notes = form, layout, sheet, add_error, notes
        self.counts_optional = counts_optional  # a later school block: the municipality's counts may be left blank
        self.occurrences: list[tuple[str, list[dict]]] = []
        self.indicator: FormIndicator | None = None
        self.assigned: set[int] = set()

    def _value_cells(self, row: tuple, row_number: int) -> list[tuple[str, object, str]]:
        """(unit, raw value, cell) for the current indicator's value columns in this row."""
        if self.indicator.kind == "count":
            columns = [(self.layout.count_col, WHOLE_MUNICIPALITY)]
        else:
            columns = self.layout.unit_cols
        return [(unit, row[c] if c < len(row) else None, f"{get_column_letter(c + 1)}{row_number}") for c, unit in columns]

    def _append(self, item_number: int, unit: str, value, raw, not_applicable: bool, cell: str, row_number: int):
        indicator = self.indicator
        self.occurrences[-1][1].append({
            "section_code": indicator.section_code, "indicator_code": indicator.code,
            "indicator_number": indicator.number, "item_number": item_number, "unit_label": unit,
            "kind": indicator.kind, "value": value, "raw_value": None if raw is None else str(raw),
            "not_applicable": not_applicable, "source_sheet": self.sheet, "source_row": row_number,
            "source_cell": cell,
        })

    def _record(self, row: tuple, row_number: int, item_numbers: list[int]) -> None:
        for unit, raw, cell in self._value_cells(row, row_number):
            if self.counts_optional and self.indicator.kind == "count" and is_blank(raw):
                continue
            parsed = parse_value(raw, self.indicator.kind)
            if parsed.error:
                self.add_error(self.sheet, cell, self.indicator.code, raw, parsed.error)
            if len(item_numbers) == 1:
                self._append(item_numbers[0], unit, parsed.value, raw, parsed.not_applicable, cell, row_number)
                continue
            # Several sub-items typed in one row share one cell: it holds how many of them are present.
            present = parsed.value
            if not parsed.error and not parsed.not_applicable and not (
                    present is not None and float(present).is_integer() and 0 <= present <= len(item_numbers)):
                self.add_error(self.sheet, cell, self.indicator.code, raw,
                               f"в строке {len(item_numbers)} подпункта: ожидается число от 0 до {len(item_numbers)}")
                present = None
            for position, number in enumerate(item_numbers):
                value = None if present is None else float(position < present)
                self._append(number, unit, value, raw, parsed.not_applicable, cell, row_number)

    def _items_for_line(self, label: str) -> list[int]:
        """Catalogue sub-items named by a dash line, matched by wording, else the next in order."""
        segments = [s for s in _SEGMENT_SPLIT.split(label.lstrip("".join(_DASHES) + " ")) if fold(s)]
        numbers = []
        for segment in segments or [label]:
            free = [item for item in self.indicator.items if item.item_number not in self.assigned]
            if not free:
                break
            scored = [(_similarity(fold(segment), fold(item.item_label)), item) for item in free]
            ratio, best = max(scored, key=lambda pair: pair[0])
            chosen = best if ratio >= 0.6 else free[0]
            self.assigned.add(chosen.item_number)
            numbers.append(chosen.item_number)
        return numbers

    def feed(self, row: tuple, row_number: int) -> None:
        layout = self.layout
        label_raw = row[layout.label_col] if layout.label_col < len(row) else None
        label = normalize_text(label_raw)
        number_cell = row[layout.number_col] if layout.number_col < len(row) else None
        number = parse_number_cell(number_cell)
        if number is None:
            section_code = _match_section(label or normalize_text(number_cell), self.form)
            if section_code:
                self.occurrences.append((section_code, []))
                self.indicator = None
                return
        if not self.occurrences:
            return
        section = self.form.sections[self.occurrences[-1][0]]
        if number is not None:
            self.indicator = section.indicators.get(number)
            self.assigned = set()
            if self.indicator is None:
                self.add_error(self.sheet, f"{get_column_letter(layout.number_col + 1)}{row_number}", f"№ {number}",
                               number, f"в разделе «{section.title}» нет показателя с таким номером")
            elif len(self.indicator.items) == 1 and not self.indicator.items[0].item_label:
                self.assigned.add(1)
                self._record(row, row_number, [1])
            return
        if self.indicator and label.startswith(_DASHES) and len(self.assigned) < len(self.indicator.items):
            self._record(row, row_number, self._items_for_line(label))


def _merge_blocks(kept: list[dict], block: list[dict], add_error) -> list[dict]:
    """A school's block added to the blocks before it: its units' values, and the municipality's counts once
    (a count typed in two blocks with different values is an error naming both cells)."""
    counts = {(r["indicator_code"], r["item_number"]): r for r in kept if r["unit_label"] == WHOLE_MUNICIPALITY}
    for record in block:
        earlier = counts.get((record["indicator_code"], record["item_number"]))
        if record["unit_label"] != WHOLE_MUNICIPALITY or earlier is None:
            kept.append(record)
        elif earlier["value"] != record["value"]:
            add_error(record["source_sheet"], record["source_cell"], record["indicator_code"], record["raw_value"],
                      f"количественный показатель указан в двух блоках по-разному: {earlier['source_cell']} — "
                      f"{earlier['raw_value']}, {record['source_cell']} — {record['raw_value']}")
    return kept


def _merge_occurrences(occurrences, add_error, notes) -> list[dict]:
    """Keep each section once. A repeat adds the indicators the first copy lacks (seed 004's first
    МНЦ copy stops at indicator 4; its reprint goes on to 6); where both copies hold an indicator,
    the same values are read once and different values are an error.

    Copies are compared by each indicator's sum per unit, since a reprint may type two sub-items in
    one row where the first copy has them in two.
    """
    first: dict[str, list[dict]] = {}

    def by_indicator(records):
        grouped = defaultdict(list)
        for r in records:
            grouped[(r["indicator_code"], r["unit_label"])].append(r)
        return grouped

    for section_code, records in occurrences:
        if section_code not in first:
            first[section_code] = list(records)
            continue
        kept = by_indicator(first[section_code])
        conflicts = 0
        for key, repeat in by_indicator(records).items():
            if key not in kept:
                first[section_code].extend(repeat)
                continue
            kept_sum = sum(r["value"] or 0.0 for r in kept[key])
            repeat_sum = sum(r["value"] or 0.0 for r in repeat)
            if kept_sum != repeat_sum:
                conflicts += 1
                add_error(repeat[0]["source_sheet"], repeat[0]["source_cell"], repeat[0]["indicator_code"],
                          repeat[0]["raw_value"],
                          f"раздел повторён с другим значением (в первом экземпляре, начиная с ячейки "
                          f"{kept[key][0]['source_cell']}, сумма {kept_sum:g}, в повторе {repeat_sum:g})")
        if not conflicts:
            notes.append(f"раздел «{section_code}» повторён в форме; совпадающие показатели учтены один раз")
    return [record for records in first.values() for record in records]


def _not_read(sheets: list[SheetRows], picked: SheetRows, layout: _Layout, file_name: str) -> list[CellError]:
    """What the form's reader leaves aside, said rather than dropped in silence: every other visible sheet that
    holds anything (our template's hidden sheet is read for its metadata) and the form's columns its header
    lacks, with the column read in their place."""
    notes = [CellError(file_name, s.title, "", "лист", "", f"лист не прочитан: таблица формы — на листе «{picked.title}»")
             for s in sheets if s is not picked and s.visible and any(not is_blank(c) for row in s.rows for c in row)]
    if layout.absent:
        notes.append(CellError(file_name, picked.title, f"строка {layout.header_row + 1}", "столбцы", "",
                               f"в шапке формы не найдены столбцы {'; '.join(layout.absent)}"))
    return notes


def _pick_table_sheet(sheets: list[SheetRows]) -> tuple[SheetRows, _Layout] | None:
    for sheet in sorted(sheets, key=lambda s: not s.visible):
        layout = find_form_table(sheet.rows)
        if layout is not None:
            return sheet, layout
    return None


def read_submission(
    path: Path,
    form: Form,
    monitoring_id: str,
    municipalities: list[Municipality] | None = None,
    sha256: str | None = None,
    pseudonym_key: bytes | None = None,
    schools: SchoolMatcher | None = None,
) -> SourceRead:
    """Read one workbook into one row per catalogue item and unit, with lineage, plus its errors. A
    school-level form's school is matched against ``schools`` (the region's registry)."""
    path = Path(path)
    if municipalities is None:
        municipalities = load_municipalities(get_monitoring(monitoring_id).region_code)
    errors: list[CellError] = []
    notes: list[str] = []

    def add_error(sheet, cell, indicator, value, rule):
        errors.append(CellError(path.name, sheet or "", cell, indicator, typed_number(value), rule))

    result = SourceRead(path, sha256 or file_sha256(path), SUBMISSION.name, empty_frame(SUBMISSION_COLUMNS),
                        layout=f"form:{form.form_id}", errors=errors, notes=notes, monitoring_id=monitoring_id)
    try:
        max_rows, max_cells = form_bounds(form)
        sheets = load_sheets(path, max_rows, max_cells, what=f"в форме «{form.form_id}»")
    except UnsafeWorkbook as refusal:
        add_error("", "", "", "", str(refusal))
        result.unreadable = True
        return result
    except Exception as exc:  # parsers raise many types for broken files; all mean "not readable"
        add_error("", "", "", "", f"файл не читается как книга Excel: {type(exc).__name__}")
        result.unreadable = True
        return result

    meta = read_meta(sheets)
    result.details = dict(meta)  # what our template's hidden sheet says: form, monitoring, municipality, version
    if meta.get("form_id") and meta["form_id"] != form.form_id:
        add_error("", "", "", meta["form_id"], f"файл заполнен по другой форме: ожидается «{form.form_id}»")
        return result
    other_window = _names_other_window(sheets, meta, form, monitoring_id)
    if other_window is not None:
        add_error(*other_window)
        return result
    picked = _pick_table_sheet(sheets)
    if picked is None:
        add_error("", "", "", "", "в книге не найдена таблица формы (строка заголовка «Баллы» / «Количественные показатели»)")
        return result
    sheet, layout = picked
    result.not_read = _not_read(sheets, sheet, layout, path.name)
    blocks, people = [], []
    for block, end in form_blocks(sheet.rows, layout):
        block, named = _pseudonymise_units(block, result.sha256, pseudonym_key, len(people))
        blocks.append((block, end))
        people += named
    if people:
        result.people = typed_frame(people, PEOPLE_COLUMNS)
    municipality_text = _find_municipality_text(sheet.rows, layout.header_row)
    result.details.update(sheet=sheet.title, municipality_text=municipality_text)
    result.is_demo = mentions_demo(c for row in sheet.rows[:layout.header_row] for c in row)
    records = []
    for position, (block, end) in enumerate(blocks):
        reader = _SectionReader(form, block, sheet.title, add_error, notes, counts_optional=position > 0)
        for row_number, row in enumerate(sheet.rows[block.first_data_row:end], start=block.first_data_row + 1):
            reader.feed(row, row_number)
        records = _merge_blocks(records, _merge_occurrences(reader.occurrences, add_error, notes), add_error)
    if len(blocks) > 1:
        notes.append(f"форма из {len(blocks)} блоков со своей шапкой: "
                     f"{', '.join(unit for block, _ in blocks for _, unit in block.unit_cols)}")

    found = {(r["section_code"], r["indicator_number"], r["item_number"]) for r in records}
    for item in form.items():
        if (item.section_code, item.indicator_number, item.item_number) not in found:
            label = f" ({item.item_label})" if item.item_label else ""
            add_error(sheet.title, "", item.indicator_code, "", f"в форме не найден подпункт {item.item_number}{label}")

    _explain_uncached_formulas(path, sheet.title, errors)
    if form.level == "school":
        school_text = _find_header_text(sheet.rows, layout.header_row, _SCHOOL_LABELS)
        code_text = _find_header_text(sheet.rows, layout.header_row, _SCHOOL_CODE_LABELS)
        result.details.update(school_text=school_text)
        result.school_code, result.municipality = _resolve_school(
            meta, school_text, code_text, municipality_text, sheet.title, path, municipalities,
            schools or SchoolMatcher([]), add_error, result.unmatched)
    else:
        result.municipality = _resolve_municipality(meta, municipality_text, sheet.title, path, municipalities, add_error)
    oktmo = result.municipality.oktmo if result.municipality else None
    result.rows = typed_frame([{**record, "monitoring_id": monitoring_id, "form_id": form.form_id, "source_file": path.name,
                                "source_sha256": result.sha256, "municipality_oktmo": oktmo,
                                "school_code": result.school_code} for record in records],
                              SUBMISSION_COLUMNS)
    return result


def _explain_uncached_formulas(path: Path, sheet_title: str, errors: list[CellError]) -> None:
    """A "blank" cell may hold a formula that no spreadsheet program ever calculated (no cached value).

    Formulas are never evaluated here; the person is told to recalculate and save instead.
    """
    blanks = [e for e in errors if e.rule == BLANK_RULE and e.cell]
    if not blanks or path.suffix.lower() == ".xls":
        return
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        sheet = workbook[sheet_title]
        for error in blanks:
            formula = sheet[error.cell].value
            if isinstance(formula, str) and formula.startswith("="):
                error.value = formula
                error.rule = ("в ячейке формула без вычисленного значения: откройте файл в Excel, "
                              "пересчитайте и сохраните, либо введите число")
    finally:
        workbook.close()


def _resolve_municipality(meta: dict, municipality_text: str, sheet: str, path: Path, municipalities,
                          add_error) -> Municipality | None:
    """The template's hidden metadata first, then the form's header, the sheet's name, the file name.
    A name that none of them settles is refused with the closest municipalities, never guessed."""
    by_code = {m.oktmo: m for m in municipalities}
    if meta.get("municipality_oktmo") in by_code:
        return by_code[meta["municipality_oktmo"]]
    closest: tuple[str, ...] = ()
    for written in (municipality_text, sheet, path.stem):
        match = match_municipality(written, municipalities) if written else None
        if match and match.municipality:
            return match.municipality
        closest = closest or (match.candidates if match else ())
    hint = f"; ближе всего: {', '.join(closest)}" if closest else ""
    add_error(sheet, "", "", municipality_text or path.stem,
              "муниципальное образование не распознано ни в заголовке формы, ни в имени листа или файла" + hint)
    return None


def _resolve_school(meta: dict, school_text: str, code_text: str, municipality_text: str, sheet: str, path: Path,
                    municipalities, schools: SchoolMatcher, add_error, review: list[dict]):
    """(school code, municipality) of a school-level form: the template's hidden school code first, then the
    code written in the header, then the name matched within the municipality the header names. Anything
    short of a sure match is refused and left for review with its candidates."""
    by_oktmo = {m.oktmo: m for m in municipalities}
    for code in (meta.get("school_code"), code_text.strip()):
        if code and code in schools.by_code and schools.by_code[code].municipality_oktmo in by_oktmo:
            school = schools.by_code[code]
            return school.code, by_oktmo[school.municipality_oktmo]
    if meta.get("school_code"):
        add_error(sheet, "", "", meta["school_code"], "кода школы из шаблона нет в реестре школ региона")
        return None, None
    if not school_text:
        add_error(sheet, "", "", "", "в заголовке формы не указана образовательная организация "
                                     "(строка «Образовательная организация: …» или «Код ОО: …»)")
        return None, None
    match = match_municipality(municipality_text, municipalities) if municipality_text else None
    oktmo = match.municipality.oktmo if match and match.municipality else None
    where = {"source_file": path.name, "source_sheet": sheet, "source_row": 0}
    code, score = schools.resolve(school_text, oktmo, where, review)
    if code is None or score < 1.0:
        found = schools.match(school_text, oktmo)
        hint = f"; ближе всего: {', '.join(found.candidates)}" if found.candidates else ""
        add_error(sheet, "", "", school_text, f"образовательная организация не сопоставлена с реестром однозначно "
                                              f"({found.reason}){hint}")
        return None, None
    school = schools.by_code[code]
    return code, by_oktmo.get(school.municipality_oktmo)


_PERSON = re.compile(r"^(?:(?P<role>(?i:наставник|тьютор|куратор))\w*\s*[:\-–—]?\s*)?"
                     r"(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+(?:[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+|[А-ЯЁ]\.\s?[А-ЯЁ]\.))$")


def _pseudonymise_units(layout: _Layout, sha256: str, key: bytes | None,
                        numbered: int = 0) -> tuple[_Layout, list[dict]]:
    """Units named by a person (a mentor's full name in a column header) are personal data: they are
    numbered ("Наставник 1"; after the ``numbered`` people of earlier blocks) and their names handed on for
    the restricted schema only."""
    units, people = [], []
    for column, unit in layout.unit_cols:
        person = _PERSON.match(unit)
        if person is None:
            units.append((column, unit))
            continue
        role = (person["role"] or "наставник").lower()
        units.append((column, f"{role.capitalize()} {numbered + len(people) + 1}"))
        people.append({"person_id": person_id(person["name"], key), "full_name": person["name"], "position": role,
                       "source_sha256": sha256})
    return replace(layout, unit_cols=units), people
