"""The roadmap and people sections of the regional and municipal notes: how the municipalities' roadmaps
were carried out (from reported evidence only: mart_roadmap_completion, mart_roadmap_status,
mart_roadmap_activities, mart_roadmap_plan) and who supports the schools (counts only, never names:
mart_municipality_people, mart_school_people, mart_curator_load, mart_post_project_schools). Every number
comes from those marts; this module only words and lays them out."""

from __future__ import annotations

import pandas as pd

from reports.document import Bullets, Document, Heading, Paragraph, Table, percent, ru_date

STATUS_SHORT = {"late": "с опозданием", "missing": "нет подтверждения"}
DOCUMENT_RU = {"roadmap": "дорожная карта", "order": "приказ", "certificate": "справка", "plan": "план",
               "programme": "программа", "letter": "письмо", "protocol": "протокол", "monitoring": "мониторинг",
               "analysis": "анализ", "report": "отчёт", "recommendations": "рекомендации", "other": "документ"}


def _int(value) -> int:
    return 0 if pd.isna(value) else int(value)


def _activity_name(row) -> str:
    if isinstance(row.activity_code, str) and isinstance(row.catalogue_activity, str):
        return f"№ {int(row.activity_code[2:])} каталога. {row.catalogue_activity}"
    return "свои мероприятия МО (нет в каталоге)"


def _document(row) -> str:
    if pd.isna(row.evidence_date):
        return "—"
    parts = [DOCUMENT_RU.get(row.document_kind, "документ") if isinstance(row.document_kind, str) else "документ"]
    if isinstance(row.document_number, str):
        parts.append(f"№ {row.document_number}")
    parts.append(f"от {ru_date(row.evidence_date)}")
    return " ".join(parts)


# --- the regional note ---------------------------------------------------------------------------------

def regional_roadmaps(note: Document, marts, number: str) -> None:
    completion = marts.roadmap_completion
    if completion.empty:
        return
    as_of = ru_date(completion["as_of_date"].iloc[0])
    year = int(completion["roadmap_year"].iloc[0])
    note.add(Heading(f"{number}. Исполнение дорожных карт МО ({year} год)"))
    with_roadmap = completion[completion["has_roadmap"]]
    note.add(Paragraph(
        f"Дорожные карты по методическому сопровождению ШНОР на {year} год представили {len(with_roadmap)} из "
        f"{len(completion)} муниципальных образований, отчёты об их исполнении — "
        f"{int((completion['report_files'] > 0).sum())}. Выполнение засчитывается только по подтверждающему "
        f"документу из отчёта МО (вид, номер, дата или ссылка); показатели форм мониторинга подтверждением не "
        f"считаются."))
    due = int(completion["due_dates_passed"].sum())
    if due:
        note.add(Paragraph(
            f"На {as_of} наступило сроков мероприятий — {due}: выполнено в срок — {int(completion['done_on_time'].sum())}, "
            f"с опозданием — {int(completion['done_late'].sum())}, без подтверждения — {int(completion['missing'].sum())}; "
            f"исполнение по региону — {percent(completion['region_completion_share'].iloc[0])}, в срок — "
            f"{percent(completion['region_on_time_share'].iloc[0])}. О выполнении без подтверждающего документа "
            f"заявлено по {int(completion['reported_without_document'].sum())} срокам."))
    missing_roadmap = completion[~completion["has_roadmap"]]["municipality_name"]
    if not missing_roadmap.empty:
        note.add(Paragraph("Дорожная карта не представлена: " + ", ".join(missing_roadmap) + "."))
    note.add(Table(
        ["Муниципальное образование", "Мероприятий (из каталога)", "Своих", "Сроков наступило", "В срок",
         "С опозданием", "Без подтверждения", "Исполнение"],
        [[row.municipality_name, f"{_int(row.activities_planned)} ({_int(row.catalogue_activities_planned)})",
          str(_int(row.extra_activities)), str(_int(row.due_dates_passed)), str(_int(row.done_on_time)),
          str(_int(row.done_late)), str(_int(row.missing)), percent(row.completion_share)]
         for row in completion.itertuples()],
        widths=[2.6, 1.5, 0.8, 1.2, 1.0, 1.4, 1.6, 1.2], caption=f"Таблица. Исполнение дорожных карт МО на {as_of}"))
    activities = marts.roadmap_activities
    troubled = activities[(activities["municipalities_late"] + activities["municipalities_missing"]) > 0].head(8)
    if not troubled.empty:
        note.add(Paragraph("Чаще всего выполняются с опозданием или остаются без подтверждения:"))
        note.add(Bullets([f"{_activity_name(row)} — с опозданием в {int(row.municipalities_late)} МО, без "
                          f"подтверждения в {int(row.municipalities_missing)} МО (в дорожных картах "
                          f"{int(row.municipalities_planned)} МО)" for row in troubled.itertuples()]))


def regional_people(note: Document, marts, number: str) -> None:
    people = marts.municipality_people
    if people.empty:
        return
    year = int(people["people_year"].iloc[0])
    first = people.iloc[0]
    note.add(Heading(f"{number}. Кадры системы поддержки ШНОР ({year} год)"))
    note.add(Paragraph(
        f"ШНОР — {int(people['shnor_schools'].sum())}; управленческие команды в реестрах МО — у "
        f"{int(people['shnor_with_team_registry'].sum())}, полные — у {int(people['shnor_team_complete'].sum())} "
        f"({percent(first['region_team_complete_share'])} ШНОР). Педагогов в реестрах школ, которым нужна поддержка, — "
        f"{int(people['teachers'].sum())}, из них повышали квалификацию или участвовали в мероприятиях в {year} "
        f"году — {int(people['teachers_with_development'].sum())} ({percent(first['region_development_share'])})."))
    note.add(Paragraph(
        f"Школ «500+» — {int(people['project_500_schools'].sum())}, с куратором — "
        f"{int(people['project_500_with_curator'].sum())} (охват {percent(first['region_curator_coverage_share'])}); "
        f"кураторов — {int(people['curators'].sum())}, из них ведут больше школ, чем положено, — "
        f"{int(people['curators_overloaded'].sum())}, работают в школе, которая сама ШНОР, — "
        f"{int(people['curators_from_shnor'].sum())}, вели школы и в прошлом году — "
        f"{int(people['curators_continuing'].sum())}; школ с тем же куратором, что в прошлом году, — "
        f"{int(people['schools_with_same_curator'].sum())}. Наставников МНЦ в реестрах — "
        f"{int(people['mentors_registered'].sum())}, тьюторов МТКП — {int(people['tutors_registered'].sum())}."))
    if people["post_project_schools"].sum():
        note.add(Paragraph(
            f"На постпроектном сопровождении — {int(people['post_project_schools'].sum())} школ: ИОР выше, чем в год "
            f"выхода из проекта, у {int(people['post_project_improved'].sum())}, снова ШНОР — "
            f"{int(people['post_project_back_on_list'].sum())}."))
    rows = people[(people["shnor_schools"] + people["project_500_schools"] + people["post_project_schools"]) > 0]
    note.add(Table(
        ["Муниципальное образование", "ШНОР", "Полных команд", "Педагогов", "Повышали квалификацию",
         "«500+»", "С куратором", "Кураторов", "Куратор из ШНОР"],
        [[row.municipality_name, str(_int(row.shnor_schools)), str(_int(row.shnor_team_complete)), str(_int(row.teachers)),
          percent(row.development_share), str(_int(row.project_500_schools)), str(_int(row.project_500_with_curator)),
          str(_int(row.curators)), str(_int(row.curators_from_shnor))] for row in rows.itertuples()],
        widths=[2.4, 0.9, 1.2, 1.2, 1.9, 0.9, 1.2, 1.2, 1.2],
        caption="Таблица. Кадры системы поддержки ШНОР по МО (без имён)"))


# --- the municipal note --------------------------------------------------------------------------------

def municipal_roadmap(note: Document, marts, oktmo: str, number: str) -> None:
    rows = marts.roadmap_completion[marts.roadmap_completion["municipality_oktmo"] == oktmo]
    if rows.empty:
        return
    row = rows.iloc[0]
    year, as_of = int(row["roadmap_year"]), ru_date(row["as_of_date"])
    note.add(Heading(f"{number}. Дорожная карта на {year} год"))
    if not row["has_roadmap"]:
        note.add(Paragraph(f"Дорожная карта на {year} год не представлена: исполнение не оценивается."))
        return
    plan = marts.roadmap_plan[marts.roadmap_plan["municipality_oktmo"] == oktmo]
    left_out = plan[~plan["in_plan"]].sort_values("catalogue_number")
    changed = plan[plan["periodicity_differs"]]
    text = (f"Мероприятий в дорожной карте — {_int(row['activities_planned'])}: из каталога — "
            f"{_int(row['catalogue_activities_planned'])} из {_int(row['catalogue_activities_planned']) + _int(row['catalogue_activities_missing'])}, "
            f"своих — {_int(row['extra_activities'])}; периодичность изменена у {_int(row['periodicities_changed'])}.")
    note.add(Paragraph(text))
    if not left_out.empty:
        note.add(Paragraph("Не включены мероприятия каталога: " + "; ".join(
            f"№ {int(r.catalogue_number)} «{r.catalogue_activity}»" for r in left_out.itertuples()) + "."))
    if not changed.empty:
        note.add(Paragraph("Иная периодичность, чем в каталоге: " + "; ".join(
            f"№ {int(r.activity_number)} «{r.activity_text}»" for r in changed.itertuples()) + "."))
    if not _int(row["report_files"]):
        note.add(Paragraph("Отчёт об исполнении дорожной карты не представлен: наступившие сроки не подтверждены."))
    note.add(Paragraph(
        f"На {as_of} наступило сроков — {_int(row['due_dates_passed'])}: выполнено в срок — {_int(row['done_on_time'])}, "
        f"с опозданием — {_int(row['done_late'])}, без подтверждения — {_int(row['missing'])} (исполнение "
        f"{percent(row['completion_share'])} при {percent(row['region_completion_share'])} по региону). "
        f"Заявлено о выполнении без подтверждающего документа — {_int(row['reported_without_document'])}; "
        f"впереди сроков — {_int(row['not_due_yet'])}."))
    status = marts.roadmap[(marts.roadmap["municipality_oktmo"] == oktmo) & marts.roadmap["status"].isin(list(STATUS_SHORT))]
    if not status.empty:
        note.add(Table(["№", "Мероприятие", "Срок", "Статус", "Документ"],
                       [[str(int(r.activity_number)), r.activity_text, ru_date(r.due_date),
                         STATUS_SHORT[r.status] + (f" ({int(r.days_late)} дн.)" if r.status == "late" else "")
                         + ("; заявлено без документа" if r.reported_without_document else ""), _document(r)]
                        for r in status.itertuples()],
                       widths=[0.4, 4.4, 1, 1.5, 1.8],
                       caption="Мероприятия, выполненные с опозданием или без подтверждения"))


def municipal_people(note: Document, marts, oktmo: str, number: str) -> None:
    rows = marts.municipality_people[marts.municipality_people["municipality_oktmo"] == oktmo]
    if rows.empty:
        return
    row = rows.iloc[0]
    year = int(row["people_year"])
    note.add(Heading(f"{number}. Кадры системы поддержки ШНОР ({year} год)"))
    note.add(Paragraph(
        f"ШНОР — {_int(row['shnor_schools'])}; управленческие команды в реестре МО — у {_int(row['shnor_with_team_registry'])}, "
        f"полные — у {_int(row['shnor_team_complete'])} ({percent(row['team_complete_share'])} ШНОР, по региону "
        f"{percent(row['region_team_complete_share'])}). Педагогов в реестре — {_int(row['teachers'])}, из них повышали "
        f"квалификацию или участвовали в мероприятиях в {year} году — {_int(row['teachers_with_development'])} "
        f"({percent(row['development_share'])}, по региону {percent(row['region_development_share'])})."))
    if _int(row["project_500_schools"]) or _int(row["curators"]):
        note.add(Paragraph(
            f"Школ «500+» — {_int(row['project_500_schools'])}, с куратором — {_int(row['project_500_with_curator'])} "
            f"(охват {percent(row['curator_coverage_share'])}); кураторов — {_int(row['curators'])}, наибольшая нагрузка — "
            f"{_int(row['max_schools_per_curator'])} шк.; кураторов из школ, которые сами ШНОР, — "
            f"{_int(row['curators_from_shnor'])}; школ с тем же куратором, что в прошлом году, — "
            f"{_int(row['schools_with_same_curator'])}; посещений кураторами — {_int(row['curator_visits'])}."))
    note.add(Paragraph(f"Наставников МНЦ в реестре — {_int(row['mentors_registered'])}, тьюторов МТКП — "
                       f"{_int(row['tutors_registered'])}."))
    if _int(row["post_project_schools"]):
        note.add(Paragraph(f"На постпроектном сопровождении — {_int(row['post_project_schools'])} шк.: ИОР выше, чем в "
                           f"год выхода из «500+», у {_int(row['post_project_improved'])}, снова ШНОР — "
                           f"{_int(row['post_project_back_on_list'])}."))
    schools = marts.school_people[marts.school_people["municipality_oktmo"] == oktmo]
    if not schools.empty:
        note.add(Table(["Школа", "Список", "Команда (полная)", "Педагогов", "С повышением квалификации", "Куратор",
                        "Посещений"],
                       [[s.school_name, ", ".join(label for flag, label in ((s.is_shnor, "ШНОР"),
                                                                            (s.is_project_500, "«500+»"),
                                                                            (s.is_post_project, "постпроект")) if flag),
                         f"{int(s.team_members)} ({'да' if s.is_team_complete else 'нет'})", str(int(s.teachers)),
                         percent(s.development_share), "да" if s.curators else "нет", str(int(s.curator_visits))]
                        for s in schools.itertuples()],
                       widths=[2.2, 1.4, 1.2, 0.9, 1.3, 0.9, 0.9], caption="Школы, которым нужна поддержка (без имён людей)"))
