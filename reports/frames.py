"""A cycle's marts read once and cut per municipality once: a note per municipality reads the same frames 44
times (or 2 508 for the country), and a boolean filter over a wide frame costs more than the note's layout."""

from __future__ import annotations

from collections import namedtuple
from functools import cache

import pandas as pd

from shnor_core.lineage import ANY, mart_keys, printed_reference

_ONCE: dict[tuple[str, int], tuple[pd.DataFrame, object]] = {}
KEPT = 64  # results kept per process: a cycle's marts are a few dozen frames, an earlier cycle's are let go


def once(purpose: str, frame: pd.DataFrame, compute):
    """``compute(frame)`` once per process and frame."""
    kept = _ONCE.get((purpose, id(frame)))
    if kept is None or kept[0] is not frame:  # the frame itself is kept, so its id is not reused meanwhile
        if len(_ONCE) >= KEPT:
            _ONCE.clear()
        kept = (frame, compute(frame))
        _ONCE[(purpose, id(frame))] = kept
    return kept[1]


def plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as Python strings (``object``), the same values: the notes filter, cut
    and read a few rows of a mart hundreds of times, and each step on Arrow-backed text (``str``) costs an
    Arrow call per column (a fifth of the notes' assembly)."""
    text = {column: object for column, kind in frame.dtypes.items() if kind == "str"}
    return frame.astype(text) if text else frame


def own(frame: pd.DataFrame, oktmo: str) -> pd.DataFrame:
    """A mart's rows of one municipality (``municipality_oktmo``), from the frame grouped once."""
    groups = once("own", frame, lambda rows: dict(tuple(plain_strings(rows).groupby("municipality_oktmo", sort=False))))
    return groups[oktmo] if oktmo in groups else once("none", frame, lambda rows: plain_strings(rows.iloc[0:0]))


def row_ref(mart: str, row) -> str:
    """The printed reference (``shnor explain``) of one mart row — a Series or an ``itertuples`` row — by the
    mart's key (seed ``mart_questions``)."""
    keys = mart_keys()[mart]
    return printed_reference(mart, [row[c] if isinstance(row, pd.Series) else getattr(row, c) for c in keys])


def rows_refs(rows: pd.DataFrame, mart: str) -> list[str]:
    """Each row's printed reference, in the frame's order."""
    return [row_ref(mart, row) for row in records(rows[list(mart_keys()[mart])])]


def group_ref(mart: str, **values) -> str:
    """The printed reference of the rows a figure is summed or counted over (a region's total, a year's row): the
    key columns named take their values — a ``Glob`` such as the region's ОКТМО ``23*`` a pattern —, the others
    any value."""
    return printed_reference(mart, [values.get(c, ANY) for c in mart_keys()[mart]])


@cache
def _record(columns: tuple[str, ...]):
    return namedtuple("Pandas", ("Index", *columns), rename=True)


def records(frame: pd.DataFrame) -> list:
    """``frame.itertuples()``, the same rows and values, four times faster on a few rows of a wide mart: one
    conversion of the frame, where pandas makes a Series of every column (most of a note's time went there)."""
    kind = _record(tuple(frame.columns))
    return [kind(index, *values) for index, values in zip(frame.index.tolist(), frame.to_numpy(dtype=object).tolist())]
