"""Reading the notes back as a person reads them: the numbered items of the regional letter and the
municipalities an item names."""

from __future__ import annotations

import re

from docx.text.paragraph import Paragraph

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def plain(text: str) -> str:
    """Text as a reader sees it: the no-break spaces that keep «в», «№» or «—» with their neighbour are spaces."""
    return text.replace("\u00a0", " ")


def note_items(word) -> dict[int, str]:
    """The text of each numbered item of the letter (the regional note's section «Адресные рекомендации»), its
    own lines and the tables under it (whom it names, with their values) included."""
    items, current, inside = {}, None, False
    for element in word.element.body.iterchildren():
        if element.tag.endswith("}tbl"):
            if inside and current is not None:
                items[current] += "\n" + "\n".join(plain("".join(node.text or "" for node in cell.iter(f"{{{W}}}t")))
                                                     for cell in element.iter(f"{{{W}}}tc"))
            continue
        if not element.tag.endswith("}p"):
            continue
        paragraph = Paragraph(element, word.part)
        text = plain(paragraph.text)
        if paragraph.style.name.startswith("Heading"):
            inside = bool(re.match(r"\d+\. Адресные рекомендации", text))
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
            inside = bool(re.match(r"\d+\. Меры", paragraph.text))
            continue
        if inside and paragraph.style.name == "Normal" and re.match(r"\d+\. ", paragraph.text):
            found.append(plain(paragraph.text))
    return found
