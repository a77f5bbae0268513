"""A report as plain blocks (headings, paragraphs, lists, tables, figures), so one text is written once
and rendered to .docx and to PDF alike. Cells are already formatted strings: numbers are formatted where
the report is composed, never in a renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    bold: bool = False


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths; equal when None
    caption: str | None = None


@dataclass
class Figure:
    path: Path
    caption: str


@dataclass
class Document:
    title: str
    subtitle: list[str]
    blocks: list = field(default_factory=list)
    footer: str = ""
    mark: str | None = None  # «демонстрационные данные» on every page when set

    def add(self, *blocks) -> Document:
        self.blocks.extend(blocks)
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


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def percent(share: float | None, digits: int = 0) -> str:
    """0.563 → "56 %" (Russian typography: a space before the sign, a comma for decimals)."""
    if _missing(share):
        return "—"
    return f"{share * 100:.{digits}f}".replace(".", ",") + " %"


def number(value: float | None, digits: int = 1) -> str:
    """7.25 → "7,3"; 774689 → "774 689" (a no-break space between thousands); a minus sign, not a hyphen."""
    if _missing(value):
        return "—"
    text = f"{value:,.{digits}f}" if digits else f"{round(value):,d}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def ru_date(value) -> str:
    """2025-06-11 → "11.06.2025"."""
    return pd.Timestamp(value).strftime("%d.%m.%Y")
