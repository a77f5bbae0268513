"""A draft layout for an export no layout knows (``shnor layouts infer FILE``).

The draft is made from the sheet that looks most like data (most rows with numbers under a recognisable
header; a sheet of applications is never it), proposes each column's role from its heading's words and from
its values (counts are whole and ≥ 0, shares lie in 0–100 and those of marks sum to 100, means lie within
their scale, logins and codes follow their pattern), and marks every guess with its evidence. It is then run
against the file, so the operator sees what it would read — schools, municipalities, participants per year
and subject, what it leaves unread — before naming it and committing it under ``ingestion/layouts/<kind>/``
(docs/layouts.md). Nothing is loaded with a draft until then.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl.utils import get_column_letter

from ingestion.context import ReadContext
from ingestion.detect import read_summary
from ingestion.layout_spec import LayoutError, parse_layout, strip_units
from ingestion.school_names import SchoolMatcher
from ingestion.table_reader import read_with_layout
from ingestion.tables import flatten_header, is_applications, is_numbering_row
from ingestion.workbook_source import SheetRows, load_table_source
from shnor_core.reference import load_municipalities
from shnor_core.text import clean_text, is_blank, normalize_text

_KEY_ROLES = [  # (field, words that name it in a header), most specific first
    ("school_login", ("логин",)),
    ("school_ogrn", ("огрн",)),
    ("school_code", ("код оо", "код организации", "код образовательной")),
    ("municipality", ("муниципал", "район", "городской округ")),
    ("school", ("образовательн", "школ", "организац", "наименование")),
    ("year", ("год",)),
]
_EXACT_KEYS = {"мо": "municipality", "ате": "municipality", "оо": "school", "год": "year"}
_METRICS = [  # (metric code, words in the header), most specific first
    ("score_81_100", ("81",)), ("score_100", ("100 балл", "стобалль")), ("below_minimum", ("не преодолел", "минимальн")),
    ("participants", ("участ", "сдавал", "кол-во уч", "количество уч")),
]
# a mean: "средний балл", "средняя отметка", "средний тестовый балл" — never "среднего общего образования"
_MEAN = re.compile(r"средн\w*\s+(\w+\s+)?(балл|отметк|оценк)")
_LOGIN = re.compile(r"^\(?sch\d{4,}\b", re.IGNORECASE)
_CODE = re.compile(r"^\d{6,15}$")
_MARKS = ("2", "3", "4", "5")
_SHARES_TOLERANCE = 1.5  # percentage points a row of rounded shares may miss 100 by
_SAMPLE_ROWS = 500  # data rows looked at for the values' shape
_PROCEDURES = {"ЕГЭ": ["егэ", "единый государственный экзамен"], "ОГЭ": ["огэ", "основной государственный экзамен"],
               "ВПР": ["впр", "всероссийские проверочные"]}


def _text_row(row: tuple) -> bool:
    values = [c for c in row if not is_blank(c)]
    return len(values) >= 2


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or bool(
        re.fullmatch(r"-?\d+([.,]\d+)?", str(value).strip()))


def _numeric_share(row: tuple) -> float:
    values = [c for c in row if not is_blank(c)]
    if not values:
        return 0.0
    return sum(1 for c in values if _is_number(c)) / len(values)


def find_header(sheet: SheetRows, scan: int = 40) -> tuple[int, int, list[tuple[str, ...]]] | None:
    """The start, height and column names of the most likely header: one to three rows of text cells
    (a row of column numbers is never one of them) followed by a data row with numbers; the arrangement
    naming most columns wins."""
    width = max((len(r) for r in sheet.rows[:scan + 3]), default=0)
    best = None
    for start in range(min(scan, len(sheet.rows))):
        for height in (1, 2, 3):
            rows = sheet.rows[start:start + height]
            below = start + height
            while below < len(sheet.rows) and is_numbering_row(sheet.rows[below]):
                below += 1
            after = sheet.rows[below] if below < len(sheet.rows) else ()
            if len(rows) < height or not all(_text_row(r) for r in rows) or _numeric_share(after) < 0.3:
                continue
            if any(is_numbering_row(r) or _numeric_share(r) > 0.5 and not all(
                    len(str(c)) <= 2 for c in r if not is_blank(c)) for r in rows):
                continue
            names = flatten_header(sheet.rows, start, height, width)
            named = sum(1 for n in names if n)
            if best is None or named > best[0]:
                best = (named, start, height, names)
    return None if best is None else best[1:]


def _data_rows(sheet: SheetRows, first: int) -> list[tuple]:
    return [r for r in sheet.rows[first:first + _SAMPLE_ROWS] if any(not is_blank(c) for c in r)
            and not is_numbering_row(r)]


def _numeric_rows(sheet: SheetRows, first: int) -> int:
    """Rows with two or more numbers under the header: how much a sheet looks like data."""
    return sum(1 for r in _data_rows(sheet, first) if sum(1 for c in r if not is_blank(c) and _is_number(c)) >= 2)


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else float(str(value).strip().replace(",", "."))


@dataclass
class Guess:
    column: str  # the column's letter
    header: str
    field: str
    kind: str
    evidence: str


@dataclass
class Draft:
    """A draft layout, the evidence of each guess, and what it reads when run against its file."""

    layout: dict
    sheet: str
    guesses: list[Guess] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sheets not drafted from, with why
    notes: list[str] = field(default_factory=list)  # what the operator must decide
    summary: dict = field(default_factory=dict)  # what the draft reads from the file (``read_summary``)
    problems: list[str] = field(default_factory=list)  # the draft's read errors and what it left unread
    text: str = ""


def _values(rows: list[tuple], index: int) -> list[object]:
    return [r[index] for r in rows if index < len(r) and not is_blank(r[index])]


def _value_shape(values: list[object]) -> tuple[str, str]:
    """What a column's values look like: ("login" | "code" | "count" | "share" | "mean_mark" | "mean" |
    "number" | "text" | "", evidence)."""
    if not values:
        return "", "значений нет"
    strings = [str(v).strip() for v in values]
    if sum(1 for s in strings if _LOGIN.search(s)) > len(values) / 2:
        return "login", f"логины вида sch… в {sum(1 for s in strings if _LOGIN.search(s))} строках из {len(values)}"
    numbers = []
    for value in values:
        try:
            numbers.append(_number(value))
        except ValueError:
            continue
    if len(numbers) <= len(values) / 2:
        return "text", f"текст в {len(values) - len(numbers)} строках из {len(values)}"
    if all(_CODE.match(s) for s in strings) and len({len(s) for s in strings}) == 1:
        return "code", f"коды из {len(strings[0])} цифр"
    low, high = min(numbers), max(numbers)
    span = f"от {low:g} до {high:g}"
    if all(n.is_integer() and n >= 0 for n in numbers):
        return "count", f"целые ≥ 0 ({span}) в {len(numbers)} строках"
    if 0 <= low and high <= 5:
        return "mean_mark", f"дробные {span}: в пределах шкалы отметок 2–5"
    if 0 <= low and high <= 100:
        return "mean", f"дробные {span}: в пределах 0–100"
    return "number", f"числа {span}"


def _role(levels: tuple[str, ...]) -> tuple[str | None, str]:
    text = normalize_text(" ".join(levels))
    if text in _EXACT_KEYS:
        return _EXACT_KEYS[text], f"заголовок «{levels[-1]}»"
    for name, words in _KEY_ROLES:
        word = next((w for w in words if w in text), None)
        if word:
            return name, f"слово «{word}» в заголовке"
    return None, ""


def _metric(name: str, shape: str) -> tuple[str, str, str]:
    """A measure column's guessed code, type and evidence from its lowest header and its values' shape."""
    text = normalize_text(name)
    if _MEAN.search(text):
        return "mean_score", "number", f"«{_MEAN.search(text).group(0)}» в заголовке"
    percent = "%" in text or "доля" in text or "процент" in text
    code = next((code for code, words in _METRICS if any(w in text for w in words)), "")
    word = next((w for c, words in _METRICS if c == code for w in words if w in text), "")
    if code and not percent:
        return code, "count", f"«{word}» в заголовке"
    if code:
        return f"{code}_share", "percent", f"«{word}» и «%» в заголовке"
    if percent:
        return "", "percent", "«%» или «доля» в заголовке"
    kind = {"count": "count", "mean": "number", "mean_mark": "number", "number": "number"}.get(shape, "number")
    return "", kind, ""


def _mark_shares(rows: list[tuple], columns: dict[str, int]) -> bool | None:
    """Whether the columns headed «2», «3», «4», «5» hold shares of marks (each row sums to 100) — else counts."""
    if len(columns) < 4:
        return None
    sums = []
    for row in rows:
        cells = [row[i] if i < len(row) else None for i in columns.values()]
        try:
            sums.append(sum(_number(c) for c in cells))
        except (TypeError, ValueError):
            continue
    if not sums:
        return None
    return sum(1 for total in sums if abs(total - 100) <= _SHARES_TOLERANCE) > len(sums) / 2


def _years(values: list[object]) -> bool:
    try:
        return all(2000 <= _number(v) <= 2100 for v in values)
    except ValueError:
        return False


def _title(sheet: SheetRows, start: int) -> str:
    return " ".join(clean_text(c) for row in sheet.rows[:start] for c in row if not is_blank(c))


def _choose_sheet(sheets: list[SheetRows]) -> tuple[list[tuple[SheetRows, tuple]], list[str], tuple | None]:
    """Every sheet with a header, the sheets set aside with why, and the one most like data."""
    found, skipped = [], []
    for sheet in sheets:
        if sheet.title == "_meta":
            continue
        header = find_header(sheet)
        if is_applications(sheet, header[0] if header else None):
            skipped.append(f"лист «{sheet.title}»: заявления (заявки на участие), а не результаты")
        elif header is None:
            skipped.append(f"лист «{sheet.title}»: нет строки заголовка над строками с числами")
        else:
            found.append((sheet, header))
    if not found:
        return found, skipped, None
    ranked = sorted(found, key=lambda item: -_numeric_rows(item[0], item[1][0] + item[1][1]))
    best = ranked[0]
    for sheet, header in ranked[1:]:
        skipped.append(f"лист «{sheet.title}»: строк с числами {_numeric_rows(sheet, header[0] + header[1])} — "
                       f"меньше, чем на листе «{best[0].title}» ({_numeric_rows(best[0], best[1][0] + best[1][1])}); "
                       "такие же листы читаются тем же макетом")
    return found, skipped, best


def draft_layout(path: Path, name: str | None = None) -> Draft:
    """The draft layout of a file, each guess with its evidence, run against the file."""
    path = Path(path)
    sheets = load_table_source(path)
    found, skipped, chosen = _choose_sheet(sheets)
    if chosen is None:
        raise ValueError(f"{path.name}: не найдена строка заголовка таблицы (строки текста над строками с числами)"
                         + (f"; {'; '.join(skipped)}" if skipped else ""))
    sheet, (start, height, names) = chosen
    rows = _data_rows(sheet, start + height)
    columns, metrics, notes, guesses = {}, {}, [], []
    blocks: dict[str, set[str]] = {}
    marks = {levels[-1].strip(): i for i, levels in enumerate(names) if levels and levels[-1].strip() in _MARKS}
    mark_shares = _mark_shares(rows, marks)
    for index, levels in enumerate(names):
        if not levels:
            continue
        letter = get_column_letter(index + 1)
        shape, shape_evidence = _value_shape(_values(rows, index))
        role, role_evidence = _role(levels[-1:])
        if shape == "login":
            role, role_evidence = "school_login", "значения"
        if shape in ("count", "mean", "mean_mark", "number") and role in ("municipality", "school", "year") \
                and not (role == "year" and _years(_values(rows, index))):
            role = None  # "Количество образовательных организаций" is a count, not the school's name
        code, kind, metric_evidence = _metric(levels[-1], shape) if role is None else ("", "", "")
        if role and role not in columns:
            column = {"aliases": [levels[-1]], "match": "exact"}
            if role == "municipality" and any(is_blank(r[index] if index < len(r) else None) for r in rows) \
                    and _values(rows, index):
                column["fill_down"] = True
            if role in ("municipality", "school"):
                column["required"] = True
            if role == "year":
                column["type"] = "year"
            if role in ("school_login", "school_code", "school_ogrn"):
                column["type"] = "code"
            columns[role] = column
            guesses.append(Guess(letter, " / ".join(levels), role, column.get("type", "text"),
                                 f"{role_evidence}; {shape_evidence}"))
            continue
        if role or shape in ("text", ""):
            notes.append(f"столбец {letter} «{' / '.join(levels)}»: не показатель ({shape_evidence}) — не читается")
            continue
        mark = levels[-1].strip()
        if mark in marks:
            shares = mark_shares is not False
            code = f"mark_{mark}_share" if shares else f"mark_{mark}_count"
            kind = "percent" if shares else "count"
            metric_evidence = ("заголовок «" + mark + "»; " + ("доли отметок 2–5 в строке дают в сумме 100 %" if shares
                                                              else "значения в строке не дают 100 %: это числа"))
        if kind == "count" and shape not in ("count", ""):
            kind = "number"
            metric_evidence += f"; но значения не целые ({shape_evidence})"
        if code == "mean_score" and shape == "count":
            metric_evidence += "; значения целые — проверьте, средний ли это балл"
        key = code or next((k for k, m in metrics.items() if levels[-1] in m["aliases"]), f"metric_{len(metrics) + 1}")
        if len(levels) > 1:
            blocks.setdefault(strip_units(levels[-2]), set()).add(key)
        if key not in metrics:
            metric = {"aliases": [levels[-1]], "type": kind}
            if kind == "percent":
                metric["scale"] = 0.01
            if mark in marks:
                metric["match"] = "exact"
            if key == "participants":
                metric["required"] = True
            if not code:
                notes.append(f"столбец {letter} «{' / '.join(levels)}»: показатель не узнан — дайте ему код ({key})")
            metrics[key] = metric
            guesses.append(Guess(letter, " / ".join(levels), key, kind,
                                 "; ".join(e for e in (metric_evidence, shape_evidence) if e)))
        elif levels[-1] not in metrics[key]["aliases"]:
            metrics[key]["aliases"].append(levels[-1])
    title = _title(sheet, start) + " " + sheet.title + " " + path.stem
    layout: dict = {"layout": name or re.sub(r"\W+", "_", path.stem.lower()).strip("_"),
                    "kind": "assessment_results" if metrics else "school_lists",
                    "title": f"Черновик: {path.name}",
                    "description": "Черновик, предложенный shnor layouts infer: проверьте роли столбцов, коды "
                                   "показателей и факты, затем сохраните в ingestion/layouts/<вид>/.",
                    "formats": [path.suffix.lower().lstrip(".")],
                    "header": {"levels": [height]}, "columns": columns}
    # a block of columns per subject: two or more upper titles over the same measures
    repeated_blocks = [b for b, keys in blocks.items() if any(keys & other for o, other in blocks.items() if o != b)]
    if metrics:
        layout["measures"] = {"metrics": metrics}
        if repeated_blocks:
            layout["measures"]["block"] = "subject"
    facts = {}
    procedures = [p for p, words in _PROCEDURES.items() if any(w in normalize_text(title) for w in words)]
    if procedures:
        facts["procedure"] = {"from": ["title", "sheet", "file_name"], "values": {p: _PROCEDURES[p] for p in procedures},
                              "required": True}
    else:
        notes.append("процедура (ВПР, ОГЭ, ЕГЭ) не названа ни в заголовке, ни в именах листа и файла: "
                     "добавьте факт procedure или constants")
    with_tables = [s for s, _ in found]
    per_year = len(with_tables) > 1 and all(re.search(r"20\d\d", s.title) for s in with_tables)
    if metrics or per_year:
        facts["year"] = {"from": ["sheet", "title", "file_name"] if per_year else ["title", "file_name", "sheet"],
                         "pattern": "\\b(20\\d\\d)\\b", "required": True}
    if repeated_blocks:
        facts["subject"] = {"from": ["block"], "required": True}
    elif metrics and len(with_tables) > 1 and not per_year:
        facts["subject"] = {"from": ["sheet"], "pattern": "^\\s*([А-Яа-яЁё][А-Яа-яЁё ()-]*[А-Яа-яЁё)])\\s*$",
                            "required": True}
        notes.append("листов с таблицей несколько и не по годам: предмет взят из имени листа — проверьте")
    if procedures and set(procedures) <= {"ЕГЭ", "ОГЭ"}:
        facts["grade"] = {"from": [], "by": {"procedure": {"ЕГЭ": 11, "ОГЭ": 9}}}
    if facts:
        layout["facts"] = facts
    totals = _total_rows(sheet, start + height, [i for i, n in enumerate(names) if n and _role(n)[0]])
    if totals:
        layout["rows"] = totals
    draft = Draft(layout, sheet.title, guesses, skipped, notes)
    _try(draft, path, sheets)
    draft.text = _render(draft, path, start, height, len(found), per_year)
    return draft


def _try(draft: Draft, path: Path, sheets: list[SheetRows]) -> None:
    """Run the draft against its file: what it would read, and what it would refuse or leave unread."""
    try:
        layout = parse_layout(path.with_name(f"{draft.layout['layout']}.yaml"), draft.layout)
    except LayoutError as error:
        draft.problems.append(f"черновик не разбирается: {error}")
        return
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    read = read_with_layout(layout, path, sha, sheets, ReadContext(load_municipalities(), SchoolMatcher([])))
    draft.summary = read_summary(read)
    draft.problems += [f"ОШИБКА {e.sheet} {e.cell} [{e.indicator}]: {e.rule}" for e in read.errors[:10]]
    draft.problems += [f"НЕ ПРОЧИТАНО {n.sheet} {n.cell} [{n.indicator}]: {n.rule}" for n in read.not_read[:10]]


def _render(draft: Draft, path: Path, start: int, height: int, tables: int, per_year: bool) -> str:
    lines = [f"# Черновик макета для {path.name}: лист «{draft.sheet}» (больше всего строк с числами), "
             f"заголовок — строки {start + 1}–{start + height}.",
             f"# Листов с такой таблицей: {tables}" + (" (лист на год)" if per_year else "") + "."]
    lines += [f"# ПРОПУЩЕН {line}" for line in draft.skipped]
    lines += [f"# ДОГАДКА столбец {g.column} «{g.header}» → {g.field} ({g.kind}): {g.evidence}" for g in draft.guesses]
    lines += [f"# ПРОВЕРЬТЕ: {note}" for note in draft.notes]
    summary = draft.summary
    if summary:
        lines.append(f"# ПРОБНОЕ ЧТЕНИЕ: строк {summary['rows']}, школ {summary.get('schools', '—')}, "
                     f"муниципалитетов {summary.get('municipalities', '—')}")
        for group in summary.get("results", []):
            participants = "—" if group["participants"] is None else f"{group['participants']:g}"
            lines.append(f"#   {group['procedure'] or '?'} {group['year'] or '?'} {group['subject'] or '?'} "
                         f"(класс {group['grade'] or '?'}): школ {group['schools']}, участников {participants}")
    lines += [f"# {problem}" for problem in draft.problems]
    body = yaml.safe_dump(draft.layout, allow_unicode=True, sort_keys=False, width=110)
    return "\n".join(lines) + "\n" + body


def infer_layout(path: Path, name: str | None = None) -> str:
    """The draft layout of a file, as YAML text with its guesses, evidence and trial read as comments."""
    return draft_layout(path, name).text


def _total_rows(sheet: SheetRows, first: int, key_columns: list[int]) -> dict:
    """Patterns for the total rows seen in the key columns: a region's to drop, a municipality's to check."""
    texts = {normalize_text(row[i]) for row in sheet.rows[first:] for i in key_columns
             if i < len(row) and not is_blank(row[i])}
    rows = {}
    if any(re.match(r"(всего|итого)\b.*(регион|кра|республик|област)", t) for t in texts):
        rows["drop"] = ["^(всего|итого)\\b.*(регион|краю|край|республик|област)"]
    if any(re.match(r"(всего|итого)\b", t) and not re.search(r"регион|кра|республик|област", t) for t in texts):
        rows["municipality_totals"] = ["^(всего|итого)\\b"]
    return rows
