"""Lists of a region's municipalities (templates, reminders, the upload site) show each ОКТМО once, by the
version in force — dbt's is_current rule — while a written old name still matches (issue 31 review: a renamed
municipality was listed twice)."""

from __future__ import annotations

from shnor_core.reference import current_municipalities, load_municipalities

SEED = """oktmo8,control_digit,name,kind,valid_from,valid_to
03601000,7,Абинский муниципальный район,municipal_district,2019-01-01,2024-12-31
03601000,7,Абинский муниципальный округ,municipal_okrug,2025-01-01,
03605000,5,Апшеронский муниципальный район,municipal_district,2019-01-01,
03607000,4,Белоглинский муниципальный район,municipal_district,2019-01-01,2023-12-31
03608000,9,Белореченский муниципальный район,municipal_district,2027-01-01,
"""


def test_each_oktmo_once_by_the_version_in_force(tmp_path):
    seed = tmp_path / "ref_municipalities.csv"
    seed.write_text(SEED, encoding="utf-8")
    assert len(load_municipalities("23", seed)) == 5  # matching sees every version
    shown = {m.oktmo: m.name for m in current_municipalities("23", "2026-12-08", seed)}
    assert shown == {"03601000": "Абинский муниципальный округ",  # in force since 2025
                     "03605000": "Апшеронский муниципальный район",
                     "03607000": "Белоглинский муниципальный район",  # abolished: its latest version
                     "03608000": "Белореченский муниципальный район"}  # only a future one listed
    assert current_municipalities("23", "2024-06-01", seed)[0].name == "Абинский муниципальный район"


def test_the_bundled_reference_lists_each_municipality_once():
    current = current_municipalities("23")
    assert len(current) == len({m.oktmo for m in load_municipalities("23")}) == 44
