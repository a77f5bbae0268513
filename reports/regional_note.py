"""The regional analytical note of a cycle, after seed 000: purpose and period, sources, main results with
tables and charts, the ШНОР lists (federal, published and computed, with the exit rule and schools close to low
results), the letter's numbered recommendations with their municipalities and evidence, the measures the rules
triggered with their deadlines, a data-quality annex, the published and computed regional lists side by side,
and where every number came from. Words come from the rule and text seeds (through the marts), numbers and
thresholds from the marts only."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import pandas as pd

from reports import charts, letter
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, count, number, percent
from reports.docx_writer import write_docx
from reports.frames import group_ref, plain_strings, row_ref, rows_refs
from reports.pdf_writer import write_pdf
from reports.provenance import Provenance
from reports.support_sections import regional_people, regional_roadmaps
from reports.wording import headers, say
from shnor_core import warehouse
from shnor_core.lineage import Glob, printed_reference
from shnor_core.reference import get_monitoring, indicator_title, oktmo_prefix
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS

# Each methodology's moves from the previous year, one row per municipality, year and methodology (as the notes and
# the export show them), reshaped from mart_shnor_municipality_lists' federal_* and regional_* columns: counted in dbt.
LIST_MOVES = " union all ".join(
    f"select lists.municipality_oktmo, lists.municipality_name, lists.result_year, '{m}' as methodology, "
    f"labels.label as methodology_label, lists.{m}_previous_schools as previous_schools, "
    f"lists.{m}_schools as current_schools, lists.{m}_stayed as stayed, lists.{m}_entered as entered, "
    f"lists.{m}_left_list as left_list from marts.mart_shnor_municipality_lists as lists "
    f"left join reference.code_labels as labels on labels.code_set = 'methodology' and labels.code = '{m}' "
    f"where lists.{m}_stayed is not null"
    for m in ("federal", "regional"))


class CycleMarts:
    """The marts of one cycle, read once; every report of the cycle draws on these frames."""

    def __init__(self, home: DataHome, monitoring_id: str):
        self.home, self.monitoring_id = home, monitoring_id

        def cycle(table: str, order: str) -> pd.DataFrame:
            return self.query(f"select * from marts.{table} where monitoring_id = ? order by {order}", [monitoring_id])

        self.sections = cycle("mart_section_scores", "section_order, municipality_name")
        self.indicators = cycle("mart_indicator_scores", "section_order, indicator_number, municipality_name")
        self.dynamics = cycle("mart_municipality_dynamics", "municipality_name")
        self.recommendation = cycle("mart_recommendation", "rule_order, rank_in_rule, municipality_name")
        self.data_quality = cycle("mart_data_quality_checks", "check_order, municipality_name, subject, school_name")
        self.thresholds = self.query("select * from marts.mart_letter_thresholds").set_index("threshold_name")
        self.texts = cycle("mart_report_texts", "text_kind, text_order")
        region = [oktmo_prefix(get_monitoring(monitoring_id).region_code) + "%"]  # school marts: this region only
        self.region = Glob(region[0].replace("%", "*"))  # the region's municipalities in a reference (a sum's rows)
        self.context = self.query("select * from marts.mart_municipality_context where municipality_oktmo like ? and "
                                  "data_year = (select max(data_year) from marts.mart_municipality_context) "
                                  "order by municipality_name", region)
        self.results_year = self.query("select max(result_year) as y from marts.mart_school_identification "
                                       "where municipality_oktmo like ?", region).iloc[0]["y"]
        year = [None if pd.isna(self.results_year) else int(self.results_year)] + region
        self.comparison = self.query("select * from marts.mart_shnor_municipality_lists where result_year = ? "
                                     "and municipality_oktmo like ? and federal_schools is not null "
                                     "order by municipality_name", year)
        self.shnor_dynamics = self.query(f"select * from ({LIST_MOVES}) as moves where result_year = ? "
                                         "and municipality_oktmo like ? order by municipality_name, methodology", year)
        self.assessment = self.query("select * from marts.fct_assessment_results where assessment_year in (?, ? - 1) "
                                     "and municipality_oktmo like ? and not is_suppressed order by school_code, "
                                     "assessment_procedure, subject, grade", [year[0], year[0], region[0]])
        self.schools = self.query("select * from marts.mart_school_identification where result_year = ? "
                                  "and municipality_oktmo like ? and (is_regional_shnor or is_federal_shnor) "
                                  "order by municipality_name, school_name", year)
        self.risk_profiles = self.query("select p.*, s.school_name from marts.mart_school_risk_profiles p "
                                        "join marts.mart_school_identification s using (school_code, result_year) "
                                        "where p.result_year = ? and p.municipality_oktmo like ?", year)
        self.coverage = self.query("select * from marts.mart_mentoring_coverage where result_year = ? "
                                   "and municipality_oktmo like ? order by municipality_name, list_kind", year)
        self.list_changes = self.query(
            "select municipality_oktmo, municipality_name, result_year, computed_on_list as on_list, "
            "computed_identified as identified, computed_kept_by_exit_rule as kept_by_exit_rule, "
            "computed_entered as entered, computed_persisting as persisting, computed_exited as exited, cusp_schools "
            "from marts.mart_shnor_municipality_lists where municipality_oktmo like ? and computed_on_list is not null "
            "order by result_year, municipality_name", region)
        self.list_status = self.query("select * from marts.mart_shnor_list_status where result_year = ? and "
                                      "municipality_oktmo like ? and (is_on_list or is_cusp or list_status is not null) "
                                      "order by municipality_name, school_name", year)
        self.list_comparison = self.query("select * from marts.mart_regional_list_comparison where result_year = ? "
                                          "and municipality_oktmo like ? order by municipality_name, school_name", year)
        self.row_accounting = self.query(
            "select source_kind, fate, fate_code, reason, min(fate_order) as fate_order, "
            "cast(sum(source_rows) as bigint) as source_rows from marts.mart_row_fates "
            "where municipality_oktmo like ? or municipality_oktmo is null "
            "group by source_kind, fate, fate_code, reason order by source_kind, fate_order", region)
        self._read_roadmaps_and_people(region)

    def _read_roadmaps_and_people(self, region: list[str]) -> None:
        """The roadmaps of the cycle's year as of its window's close, and the people of the ШНОР year."""
        def cycle(table: str, order: str) -> pd.DataFrame:
            return self.query(f"select * from marts.{table} where monitoring_id = ? order by {order}", [self.monitoring_id])

        self.roadmap = cycle("mart_roadmap_status", "municipality_name, activity_number, due_date")
        self.roadmap_completion = cycle("mart_roadmap_completion", "municipality_name")
        self.roadmap_activities = cycle("mart_roadmap_activities",
                                        "municipalities_late + municipalities_missing desc, activity_code")
        roadmap_year = [int(get_monitoring(self.monitoring_id).window_close[:4])] + region
        self.roadmap_plan = self.query("select * from marts.mart_roadmap_plan where roadmap_year = ? and "
                                       "municipality_oktmo like ? order by municipality_name, catalogue_number, "
                                       "activity_number", roadmap_year)
        people_year = roadmap_year if pd.isna(self.results_year) else [int(self.results_year)] + region
        self.municipality_people = self.query("select * from marts.mart_municipality_people where people_year = ? "
                                              "and municipality_oktmo like ? order by municipality_name", people_year)
        self.school_people = self.query("select * from marts.mart_school_people where people_year = ? and "
                                        "municipality_oktmo like ? order by municipality_name, school_name", people_year)
        self.curator_load = self.query("select * from marts.mart_curator_load where assignment_year = ? and "
                                       "municipality_oktmo like ? order by municipality_name, curator_id", people_year)
        self.post_project = self.query("select * from marts.mart_post_project_schools where post_project_year = ? "
                                       "and municipality_oktmo like ? order by municipality_name, school_name, "
                                       "result_year", people_year)

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """A mart's rows, text as Python strings (``frames.plain_strings``)."""
        return plain_strings(warehouse.query(self.home.warehouse, sql, params))

    def threshold(self, name: str) -> float:
        """A named threshold (a dbt var or a row of seed methodology_parameters, through mart_letter_thresholds)."""
        return float(self.thresholds.loc[name, "threshold_value"])

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Each municipality's total (mart_municipality_totals), best first."""
        return self.query("select * from marts.mart_municipality_totals where monitoring_id = ? "
                          "order by region_rank, municipality_name", [self.monitoring_id])


def charts_dir(home: DataHome, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / "charts"


def regional_note(marts: CycleMarts, origin: Provenance) -> Document:
    monitoring = origin.monitoring
    note = Document(title=say("common.regional_title"),
                    subtitle=[say("common.regional_subtitle", title=monitoring.title),
                              say("common.window", region=origin.region, window=origin.window())],
                    footer=origin.footer(), mark=origin.mark, author=origin.institution)
    texts = marts.texts
    note.add(Heading(say("regional.purpose_heading"), numbered=True))
    note.add(*[Paragraph(row.text, ref=row_ref("mart_report_texts", row))
               for row in texts[texts["text_kind"] == "purpose"].itertuples()])
    note.add(Paragraph(say("regional.period", window=origin.window()),
                       ref=group_ref("mart_submission_status", monitoring_id=marts.monitoring_id)))
    _sources(note, marts, origin)
    appendix = _results(note, marts)
    _schools(note, marts)
    evidence = _recommendations(note, marts, origin.institution)
    _measures(note, marts)
    regional_roadmaps(note, marts)
    regional_people(note, marts)
    _data_quality(note, marts)
    _list_comparison(note, marts)
    note.add(Heading(say("regional.files_heading")),
             Table(headers("regional.files_columns"), origin.files_table(), widths=[3, 1.6, 4.4, 0.8],
                   caption=say("regional.files_caption"), refs=origin.files_refs()))
    note.add(*appendix)
    if evidence:
        note.add(Heading(say("regional.evidence_appendix")), *evidence)
    return note.list_abbreviations()


def _sources(note: Document, marts: CycleMarts, origin: Provenance) -> None:
    counts = origin.counts()
    texts = marts.texts
    note.add(Heading(say("regional.sources_heading"), numbered=True))
    note.add(*[Paragraph(row.text, ref=row_ref("mart_report_texts", row))
               for row in texts[texts["text_kind"] == "method"].itertuples()])
    items = [say("regional.sources_forms", **{key: count(value) for key, value in counts.items()})]
    refs = [group_ref("mart_submission_status", monitoring_id=marts.monitoring_id)]
    if not marts.context.empty:
        context = marts.context
        year = int(context["data_year"].iloc[0])
        items.append(say("regional.sources_oo1", year=year,
                         schools=number(context["schools"].sum(), 0), pupils=number(context["pupils_total"].sum(), 0),
                         ovz=number(context["pupils_ovz"].sum(), 0)))
        refs.append(group_ref("mart_municipality_context", municipality_oktmo=marts.region, data_year=year))
    if pd.isna(marts.results_year):
        items.append(say("regional.sources_no_results"))
        refs.append(group_ref("mart_school_identification"))  # no result year: the mart has no row
    else:
        items.append(say("regional.sources_results", year=int(marts.results_year)))
        refs.append(group_ref("mart_school_identification", result_year=int(marts.results_year)))
    note.add(Bullets(items, refs=refs))


def section_abbreviations(marts: CycleMarts) -> dict[str, str]:
    """Each section's short name, the prefix of its indicators' Cyrillic codes (ИП, МНЦ, МТКП)."""
    codes = marts.indicators.drop_duplicates("section_code")
    return {row.section_code: str(row.indicator_display_code).rsplit("-", 1)[0] for row in codes.itertuples()}


def _results(note: Document, marts: CycleMarts) -> list:
    """Section 3; returns the blocks it puts in the appendix (the shares table behind the heatmap)."""
    note.add(Heading(say("regional.results_heading"), numbered=True))
    totals = marts.totals
    if totals.empty:
        note.add(Paragraph(say("regional.results_none")))
        return []
    region_share = totals["region_mean_share"].iloc[0]
    weak_line = marts.threshold("letter_weak_line")
    folder = charts_dir(marts.home, marts.monitoring_id)
    note.add(Paragraph(say("regional.totals", mean=percent(region_share), best=percent(totals["total_share"].max()),
                           best_name=totals.iloc[0]["municipality_name"], worst=percent(totals["total_share"].min()),
                           worst_name=totals.iloc[-1]["municipality_name"]),
                       ref=" ".join(row_ref("mart_municipality_totals", totals.iloc[i]) for i in (0, -1))))
    every_total = group_ref("mart_municipality_totals", monitoring_id=marts.monitoring_id,
                            municipality_oktmo=marts.region)
    note.add(Figure(charts.shares_by_name(folder / "totals.png", list(totals["municipality_name"]), list(totals["total_share"]),
                                          region_share, say("regional.totals_chart_region"), say("regional.totals_axis"),
                                          weak_below=weak_line),
                    say("regional.totals_caption", line=percent(weak_line)),
                    ref=f"{every_total} {printed_reference('mart_letter_thresholds', ['letter_weak_line'])}"))
    note.add(Figure(charts.distribution(folder / "distribution.png", list(totals["total_share"]),
                                        say("regional.totals_axis"), say("regional.distribution_count")),
                    say("regional.distribution_caption"), ref=every_total))
    section_titles = marts.sections.drop_duplicates("section_code").sort_values("section_order")
    short = section_abbreviations(marts)
    pivot = marts.sections.pivot_table(index="municipality_name", columns="section_code", values="section_share")
    total_of = totals.set_index("municipality_name")["total_share"]
    oktmo_of = totals.set_index("municipality_name")["municipality_oktmo"]
    means = marts.sections.groupby("section_code")["region_mean_share"].first()
    codes = list(section_titles["section_code"])
    shares = [[pivot.loc[name, code] for code in codes] + [total_of[name]] for name in pivot.index]
    shares.append([means[code] for code in codes] + [region_share])
    names = [*pivot.index, say("regional.region_mean_row")]
    every_section = group_ref("mart_section_scores", monitoring_id=marts.monitoring_id, municipality_oktmo=marts.region)
    note.add(Paragraph(say("regional.sections_text", sections="; ".join(
        say("regional.section_named", short=short[row.section_code], title=row.section_title)
        for row in section_titles.itertuples())), ref=every_section))
    note.add(Figure(charts.heatmap(folder / "sections.png", names, [short[code] for code in codes]
                                   + [say("regional.total_column")],
                                   [[None if pd.isna(v) else float(v) for v in row] for row in shares],
                                   say("regional.sections_legend"), highlight_last_row=True),
                    say("regional.sections_caption"), ref=f"{every_section} {every_total}"))
    indicators = marts.indicators.drop_duplicates("indicator_code")
    note.add(Table(headers("regional.indicators_columns"),
                   [[indicator_title(row.indicator_display_code, row.indicator_label), number(row.max_score, 0),
                     number(row.region_mean), number(row.region_median)] for row in indicators.itertuples()],
                   widths=[5.5, 1, 1.2, 1], caption=say("regional.indicators_caption"),
                   refs=[group_ref("mart_indicator_scores", monitoring_id=marts.monitoring_id,
                                   municipality_oktmo=marts.region, indicator_code=row.indicator_code)
                         for row in indicators.itertuples()]))
    _changes(note, marts, folder)
    return [Heading(say("regional.shares_appendix")),
            Table([say("regional.municipality_column")] + list(section_titles["section_title"])
                  + [say("regional.total_column")],
                  [[name] + [percent(value) for value in row] for name, row in zip(names, shares)],
                  widths=[2.6] + [1.6] * len(section_titles) + [1], caption=say("regional.shares_caption"),
                  refs=[*(printed_reference("mart_municipality_totals", [marts.monitoring_id, oktmo_of[name]])
                          for name in pivot.index), f"{every_section} {every_total}"])]


def _changes(note: Document, marts: CycleMarts, folder: Path) -> None:
    dynamics = marts.dynamics[marts.dynamics["previous_monitoring_id"].notna()]
    if dynamics.empty:
        note.add(Paragraph(say("regional.no_previous")))
        return
    previous = dynamics["previous_monitoring_id"].iloc[0]
    every = group_ref("mart_municipality_dynamics", monitoring_id=marts.monitoring_id, municipality_oktmo=marts.region)
    note.add(Paragraph(say("regional.changes", previous=previous,
                           better=int((dynamics["indicators_improved"] > dynamics["indicators_worsened"]).sum()),
                           worse=int((dynamics["indicators_worsened"] > dynamics["indicators_improved"]).sum())),
                       ref=every))
    note.add(Figure(charts.changes(folder / "changes.png", list(dynamics["municipality_name"]),
                                   [int(v) for v in dynamics["indicators_improved"]],
                                   [int(v) for v in dynamics["indicators_worsened"]], say("regional.changes_axis")),
                    say("regional.changes_caption", previous=previous), ref=every))


def _schools(note: Document, marts: CycleMarts) -> None:
    if marts.comparison.empty:
        return
    year = int(marts.results_year)
    c = marts.comparison
    note.add(Heading(say("regional.schools_heading", year=year), numbered=True))
    published = int(marts.list_comparison["is_published"].sum()) if not marts.list_comparison.empty else None
    on_list = marts.list_changes[marts.list_changes["result_year"] == year]
    compared = group_ref("mart_shnor_municipality_lists", municipality_oktmo=marts.region, result_year=year)
    refs = [compared]
    text = say("regional.schools_lists", federal=int(c["federal_schools"].sum()), year=year,
               regional=int(c["regional_schools"].sum()), both=int(c["in_both"].sum()),
               only_federal=int(c["only_federal"].sum()), only_regional=int(c["only_regional"].sum()),
               biased=int(c["biased_schools"].sum()))
    if published is not None:
        text += say("regional.schools_published", published=published)
        refs.append(group_ref("mart_regional_list_comparison", result_year=year))
    if not on_list.empty:
        text += say("regional.schools_computed", computed=int(on_list["on_list"].sum()))  # the rows of `compared`
    note.add(Paragraph(text, ref=" ".join(refs)))
    free = c[c["has_no_federal_listed_school"]]
    if free.empty:
        note.add(Paragraph(say("regional.no_free_municipalities"), ref=compared))
    else:
        note.add(Paragraph(say("regional.free_municipalities", year=year, count=len(free),
                               names=", ".join(free["municipality_name"])), ref=compared))
    moved = marts.shnor_dynamics.groupby("methodology")[["stayed", "entered", "left_list"]].sum()
    if not moved.empty:
        note.add(Bullets([say("regional.moved", list=say(f"regional.moved_{m}"), previous=year - 1, stayed=int(r.stayed),
                              entered=int(r.entered), left=int(r.left_list)) for m, r in moved.iterrows()],
                         refs=[group_ref("mart_shnor_municipality_lists", municipality_oktmo=marts.region, methodology=m,
                                         result_year=year) for m in moved.index]))
    coverage = marts.coverage.groupby("list_kind")[["listed_schools", "schools_without_mentor"]].sum()
    note.add(Table(headers("regional.coverage_columns"),
                   [[say(f"regional.coverage_{k}"), str(int(r.listed_schools)), str(int(r.schools_without_mentor))]
                    for k, r in coverage.iterrows()], widths=[3, 1, 2], caption=say("regional.coverage_caption"),
                   refs=[group_ref("mart_mentoring_coverage", municipality_oktmo=marts.region, result_year=year,
                                   list_kind=k) for k in coverage.index]))
    _list_transitions(note, marts, year)


def _count(value) -> str:
    return "—" if pd.isna(value) else str(int(value))


def _list_transitions(note: Document, marts: CycleMarts, year: int) -> None:
    """The computed list with its exit rule: entered, exited, persisting and cusp, per year and per municipality."""
    changes = marts.list_changes
    if changes.empty:
        return
    exit_cycles, band = int(marts.threshold("shnor_exit_cycles")), marts.threshold("shnor_cusp_band")
    note.add(Heading(say("regional.transitions_heading"), level=2))
    note.add(Paragraph(say("regional.transitions", cycles=exit_cycles, band=number(band, 2)),
                       ref=" ".join(printed_reference("mart_letter_thresholds", [name])
                                    for name in ("shnor_exit_cycles", "shnor_cusp_band"))))
    columns = ["on_list", "identified", "kept_by_exit_rule", "entered", "persisting", "exited", "cusp_schools"]
    titles = headers("regional.transitions_columns")
    by_year = changes.groupby("result_year")[columns].sum(min_count=1)
    note.add(Table([say("regional.year_column"), *titles],
                   [[str(int(y)), *(_count(r[c]) for c in columns)] for y, r in by_year.iterrows()],
                   widths=[0.8] + [1] * len(columns), caption=say("regional.transitions_caption"),
                   refs=[group_ref("mart_shnor_municipality_lists", municipality_oktmo=marts.region, result_year=int(y))
                         for y in by_year.index]))
    current = changes[(changes["result_year"] == year) & (changes[columns].fillna(0).sum(axis=1) > 0)]
    if not current.empty:
        note.add(Table([say("regional.municipality_column"), *titles],
                       [[row.municipality_name, *(_count(getattr(row, c)) for c in columns)] for row in current.itertuples()],
                       widths=[2.6] + [0.9] * len(columns),
                       caption=say("regional.transitions_by_municipality_caption", year=year),
                       refs=rows_refs(current, "mart_shnor_municipality_lists")))
    cusp = marts.list_status[marts.list_status["is_cusp"]]
    if not cusp.empty:
        note.add(Table(headers("regional.cusp_columns"),
                       [[row.municipality_name, row.school_name, row.cluster_name, number(row.ior, 2),
                         number(row.threshold_ior, 2), number(row.distance_to_threshold, 2)] for row in cusp.itertuples()],
                       widths=[2.2, 1.6, 2, 0.8, 1, 1], caption=say("regional.cusp_caption", year=year),
                       refs=rows_refs(cusp, "mart_shnor_list_status")))


SHORT_EVIDENCE = 40  # values by sub-item this long fit the item's table («МНЦ — 100 %; МТКП — 0 %»); longer go to appendix 5


def _shown(named: letter.Named) -> str:
    """The value that named a municipality: its values by sub-item when they are short, else the rule's value."""
    return named.evidence if named.evidence != "—" and len(named.evidence) <= SHORT_EVIDENCE else named.value


def _named_table(item: letter.LetterItem) -> Table:
    """Who an item names: the municipality, the value that named it, the threshold, the deadline (and, for
    pairs, the municipality it learns from)."""
    refs = [n.ref for n in item.named]
    if item.layout == "pairs":
        return Table(headers("letter.pair_columns"), [[n.municipality, _shown(n), n.threshold, n.partner or "—", n.due]
                                                     for n in item.named], widths=[3, 1, 1, 3, 1.2],
                     caption=say("regional.item_caption", number=item.number), refs=refs)
    if all(n.due == "—" for n in item.named):  # a rule with no measure has no deadline: no column of dashes
        return Table(headers("letter.columns")[:3], [[n.municipality, _shown(n), n.threshold] for n in item.named],
                     widths=[3.4, 2.2, 1], caption=say("regional.item_caption", number=item.number), refs=refs)
    return Table(headers("letter.columns"), [[n.municipality, _shown(n), n.threshold, n.due] for n in item.named],
                 widths=[3.4, 2.2, 1, 1.2], caption=say("regional.item_caption", number=item.number), refs=refs)


def _recommendations(note: Document, marts: CycleMarts, institution: str) -> list:
    """Section 5: each item's statement once, then a table of whom it names; returns the appendix tables of the
    values by sub-item behind each item."""
    note.add(Heading(say("regional.recommendations_heading"), numbered=True))
    recommendation = marts.recommendation
    if recommendation.empty:  # no rule reads this form (recommendation_evidence names rules by form)
        note.add(Paragraph(letter.no_rules()))
        return []
    items = letter.letter_items(recommendation, institution)
    if not items:
        note.add(Paragraph(say("regional.no_recommendations")))
        return []
    note.add(Paragraph(say("regional.recommendations_intro"),
                       ref=group_ref("mart_recommendation", monitoring_id=marts.monitoring_id,
                                     municipality_oktmo=marts.region)))
    evidence = []
    def rule_ref(code: str) -> str:  # every municipality the rule judged: its condition, threshold and values
        return group_ref("mart_recommendation", monitoring_id=marts.monitoring_id, rule_code=code,
                         municipality_oktmo=marts.region)

    for item in items:
        note.add(Paragraph(f"{item.number}. {item.text}", ref=rule_ref(item.rule_code)))
        if not item.named:
            continue
        note.add(_named_table(item))
        if item.layout == "list":
            practices = letter.practices(item)
            note.add(Table(headers("letter.practice_columns"), practices, widths=[3, 3],
                           caption=say("regional.practices_caption", number=item.number),
                           refs=[" ".join(n.ref for n in item.named if part in n.fields) for part, _ in practices]))
        detailed = [n for n in item.named if n.evidence not in ("—", _shown(n))]
        if detailed:
            evidence.append(Table(headers("letter.evidence_columns"), [[n.municipality, n.evidence] for n in detailed],
                                  widths=[2, 5], refs=[n.ref for n in detailed],
                                  caption=say("regional.evidence_caption", index=len(evidence) + 1,
                                              number=item.number, title=item.title)))
    silent = letter.silent_rules(recommendation)
    if silent:
        codes = dict(zip(recommendation["title"], recommendation["rule_code"]))
        note.add(Paragraph(say("regional.silent_rules", titles="; ".join(f"«{t}»" for t in silent)),
                           ref=" ".join(rule_ref(codes[t]) for t in silent)))
    rules = recommendation.drop_duplicates(["rule_order", "rule_code"]).sort_values(["rule_order", "rule_code"])
    note.add(Table(headers("letter.rules_columns"), letter.rules_table(recommendation),
                   widths=[0.95, 1.9, 2.35, 1.5, 1.3, 0.9, 1.1, 0.9], caption=say("regional.rules_caption"),
                   refs=[rule_ref(code) for code in rules["rule_code"]]))
    return evidence


def _measures(note: Document, marts: CycleMarts) -> None:
    measures = letter.measures(marts.recommendation)
    if not measures:
        return
    note.add(Heading(say("regional.measures_heading"), numbered=True))
    for measure in measures:
        note.add(Paragraph(f"{measure.number}. {letter.measure_text(measure)}",
                           ref=" ".join(n.ref for _, named in measure.grounds for n in named)))
        for ground, named in measure.grounds:  # the ground stated once, in the caption of its table
            note.add(Table(headers("letter.columns")[:3], [[n.municipality, _shown(n), n.threshold] for n in named],
                           widths=[3.4, 2.2, 1], caption=say("regional.measure_caption", number=measure.number,
                                                             ground=ground), refs=[n.ref for n in named]))


def _row_accounting(note: Document, marts: CycleMarts) -> None:
    """Every row of the files accounted (mart_row_fates): read, in the marts, waiting in review, dropped and why."""
    rows = marts.row_accounting
    if rows is None or rows.empty:
        return
    table, refs = [], []  # a kind's row: one reference to the rows of its files (mart_row_accounting), which add up
    for kind, group in rows.groupby("source_kind", sort=False):
        refs.append(group_ref("mart_row_accounting", source_kind=kind))
        counted = group.groupby("fate")["source_rows"].sum()
        missed = group[group["fate"] != "mart"]
        table.append([SOURCE_KINDS[kind].title if kind in SOURCE_KINDS else kind, number(group["source_rows"].sum(), 0),
                      number(counted.get("mart", 0), 0), number(counted.get("review", 0), 0),
                      number(counted.get("dropped", 0), 0),
                      "; ".join(f"{r.reason} — {number(r.source_rows, 0)}" for r in missed.itertuples()) or "—"])
    note.add(Table(headers("regional.row_accounting_columns"), table, widths=[2.2, 1, 1, 1, 1, 3.6],
                   caption=say("regional.row_accounting_caption"), refs=refs))


def _data_quality(note: Document, marts: CycleMarts) -> None:
    """Appendix 1: counts that contradict other sources, with the municipality and both numbers, a table per
    check (more tables of data quality go here, each under its own level-2 heading)."""
    note.add(Heading(say("regional.quality_heading")))
    _row_accounting(note, marts)
    checks = marts.data_quality
    if checks.empty:
        note.add(Paragraph(say("regional.quality_no_results" if pd.isna(marts.results_year) else "regional.quality_none")))
        return
    for index, ((_, title), rows) in enumerate(checks.groupby(["check_order", "check_title"], sort=True), start=1):
        first = rows.iloc[0]
        caption = say("regional.quality_caption", index=index, title=title, reported=first["reported_source"],
                      reference=first["reference_source"])
        note.add(Heading(say("regional.quality_check_heading", title=title, count=rows["municipality_oktmo"].nunique()),
                         level=2))
        if rows["school_code"].notna().any():
            table, refs = [], []  # a municipality's row: the reference of its widest gap, the figures it spells out
            for name, group in rows.groupby("municipality_name", sort=True):
                worst = group.loc[(group["reported_value"] - group["reference_value"]).idxmax()]
                table.append([name, str(group["school_code"].nunique()), str(len(group)),
                              say("regional.quality_worst", school=worst["school_name"], subject=worst["subject"],
                                  reported=number(worst["reported_value"], 0),
                                  reference=number(worst["reference_value"], 0), detail=worst["detail"])])
                refs.append(row_ref("mart_data_quality_checks", worst))
            note.add(Table(headers("regional.quality_school_columns"), table, widths=[2.4, 0.7, 0.8, 5], caption=caption,
                           refs=refs))
        else:
            codes = sorted(set(rows["subject_code"]), key=_natural)
            labels = dict(zip(rows["subject_code"], rows["subject"]))
            details = list(dict.fromkeys(rows["detail"]))
            note.add(Paragraph("; ".join(labels[code] for code in codes) + "."
                               + (say("regional.quality_checked", detail=details[0]) if len(details) == 1 else ""),
                               ref=group_ref("mart_data_quality_checks", monitoring_id=marts.monitoring_id,
                                             check_code=first["check_code"], municipality_oktmo=marts.region)))
            values = rows.pivot_table(index="municipality_name", columns="subject_code", values="reported_value",
                                      aggfunc="first")
            reference = rows.groupby(["municipality_name", "subject_code"])["reference_value"].first()
            explained = rows.groupby("municipality_name")["detail"].apply(lambda d: "; ".join(dict.fromkeys(d)))
            table = [[name, *(say("regional.quality_pair", reported=number(values.loc[name, code], 0),
                                  reference=number(reference[(name, code)], 0))
                             if not pd.isna(values.loc[name, code]) else "—" for code in codes)]
                     + ([explained[name]] if len(details) > 1 else []) for name in values.index]
            shown_as = dict(zip(marts.indicators["indicator_code"], marts.indicators["indicator_display_code"]))
            columns = ([say("regional.municipality_column"), *(shown_as.get(code, code) for code in codes)]
                       + ([say("regional.quality_note_column")] if len(details) > 1 else []))
            refs = rows.assign(order=rows["subject_code"].map(codes.index)).sort_values("order").groupby(
                "municipality_name").apply(lambda group: " ".join(rows_refs(group, "mart_data_quality_checks")))
            note.add(Table(columns, table, widths=[2.6, *([4.6 / len(codes)] * len(codes))]
                           + ([2.4] if len(details) > 1 else []), caption=caption,
                           refs=[refs[name] for name in values.index]))


def _natural(code: str) -> list:
    """MPH-8 before MPH-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _list_comparison(note: Document, marts: CycleMarts) -> None:
    """The region's published list beside the computed one, each difference with its reason: a table per side
    (only in the published list, only in the computed one), a row per reason naming its municipalities' schools."""
    compared = marts.list_comparison
    note.add(Heading(say("regional.lists_heading")))
    if compared.empty:
        note.add(Paragraph(say("regional.lists_none")))
        return
    year = int(compared["result_year"].iloc[0])
    summary = compared.groupby("municipality_name").agg(
        published=("is_published", "sum"), computed=("is_computed", "sum"),
        both=("difference", lambda d: int((d == "both").sum())),
        only_published=("difference", lambda d: int((d == "only_published").sum())),
        only_computed=("difference", lambda d: int((d == "only_computed").sum())))
    note.add(Paragraph(say("regional.lists", year=year, published=int(compared["is_published"].sum()),
                           computed=int(compared["is_computed"].sum()), both=int((compared["difference"] == "both").sum()),
                           only_published=int((compared["difference"] == "only_published").sum()),
                           only_computed=int((compared["difference"] == "only_computed").sum())),
                       ref=group_ref("mart_regional_list_comparison", result_year=year)))
    schools = {name: " ".join(rows_refs(group, "mart_regional_list_comparison"))
               for name, group in compared.groupby("municipality_name")}
    note.add(Table(headers("regional.lists_columns"), [[name, *(str(int(v)) for v in row)] for name, row in summary.iterrows()],
                   widths=[2.6, 1.1, 1, 0.8, 1.3, 1.2], caption=say("regional.lists_caption"),
                   refs=[schools[name] for name in summary.index]))
    index = 2
    for where in ("only_published", "only_computed"):
        differences = compared[compared["difference"] == where]
        if differences.empty:
            continue
        rows = [[reason, "; ".join(say("regional.differences_schools", municipality=name,
                                       schools=", ".join(group["school_name"]))
                                   for name, group in by_reason.groupby("municipality_name", sort=True))]
                for reason, by_reason in differences.groupby("reason", sort=True)]  # each reason stated once
        note.add(Table(headers("regional.differences_columns"), rows, widths=[3, 5.6],
                       caption=say("regional.differences_caption", index=index, where=say(f"regional.{where}")),
                       refs=[" ".join(rows_refs(by_reason, "mart_regional_list_comparison"))
                             for _, by_reason in differences.groupby("reason", sort=True)]))
        index += 1


def write_regional_note(marts: CycleMarts, origin: Provenance) -> dict[str, Path]:
    note = regional_note(marts, origin)
    folder = marts.home.reports / marts.monitoring_id
    stem = f"spravka_{marts.monitoring_id}"
    return {"docx": write_docx(note, folder / f"{stem}.docx"), "pdf": write_pdf(note, folder / f"{stem}.pdf")}
