"""Student-level results aggregate on read to school cells; bad marks and unknown schools name their line."""

from __future__ import annotations

from ingestion.school_names import SchoolMatcher, SchoolRef
from ingestion.student_results_reader import read_student_results

HEADER = "Код ОО;Процедура;Год;Предмет;Класс;Код участника;Отметка;Примечание\n"
MATCHER = SchoolMatcher([SchoolRef("23001001", "МБОУ СОШ № 1", "03601000"),
                         SchoolRef("23001002", "МБОУ СОШ № 2", "03601000")])


def write(tmp_path, lines):
    path = tmp_path / "vpr_students.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_marks_become_school_shares(tmp_path):
    path = write(tmp_path, ["23001001;ВПР;2025;Математика;5;p1;2;демонстрационные данные",
                            "23001001;ВПР;2025;Математика;5;p2;3;", "23001001;ВПР;2025;Математика;5;p3;3;",
                            "23001001;ВПР;2025;Математика;5;p4;5;", "23001002;ВПР;2025;Математика;5;p5;4;"])
    result = read_student_results(path, MATCHER)
    assert not result.errors and result.is_demo
    first = result.rows[result.rows["school_code"] == "23001001"].set_index("metric")["value"].to_dict()
    # 4 participants: one «2», two «3», none «4», one «5»
    assert first == {"participants": 4, "mark_2_share": 0.25, "mark_3_share": 0.5, "mark_4_share": 0.0, "mark_5_share": 0.25}
    row = result.rows[result.rows["school_code"] == "23001001"].iloc[0]
    assert (row["municipality_oktmo"], row["source_row"], row["grade"]) == ("03601000", 2, 5)
    assert "p1" not in result.rows.astype(str).to_string()  # participant codes never leave the reader


def test_bad_mark_and_unknown_school_are_refused_with_their_lines(tmp_path):
    path = write(tmp_path, ["23001001;ВПР;2025;Математика;5;p1;6;", "23009999;ВПР;2025;Математика;5;p2;3;"])
    result = read_student_results(path, MATCHER)
    assert [(e.cell, e.value, e.rule) for e in result.errors] == [
        ("строка 2", "6", "отметка должна быть от 2 до 5"), ("строка 3", "23009999", "кода ОО нет в реестре школ")]
    assert not result.accepted
