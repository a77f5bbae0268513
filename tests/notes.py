"""Reading the notes back as a person reads them: the numbered items of the regional letter and the
municipalities an item names."""

from __future__ import annotations

import re


def plain(text: str) -> str:
    """Text as a reader sees it: the no-break spaces that keep «в», «№» or «—» with their neighbour are spaces."""
    return text.replace("\u00a0", " ")


def note_items(word) -> dict[int, str]:
    """The text of each numbered item of the letter (section 5 of the regional note), its own lines included."""
    items, current, inside = {}, None, False
    for paragraph in word.paragraphs:
        text = plain(paragraph.text)
        if paragraph.style.name.startswith("Heading"):
            inside = text.startswith("5. Адресные рекомендации")
            current = None
            continue
        if not inside:
            continue
        number = re.match(r"(\d+)\. ", text)
        if number and paragraph.style.name == "Normal":
            current = int(number.group(1))
            items[current] = text
        elif current is not None and paragraph.style.name == "List Bullet":
            items[current] += "\n" + text
    return items


def named_in(text: str, names) -> set[str]:
    """Which of these municipality names the text names (whole names, not parts of longer ones)."""
    return {name for name in names if re.search(rf"(^|[\s(,—]){re.escape(name)}($|[\s),.:;—])", text)}


def measure_paragraphs(word) -> list[str]:
    """The numbered measures of section 6."""
    found, inside = [], False
    for paragraph in word.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            inside = paragraph.text.startswith("6. Меры")
            continue
        if inside and paragraph.style.name == "Normal" and re.match(r"\d+\. ", paragraph.text):
            found.append(plain(paragraph.text))
    return found
