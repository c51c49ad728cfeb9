"""Keeping the catalogues: extract the keys the code uses, sync the translations, compile.

Dutch is the source language: a new text is written into `nl/LC_MESSAGES/klimaatbot.po`
first. `python -m handlers.locales` then checks with Babel's extraction that every key the code
names literally is in the Dutch catalogue, brings the English and French catalogues in line with
it (new keys arrive untranslated, with the Dutch text as a comment for the translator, keys gone
from Dutch become obsolete) and compiles every catalogue to `.mo`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue_path

KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Functions whose literal string arguments are message keys.
KEY_FUNCTIONS = {"t", "tn", "has", "MessageKey", "DateParseError", "DomainError"}
WIDTH = 100


def extract_keys(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extraction method: message keys passed literally to the catalogue functions."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in KEY_FUNCTIONS:
            continue
        for arg in node.args:
            if (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and KEY.match(arg.value)
            ):
                yield node.lineno, name, arg.value, []


def used_keys(root: Path) -> dict[str, list[str]]:
    """Every key named literally in the code under `root`, with where it is named."""
    found: dict[str, list[str]] = {}
    for folder in ("handlers", "bot", "scheduler", "models"):
        for filename, lineno, key, _comments, _context in extract_from_dir(
            root / folder,
            method_map=[("**.py", extract_keys)],  # type: ignore[list-item]  # Babel accepts a callable
            keywords=dict.fromkeys(KEY_FUNCTIONS),
        ):
            found.setdefault(str(key), []).append(f"{folder}/{filename}:{lineno}")
    return found


def read(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as file:
        return read_po(file, locale=lang, domain="klimaatbot")


def write(lang: str, catalog: Catalog) -> None:
    with catalogue_path(lang).open("wb") as file:
        write_po(file, catalog, width=WIDTH, sort_output=False, include_previous=False)


def template(source: Catalog) -> Catalog:
    """The Dutch catalogue as a template: every key, untranslated, its Dutch text as a comment."""
    pot = Catalog(
        domain="klimaatbot",
        project="Klimaatbot",
        creation_date=source.creation_date,
        fuzzy=False,
    )
    for message in source:
        if not message.id:
            continue
        nl = message.string if isinstance(message.string, tuple) else (message.string,)
        pot.add(message.id, auto_comments=[f"nl: {form}" for form in nl])
    return pot


def sync() -> None:
    """Bring every translation in line with the Dutch catalogue."""
    pot = template(read(DEFAULT_LANGUAGE))
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        catalog = read(lang)
        catalog.update(pot, no_fuzzy_matching=True)
        write(lang, catalog)


def compile_all() -> None:
    for lang in LANGUAGES:
        catalog = read(lang)
        with catalogue_path(lang, ".mo").open("wb") as file:
            write_mo(file, catalog)
