"""A report as plain blocks (headings, paragraphs, lists, tables, figures), so one text is written once
and rendered to .docx and to PDF alike. Cells are already formatted strings: numbers are formatted where
the report is composed, never in a renderer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reports.wording import headers, say, templates


@dataclass
class Heading:
    text: str
    level: int = 1
    numbered: bool = False  # a numbered section: «N. » is put before it in order (Document.number_sections)


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    ref: str | None = None  # the reference of the mart row its figures come from (``shnor explain``), printed small;
    # several references (a figure drawn from several rows) are separated by a space, as in Table.refs and Figure.ref


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False
    refs: list[str] | None = None  # per item: the reference of the mart row it words (``shnor explain``)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths; equal when None
    caption: str | None = None
    numeric: list[bool] | None = None  # right-aligned columns; None: those whose every cell is a number or «—»
    refs: list[str | None] | None = None  # per row: the reference(s) of the mart row(s) it shows (``shnor explain``)
    ref_column: int = 0  # the column whose cell the reference is printed under (a narrow first column: the next)

    def numeric_columns(self) -> list[bool]:
        if self.numeric is not None:
            return self.numeric
        columns = list(zip(*self.rows)) if self.rows else [() for _ in self.columns]
        return [bool(values) and all(_NUMBER.match(v) or v in ("—", "") for v in values)
                and any(_NUMBER.match(v) for v in values) for values in columns]


# "56 %", "7,3", "−0,25", "774 689", "12 из 44": what a cell holding a number looks like once formatted
_NUMBER = re.compile(r"^[−-]?\d[\d\u00a0 ]*(,\d+)?(\u00a0?%| %)?( из \d+)?$")


@dataclass
class Figure:
    image: Path | object  # a picture's file, or a reports.charts.Chart (its PNG path and what Typst draws)
    caption: str
    ref: str | None = None  # the reference(s) of the mart row(s) it draws, printed small under its caption

    @property
    def path(self) -> Path:
        return getattr(self.image, "path", self.image)

    @property
    def chart(self) -> dict | None:
        return getattr(self.image, "spec", None)


@dataclass
class Document:
    title: str
    subtitle: list[str]
    blocks: list = field(default_factory=list)
    footer: str = ""
    mark: str | None = None  # «демонстрационные данные» on every page when set
    author: str = ""  # the institution that issues it: the file's author (docx core properties, PDF metadata)

    def add(self, *blocks) -> Document:
        self.blocks.extend(blocks)
        return self

    def number_sections(self) -> Document:
        """Numbered sections get 1, 2, 3 … in the order they appear, so a section left out leaves no gap."""
        number = 0
        for block in self.blocks:
            if isinstance(block, Heading) and block.numbered:
                number += 1
                block.text = f"{number}. {_SECTION_NUMBER.sub('', block.text)}"
        return self

    def list_abbreviations(self) -> Document:
        """The abbreviations the document uses, spelled out in a table before its first section."""
        text = self.text()
        used = [[short, meaning] for short, meaning in abbreviations().items()
                if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w])", text)]
        if used:
            self.blocks[:0] = [Heading(say("common.abbreviations_heading")),
                               Table(headers("common.abbreviations_columns"), used, widths=[1, 5], numeric=[False, False])]
        return self

    def number_captions(self) -> Document:
        """Tables and figures numbered in the order they appear («Таблица 1.», «Рисунок 2.»), whoever wrote
        them and however they were numbered; appendix captions («Таблица П1.») keep their own."""
        counters = {"Таблица": 0, "Рисунок": 0}
        for block in self.blocks:
            if isinstance(block, (Table, Figure)) and block.caption:
                match = _CAPTION.match(block.caption)
                if match:
                    counters[match["kind"]] += 1
                    block.caption = f"{match['kind']} {counters[match['kind']]}. {block.caption[match.end():]}"
        return self

    def text(self) -> str:
        """Every character the document prints: what the PDF font must cover."""
        parts = [self.title, *self.subtitle, self.footer, self.mark or ""]
        for block in self.blocks:
            if isinstance(block, (Heading, Paragraph)):
                parts.append(block.text)
            elif isinstance(block, Bullets):
                parts.extend(block.items)
            elif isinstance(block, Table):
                parts.extend([*block.columns, *(cell for row in block.rows for cell in row), block.caption or ""])
            elif isinstance(block, Figure):
                parts.append(block.caption)
        return "\n".join(parts)


_CAPTION = re.compile(r"^(?P<kind>Таблица|Рисунок)(\s+\d+)?\.\s*")
_SECTION_NUMBER = re.compile(r"^\d+\.\s+")


def abbreviations() -> dict[str, str]:
    return {key.split(".", 1)[1]: text for key, text in templates().items() if key.startswith("abbreviations.")}


# One-letter words that must not end a line (a preposition or conjunction stays with the next word), and «№».
_SHORT_WORD = re.compile(r"(?<![\w\-])([ВвКкСсУуОоИиАаЯя]|№)[ \t]+(?=\S)")
_DASH = re.compile(r"[ \t]+(—)")


def keep_short_words(text: str) -> str:
    """Russian typography: a no-break space after «в, к, с, у, о, и, а, я» and «№», and before a dash, so none
    of them hangs at a line's end (a line never ends with «в» or starts with «—»)."""
    return _DASH.sub("\u00a0\\1", _SHORT_WORD.sub("\\1\u00a0", text))


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def percent(share: float | None, digits: int = 0) -> str:
    """0.563 → "56 %" (Russian typography: a no-break space before the sign, a comma for decimals)."""
    if _missing(share):
        return "—"
    return f"{share * 100:.{digits}f}".replace(".", ",") + "\u00a0%"


def number(value: float | None, digits: int = 1) -> str:
    """7.25 → "7,3"; 774689 → "774 689" (a no-break space between thousands); a minus sign, not a hyphen."""
    if _missing(value):
        return "—"
    text = f"{value:,.{digits}f}" if digits else f"{round(value):,d}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def count(value) -> str:
    """A count as a whole number: 2, never «2,0»; 12 345 with a no-break space."""
    return number(value, 0)


def ru_date(value) -> str:
    """2025-06-11 → "11.06.2025"."""
    return pd.Timestamp(value).strftime("%d.%m.%Y")
