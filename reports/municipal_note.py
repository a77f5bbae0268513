"""One note per municipality of a cycle: its scores against the region (every indicator beside the region's
value), its dynamics, its ШНОР with their context and risk profile and its place in the computed list, its own
recommendations with their evidence and measures, its roadmap's execution, the people who support its schools
(counts, no names) and whether its form came, late or not."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd

from reports import charts, letter
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, number, percent
from reports.docx_writer import write_docx
from reports.pdf_writer import write_pdf
from reports.provenance import STATUS_RU, Provenance
from reports.regional_note import CycleMarts, charts_dir
from reports.support_sections import municipal_people, municipal_roadmap

CHANGE_RU = {"improved": "улучшился", "worsened": "ухудшился", "unchanged": "без изменений", "new": "—"}


def municipal_note(marts: CycleMarts, origin: Provenance, oktmo: str) -> Document:
    status = origin.submissions.set_index("municipality_oktmo").loc[oktmo]
    name = status["municipality_name"]
    monitoring = origin.monitoring
    note = Document(title=f"Аналитическая справка: {name}",
                    subtitle=[f"по результатам мониторинга: {monitoring.title}",
                              f"{origin.region}; окно сбора данных {origin.window()}"],
                    footer=origin.footer(), mark=origin.mark, author=origin.institution)
    note.add(Heading("1. Представление формы"))
    line = f"Статус формы: {STATUS_RU[status['submission_status']]}; получено версий: {int(status['versions_received'])}"
    if status["versions_rejected"]:
        line += f", из них отклонено при проверке: {int(status['versions_rejected'])}"
    if status["is_late"]:
        line += "; форма представлена с опозданием"
    note.add(Paragraph(line + "."))
    _scores(note, marts, oktmo, name)
    _schools(note, marts, oktmo)
    _recommendations(note, marts, oktmo, origin.institution)
    municipal_roadmap(note, marts, oktmo, "5")
    municipal_people(note, marts, oktmo, "6")
    return note


def _scores(note: Document, marts: CycleMarts, oktmo: str, name: str) -> None:
    sections = marts.sections[marts.sections["municipality_oktmo"] == oktmo]
    note.add(Heading("2. Результаты в сравнении с регионом"))
    if sections.empty:
        note.add(Paragraph("Принятой формы нет: баллы не рассчитаны."))
        return
    scored = int(marts.totals["municipalities_scored"].iloc[0])
    note.add(Table(["Раздел", "Доля от максимума", "В среднем по региону", "Место в регионе", "Изменение"],
                   [[row.section_title, percent(row.section_share), percent(row.region_mean_share),
                     f"{int(row.region_rank)} из {scored}", CHANGE_RU[row.change_direction]]
                    for row in sections.itertuples()], widths=[4, 1.3, 1.3, 1.2, 1.3]))
    own = marts.indicators[marts.indicators["municipality_oktmo"] == oktmo]
    presence, counts = own[own["indicator_kind"] == "presence"], own[own["indicator_kind"] == "count"]
    folder = charts_dir(marts.home, marts.monitoring_id) / "municipalities"
    weak_line = marts.threshold("letter_weak_line")
    note.add(Figure(charts.shares_against_region(
        folder / f"{oktmo}.png", list(presence["indicator_display_code"]), list(presence["share_of_max"]),
        [None if pd.isna(v) else float(v) for v in presence["region_mean_share"]], name,
        "среднее по региону (по показателю)", "Балл показателя, % от максимального", weak_below=weak_line),
        f"Рисунок. Показатели наличия: {name} и среднее по региону у каждого показателя "
        f"(оранжевым — ниже {percent(weak_line)} от максимума)"))
    if not counts.empty:
        note.add(Figure(charts.beside_region(folder / f"{oktmo}_counts.png", list(counts["indicator_display_code"]),
                                             list(counts["score"]), list(counts["region_mean"]), name,
                                             "в среднем по региону", "Количество", as_share=False),
                        f"Рисунок. Показатели-количества: {name} и в среднем по региону"))
    note.add(Table(["Показатель", "Балл", "Максимум", "Среднее по региону", "Изменение"],
                   [[f"{row.indicator_display_code}. {row.indicator_label}", number(row.score), number(row.max_score, 0),
                     number(row.region_mean), CHANGE_RU[row.change_direction]]
                    for row in marts.indicators[marts.indicators["municipality_oktmo"] == oktmo].itertuples()],
                   widths=[5, 0.9, 0.9, 1.1, 1.2]))
    dynamics = marts.dynamics[(marts.dynamics["municipality_oktmo"] == oktmo) & marts.dynamics["previous_monitoring_id"].notna()]
    for row in dynamics.itertuples():
        note.add(Paragraph(f"С предыдущего цикла ({row.previous_monitoring_id}): улучшились {int(row.indicators_improved)}, "
                           f"ухудшились {int(row.indicators_worsened)}, без изменений {int(row.indicators_unchanged)} показателей."))


def _schools(note: Document, marts: CycleMarts, oktmo: str) -> None:
    if pd.isna(marts.results_year):
        return
    schools = marts.schools[marts.schools["municipality_oktmo"] == oktmo]
    note.add(Heading(f"3. ШНОР ({int(marts.results_year)} год)"))
    comparison = marts.comparison[marts.comparison["municipality_oktmo"] == oktmo]
    for row in comparison.itertuples():
        note.add(Paragraph(f"По федеральной методике — {row.federal_schools}, по региональной — {row.regional_schools}; "
                           f"в обоих списках — {row.in_both}, только в федеральном — {row.only_federal}, только в "
                           f"региональном — {row.only_regional}; школ с необъективными результатами — {row.biased_schools}."))
    for row in marts.shnor_dynamics[marts.shnor_dynamics["municipality_oktmo"] == oktmo].itertuples():
        list_name = "Федеральный" if row.methodology == "federal" else "Региональный"
        note.add(Paragraph(f"{list_name} список к предыдущему году: остались {row.stayed}, вошли {row.entered}, "
                           f"вышли {row.left_list}."))
    for row in marts.list_changes[(marts.list_changes["municipality_oktmo"] == oktmo)
                                  & (marts.list_changes["result_year"] == marts.results_year)].itertuples():
        moves = "" if pd.isna(row.entered) else (f" (вошли {int(row.entered)}, остались {int(row.persisting)}, "
                                                 f"вышли {int(row.exited)})")
        note.add(Paragraph(f"Расчётный список ШНОР по региональной методике с правилом выхода: {row.on_list} школ{moves}, "
                           f"из них удерживаются правилом выхода — {row.kept_by_exit_rule}; близких к низким результатам "
                           f"— {row.cusp_schools}."))
    cusp = marts.list_status[(marts.list_status["municipality_oktmo"] == oktmo) & marts.list_status["is_cusp"]]
    if not cusp.empty:
        note.add(Bullets([f"{row.school_name} — близкая к низким результатам: ИОР {number(row.ior, 2)}, выше порога "
                          f"выявления кластера «{row.cluster_name}» ({number(row.threshold_ior, 2)}) на "
                          f"{number(row.distance_to_threshold, 2)}" for row in cusp.itertuples()]))
    if schools.empty:
        note.add(Paragraph("ШНОР в муниципальном образовании нет."))
        return
    factors = marts.risk_profiles.groupby("school_code")["factor_name"].apply(lambda names: "; ".join(sorted(names)))
    rows = []
    for row in schools.itertuples():
        lists = ", ".join(label for flag, label in ((row.is_federal_shnor, "ФИОКО"), (row.is_regional_shnor, "регион"))
                          if flag)
        context = row.cluster_name + (" (ШССУ)" if row.is_sscu and "ШССУ" not in row.cluster_name else "")
        rows.append([row.school_name, lists, number(row.ior, 2), context, row.reasons if isinstance(row.reasons, str) else "—",
                     factors.get(row.school_code, "—"), "да" if row.mentors_assigned else "нет"])
    note.add(Table(["Школа", "Список", "ИОР", "Контекст", "Основания", "Рисковый профиль", "Наставник"], rows,
                   widths=[1.6, 1, 0.8, 1.6, 2.4, 2.6, 1], caption="ШНОР муниципального образования"))


def _recommendations(note: Document, marts: CycleMarts, oktmo: str, institution: str) -> None:
    note.add(Heading("4. Рекомендации"))
    if marts.recommendation.empty:  # no rule reads this form
        note.add(Paragraph(letter.NO_RULES))
        return
    lines = letter.own_recommendations(marts.recommendation, oktmo, institution)
    if not lines:
        note.add(Paragraph("Адресных рекомендаций по итогам цикла нет."))
        return
    note.add(Bullets(lines, numbered=True))


def _write_notes(marts: CycleMarts, origin: Provenance, jobs: list[tuple[str, Path]]) -> list[Path]:
    """Each note as .docx and, beside it, as PDF; returns the .docx paths."""
    written = []
    for oktmo, path in jobs:
        note = municipal_note(marts, origin, oktmo)
        written.append(write_docx(note, path))
        write_pdf(note, path.with_suffix(".pdf"))
    return written


@cache
def _note_writers(workers: int) -> ProcessPoolExecutor:
    """Worker processes kept for the life of this process, so a run with many cycles pays their start-up
    (imports of pandas, python-docx, Typst) once; spawned, which is safe inside an Airflow task."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def write_municipal_notes(home, monitoring_id: str, marts: CycleMarts, origin: Provenance) -> list[Path]:
    """One note per municipality of the cycle's region, .docx and PDF. Notes are independent and each costs a
    chart, so they are shared among as many processes as there are cores."""
    folder = home.reports / monitoring_id / "municipalities"
    jobs = [(row.municipality_oktmo, folder / f"{row.municipality_oktmo} {row.municipality_name}.docx")
            for row in origin.submissions.itertuples()]
    workers = min(os.cpu_count() or 1, max(1, len(jobs) // 10))
    if workers == 1:
        return _write_notes(marts, origin, jobs)
    shares = [jobs[index::workers] for index in range(workers)]
    written = _note_writers(workers).map(_write_notes, [marts] * workers, [origin] * workers, shares)
    return sorted(path for paths in written for path in paths)
