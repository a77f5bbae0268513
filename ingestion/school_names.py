"""Matching school names as people write them to the region's school codes.

"МБОУ СОШ № 5", "СОШ №5", ``МБОУ "СОШ № 5"``, "средняя общеобразовательная школа № 5",
"МАОУ СОШ № 17 им. …", "лицей № 59", HTML entities and non-breaking spaces all reduce to a key
(kind, number) — ("сош", "5"), ("лицей", "59") — which is looked up within the school's
municipality. A name whose key is missing, ambiguous or unknown is never guessed: it goes to
review with its candidates and score.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from shnor_core.text import normalize_text

_LEGAL_FORMS = re.compile(
    r"\b(муниципальн\w*|государственн\w*|бюджетн\w*|автономн\w*|казенн\w*|казённ\w*|частн\w*|"
    r"общеобразовательн\w* (учреждени\w*|организаци\w*)|учреждени\w*|организаци\w*|"
    r"[мгч][абко]?[ао]?у|мобу|мкоу|мбоу|маоу|мау|гбоу|гаоу|гкоу|чоу|ано)\b")
_KINDS = [  # spelled-out kinds first, then abbreviations
    ("сош", r"средн\w* общеобразовательн\w* школ\w*|сош|средн\w* школ\w*"),
    ("оош", r"основн\w* общеобразовательн\w* школ\w*|оош|основн\w* школ\w*"),
    ("нош", r"начальн\w* общеобразовательн\w* школ\w*|нош|начальн\w* школ\w*"),
    ("лицей", r"лице\w*"),
    ("гимназия", r"гимнази\w*"),
    ("цо", r"центр\w* образовани\w*|цо"),
    ("школа", r"школ\w*"),
]
_NUMBER = re.compile(r"(?:№|n|no|номер)?\s*(\d{1,4})\b")


def school_key(name: object) -> tuple[str | None, str | None]:
    """(kind, number) of a written school name; either may be None when the name does not say."""
    text = normalize_text(name)
    text = re.sub(r"^\s*\([^)]*\)", " ", text)  # ФИС ОКО's login prefix: "(sch233050) МБОУ СОШ № 5"
    text = re.sub(r"\bsch\d{4,}\b", " ", text)  # the same login without brackets
    text = re.sub(r"\b(им\.?|имени)\b.*$", " ", text)  # honorary names come last and vary
    text = re.sub(r"[\"'«»“”„]", " ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    kind = next((code for code, pattern in _KINDS if re.search(rf"\b(?:{pattern})\b", text)), None)
    number = _NUMBER.search(text)
    return kind, number.group(1) if number else None


@dataclass(frozen=True)
class SchoolRef:
    code: str
    name: str
    municipality_oktmo: str
    login: str | None = None  # the school's login in ФИС ОКО ("sch233012"), where the registry gives it


@dataclass(frozen=True)
class SchoolMatch:
    school: SchoolRef | None
    score: float
    reason: str
    candidates: tuple[str, ...] = ()


_CODE_PREFIX = re.compile(r"^\s*\(\s*([0-9A-Za-z_]+)\s*\)")  # "(23001005) МБОУ СОШ № 5", as ФИС ОКО writes
_LOGIN = re.compile(r"\b(sch\d{4,})\b", re.IGNORECASE)  # ФИС ОКО's school login, with or without brackets


class SchoolMatcher:
    """Index of a region's schools by municipality and key."""

    def __init__(self, schools: list[SchoolRef]):
        self.by_municipality: dict[str, list[tuple[tuple, SchoolRef]]] = {}
        self.by_code = {school.code: school for school in schools}
        self.by_login = {school.login.lower(): school for school in schools if school.login}
        for school in schools:
            self.by_municipality.setdefault(school.municipality_oktmo, []).append((school_key(school.name), school))

    def match(self, name: object, municipality_oktmo: str | None) -> SchoolMatch:
        coded = _CODE_PREFIX.match(str(name or ""))
        school = self.by_code.get(coded.group(1)) if coded else None
        if school and municipality_oktmo in (None, school.municipality_oktmo) \
                and school_key(name) == school_key(school.name):
            return SchoolMatch(school, 1.0, "совпали код ОО в скобках и название")
        login = _LOGIN.search(str(name or ""))
        school = self.by_login.get(login.group(1).lower()) if login else None
        if school and municipality_oktmo in (None, school.municipality_oktmo):
            return SchoolMatch(school, 1.0, "совпал логин ОО в ФИС ОКО")
        kind, number = school_key(name)
        pool = (self.by_municipality.get(municipality_oktmo, []) if municipality_oktmo
                else [entry for entries in self.by_municipality.values() for entry in entries])
        if not pool:
            return SchoolMatch(None, 0.0, "муниципальное образование не распознано или в нём нет школ")
        if number is None:
            return SchoolMatch(None, 0.0, "в названии нет номера школы")
        same_number = [school for (k, n), school in pool if n == number]
        exact = [school for (k, n), school in pool if n == number and k == kind]
        if len(exact) == 1:
            return SchoolMatch(exact[0], 1.0, "точное совпадение вида и номера")
        if kind in (None, "школа") and len(same_number) == 1:
            return SchoolMatch(same_number[0], 0.8, "совпал номер, вид школы в названии не указан")
        candidates = tuple(s.name for s in (exact or same_number))
        if len(exact) > 1 or (not exact and len(same_number) > 1):
            return SchoolMatch(None, 0.5, "несколько школ подходят под название", candidates)
        folded = normalize_text(name)
        scored = sorted(((difflib.SequenceMatcher(None, folded, normalize_text(s.name)).ratio(), s) for _, s in pool),
                        key=lambda pair: pair[0], reverse=True)
        return SchoolMatch(None, round(scored[0][0], 3), "школа с таким видом и номером не найдена",
                           tuple(s.name for _, s in scored[:3]))

    def resolve(self, written: str, municipality_oktmo: str | None, where: dict,
                review: list[dict]) -> tuple[str | None, float]:
        """The school code to load (sure matches, and a number-only match in its municipality), else None;
        anything short of an exact match is appended to ``review`` with its place ``where``."""
        match = self.match(written, municipality_oktmo)
        if match.school is None or match.score < 1.0:
            review.append({**where, "written_name": written, "municipality_oktmo": municipality_oktmo,
                           "score": match.score, "reason": match.reason,
                           "candidates": "; ".join(match.candidates) or (match.school.name if match.school else "")})
        return (match.school.code if match.school and match.score >= 0.8 else None), match.score
