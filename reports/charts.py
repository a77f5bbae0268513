"""Charts for the notes, readable in print: horizontal bars with names and values, units in the axis
titles, Russian text in DejaVu Sans (matplotlib's own font, so no system font is needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

BAR, REFERENCE, WEAK, REGION = "#4472C4", "#C00000", "#ED7D31", "#A5A5A5"
DARK_CELL = 0.5  # a heatmap cell darker than this takes white digits (legibility, not a threshold of the data)
DPI = 110  # sharp enough in print at the notes' 17 cm width; larger only costs time


def _save(figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI, pil_kwargs={"compress_level": 1})  # fast PNG encoding; the file size barely matters
    plt.close(figure)
    return path


ZERO_STUB = 0.006  # a zero is drawn as a thin stub, so a bar that is absent reads as 0 %, not as missing data


def _bars(axes, positions, shares, weak_below, labels_at: float | None = None):
    """Horizontal bars of shares (0–1) with their values — after each bar, or in a column at ``labels_at`` —
    a zero is a visible stub labelled «0 %»."""
    colours = [WEAK if weak_below is not None and share < weak_below else BAR for share in shares]
    axes.barh(list(positions), [max(share, ZERO_STUB) for share in shares], color=colours, height=0.7)
    for position, share in zip(positions, shares):
        x = labels_at if labels_at is not None else max(share, ZERO_STUB) + 0.012
        axes.text(x, position, f"{share * 100:.0f}\u00a0%", va="center", fontsize=7)


def shares_by_name(path: Path, names: list[str], shares: list[float], reference: float | None,
                   reference_label: str, axis_title: str, weak_below: float | None = None) -> Path:
    """One horizontal bar per name (sorted as given, first on top), value labels, a dashed reference line."""
    figure, axes = plt.subplots(figsize=(7.5, max(2.2, 0.24 * len(names) + 1.0)))
    positions = range(len(names))[::-1]
    _bars(axes, positions, shares, weak_below)
    axes.set_yticks(list(positions), names, fontsize=7.5)
    if reference is not None:
        axes.axvline(reference, color=REFERENCE, linestyle="--", linewidth=1.2,
                     label=f"{reference_label}: {reference * 100:.0f}\u00a0%")
        axes.legend(loc="lower right", fontsize=8)
    axes.set_xlim(0, 1.12)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(axis_title, fontsize=9)
    axes.grid(axis="x", alpha=0.3)
    return _save(figure, path)


def shares_against_region(path: Path, names: list[str], shares: list[float], region_shares: list[float | None],
                          own_label: str, region_label: str, axis_title: str, weak_below: float | None = None) -> Path:
    """Each bar beside the region's value for the same item: one horizontal bar per name (first on top) with
    its value — a zero a visible stub — and, on every bar, a marker at that item's own regional value (the
    regional mean of this indicator, not one line for all)."""
    figure, axes = plt.subplots(figsize=(7.5, max(2.4, 0.26 * len(names) + 1.2)))
    positions = list(range(len(names)))[::-1]
    _bars(axes, positions, shares, weak_below, labels_at=1.04)  # a column of its own: markers never hide a value
    marked = [(position, value) for position, value in zip(positions, region_shares) if value is not None]
    if marked:
        axes.scatter([value for _, value in marked], [position for position, _ in marked], marker="D", s=22,
                     color=REFERENCE, zorder=3, label=region_label)
    axes.set_yticks(positions, names, fontsize=7.5)
    axes.set_xlim(0, 1.13)
    axes.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes.axvline(1.0, color="grey", linewidth=0.6)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(axis_title, fontsize=9)
    axes.grid(axis="x", alpha=0.3)
    handles, labels = axes.get_legend_handles_labels()
    swatches = [Patch(color=BAR)] + ([Patch(color=WEAK)] if weak_below is not None else [])
    names_of = [own_label] + ([f"ниже {weak_below * 100:.0f}\u00a0%"] if weak_below is not None else [])
    axes.legend([*swatches, *handles], [*names_of, *labels], loc="upper center", ncol=3, fontsize=8, frameon=False,
                bbox_to_anchor=(0.5, -0.1 - 0.6 / max(len(names), 1)))
    return _save(figure, path)


def heatmap(path: Path, rows: list[str], columns: list[str], shares: list[list[float | None]], legend_title: str,
            highlight_last_row: bool = False) -> Path:
    """A table of shares (0–1) as colours, the value printed in every cell, a colour scale with its legend:
    rows are names (first on top), columns short titles. An empty cell (no value) stays white."""
    values = np.array([[np.nan if v is None else v for v in row] for row in shares], dtype=float)
    figure, axes = plt.subplots(figsize=(7.5, max(3.0, 0.2 * len(rows) + 1.6)))
    image = axes.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(len(columns)), columns, fontsize=7.5)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(rows)), rows, fontsize=6.8)
    for (row, column), value in np.ndenumerate(values):
        if not np.isnan(value):
            red, green, blue, _ = image.cmap(image.norm(value))
            lightness = 0.299 * red + 0.587 * green + 0.114 * blue  # of the cell's own colour (ITU-R BT.601)
            axes.text(column, row, f"{value * 100:.0f}", ha="center", va="center", fontsize=6.3,
                      color="white" if lightness < DARK_CELL else "black")
    if highlight_last_row:
        axes.axhline(len(rows) - 1.5, color="black", linewidth=1.2)
        axes.get_yticklabels()[-1].set_fontweight("bold")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    scale = figure.colorbar(image, ax=axes, fraction=0.035, pad=0.02, format=PercentFormatter(1.0, decimals=0))
    scale.set_label(legend_title, fontsize=8)
    scale.ax.tick_params(labelsize=7)
    return _save(figure, path)


def distribution(path: Path, shares: list[float], axis_title: str, count_title: str) -> Path:
    """How many municipalities fall in each tenth of the scale (0–10 %, …, 90–100 %), with counts on bars."""
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    counts, edges, bars = axes.hist(shares, bins=[i / 10 for i in range(11)], color=BAR, edgecolor="white")
    for count, bar in zip(counts, bars):
        if count:
            axes.text(bar.get_x() + bar.get_width() / 2, count + 0.1, f"{int(count)}", ha="center", fontsize=8)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xticks(edges)
    axes.set_xlabel(axis_title, fontsize=9)
    axes.set_ylabel(count_title, fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    return _save(figure, path)


def changes(path: Path, names: list[str], improved: list[int], worsened: list[int], axis_title: str) -> Path:
    """Indicators improved (right) and worsened (left) per municipality since the previous cycle."""
    figure, axes = plt.subplots(figsize=(7.5, max(2.2, 0.24 * len(names) + 1.0)))
    positions = list(range(len(names)))[::-1]
    axes.barh(positions, improved, color=BAR, height=0.7, label="улучшились")
    axes.barh(positions, [-value for value in worsened], color=WEAK, height=0.7, label="ухудшились")
    axes.set_yticks(positions, names, fontsize=7.5)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel(axis_title, fontsize=9)
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return _save(figure, path)


def beside_region(path: Path, labels: list[str], own: list[float], region: list[float], own_label: str,
                  region_label: str, axis_title: str, as_share: bool = True, weak_below: float | None = None) -> Path:
    """Two horizontal bars per label (first on top): the municipality's value and the region's beside it, value
    labels on both; with as_share the axis is a percentage of the maximum and the municipality's bars under
    weak_below are coloured."""
    figure, axes = plt.subplots(figsize=(7.5, max(2.4, 0.42 * len(labels) + 1.0)))
    positions = list(range(len(labels)))[::-1]
    height = 0.38
    colours = [WEAK if weak_below is not None and value < weak_below else BAR for value in own]
    axes.barh([p + height / 2 for p in positions], own, height=height, color=colours, label=own_label)
    axes.barh([p - height / 2 for p in positions], region, height=height, color=REGION, label=region_label)
    axes.set_yticks(positions, labels, fontsize=7.5)
    top = max([*own, *region, 0]) or 1
    for position, value, shift in [*zip(positions, own, [height / 2] * len(own)),
                                   *zip(positions, region, [-height / 2] * len(region))]:
        text = f"{value * 100:.0f} %" if as_share else (f"{value:.0f}" if float(value).is_integer()
                                                        else f"{value:.1f}".replace(".", ","))
        axes.text(value + top * 0.01, position + shift, text, va="center", fontsize=6.5)
    handles = [Patch(color=BAR, label=own_label)]
    if WEAK in colours:
        handles.append(Patch(color=WEAK, label=f"{own_label}: ниже линии"))
    handles.append(Patch(color=REGION, label=region_label))
    if as_share:
        axes.set_xlim(0, 1.15)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        axes.set_xlim(0, top * 1.18)
    axes.set_xlabel(axis_title, fontsize=9)
    axes.legend(handles=handles, loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return _save(figure, path)
