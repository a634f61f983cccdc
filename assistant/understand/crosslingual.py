"""Questions asked in another script than the knowledge base is written in («When was Naguib Mahfouz born?»
of Arabic articles).

Why it needs its own path: the lexical evidence the answer models weigh (the question's words in a sentence,
in a title, known to the base at all) is absent by construction, so a lexical model refuses every such
question although dense retrieval, with a multilingual model, finds the passage. What is left to check a
question against the base in words are its names, which are transliterated, not translated: a Latin-script
name is matched with the base's Arabic words by consonant skeleton (``assistant.text.transliterate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.text import normalize, stopwords
from assistant.text.transliterate import skeleton

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
BRIDGED = frozenset({"country", "region", "city", "month", "topic", "kind"})  # entities the lexicon names in both
MAX_NAMES = 8  # names a question is checked for: a question of hundreds of capitalised words costs no more
MIN_SKELETON = 3  # «bm» (Obama, Ibrahim's «brhm» shortened…) says too little to tell one name from another


def question_names(question: str) -> list[str]:
    """Latin-script words written as names (capitalised, not a function word: «What», «The»), in order. The
    first word is capitalised anyway: it counts when the next is too («Naguib Mahfouz was born…») or it is an
    acronym, not when it opens a question in a language whose question words are not stopwords here
    («Quand est né…»)."""
    stops = stopwords()
    words = [w.strip("'") for m in _LATIN_WORD.finditer(question) for w in m.group().split("-")]
    words = [w for w in words if w]
    out: list[str] = []
    for i, word in enumerate(words):
        opening = i == 0 and _opens(question, word)
        if opening and not (word.isupper() and len(word) > 1) and not (len(words) > 1 and words[1][:1].isupper()):
            continue
        if word[:1].isupper() and normalize(word) not in stops and word not in out:
            out.append(word)
    return out[:MAX_NAMES]


def _opens(question: str, word: str) -> bool:
    """``word`` opens the question (nothing but punctuation or spaces before it)."""
    return not question[: question.find(word)].strip(" \t¿¡\"'«(-")


class NameIndex:
    """The consonant skeletons of every word the base writes in Arabic letters: how closely the base spells
    a Latin-script name. Built on first use (a base whose readers never ask in another script never pays for
    it)."""

    def __init__(self, words: Iterable[str]) -> None:
        spelt: dict[str, list[str]] = {}
        for w in words:
            if w and not w.isascii() and len(k := skeleton(w)) >= 2:
                spelt.setdefault(k, []).append(w)
        self._spelt = spelt
        self.keys = frozenset(spelt)
        self._choices = sorted(k for k in self.keys if len(k) >= MIN_SKELETON)
        self._best: dict[str, float] = {}  # a fuzzy search over every skeleton is asked once per name

    def spellings(self, keys: Iterable[str], min_ratio: float, limit: int = 8) -> list[str]:
        """The base's words spelling these name skeletons (the nearest skeleton within ``min_ratio`` where
        none is spelt alike; at most ``limit`` words a name, the shortest first: the bare name before its
        forms with clitics)."""
        out: list[str] = []
        for key in keys:
            near = key if key in self._spelt else self._near(key, min_ratio)
            if near is not None:
                out += sorted(self._spelt[near], key=lambda w: (len(w), w))[:limit]
        return list(dict.fromkeys(out))

    def _near(self, key: str, min_ratio: float) -> str | None:
        from rapidfuzz import fuzz, process

        got = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=min_ratio)
        return got[0] if got else None

    def best(self, name: str) -> float:
        """0–100: the skeleton similarity of the base word nearest to ``name`` (100: spelt alike; «Khashoggi»
        «ksj» ~ «خاشقجي» «kskj»: 86). A two-letter skeleton («NATO» «nt» ~ «الناتو») must be spelt alike; one
        of a letter or none («Al») says nothing, and counts as found."""
        key = skeleton(name)
        if len(key) <= 1 or key in self.keys:
            return 100.0
        if len(key) < MIN_SKELETON:
            return 0.0
        if key not in self._best:
            from rapidfuzz import fuzz, process

            if len(self._best) > 10_000:  # bounded: a long-running server does not grow it forever
                self._best.clear()
            got = process.extractOne(key, self._choices, scorer=fuzz.ratio)
            self._best[key] = float(got[1]) if got else 0.0
        return self._best[key]


@dataclass(frozen=True)
class CrossLingual:
    """What a question in another script than the base's offers in words: its names' skeletons and how
    closely the base spells each, and the Arabic names of the places, months and topics the lexicon read in
    it («Iraq» → «العراق»: the reference data are bilingual, so those are translated, not transliterated)."""

    keys: tuple[str, ...]  # skeletons of its Latin-script names (long enough to tell apart)
    found: tuple[float, ...]  # per key, ``NameIndex.best`` / 100
    bridged: tuple[str, ...] = ()  # the Arabic names of its lexicon entities

    @classmethod
    def of(cls, question: str, index: NameIndex, bridged: Sequence[str] = ()) -> CrossLingual:
        names = [(skeleton(n), n) for n in question_names(question)]
        kept = [(k, n) for k, n in dict(names).items() if len(k) >= MIN_SKELETON]
        found = tuple(index.best(n) / 100.0 for _, n in kept)
        return cls(tuple(k for k, _ in kept), found, tuple(dict.fromkeys(bridged)))

    @property
    def names_missing(self) -> float:
        """How far the base is from spelling its least-found name (0: every name found; 1: nothing like it)."""
        return 1.0 - min(self.found, default=1.0)


def spells(keys: Sequence[str], word: str, min_ratio: float) -> bool:
    """``word`` spells one of the name skeletons ``keys`` (alike, or within ``min_ratio``, 0–100)."""
    key = skeleton(word)
    if len(key) < MIN_SKELETON:
        return False
    from rapidfuzz import fuzz

    return any(k == key or fuzz.ratio(k, key) >= min_ratio for k in keys)


def name_cover(keys: Sequence[str], words: Iterable[str]) -> float:
    """Mean over the name skeletons ``keys`` of the best skeleton similarity (0–1) among ``words``."""
    if not keys:
        return 0.0
    from rapidfuzz import fuzz

    have = {k for k in (skeleton(w) for w in words) if len(k) >= MIN_SKELETON}
    if not have:
        return 0.0
    return sum(max(fuzz.ratio(k, h) for h in have) for k in keys) / (100.0 * len(keys))
