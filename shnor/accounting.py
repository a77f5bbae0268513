"""Every row accounted, in words: per kind of file, the rows read into raw, how many reached the marts, wait
for a person's decision on a name, or were dropped — and why. dbt computes every number (mart
``mart_row_fates``, reasons from seed ``row_fate_reasons``); this only reads and words them for the cycle
summary (``shnor run``) and ``shnor region show``, so neither says only «выполнен» or «Всё на месте» when
rows were parked or dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shnor_core import warehouse
from shnor_core.sources import SOURCE_KINDS

FATES_MART = "marts.mart_row_fates"


@dataclass
class KindAccount:
    """One kind of file: source rows read = in marts + in review + dropped; reasons of the rows not in marts."""

    kind: str
    rows_read: int = 0
    in_marts: int = 0
    suppressed: int = 0
    in_review: int = 0
    dropped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # reason (Russian) → rows, review first, then dropped

    @property
    def title(self) -> str:
        return SOURCE_KINDS[self.kind].title if self.kind in SOURCE_KINDS else self.kind

    @property
    def not_in_marts(self) -> int:
        return self.in_review + self.dropped

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows_read": self.rows_read, "in_marts": self.in_marts,
                "suppressed": self.suppressed, "in_review": self.in_review, "dropped": self.dropped,
                "reasons": self.reasons}


def row_accounting(database: Path, oktmo_prefix: str | None = None) -> list[KindAccount]:
    """Per kind of file, from the marts of a warehouse or its published copy; empty when the marts predate the
    accounting or the file is busy. ``oktmo_prefix``: a region's rows (and the rows that name no municipality)."""
    where, params = "", []
    if oktmo_prefix:
        where, params = "where municipality_oktmo like ? or municipality_oktmo is null", [f"{oktmo_prefix}%"]
    if not Path(database).exists():
        return []
    try:
        with warehouse.connect(database, read_only=True, wait=0) as con:
            if not warehouse.table_exists(con, "marts.mart_row_fates"):
                return []
            rows = con.execute(f"""
                select source_kind, fate_code, fate, reason, min(fate_order) as fate_order,
                       cast(sum(source_rows) as bigint) as source_rows
                from {FATES_MART} {where}
                group by source_kind, fate_code, fate, reason
                order by source_kind, fate_order""", params).fetchdf()
    except warehouse.WarehouseBusy:  # a run is writing: its summary will say it
        return []
    accounts: dict[str, KindAccount] = {}
    for row in rows.itertuples():
        account = accounts.setdefault(row.source_kind, KindAccount(row.source_kind))
        count = int(row.source_rows)
        account.rows_read += count
        if row.fate == "mart":
            account.in_marts += count
            account.suppressed += count if row.fate_code == "in_mart_suppressed" else 0
            continue
        if row.fate == "review":
            account.in_review += count
        else:
            account.dropped += count
        account.reasons[row.reason] = account.reasons.get(row.reason, 0) + count
    order = list(SOURCE_KINDS)
    return sorted(accounts.values(), key=lambda a: order.index(a.kind) if a.kind in order else len(order))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def accounting_lines(accounts: list[KindAccount], indent: str = "  ") -> list[str]:
    """The totals, then each kind with rows not in the marts: how many and why."""
    if not accounts:
        return []
    total = KindAccount("all")
    for account in accounts:
        total.rows_read += account.rows_read
        total.in_marts += account.in_marts
        total.suppressed += account.suppressed
        total.in_review += account.in_review
        total.dropped += account.dropped
    suppressed = f" (из них малых ячеек со скрытыми значениями {_n(total.suppressed)})" if total.suppressed else ""
    lines = [f"{indent}строки файлов: прочитано {_n(total.rows_read)}, в витринах {_n(total.in_marts)}{suppressed}, "
             f"ждут проверки названий {_n(total.in_review)}, отброшено {_n(total.dropped)}"]
    for account in accounts:
        if not account.not_in_marts:
            continue
        reasons = "; ".join(f"{reason} — {_n(count)}" for reason, count in account.reasons.items())
        lines.append(f"{indent}  {account.title}: не в витринах {_n(account.not_in_marts)} из "
                     f"{_n(account.rows_read)} строк — {reasons}")
    return lines


def not_in_marts(accounts: list[KindAccount]) -> tuple[int, int]:
    """Rows waiting in review and rows dropped, over all kinds."""
    return sum(a.in_review for a in accounts), sum(a.dropped for a in accounts)
