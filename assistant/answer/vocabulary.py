"""What the knowledge base says, as stems with idf weights: the lexical half of every evidence score.

Coverage is idf-weighted, so a question's rare words (names, topics) decide it and its common words
barely count; a word the base never uses has the highest weight of all, which is what makes a question
about something absent score low.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from assistant.text import analyze, analyze_tokens, light_stem, strip_clitics, tokenize

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    from langchain_core.documents import Document

    from assistant.knowledge.loader import KnowledgeBase

TYPO_MIN_LENGTH = 5  # «سكان» (4) is one letter from «مكان»: too close to call a typo
PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن", "ه", "كم", "نا", "وا", "ا")  # «ا»: tanwin fath (شريكاً)
FEMININE_DUAL = ("تين", "تان")  # a noun in ة, two of it: «قارتين» is «قارة» (its ة turns to ت before the ending)
IMPERFECT_PREFIXES = frozenset("يتن")  # he / she / we of a present-tense verb: «تحد» ~ «يحده», «يقع» ~ «تقع»


def person_forms(term: str) -> list[str]:
    """The same verb in the other persons of its present tense («تقع» → «يقع», «نقع»), and a derived verb's
    past tense for its present («ينتقد» ~ «انتقد», «يستخدم» ~ «استخدم»): one word that a question and a text
    inflect differently. The past-tense «ا» only for words long enough to be forms VII–X («امن» is no verb)."""
    if len(term) < 3:
        return []
    rest = term[1:]
    if term[0] in IMPERFECT_PREFIXES:
        return [p + rest for p in IMPERFECT_PREFIXES if p != term[0]] + (["ا" + rest] if len(term) >= 5 else [])
    if term[0] == "ا" and len(term) >= 5:
        return [p + rest for p in IMPERFECT_PREFIXES]
    return []


class Terms(frozenset[str]):
    """A set of stems that also knows them by their first three letters, so that ``covered`` looks at a
    handful of words rather than a whole article's vocabulary."""

    @cached_property
    def by_prefix(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for h in self:
            if len(h) >= 3:
                out.setdefault(h[:3], []).append(h)
        return out


def covered(term: str, have: set[str] | frozenset[str], *, person: bool = True) -> bool:
    """Whether ``have`` holds ``term`` in any inflection (``_covered``); answers for a frozen set of stems are
    kept, since ranking one question's candidates asks about the same words and sentences several times."""
    if term in have:
        return True
    if isinstance(have, frozenset):
        return _covered_cached(term, have, person)
    return _covered(term, have, person=person)


@lru_cache(maxsize=16384)  # one question's words × its candidates' sentences; small, so it holds few sets alive
def _covered_cached(term: str, have: frozenset[str], person: bool) -> bool:
    return _covered(term, have, person=person)


def _covered(term: str, have: set[str] | frozenset[str], *, person: bool = True) -> bool:
    """Exact stem, or the same word with another light ending («نشاطا» ~ «نشاط», «شهران» ~ «شهري»), or the
    same verb in another person or tense (``person_forms``: a question asks where a country «تقع», the text
    says it «يقع»): Arabic inflection the light stemmer leaves, matched as a shared prefix of all but the
    last letter or two, and with the first letter swapped."""
    if term in have:
        return True
    if len(term) < 3 or term.isascii():
        return False
    pool = have.by_prefix.get(term[:3], ()) if isinstance(have, Terms) else have  # every match shares 3 letters
    for h in pool:
        k = max(3, min(len(term), len(h)) - 1)
        if abs(len(term) - len(h)) <= 2 and len(h) >= 3 and h[:k] == term[:k]:
            return True
    return person and any(_covered(f, have, person=False) for f in person_forms(term))


@dataclass(frozen=True)
class TermTable:
    """What a vocabulary is counted from: the number of texts, each stem's document frequency and every
    word as written. Counted once at ingest and stored with the index generation (``assistant.index.keywords``),
    so a start does not re-analyse every passage of a large base."""

    n: int
    df: dict[str, int]
    words: frozenset[str]

    @classmethod
    def count(cls, texts: Iterable[str]) -> TermTable:
        return cls.from_analysed((analyze(t), tokenize(t)) for t in texts)

    @classmethod
    def from_analysed(cls, texts: Iterable[tuple[Iterable[str], Iterable[str]]]) -> TermTable:
        """Count from each text's (stems, words) when the caller has analysed the texts already."""
        df: Counter[str] = Counter()
        words: set[str] = set()
        n = 0
        for stems, tokens in texts:
            n += 1
            df.update(set(stems))
            words.update(tokens)
        return cls(n, dict(df), frozenset(words))

    def to_json(self) -> dict[str, object]:
        return {"n": self.n, "df": self.df, "words": sorted(self.words)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TermTable:
        df, words = data["df"], data["words"]
        if not isinstance(df, dict) or not isinstance(words, list):
            raise ValueError("not a term table")
        return cls(int(data["n"]), {str(k): int(v) for k, v in df.items()}, frozenset(map(str, words)))  # type: ignore[call-overload]


Analysed = tuple[list[str], list[str]]  # a text's (stems, words)


def analyse_articles(kb: KnowledgeBase) -> list[tuple[Analysed, Analysed]]:
    """Each article's (body, title), analysed once: for the vocabulary's counts and the articles' terms."""
    out = []
    for a in kb.articles:
        body, title = tokenize(a.body), tokenize(a.meta.title)
        out.append(((analyze_tokens(body), body), (analyze_tokens(title), title)))
    return out


def vocabulary_terms(
    kb: KnowledgeBase,
    docs: Sequence[Document],
    analysed: Sequence[Analysed] | None = None,
    articles: Sequence[tuple[Analysed, Analysed]] | None = None,
) -> TermTable:
    """The answer vocabulary's counts: every indexed passage, every article body and title. ``analysed``: the
    passages' (stems, words), ``articles``: ``analyse_articles``, when the caller has them (ingest analyses
    each text once for the keyword index, these counts and the articles' terms)."""
    passages = analysed if analysed is not None else [(analyze(d.page_content), tokenize(d.page_content)) for d in docs]
    arts = articles if articles is not None else analyse_articles(kb)
    return TermTable.from_analysed([*passages, *(body for body, _ in arts), *(title for _, title in arts)])


class ArticleTerms:
    """Every article's stems (title and body), as ``ArticleEngine`` tests a question's words against them:
    computed at ingest from the analysis the vocabulary needs anyway and stored with the generation, so a
    question whose candidates come from twenty articles of thousands analyses none of them."""

    FILE = "article_terms"

    def __init__(self, ids: list[str], terms: list[str], indptr: np.ndarray, members: np.ndarray) -> None:
        self._row = {a: i for i, a in enumerate(ids)}
        self.ids, self.terms, self.indptr, self.members = ids, terms, indptr, members

    @classmethod
    def build(cls, ids: Sequence[str], stems: Iterable[Iterable[str]]) -> ArticleTerms:
        import numpy as np

        sets = [set(s) for s in stems]
        terms = sorted(set().union(*sets)) if sets else []
        code = {t: i for i, t in enumerate(terms)}
        rows = [np.array(sorted(code[t] for t in s), dtype=np.int32) for s in sets]
        indptr = np.cumsum([0, *map(len, rows)], dtype=np.int64)
        members = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        return cls(list(ids), terms, indptr, members)

    def holding(self, term: str) -> list[str]:
        """The ids of the articles whose stems include ``term``: one pass over the stored rows, where asking
        each article in a base of thousands would rebuild thousands of sets."""
        import numpy as np

        k = bisect_left(self.terms, term)
        if k == len(self.terms) or self.terms[k] != term:
            return []
        rows = np.searchsorted(self.indptr, np.flatnonzero(self.members == k), side="right") - 1
        return [self.ids[r] for r in rows.tolist()]

    def get(self, article_id: str) -> Terms | None:
        i = self._row.get(article_id)
        if i is None:
            return None
        return Terms(self.terms[j] for j in self.members[self.indptr[i] : self.indptr[i + 1]].tolist())

    def save(self, folder: Path) -> None:
        import json

        import numpy as np

        np.savez(folder / f"{self.FILE}.npz", indptr=self.indptr, members=self.members)
        text = json.dumps({"ids": self.ids, "terms": self.terms}, ensure_ascii=False)
        (folder / f"{self.FILE}.json").write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ArticleTerms | None:
        """None for a folder written before article terms were stored (they are analysed on demand then)."""
        import json

        import numpy as np

        if not (folder / f"{cls.FILE}.npz").exists():
            return None
        data = json.loads((folder / f"{cls.FILE}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{cls.FILE}.npz") as arrays:
            indptr, members = arrays["indptr"], arrays["members"]
        if len(indptr) != len(data["ids"]) + 1 or (len(members) and int(members.max()) >= len(data["terms"])):
            raise ValueError("article terms do not match their ids and terms")
        return cls([str(a) for a in data["ids"]], [str(t) for t in data["terms"]], indptr, members)


class Vocabulary:
    """Stems of everything the knowledge base says, with idf weights over its passages."""

    def __init__(self, texts: Iterable[str] | TermTable, extra_terms: Iterable[str] = ()) -> None:
        table = texts if isinstance(texts, TermTable) else TermTable.count(texts)
        self.n = max(table.n, 1)
        self.df = table.df
        self.known = set(table.df) | table.words | set(extra_terms)
        self.words = table.words  # every word as written (normalised), no stems
        self._spellings = sorted(w for w in table.words if len(w) >= TYPO_MIN_LENGTH)
        self._typos: dict[str, bool] = {}  # a question's unknown words are asked about more than once

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    @staticmethod
    def _readings(token: str) -> set[str]:
        forms = {token, light_stem(token), *strip_clitics(token)}
        forms |= {light_stem(f) for f in strip_clitics(token)}
        forms |= {f[: -len(s)] for f in list(forms) for s in PRONOUN_SUFFIXES if f.endswith(s) and len(f) - len(s) >= 2}
        # a dual of a noun in ة, as written («قارتين») or stemmed to its ت («قارت»): the noun itself
        singular = {f[:-3] + "ه" for f in forms if f.endswith(FEMININE_DUAL) and len(f) >= 5}
        singular |= {f[:-1] + "ه" for f in forms if f.endswith("ت") and len(f) >= 4}
        forms |= singular | {light_stem(f) for f in singular}
        return forms | {p for f in list(forms) for p in person_forms(f)}

    def is_known(self, token: str, *, typos: bool = True) -> bool:
        """Known in any of its readings: as written, without clitics, or stemmed («وقعها» → «وقع»); and,
        with ``typos``, as a slip of a word the base uses (``_misspelt``)."""
        return token.isdigit() or bool(self._readings(token) & self.known) or (typos and self._misspelt(token))

    def is_written(self, token: str) -> bool:
        """The base's own text writes it in some reading (the cue words and reference names it is merely
        known by do not count: «Iraq» is known as a country name, but an Arabic base never writes it)."""
        return token.isdigit() or bool(self._readings(token) & (self.df.keys() | self.words))

    def writes(self, term: str) -> bool:
        """The base's text has this very term, a number too («2030»), where ``is_known`` takes any number."""
        return term in self.df

    def _misspelt(self, token: str) -> bool:
        """One slip away from a word the base uses («روتشليد» for «روتشيلد», a swap counting
        as one): a typo is not a topic the base lacks. Long words only: short ones have too many neighbours."""
        if len(token) < TYPO_MIN_LENGTH or token.isascii():
            return False
        got = self._typos.get(token)
        if got is None:
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            if len(self._typos) > 50_000:  # bounded: a long-running server does not grow it forever
                self._typos.clear()
            got = process.extractOne(token, self._spellings, scorer=OSA.distance, score_cutoff=1) is not None
            self._typos[token] = got
        return got

    def unknown(self, tokens: Iterable[str]) -> list[str]:
        return [t for t in tokens if not self.is_known(t)]


class Coverage:
    """Idf-weighted share of a question's content terms that a text carries; place and subject names
    count half, since they locate a question more than they say what it asks."""

    def __init__(self, vocab: Vocabulary, names: set[str]) -> None:
        self.vocab = vocab
        self.names = names

    def weight(self, term: str) -> float:
        return self.vocab.idf(term) * (0.5 if term in self.names else 1.0)

    def of(self, terms: list[str], *texts: set[str] | frozenset[str]) -> float:
        """Coverage of ``terms`` by the union of ``texts`` (each a set of stems)."""
        if not terms:
            return 0.0
        total = sum(self.weight(t) for t in terms)
        return sum(self.weight(t) for t in terms if any(covered(t, have) for have in texts)) / total

    def salient_missing(self, terms: list[str], *texts: set[str] | frozenset[str]) -> float:
        """How rare (idf, scaled to 0–1 by the idf of a word the base never uses) the rarest question term
        is that ``texts`` lack: a question about a name its article never mentions scores near 1."""
        ceiling = self.vocab.idf("\x00never")
        missing = [self.vocab.idf(t) for t in terms if not any(covered(t, have) for have in texts)]
        return max(missing, default=0.0) / ceiling if ceiling else 0.0

    def unknown_share(self, terms: list[str]) -> float:
        """Weight share of the terms the knowledge base never uses (each counted at the highest idf)."""
        if not terms:
            return 0.0
        total = sum(self.weight(t) for t in terms)
        return sum(self.weight(t) for t in terms if not self.vocab.is_known(t)) / total
