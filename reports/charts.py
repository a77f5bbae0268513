"""The notes' charts as data for Typst (``reports/typst/charts.typ``, the one style module): the PDF draws
them as vector graphics inline, the .docx takes a PNG of the same drawing, written beside the report in its
``charts`` folder. Here only positions (fractions of the plot's width) and formatted labels are computed;
each function returns a ``Chart`` for a ``document.Figure``; ``render`` writes the PNGs of many at once
(``docx_writer`` renders a document's before it is written). A zero is drawn as a thin stub, so a bar that is
absent reads as 0 %, not as missing data."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import typst

from reports.document import number, percent
from reports.pdf_writer import fonts
from reports.wording import say

ZERO_STUB = 0.006
DARK_CELL = 0.5  # a heatmap cell darker than this takes white digits (legibility, not a threshold of the data)
HEAT_MIDDLE = 0.5  # the share at the scale's middle (yellow) stop: a colour, not a threshold of the data
PPI = 150  # sharp enough in Word at the notes' 17 cm width
HEAT_STOPS = ("#d73027", "#fee08b", "#1a9850")  # red → yellow → green, low → high share
SHARE_TICKS = [{"x": step / 5, "label": percent(step / 5)} for step in range(6)]


@dataclass
class Chart:
    path: Path  # its PNG (the .docx's picture), written by ``render``
    spec: dict  # what charts.typ draws
    drawn: bool = False  # its PNG written


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(str(Path(__file__).parent / "typst" / "chart.typ"), font_paths=fonts(), ignore_system_fonts=True)


def _draw(path: Path, spec: dict) -> Chart:
    """A chart to draw: the PDF draws it inline, its PNG waits for ``render`` (many charts at once)."""
    return Chart(path, spec)


def render(charts: list[Chart]) -> None:
    """The PNGs of the charts not yet drawn, in one Typst compile (a page each, the same pixels as one compile per
    chart): a compile's set-up cost a third of a chart's PNG."""
    pending = [chart for chart in charts if not chart.drawn]
    if not pending:
        return
    pages = _compiler().compile(format="png", ppi=PPI, sys_inputs={
        "charts": json.dumps([chart.spec for chart in pending], ensure_ascii=False)})
    for chart, png in zip(pending, pages if isinstance(pages, list) else [pages], strict=True):
        chart.path.parent.mkdir(parents=True, exist_ok=True)
        staged = chart.path.with_name(f".{chart.path.name}.{os.getpid()}")
        staged.write_bytes(png)
        os.replace(staged, chart.path)
        chart.drawn = True


def _share_bar(share: float, weak_below: float | None) -> dict:
    weak = weak_below is not None and share < weak_below
    return {"x": max(share, ZERO_STUB), "colour": "weak" if weak else "bar"}


def _weak_legend(weak_below: float | None) -> list[dict]:
    return [] if weak_below is None else [{"shape": "bar", "colour": "weak",
                                           "label": say("charts.below_line", line=percent(weak_below))}]


def shares_by_name(path: Path, names: list[str], shares: list[float], reference: float | None,
                   reference_label: str, axis_title: str, weak_below: float | None = None) -> Chart:
    """One horizontal bar per name (first on top), its value in the right-hand column, a dashed reference line."""
    legend = _weak_legend(weak_below)
    if reference is not None:
        legend.append({"shape": "line", "colour": "reference", "label": f"{reference_label}: {percent(reference)}"})
    return _draw(path, {"kind": "bars", "legend": legend, "ticks": SHARE_TICKS, "axis": axis_title,
                        "reference": None if reference is None else {"x": reference},
                        "rows": [{"name": name, "bars": [_share_bar(share, weak_below)], "values": [percent(share)]}
                                 for name, share in zip(names, shares)]})


def shares_against_region(path: Path, names: list[str], shares: list[float], region_shares: list[float | None],
                          own_label: str, region_label: str, axis_title: str, weak_below: float | None = None) -> Chart:
    """Each bar beside the region's value for the same item: a marker on every bar at that item's own regional
    value (the regional mean of this indicator, not one line for all)."""
    legend = [{"shape": "bar", "colour": "bar", "label": own_label}, *_weak_legend(weak_below),
              {"shape": "diamond", "colour": "reference", "label": region_label}]
    return _draw(path, {"kind": "bars", "legend": legend, "ticks": SHARE_TICKS, "axis": axis_title, "reference": None,
                        "rows": [{"name": name, "bars": [_share_bar(share, weak_below)], "marker": region,
                                  "values": [percent(share)]} for name, share, region in zip(names, shares, region_shares)]})


def _nice_ticks(top: float) -> tuple[list[dict], float]:
    """Ticks at 1, 2 or 5 times a power of ten, at most six, the last at or above ``top``; and that last tick."""
    step = 1
    while top / step > 5:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50, …
    end = step * max(1, -(-top // step))
    return [{"x": k * step / end, "label": number(k * step, 0)} for k in range(int(end / step) + 1)], end


def beside_region(path: Path, labels: list[str], own: list[float], region: list[float], own_label: str,
                  region_label: str, axis_title: str, as_share: bool = True, weak_below: float | None = None) -> Chart:
    """Two bars per label (first on top): the municipality's value and the region's beside it, both values in the
    right-hand column; with as_share the axis is a percentage and the municipality's bars under weak_below are
    coloured."""
    if as_share:
        ticks, end, shown = SHARE_TICKS, 1.0, percent
    else:
        ticks, end = _nice_ticks(max([*own, *region, 0]) or 1)
        shown = lambda value: number(value, 0 if float(value).is_integer() else 1)  # noqa: E731
    legend = [{"shape": "bar", "colour": "bar", "label": own_label}, *(_weak_legend(weak_below) if as_share else []),
              {"shape": "bar", "colour": "region", "label": region_label}]
    rows = []
    for label, mine, theirs in zip(labels, own, region):
        weak = as_share and weak_below is not None and mine < weak_below
        rows.append({"name": label, "values": [shown(mine), shown(theirs)], "bars": [
            {"x": max(mine / end, ZERO_STUB), "colour": "weak" if weak else "bar", "dy": -2.2, "height": 4.2},
            {"x": max(theirs / end, ZERO_STUB), "colour": "region", "dy": 2.2, "height": 4.2}]})
    return _draw(path, {"kind": "bars", "legend": legend, "ticks": ticks, "axis": axis_title, "reference": None,
                        "rows": rows})


def distribution(path: Path, shares: list[float], axis_title: str, count_title: str) -> Chart:
    """How many municipalities fall in each tenth of the scale (0–10 %, …, 90–100 %), the count on each column."""
    counts = [0] * 10
    for share in shares:
        counts[min(int(share * 10), 9)] += 1
    top = max(counts) or 1
    return _draw(path, {"kind": "histogram", "axis": axis_title, "count": count_title, "columns": [
        {"y": count / top, "label": str(count) if count else "", "tick": f"{tenth * 10}–{tenth * 10 + 10}\u00a0%"}
        for tenth, count in enumerate(counts)]})


def changes(path: Path, names: list[str], improved: list[int], worsened: list[int], axis_title: str) -> Chart:
    """Indicators improved (right) and worsened (left) per municipality since the previous cycle."""
    top = max([*improved, *worsened, 1])
    return _draw(path, {"kind": "diverging", "axis": axis_title, "legend": [
        {"shape": "bar", "colour": "weak", "label": say("charts.worsened")},
        {"shape": "bar", "colour": "bar", "label": say("charts.improved")}], "rows": [
        {"name": name, "left": {"x": down / top, "colour": "weak", "label": str(down)},
         "right": {"x": up / top, "colour": "bar", "label": str(up)}} for name, up, down in zip(names, improved, worsened)]})


def _heat(share: float) -> tuple[str, str]:
    """A share's colour on the red–yellow–green scale and the digits' colour that reads on it."""
    lower = share < HEAT_MIDDLE
    low, high = (HEAT_STOPS[0], HEAT_STOPS[1]) if lower else (HEAT_STOPS[1], HEAT_STOPS[2])
    t = share / HEAT_MIDDLE if lower else (share - HEAT_MIDDLE) / (1 - HEAT_MIDDLE)
    rgb = [round(int(low[i:i + 2], 16) * (1 - t) + int(high[i:i + 2], 16) * t) for i in (1, 3, 5)]
    lightness = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255  # ITU-R BT.601
    return "#" + "".join(f"{c:02x}" for c in rgb), "#ffffff" if lightness < DARK_CELL else "#000000"


def heatmap(path: Path, rows: list[str], columns: list[str], shares: list[list[float | None]], legend_title: str,
            highlight_last_row: bool = False) -> Chart:
    """A table of shares (0–1) as colours, the value printed in every cell; rows are names (first on top),
    columns short titles. An empty cell (no value) stays white."""
    def cell(share):
        if share is None:
            return {"fill": None, "ink": "#000000", "label": ""}
        fill, ink = _heat(min(max(share, 0.0), 1.0))
        return {"fill": fill, "ink": ink, "label": f"{share * 100:.0f}"}
    return _draw(path, {"kind": "heatmap", "columns": columns, "highlight_last": highlight_last_row,
                        "scale": {"low": percent(0), "high": percent(1), "title": legend_title, "stops": list(HEAT_STOPS)},
                        "rows": [{"name": name, "cells": [cell(share) for share in row]} for name, row in zip(rows, shares)]})
