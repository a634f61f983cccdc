"""Extractive answers from the article: the sentences that carry the question's words, trimmed and cited
with their offsets. The evidence score is the idf-weighted share of the question's content words that the
chosen sentence covers, so a question about something the article never mentions scores low and is refused.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from langchain_core.documents import Document

from assistant.answer.cite import article_citation
from assistant.answer.records import Draft
from assistant.index.documents import article_sentences
from assistant.knowledge.loader import KnowledgeBase
from assistant.text import analyze, light_stem, strip_clitics, tokenize
from assistant.understand.lexicon import Lexicon

MAX_QUOTE_CHARS = 420
PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن", "ه", "كم", "نا", "وا", "ا")  # «ا»: tanwin fath (شريكاً)


def _covered(term: str, have: set[str]) -> bool:
    """Exact stem, or the same word with another light ending («نشاطا» ~ «نشاط», «شهران» ~ «شهري»): Arabic
    inflection the light stemmer leaves, matched as a shared prefix of all but the last letter or two."""
    if term in have:
        return True
    if len(term) < 3 or term.isascii():
        return False
    for h in have:
        k = max(3, min(len(term), len(h)) - 1)
        if abs(len(term) - len(h)) <= 2 and len(h) >= 3 and h[:k] == term[:k]:
            return True
    return False


class Vocabulary:
    """Stems of everything the knowledge base says, with idf weights over its sentences."""

    def __init__(self, texts: Iterable[str], extra_terms: Iterable[str] = ()) -> None:
        df: Counter[str] = Counter()
        words: set[str] = set()
        n = 0
        for t in texts:
            n += 1
            df.update(set(analyze(t)))
            words.update(tokenize(t))
        self.n = max(n, 1)
        self.df = df
        self.known = set(df) | words | set(extra_terms)

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    def is_known(self, token: str) -> bool:
        """Known in any of its readings: as written, without clitics, or stemmed («وقعها» → «وقع»)."""
        forms = {token, light_stem(token), *strip_clitics(token)}
        forms |= {light_stem(f) for f in strip_clitics(token)}
        forms |= {f[: -len(s)] for f in list(forms) for s in PRONOUN_SUFFIXES if f.endswith(s) and len(f) - len(s) >= 2}
        return token.isdigit() or bool(forms & self.known)

    def unknown(self, tokens: Iterable[str]) -> list[str]:
        return [t for t in tokens if not self.is_known(t)]


class ArticleAnswerer:
    def __init__(self, kb: KnowledgeBase, vocab: Vocabulary, lexicon: Lexicon) -> None:
        self.kb = kb
        self.vocab = vocab
        self.lexicon = lexicon
        self.ignore = lexicon.function_stems  # question words and framing: no content
        self.names = lexicon.name_stems
        self.sentences = {a.meta.id: article_sentences(a) for a in kb.articles}

    def content_tokens(self, question: str) -> list[str]:
        """The question's words that are neither stopwords, numbers, framing words nor the subject's name."""
        text = self.lexicon.without_subject(question)
        return [t for t in tokenize(text) if not t.isdigit() and analyze(t) and not set(analyze(t)) <= self.ignore]

    def content_terms(self, question: str) -> list[str]:
        text = self.lexicon.without_subject(question)
        return list(dict.fromkeys(t for t in analyze(text) if t not in self.ignore and not t.isdigit()))

    def weight(self, term: str) -> float:
        return self.vocab.idf(term) * (0.5 if term in self.names else 1.0)

    def evidence(self, terms: list[str], sentence: str) -> float:
        """Share of the question's content (idf-weighted; names count half) that the sentence carries."""
        if not terms:
            return 0.0
        have = set(analyze(sentence))
        total = sum(self.weight(t) for t in terms)
        return sum(self.weight(t) for t in terms if _covered(t, have)) / total

    def answer(self, question: str, retrieved: list[Document], min_evidence: float) -> tuple[Draft | None, float]:
        """The best-supported sentence(s) among the retrieved article chunks, or None below the threshold."""
        terms = self.content_terms(question)
        best: tuple[float, str, int, int] | None = None
        for rank, doc in enumerate(retrieved):
            if doc.metadata.get("kind") != "article":
                continue
            aid, c_start, c_end = (
                doc.metadata["article_id"],
                int(doc.metadata["start"]),
                int(doc.metadata["end"]),
            )
            body = self.kb.article(str(aid)).body
            for s, e in self.sentences.get(str(aid), []):
                if s < c_start or e > c_end:
                    continue
                score = self.evidence(terms, body[s:e]) - 0.01 * rank
                if best is None or score > best[0]:
                    best = (score, str(aid), s, e)
        if best is None:
            return None, 0.0
        score, aid, s, e = best
        if score < min_evidence:
            return None, score
        article = self.kb.article(aid)
        quote = article.body[s:e].strip()
        if len(quote) > MAX_QUOTE_CHARS:
            quote = quote[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + "…"
        start = article.body.index(quote.rstrip("…"), s)
        have = set(analyze(quote))
        highlights = [w for w in quote.split() if set(analyze(w)) & set(terms) & have]
        citation = article_citation(article, start, quote, highlights)
        return Draft(f"حسب المقال: «{quote}»", True, [citation], route="article"), score
