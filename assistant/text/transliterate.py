"""Consonant skeletons: one key for a name whether it is written in Latin or in Arabic letters.

Why: an English question names «Naguib Mahfouz», the knowledge base writes «نجيب محفوظ». No dictionary or
translation model is to be had offline, but names are transliterated, and transliteration keeps the
consonants: both spellings reduce to «njb mhfz» once vowels (and ا و ي ع ء, which romanise as vowels) are
dropped and the letters each language writes for one sound are merged (``knowledge/reference/
transliteration.yaml``). Exonyms («Egypt» / «مصر») do not match, and are not meant to: countries and
cities come from the lexicon's own names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from assistant.text.normalize import normalize
from assistant.text.tokenize import KNOWLEDGE_DIR

TABLE_FILE = Path("reference") / "transliteration.yaml"


@dataclass(frozen=True)
class Table:
    arabic: dict[str, str]
    arabic_prefixes: tuple[str, ...]
    latin: tuple[tuple[str, str], ...]  # longest first
    drop_final: frozenset[str]


@cache
def load_table(knowledge_dir: Path | str | None = None) -> Table:
    path = Path(knowledge_dir or KNOWLEDGE_DIR) / TABLE_FILE
    if not path.exists():
        path = KNOWLEDGE_DIR / TABLE_FILE  # a knowledge folder without its own table uses the project's
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    latin = sorted(((str(k), str(v)) for k, v in data["latin"].items()), key=lambda kv: -len(kv[0]))
    return Table(
        arabic={str(k): str(v) for k, v in data["arabic"].items()},
        arabic_prefixes=tuple(sorted(map(str, data.get("arabic_prefixes", [])), key=len, reverse=True)),
        latin=tuple(latin),
        drop_final=frozenset(map(str, data.get("drop_final", []))),
    )


def _merge(letters: list[str], table: Table) -> str:
    """``letters``: one mapped value per written letter ("" for a vowel). A word-final h (ة, «-ah») goes
    only where it is the word's last letter: in «انتهائها» the h is the pronoun's, and stays."""
    if letters and letters[-1] in table.drop_final:
        letters = letters[:-1]
    out: list[str] = []
    for c in "".join(letters):
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def arabic_skeleton(word: str, table: Table) -> str:
    """«المحفوظ» → «mhfz»: the article stripped, vowel letters dropped, the rest mapped and merged."""
    for prefix in table.arabic_prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    return _merge([table.arabic.get(c, "") for c in word], table)


def latin_skeleton(word: str, table: Table) -> str:
    """«Hammouchi» → «hms»: digraphs first («sh», «kh»), vowels dropped, the rest mapped and merged."""
    letters: list[str] = []
    i = 0
    while i < len(word):
        for key, value in table.latin:
            if word.startswith(key, i):
                letters.append(value)
                i += len(key)
                break
        else:
            letters.append("")  # a vowel, a w or a y: not part of the skeleton
            i += 1
    return _merge(letters, table)


@lru_cache(maxsize=200_000)
def skeleton(word: str, knowledge_dir: Path | str | None = None) -> str:
    """The consonant skeleton of one word in either script ("" for other scripts and for numbers)."""
    table = load_table(knowledge_dir)
    word = normalize(word)
    if word.isascii():
        return latin_skeleton(word, table) if word.isalpha() else ""
    return arabic_skeleton(word, table)
