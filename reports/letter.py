"""The regional letter's items and measures in words, from mart_recommendation alone: each rule's template
(seed recommendation_rules) filled with the municipalities the mart names and the values it holds, and the
region's institution (seed ref_regions, ``{institution}``: the report's author). Wording and layout only —
which municipality is named, with which value, against which threshold, is decided in dbt."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import pandas as pd

from reports.document import ru_date
from reports.frames import records
from reports.wording import say
from shnor_core.lineage import printed_reference

INLINE_NAMES = 5  # a statement names at most this many municipalities; more are in the table below it


def no_rules() -> str:
    return say("letter.no_rules")


class TemplateError(ValueError):
    """A rule's template names a field the letter does not fill."""


@dataclass
class Named:
    """One municipality an item names: the value that named it, the rule's threshold, its deadline, the values
    of each sub-item (``evidence``), the practices it is strong in, the municipality it learns from."""

    municipality: str
    value: str
    threshold: str
    due: str
    evidence: str
    fields: list[str] = field(default_factory=list)
    partner: str = ""
    ref: str = ""  # the reference of its mart_recommendation row (``shnor explain``)


@dataclass
class LetterItem:
    number: int | None  # the letter's item (None: a rule that only triggers a measure)
    rule_code: str
    title: str
    text: str
    named: list[Named] = field(default_factory=list)  # in the rule's order
    layout: str = "inline"  # inline, list (practices by sub-item), pairs (with a partner)

    @property
    def municipalities(self) -> list[str]:
        """Every municipality the item names, partners included."""
        names = [n.municipality for n in self.named]
        return names + [n.partner for n in self.named if n.partner and n.partner not in names]


@dataclass
class Measure:
    number: int
    wording: str
    due: pd.Timestamp
    grounds: list[tuple[str, list[Named]]]  # one per rule that triggered it: the rule and whom it named
    municipalities: list[str]


def _present(value) -> bool:
    return value is not None and value is not pd.NA and value is not pd.NaT and not (isinstance(value, float) and pd.isna(value))


def fill(template: str, rule_code: str, **values) -> str:
    """The template with its {fields}; a field the template names and the letter lacks is an error."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = names - values.keys()
    if missing:
        raise TemplateError(f"шаблон правила {rule_code}: неизвестные поля {sorted(missing)}")
    return template.format(**{name: values[name] for name in names})


def _text(value) -> str:
    if not _present(value):
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def member(row) -> str:
    """How one named municipality is written: the rule's member template with the row's values."""
    return fill(row.member_template, row.rule_code, municipality=row.municipality_name, value=_text(row.value_text),
                evidence=_text(row.evidence), fields=_text(row.practice_fields), partner=_text(row.partner_name),
                cluster=_text(row.cluster_name))


def _values(first, municipalities: str, institution: str) -> dict:
    """What a rule's template may name: its municipalities, the institution and the rule's own values (``first``:
    a row of the rule, or those columns of it)."""
    return {"municipalities": municipalities, "institution": institution, "threshold": _text(first["threshold_text"]),
            "cap": _text(first["cap_value"]), "evaluated": _text(first["evaluated_count"]),
            "year": _text(first["school_year"]), "next_year": _text(first["next_year"]),
            "list": _text(first["list_label"])}


def _group_values(rows: pd.DataFrame, municipalities: str, institution: str) -> dict:
    return _values(rows.iloc[0], municipalities, institution)


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values(["rank_in_rule", "municipality_name"], na_position="last")


def _due(value) -> str:
    return ru_date(value) if _present(value) else "—"


def _fields(value) -> list[str]:
    return [part.strip() for part in value.split(";")] if _present(value) else []


def named_rows(rows: pd.DataFrame) -> list[Named]:
    return [Named(row.municipality_name, _text(row.value_text), _text(row.threshold_text), _due(row.due_date),
                  _text(row.evidence), _fields(row.practice_fields),
                  _text(row.partner_name) if _present(row.partner_name) else "",
                  printed_reference("mart_recommendation", [row.monitoring_id, row.rule_code, row.municipality_oktmo]))
            for row in records(rows)]


def _names(template: str, names: list[str]) -> str:
    """What ``{municipalities}`` of a rule's template reads: the names themselves up to ``INLINE_NAMES``, else
    the table below the item, in the case the sentence needs."""
    if len(names) <= INLINE_NAMES:
        return ", ".join(names)
    return say("letter.group_leading" if template.lstrip().startswith("{municipalities}") else "letter.group_inside")


def letter_items(recommendation: pd.DataFrame, institution: str) -> list[LetterItem]:
    """The numbered items of the letter in the rules' order, each its statement once and the municipalities it
    names (with their values) as rows for a table; a group that names nobody is left out. ``institution``: the
    region's (ref_regions), for the templates that name it."""
    items = []
    numbered = recommendation[recommendation["item_number"].notna()]
    for (_, rule_code), rows in numbered.groupby(["rule_order", "rule_code"], sort=True):
        first = rows.iloc[0]
        number, title = int(first["item_number"]), first["title"]
        if first["scope"] == "region":
            if bool(first["statement_holds"]):
                items.append(LetterItem(number, rule_code, title, fill(first["template"], rule_code,
                                                                       **_group_values(rows, "", institution))))
                continue
            short = rows[rows["in_letter"]].sort_values("municipality_name")
            names = _names(first["template_unmet"], list(short["municipality_name"]))
            items.append(LetterItem(number, rule_code, title, fill(first["template_unmet"], rule_code,
                                                                   **_group_values(rows, names, institution)),
                                    named_rows(short)))
            continue
        named = _ordered(rows[rows["in_letter"]])
        if named.empty:
            continue
        names = _names(first["template"], list(named["municipality_name"]))
        text = fill(first["template"], rule_code, **_group_values(named, names, institution))
        items.append(LetterItem(number, rule_code, title, text, named_rows(named), first["layout"]))
    return items


def practices(item: LetterItem) -> list[list[str]]:
    """A list item's sub-items, each once, with the municipalities strong in it (first seen first)."""
    found: dict[str, list[str]] = {}
    for named in item.named:
        for part in named.fields:
            found.setdefault(part, []).append(named.municipality)
    return [[part, ", ".join(names)] for part, names in found.items()]


def silent_rules(recommendation: pd.DataFrame) -> list[str]:
    """Titles of the numbered group rules that named nobody this cycle (so the reader knows they were checked)."""
    groups = recommendation[recommendation["item_number"].notna() & (recommendation["scope"] == "municipality")]
    named = set(groups.loc[groups["in_letter"], "rule_code"])
    return [title for code, title in dict(zip(groups["rule_code"], groups["title"])).items() if code not in named]


def condition_text(row: pd.Series) -> str:
    """A rule's condition in words: «каждое не ниже 50 %», «не менее 2 из них не ниже 80 %»."""
    limit = f"{say('letter.comparison_' + row['comparison'])} {_text(row['threshold_text'])}"
    if row["combine"] == "each":
        return say("letter.condition_each", limit=limit)
    if row["combine"] == "at_least":
        return say("letter.condition_at_least", count=_text(row["min_subjects"]), limit=limit)
    return say("letter.condition_mean", limit=limit) if _present(row["subjects"]) and row["subjects"] > 1 else limit


def rules_table(recommendation: pd.DataFrame) -> list[list[str]]:
    """One row per rule of the cycle: where it goes in the letter, what it compares with which threshold, the
    region's mean, how many municipalities it judged, how many met it and how many the letter names."""
    rows = []
    for _, rule in recommendation.groupby(["rule_order", "rule_code"], sort=True):
        first = rule.sort_values("subjects", na_position="first").iloc[-1]
        where = str(int(first["item_number"])) if _present(first["item_number"]) else \
            (say("letter.where_measure", number=int(first["measure_number"])) if _present(first["measure_number"]) else "—")
        rows.append([where, first["title"], _text(first["evidence_subjects"]), condition_text(first),
                     _text(first["region_mean_text"]), str(len(rule)), str(int(rule["meets_condition"].sum())),
                     str(int(rule["in_letter"].sum()))])
    return rows


def measures(recommendation: pd.DataFrame) -> list[Measure]:
    """The measures some rule triggered, each with its earliest deadline and the rules and municipalities behind it;
    a measure no rule triggers is not there."""
    triggered = recommendation[recommendation["measure_code"].notna() & recommendation["in_letter"]]
    found = []
    for number, rows in triggered.groupby("measure_number", sort=True):
        grounds = []
        for _, rule in rows.groupby(["rule_order", "rule_code"], sort=True):
            first = rule.iloc[0]
            where = say("letter.item_ground", number=int(first["item_number"]), title=first["title"]) \
                if _present(first["item_number"]) else say("letter.rule_ground", title=first["title"])
            grounds.append((where, named_rows(_ordered(rule))))
        found.append(Measure(int(number), rows["measure_wording"].iloc[0], rows["due_date"].min(), grounds,
                             sorted(set(rows["municipality_name"]))))
    return found


def measure_text(measure: Measure) -> str:
    return say("letter.measure", wording=measure.wording, due=ru_date(measure.due))


def own_recommendations(own: pd.DataFrame, institution: str) -> list[tuple[str, str]]:
    """A municipality's own lines (``own``: its rows of mart_recommendation): each rule it meets (or, for a
    region-wide statement, falls short of), worded as the letter words it, with the values, the threshold, the
    region and the measure with its deadline; each with its rule's code (the row's key, for its reference)."""
    lines = []
    for row in records(own.sort_values("rule_order")):
        region = row.scope == "region"
        group = {"cap_value": row.cap_value, "evaluated_count": row.evaluated_count, "school_year": row.school_year,
                 "next_year": row.next_year, "list_label": row.list_label, "threshold_text": row.threshold_text}
        if region and row.statement_holds:
            lines.append((fill(row.template, row.rule_code, **_values(group, "", institution)), row.rule_code))
            continue
        if region == bool(row.meets_condition):
            continue
        text = fill(row.template_unmet if region else row.template, row.rule_code,
                    **_values(group, member(row), institution))
        if row.layout == "list":
            text += " " + member(row)
        elif row.layout == "pairs":
            text += f" {_text(row.partner_name)} — {member(row)}." if _present(row.partner_name) \
                else " " + say("letter.no_partner")
        measure = _present(row.measure_code) and bool(row.in_letter)
        values = say("letter.values_with_region", evidence=_text(row.evidence), threshold=_text(row.threshold_text),
                     mean=row.region_mean_text) if _present(row.region_mean_text) else \
            say("letter.values", evidence=_text(row.evidence), threshold=_text(row.threshold_text))
        steps = {"text": text, "values": values, "measure": _text(row.measure_number), "wording": row.measure_wording,
                 "due": ru_date(row.due_date) if measure else "", "number": _text(row.item_number)}
        if _present(row.item_number):
            line = say("letter.item_line_with_measure" if measure else "letter.item_line", **steps)
        else:
            line = say("letter.measure_line" if measure else "letter.plain_line", **steps)
        if not region and not row.in_letter:
            line += " " + say("letter.not_in_letter")
        lines.append((line, row.rule_code))
    return lines
