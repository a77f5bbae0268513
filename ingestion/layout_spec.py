"""Source layouts as data: ``ingestion/layouts/<kind>/<layout>.yaml``, one file per export a region or a
federal system publishes. A layout says how to find the table (header rows below any title rows, a
multi-row header flattened), which columns are which (aliases and patterns), what to fill down, which
rows to drop or keep as totals, what placeholders mean, where the procedure, year, subject and grade
come from, and how a block of columns per subject unpivots. ``docs/layouts.md`` documents the format;
``ingestion/layouts/_defaults.yaml`` holds the thresholds every layout inherits.

Adding a region's export needs a new layout file and a small test fixture, no Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

import yaml

from shnor_core.sources import SOURCE_KINDS
from shnor_core.text import normalize_text

LAYOUTS_DIR = Path(__file__).resolve().parent / "layouts"
ENGINES = {"table", "form_catalogue", "oo1_sections", "student_results"}
FIELD_TYPES = {"text", "code", "count", "number", "percent", "share", "year", "bool", "list_kind", "role", "date",
               "choice"}
CONTINUATIONS = {"skip", "merge"}
PLACEHOLDER_MEANINGS = {"suppressed", "unknown", "none", "zero"}
FACT_SOURCES = {"title", "sheet", "file_name", "block", "column"}


class LayoutError(ValueError):
    """A layout file that cannot be used: the message names the file and the key."""


_NUMBERING = re.compile(r"^\s*\d+(\.\d+)*[.)]\s+")
_UNITS = re.compile(r"\b(чел|человек|ед|шт)\b\.?")
_NOT_WORD = re.compile(r"[^\w]")
# A unit written after a comma or in brackets: «Русский язык, чел.», «Доля (%)», «Средний балл, баллов»
_UNIT_SUFFIX = re.compile(r"\s*(,\s*|\(\s*|\bв\s+)(чел\.?|человек|%|процент\w*|балл\w*|ед\.?|шт\.?)\s*\)?\s*$",
                          re.IGNORECASE)
# A remark in brackets after what a header names: «География, чел. (в т.ч. участвовавшие в 2022 году)»
_REMARK_SUFFIX = re.compile(r"\s*\(\s*(в\s*т\.?\s*ч\.?|в\s+том\s+числе|включая|кроме|без\s+учёта|без\s+учета)[^()]*\)?\s*$",
                            re.IGNORECASE)


def strip_units(text: str) -> str:
    """A header text without the unit written after a comma or in brackets, and without a remark in brackets
    after it, for what it names (a subject in a block title): «Русский язык, чел.» → «Русский язык»,
    «География, чел. (в т.ч. участвовавшие в 2022 году)» → «География»."""
    previous = None
    while previous != text:
        previous = text
        text = _UNIT_SUFFIX.sub("", _REMARK_SUFFIX.sub("", text)).strip()
    return text


@lru_cache(maxsize=200_000)
def header_key(text: object) -> str:
    """A header cell reduced for comparison: case, ё/е, spaces, line breaks, punctuation, numbering and
    units ("чел.", "человек", "ед.") ignored; "%" kept as a word, since it tells a share from a count.
    Remembered: detection compares every layout's aliases with the same few header texts many times."""
    value = normalize_text(text)
    value = _NUMBERING.sub("", value)  # "1. ", "2) "
    value = value.replace("%", " процент ")
    value = _UNITS.sub(" ", value)
    return _NOT_WORD.sub("", value)


_MAX_ANSWERS = 1 << 14  # header texts remembered per column


@lru_cache(maxsize=1 << 16)
def _folded(text: object) -> str:
    return normalize_text(text)


@dataclass(frozen=True)
class ColumnSpec:
    """A column the layout knows: the field it fills, the header texts that name it."""

    field: str
    aliases: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    type: str = "text"
    required: bool = False
    fill_down: bool = False
    resolve: bool = True  # municipality/school: matched against the reference (False: kept as written)
    match: str = "start"  # "exact" | "start" (the header starts with an alias) | "contains"
    scale: float = 1.0  # e.g. 0.01: percent in the file, share in the warehouse
    value_pattern: re.Pattern | None = None  # the part of the cell to keep (its first group)
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # type choice: code → words naming it, first match wins
    otherwise: str | None = None  # type choice: the code of a non-blank text no choice names (None: an error)
    # a column known by its values when its heading is none of the aliases (logins «sch…» in the ВПР names)
    values_match: re.Pattern | None = None

    @cached_property
    def alias_keys(self) -> tuple[str, ...]:
        return tuple(header_key(alias) for alias in self.aliases)

    @cached_property
    def _answers(self) -> dict[str, bool]:
        return {}

    def matches(self, name: str) -> bool:
        """Whether a header text names this column (remembered per text: detection asks every column of every
        layout about the same few header texts at every header position it tries)."""
        answers = self._answers
        answer = answers.get(name)
        if answer is None:
            if len(answers) >= _MAX_ANSWERS:  # a long-running reader (the upload page) sees ever new texts
                answers.clear()
            answer = answers[name] = self._matches(name)
        return answer

    def _matches(self, name: str) -> bool:
        if self.patterns and any(p.search(_folded(name)) for p in self.patterns):
            return True  # before the key: a pattern may name a header of signs only ("№")
        key = header_key(name)
        if not key:
            return False
        if self.match == "exact":
            return key in self.alias_keys
        if self.match == "start":
            return key.startswith(self.alias_keys)
        return any(wanted in key for wanted in self.alias_keys)


@dataclass(frozen=True)
class FactSpec:
    """Where a fact of the whole file or sheet comes from (procedure, year, subject, grade, list kind)."""

    name: str
    sources: tuple[str, ...]
    patterns: tuple[re.Pattern, ...] = ()  # tried in order on each source; the first group that matched
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # value → words that name it
    default: object = None
    by: tuple[str, tuple[tuple[str, object], ...]] | None = None  # derived from another fact: grade by procedure
    required: bool = False
    last: bool = False  # take the last match ("2015-2016" → 2016)
    capitalize: bool = False  # "математика" → "Математика"


@dataclass(frozen=True)
class Placeholder:
    text: str
    meaning: str
    why: str


@dataclass(frozen=True)
class HierarchySpec:
    """Region → municipality → school rows nested in one name column (ФИС ОКО): a school row is
    recognised by its login or its kind and number, a municipality row by the reference's names."""

    column: str
    school_pattern: re.Pattern | None


@dataclass(frozen=True)
class Layout:
    name: str
    kind: str
    title: str
    engine: str
    path: Path
    formats: tuple[str, ...] = ("xlsx", "xls")
    description: str = ""
    sheet_include: re.Pattern | None = None
    sheet_exclude: re.Pattern | None = None
    header_levels: tuple[int, ...] = (1,)
    header_scan_rows: int = 40
    columns: tuple[ColumnSpec, ...] = ()
    columns_from: str = ""  # a catalogue of columns (oo1_flat: forms/context/oo1_flat.csv)
    metrics: tuple[ColumnSpec, ...] = ()  # measure columns, unpivoted into one row per metric
    block_fact: str = ""  # the fact a measure block's upper header names (subject)
    facts: tuple[FactSpec, ...] = ()
    constants: tuple[tuple[str, object], ...] = ()
    drop_rows: tuple[re.Pattern, ...] = ()  # dropped unchecked (region totals: a file may hold part of a region)
    municipality_totals: tuple[re.Pattern, ...] = ()  # kept aside: the sum of its schools must equal them
    hierarchy: HierarchySpec | None = None
    placeholders: tuple[Placeholder, ...] = ()
    signature: tuple[re.Pattern, ...] = ()  # text in the title rows that speaks for this layout
    stop_after_blank_rows: int = 3
    # a row whose key cell is empty but other cells are not: "skip" it, or "merge" its texts into the row
    # above (a row split over two pages, seed 001)
    continuation: str = "skip"
    review_share: float = 0.5
    list_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    settings: dict = field(default_factory=dict, compare=False, hash=False)

    def placeholder(self, value: object) -> Placeholder | None:
        text = normalize_text(value)
        return next((p for p in self.placeholders if p.text == text), None)

    @property
    def required_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)


def _patterns(values, where: str) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(v, re.IGNORECASE) for v in (values or []))
    except re.error as error:
        raise LayoutError(f"{where}: неверное регулярное выражение: {error}") from error


def _column(field_name: str, spec: dict, where: str) -> ColumnSpec:
    if isinstance(spec, list):
        spec = {"aliases": spec}
    unknown = set(spec) - {"aliases", "patterns", "type", "required", "fill_down", "resolve", "match", "scale",
                           "value_pattern", "choices", "otherwise", "values_match"}
    if unknown:
        raise LayoutError(f"{where}: столбец «{field_name}»: неизвестные ключи {sorted(unknown)}")
    kind = spec.get("type", "text")
    if kind not in FIELD_TYPES:
        raise LayoutError(f"{where}: столбец «{field_name}»: неизвестный тип «{kind}» (допустимо: {sorted(FIELD_TYPES)})")
    if not spec.get("aliases") and not spec.get("patterns"):
        raise LayoutError(f"{where}: столбец «{field_name}»: нужны aliases или patterns")
    if kind == "choice" and not spec.get("choices"):
        raise LayoutError(f"{where}: столбец «{field_name}»: для типа choice нужны choices (код → слова)")
    value_pattern = spec.get("value_pattern")
    choices = tuple((code, tuple(words)) for code, words in (spec.get("choices") or {}).items())
    return ColumnSpec(field_name, tuple(spec.get("aliases") or ()), _patterns(spec.get("patterns"), where), kind,
                      bool(spec.get("required", False)), bool(spec.get("fill_down", False)),
                      bool(spec.get("resolve", True)), spec.get("match", "start"), float(spec.get("scale", 1.0)),
                      re.compile(value_pattern, re.IGNORECASE) if value_pattern else None, choices,
                      spec.get("otherwise"), _patterns([spec["values_match"]], where)[0] if spec.get("values_match") else None)


def _fact(name: str, spec: dict, where: str) -> FactSpec:
    sources = tuple(spec.get("from", ()))
    if set(sources) - FACT_SOURCES:
        raise LayoutError(f"{where}: факт «{name}»: неизвестные источники {sorted(set(sources) - FACT_SOURCES)}")
    unknown = set(spec) - {"from", "pattern", "values", "default", "by", "required", "last", "capitalize"}
    if unknown:
        raise LayoutError(f"{where}: факт «{name}»: неизвестные ключи {sorted(unknown)}")
    pattern = spec.get("pattern")
    by = spec.get("by")
    if by:
        ((other, mapping),) = by.items()
        by = (other, tuple(mapping.items()))
    values = tuple((value, tuple(words)) for value, words in (spec.get("values") or {}).items())
    patterns = _patterns([pattern] if isinstance(pattern, str) else pattern, f"{where}: факт «{name}»")
    return FactSpec(name, sources, patterns, values, spec.get("default"), by, bool(spec.get("required", False)),
                    bool(spec.get("last", False)), bool(spec.get("capitalize", False)))


@cache
def _defaults() -> dict:
    return yaml.safe_load((LAYOUTS_DIR / "_defaults.yaml").read_text(encoding="utf-8"))


def parse_layout(path: Path, data: dict | None = None) -> Layout:
    """One layout file into a Layout; any mistake in it is a LayoutError naming the file and key."""
    path = Path(path)
    where = str(path.relative_to(LAYOUTS_DIR.parent.parent)) if path.is_relative_to(LAYOUTS_DIR.parent.parent) \
        else path.name
    if data is None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise LayoutError(f"{where}: не YAML: {error}") from error
    defaults = _defaults()
    known = {"layout", "kind", "title", "description", "engine", "formats", "sheets", "header", "columns",
             "columns_from", "measures", "facts", "constants", "rows", "hierarchy", "placeholders", "signature",
             "review", "list_kinds", "roles", "settings"}
    if set(data) - known:
        raise LayoutError(f"{where}: неизвестные ключи {sorted(set(data) - known)}")
    for key in ("layout", "kind", "title"):
        if not data.get(key):
            raise LayoutError(f"{where}: не задан ключ «{key}»")
    if data["kind"] not in SOURCE_KINDS:
        raise LayoutError(f"{where}: неизвестный вид источника «{data['kind']}» (допустимо: {sorted(SOURCE_KINDS)})")
    engine = data.get("engine", "table")
    if engine not in ENGINES:
        raise LayoutError(f"{where}: неизвестный движок «{engine}»")
    sheets = data.get("sheets") or {}
    header = data.get("header") or {}
    rows = data.get("rows") or {}
    measures = data.get("measures") or {}
    levels = header.get("levels", 1)
    placeholders = []
    for text, spec in {**defaults["placeholders"], **(data.get("placeholders") or {})}.items():
        meaning, why = (spec, "") if isinstance(spec, str) else (spec.get("meaning"), spec.get("why", ""))
        if meaning not in PLACEHOLDER_MEANINGS:
            raise LayoutError(f"{where}: заполнитель «{text}»: неизвестное значение «{meaning}»")
        placeholders.append(Placeholder(normalize_text(text), meaning, why))
    hierarchy = data.get("hierarchy")
    words = {"list_kind": data.get("list_kinds") or {}, "role": data.get("roles") or {}}
    facts = []
    for name, spec in (data.get("facts") or {}).items():
        if name in words and not spec.get("values") and not spec.get("pattern"):
            spec = {**spec, "values": words[name]}  # a list kind or role named in the title, sheet or file name
        facts.append(_fact(name, spec, where))
    review = {**defaults["review"], **(data.get("review") or {})}
    continuation = rows.get("continuation", "skip")
    if continuation not in CONTINUATIONS:
        raise LayoutError(f"{where}: rows.continuation: «{continuation}» (допустимо: {sorted(CONTINUATIONS)})")
    return Layout(
        name=data["layout"], kind=data["kind"], title=data["title"], engine=engine, path=path,
        formats=tuple(data.get("formats", ("xlsx", "xls"))), description=data.get("description", ""),
        sheet_include=re.compile(sheets["include"], re.IGNORECASE) if sheets.get("include") else None,
        sheet_exclude=re.compile(sheets["exclude"], re.IGNORECASE) if sheets.get("exclude") else None,
        header_levels=tuple(levels) if isinstance(levels, list) else (int(levels),),
        header_scan_rows=int(header.get("scan_rows", defaults["header"]["scan_rows"])),
        columns=tuple(_column(name, spec, where) for name, spec in (data.get("columns") or {}).items()),
        columns_from=data.get("columns_from", ""),
        metrics=tuple(_column(name, spec, where) for name, spec in (measures.get("metrics") or {}).items()),
        block_fact=measures.get("block", ""),
        facts=tuple(facts),
        constants=tuple((data.get("constants") or {}).items()),
        drop_rows=_patterns(rows.get("drop"), where),
        municipality_totals=_patterns(rows.get("municipality_totals"), where),
        hierarchy=HierarchySpec(hierarchy["column"], re.compile(hierarchy["school_pattern"], re.IGNORECASE)
                                if hierarchy.get("school_pattern") else None) if hierarchy else None,
        placeholders=tuple(placeholders), signature=_patterns(data.get("signature"), where),
        stop_after_blank_rows=int(rows.get("stop_after_blank_rows", defaults["rows"]["stop_after_blank_rows"])),
        continuation=continuation,
        review_share=float(review["unresolved_share"]),
        list_kinds=tuple((code, tuple(words)) for code, words in (data.get("list_kinds") or {}).items()),
        roles=tuple((code, tuple(words)) for code, words in (data.get("roles") or {}).items()),
        settings=data.get("settings") or {},
    )


def detection_margin() -> float:
    """Two layouts whose scores differ by less than this fit a file equally well: evidence outside the
    columns decides, or the file is refused as ambiguous (``_defaults.yaml``, ``detection.margin``)."""
    return float(_defaults()["detection"]["margin"])


def applications_pattern() -> re.Pattern:
    """A sheet of applications (who will sit an exam), not of results: never read as results."""
    return re.compile(_defaults()["sheets"]["applications"], re.IGNORECASE)


@cache
def load_layouts(folder: Path = LAYOUTS_DIR) -> tuple[Layout, ...]:
    """Every layout file under ``folder`` (``<kind>/<layout>.yaml``); names are unique."""
    layouts, seen = [], {}
    for path in sorted(Path(folder).glob("*/*.yaml")):
        layout = parse_layout(path)
        if layout.name in seen:
            raise LayoutError(f"{path.name}: макет «{layout.name}» уже описан в {seen[layout.name]}")
        if path.parent.name != layout.kind:
            raise LayoutError(f"{path.name}: лежит в папке «{path.parent.name}», а вид источника «{layout.kind}»")
        seen[layout.name] = path.name
        layouts.append(layout)
    return tuple(layouts)


def layout_named(name: str) -> Layout:
    for layout in load_layouts():
        if layout.name == name:
            return layout
    raise KeyError(f"Макет «{name}» не описан в ingestion/layouts/")
