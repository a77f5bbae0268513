"""The roadmap and people sections of the regional and municipal notes: how the municipalities' roadmaps
were carried out (from reported evidence only: mart_roadmap_completion, mart_roadmap_status,
mart_roadmap_activities, mart_roadmap_plan) and who supports the schools (counts only, never names:
mart_municipality_people, mart_school_people, mart_curator_load, mart_post_project_schools). Every number
comes from those marts; this module only words and lays them out."""

from __future__ import annotations

import pandas as pd

from reports.document import Bullets, Document, Heading, Paragraph, Table, count, percent, ru_date
from reports.frames import group_ref, own, records, row_ref, rows_refs
from reports.wording import headers, say

DOCUMENT_KINDS = ("roadmap", "order", "certificate", "plan", "programme", "letter", "protocol", "monitoring", "analysis",
                  "report", "recommendations")


def _n(value) -> int:
    return 0 if pd.isna(value) else int(value)


def _int(value) -> str:
    return count(_n(value))


def _activity_name(row) -> str:
    if isinstance(row.activity_code, str) and isinstance(row.catalogue_activity, str):
        return say("support.catalogue_activity", number=int(row.activity_code[2:]), activity=row.catalogue_activity)
    return say("support.own_activities")


def _document(row) -> str:
    if pd.isna(row.evidence_date):
        return "—"
    kind = row.document_kind if isinstance(row.document_kind, str) and row.document_kind in DOCUMENT_KINDS else "other"
    parts = [say(f"support.document_{kind}")]
    if isinstance(row.document_number, str):
        parts.append(say("support.document_number", number=row.document_number))
    parts.append(say("support.document_date", date=ru_date(row.evidence_date)))
    return " ".join(parts)


# --- the regional note ---------------------------------------------------------------------------------

def regional_roadmaps(note: Document, marts) -> None:
    completion = marts.roadmap_completion
    if completion.empty:
        return
    as_of = ru_date(completion["as_of_date"].iloc[0])
    year = int(completion["roadmap_year"].iloc[0])
    note.add(Heading(say("support.roadmaps_heading", year=year), numbered=True))
    with_roadmap = completion[completion["has_roadmap"]]
    every = group_ref("mart_roadmap_completion", monitoring_id=marts.monitoring_id, municipality_oktmo=marts.region)
    note.add(Paragraph(say("support.roadmaps", year=year, with_roadmap=len(with_roadmap), total=len(completion),
                           reported=int((completion["report_files"] > 0).sum())), ref=every))
    due = int(completion["due_dates_passed"].sum())
    if due:
        note.add(Paragraph(say("support.roadmaps_due", as_of=as_of, due=due, on_time=_int(completion["done_on_time"].sum()),
                               late=_int(completion["done_late"].sum()), missing=_int(completion["missing"].sum()),
                               completion=percent(completion["region_completion_share"].iloc[0]),
                               on_time_share=percent(completion["region_on_time_share"].iloc[0]),
                               without_document=_int(completion["reported_without_document"].sum())), ref=every))
    missing_roadmap = completion[~completion["has_roadmap"]]
    if not missing_roadmap.empty:
        note.add(Paragraph(say("support.roadmaps_missing", names=", ".join(missing_roadmap["municipality_name"])),
                           ref=" ".join(rows_refs(missing_roadmap, "mart_roadmap_completion"))))
    note.add(Table(
        headers("support.roadmaps_columns"),
        [[row.municipality_name, say("support.planned", planned=_int(row.activities_planned),
                                     catalogue=_int(row.catalogue_activities_planned)),
          _int(row.extra_activities), _int(row.due_dates_passed), _int(row.done_on_time),
          _int(row.done_late), _int(row.missing), percent(row.completion_share)]
         for row in records(completion)],
        widths=[2.6, 1.5, 0.8, 1.2, 1.0, 1.4, 1.6, 1.2], caption=say("support.roadmaps_caption", as_of=as_of),
        refs=rows_refs(completion, "mart_roadmap_completion")))
    activities = marts.roadmap_activities
    troubled = activities[(activities["municipalities_late"] + activities["municipalities_missing"]) > 0].head(8)
    if not troubled.empty:
        note.add(Paragraph(say("support.troubled"), ref=" ".join(rows_refs(troubled, "mart_roadmap_activities"))))
        note.add(Bullets([say("support.troubled_item", activity=_activity_name(row), late=_int(row.municipalities_late),
                              missing=_int(row.municipalities_missing), planned=_int(row.municipalities_planned))
                          for row in records(troubled)], refs=rows_refs(troubled, "mart_roadmap_activities")))


def regional_people(note: Document, marts) -> None:
    people = marts.municipality_people
    if people.empty:
        return
    year = int(people["people_year"].iloc[0])
    first = people.iloc[0]
    total = people.sum(numeric_only=True)
    note.add(Heading(say("support.people_heading", year=year), numbered=True))
    every = group_ref("mart_municipality_people", municipality_oktmo=marts.region, people_year=year)
    note.add(Paragraph(say("support.people_teams", shnor=_int(total["shnor_schools"]),
                           with_team=_int(total["shnor_with_team_registry"]), complete=_int(total["shnor_team_complete"]),
                           complete_share=percent(first["region_team_complete_share"]), teachers=_int(total["teachers"]),
                           year=year, developed=_int(total["teachers_with_development"]),
                           developed_share=percent(first["region_development_share"])), ref=every))
    note.add(Paragraph(say("support.people_curators", project=_int(total["project_500_schools"]),
                           with_curator=_int(total["project_500_with_curator"]),
                           coverage=percent(first["region_curator_coverage_share"]), curators=_int(total["curators"]),
                           overloaded=_int(total["curators_overloaded"]), from_shnor=_int(total["curators_from_shnor"]),
                           continuing=_int(total["curators_continuing"]),
                           same_curator=_int(total["schools_with_same_curator"]),
                           mentors=_int(total["mentors_registered"]), tutors=_int(total["tutors_registered"])),
                       ref=every))
    if _n(total["post_project_schools"]):
        note.add(Paragraph(say("support.people_post_project", schools=_int(total["post_project_schools"]),
                               improved=_int(total["post_project_improved"]),
                               back=_int(total["post_project_back_on_list"])), ref=every))
    rows = people[(people["shnor_schools"] + people["project_500_schools"] + people["post_project_schools"]) > 0]
    note.add(Table(
        headers("support.people_columns"),
        [[row.municipality_name, _int(row.shnor_schools), _int(row.shnor_team_complete), _int(row.teachers),
          percent(row.development_share), _int(row.project_500_schools), _int(row.project_500_with_curator),
          _int(row.curators), _int(row.curators_from_shnor)] for row in records(rows)],
        widths=[2.4, 0.9, 1.2, 1.2, 1.9, 0.9, 1.2, 1.2, 1.2], caption=say("support.people_caption"),
        refs=rows_refs(rows, "mart_municipality_people")))


# --- the municipal note --------------------------------------------------------------------------------

def municipal_roadmap(note: Document, marts, oktmo: str) -> None:
    rows = own(marts.roadmap_completion, oktmo)
    if rows.empty:
        return
    row = rows.iloc[0]
    year, as_of = int(row["roadmap_year"]), ru_date(row["as_of_date"])
    ref = row_ref("mart_roadmap_completion", row)  # every count of the section is this row's
    note.add(Heading(say("support.roadmap_heading", year=year), numbered=True))
    if not row["has_roadmap"]:
        note.add(Paragraph(say("support.roadmap_none", year=year), ref=ref))
        return
    plan = own(marts.roadmap_plan, oktmo)
    left_out = plan[~plan["in_plan"]].sort_values("catalogue_number")
    changed = plan[plan["periodicity_differs"]]
    catalogue_total = _n(row["catalogue_activities_planned"]) + _n(row["catalogue_activities_missing"])
    note.add(Paragraph(say("support.roadmap_plan", planned=_int(row["activities_planned"]),
                           catalogue=_int(row["catalogue_activities_planned"]), catalogue_total=catalogue_total,
                           extra=_int(row["extra_activities"]), changed=_int(row["periodicities_changed"])), ref=ref))
    if not left_out.empty:
        note.add(Paragraph(say("support.roadmap_left_out", activities="; ".join(
            say("support.activity", number=int(r.catalogue_number), text=r.catalogue_activity)
            for r in records(left_out))), ref=ref))  # not in the plan: no row of its own to name
    if not changed.empty:
        note.add(Paragraph(say("support.roadmap_changed", activities="; ".join(
            say("support.activity", number=int(r.activity_number), text=r.activity_text) for r in records(changed))),
            ref=" ".join(rows_refs(changed, "mart_roadmap_plan"))))
    if not _n(row["report_files"]):
        note.add(Paragraph(say("support.roadmap_no_report"), ref=ref))
    note.add(Paragraph(say("support.roadmap_due", as_of=as_of, due=_int(row["due_dates_passed"]),
                           on_time=_int(row["done_on_time"]), late=_int(row["done_late"]), missing=_int(row["missing"]),
                           completion=percent(row["completion_share"]),
                           region_completion=percent(row["region_completion_share"]),
                           without_document=_int(row["reported_without_document"]), not_due=_int(row["not_due_yet"])),
                           ref=ref))
    status = own(marts.roadmap, oktmo)
    status = status[status["status"].isin(["late", "missing"])]
    if not status.empty:
        note.add(Table(headers("support.roadmap_columns"),
                       [[str(int(r.activity_number)), r.activity_text, ru_date(r.due_date),
                         say(f"support.status_{r.status}")
                         + (say("support.days_late", days=int(r.days_late)) if r.status == "late" else "")
                         + (say("support.without_document") if r.reported_without_document else ""), _document(r)]
                        for r in records(status)],
                       widths=[0.4, 4.4, 1, 1.5, 1.8], caption=say("support.roadmap_caption"),
                       refs=rows_refs(status, "mart_roadmap_status"), ref_column=1))


def municipal_people(note: Document, marts, oktmo: str) -> None:
    rows = own(marts.municipality_people, oktmo)
    if rows.empty:
        return
    row = rows.iloc[0]
    year = int(row["people_year"])
    ref = row_ref("mart_municipality_people", row)  # every count of the section's text is this row's
    note.add(Heading(say("support.people_heading", year=year), numbered=True))
    note.add(Paragraph(say("support.own_people", shnor=_int(row["shnor_schools"]),
                           with_team=_int(row["shnor_with_team_registry"]), complete=_int(row["shnor_team_complete"]),
                           complete_share=percent(row["team_complete_share"]),
                           region_complete_share=percent(row["region_team_complete_share"]),
                           teachers=_int(row["teachers"]), year=year, developed=_int(row["teachers_with_development"]),
                           developed_share=percent(row["development_share"]),
                           region_developed_share=percent(row["region_development_share"])), ref=ref))
    if _n(row["project_500_schools"]) or _n(row["curators"]):
        note.add(Paragraph(say("support.own_curators", project=_int(row["project_500_schools"]),
                               with_curator=_int(row["project_500_with_curator"]),
                               coverage=percent(row["curator_coverage_share"]), curators=_int(row["curators"]),
                               max_load=_int(row["max_schools_per_curator"]), from_shnor=_int(row["curators_from_shnor"]),
                               same_curator=_int(row["schools_with_same_curator"]), visits=_int(row["curator_visits"])),
                           ref=ref))
    note.add(Paragraph(say("support.own_mentors", mentors=_int(row["mentors_registered"]),
                           tutors=_int(row["tutors_registered"])), ref=ref))
    if _n(row["post_project_schools"]):
        note.add(Paragraph(say("support.own_post_project", schools=_int(row["post_project_schools"]),
                               improved=_int(row["post_project_improved"]), back=_int(row["post_project_back_on_list"])),
                           ref=ref))
    schools = own(marts.school_people, oktmo)
    if not schools.empty:
        note.add(Table(headers("support.school_columns"),
                       [[s.school_name, ", ".join(say(f"support.list_{kind}") for flag, kind in (
                           (s.is_shnor, "shnor"), (s.is_project_500, "project_500"), (s.is_post_project, "post_project"))
                           if flag),
                         say("support.team", members=int(s.team_members),
                             complete=say("common.answer_yes") if s.is_team_complete else say("common.answer_no")),
                         str(int(s.teachers)), percent(s.development_share),
                         say("common.answer_yes") if s.curators else say("common.answer_no"), str(int(s.curator_visits))]
                        for s in records(schools)],
                       widths=[2.2, 1.4, 1.2, 0.9, 1.3, 0.9, 0.9], caption=say("support.school_caption"),
                       refs=rows_refs(schools, "mart_school_people")))
