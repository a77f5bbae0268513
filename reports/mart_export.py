"""The cycle's marts as formatted sheets for methodologists, one workbook per cycle: Russian headers,
frozen header row, filters, number formats, weak values coloured (below a named threshold of the letter, read
from mart_letter_thresholds, or below zero / below full), and the provenance on a sheet of its own. A code the
marts keep in Latin letters is shown by its Russian name, which the mart carries beside it (the *_label columns,
seed code_labels); dates are Excel dates (sortable, filterable), not text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.excel import DATE, DATE_TIME, excel_date, mark_sheet, put_date, put_text, style_header
from reports.provenance import Provenance
from reports.regional_note import CycleMarts
from shnor_core.lineage import mart_keys, printed_reference

WEAK_FILL = PatternFill("solid", fgColor="F8CBAD")
PERCENT, DECIMAL, WHOLE, INDEX = "0%", "0.0", "0", "0.00"


# Colouring that needs no threshold: an index below zero is below the region's mean (ИОР is standardised), a
# coverage below one is incomplete.
NEGATIVE, INCOMPLETE = "negative", "incomplete"
LIMITS = {NEGATIVE: 0, INCOMPLETE: 1}


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    number_format: str | None = None  # None: text; DATE: a date
    weak_below: str | None = None  # values under this are coloured: a threshold's name (mart_letter_thresholds) or LIMITS


REFERENCE_TITLE = "Ссылка (shnor explain)"
REFERENCE_FONT = Font(size=8, color="808080")


@dataclass(frozen=True)
class Sheet:
    title: str
    frame: str  # attribute of CycleMarts
    columns: tuple[Column, ...]
    mart: str | None = None  # the mart of its rows: each row's reference (shnor explain) in the last column


SHEETS = (
    Sheet("Показатели", "indicators", (
        Column("municipality_name", "Муниципальное образование"), Column("section_title", "Раздел"),
        Column("indicator_display_code", "Код"), Column("indicator_label", "Показатель"),
        Column("score", "Балл", DECIMAL), Column("max_score", "Максимум", WHOLE),
        Column("share_of_max", "Доля от максимума", PERCENT, weak_below="letter_weak_line"),
        Column("region_mean", "Среднее по региону", DECIMAL), Column("region_rank", "Место", WHOLE),
        Column("previous_score", "Балл в прошлом цикле", DECIMAL), Column("change_direction_label", "Изменение")), mart="mart_indicator_scores"),
    Sheet("Разделы", "sections", (
        Column("municipality_name", "Муниципальное образование"), Column("section_title", "Раздел"),
        Column("section_score", "Балл", DECIMAL), Column("section_max", "Максимум", WHOLE),
        Column("section_share", "Доля от максимума", PERCENT, weak_below="letter_weak_line"),
        Column("region_mean_share", "Среднее по региону", PERCENT), Column("region_rank", "Место", WHOLE),
        Column("region_quartile", "Квартиль", WHOLE), Column("change_direction_label", "Изменение")), mart="mart_section_scores"),
    Sheet("Рекомендации", "recommendation", (
        Column("item_number", "Пункт письма", WHOLE), Column("title", "Направление"),
        Column("municipality_name", "Муниципальное образование"), Column("meets_condition", "Условие выполнено"),
        Column("in_letter", "Названо в письме"), Column("rank_in_rule", "Место в группе", WHOLE),
        Column("value_text", "Значение"), Column("threshold_text", "Порог"),
        Column("region_mean_text", "Среднее по региону"), Column("evidence", "Значения свидетельств"),
        Column("practice_fields", "В части (практики)"), Column("partner_name", "МО-партнёр"),
        Column("list_label", "Какой список"), Column("measure_wording", "Мера"), Column("due_date", "Срок меры", DATE)), mart="mart_recommendation"),
    Sheet("ШНОР", "schools", (
        Column("municipality_name", "Муниципальное образование"), Column("school_name", "Школа"),
        Column("school_code", "Код ОО"), Column("is_federal_shnor", "ШНОР (ФИОКО)"),
        Column("is_regional_shnor", "ШНОР (регион)"), Column("ior", "ИОР", INDEX, weak_below=NEGATIVE),
        Column("ior_change", "Изменение ИОР", INDEX, weak_below=NEGATIVE), Column("cluster_name", "Контекстный кластер"),
        Column("is_sscu", "ШССУ"), Column("is_biased_results", "Необъективные результаты"),
        Column("mentors_assigned", "Наставников", WHOLE), Column("reasons", "Основания")), mart="mart_school_identification"),
    Sheet("Сравнение списков", "comparison", (
        Column("municipality_name", "Муниципальное образование"), Column("federal_schools", "ШНОР (ФИОКО)", WHOLE),
        Column("regional_schools", "ШНОР (регион)", WHOLE), Column("in_both", "В обоих", WHOLE),
        Column("only_federal", "Только ФИОКО", WHOLE), Column("only_regional", "Только регион", WHOLE),
        Column("biased_schools", "Необъективные результаты", WHOLE),
        Column("has_no_federal_listed_school", "Нет школ в списках ФИОКО")), mart="mart_shnor_comparison"),
    Sheet("Динамика списков", "shnor_dynamics", (
        Column("municipality_name", "Муниципальное образование"), Column("methodology_label", "Методика"),
        Column("previous_schools", "В прошлом году", WHOLE), Column("current_schools", "В этом году", WHOLE),
        Column("stayed", "Остались", WHOLE), Column("entered", "Вошли", WHOLE), Column("left_list", "Вышли", WHOLE)), mart="mart_shnor_dynamics"),
    Sheet("Наставничество", "coverage", (
        Column("municipality_name", "Муниципальное образование"), Column("list_kind_label", "Список"),
        Column("listed_schools", "Школ", WHOLE), Column("schools_with_mentor", "С наставником", WHOLE),
        Column("schools_without_mentor", "Без наставника", WHOLE),
        Column("coverage_share", "Охват", PERCENT, weak_below=INCOMPLETE)), mart="mart_mentoring_coverage"),
    Sheet("Дорожная карта", "roadmap", (
        Column("municipality_name", "Муниципальное образование"), Column("activity_number", "№", WHOLE),
        Column("activity_text", "Мероприятие (как в дорожной карте МО)"),
        Column("catalogue_activity", "Мероприятие каталога"), Column("due_date", "Срок", DATE),
        Column("status_name", "Исполнение"), Column("evidence_date", "Дата документа", DATE),
        Column("document_kind_name", "Вид документа"), Column("document_number", "Номер документа"),
        Column("days_late", "Опоздание, дней", WHOLE), Column("reported_without_document", "Заявлено без документа")), mart="mart_roadmap_status"),
    Sheet("Исполнение ДК", "roadmap_completion", (
        Column("municipality_name", "Муниципальное образование"), Column("has_roadmap", "Дорожная карта"),
        Column("report_files", "Отчётов", WHOLE), Column("activities_planned", "Мероприятий", WHOLE),
        Column("catalogue_activities_missing", "Не включено из каталога", WHOLE),
        Column("extra_activities", "Своих", WHOLE), Column("periodicities_changed", "Иная периодичность", WHOLE),
        Column("due_dates_passed", "Наступило сроков", WHOLE), Column("done_on_time", "В срок", WHOLE),
        Column("done_late", "С опозданием", WHOLE), Column("missing", "Без подтверждения", WHOLE),
        Column("not_due_yet", "Сроки впереди", WHOLE),
        Column("completion_share", "Исполнение", PERCENT, weak_below="letter_weak_line"),
        Column("region_completion_share", "По региону", PERCENT)), mart="mart_roadmap_completion"),
    Sheet("Состав ДК", "roadmap_plan", (
        Column("municipality_name", "Муниципальное образование"), Column("catalogue_number", "№ каталога", WHOLE),
        Column("catalogue_activity", "Мероприятие каталога"), Column("in_plan", "В дорожной карте"),
        Column("is_extra", "Своё мероприятие МО"), Column("activity_number", "№ в дорожной карте МО", WHOLE),
        Column("activity_text", "Формулировка МО"), Column("periodicity_label", "Периодичность"),
        Column("catalogue_periodicity_label", "По каталогу"), Column("periodicity_differs", "Периодичность изменена"),
        Column("match_score", "Сходство с каталогом", INDEX)), mart="mart_roadmap_plan"),
    Sheet("Кадры по МО", "municipality_people", (
        Column("municipality_name", "Муниципальное образование"), Column("shnor_schools", "ШНОР", WHOLE),
        Column("shnor_with_team_registry", "Команды в реестре", WHOLE),
        Column("shnor_team_complete", "Полные команды", WHOLE),
        Column("team_complete_share", "Доля полных команд", PERCENT, weak_below="letter_weak_line"),
        Column("teachers", "Педагогов", WHOLE), Column("teachers_with_development", "С повышением квалификации", WHOLE),
        Column("development_share", "Доля с повышением квалификации", PERCENT, weak_below="letter_weak_line"),
        Column("project_500_schools", "«500+»", WHOLE), Column("project_500_with_curator", "С куратором", WHOLE),
        Column("curator_coverage_share", "Охват кураторами", PERCENT, weak_below=INCOMPLETE),
        Column("curators", "Кураторов", WHOLE), Column("max_schools_per_curator", "Наибольшая нагрузка", WHOLE),
        Column("curators_from_shnor", "Кураторов из ШНОР", WHOLE),
        Column("schools_with_same_curator", "Тот же куратор, что в прошлом году", WHOLE),
        Column("mentors_registered", "Наставников", WHOLE), Column("tutors_registered", "Тьюторов", WHOLE),
        Column("post_project_schools", "Постпроект", WHOLE),
        Column("post_project_back_on_list", "Постпроект: снова ШНОР", WHOLE)), mart="mart_municipality_people"),
    Sheet("Кадры ШНОР", "school_people", (
        Column("municipality_name", "Муниципальное образование"), Column("school_name", "Школа"),
        Column("school_code", "Код ОО"), Column("is_shnor", "ШНОР"), Column("is_project_500", "«500+»"),
        Column("is_post_project", "Постпроект"), Column("team_members", "Команда, человек", WHOLE),
        Column("is_team_complete", "Команда полная"), Column("teachers", "Педагогов", WHOLE),
        Column("development_share", "Доля с повышением квалификации", PERCENT, weak_below="letter_weak_line"),
        Column("curators", "Кураторов", WHOLE), Column("curator_id", "Куратор (псевдоним)"),
        Column("curator_visits", "Посещений", WHOLE), Column("has_risk_programme", "Программа по рискам"),
        Column("curator_school_is_shnor", "Школа куратора — ШНОР"),
        Column("same_curator_as_last_year", "Тот же куратор"), Column("mentors", "Наставников", WHOLE),
        Column("tutors", "Тьюторов", WHOLE)), mart="mart_school_people"),
    Sheet("Кураторы", "curator_load", (
        Column("municipality_name", "Муниципальное образование"), Column("curator_id", "Куратор (псевдоним)"),
        Column("schools_held", "Школ", WHOLE), Column("is_overloaded", "Перегрузка"),
        Column("visits", "Посещений", WHOLE), Column("schools_with_risk_programme", "С программой по рискам", WHOLE),
        Column("schools_dated_in_medk", "С датами в ИС МЭДК", WHOLE), Column("own_school_is_shnor", "Своя школа — ШНОР"),
        Column("curated_last_year", "Куратор и в прошлом году"),
        Column("schools_kept_from_last_year", "Те же школы", WHOLE)), mart="mart_curator_load"),
    Sheet("Постпроект", "post_project", (
        Column("municipality_name", "Муниципальное образование"), Column("school_name", "Школа"),
        Column("school_code", "Код ОО"), Column("exit_year", "Вышла из «500+»", WHOLE),
        Column("result_year", "Год результатов", WHOLE), Column("ior", "ИОР", INDEX, weak_below=NEGATIVE),
        Column("ior_change_since_exit", "Изменение ИОР с выхода", INDEX, weak_below=NEGATIVE),
        Column("is_shnor_again", "Снова ШНОР"), Column("mentors_assigned", "Наставников и кураторов", WHOLE),
        Column("team_members", "Команда, человек", WHOLE)), mart="mart_post_project_schools"),
    Sheet("Вход и выход из списка", "list_changes", (
        Column("municipality_name", "Муниципальное образование"), Column("result_year", "Год", WHOLE),
        Column("on_list", "В расчётном списке", WHOLE), Column("identified", "Выявлены в году", WHOLE),
        Column("kept_by_exit_rule", "Удерживаются правилом выхода", WHOLE), Column("entered", "Вошли", WHOLE),
        Column("persisting", "Остались", WHOLE), Column("exited", "Вышли", WHOLE),
        Column("cusp_schools", "Близкие к низким результатам", WHOLE)), mart="mart_shnor_list_changes"),
    Sheet("Списки опубл. и расчёт", "list_comparison", (
        Column("municipality_name", "Муниципальное образование"), Column("school_name", "Школа"),
        Column("school_code", "Код ОО"), Column("is_published", "В опубликованном"), Column("is_computed", "В расчётном"),
        Column("ior", "ИОР", INDEX, weak_below=NEGATIVE), Column("distance_to_threshold", "Выше порога на", INDEX),
        Column("is_cusp", "Близкая к низким"), Column("reason", "Причина")), mart="mart_regional_list_comparison"),
    Sheet("Качество данных", "data_quality", (
        Column("check_title", "Проверка"), Column("municipality_name", "Муниципальное образование"),
        Column("school_name", "Школа"), Column("subject", "Показатель, процедура или список"),
        Column("reported_value", "Проверяемое число", WHOLE), Column("reported_source", "Источник"),
        Column("reference_value", "Число для сверки", WHOLE), Column("reference_source", "Источник сверки"),
        Column("detail", "Пояснение")), mart="mart_data_quality_checks"),
)
YES_NO = {True: "да", False: "нет"}


def export_path(home, monitoring_id: str) -> Path:
    return home.reports / monitoring_id / f"vygruzka_{monitoring_id}.xlsx"


def write_mart_export(marts: CycleMarts, origin: Provenance) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in SHEETS:
        _write_sheet(workbook.create_sheet(spec.title), spec, getattr(marts, spec.frame), marts)
    _write_provenance(workbook.create_sheet("Источники"), origin)
    for sheet in workbook.worksheets:  # every sheet of a demo cycle says so
        mark_sheet(sheet, origin.mark)
    path = export_path(marts.home, marts.monitoring_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _limit(name: str, marts: CycleMarts) -> float:
    return LIMITS[name] if name in LIMITS else marts.threshold(name)


def _cell_value(value, number_format: str | None):
    """What a cell of a column holds: a date or a number for a formatted column, «да»/«нет» for a flag, text else."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None if number_format else ""
    if number_format == DATE:
        return excel_date(value)
    if number_format:
        return float(value)
    if isinstance(value, (bool, np.bool_)):
        return YES_NO[bool(value)]
    return str(value)


def _write_sheet(sheet, spec: Sheet, frame: pd.DataFrame, marts: CycleMarts) -> None:
    """The sheet's rows appended whole (a cell looked up by its coordinates costs more than writing it), then
    each formatted column's format and text written as text (never a formula)."""
    sheet.append([column.title for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if column.number_format else 36
    style_header(sheet[1])
    columns = [(column.name, column.number_format) for column in spec.columns]
    refs = ([printed_reference(spec.mart, list(key)) for key in frame[list(mart_keys()[spec.mart])].itertuples(
        index=False, name=None)] if spec.mart else [])
    for index, record in enumerate(frame[[name for name, _ in columns]].itertuples(index=False, name=None)):
        sheet.append([_cell_value(value, number_format) for value, (_, number_format) in zip(record, columns)]
                     + refs[index:index + 1])
    if spec.mart:
        _reference_column(sheet, len(columns) + 1)
    for index, (_, number_format) in enumerate(columns):
        cells = (row[index] for row in sheet.iter_rows(min_row=2))
        if number_format:
            for cell in cells:
                cell.number_format = number_format
        else:
            for cell in cells:
                cell.data_type = "s"  # submitted text that starts with «=» is text, never a formula
    last = max(sheet.max_row, 2)
    for index, column in enumerate(spec.columns, start=1):
        if column.weak_below is not None:
            letter = get_column_letter(index)
            sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", CellIsRule(
                operator="lessThan", formula=[f"{_limit(column.weak_below, marts):g}"], fill=WEAK_FILL))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns) + bool(spec.mart))}{last}"


def _reference_column(sheet, index: int) -> None:
    """The last column: each row's reference, which ``shnor explain`` resolves to its source cells — a column
    rather than a comment per row, which doubled the time to write the demo's workbook (4.9 → 9.1 s; the
    column adds about 0.5 s)."""
    header = sheet.cell(1, index, REFERENCE_TITLE)
    style_header([header])
    header.font = Font(bold=True, size=8, color="808080")
    sheet.column_dimensions[get_column_letter(index)].width = 30
    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
        cell.data_type = "s"
        cell.font = REFERENCE_FONT


def _write_provenance(sheet, origin: Provenance) -> None:
    monitoring = origin.monitoring
    generated = origin.generated_at.replace(tzinfo=None)  # UTC, said in the label: Excel has no time zones
    lines = [("Мониторинг", f"{monitoring.monitoring_id}: {monitoring.title}"), ("Регион", origin.region),
             ("Окно (открытие, закрытие)", (monitoring.window_open, monitoring.window_close)),
             ("Сформировано (UTC)", generated), ("Версия", origin.version)]
    if origin.mark:
        lines.append(("Данные", origin.mark))
    for index, (label, value) in enumerate(lines, start=1):
        put_text(sheet.cell(index, 1), label).font = Font(bold=True)
        if isinstance(value, tuple):  # the window: its two dates side by side
            for offset, day in enumerate(value):
                put_date(sheet.cell(index, 2 + offset), day)
        elif isinstance(value, datetime):
            put_date(sheet.cell(index, 2), value, DATE_TIME)
        else:
            put_text(sheet.cell(index, 2), value)
    start = len(lines) + 2
    for index, title in enumerate(["Муниципальное образование", "Статус", "Учтённая версия (файл, SHA-256)", "Версий"], 1):
        put_text(sheet.cell(start, index), title)
    style_header(sheet[start])
    for offset, row in enumerate(origin.files_table(), start=start + 1):
        *texts, versions = row
        for index, value in enumerate(texts, start=1):
            put_text(sheet.cell(offset, index), value)
        sheet.cell(offset, len(row), int(versions)).number_format = WHOLE
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 70
