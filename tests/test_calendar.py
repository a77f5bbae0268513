"""Calendar files as data: which kind each window is (validated), and every mistake named with its file and
line, the row left out and the others kept."""

from __future__ import annotations

from datetime import datetime, timezone

from shnor import tasks
from shnor.timetable import MonitoringCalendarTimetable
from shnor.windows import calendar_plan
from shnor_core.reference import check_calendar, load_calendar, load_form

HEADER = "monitoring_id,region_code,track,title,kind,form_id,school_group,window_open,window_close,grace_days,periodicity,repeat_until\n"


def check(tmp_path, rows: str, name: str = "35_2025.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return check_calendar(path)


def test_bundled_calendars_say_the_kind_of_every_window():
    windows = load_calendar()
    assert {m: (w.kind, w.level, w.form_id, w.school_group) for m, w in windows.items() if w.region_code == "35"} == {
        "shnor-identification-2024": ("school_form", "school", "shnor_identification_v2024", "all"),
        "shnor-deficits-2024": ("school_form", "school", "resource_deficits_v2024", "all"),
        "shnor-dynamics-2024": ("computed", "school", "", "shnor"),
        "risk-dynamics-2024": ("computed", "school", "", "risk_zone"),
        "municipal-shnor-2024": ("municipal_two_year", "municipality", "municipal_shnor_v2024", ""),
    }
    assert {w.kind for w in windows.values() if w.region_code == "23"} == {"municipal_form"}
    assert check_calendar().problems == []


def test_school_forms_are_in_the_form_catalogue():
    deficits = load_form("resource_deficits_v2024")
    assert deficits.level == "school"
    assert [s.title for s in sorted(deficits.sections.values(), key=lambda s: s.order)] == [
        "Кадровое обеспечение", "Материально-техническое обеспечение", "Информационно-методическое обеспечение"]
    assert load_form("shnor_identification_v2024").level == "school"
    assert load_form("municipal_shnor_v2024").level == "municipality"
    assert load_form("shnor_mph_v2021").level == "municipality"  # no level column: a municipality's form


def test_each_mistake_is_named_with_its_line_and_the_rest_is_kept(tmp_path):
    result = check(tmp_path, (
        "ok-2025,35,1,Верная,computed,,shnor,2025-03-01,2025-03-10,0,,\n"                      # 2
        "ok-2025,35,1,Повтор,computed,,shnor,2025-04-01,2025-04-10,0,,\n"                      # 3
        "back-2025,35,1,Назад,computed,,shnor,2025-05-10,2025-05-01,0,,\n"                     # 4
        "kind-2025,35,1,Вид,questionnaire,,,2025-05-10,2025-05-20,0,,\n"                       # 5
        "form-2025,35,1,Форма,municipal_form,missing_form,,2025-05-10,2025-05-20,0,,\n"        # 6
        "noform-2025,35,1,Без формы,school_form,,,2025-05-10,2025-05-20,0,,\n"                 # 7
        "extra-2025,35,1,Лишняя форма,computed,shnor_mph_v2021,shnor,2025-05-10,2025-05-20,0,,\n"  # 8
        "group-2025,35,1,Группа,computed,,everyone,2025-05-10,2025-05-20,0,,\n"                # 9
        "region-2025,99,1,Регион,computed,,shnor,2025-05-10,2025-05-20,0,,\n"                  # 10
        "date-2025,35,1,Дата,computed,,shnor,10.05.2025,2025-05-20,0,,\n"                      # 11
        "q,35,1,Четверть,municipal_form,shnor_mph_v2021,,2025-01-01,2025-04-15,0,quarterly,2025-12-31\n"  # 12
        "bad id,35,1,Пробел,computed,,shnor,2025-05-10,2025-05-20,0,,\n"                       # 13
        "grace-2025,35,1,Льгота,computed,,shnor,2025-05-10,2025-05-20,два,,\n"                 # 14
        "h,35,3,Полугодие,school_form,resource_deficits_v2024,,2025-01-10,2025-01-20,1,half_year,2025-12-31\n"))  # 15
    assert list(result.windows) == ["ok-2025", "h-01", "h-02"]
    assert [(p.line, p.monitoring_id) for p in result.problems] == [
        (3, "ok-2025"), (4, "back-2025"), (5, "kind-2025"), (6, "form-2025"), (7, "noform-2025"), (8, "extra-2025"),
        (9, "group-2025"), (10, "region-2025"), (11, "date-2025"), (12, "q"), (13, "bad id"), (14, "grace-2025")]
    messages = [str(p) for p in result.problems]
    assert messages[0] == ("35_2025.csv, строка 3: мониторинг «ok-2025»: идентификатор уже занят окном «ok-2025» "
                           "(35_2025.csv, строка 2)")
    assert "окно закрывается раньше, чем открывается" in messages[1]
    assert "неизвестный вид окна «questionnaire»" in messages[2] and "municipal_two_year" in messages[2]
    assert "неизвестная форма «missing_form»" in messages[3]
    assert "окно вида school_form собирает форму: укажите form_id" in messages[4]
    assert "окно вида computed не собирает форм" in messages[5]
    assert "для расчётного окна укажите school_group" in messages[6]
    assert "неизвестный код региона «99»" in messages[7]
    assert "в столбце window_open не дата ГГГГ-ММ-ДД: «10.05.2025»" in messages[8]
    assert "окна повторяющегося мониторинга перекрываются" in messages[9]


def test_an_id_of_another_file_is_taken_too(tmp_path):
    (tmp_path / "23_2025.csv").write_text(HEADER + "dup,23,1,A,computed,,all,2025-01-01,2025-01-05,0,,\n", encoding="utf-8")
    (tmp_path / "35_2025.csv").write_text(HEADER + "dup,35,1,B,computed,,all,2025-02-01,2025-02-05,0,,\n", encoding="utf-8")
    result = check_calendar(tmp_path)
    assert [w.region_code for w in result.windows.values()] == ["23"]
    assert str(result.problems[0]) == ("35_2025.csv, строка 2: мониторинг «dup»: идентификатор уже занят окном «dup» "
                                       "(23_2025.csv, строка 2)")


def test_a_file_without_the_kind_column_is_refused_whole(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("monitoring_id,region_code,track,title,form_id,window_open,window_close,grace_days,level\n"
                    "x,23,1,X,shnor_mph_v2021,2025-06-01,2025-06-11,3,municipality\n", encoding="utf-8")
    result = check_calendar(path)
    assert result.windows == {} and str(result.problems[0]) == "old.csv, строка 1: в заголовке нет столбцов: kind"



def test_comment_lines_are_skipped_and_lines_keep_their_numbers(tmp_path):
    """A line starting with «#» is a comment (a region's calendar skeleton comments its example rows); quotes
    and commas inside a comment do not reach the CSV reader, and a mistake is still named by its own line."""
    path = tmp_path / "35_2025.csv"
    path.write_text("# Календарь «региона», с запятыми и \"кавычками\n" + HEADER
                    + "# ok-2025,35,1,Закомментировано,computed,,shnor,2025-03-01,2025-03-10,0,,\n"  # 3
                    + "  # отступ перед решёткой — тоже комментарий\n"                              # 4
                    + "ok-2025,35,1,Верная,computed,,shnor,2025-03-01,2025-03-10,0,,\n"              # 5
                    + "\n"                                                                           # 6
                    + "back-2025,35,1,Назад,computed,,shnor,2025-05-10,2025-05-01,0,,\n", encoding="utf-8")  # 7
    result = check_calendar(path)
    assert list(result.windows) == ["ok-2025"] and result.windows["ok-2025"].source_line == 5
    assert [str(p) for p in result.problems] == [
        "35_2025.csv, строка 7: мониторинг «back-2025»: окно закрывается раньше, чем открывается"]

def test_one_dag_per_row_and_event_of_its_kind(tmp_path):
    path = tmp_path / "35_2025.csv"
    path.write_text(HEADER + "a,35,1,A,school_form,resource_deficits_v2024,,2025-09-01,2025-09-12,2,,\n"
                             "b,35,1,B,computed,,shnor,2025-09-01,2025-09-20,0,,\n"
                             "q,35,3,Q,municipal_form,shnor_mph_v2021,,2025-01-10,2025-01-20,2,quarterly,2025-12-31\n",
                    encoding="utf-8")
    plan = calendar_plan(path)
    assert [(d.dag_id, [w.monitoring_id for w in d.windows]) for d in plan.dags] == [
        ("shnor_open__a", ["a"]), ("shnor_reminder__a", ["a"]), ("shnor_close__a", ["a"]), ("shnor_close__b", ["b"]),
        *[(f"shnor_{e}__q", ["q-01", "q-02", "q-03", "q-04"]) for e in ("open", "reminder", "close")]]
    assert plan.by_id()["shnor_close__q"].is_periodic and not plan.by_id()["shnor_close__a"].is_periodic


def test_a_run_finds_its_window_from_its_own_dag(tmp_path):
    path = tmp_path / "23_2025.csv"
    path.write_text(HEADER + "q,23,3,Q,municipal_form,shnor_mph_v2021,,2025-01-10,2025-01-20,2,quarterly,2025-12-31\n",
                    encoding="utf-8")
    [spec] = [d for d in calendar_plan(path).dags if d.event == "close"]
    dag = type("Dag", (), {"timetable": MonitoringCalendarTimetable("close", spec.windows)})()
    utc = timezone.utc
    assert tasks._monitoring_of_run({"monitoring_id": ""}, dag, datetime(2025, 4, 10, tzinfo=utc),
                                    datetime(2025, 4, 21, tzinfo=utc)) == "q-02"
    assert tasks._monitoring_of_run({"monitoring_id": "q-03"}, dag, None, None) == "q-03"  # a rerun names its window
