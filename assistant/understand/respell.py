"""Misspelt words in a question, respelt as the knowledge base writes them: «ثامر حسني» → «تامر حسني».

Crowd-written questions misspell names and words (a sound-alike letter, a vowel too many, a doubled
letter), and a word the base never writes finds nothing: keyword search misses it, the answer's coverage
counts it absent, and an answerable question is refused. A question word the base never writes (in any
reading) is replaced by a base word that it misspells (``fuzzy.misspelt_candidates``). Being one letter away is not
enough in Arabic, where roots make neighbours of unrelated words («الجرب» is one sound-alike letter from
«الغرب», «الشيوعية» one vowel from «الشيعية»): a question about something the base lacks must keep its
unknown word, or it gets answered about the neighbour. So the base word must also keep company with the
question's other words: some passage holds both it and another of the question's words, more often than
chance would put them together (their *lift*, at least ``Settings.respell_min_lift``, fitted by
``scripts/fit_respelling.py``). «تامر» shares its passages with «حسني»; «الغرب» shares none with «الجرب»'s
«أعراض مرض».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from assistant.text import analyze, is_stopword, stopwords, tokens_with_spans
from assistant.text.fuzzy import misspelt_candidates

MIN_LETTERS = 4  # «ثامر»: a 4-letter name is misspelt by one sound-alike letter as often as a long one
MAX_WORDS = 8  # unknown words looked up per question: a question has a few; a pasted text is not respelt whole


@dataclass(frozen=True)
class Respelling:
    """The question as the base would spell it, and each change (as written, as the base writes it)."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Proposal:
    """A word of a question (``start``:``end``) the base never writes, the base word it misspells, and
    how much more often than chance that word shares a passage with another of the question's words."""

    start: int
    end: int
    better: str
    lift: float


class Respeller:
    """``words``: every word the base writes (normalised); ``written``: whether the base writes a word in any
    reading (so it is never respelt); ``passages``: the positions of the passages that hold every one of some
    stems (the keyword index's postings); ``n``: how many passages there are."""

    def __init__(
        self,
        words: Iterable[str],
        written: Callable[[str], bool],
        passages: Callable[[Sequence[str]], np.ndarray],
        n: int,
        min_lift: float,
    ) -> None:
        self._words = words
        self._written = written
        self._passages = lru_cache(maxsize=4096)(lambda stems: passages(list(stems)))
        self._n = max(n, 1)
        self.min_lift = min_lift
        self._stops = stopwords()
        self._near = lru_cache(maxsize=16384)(self._near_uncached)

    def respell(self, text: str) -> Respelling:
        out: list[str] = []
        changes: list[tuple[str, str]] = []
        last = 0
        for p in self.proposals(text):
            if p.lift < self.min_lift:
                continue
            out += [text[last : p.start], p.better]
            changes.append((text[p.start : p.end], p.better))
            last = p.end
        if not changes:
            return Respelling(text)
        return Respelling("".join(out) + text[last:], tuple(changes))

    def proposals(self, text: str) -> list[Proposal]:
        """Each word of ``text`` the base never writes, with the base word it misspells in the best company
        and that company's lift, whatever the bar (``respell`` applies it; the fit chooses it)."""
        tokens = tokens_with_spans(text)
        company = [key for key, _, _ in tokens if self._is_content(key) and self._written(key)]
        out: list[Proposal] = []
        looked = 0
        for key, start, end in tokens:
            if looked >= MAX_WORDS or not self._eligible(key):
                continue
            looked += 1
            others = [w for w in company if w != key]
            best, best_lift = None, 0.0
            for cand in self._near(key):
                lift = max((self.lift(cand, o) for o in others), default=0.0)
                if lift > best_lift:
                    best, best_lift = cand, lift
            if best is not None:
                out.append(Proposal(start, end, best, best_lift))
        return out

    def lift(self, word: str, other: str) -> float:
        """How much more often than chance the passages that hold ``word`` hold ``other`` too (0: never)."""
        a, b = self._docs(word), self._docs(other)
        if not len(a) or not len(b):
            return 0.0
        both = len(np.intersect1d(a, b, assume_unique=True))
        return both * self._n / (len(a) * len(b))

    # --- parts ----------------------------------------------------------------------------------------

    def _is_content(self, key: str) -> bool:
        return bool(analyze(key)) and not is_stopword(key, self._stops)

    def _eligible(self, key: str) -> bool:
        return (
            len(key) >= MIN_LETTERS
            and key.isalpha()
            and not key.isascii()
            and self._is_content(key)
            and not self._written(key)
        )

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        """The base's words by length: grouped when a question first has a word to respell, so a large base
        does not pay for it at load."""
        by_length: dict[int, list[str]] = {}
        for w in self._words:
            if len(w) >= MIN_LETTERS and w.isalpha() and not w.isascii():
                by_length.setdefault(len(w), []).append(w)
        return {k: sorted(v) for k, v in by_length.items()}

    def _near_uncached(self, word: str) -> tuple[str, ...]:
        pool = [w for d in (-1, 0, 1) for w in self._by_length.get(len(word) + d, ())]
        return misspelt_candidates(word, pool)

    def _docs(self, word: str) -> np.ndarray:
        stems = tuple(sorted(set(analyze(word))))
        return self._passages(stems) if stems else np.zeros(0, np.int64)
