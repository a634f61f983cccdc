"""Find known phrases (entity names, aliases) in free text, tolerant of Arabic spelling and small typos.

A token matches a phrase token when one of its clitic-stripped forms equals it with the article removed
on both sides («وبالسعودية» ~ «السعودية» ~ «سعودية»). Only keys of 5+ letters may match fuzzily: within
optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions) 1 up to 7 letters and
2 beyond, so «قطر» never matches «قطار» nor «مصر» «عصر». Distance alone is far too loose for Arabic, where
roots make neighbours of unrelated words (الأمنية~ألمانية, المنظمة~المنامة, مراكز~مراكش, التركيز~تركيا in
the real article and country list), so a fuzzy match must also look like a misspelling: same first letter,
and every edit an adjacent swap (البرزايل~البرازيل), a long vowel or ه added/dropped/swapped
(اسبانيه~إسبانيا), a doubled letter, or a sound-alike letter (البرتقال~البرتغال, ت/ط, س/ص, ز/ذ/ظ/ض).
Phrases live in a token trie; fuzzy search at the root scans only first-token keys of similar length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from assistant.text.tokenize import strip_clitics, tokenize, tokens_with_spans

__all__ = ["Match", "PhraseMatcher", "misspelt_candidates"]

T = TypeVar("T")

FUZZY_MIN_LETTERS = 5
_FUZZY_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """One phrase found in a text; `start`/`end` index the original (display) text."""

    payload: T
    phrase: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    phrase: str
    payload: T
    order: int


class _Node(Generic[T]):
    """Trie node over token keys; `entry` is the phrase that ends here, if any."""

    __slots__ = ("children", "entry", "fuzzy_cache", "fuzzy_keys")

    def __init__(self) -> None:
        self.children: dict[str, _Node[T]] = {}
        self.entry: _Entry[T] | None = None
        self.fuzzy_keys: list[str] = []  # children keys long enough to match fuzzily (filled at build)
        self.fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def fuzzy(self, key: str) -> tuple[tuple[str, float], ...]:
        """Children keys within the allowed edit distance of `key` (memoised, bounded)."""
        hits = self.fuzzy_cache.get(key)
        if hits is None:
            hits = _fuzzy_hits(key, self.fuzzy_keys)
            if len(self.fuzzy_cache) < _FUZZY_CACHE_LIMIT:
                self.fuzzy_cache[key] = hits
        return hits


def _article_free(form: str) -> str:
    return form[2:] if len(form) > 3 and form.startswith("ال") else form


@lru_cache(maxsize=65536)
def _token_keys(token: str) -> tuple[str, ...]:
    """Keys a text token may stand for: itself and its clitic-stripped forms, article removed."""
    # a word may begin with «ال» that is no article («ألمان», «إلهام»): keep the unstripped form as a key too
    return tuple(dict.fromkeys(k for f in strip_clitics(token) for k in (_article_free(f), f)))


def _allowed_distance(a: str, b: str) -> int:
    shorter = min(len(a), len(b))
    if shorter < FUZZY_MIN_LETTERS:
        return -1
    return 1 if shorter <= 7 else 2


# Letters whose insertion or deletion is a spelling variant (long vowels, ه, hamza; Latin vowels and h).
_WEAK = frozenset("اويهءaeiouyh")
# Letters written for one another: Arabic long vowels/ه/hamza, sound-alikes (Maghrebi/Levantine g,
# emphatics, transliteration). Latin vowels are not in it: creation≠croatian.
_SOUND_ALIKE = ("اويهء", "قغكج", "تطث", "سصث", "زذظض", "دض", "حه", "ckq", "sz", "iy")
_ALIKE = frozenset((x, y) for group in _SOUND_ALIKE for x in group for y in group if x != y)


def _looks_like_typo(a: str, b: str) -> bool:
    """True when `b` reads as a misspelling of `a` (see the module docstring), not as another word.

    Insertions and deletions need 6+ letters on both sides (Münch is not Munich).
    """
    if a[0] != b[0]:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]]):
            return True  # adjacent transposition
    for op in Levenshtein.editops(a, b):
        if op.tag == "replace":
            if (a[op.src_pos], b[op.dest_pos]) not in _ALIKE:
                return False
            continue
        if min(len(a), len(b)) < FUZZY_MIN_LETTERS + 1:
            return False
        word, pos = (b, op.dest_pos) if op.tag == "insert" else (a, op.src_pos)
        doubled = word[pos] in word[max(0, pos - 1) : pos] + word[pos + 1 : pos + 2]
        if word[pos] not in _WEAK and not doubled:
            return False
    return True


def misspelt_candidates(word: str, choices: list[str]) -> tuple[str, ...]:
    """The ``choices`` that ``word`` reads as a misspelling of: one edit away (a swap counting as one) and
    shaped like a typo (``_looks_like_typo``), where the first letter too may be a sound-alike one
    («ثامر» for «تامر»), though not a long vowel for another. Nearest first; the caller decides whether
    context confirms one (``assistant.understand.respell``)."""
    if not choices:
        return ()
    hits = process.extract(word, choices, scorer=OSA.distance, score_cutoff=1, limit=None)
    out = []
    for choice, dist, _ in sorted(hits, key=lambda h: (h[1], h[0])):
        if dist == 0 or not choice:
            continue
        first = choice[0]
        # a first letter may be a sound-alike consonant, never a long vowel or hamza for another: those
        # are the clitics and prefixes (و، ا، ي) that make another word («اتهامه» is not «وتهامه»)
        if first != word[0] and ((first, word[0]) not in _ALIKE or {first, word[0]} <= _WEAK):
            continue
        if _looks_like_typo(word[0] + choice[1:], word):
            out.append(choice)
    return tuple(out)


def _fuzzy_eligible(key: str) -> bool:
    return len(key) >= FUZZY_MIN_LETTERS and key.isalpha()


def _similarity(a: str, b: str, distance: int) -> float:
    return round(100.0 * (1.0 - distance / max(len(a), len(b))), 1)


class PhraseMatcher(Generic[T]):
    """Non-overlapping phrase matches in a text; longer phrases win over shorter ones they overlap.

    Phrases are normalised, tokenised and put in a token trie once here. A phrase listed twice (same
    keys after normalisation) keeps its first payload.
    """

    def __init__(self, phrases: Iterable[tuple[str, T]], *, min_score: float = 70.0, fuzzy: bool = True):
        self.min_score = min_score
        self.fuzzy = fuzzy
        self._root: _Node[T] = _Node()
        self._size = 0
        for order, (phrase, payload) in enumerate(phrases):
            keys = [_article_free(t) for t in tokenize(phrase)]
            if not keys:
                raise ValueError(f"phrase has no word to match: {phrase!r}")
            node = self._root
            for key in keys:
                child = node.children.get(key)
                if child is None:
                    child = node.children[key] = _Node()
                    if _fuzzy_eligible(key) and node is not self._root:
                        node.fuzzy_keys.append(key)
                node = child
            if node.entry is None:
                node.entry = _Entry(phrase, payload, order)
                self._size += 1
        # First-token keys that may match fuzzily, grouped by the text-key length they can match.
        by_len: dict[int, list[str]] = {}
        for key in self._root.children:
            if _fuzzy_eligible(key):
                by_len.setdefault(len(key), []).append(key)
        self._near: dict[int, list[str]] = {}
        for length in range(FUZZY_MIN_LETTERS, max(by_len, default=0) + 3):
            near = [k for d in (-2, -1, 0, 1, 2) for k in by_len.get(length + d, ())]
            if near:
                self._near[length] = near
        self._fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def __len__(self) -> int:
        return self._size

    def find(self, text: str, *, min_score: float | None = None) -> list[Match[T]]:
        """Matches in text order (selected longest first, then by score, then leftmost)."""
        threshold = self.min_score if min_score is None else min_score
        toks = tokens_with_spans(text)
        keys = [_token_keys(t) for t, _, _ in toks]
        found: list[tuple[int, float, int, _Entry[T]]] = []
        for i, token_keys in enumerate(keys):
            stack = [(node, score, 1) for node, score in self._step(self._root, token_keys)]
            while stack:
                node, score, depth = stack.pop()
                if score < threshold:
                    continue
                if node.entry is not None:
                    found.append((depth, score, i, node.entry))
                if node.children and i + depth < len(toks):
                    for child, s in self._step(node, keys[i + depth]):
                        stack.append((child, min(score, s), depth + 1))
        found.sort(key=lambda f: (-f[0], -f[1], f[2], f[3].order))
        taken = bytearray(len(toks))
        chosen: list[Match[T]] = []
        for n, score, i, entry in found:
            if any(taken[i : i + n]):
                continue
            taken[i : i + n] = b"\x01" * n
            chosen.append(Match(entry.payload, entry.phrase, toks[i][1], toks[i + n - 1][2], score))
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _step(self, node: _Node[T], token_keys: tuple[str, ...]) -> list[tuple[_Node[T], float]]:
        """Children of `node` that one text token can stand for; fuzzy ones only if none is exact."""
        children = node.children
        exact = [(children[k], 100.0) for k in token_keys if k in children]
        if exact or not self.fuzzy:
            return exact
        out: list[tuple[_Node[T], float]] = []
        for key in token_keys:
            # the unstripped «ال…» form is for exact matches only: fuzzily, «الأمني» is one swap from «الماني»
            if not _fuzzy_eligible(key) or key != _article_free(key):
                continue
            hits = self._fuzzy_first(key) if node is self._root else node.fuzzy(key)
            out.extend((children[choice], score) for choice, score in hits)
        return out

    def _fuzzy_first(self, key: str) -> tuple[tuple[str, float], ...]:
        cached = self._fuzzy_cache.get(key)
        if cached is None:
            cached = _fuzzy_hits(key, self._near.get(len(key), []))
            if len(self._fuzzy_cache) < _FUZZY_CACHE_LIMIT:
                self._fuzzy_cache[key] = cached
        return cached


def _fuzzy_hits(key: str, choices: list[str]) -> tuple[tuple[str, float], ...]:
    """Choices within the allowed edit distance of `key`, with their similarity score."""
    if not choices:
        return ()
    cutoff = 1 if len(key) <= 7 else 2
    hits = process.extract(key, choices, scorer=OSA.distance, score_cutoff=cutoff, limit=None)
    allowed = [
        (choice, dist)
        for choice, dist, _ in hits
        if dist <= _allowed_distance(key, choice) and _looks_like_typo(choice, key)
    ]
    return tuple((choice, _similarity(key, choice, dist)) for choice, dist in allowed)
