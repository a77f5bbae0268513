"""One note per municipality of a cycle: its scores against the region (every indicator beside the region's
value), its dynamics, its ШНОР with their context and risk profile, their assessment results over two years and
their place in the computed list, its own recommendations with their evidence and measures, its roadmap's
execution, the people who support its schools (counts, no names) and whether its form came, late or not."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd

from reports import charts, letter
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, count, number, percent
from reports.docx_writer import document_charts, write_docx
from reports.frames import once, own, records, row_ref, rows_refs
from reports.pdf_writer import write_pdf
from reports.provenance import Provenance, code_digest
from reports.regional_note import CycleMarts, charts_dir
from reports.support_sections import municipal_people, municipal_roadmap
from reports.wording import headers, say
from shnor_core.lineage import printed_reference
from shnor_core.reference import indicator_title
from shnor_core.text import typed_number

CHART_BATCH = 50  # notes whose charts are drawn in one compile (about 100 pages of PNG held at once)
NOTES_PER_WORKER = 60  # notes cost ≈ 0.1 s of CPU each: a worker pays its start-up (≈ 2 s of imports) from this many on


def municipal_note(marts: CycleMarts, origin: Provenance, oktmo: str) -> Document:
    status = own(origin.submissions, oktmo).iloc[0]
    name = status["municipality_name"]
    monitoring = origin.monitoring
    note = Document(title=say("common.municipal_title", name=name),
                    subtitle=[say("common.municipal_subtitle", title=monitoring.title),
                              say("common.window", region=origin.region, window=origin.window())],
                    footer=origin.footer(), mark=origin.mark, author=origin.institution)
    note.add(Heading(say("municipal.form_heading"), numbered=True))
    line = say("municipal.form_status", status=say(f"common.status_{status['submission_status']}"),
               versions=count(status["versions_received"]))
    if status["versions_rejected"]:
        line += say("municipal.form_rejected", rejected=count(status["versions_rejected"]))
    if status["is_late"]:
        line += say("municipal.form_late")
    note.add(Paragraph(line + ".", ref=row_ref("mart_submission_status", status)))
    _scores(note, marts, oktmo, name)
    _schools(note, marts, oktmo)
    _recommendations(note, marts, oktmo, origin.institution)
    municipal_roadmap(note, marts, oktmo)
    municipal_people(note, marts, oktmo)
    return note.list_abbreviations()


def _change(direction: str) -> str:
    return say(f"common.change_{direction}")


def _scores(note: Document, marts: CycleMarts, oktmo: str, name: str) -> None:
    sections = own(marts.sections, oktmo)
    note.add(Heading(say("municipal.scores_heading"), numbered=True))
    if sections.empty:
        note.add(Paragraph(say("municipal.scores_none")))
        return
    scored = int(marts.totals["municipalities_scored"].iloc[0])
    note.add(Table(headers("municipal.sections_columns"),
                   [[row.section_title, percent(row.section_share), percent(row.region_mean_share),
                     say("municipal.rank", rank=int(row.region_rank), of=scored), _change(row.change_direction)]
                    for row in records(sections)], widths=[4, 1.3, 1.3, 1.2, 1.3],
                   caption=say("municipal.sections_caption", name=name),
                   refs=rows_refs(sections, "mart_section_scores")))
    indicators = own(marts.indicators, oktmo)
    presence = indicators[indicators["indicator_kind"] == "presence"]
    counts = indicators[indicators["indicator_kind"] == "count"]
    note.add(Table(headers("municipal.indicators_columns"),
                   [[indicator_title(row.indicator_display_code, row.indicator_label), typed_number(row.score), count(row.max_score),
                     number(row.region_mean), _change(row.change_direction)] for row in records(indicators)],
                   widths=[5, 0.9, 0.9, 1.1, 1.2], caption=say("municipal.indicators_caption", name=name),
                   refs=rows_refs(indicators, "mart_indicator_scores")))
    folder = charts_dir(marts.home, marts.monitoring_id) / "municipalities"
    weak_line = marts.threshold("letter_weak_line")
    note.add(Figure(charts.shares_against_region(
        folder / f"{oktmo}.png", list(presence["indicator_display_code"]), list(presence["share_of_max"]),
        [None if pd.isna(v) else float(v) for v in presence["region_mean_share"]], name,
        say("municipal.region_marker"), say("municipal.shares_axis"), weak_below=weak_line),
        say("municipal.shares_caption", name=name, line=percent(weak_line)),
        ref=row_ref("mart_municipality_totals", own(marts.totals, oktmo).iloc[0])))
    if not counts.empty:
        note.add(Figure(charts.beside_region(folder / f"{oktmo}_counts.png", list(counts["indicator_display_code"]),
                                             list(counts["score"]), list(counts["region_mean"]), name,
                                             say("municipal.counts_region"), say("municipal.counts_axis"), as_share=False),
                        say("municipal.counts_caption", name=name), ref=" ".join(rows_refs(counts, "mart_indicator_scores"))))
    dynamics = own(marts.dynamics, oktmo)
    for row in records(dynamics[dynamics["previous_monitoring_id"].notna()]):
        note.add(Paragraph(say("municipal.dynamics", previous=row.previous_monitoring_id,
                               improved=count(row.indicators_improved), worsened=count(row.indicators_worsened),
                               unchanged=count(row.indicators_unchanged)),
                           ref=row_ref("mart_municipality_dynamics", row)))


def _factors(risk_profiles: pd.DataFrame) -> pd.Series:
    """Each school's risk factors in one line."""
    return risk_profiles.groupby("school_code")["factor_name"].apply(lambda names: "; ".join(sorted(names)))


def _schools(note: Document, marts: CycleMarts, oktmo: str) -> None:
    if pd.isna(marts.results_year):
        note.add(Heading(say("municipal.schools_heading_no_year"), numbered=True))
        note.add(Paragraph(say("municipal.results_no_year")))
        return
    year = int(marts.results_year)
    schools = own(marts.schools, oktmo)
    note.add(Heading(say("municipal.schools_heading", year=year), numbered=True))
    for row in records(own(marts.comparison, oktmo)):
        note.add(Paragraph(say("municipal.schools_lists", federal=count(row.federal_schools),
                               regional=count(row.regional_schools), both=count(row.in_both),
                               only_federal=count(row.only_federal), only_regional=count(row.only_regional),
                               biased=count(row.biased_schools)), ref=row_ref("mart_shnor_municipality_lists", row)))
    for row in records(own(marts.shnor_dynamics, oktmo)):
        note.add(Paragraph(say("municipal.list_moves", list=say(f"municipal.list_{row.methodology}"),
                               stayed=count(row.stayed), entered=count(row.entered), left=count(row.left_list)),
                           ref=row_ref("mart_shnor_municipality_lists", row)))
    changes = own(marts.list_changes, oktmo)
    for row in records(changes[changes["result_year"] == marts.results_year]):
        moves = "" if pd.isna(row.entered) else say("municipal.computed_moves", entered=count(row.entered),
                                                    persisting=count(row.persisting), exited=count(row.exited))
        note.add(Paragraph(say("municipal.computed_list", on_list=count(row.on_list), moves=moves,
                               kept=count(row.kept_by_exit_rule), cusp=count(row.cusp_schools)),
                           ref=row_ref("mart_shnor_municipality_lists", row)))
    status = own(marts.list_status, oktmo)
    cusp = status[status["is_cusp"]]
    if not cusp.empty:
        note.add(Bullets([say("municipal.cusp_school", school=row.school_name, ior=number(row.ior, 2),
                              cluster=row.cluster_name, threshold=number(row.threshold_ior, 2),
                              distance=number(row.distance_to_threshold, 2)) for row in records(cusp)],
                         refs=rows_refs(cusp, "mart_shnor_list_status")))
    if schools.empty:
        note.add(Paragraph(say("municipal.no_shnor")))
        return
    factors = once("factors", marts.risk_profiles, _factors)
    rows = []
    for row in records(schools):
        lists = ", ".join(say(f"municipal.list_{label}") for flag, label in
                          ((row.is_federal_shnor, "fioco"), (row.is_regional_shnor, "region")) if flag)
        context = row.cluster_name + (say("municipal.sscu") if row.is_sscu and "ШССУ" not in row.cluster_name else "")
        rows.append([row.school_name, lists, number(row.ior, 2), context, row.reasons if isinstance(row.reasons, str) else "—",
                     factors.get(row.school_code, "—"), say("common.answer_yes") if row.mentors_assigned else say("common.answer_no")])
    note.add(Table(headers("municipal.shnor_columns"), rows, widths=[1.6, 1, 0.8, 1.6, 2.4, 2.6, 1],
                   caption=say("municipal.shnor_caption"),
                   refs=rows_refs(schools, "mart_school_identification")))
    _results(note, marts, schools, year)


def _results(note: Document, marts: CycleMarts, schools: pd.DataFrame, year: int) -> None:
    """What the marts hold of the ШНОР's assessment results in the note's year and the year before (fct_assessment_results,
    small cells suppressed there), school by school; or that they hold none."""
    note.add(Heading(say("municipal.results_heading", previous=year - 1, year=year), level=2))
    results = own(marts.assessment, str(schools["municipality_oktmo"].iloc[0]))
    results = results[results["school_code"].isin(schools["school_code"])]
    if results.empty:
        note.add(Paragraph(say("municipal.results_missing", previous=year - 1, year=year)))
        return
    note.add(Paragraph(say("municipal.results", previous=year - 1, year=year)))
    names = dict(zip(schools["school_code"], schools["school_name"]))
    cells: dict[tuple, dict[int, tuple]] = {}
    for row in records(results):
        key = (row.school_code, row.assessment_procedure, row.subject, row.grade)
        cells.setdefault(key, {})[int(row.assessment_year)] = (count(row.participants), percent(row.low_result_share),
                                                               row_ref("fct_assessment_results", row))
    rows, refs = [], []
    for key in sorted(cells, key=lambda k: (names[k[0]], *map(str, k[1:]))):
        was, is_ = cells[key].get(year - 1, ("—", "—", None)), cells[key].get(year, ("—", "—", None))
        rows.append([names[key[0]], say("municipal.results_cell", procedure=key[1], subject=key[2], grade=key[3]),
                     was[0], is_[0], was[1], is_[1]])
        refs.append(" ".join(ref for ref in (was[2], is_[2]) if ref))  # a row shows the two years' rows
    note.add(Table(headers("municipal.results_columns", previous=year - 1, year=year), rows,
                   widths=[1.6, 2.6, 1, 1, 1, 1], caption=say("municipal.results_caption", previous=year - 1, year=year),
                   refs=refs))


def _recommendations(note: Document, marts: CycleMarts, oktmo: str, institution: str) -> None:
    note.add(Heading(say("municipal.recommendations_heading"), numbered=True))
    if marts.recommendation.empty:  # no rule reads this form
        note.add(Paragraph(letter.no_rules()))
        return
    lines = letter.own_recommendations(own(marts.recommendation, oktmo), institution)
    if not lines:
        note.add(Paragraph(say("municipal.no_recommendations")))
        return
    monitoring = marts.recommendation["monitoring_id"].iloc[0]
    note.add(Bullets([line for line, _ in lines], numbered=True,
                     refs=[printed_reference("mart_recommendation", [monitoring, rule, oktmo]) for _, rule in lines]))


def _content_digest(note: Document, code: str) -> str:
    """What a note shows (its footer, which carries the time it was made, left out) and the code that lays it out."""
    return hashlib.sha256(f"{dataclasses.replace(note, footer='')!r}|{code}".encode()).hexdigest()


def _digest_record(path: Path) -> Path:
    return path.parent / ".digests" / f"{path.stem}.sha256"


def _shows_the_same(path: Path, digest: str) -> bool:
    """The note's .docx and PDF are there and were written from this very content."""
    record = _digest_record(path)
    return (path.exists() and path.with_suffix(".pdf").exists() and record.exists()
            and record.read_text(encoding="utf-8") == digest)


def _write_notes(marts: CycleMarts, origin: Provenance, jobs: list[tuple[str, Path]], code: str,
                 progress=None) -> list[tuple[Path, bool]]:
    """Each note as .docx and, beside it, as PDF: (its .docx, whether it was written). A note that shows what
    its files already show is left as it is (a rerun whose new data changed one municipality's figures and not
    the region's rewrites that note only). ``progress`` hears of every ten. The charts of ``CHART_BATCH`` notes
    are drawn in one compile before they are written."""
    written = []
    for start in range(0, len(jobs), CHART_BATCH):
        batch = [(municipal_note(marts, origin, oktmo), path) for oktmo, path in jobs[start:start + CHART_BATCH]]
        digests = [_content_digest(note, code) for note, _ in batch]
        changed = [not _shows_the_same(path, digest) for (_, path), digest in zip(batch, digests, strict=True)]
        charts.render([chart for (note, _), new in zip(batch, changed, strict=True) if new
                       for chart in document_charts(note)])
        for (note, path), digest, new in zip(batch, digests, changed, strict=True):
            if new:
                record = _digest_record(path)
                record.unlink(missing_ok=True)  # a crash between the two files leaves no false record
                write_docx(note, path)
                write_pdf(note, path.with_suffix(".pdf"))
                record.parent.mkdir(exist_ok=True)
                record.write_text(digest, encoding="utf-8")
            written.append((path, new))
            if progress is not None and len(written) % 10 == 0 and len(written) < len(jobs):
                progress(say("progress.notes", done=len(written), total=len(jobs)))
    return written


@cache
def _note_writers(workers: int) -> ProcessPoolExecutor:
    """Worker processes kept for the life of this process, so a run with many cycles pays their start-up
    (imports of pandas, python-docx, Typst) once; spawned, which is safe inside an Airflow task."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def write_municipal_notes(home, monitoring_id: str, marts: CycleMarts, origin: Provenance, progress=None) -> list[Path]:
    """One note per municipality of the cycle's region, .docx and PDF. Notes are independent: a region with many
    of them shares them among as many processes as there are cores (a worker's start-up costs more than a few
    dozen notes, so the demo's 44 are written here)."""
    folder = home.reports / monitoring_id / "municipalities"
    jobs = [(row.municipality_oktmo, folder / f"{row.municipality_oktmo} {row.municipality_name}.docx")
            for row in records(origin.submissions)]
    workers = min(os.cpu_count() or 1, max(1, len(jobs) // NOTES_PER_WORKER))
    code = code_digest()
    if workers == 1:
        written = _write_notes(marts, origin, jobs, code, progress)
    else:
        shares = [jobs[index::workers] for index in range(workers)]
        written = [note for share in _note_writers(workers).map(_write_notes, [marts] * workers, [origin] * workers,
                                                                shares, [code] * workers) for note in share]
    kept = sum(not new for _, new in written)
    if kept and progress is not None:
        progress(say("progress.notes_kept", kept=kept, total=len(written)))
    return sorted(path for path, _ in written)
