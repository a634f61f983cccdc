"""Article answers that generalise: rank the sentences of the retrieved chunks (and the sentences next
to them) by meaning and by words, decide answerability with a fitted model, then answer with the short
answer first and the whole sentence as the citation.

Why sentences and not chunks: a chunk holds several facts, and the sentence that answers is often not
the one that repeats the question's words (it follows it, or names the topic by a pronoun). Each
sentence's vector is computed once at ingest and stored with the index generation, so ranking costs one
Chroma read and a few dot products per question.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from langchain_core.documents import Document

from assistant.answer.answerability import AnswerModels
from assistant.answer.cite import article_citation
from assistant.answer.direct import KINDED, DirectAnswers
from assistant.answer.draft import Draft
from assistant.answer.vocabulary import ArticleTerms, Coverage, Terms, covered
from assistant.index.documents import article_sentences, sentence_documents
from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import Article
from assistant.models import Citation
from assistant.text import analyze, tokenize
from assistant.understand.crosslingual import CrossLingual, name_cover, spells
from assistant.understand.lexicon import Lexicon

T = TypeVar("T")
MAX_QUOTE_CHARS = 900  # longer sentences are cut around the short answer, never through it


class SentenceVectors(Protocol):
    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Vectors by source id, for the sentence documents with these document ids (absent ones left out)."""
        ...


class ChromaSentences:
    """The generation's sentence collection (opened on first use): vectors by sentence id. Failures are the
    project's store errors, like dense search's; a collection swapped by another ingest asks for a reload."""

    def __init__(self, opener: Callable[[], Any], where: str) -> None:
        self._opener = opener
        self._where = where
        self._collection: Any = None

    def vectors(self, ids: Sequence[str]) -> dict[str, Any]:
        from assistant.index.store import store_errors

        if not ids:
            return {}
        with store_errors(self._where, self._forget):
            if self._collection is None:
                self._collection = self._opener()
            got = self._collection.get(ids=list(ids), include=["embeddings", "metadatas"])
        return {str(m["source_id"]): e for m, e in zip(got["metadatas"], got["embeddings"], strict=True)}

    def warm(self, vector: Sequence[float]) -> None:
        """One search, so Chroma reads the collection's vector index now rather than at a reader's first
        article question (1.8 s at 300k sentences)."""
        from assistant.index.store import store_errors

        with store_errors(self._where, self._forget):
            if self._collection is None:
                self._collection = self._opener()
            self._collection.query(query_embeddings=[list(vector)], n_results=1, include=[])

    def _forget(self) -> None:
        self._collection = None


@dataclass
class Candidate:
    article_id: str
    ordinal: int  # 1-based, in article_sentences order
    start: int
    end: int
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def source_id(self) -> str:
        return f"{self.article_id}#s{self.ordinal:03d}"


@dataclass
class Assessment:
    """Why an article answer was given or refused: the best candidate and the answerability features."""

    candidates: list[Candidate]
    features: dict[str, float]
    probability: float


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    import numpy as np

    return float(np.dot(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))


class _ByArticle(Mapping[str, T]):
    """Article id → something computed from the article when first asked for (the base's own index of
    articles by id, so a large base starts without computing it for all)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb

    def __getitem__(self, key: str) -> T:
        return self._compute(self._kb.article(key))

    def _compute(self, article: Article) -> T:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        return (a.meta.id for a in self._kb.articles)

    def __len__(self) -> int:
        return len(self._kb.articles)


class _Spans(_ByArticle[tuple[tuple[int, int], ...]]):
    """Article id → its sentence spans (``article_sentences`` caches them)."""

    def _compute(self, article: Article) -> tuple[tuple[int, int], ...]:
        return article_sentences(article)


class _PerArticle(_ByArticle[Terms]):
    """Article id → terms analysed from the article when a question first needs them, and kept (at most
    ``limit`` articles): a base of thousands of articles neither analyses them all on its first question
    nor keeps every article's vocabulary in memory."""

    def __init__(
        self,
        kb: KnowledgeBase,
        text: Callable[[Article], str],
        stored: ArticleTerms | None = None,
        limit: int = 4096,
    ) -> None:
        super().__init__(kb)
        self._text = text
        self._stored = stored  # computed at ingest (``ArticleTerms``): looked up, not analysed
        self._limit = limit
        self._done: dict[str, Terms] = {}

    def holding(self, term: str) -> set[str]:
        """The ids of the articles whose terms include ``term``: from the stored rows in one pass, else each
        article's own terms."""
        if self._stored is not None:
            return set(self._stored.holding(term))
        return {a for a in self if term in self[a]}

    def _compute(self, article: Article) -> Terms:
        key = article.meta.id
        got = self._done.get(key)
        if got is None:
            if len(self._done) >= self._limit:
                self._done.pop(next(iter(self._done)))  # the oldest first
            got = self._stored.get(key) if self._stored is not None else None
            if got is None:
                got = Terms(analyze(self._text(article)))
            self._done[key] = got
        return got


class ArticleEngine:
    def __init__(
        self,
        kb: KnowledgeBase,
        lexicon: Lexicon,
        coverage: Coverage,
        sentences: SentenceVectors,
        models: AnswerModels,
        direct: DirectAnswers,
        article_terms: ArticleTerms | None = None,
        dense_floor: float = 0.0,
    ) -> None:
        self.kb = kb
        self.dense_floor = dense_floor  # how close unrelated questions come to this base (index.floor)
        self.lexicon = lexicon
        self.coverage = coverage
        self.sentences = sentences
        self.models = models
        self.direct = direct
        self.spans = _Spans(kb)  # per article on first use: a large base starts without splitting all
        self._terms_cache: dict[tuple[str, int], Terms] = {}
        self._article_terms = _PerArticle(kb, lambda a: a.meta.title + "\n" + a.body, article_terms)
        self._title_terms = _PerArticle(kb, lambda a: a.meta.title)

    def articles_with(self, term: str) -> set[str]:
        """The articles whose words include ``term`` (a year: «2019»), from the terms stored at ingest when the
        index has them, else from each article's own analysis."""
        return self._article_terms.holding(term)

    def terms_of(self, article_id: str) -> Terms:
        """The article's stems, title and body (stored at ingest, else analysed once and kept)."""
        return self._article_terms[article_id]

    # --- question side ----------------------------------------------------------------------------

    def content_terms(self, question: str) -> list[str]:
        return self.question_terms(self.lexicon.content_text(question))

    def answer_terms(self, question: str) -> list[str]:
        """What the short answer is sought beside and must not repeat: the content terms and the question's
        own numbers («كم شخص مات بالسرطان في 2007؟»: «2007» points at the answer, it is not the answer)."""
        stems = analyze(self.lexicon.content_text(question))
        return list(dict.fromkeys([t for t in stems if not t.isdigit()] + [t for t in stems if t.isdigit()]))

    @staticmethod
    def question_terms(content_text: str) -> list[str]:
        """The distinct stems of a question's content text (``Lexicon.content_text``), numbers apart."""
        return list(dict.fromkeys(t for t in analyze(content_text) if not t.isdigit()))

    def _sentence_terms(self, article: Article, ordinal: int) -> Terms:
        key = (article.meta.id, ordinal)
        if key not in self._terms_cache:
            spans = self.spans[article.meta.id]
            s, e = spans[ordinal - 1] if 1 <= ordinal <= len(spans) else (0, 0)
            if len(self._terms_cache) > 100_000:  # bounded: a large base does not grow it forever
                self._terms_cache.clear()
            self._terms_cache[key] = Terms(analyze(article.body[s:e]))
        return self._terms_cache[key]

    # --- candidates -------------------------------------------------------------------------------

    def candidates(
        self,
        question: str,
        query_vector: Sequence[float],
        retrieved: list[Document],
        intent: str = "unknown",
        cross: CrossLingual | None = None,
    ) -> list[Candidate]:
        """Every sentence of the retrieved article chunks plus the sentence on each side, with features.
        ``cross``: the question is in another script (its names, by skeleton, stand in for its words)."""
        answer_terms = self.answer_terms(question)
        terms = [t for t in answer_terms if not t.isdigit()]  # ``content_terms``, from the same analysis
        term_set = set(answer_terms)
        bridged = self._bridged(cross) if cross is not None else []
        unknown = self.coverage.unknown_share(terms)
        picked: dict[tuple[str, int], float] = {}  # (article, ordinal) -> rank of the chunk that brought it
        chunk_sim: dict[tuple[str, int], float] = {}
        rank = 0
        for doc in retrieved:
            if doc.metadata.get("kind") != "article":
                continue
            aid = str(doc.metadata["article_id"])
            spans = self.spans.get(aid, ())
            c_start, c_end = int(doc.metadata["start"]), int(doc.metadata["end"])
            inside = [i for i, (s, e) in enumerate(spans, 1) if s >= c_start and e <= c_end]
            if not inside:
                continue
            sim = float(doc.metadata.get("dense_similarity", 0.0))
            for i in [inside[0] - 1, *inside, inside[-1] + 1]:
                if 1 <= i <= len(spans):
                    near = rank if i in inside else rank + 0.5
                    if (aid, i) not in picked or near < picked[(aid, i)]:
                        picked[(aid, i)] = near
                        chunk_sim[(aid, i)] = sim
            rank += 1
        cands = []
        for (aid, i), r in picked.items():
            article = self.kb.article(aid)
            s, e = self.spans[aid][i - 1]
            if self.lexicon.addressed_to_assistant(article.body[s:e]):
                continue  # text aimed at the assistant is evidence about the document, never an answer
            sim = chunk_sim[(aid, i)]
            # ``chunk_lift``: above the base's floor, the same across genres; ``chunk_dense`` for the ranker
            features = {"rank": 1.0 / (1.0 + r), "chunk_dense": sim, "chunk_lift": sim - self.dense_floor}
            cands.append(Candidate(aid, i, s, e, features))
        vectors = self.sentences.vectors([str(self._sentence_doc(c).id) for c in cands])
        for c in cands:
            article = self.kb.article(c.article_id)
            here = self._sentence_terms(article, c.ordinal)
            title = self._title_terms[c.article_id]
            # the words that name the article's topic: its title and its lead sentence (where an article
            # introduces its subject by full name); the rest of the question says what is asked about it
            lead = self._sentence_terms(article, 1)
            beyond = [t for t in terms if not covered(t, title) and not covered(t, lead)]
            before, after = self._sentence_terms(article, c.ordinal - 1), self._sentence_terms(article, c.ordinal + 1)
            vec = vectors.get(c.source_id)
            c.features.update(
                dense=_dot(query_vector, vec) if vec is not None else 0.0,
                lex=self.coverage.of(terms, here),
                lex_window=self.coverage.of(terms, before, here, after),
                lex_article=self.coverage.of(terms, self._article_terms[c.article_id]),
                title=self.coverage.of(terms, title),
                # the article's topic counts as said in each of its sentences: they name it by a pronoun
                lex_topic=self.coverage.of(terms, here, title),
                lex_beyond_lead=self.coverage.of(beyond, here),
                missing=self.coverage.salient_missing(terms, self._article_terms[c.article_id]),
                unknown=unknown,
                no_terms=0.0 if terms else 1.0,
                # the sentence holds a span of the kind asked for (a date for «متى», a number for «كم»)
                # (the prior's span suffices to say whether there is one: the span model only moves it)
                typed=float(
                    self._short(article.body[c.start : c.end], term_set, intent, c.article_id, ranked=False) is not None
                ),
            )
            if cross is not None:
                window = [self._text(c.article_id, i) for i in (c.ordinal - 1, c.ordinal, c.ordinal + 1)]
                c.features.update(
                    name_sentence=name_cover(cross.keys, tokenize(window[1])),
                    name_window=name_cover(cross.keys, tokenize(" ".join(window))),
                    name_title=name_cover(cross.keys, tokenize(article.meta.title)),
                    no_names=0.0 if cross.keys else 1.0,
                    # the places, months and topics it names, as the lexicon says them in Arabic
                    entity_window=self.coverage.of(bridged, before, here, after),
                    entity_title=self.coverage.of(bridged, title),
                    no_entities=0.0 if bridged else 1.0,
                )
            c.score = self.models.pick(cross is not None).ranker.probability(c.features)
        cands.sort(key=lambda c: -c.score)
        return cands

    def assess(
        self,
        question: str,
        query_vector: Sequence[float],
        retrieved: list[Document],
        intent: str = "unknown",
        cross: CrossLingual | None = None,
    ) -> Assessment:
        cands = self.candidates(question, query_vector, retrieved, intent, cross)
        if not cands:
            return Assessment([], {}, 0.0)
        best = cands[0]
        # the margin over sentences elsewhere (another article, or not next to the best): in a one-article base
        # "other articles" would be none, and a margin over nothing is no evidence
        others = [
            c.features["dense"]
            for c in cands[1:]
            if c.article_id != best.article_id or abs(c.ordinal - best.ordinal) > 2
        ]
        features = {
            **best.features,
            "ranker": best.score,
            "dense_margin": best.features["dense"] - (max(others) if others else 0.0),
            # a peak among the candidates, not a flat field: an unrelated question is about equally close to
            # every sentence of a small base, an answerable one is much closer to a few
            "dense_peak": best.features["dense"] - statistics.median(c.features["dense"] for c in cands),
        }
        if cross is not None:
            features["names_missing"] = cross.names_missing
        return Assessment(cands, features, self.models.pick(cross is not None).answerable.probability(features))

    # --- answer -----------------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        intent: str,
        query_vector: Sequence[float],
        retrieved: list[Document],
        cross: CrossLingual | None = None,
    ) -> tuple[Draft | None, Assessment]:
        assessment = self.assess(question, query_vector, retrieved, intent, cross)
        models = self.models.pick(cross is not None)
        if not assessment.candidates or assessment.probability < models.threshold:
            return None, assessment
        cands = assessment.candidates
        best = cands[0]
        # the runner-up is quoted too when the ranker rates it nearly as high (``quote_ratio``, fitted):
        # the answer is often in the sentence beside the one that repeats the question
        chosen = [best] + [c for c in cands[1:2] if c.score >= models.quote_ratio * best.score]
        terms = set(self.answer_terms(question))
        if cross is not None:  # its words are not the sentence's: its names, as the sentence spells them
            terms = self._spelt(cross, " ".join(self._text(c.article_id, c.ordinal) for c in chosen))
        # the span model was fitted on questions in the base's script; a cross-lingual one anchors on its
        # names alone, which the prior reads as it was fitted to
        ranked = cross is None
        direct = None
        for c in chosen:
            direct = self._short(self._text(c.article_id, c.ordinal), terms, intent, c.article_id, ranked=ranked)
            if direct is not None or intent not in KINDED:
                break
        if direct is None and intent in KINDED:  # the date, number or name may sit next door
            for i in (best.ordinal + 1, best.ordinal - 1):
                found = self._short(self._text(best.article_id, i), terms, intent, best.article_id, ranked=ranked)
                if found is not None:
                    direct = found
                    chosen.append(Candidate(best.article_id, i, *self.spans[best.article_id][i - 1]))
                    break
        if intent == "why" and self._reason_next(chosen, best):  # the reason said after the fact asked about
            direct = None  # the best sentence's own span would answer what, not why
        citations = [self._cite(aid, ordinals, direct, terms) for aid, ordinals in self._groups(chosen)]
        lines = []
        for citation in citations:
            article = self.kb.article(citation.source_id.split("#")[0])
            where = "حسب المقال" if len(self.kb.articles) == 1 else f"حسب مقال «{article.meta.title}»"
            lines.append(f"{where}: «{citation.quote}»")
        text = "\n".join(dict.fromkeys(lines))
        if direct and all(direct != c.quote for c in citations):
            text = f"{direct}\n{text}"
        return Draft(text, True, citations, route="article", direct=direct), assessment

    def _reason_next(self, chosen: list[Candidate], best: Candidate) -> bool:
        """«لماذا ارتفع عدد الزوار؟»: the sentence that repeats the question states the fact, and the next one
        its reason («وعزا العلاونة هذه الزيادة إلى…»). When no quoted sentence states a reason and the next
        one does (``reason_words``), it is quoted too (appended to ``chosen``)."""
        cues = self.lexicon.reason_cues
        if any(cues.find(self._text(c.article_id, c.ordinal)) for c in chosen):
            return False
        after = best.ordinal + 1
        if any(c.article_id == best.article_id and c.ordinal == after for c in chosen):
            return False
        if not cues.find(self._text(best.article_id, after)):
            return False
        chosen.append(Candidate(best.article_id, after, *self.spans[best.article_id][after - 1]))
        return True

    def mention(self, article_ids: Sequence[str], names: Callable[[str], bool]) -> Citation | None:
        """The first sentence of these articles that ``names`` (a test of a sentence's text) says names it."""
        for aid in article_ids:
            article = self.kb.article(aid)
            for s, e in self.spans.get(aid, ()):
                if names(article.body[s:e]):
                    return article_citation(article, s, article.body[s:e].strip())
        return None

    def _spelt(self, cross: CrossLingual, text: str) -> set[str]:
        """The stems of the words of ``text`` that spell one of a cross-lingual question's names, and those of
        the Arabic names of its places, months and topics."""
        words = [w for w in tokenize(text) if spells(cross.keys, w, self.models.name_min_ratio)]
        return {t for w in words for t in analyze(w)} | set(self._bridged(cross))

    def _bridged(self, cross: CrossLingual) -> list[str]:
        """The stems of the Arabic names of a cross-lingual question's places, months and topics."""
        return self.question_terms(" ".join(cross.bridged))

    def anchoring(self, terms: Iterable[str], article_id: str) -> tuple[dict[str, float], list[str]]:
        """How the short answer weighs the question's words in this article's sentences: by idf, as coverage
        weighs them, with the words its title holds marked as the topic (``DirectAnswers.find``)."""
        title = self._title_terms[article_id]
        return {t: self.coverage.weight(t) for t in terms}, [t for t in terms if covered(t, title)]

    def _short(
        self, sentence: str, terms: set[str], intent: str, article_id: str, *, ranked: bool = True
    ) -> str | None:
        """The short answer in one of the article's sentences (``ranked``: by the span model, if any)."""
        weights, topic = self.anchoring(terms, article_id)
        return self.direct.find(sentence, terms, intent, weights=weights, topic=topic, ranked=ranked)

    def _sentence_doc(self, c: Candidate) -> Document:
        return sentence_documents(self.kb.article(c.article_id))[c.ordinal - 1]

    def _text(self, article_id: str, ordinal: int) -> str:
        spans = self.spans[article_id]
        if not 1 <= ordinal <= len(spans):
            return ""
        s, e = spans[ordinal - 1]
        return self.kb.article(article_id).body[s:e]

    @staticmethod
    def _groups(chosen: list[Candidate]) -> list[tuple[str, list[int]]]:
        """Chosen sentences as runs of adjacent sentences per article, the best sentence's run first."""
        runs: list[tuple[str, list[int]]] = []
        for aid in dict.fromkeys(c.article_id for c in chosen):
            ordinals = sorted({c.ordinal for c in chosen if c.article_id == aid})
            run = [ordinals[0]]
            for o in ordinals[1:]:
                if o == run[-1] + 1:
                    run.append(o)
                else:
                    runs.append((aid, run))
                    run = [o]
            runs.append((aid, run))
        best = (chosen[0].article_id, chosen[0].ordinal)
        runs.sort(key=lambda r: (r[0], best[1] in r[1]) != (best[0], True))
        return runs

    def _cite(self, article_id: str, ordinals: list[int], direct: str | None, terms: set[str]) -> Citation:
        article = self.kb.article(article_id)
        spans = self.spans[article_id]
        start, end = spans[ordinals[0] - 1][0], spans[ordinals[-1] - 1][1]
        quote = article.body[start:end].strip()
        if len(quote) > MAX_QUOTE_CHARS:
            start, quote = self._cut(article.body, start, quote, direct)
        highlights = [w for w in quote.split() if any(covered(t, terms) for t in analyze(w))]
        return article_citation(article, start, quote, highlights)

    @staticmethod
    def _cut(body: str, start: int, quote: str, direct: str | None) -> tuple[int, str]:
        """A window of the quote around the short answer (or its start), cut at word boundaries."""
        at = quote.find(direct) if direct else 0
        at = max(at, 0)
        lo = max(0, at - MAX_QUOTE_CHARS // 3)
        lo = quote.rfind(" ", 0, lo) + 1 if lo else 0
        hi = min(len(quote), lo + MAX_QUOTE_CHARS)
        if hi < len(quote):
            hi = max(quote.rfind(" ", lo, hi), at + len(direct or ""))
        piece = quote[lo:hi].strip()
        return start + quote.index(piece), piece + ("…" if hi < len(quote) else "")
