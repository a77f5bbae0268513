"""People named inside running text — the «Ответственные» column of a roadmap (seed 001: "О.В.
Плесецкая - директор МКУО КМЦ. И.Н. Хняч - директор МКУО ЦОКО. Кураторы ШНОР") — found so that their
names and positions go to the restricted schema and the text kept elsewhere holds pseudonymous ids.

A name is initials and a surname in either order ("О.В. Плесецкая", "Плесецкая О.В.") or a surname, a
first name and a patronymic ("Иванова Анна Сергеевна"); the position is what follows it after a dash or
comma, up to the end of its sentence. Groups without a name ("Кураторы ШНОР") stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INITIALS = r"[А-ЯЁ]\.\s?[А-ЯЁ]\."
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:вич|вна|чна|ична|оглы|кызы)"
NAME = re.compile(rf"(?<![\w.])(?:{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s+{_INITIALS}|{_SURNAME}\s+[А-ЯЁ][а-яё]+\s+"
                  rf"{_PATRONYMIC})(?![\w])")
_LEAD = re.compile(r"^\s*[-–—,:]\s*")
_SENTENCE_END = re.compile(r"(?:\.\s+(?=[А-ЯЁ])|;|\n)")


@dataclass(frozen=True)
class NamedPerson:
    name: str
    position: str | None
    start: int
    end: int  # the span of the name and its position in the text


def canonical_name(name: str) -> str:
    """One spelling of a name for its pseudonym: spaces folded, initials written together ("О.В.")."""
    name = " ".join(str(name).split())
    return re.sub(r"([А-ЯЁ])\.\s+(?=[А-ЯЁ]\.)", r"\1.", name)


def people_in(text: str) -> list[NamedPerson]:
    found = list(NAME.finditer(text))
    people = []
    for index, match in enumerate(found):
        limit = found[index + 1].start() if index + 1 < len(found) else len(text)
        tail = text[match.end():limit]
        lead = _LEAD.match(tail)
        position, end = None, match.end()
        if lead:
            rest = tail[lead.end():]
            stop = _SENTENCE_END.search(rest)
            position = (rest[:stop.start()] if stop else rest).strip(" .;,") or None
            end = match.end() + lead.end() + (stop.start() if stop else len(rest))
        people.append(NamedPerson(canonical_name(match.group(0)), position, match.start(), end))
    return people


def replace_people(text: str, people: list[NamedPerson], ids: list[str]) -> str:
    """The text with each person (name and position) replaced by their id; what is left (unnamed groups)
    kept, parts separated by "; "."""
    parts, cursor = [], 0
    for person, identifier in zip(people, ids):
        parts.append(text[cursor:person.start])
        parts.append(f"\x00{identifier}\x00")
        cursor = person.end
    parts.append(text[cursor:])
    pieces = [piece.strip(" .;,\n-–—") for piece in "".join(parts).split("\x00")]
    return "; ".join(piece for piece in pieces if piece)
