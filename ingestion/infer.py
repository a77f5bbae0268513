"""A draft layout for an export no layout knows (``shnor layouts infer FILE``): where the header is and
how high, the flattened column names, each column's guessed role (municipality, school, login, year,
counts, shares, means), a block of columns per subject, a sheet per year, the procedure and year named
in the title, and the total rows seen. The draft is YAML for an operator to review, name and commit
under ``ingestion/layouts/<kind>/`` (docs/layouts.md); nothing is read with it until then.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingestion.tables import flatten_header
from ingestion.workbook_source import SheetRows, load_table_source
from shnor_core.text import clean_text, is_blank, normalize_text

_KEY_ROLES = [  # (field, words that name it in a header), most specific first
    ("school_login", ("логин",)),
    ("school_code", ("код оо", "код организации")),
    ("municipality", ("муниципал", "район", "городской округ", "атe")),
    ("school", ("образовательн", "школ", "организац", "наименование")),
    ("year", ("год",)),
]
_EXACT_KEYS = {"мо": "municipality", "оо": "school", "год": "year"}
_METRICS = [  # (metric code, words in the header), most specific first
    ("score_81_100", ("81",)), ("score_100", ("100 балл", "стобалль")), ("below_minimum", ("не преодолел", "минимальн")),
    ("mean_score", ("средн",)), ("participants", ("участ", "сдавал", "кол-во уч", "количество уч")),
    ("mark_2_share", ("«2»",)), ("mark_3_share", ("«3»",)), ("mark_4_share", ("«4»",)), ("mark_5_share", ("«5»",)),
]
_PROCEDURES = {"ЕГЭ": ["егэ", "единый государственный экзамен"], "ОГЭ": ["огэ", "основной государственный экзамен"],
               "ВПР": ["впр", "всероссийские проверочные"]}


def _text_row(row: tuple) -> bool:
    values = [c for c in row if not is_blank(c)]
    return len(values) >= 2


def _numeric_share(row: tuple) -> float:
    values = [c for c in row if not is_blank(c)]
    if not values:
        return 0.0
    numbers = sum(1 for c in values if isinstance(c, (int, float)) or re.fullmatch(r"-?\d+([.,]\d+)?", str(c).strip()))
    return numbers / len(values)


def find_header(sheet: SheetRows, scan: int = 40) -> tuple[int, int, list[tuple[str, ...]]] | None:
    """The start, height and column names of the most likely header: one to three rows of text cells
    followed by a data row with numbers; the arrangement naming most columns wins."""
    width = max((len(r) for r in sheet.rows[:scan + 3]), default=0)
    best = None
    for start in range(min(scan, len(sheet.rows))):
        for height in (1, 2, 3):
            rows = sheet.rows[start:start + height]
            after = sheet.rows[start + height] if start + height < len(sheet.rows) else ()
            if len(rows) < height or not all(_text_row(r) for r in rows) or _numeric_share(after) < 0.3:
                continue
            if any(_numeric_share(r) > 0.5 and not all(len(str(c)) <= 2 for c in r if not is_blank(c)) for r in rows):
                continue
            names = flatten_header(sheet.rows, start, height, width)
            named = sum(1 for n in names if n)
            if best is None or named > best[0]:
                best = (named, start, height, names)
    return None if best is None else best[1:]


def _role(levels: tuple[str, ...]) -> str | None:
    text = normalize_text(" ".join(levels))
    if text in _EXACT_KEYS:
        return _EXACT_KEYS[text]
    return next((field for field, words in _KEY_ROLES if any(w in text for w in words)), None)


def _metric(name: str) -> tuple[str, str]:
    """A measure column's guessed code and type from its lowest header."""
    text = normalize_text(name)
    if text in {"2", "3", "4", "5"}:
        return f"mark_{text}_share", "percent"
    code = next((code for code, words in _METRICS if any(w in text for w in words)), None)
    kind = "percent" if ("%" in text or "доля" in text) else ("number" if "средн" in text else "count")
    return code or "", kind


def _title(sheet: SheetRows, start: int) -> str:
    return " ".join(clean_text(c) for row in sheet.rows[:start] for c in row if not is_blank(c))


def infer_layout(path: Path, name: str | None = None) -> str:
    """The draft layout of a file, as YAML text with comments for the operator."""
    path = Path(path)
    sheets = load_table_source(path)
    found = [(sheet, header) for sheet in sheets if (header := find_header(sheet)) is not None]
    if not found:
        raise ValueError(f"{path.name}: не найдена строка заголовка таблицы (строки текста над строками с числами)")
    sheet, (start, height, names) = found[0]
    columns, metrics, notes = {}, {}, []
    blocks: dict[str, set[str]] = {}
    for index, levels in enumerate(names):
        if not levels:
            continue
        role = None if _metric(levels[-1])[0] else _role(levels[-1:])
        if role and role not in columns:
            column = {"aliases": [levels[-1]], "match": "exact"}
            below = [r[index] if index < len(r) else None for r in sheet.rows[start + height:start + height + 40]]
            if role == "municipality" and any(is_blank(v) for v in below) and not all(is_blank(v) for v in below):
                column["fill_down"] = True
            if role in ("municipality", "school"):
                column["required"] = True
            if role == "year":
                column["type"] = "year"
            if role in ("school_login", "school_code"):
                column["type"] = "code"
            columns[role] = column
            continue
        code, kind = _metric(levels[-1])
        key = code or next((k for k, m in metrics.items() if levels[-1] in m["aliases"]), f"metric_{len(metrics) + 1}")
        if len(levels) > 1:
            blocks.setdefault(levels[-2], set()).add(key)
        if key not in metrics:
            metric = {"aliases": [levels[-1]], "type": kind}
            if kind == "percent":
                metric["scale"] = 0.01
            if levels[-1].strip() in {"2", "3", "4", "5"}:
                metric["match"] = "exact"
            if not code:
                notes.append(f"столбец «{' / '.join(levels)}»: показатель не узнан — дайте ему код ({key})")
            metrics[key] = metric
        elif metrics[key]["aliases"][0] != levels[-1] and levels[-1] not in metrics[key]["aliases"]:
            metrics[key]["aliases"].append(levels[-1])
    title = _title(sheet, start) + " " + path.stem
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
    per_year = len(sheets) > 1 and all(re.search(r"20\d\d", s.title) for s, _ in found)
    if metrics or per_year:
        facts["year"] = {"from": ["sheet", "title", "file_name"] if per_year else ["title", "file_name", "sheet"],
                         "pattern": "\\b(20\\d\\d)\\b", "required": True}
    if repeated_blocks:
        facts["subject"] = {"from": ["block"], "required": True}
    if procedures and set(procedures) <= {"ЕГЭ", "ОГЭ"}:
        facts["grade"] = {"from": [], "by": {"procedure": {"ЕГЭ": 11, "ОГЭ": 9}}}
    if facts:
        layout["facts"] = facts
    totals = _total_rows(sheet, start + height, [i for i, n in enumerate(names) if n and _role(n)])
    if totals:
        layout["rows"] = totals
    draft = yaml.safe_dump(layout, allow_unicode=True, sort_keys=False, width=110)
    header = [f"# Черновик макета для {path.name}: лист «{sheet.title}», заголовок — строки {start + 1}–{start + height}.",
              f"# Листов с такой таблицей: {len(found)}" + (" (лист на год)" if per_year else "") + "."]
    header += [f"# ПРОВЕРЬТЕ: {note}" for note in notes]
    return "\n".join(header) + "\n" + draft


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
