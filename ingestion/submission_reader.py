"""Reader of a municipal monitoring workbook (the form of seed 004 and forms of the same kind).

The layout is found by text, never by fixed rows: the table header ("№ п/п", "Наименование…",
"Баллы…", "Количественные…"), section titles from the form catalogue, indicator numbers in the
number column and sub-items as the dash lines under their indicator. Cached values are read
(formulas are never evaluated). Parse problems become errors naming file, sheet, cell and rule;
range, completeness and duplicate rules belong to the GX suite ``raw_submission_values``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from ingestion.lineage import file_sha256
from ingestion.names import match_municipality, normalize_text
from ingestion.reference import Form, FormIndicator, Municipality, load_municipalities
from shnor.settings import DEMO_MARK

VALUE_COLUMNS = {
    "monitoring_id": "string",
    "form_id": "string",
    "municipality_oktmo": "string",
    "section_code": "string",
    "indicator_code": "string",
    "indicator_number": "int64",
    "item_number": "int64",
    "unit_label": "string",
    "kind": "string",
    "value": "float64",
    "raw_value": "string",
    "not_applicable": "bool",
    "source_file": "string",
    "source_sha256": "string",
    "source_sheet": "string",
    "source_row": "int64",
    "source_cell": "string",
}

_YES = {"да", "есть", "имеется", "+", "yes"}
_NO = {"нет", "отсутствует", "no"}
_NOT_APPLICABLE = {"*", "х", "x"}
_DASHES = ("-", "–", "—", "•")
_HEADER_SCAN_ROWS = 40


@dataclass
class CellError:
    """One reason a submission is refused, in words a municipal specialist can act on."""

    file: str
    sheet: str
    cell: str
    indicator: str
    value: str
    rule: str


@dataclass
class SubmissionRead:
    file: Path
    sha256: str
    monitoring_id: str
    form_id: str
    sheet: str | None
    municipality: Municipality | None
    municipality_text: str
    is_demo: bool
    rows: pd.DataFrame
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors

    def errors_as_dicts(self) -> list[dict[str, str]]:
        return [asdict(error) for error in self.errors]


def _fold(text: object) -> str:
    """Text reduced to letters and digits, for tolerant comparison of labels."""
    return re.sub(r"[^\w]", "", normalize_text(text))


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number_cell(value: object) -> int | None:
    """An indicator number as people write it: 3, 3.0, "3", "3.", " 3) "."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    match = re.fullmatch(r"\s*(\d{1,3})\s*[.)]?\s*", str(value))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ParsedValue:
    value: float | None
    not_applicable: bool = False
    error: str | None = None


def parse_value(raw: object, kind: str) -> ParsedValue:
    """One filled cell: 1, 0, "1,0", "0.0", "да", "нет", " 1 ", "*" (not applicable)."""
    if _is_blank(raw):
        return ParsedValue(None, error="значение не заполнено")
    if isinstance(raw, bool):
        return ParsedValue(float(raw))
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = normalize_text(raw)
        if text in _NOT_APPLICABLE:
            return ParsedValue(None, not_applicable=True)
        if text in _YES:
            return ParsedValue(1.0)
        if text in _NO:
            return ParsedValue(0.0)
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            expected = "0 или 1 (да/нет)" if kind == "presence" else "целое число"
            return ParsedValue(None, error=f"значение не является числом: ожидается {expected}")
    if kind == "count" and not number.is_integer():
        return ParsedValue(number, error="количество должно быть целым числом")
    return ParsedValue(number)


@dataclass
class _Layout:
    header_row: int
    number_col: int
    label_col: int
    presence_col: int
    count_col: int


def _find_layout(rows: list[tuple]) -> _Layout | None:
    for index, row in enumerate(rows):
        folded = [_fold(cell) for cell in row]
        presence = next((i for i, text in enumerate(folded) if text.startswith("балл")), None)
        count = next((i for i, text in enumerate(folded) if text.startswith("количеств")), None)
        if presence is None or count is None:
            continue
        number = next((i for i, text in enumerate(folded) if text.startswith("пп") or "№" in str(row[i] or "")), 0)
        label = next((i for i, text in enumerate(folded) if text.startswith("наименован")), number + 1)
        return _Layout(index, number, label, presence, count)
    return None


def _match_section(label: str, form: Form) -> str | None:
    folded = _fold(label)
    if len(folded) < 10:
        return None
    for section in form.sections.values():
        title = _fold(section.title)
        if folded == title or difflib.SequenceMatcher(None, folded, title).ratio() >= 0.85:
            return section.code
    return None


def _find_municipality_text(rows: list[tuple], stop: int) -> str:
    for row in rows[:stop]:
        for position, cell in enumerate(row):
            text = normalize_text(cell)
            if text.startswith("муниципальное образование") or text.startswith("муниципалитет"):
                _, _, after = str(cell).partition(":")
                if after.strip():
                    return after.strip()
                following = [c for c in row[position + 1:] if not _is_blank(c)]
                if following:
                    return str(following[0]).strip()
    return ""


def _has_demo_mark(rows: list[tuple], stop: int) -> bool:
    return any(DEMO_MARK in normalize_text(cell) for row in rows[:stop] for cell in row)


class _SectionReader:
    """Walks the table rows of one sheet and collects one record per catalogue item and occurrence."""

    def __init__(self, form: Form, layout: _Layout, sheet: str, add_error):
        self.form, self.layout, self.sheet, self.add_error = form, layout, sheet, add_error
        self.occurrences: list[tuple[str, list[dict]]] = []
        self.indicator: FormIndicator | None = None
        self.next_item = 0

    def _cell_name(self, row_number: int, column: int) -> str:
        return f"{get_column_letter(column + 1)}{row_number}"

    def _record(self, row: tuple, row_number: int, item_index: int) -> None:
        indicator = self.indicator
        item = indicator.items[item_index]
        column = self.layout.presence_col if indicator.kind == "presence" else self.layout.count_col
        raw = row[column] if column < len(row) else None
        cell = self._cell_name(row_number, column)
        parsed = parse_value(raw, indicator.kind)
        if parsed.error:
            self.add_error(self.sheet, cell, indicator.code, raw, parsed.error)
        self.occurrences[-1][1].append({
            "section_code": indicator.section_code,
            "indicator_code": indicator.code,
            "indicator_number": indicator.number,
            "item_number": item.item_number,
            "kind": indicator.kind,
            "value": parsed.value,
            "raw_value": None if raw is None else str(raw),
            "not_applicable": parsed.not_applicable,
            "source_sheet": self.sheet,
            "source_row": row_number,
            "source_cell": cell,
        })

    def feed(self, row: tuple, row_number: int) -> None:
        layout = self.layout
        label_raw = row[layout.label_col] if layout.label_col < len(row) else None
        label = normalize_text(label_raw)
        number = parse_number_cell(row[layout.number_col] if layout.number_col < len(row) else None)
        if number is None:
            section_code = _match_section(label or normalize_text(row[layout.number_col]), self.form)
            if section_code:
                self.occurrences.append((section_code, []))
                self.indicator = None
                return
        if not self.occurrences:
            return
        section = self.form.sections[self.occurrences[-1][0]]
        if number is not None:
            self.indicator = section.indicators.get(number)
            self.next_item = 0
            if self.indicator is None:
                self.add_error(self.sheet, self._cell_name(row_number, layout.number_col), f"№ {number}",
                               number, f"в разделе «{section.title}» нет показателя с таким номером")
            elif len(self.indicator.items) == 1 and not self.indicator.items[0].item_label:
                self._record(row, row_number, 0)
                self.next_item = 1
            return
        if self.indicator and label.startswith(_DASHES) and self.next_item < len(self.indicator.items):
            self._record(row, row_number, self.next_item)
            self.next_item += 1


def _merge_occurrences(occurrences, add_error, notes) -> list[dict]:
    """Keep each section once: an identical repeat is dropped, a conflicting repeat is an error."""
    first: dict[str, list[dict]] = {}
    for section_code, records in occurrences:
        if section_code not in first:
            first[section_code] = records
            continue
        kept = {(r["indicator_number"], r["item_number"]): r for r in first[section_code]}
        conflicts = [
            r for r in records
            if (r["indicator_number"], r["item_number"]) in kept
            and kept[(r["indicator_number"], r["item_number"])]["value"] != r["value"]
        ]
        for repeat in conflicts:
            original = kept[(repeat["indicator_number"], repeat["item_number"])]
            add_error(repeat["source_sheet"], repeat["source_cell"], repeat["indicator_code"], repeat["raw_value"],
                      f"раздел повторён с другим значением (в ячейке {original['source_cell']}: "
                      f"{original['raw_value']})")
        if not conflicts:
            notes.append(f"раздел «{section_code}» повторён в форме; повтор совпадает и учтён один раз")
    return [record for records in first.values() for record in records]


def read_submission(
    path: Path,
    form: Form,
    monitoring_id: str,
    municipalities: list[Municipality] | None = None,
    sha256: str | None = None,
) -> SubmissionRead:
    """Read one workbook into one row per catalogue item, with lineage, plus its errors."""
    path = Path(path)
    municipalities = municipalities if municipalities is not None else load_municipalities()
    errors: list[CellError] = []
    notes: list[str] = []

    def add_error(sheet, cell, indicator, value, rule):
        errors.append(CellError(path.name, sheet or "", cell, indicator, "" if value is None else str(value), rule))

    sha256 = sha256 or file_sha256(path)
    result = SubmissionRead(path, sha256, monitoring_id, form.form_id, None, None, "", False,
                            pd.DataFrame({c: pd.Series(dtype=t) for c, t in VALUE_COLUMNS.items()}), errors, notes)
    try:
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for non-workbooks; all mean "not readable"
        add_error("", "", "", "", f"файл не читается как книга Excel (.xlsx): {type(exc).__name__}")
        return result
    try:
        for sheet in workbook.worksheets:
            rows = [tuple(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
            layout = _find_layout(rows[:_HEADER_SCAN_ROWS])
            if layout is None:
                continue
            result.sheet = sheet.title
            result.municipality_text = _find_municipality_text(rows, layout.header_row)
            result.is_demo = _has_demo_mark(rows, layout.header_row)
            reader = _SectionReader(form, layout, sheet.title, add_error)
            for offset, row in enumerate(rows[layout.header_row + 1:], start=layout.header_row + 2):
                reader.feed(row, offset)
            records = _merge_occurrences(reader.occurrences, add_error, notes)
            break
        else:
            add_error("", "", "", "", "в книге не найдена таблица формы (строка заголовка «Баллы» / «Количественные показатели»)")
            return result
    finally:
        workbook.close()

    found = {(r["section_code"], r["indicator_number"], r["item_number"]) for r in records}
    for item in form.items():
        if (item.section_code, item.indicator_number, item.item_number) not in found:
            label = f" ({item.item_label})" if item.item_label else ""
            add_error(result.sheet, "", item.indicator_code, "",
                      f"в форме не найден подпункт {item.item_number}{label}")

    written_name = result.municipality_text or path.stem
    match = match_municipality(written_name, municipalities)
    if match.municipality is None and result.municipality_text:
        match = match_municipality(path.stem, municipalities)
    result.municipality = match.municipality
    if match.municipality is None:
        add_error(result.sheet, "", "", written_name,
                  "муниципальное образование не распознано ни в заголовке формы, ни в имени файла")

    frame = pd.DataFrame.from_records(records, columns=[c for c in VALUE_COLUMNS if c in (records[0] if records else {})])
    frame["monitoring_id"] = monitoring_id
    frame["form_id"] = form.form_id
    frame["municipality_oktmo"] = match.municipality.oktmo if match.municipality else None
    frame["unit_label"] = "МО"
    frame["source_file"] = path.name
    frame["source_sha256"] = sha256
    result.rows = frame.reindex(columns=list(VALUE_COLUMNS)).astype(VALUE_COLUMNS)
    return result
