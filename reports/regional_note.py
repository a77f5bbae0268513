"""The regional analytical note of a cycle, after seed 000: purpose and period, sources, main results with
tables and charts, the recommendation groups with their municipalities and evidence, recommended
practices, measures with deadlines, and where every number came from. Words come from the rule and text
seeds (through the marts), numbers from the marts only."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from reports import charts
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, number, percent, ru_date
from reports.docx_writer import write_docx
from reports.pdf_writer import write_pdf
from reports.provenance import Provenance
from shnor_core import warehouse
from shnor_core.reference import get_monitoring, oktmo_prefix
from shnor_core.settings import DataHome


class CycleMarts:
    """The marts of one cycle, read once; every report of the cycle draws on these frames."""

    def __init__(self, home: DataHome, monitoring_id: str):
        self.home, self.monitoring_id = home, monitoring_id

        def cycle(table: str, order: str) -> pd.DataFrame:
            return self.query(f"select * from marts.{table} where monitoring_id = ? order by {order}", [monitoring_id])

        self.sections = cycle("mart_section_scores", "section_order, municipality_name")
        self.indicators = cycle("mart_indicator_scores", "section_order, indicator_number, municipality_name")
        self.dynamics = cycle("mart_municipality_dynamics", "municipality_name")
        self.recommendations = cycle("mart_recommendations", "rule_order, municipality_name")
        self.practices = cycle("mart_recommended_practices", "rule_order, municipality_name")
        self.texts = cycle("mart_report_texts", "text_kind, text_order")
        self.roadmap = cycle("mart_roadmap_status", "municipality_name, activity_number, due_date")
        region = [oktmo_prefix(get_monitoring(monitoring_id).region_code) + "%"]  # school marts: this region only
        self.context = self.query("select * from marts.mart_municipality_context where municipality_oktmo like ? and "
                                  "data_year = (select max(data_year) from marts.mart_municipality_context) "
                                  "order by municipality_name", region)
        self.results_year = self.query("select max(result_year) as y from marts.mart_school_identification "
                                       "where municipality_oktmo like ?", region).iloc[0]["y"]
        year = [None if pd.isna(self.results_year) else int(self.results_year)] + region
        self.comparison = self.query("select * from marts.mart_shnor_comparison where result_year = ? "
                                     "and municipality_oktmo like ? order by municipality_name", year)
        self.shnor_dynamics = self.query("select * from marts.mart_shnor_dynamics where result_year = ? "
                                         "and municipality_oktmo like ? order by municipality_name, methodology", year)
        self.schools = self.query("select * from marts.mart_school_identification where result_year = ? "
                                  "and municipality_oktmo like ? and (is_regional_shnor or is_federal_shnor) "
                                  "order by municipality_name, school_name", year)
        self.risk_profiles = self.query("select p.*, s.school_name from marts.mart_school_risk_profiles p "
                                        "join marts.mart_school_identification s using (school_code, result_year) "
                                        "where p.result_year = ? and p.municipality_oktmo like ?", year)
        self.coverage = self.query("select * from marts.mart_mentoring_coverage where result_year = ? "
                                   "and municipality_oktmo like ? order by municipality_name, list_kind", year)

    def query(self, sql: str, params=None) -> pd.DataFrame:
        return warehouse.query(self.home.warehouse, sql, params)

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Each municipality's total (mart_municipality_totals), best first."""
        return self.query("select * from marts.mart_municipality_totals where monitoring_id = ? "
                          "order by region_rank, municipality_name", [self.monitoring_id])


def charts_dir(home: DataHome, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / "charts"


def regional_note(marts: CycleMarts, origin: Provenance) -> Document:
    monitoring = origin.monitoring
    note = Document(
        title="Аналитическая справка",
        subtitle=[f"о результатах мониторинга: {monitoring.title}",
                  f"{origin.region}; окно сбора данных {origin.window()}"],
        footer=origin.footer(), mark=origin.mark)
    texts = marts.texts
    note.add(Heading("1. Цель и период мониторинга"))
    note.add(*[Paragraph(text) for text in texts[texts["text_kind"] == "purpose"]["text"]])
    note.add(Paragraph(f"Период: сведения, представленные муниципальными образованиями в окне мониторинга "
                       f"{origin.window()}."))
    _sources(note, marts, origin)
    _results(note, marts)
    _schools(note, marts)
    _recommendations(note, marts)
    _measures(note, marts)
    note.add(Heading("Приложение. Использованные формы"),
             Table(["Муниципальное образование", "Статус", "Учтённая версия (файл, SHA-256)", "Версий"],
                   origin.files_table(), widths=[3, 1.6, 4.4, 0.8]))
    return note


def _sources(note: Document, marts: CycleMarts, origin: Provenance) -> None:
    counts = origin.counts()
    texts = marts.texts
    note.add(Heading("2. Источники данных"))
    note.add(*[Paragraph(text) for text in texts[texts["text_kind"] == "method"]["text"]])
    items = [f"Формы муниципальных образований: ожидалось {counts['expected']}, принято {counts['accepted']}, "
             f"отклонено при проверке {counts['rejected']} (отклонённых версий {counts['versions_rejected']}), "
             f"не представлено {counts['missing']}, представлено с опозданием {counts['late']}."]
    if not marts.context.empty:
        context = marts.context
        items.append(f"Форма № ОО-1 за {int(context['data_year'].iloc[0])} год: {number(context['schools'].sum(), 0)} "
                     f"общеобразовательных организаций, {number(context['pupils_total'].sum(), 0)} обучающихся, из них с ОВЗ "
                     f"{number(context['pupils_ovz'].sum(), 0)}.")
    if not pd.isna(marts.results_year):
        items.append(f"Результаты оценочных процедур и списки ШНОР за {int(marts.results_year)} год "
                     f"(федеральная методика ФИОКО и региональная методика).")
    note.add(Bullets(items))


def _results(note: Document, marts: CycleMarts) -> None:
    note.add(Heading("3. Основные результаты"))
    totals = marts.totals
    if totals.empty:
        note.add(Paragraph("Принятых форм нет: результаты не рассчитываются."))
        return
    region_share = totals["region_mean_share"].iloc[0]
    folder = charts_dir(marts.home, marts.monitoring_id)
    note.add(Paragraph(
        f"Итоговый балл муниципального образования — сумма баллов показателей наличия по всем разделам формы "
        f"от максимально возможного. В среднем по региону — {percent(region_share)}; наибольший результат — "
        f"{percent(totals['total_share'].max())} ({totals.iloc[0]['municipality_name']}), наименьший — "
        f"{percent(totals['total_share'].min())} ({totals.iloc[-1]['municipality_name']})."))
    note.add(Figure(charts.shares_by_name(folder / "totals.png", list(totals["municipality_name"]), list(totals["total_share"]),
                                          region_share, "по региону", "Итоговый балл, % от максимального",
                                          weak_below=0.5),
                    "Рисунок 1. Итоговый балл по муниципальным образованиям (оранжевым — ниже 50 %)"))
    note.add(Figure(charts.distribution(folder / "distribution.png", list(totals["total_share"]),
                                        "Итоговый балл, % от максимального", "Число МО"),
                    "Рисунок 2. Распределение муниципальных образований по итоговому баллу"))
    section_titles = marts.sections.drop_duplicates("section_code").sort_values("section_order")
    pivot = marts.sections.pivot_table(index="municipality_name", columns="section_code", values="section_share")
    rows = [[name] + [percent(pivot.loc[name, code]) for code in section_titles["section_code"]]
            + [percent(totals.set_index("municipality_name").loc[name, "total_share"])] for name in pivot.index]
    means = marts.sections.groupby("section_code")["region_mean_share"].first()
    rows.append(["В среднем по региону"] + [percent(means[code]) for code in section_titles["section_code"]]
                + [percent(region_share)])
    note.add(Table(["Муниципальное образование"] + list(section_titles["section_title"]) + ["Итого"], rows,
                   widths=[2.6] + [1.6] * len(section_titles) + [1], caption="Таблица 1. Доля от максимального балла по разделам"))
    indicators = marts.indicators.drop_duplicates("indicator_code")
    note.add(Table(["Показатель", "Максимум", "Среднее по региону", "Медиана"],
                   [[f"{row.indicator_code}. {row.indicator_label}", number(row.max_score, 0),
                     number(row.region_mean), number(row.region_median)] for row in indicators.itertuples()],
                   widths=[5.5, 1, 1.2, 1], caption="Таблица 2. Показатели формы: средний балл и медиана по региону"))
    _changes(note, marts, folder)


def _changes(note: Document, marts: CycleMarts, folder: Path) -> None:
    dynamics = marts.dynamics[marts.dynamics["previous_monitoring_id"].notna()]
    if dynamics.empty:
        note.add(Paragraph("Изменения с предыдущим циклом не рассчитываются: данных предыдущего цикла этой формы нет."))
        return
    previous = dynamics["previous_monitoring_id"].iloc[0]
    note.add(Paragraph(f"По сравнению с предыдущим циклом ({previous}) показатели улучшились в "
                       f"{int((dynamics['indicators_improved'] > dynamics['indicators_worsened']).sum())} МО и ухудшились в "
                       f"{int((dynamics['indicators_worsened'] > dynamics['indicators_improved']).sum())} МО."))
    note.add(Figure(charts.changes(folder / "changes.png", list(dynamics["municipality_name"]),
                                   [int(v) for v in dynamics["indicators_improved"]],
                                   [int(v) for v in dynamics["indicators_worsened"]], "Число показателей"),
                    f"Рисунок 3. Изменение показателей с предыдущего цикла ({previous})"))


def _schools(note: Document, marts: CycleMarts) -> None:
    if marts.comparison.empty:
        return
    year = int(marts.results_year)
    c = marts.comparison
    note.add(Heading(f"4. ШНОР и школы в сложных социальных условиях ({year} год)"))
    note.add(Paragraph(
        f"По федеральной методике (ФИОКО) ШНОР — {int(c['federal_schools'].sum())}, по региональной методике — "
        f"{int(c['regional_schools'].sum())}; в обоих списках — {int(c['in_both'].sum())}, только в федеральном — "
        f"{int(c['only_federal'].sum())}, только в региональном — {int(c['only_regional'].sum())}. Школ с признаками "
        f"необъективных результатов — {int(c['biased_schools'].sum())}. Муниципальных образований без ШНОР и без "
        f"необъективных результатов — {int(c['has_no_shnor_and_no_biased'].sum())}."))
    moved = marts.shnor_dynamics.groupby("methodology")[["stayed", "entered", "left_list"]].sum()
    if not moved.empty:
        names = {"federal": "федеральный", "regional": "региональный"}
        note.add(Bullets([f"{names[m]} список к {year - 1} году: остались {int(r.stayed)}, вошли {int(r.entered)}, "
                          f"вышли {int(r.left_list)}" for m, r in moved.iterrows()]))
    coverage = marts.coverage.groupby("list_kind")[["listed_schools", "schools_without_mentor"]].sum()
    lists = {"project_500": "проект «500+»", "shnor_federal": "ШНОР (ФИОКО)", "shnor_regional": "ШНОР (региональная методика)"}
    note.add(Table(["Список", "Школ", "Без наставника или куратора"],
                   [[lists[k], str(int(r.listed_schools)), str(int(r.schools_without_mentor))] for k, r in coverage.iterrows()],
                   widths=[3, 1, 2], caption="Таблица 3. Охват наставничеством"))


def _recommendations(note: Document, marts: CycleMarts) -> None:
    note.add(Heading("5. Адресные рекомендации"))
    groups = marts.recommendations.groupby(["rule_order", "rule_code", "wording"], sort=True)
    items = [f"{', '.join(group['municipality_name'])} — {wording}." for (_, _, wording), group in groups]
    if not items:
        note.add(Paragraph("Муниципальных образований, которым требуются адресные рекомендации, нет."))
    note.add(Bullets(items, numbered=True))
    evidence = [[group["area_title"].iloc[0], name, percent(share), percent(group["region_mean_share"].iloc[0])]
                for _, group in groups for name, share in zip(group["municipality_name"], group["evidence_share"])]
    if evidence:
        note.add(Table(["Направление", "Муниципальное образование", "Доля выполненных подпунктов", "В среднем по региону"],
                       evidence, widths=[2.6, 3, 1.4, 1.4], caption="Таблица 4. Основания рекомендаций"))
    if not marts.practices.empty:
        note.add(Heading("Рекомендуемые к использованию практики", level=2))
        note.add(Bullets([f"{area}: {', '.join(group['municipality_name'])}."
                          for (_, area), group in marts.practices.groupby(["rule_order", "area_title"])]))


def _measures(note: Document, marts: CycleMarts) -> None:
    measures = marts.texts[marts.texts["text_kind"] == "measure"]
    if measures.empty:
        return
    note.add(Heading("6. Меры, мероприятия, управленческие решения"))
    note.add(Bullets([f"{row.text} Срок — до {ru_date(row.due_date)}." for row in measures.itertuples()], numbered=True))


def write_regional_note(marts: CycleMarts, origin: Provenance) -> dict[str, Path]:
    note = regional_note(marts, origin)
    folder = marts.home.reports / marts.monitoring_id
    stem = f"spravka_{marts.monitoring_id}"
    return {"docx": write_docx(note, folder / f"{stem}.docx"), "pdf": write_pdf(note, folder / f"{stem}.pdf")}
