"""Matching school names as registries and exports write them to the region's school codes.

A written name is read into parts: the codes it carries (ФИС ОКО login ``sch750001``, a registry code in
brackets ``(23001005)``, ИНН of 10 digits, ОГРН of 13), the kind (СОШ, ООШ, НОШ, лицей, гимназия, центр
образования, школа-интернат …; spelled out or abbreviated), the number («№1», «№ 1», «N1»), the settlement
(«с. Беклемишево», «села Беклемишево», «пос.», «пгт», «ст-ца», «х.», «г. Читы» — in its dictionary form, by
pymorphy3), the honours («им. …», «имени …», without titles such as «Героя Советского Союза») and the other
words that name it («Акшинская», «Марьино»). Legal forms (МБОУ, ГБОУ, «муниципальное бюджетное
общеобразовательное учреждение» …), quotes of every kind and letter case are dropped.

The rule, within the school's municipality (a wrong match is worse than a review item):

1. A code the registry knows matches, unless the name beside it contradicts the school (another number).
2. Names equal after normalisation (``normalized_school_name``) match — when exactly one school of the
   municipality has that normal form.
3. Otherwise each school is compared part by part. A *conflict* rules a school out: numbers differ, or only one
   side has a number; kinds differ (a bare «школа» fits every kind); both name a settlement and the settlements
   differ; both carry honours and they share no name; both carry other words and none agree. Of the schools
   left, those that agree on a distinguishing part (number, settlement, other words) are candidates.
   Exactly one candidate matches: score 1.0 when the kind agrees too, 0.9 when the agreement is weak (a village
   adjective for the village: «Беклемишевская» ~ «с. Беклемишево», or other words similar by rapidfuzz
   ``token_set_ratio`` ≥ ``WORDS_MIN_SIMILARITY`` but not equal), 0.8 when the written name gives no kind.
   Of two or more candidates, one whose agreeing parts include every other's and more («Немецкая школа № 1212»
   beside a plain «Школа № 1212»; «Школа-интернат № 17» beside «Школа № 17») matches with 0.9; otherwise, and when
   none is left, nothing matches: the closest schools (by rapidfuzz ``WRatio`` of the normal forms) go to review
   with the reason. A similarity score alone never matches.

Every answer carries its evidence in Russian (which parts agreed, the score). ``normalized_school_name`` is also
the key of a school the registry does not know: one school written alike gets one key, two schools two keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from shnor_core.text import cyrillic_lookalikes, lemma, lemmas, normalize_text

WORDS_MIN_SIMILARITY = 90  # rapidfuzz token_set_ratio (0–100) at which the other words of two names agree weakly

_LEGAL_FORMS = re.compile(
    r"\b(?:муниципальн\w*|государственн\w*|бюджетн\w*|автономн\w*|казенн\w*|частн\w*|некоммерческ\w*|"
    r"(?:обще)?образовательн\w* (?:учреждени\w*|организаци\w*)|учреждени\w*|организаци\w*|"
    r"[мгч][абк]?[ао]?у|моу|мобу|мкоу|мбоу|маоу|мау|гбоу|гоу|гаоу|гкоу|гбу|чоу|ано|нчоу|аноо)\b")
_DEPTH = re.compile(r"\bс углубл\w* изучени\w* (?:отдельн\w* предмет\w*|[\w-]+ язык\w*|[\w-]+)")
_KINDS = [  # (code, pattern): spelled-out kinds first, then abbreviations, the bare «школа» last
    ("вош", r"вечерн\w* (?:\(?сменн\w*\)? )?(?:обще)?образовательн\w* школ\w*|вечерн\w* школ\w*|в\(?с\)?ош"),
    ("школа-интернат", r"(?:общеобразовательн\w* )?школ\w*-интернат\w*|ши"),
    ("лицей-интернат", r"лице\w*-интернат\w*"),
    ("сош", r"средн\w* общеобразовательн\w* школ\w*|сош|средн\w* школ\w*"),
    ("оош", r"основн\w* общеобразовательн\w* школ\w*|оош|основн\w* школ\w*"),
    ("нош", r"начальн\w* общеобразовательн\w* школ\w*|нош|начальн\w* школ\w*"),
    ("прогимназия", r"прогимнази\w*"),
    ("лицей", r"лице\w*"),
    ("гимназия", r"гимнази\w*"),
    ("цо", r"центр\w* образовани\w*|образовательн\w* центр\w*|цо"),
    ("колледж", r"колледж\w*|техникум\w*|университет\w*|институт\w*"),  # not schools: never a «школа»
    ("школа", r"(?:общеобразовательн\w* )?школ\w*|оо"),
]
_KIND_RES = [(code, re.compile(rf"\b(?:{pattern})\b")) for code, pattern in _KINDS]
_NUMBER_MARKED = re.compile(r"(?:№|\bn|\bno|\bномер)\s*(\d{1,4})\b")
_NUMBER_BARE = re.compile(r"\b(\d{1,4})\b")
_SETTLEMENT = re.compile(
    r"\b(?:п\.\s*с\.\s*т|п\.\s*ст|пст|с|село|села|селе|п|пос|поселок|поселка|поселке|пгт|рп|ст|ст-ца|ст-цы|станица|станицы|станице|х|хут|"
    r"хутор|хутора|г|гор|город|города|д|дер|деревня|деревни|аул|аула|нп|улус|улуса)(?![\w-])\.?\s*")
_HONOURS = re.compile(r"\b(?:им|имени)\b\.?(.*)$")
_TITLES = {"герой", "советский", "союз", "россия", "российский", "федерация", "социалистический", "труд",
           "кавалер", "орден", "полный", "генерал", "маршал", "летчик", "космонавт", "академик", "писатель", "поэт",
           "почетный", "гражданин", "дважды", "трижды", "великий", "отечественный", "война", "участник"}
_PERSON = ("Surn", "Name", "Patr")  # an honour names a person (or a title), not a place
_STOP = {"и", "в", "на", "для", "с", "по", "детей", "обучающихся", "края", "области", "республики", "города", "г",
         "район", "района", "муниципального", "образования", "округа"}
_ADJECTIVE_FORM = re.compile(r"(?:ый|ий|ой|ая|яя|ое|ее)$")
_AREA = {"района", "р-на", "округа", "края", "области", "район", "р-н"}
_CODE_PREFIX = re.compile(r"^\s*\(\s*([0-9a-z_]+)\s*\)")  # "(23001005) МБОУ СОШ № 5", as ФИС ОКО writes
_LOGIN = re.compile(r"\b(sch\d{4,})\b")
_INN_OGRN = re.compile(r"(?<!\d)(\d{13}|\d{10})(?!\d)")
_WORD = re.compile(r"[а-яa-z0-9]+(?:-[а-яa-z0-9]+)*")
_SEPARATOR = " | "


@dataclass(frozen=True)
class SchoolName:
    """The parts of a written school name that identify it."""

    kind: str | None = None
    number: str | None = None
    settlement: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    honours: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()  # logins, bracketed codes, ИНН, ОГРН as written


def parse_school_name(name: object) -> SchoolName:
    """The identifying parts of a written name (cached: a file repeats its schools' names on every row)."""
    return _parse(normalize_text(name))


@lru_cache(maxsize=1 << 16)
def _parse(text: str) -> SchoolName:
    text = cyrillic_lookalikes(text)
    codes = set()
    coded = _CODE_PREFIX.match(text)
    if coded:
        codes.add(coded.group(1))
        text = text[coded.end():]
    for pattern in (_LOGIN, _INN_OGRN):
        codes.update(pattern.findall(text))
        text = pattern.sub(_SEPARATOR, text)
    text = re.sub(r"\b(?:инн|огрн|кпп|логин)\b:?", " ", text)
    honours = frozenset()
    honoured = _HONOURS.search(text)
    if honoured:
        honours = frozenset(lemma(w, _PERSON) for w in _WORD.findall(honoured.group(1)) if len(w) > 2) - _TITLES
        text = text[:honoured.start()]
    text = re.sub(r"[\"'«»“”„‟‘’`]", _SEPARATOR, text)  # a quote ends a settlement's name: «г. Москвы «Школа …»
    text = _DEPTH.sub(_SEPARATOR, text)
    text = _LEGAL_FORMS.sub(_SEPARATOR, text)
    number = _NUMBER_MARKED.search(text) or _NUMBER_BARE.search(text)
    if number:
        text = text[:number.start()] + _SEPARATOR + text[number.end():]
    kind = None
    for code, pattern in _KIND_RES:
        found = pattern.search(text)
        if found:
            kind = kind or code
            text = pattern.sub(_SEPARATOR, text)
    settlement: list[str] = []
    for place in _SETTLEMENT.finditer(text):  # the first marker followed by a name: up to two words
        run = text[place.end():].split("|")[0]
        settlement = _place_words(_WORD.findall(run))
        if settlement:
            text = text[:place.start()] + _SEPARATOR + text[place.end() + len(run):]
            break
    words = tuple(lemma(w) for w in _WORD.findall(text) if w not in _STOP and len(w) > 1 and not w.isdigit())
    return SchoolName(kind, number.group(1).lstrip("0") or "0" if number else None,
                      tuple(lemma(w) for w in settlement), words, honours, frozenset(codes))


def _place_words(words: list[str]) -> list[str]:
    """A settlement's name after its marker: one word, or two when the first is an adjective («Новая Кука»,
    «Красный Чикой»), short of the district or region that may follow («с. Беклемишево Читинского района»)."""
    taken = []
    for index, word in enumerate(words[:2]):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _STOP or word.isdigit() or following in _AREA or index and not _ADJECTIVE_FORM.search(taken[0]):
            break
        taken.append(word)
    return taken


def school_key(name: object) -> tuple[str | None, str | None]:
    """(kind, number) of a written school name; either may be None when the name does not say."""
    parsed = parse_school_name(name)
    return parsed.kind, parsed.number


def normalized_school_name(name: object) -> str:
    """A stable normal form of a written school name: kind, number, other words, settlement and honours in their
    dictionary forms; legal forms, quotes, codes and letter case dropped. «МОУ СОШ с. Беклемишево» and «Средняя
    общеобразовательная школа села Беклемишево» → "сош н.п. беклемишево"; «СОШ № 1 с. Акша» and «СОШ № 1
    с. Урейск» stay apart. The key of a school the registry does not know."""
    return _render(parse_school_name(name))


@dataclass(frozen=True)
class SchoolRef:
    code: str
    name: str
    municipality_oktmo: str
    login: str | None = None  # the school's login in ФИС ОКО ("sch233012"), where the registry gives it
    inn: str | None = None  # ИНН, 10 digits
    ogrn: str | None = None  # ОГРН, 13 digits


@dataclass(frozen=True)
class SchoolMatch:
    school: SchoolRef | None
    score: float
    reason: str
    candidates: tuple[str, ...] = ()
    evidence: str = ""  # in Russian: which parts agreed, the score


@dataclass(frozen=True)
class _Comparison:
    conflicts: tuple[str, ...]
    agreed: tuple[str, ...]  # distinguishing parts that agree: номер, н.п., название
    weak: bool  # an agreement only by likeness (village adjective, similar words)
    kind_agrees: bool
    generic: bool  # one side's kind is the bare «школа»


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(lemmas(x) & lemmas(y) for x, y in zip(a, b))


def _adjective_of(settlement: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """«беклемишевский» for «беклемишево», «улетовский» for «улеты»: the village adjective a school is named by."""
    if len(settlement) != 1:
        return False
    place = settlement[0]
    for word in words:
        common = len(next((p for p in (place[:i] for i in range(len(place), 0, -1)) if word.startswith(p)), ""))
        if word.endswith(("ский", "цкий")) and common >= max(4, len(place) - 2):
            return True
    return False


def _compare(written: SchoolName, ref: SchoolName) -> _Comparison:
    conflicts, agreed, weak = [], [], False
    if written.number or ref.number:
        if written.number != ref.number:
            conflicts.append("номер")
        else:
            agreed.append("номер")
    kind_agrees = written.kind == ref.kind and written.kind is not None
    generic = "школа" in (written.kind, ref.kind) and "колледж" not in (written.kind, ref.kind)
    if written.kind and ref.kind and not kind_agrees and not generic:
        conflicts.append("вид")
    if written.settlement and ref.settlement:
        if _same_words(written.settlement, ref.settlement):
            agreed.append("н.п.")
        else:
            conflicts.append("н.п.")
    elif _adjective_of(written.settlement, ref.words) or _adjective_of(ref.settlement, written.words):
        agreed.append("н.п. ~ прилагательное")
        weak = True
    if written.honours and ref.honours and not any(lemmas(a) & lemmas(b) for a in written.honours
                                                     for b in ref.honours):
        conflicts.append("имени")
    if written.words and ref.words and not weak:
        if _same_words(written.words, ref.words) or set(written.words) == set(ref.words):
            agreed.append("название")
        elif fuzz.token_set_ratio(" ".join(written.words), " ".join(ref.words)) >= WORDS_MIN_SIMILARITY:
            agreed.append("название (похоже)")
            weak = True
        else:
            conflicts.append("название")
    return _Comparison(tuple(conflicts), tuple(agreed), weak, kind_agrees, "школа" in (written.kind, ref.kind))


class SchoolMatcher:
    """Index of a region's schools by municipality, code and normal form."""

    def __init__(self, schools: list[SchoolRef]):
        self.by_municipality: dict[str | None, list[tuple[SchoolName, SchoolRef]]] = {}
        self.by_code: dict[str, SchoolRef] = {}  # one entry per school
        self._by_number: dict[tuple[str | None, str | None], list[tuple[SchoolName, SchoolRef]]] = {}
        self._by_normal: dict[tuple[str | None, str], list[SchoolRef]] = {}
        self._normals: dict[str | None, list[tuple[str, SchoolRef]]] = {}  # per municipality, and None: all
        self._memo: dict[tuple[str, str | None], SchoolMatch] = {}
        self._by_identifier: dict[str, SchoolRef] = {}  # registry code, ФИС ОКО login, ИНН, ОГРН as texts carry them
        for school in schools:
            self.by_code[school.code] = school
            for identifier in (school.code, school.login, school.inn, school.ogrn):
                if identifier:
                    self._by_identifier[identifier.lower()] = school
            parsed = parse_school_name(school.name)
            self.by_municipality.setdefault(school.municipality_oktmo, []).append((parsed, school))
            for where in (school.municipality_oktmo, None):  # None: the whole region, when the municipality is unknown
                self._by_number.setdefault((where, parsed.number), []).append((parsed, school))
                self._by_normal.setdefault((where, _render(parsed)), []).append(school)
                self._normals.setdefault(where, []).append((_render(parsed), school))

    def match(self, name: object, municipality_oktmo: str | None) -> SchoolMatch:
        key = (normalize_text(name), municipality_oktmo)
        if key not in self._memo:  # a file repeats its schools' names on every row
            self._memo[key] = self._match(name, municipality_oktmo)
        return self._memo[key]

    def _match(self, name: object, municipality_oktmo: str | None) -> SchoolMatch:
        written = parse_school_name(name)
        for code in sorted(written.codes):
            school = self._by_identifier.get(code)
            if school is None or municipality_oktmo not in (None, school.municipality_oktmo):
                continue
            what = "логин ОО в ФИС ОКО" if code == (school.login or "").lower() else (
                "ИНН" if code == school.inn else "ОГРН" if code == school.ogrn else "код ОО")
            conflicts = _compare(written, parse_school_name(school.name)).conflicts
            if written.number is None and written.kind is None and not written.words:
                return SchoolMatch(school, 1.0, f"совпал {what}", evidence=f"совпал {what} {code}; оценка 1.0")
            if not conflicts:
                return SchoolMatch(school, 1.0, f"совпал {what} и название",
                                   evidence=f"совпал {what} {code}, название не противоречит; оценка 1.0")
            return SchoolMatch(None, 0.0, f"{what} и название указывают на разные школы", (school.name,),
                               evidence=f"{what} {code} — школа «{school.name}», но расходится: {', '.join(conflicts)}")
        if municipality_oktmo is not None and municipality_oktmo not in self.by_municipality \
                or not self.by_municipality:
            return SchoolMatch(None, 0.0, "муниципальное образование не распознано или в нём нет школ")
        normal = _render(written)
        same = self._by_normal.get((municipality_oktmo, normal), []) if normal else []
        if len(same) == 1:
            return SchoolMatch(same[0], 1.0, "название совпало после нормализации",
                               evidence=f"нормальная форма «{normal}» совпала; оценка 1.0")
        # only a school of the same number (or, for a name without one, a school without one) can fit
        compared = [(_compare(written, parsed), school)
                    for parsed, school in self._by_number.get((municipality_oktmo, written.number), [])]
        fitting = [(c, school) for c, school in compared if not c.conflicts and c.agreed]
        if len(fitting) == 1:
            comparison, school = fitting[0]
            score = 0.9 if comparison.weak else 1.0 if comparison.kind_agrees or written.kind is None and \
                written.number is None else 0.8
            reason = ("совпали части названия" if score == 1.0 else "совпали части названия, одна — по сходству"
                      if comparison.weak else "совпал номер, вид школы в названии не указан")
            agreed = ", ".join(comparison.agreed + (("вид",) if comparison.kind_agrees else ()))
            return SchoolMatch(school, score, reason, evidence=f"совпали: {agreed}; оценка {score}")
        dominant = [(c, school) for c, school in fitting if len(same) < 2 and not c.weak
                    and all(_parts(c) > _parts(other) for other, rival in fitting if rival is not school)]
        if len(fitting) > 1 and len(dominant) == 1:  # «Немецкая школа № 1212» beside a plain «Школа № 1212»
            comparison, school = dominant[0]
            return SchoolMatch(school, 0.9, "совпало больше частей названия, чем у других школ",
                               evidence=f"совпали: {', '.join(sorted(_parts(comparison)))} — у других школ "
                                        f"({len(fitting) - 1}) меньше; оценка 0.9")
        if len(fitting) > 1 or len(same) > 1:
            names = tuple(school.name for school in same) or tuple(school.name for _, school in fitting)
            return SchoolMatch(None, 0.5, "несколько школ подходят под название", names,
                               evidence=f"подходят {len(names)} школы: нужен выбор человека")
        pool = self._normals[municipality_oktmo]
        closest = process.extract(normal, [text for text, _ in pool], scorer=fuzz.WRatio, limit=3)
        best = round(closest[0][1] / 100, 3) if closest else 0.0
        names = tuple(pool[index][1].name for _, _, index in closest)
        if written.number is None and written.kind is not None and not written.settlement and not written.words:
            reason = "в названии нет номера школы"
        else:
            reason = "школа с таким видом и номером не найдена"
        why = sorted({c for comparison, _ in compared for c in comparison.conflicts})
        return SchoolMatch(None, best, reason, names,
                           evidence=f"ни одна школа не подошла (расхождения: {', '.join(why) or 'другой номер'}); "
                                    f"ближайшее сходство {best}")

    def resolve(self, written: str, municipality_oktmo: str | None, where: dict,
                review: list[dict]) -> tuple[str | None, float]:
        """The school code to load (a match of score ≥ 0.8: sure, by more agreeing parts or a likeness, or a
        number-only match in its municipality), else None; anything short of 1.0 is appended to ``review`` with its
        place ``where``."""
        match = self.match(written, municipality_oktmo)
        if match.school is None or match.score < 1.0:
            review.append({**where, "written_name": written, "municipality_oktmo": municipality_oktmo,
                           "score": match.score, "reason": match.reason,
                           "candidates": "; ".join(match.candidates) or (match.school.name if match.school else "")})
        return (match.school.code if match.school and match.score >= 0.8 else None), match.score


def _parts(comparison: _Comparison) -> set[str]:
    """The parts that agree, the kind among them unless it is the bare «школа» that fits every kind."""
    return set(comparison.agreed) | ({"вид"} if comparison.kind_agrees and not comparison.generic else set())


def _render(parsed: SchoolName) -> str:
    parts = [parsed.kind or "", f"№ {parsed.number}" if parsed.number else "", " ".join(parsed.words),
             f"н.п. {' '.join(parsed.settlement)}" if parsed.settlement else "",
             f"имени {' '.join(sorted(parsed.honours))}" if parsed.honours else ""]
    return " ".join(part for part in parts if part)
