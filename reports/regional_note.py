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
from reports.document import Bullets, Document, Figure, Heading, Paragraph, Table, number, percent
from reports.docx_writer import write_docx
from reports.pdf_writer import write_pdf
from reports.provenance import Provenance
from reports.support_sections import regional_people, regional_roadmaps
from shnor_core import warehouse
from shnor_core.reference import get_monitoring, oktmo_prefix
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS


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
        self.list_changes = self.query("select * from marts.mart_shnor_list_changes where municipality_oktmo like ? "
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
        return warehouse.query(self.home.warehouse, sql, params)

    def threshold(self, name: str) -> float:
        """A named threshold of the letter (a dbt var, through mart_letter_thresholds)."""
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
    note = Document(
        title="Аналитическая справка",
        subtitle=[f"о результатах мониторинга: {monitoring.title}",
                  f"{origin.region}; окно сбора данных {origin.window()}"],
        footer=origin.footer(), mark=origin.mark, author=origin.institution)
    texts = marts.texts
    note.add(Heading("1. Цель и период мониторинга"))
    note.add(*[Paragraph(text) for text in texts[texts["text_kind"] == "purpose"]["text"]])
    note.add(Paragraph(f"Период: сведения, представленные муниципальными образованиями в окне мониторинга "
                       f"{origin.window()}."))
    _sources(note, marts, origin)
    appendix = _results(note, marts)
    _schools(note, marts)
    _recommendations(note, marts, origin.institution)
    _measures(note, marts)
    regional_roadmaps(note, marts, "7")
    regional_people(note, marts, "8")
    _data_quality(note, marts)
    _list_comparison(note, marts)
    note.add(Heading("Приложение 3. Использованные формы"),
             Table(["Муниципальное образование", "Статус", "Учтённая версия (файл, SHA-256)", "Версий"],
                   origin.files_table(), widths=[3, 1.6, 4.4, 0.8]))
    note.add(*appendix)
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


def section_abbreviations(marts: CycleMarts) -> dict[str, str]:
    """Each section's short name, the prefix of its indicators' Cyrillic codes (ИП, МНЦ, МТКП)."""
    codes = marts.indicators.drop_duplicates("section_code")
    return {row.section_code: str(row.indicator_display_code).rsplit("-", 1)[0] for row in codes.itertuples()}


def _results(note: Document, marts: CycleMarts) -> list:
    """Section 3; returns the blocks it puts in the appendix (the shares table behind the heatmap)."""
    note.add(Heading("3. Основные результаты"))
    totals = marts.totals
    if totals.empty:
        note.add(Paragraph("Принятых форм нет: результаты не рассчитываются."))
        return []
    region_share = totals["region_mean_share"].iloc[0]
    weak_line = marts.threshold("letter_weak_line")
    folder = charts_dir(marts.home, marts.monitoring_id)
    note.add(Paragraph(
        f"Итоговый балл муниципального образования — сумма баллов показателей наличия по всем разделам формы "
        f"от максимально возможного. В среднем по региону — {percent(region_share)}; наибольший результат — "
        f"{percent(totals['total_share'].max())} ({totals.iloc[0]['municipality_name']}), наименьший — "
        f"{percent(totals['total_share'].min())} ({totals.iloc[-1]['municipality_name']})."))
    note.add(Figure(charts.shares_by_name(folder / "totals.png", list(totals["municipality_name"]), list(totals["total_share"]),
                                          region_share, "по региону", "Итоговый балл, % от максимального",
                                          weak_below=weak_line),
                    f"Рисунок 1. Итоговый балл по муниципальным образованиям (оранжевым — ниже {percent(weak_line)})"))
    note.add(Figure(charts.distribution(folder / "distribution.png", list(totals["total_share"]),
                                        "Итоговый балл, % от максимального", "Число МО"),
                    "Рисунок 2. Распределение муниципальных образований по итоговому баллу"))
    section_titles = marts.sections.drop_duplicates("section_code").sort_values("section_order")
    short = section_abbreviations(marts)
    pivot = marts.sections.pivot_table(index="municipality_name", columns="section_code", values="section_share")
    total_of = totals.set_index("municipality_name")["total_share"]
    means = marts.sections.groupby("section_code")["region_mean_share"].first()
    codes = list(section_titles["section_code"])
    shares = [[pivot.loc[name, code] for code in codes] + [total_of[name]] for name in pivot.index]
    shares.append([means[code] for code in codes] + [region_share])
    names = [*pivot.index, "В среднем по региону"]
    note.add(Paragraph("Доля от максимального балла по разделам формы — на рисунке ниже (разделы: " + "; ".join(
        f"{short[row.section_code]} — «{row.section_title}»" for row in section_titles.itertuples())
        + "); таблица значений — в приложении 4."))
    note.add(Figure(charts.heatmap(folder / "sections.png", names, [short[code] for code in codes] + ["Итого"],
                                   [[None if pd.isna(v) else float(v) for v in row] for row in shares],
                                   "Доля от максимального балла", highlight_last_row=True),
                    "Рисунок 3. Доля от максимального балла по разделам, % (зелёным — выше, красным — ниже)"))
    indicators = marts.indicators.drop_duplicates("indicator_code")
    note.add(Table(["Показатель", "Максимум", "Среднее по региону", "Медиана"],
                   [[f"{row.indicator_display_code}. {row.indicator_label}", number(row.max_score, 0),
                     number(row.region_mean), number(row.region_median)] for row in indicators.itertuples()],
                   widths=[5.5, 1, 1.2, 1], caption="Таблица 1. Показатели формы: средний балл и медиана по региону"))
    _changes(note, marts, folder)
    return [Heading("Приложение 4. Доля от максимального балла по разделам"),
            Table(["Муниципальное образование"] + list(section_titles["section_title"]) + ["Итого"],
                  [[name] + [percent(value) for value in row] for name, row in zip(names, shares)],
                  widths=[2.6] + [1.6] * len(section_titles) + [1],
                  caption="Таблица П4. Доля от максимального балла по разделам (к рисунку 3)")]


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
    published = int(marts.list_comparison["is_published"].sum()) if not marts.list_comparison.empty else None
    on_list = marts.list_changes[marts.list_changes["result_year"] == year]
    note.add(Paragraph(
        f"По федеральному списку ШНОР (ФИОКО) — {int(c['federal_schools'].sum())} школ, выявлено по региональной методике "
        f"в {year} году — {int(c['regional_schools'].sum())}; в обоих — {int(c['in_both'].sum())}, только в федеральном — "
        f"{int(c['only_federal'].sum())}, только в региональном — {int(c['only_regional'].sum())}. Школ из списка ФИОКО с "
        f"признаками необъективных результатов — {int(c['biased_schools'].sum())}."
        + (f" В опубликованном регионом списке ШНОР — {published} школ." if published is not None else "")
        + (f" В расчётном списке по региональной методике (с правилом выхода) — {int(on_list['on_list'].sum())}."
           if not on_list.empty else "")))
    free = c[c["has_no_federal_listed_school"]]
    if free.empty:
        note.add(Paragraph("Муниципальных образований, в которых нет школ из списков ФИОКО (федеральный список ШНОР и "
                           "список с признаками необъективных результатов), нет."))
    else:
        note.add(Paragraph(f"Нет ни одной школы в списках ФИОКО (федеральный список ШНОР и список школ с признаками "
                           f"необъективных результатов за {year} год) — {len(free)} МО: "
                           f"{', '.join(free['municipality_name'])}."))
    moved = marts.shnor_dynamics.groupby("methodology")[["stayed", "entered", "left_list"]].sum()
    if not moved.empty:
        names = {"federal": "федеральный список (ФИОКО)", "regional": "выявленные по региональной методике"}
        note.add(Bullets([f"{names[m]} к {year - 1} году: остались {int(r.stayed)}, вошли {int(r.entered)}, "
                          f"вышли {int(r.left_list)}" for m, r in moved.iterrows()]))
    coverage = marts.coverage.groupby("list_kind")[["listed_schools", "schools_without_mentor"]].sum()
    lists = {"project_500": "проект «500+»", "shnor_federal": "ШНОР (ФИОКО)", "shnor_regional": "ШНОР (региональная методика)"}
    note.add(Table(["Список", "Школ", "Без наставника или куратора"],
                   [[lists[k], str(int(r.listed_schools)), str(int(r.schools_without_mentor))] for k, r in coverage.iterrows()],
                   widths=[3, 1, 2], caption="Таблица 2. Охват наставничеством"))
    _list_transitions(note, marts, year)


def _count(value) -> str:
    return "—" if pd.isna(value) else str(int(value))


def _list_transitions(note: Document, marts: CycleMarts, year: int) -> None:
    """The computed list with its exit rule: entered, exited, persisting and cusp, per year and per municipality."""
    changes = marts.list_changes
    if changes.empty:
        return
    exit_cycles, band = int(marts.threshold("shnor_exit_cycles")), marts.threshold("shnor_cusp_band")
    note.add(Heading("Расчётный список ШНОР: вход, выход и школы, близкие к низким результатам", level=2))
    note.add(Paragraph(
        f"Школа входит в расчётный список ШНОР в год, когда её выявляет региональная методика, и выходит из него, только "
        f"пробыв выше порога выявления {exit_cycles} г. подряд. Школа вне списка, ИОР которой выше порога выявления своего "
        f"контекстного кластера не более чем на {number(band, 2)}, — «близкая к низким результатам»."))
    columns = ["on_list", "identified", "kept_by_exit_rule", "entered", "persisting", "exited", "cusp_schools"]
    headers = ["В списке", "Выявлены в году", "Удержаны правилом выхода", "Вошли", "Остались", "Вышли",
               "Близкие к низким"]
    by_year = changes.groupby("result_year")[columns].sum(min_count=1)
    note.add(Table(["Год", *headers], [[str(int(y)), *(_count(r[c]) for c in columns)] for y, r in by_year.iterrows()],
                   widths=[0.8] + [1] * len(columns), caption="Таблица 3. Расчётный список ШНОР по годам"))
    current = changes[(changes["result_year"] == year) & (changes[columns].fillna(0).sum(axis=1) > 0)]
    if not current.empty:
        note.add(Table(["Муниципальное образование", *headers],
                       [[row.municipality_name, *(_count(getattr(row, c)) for c in columns)] for row in current.itertuples()],
                       widths=[2.6] + [0.9] * len(columns), caption=f"Таблица 4. Расчётный список ШНОР по МО, {year} год"))
    cusp = marts.list_status[marts.list_status["is_cusp"]]
    if not cusp.empty:
        note.add(Table(["Муниципальное образование", "Школа", "Кластер", "ИОР", "Порог выявления", "Выше порога на"],
                       [[row.municipality_name, row.school_name, row.cluster_name, number(row.ior, 2),
                         number(row.threshold_ior, 2), number(row.distance_to_threshold, 2)] for row in cusp.itertuples()],
                       widths=[2.2, 1.6, 2, 0.8, 1, 1],
                       caption=f"Таблица 5. Школы, близкие к низким результатам, {year} год"))


def _recommendations(note: Document, marts: CycleMarts, institution: str) -> None:
    note.add(Heading("5. Адресные рекомендации"))
    recommendation = marts.recommendation
    if recommendation.empty:  # no rule reads this form (recommendation_evidence names rules by form)
        note.add(Paragraph(letter.NO_RULES))
        return
    items = letter.letter_items(recommendation, institution)
    if not items:
        note.add(Paragraph("Муниципальных образований, которым требуются адресные рекомендации, нет."))
        return
    note.add(Paragraph("Анализ данных мониторинга по выделенным показателям позволяет сформировать следующие адресные "
                       "рекомендации (в скобках — значения, по которым МО названо; основания — в таблице «Основания "
                       "рекомендаций» ниже):"))
    for item in items:
        note.add(Paragraph(f"{item.number}. {item.text}"))
        if item.lines:
            note.add(Bullets(item.lines))
    silent = letter.silent_rules(recommendation)
    if silent:
        note.add(Paragraph("Проверены и не назвали ни одного МО правила: " + "; ".join(f"«{t}»" for t in silent) + "."))
    note.add(Table(["Пункт", "Правило", "Что сравнивается", "Условие", "В среднем по региону", "Оценено",
                    "Выполнили", "Названы"], letter.rules_table(recommendation), widths=[0.95, 1.9, 2.35, 1.5, 1.3, 0.9, 1.1, 0.9],
                   caption="Таблица 6. Основания рекомендаций: правила, пороги, число МО (для пунктов 1–2 названы не "
                           "выполнившие условие)"))


def _measures(note: Document, marts: CycleMarts) -> None:
    measures = letter.measures(marts.recommendation)
    if not measures:
        return
    note.add(Heading("6. Меры, мероприятия, управленческие решения"))
    for measure in measures:
        note.add(Paragraph(f"{measure.number}. {letter.measure_text(measure)}"))
        note.add(Bullets([f"Основание — {ground}." for ground in measure.grounds]))


def _row_accounting(note: Document, marts: CycleMarts) -> None:
    """Every row of the files accounted (mart_row_fates): read, in the marts, waiting in review, dropped and why."""
    rows = marts.row_accounting
    if rows is None or rows.empty:
        return
    table = []
    for kind, group in rows.groupby("source_kind", sort=False):
        counted = group.groupby("fate")["source_rows"].sum()
        missed = group[group["fate"] != "mart"]
        table.append([SOURCE_KINDS[kind].title if kind in SOURCE_KINDS else kind, number(group["source_rows"].sum(), 0),
                      number(counted.get("mart", 0), 0), number(counted.get("review", 0), 0),
                      number(counted.get("dropped", 0), 0),
                      "; ".join(f"{r.reason} — {number(r.source_rows, 0)}" for r in missed.itertuples()) or "—"])
    note.add(Table(["Вид файла", "Прочитано строк", "В витринах", "Ждут проверки", "Отброшено", "Почему не в витринах"],
                   table, widths=[2.2, 1, 1, 1, 1, 3.6],
                   caption="Таблица П1.0. Учёт строк исходных файлов: каждая строка в витринах, ждёт проверки "
                           "названия или отброшена с причиной"))


def _data_quality(note: Document, marts: CycleMarts) -> None:
    """Counts that contradict other sources, with the municipality and both numbers."""
    note.add(Heading("Приложение 1. Качество данных: числа, противоречащие другим источникам"))
    _row_accounting(note, marts)
    checks = marts.data_quality
    if checks.empty:
        note.add(Paragraph("Противоречий между формами, результатами оценочных процедур, списками и ОО-1 не выявлено."))
        return
    for index, ((_, title), rows) in enumerate(checks.groupby(["check_order", "check_title"], sort=True), start=1):
        first = rows.iloc[0]
        caption = (f"Таблица П1.{index}. {title}: слева — {first['reported_source']}, справа — "
                   f"{first['reference_source']}")
        note.add(Heading(f"{title} — {rows['municipality_oktmo'].nunique()} МО", level=2))
        if rows["school_code"].notna().any():
            table = []
            for name, group in rows.groupby("municipality_name", sort=True):
                worst = group.loc[(group["reported_value"] - group["reference_value"]).idxmax()]
                table.append([name, str(group["school_code"].nunique()), str(len(group)),
                              f"{worst['school_name']}, {worst['subject']}: {number(worst['reported_value'], 0)} при "
                              f"{number(worst['reference_value'], 0)} ({worst['detail']})"])
            note.add(Table(["Муниципальное образование", "Школ", "Случаев", "Наибольшее расхождение"], table,
                           widths=[2.4, 0.7, 0.8, 5], caption=caption))
        else:
            codes = sorted(set(rows["subject_code"]), key=_natural)
            labels = dict(zip(rows["subject_code"], rows["subject"]))
            details = list(dict.fromkeys(rows["detail"]))
            note.add(Paragraph("; ".join(labels[code] for code in codes) + "."
                               + (f" Сверено: {details[0]}." if len(details) == 1 else "")))
            values = rows.pivot_table(index="municipality_name", columns="subject_code", values="reported_value",
                                      aggfunc="first")
            reference = rows.groupby(["municipality_name", "subject_code"])["reference_value"].first()
            explained = rows.groupby("municipality_name")["detail"].apply(lambda d: "; ".join(dict.fromkeys(d)))
            table = [[name, *(f"{number(values.loc[name, code], 0)} при {number(reference[(name, code)], 0)}"
                             if not pd.isna(values.loc[name, code]) else "—" for code in codes)]
                     + ([explained[name]] if len(details) > 1 else []) for name in values.index]
            shown_as = dict(zip(marts.indicators["indicator_code"], marts.indicators["indicator_display_code"]))
            headers = (["Муниципальное образование", *(shown_as.get(code, code) for code in codes)]
                       + (["Пояснение"] if len(details) > 1 else []))
            note.add(Table(headers, table, widths=[2.6, *([4.6 / len(codes)] * len(codes))]
                           + ([2.4] if len(details) > 1 else []), caption=caption))


def _natural(code: str) -> list:
    """MPH-8 before MPH-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _list_comparison(note: Document, marts: CycleMarts) -> None:
    """The region's published list beside the computed one, each difference with its reason."""
    compared = marts.list_comparison
    note.add(Heading("Приложение 2. Региональный список ШНОР: опубликованный и расчётный"))
    if compared.empty:
        note.add(Paragraph("Опубликованного регионом списка ШНОР за год нет: сравнивать не с чем."))
        return
    year = int(compared["result_year"].iloc[0])
    summary = compared.groupby("municipality_name").agg(
        published=("is_published", "sum"), computed=("is_computed", "sum"),
        both=("difference", lambda d: int((d == "both").sum())),
        only_published=("difference", lambda d: int((d == "only_published").sum())),
        only_computed=("difference", lambda d: int((d == "only_computed").sum())))
    note.add(Paragraph(
        f"Опубликованный регионом список ШНОР за {year} год — {int(compared['is_published'].sum())} школ; список, "
        f"рассчитанный по региональной методике (с правилом выхода), — {int(compared['is_computed'].sum())}; в обоих — "
        f"{int((compared['difference'] == 'both').sum())}, только в опубликованном — "
        f"{int((compared['difference'] == 'only_published').sum())}, только в расчётном — "
        f"{int((compared['difference'] == 'only_computed').sum())}."))
    note.add(Table(["Муниципальное образование", "Опубликованный", "Расчётный", "В обоих", "Только в опубликованном",
                    "Только в расчётном"],
                   [[name, *(str(int(v)) for v in row)] for name, row in summary.iterrows()],
                   widths=[2.6, 1.1, 1, 0.8, 1.3, 1.2], caption="Таблица П2.1. Списки по МО"))
    differences = compared[compared["difference"] != "both"]
    if not differences.empty:
        labels = {"only_published": "только в опубликованном", "only_computed": "только в расчётном"}
        grouped = differences.groupby(["municipality_name", "difference", "reason"], sort=True)["school_name"]
        note.add(Table(["Муниципальное образование", "Где", "Причина", "Школы"],
                       [[name, labels[where], reason, ", ".join(schools)] for (name, where, reason), schools in grouped],
                       widths=[2, 1.3, 3.8, 2.2], caption="Таблица П2.2. Различия списков и их причины"))


def write_regional_note(marts: CycleMarts, origin: Provenance) -> dict[str, Path]:
    note = regional_note(marts, origin)
    folder = marts.home.reports / marts.monitoring_id
    stem = f"spravka_{marts.monitoring_id}"
    return {"docx": write_docx(note, folder / f"{stem}.docx"), "pdf": write_pdf(note, folder / f"{stem}.pdf")}
