"""argparse in Russian: its own words (usage, errors, the help option) as a person reading ``shnor --help``
sees them. argparse looks its messages up through its module's ``_`` and ``ngettext`` at the time it
prints them, so installing translations there changes nothing else in the process."""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "the following arguments are required: %s": "не заданы обязательные аргументы: %s",
    "unrecognized arguments: %s": "неизвестные аргументы: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "недопустимое значение %(value)r (допустимо: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "expected one argument": "ожидается одно значение",
    "expected at least one argument": "ожидается хотя бы одно значение",
    "expected at most one argument": "ожидается не больше одного значения",
    "invalid %(type)s value: %(value)r": "недопустимое значение %(value)r (ожидается %(type)s)",
    "not allowed with argument %s": "нельзя вместе с аргументом %s",
    "ignored explicit argument %r": "лишнее значение %r",
    "one of the arguments %s is required": "нужен один из аргументов: %s",
    "ambiguous option: %(option)s could match %(matches)s": "неоднозначный параметр %(option)s: подходят %(matches)s",
    "unexpected option string: %s": "неожиданный параметр: %s",
    "%(prog)s: error: ": "%(prog)s: ошибка: ",
}
PLURALS = {"expected %s argument": "ожидается значений: %s"}


def _translate(message: str) -> str:
    return MESSAGES.get(message, message)


def _translate_plural(singular: str, plural: str, count: int) -> str:
    return PLURALS.get(singular, singular if count == 1 else plural)


def install() -> None:
    argparse._ = _translate
    argparse.ngettext = _translate_plural
