"""Municipality names as seed 000 and seed 004 write them, matched to the ОКТМО reference."""

from datetime import date

import pytest

from ingestion.school_names import SchoolMatcher, SchoolRef, normalized_school_name
from shnor_core.names import match_municipality, municipality_identity
from shnor_core.reference import Municipality

SEED_000_NAMES = {
    "МО город Анапа": "город-курорт Анапа",
    "МО Апшеронский район": "Апшеронский муниципальный район",
    "МО город Горячий Ключ": "город Горячий Ключ",
    "МО Приморско-Ахтарский район": "Приморско-Ахтарский муниципальный район",
    "МО Куцевский район": "Кущевский муниципальный район",   # seed 000's typo
    "МО Кушевский район": "Кущевский муниципальный район",   # seed 000's other typo
    "МО Кореновский район": "Кореновский муниципальный район",  # seed 004
    "г. Геленджик": "город-курорт Геленджик",
    "город-курорт Геленджик": "город-курорт Геленджик",
    "МО город Геленджик": "город-курорт Геленджик",
    "МО&nbsp;Усть-Лабинский\xa0район": "Усть-Лабинский муниципальный район",
}


@pytest.mark.parametrize("written, expected", SEED_000_NAMES.items())
def test_seed_names_match(written, expected, municipalities):
    match = match_municipality(written, municipalities)
    assert match.municipality is not None and match.municipality.name == expected


def test_unknown_name_is_not_guessed(municipalities):
    match = match_municipality("МО Бахчисарайский район", municipalities)
    assert match.municipality is None
    assert match.candidates


def test_a_registry_code_in_brackets_matches_only_with_its_name():
    matcher = SchoolMatcher([SchoolRef("23001005", "МБОУ СОШ № 5", "03601000"),
                             SchoolRef("23002005", "МБОУ СОШ № 5", "03605000")])
    sure = matcher.match("(23001005) МБОУ СОШ № 5", None)  # same name in two municipalities: the code decides
    assert (sure.school.code, sure.score) == ("23001005", 1.0)
    wrong = matcher.match("(23001005) МБОУ СОШ № 7", None)  # the code of another school: never trusted
    assert wrong.school is None


def test_genitive_and_authority_names_resolve(municipalities):
    """The title of a people registry and the issuing bodies of an ЕГЭ workbook name municipalities in the genitive."""
    for written in ["База данных управленческих команд и педагогов ШНОР Тихорецкого района",
                    "Управление образованием администрации МО Тихорецкий район", "Тихорецкого р-на"]:
        match = match_municipality(written, municipalities)
        assert match.municipality.name == "Тихорецкий муниципальный район", written
        assert "тихорецк" in match.evidence and "оценка" in match.evidence


RENAMED = [Municipality("76603000", "Акшинский муниципальный район", "municipal_district", "2014-01-01", "2022-12-31"),
           Municipality("76503000", "Акшинский муниципальный округ", "municipal_okrug", "2023-01-01", None),
           Municipality("76710000", 'городской округ "Город Петровск-Забайкальский"', "city_okrug"),
           Municipality("76635000", "Петровск-Забайкальский муниципальный район", "municipal_district")]


def test_a_renamed_municipality_is_told_by_date_then_by_kind_words():
    assert match_municipality("Акшинский район", RENAMED, date(2024, 9, 1)).municipality.oktmo == "76503000"
    assert match_municipality("Акшинский район", RENAMED, date(2021, 9, 1)).municipality.oktmo == "76603000"
    assert match_municipality("Акшинского муниципального округа", RENAMED).municipality.oktmo == "76503000"
    undated = match_municipality("Акшинский", RENAMED)
    assert undated.municipality is None and len(undated.candidates) == 2


def test_a_city_and_a_district_of_one_stem_both_resolve_from_their_names():
    assert match_municipality("г. Петровск-Забайкальский", RENAMED).municipality.oktmo == "76710000"
    assert match_municipality("Комитет образования Петровск-Забайкальского района", RENAMED).municipality.oktmo \
        == "76635000"
    assert municipality_identity(RENAMED[2].name, RENAMED[2].kind) != municipality_identity(RENAMED[3].name,
                                                                                             RENAMED[3].kind)


def test_a_village_named_school_is_no_municipality():
    """A nested name column lists schools under their municipality: «МОУ Акшинская СОШ» is a school's row."""
    assert match_municipality("МОУ Акшинская СОШ", RENAMED).municipality is None


def test_a_regional_body_is_no_municipality_and_says_so():
    match = match_municipality("Министерство образования и науки Забайкальского края", RENAMED)
    assert match.municipality is None and match.regional_body


def test_a_name_equal_to_the_registry_s_always_matches():
    """Village-named schools have no number; two schools written alike are not "several" when one is verbatim."""
    matcher = SchoolMatcher([SchoolRef("750201", "МОУ СОШ с. Беклемишево", "76647000"),
                             SchoolRef("750202", "МОУ СОШ с. Маккавеево", "76647000"),
                             SchoolRef("750205", "МОУ СОШ № 1 п. Атамановка", "76647000"),
                             SchoolRef("750207", "МОУ СОШ № 1 п. Новокручининский", "76647000")])
    for written in ["СОШ с. Беклемишево", "Средняя общеобразовательная школа села Беклемишево", "МОУ «СОШ с.Беклемишево»"]:
        match = matcher.match(written, "76647000")
        assert (match.school.code, match.score) == ("750201", 1.0), written
        assert match.evidence
    assert matcher.match("СОШ № 1 поселка Атамановка", "76647000").school.code == "750205"
    repeated = matcher.match("МОУ СОШ № 1", "76647000")  # the number repeats: the settlement must tell
    assert repeated.school is None and len(repeated.candidates) == 2
    assert matcher.match("", "76647000").school is None and matcher.match("МОУ", "76647000").school is None


def test_codes_in_the_text_come_first():
    matcher = SchoolMatcher([SchoolRef("750110", "МБОУ СОШ № 5", "76701000", inn="7536012345"),
                             SchoolRef("750901", "ГОУ «Забайкальский краевой лицей-интернат»", "76000000",
                                       login="sch750901", ogrn="1027501150000")])
    assert matcher.match("ИНН 7536012345", "76701000").school.code == "750110"
    assert matcher.match("ОГРН 1027501150000", None).school.code == "750901"
    assert matcher.match("sch750901", None).school.code == "750901"
    contradicted = matcher.match("МБОУ СОШ № 7 (ИНН 7536012345)", "76701000")
    assert contradicted.school is None and contradicted.reason == "ИНН и название указывают на разные школы"


def test_the_normal_form_keys_unregistered_schools():
    same = ["МОУ СОШ с. Беклемишево", "Средняя общеобразовательная школа села Беклемишево", 'МОУ "СОШ с.Беклемишево"']
    assert {normalized_school_name(n) for n in same} == {"сош н.п. беклемишево"}
    assert normalized_school_name("МБОУ «СОШ № 1» п. Атамановка") == normalized_school_name("СОШ №1 пос. Атамановка")
    different = ["СОШ № 1 п. Атамановка", "СОШ № 1 п. Новокручининский", "СОШ № 2 п. Атамановка",
                 "ООШ № 1 п. Атамановка", "СОШ № 19 им. Кашина", "СОШ № 19 им. Пушкина", "Акшинская СОШ",
                 # «п.с.т.» (посёлок при станции), as the real Забайкальский workbook of 2022 writes two schools
                 'МБОУ "Средняя общеобразовательная школа п.с.т. Заречный"',
                 'МБОУ "Средняя общеобразовательная школа п.с.т. Нагорный"']
    assert len({normalized_school_name(n) for n in different}) == len(different)
    assert normalized_school_name("СОШ п.с.т. Заречный") == "сош н.п. заречный"
