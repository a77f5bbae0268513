"""Municipality names as seed 000 and seed 004 write them, matched to the ОКТМО reference."""

import pytest

from ingestion.school_names import SchoolMatcher, SchoolRef
from shnor_core.names import match_municipality

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
