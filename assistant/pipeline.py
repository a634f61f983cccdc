"""The answer path as an LCEL chain: understand → answer (retrieving when it must) → (phrase) → Answer.

Hybrid retrieval runs only when an answer needs passages (the article, refusals' suggestions): an exact
records answer needs none, so a one-off CLI question about the meetings never loads the embedding model.

``phrase`` is the slot for an optional generative model: by default it passes the extractive draft
through unchanged, so no generative model is ever needed; a generator plugged in there may only rephrase
the draft from its citations, never add facts.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.answer import guard
from assistant.answer.claims import ClaimsEngine
from assistant.answer.extractive import ArticleAnswerer, Vocabulary
from assistant.answer.records import Draft, RecordsEngine
from assistant.models import Answer, Intent
from assistant.settings import Settings
from assistant.text import analyze
from assistant.understand.followup import merge
from assistant.understand.lexicon import Lexicon
from assistant.understand.question import Frame, parse


@dataclass
class Turn:
    question: str
    history: list[str]
    frame: Frame | None = None
    docs: list[Document] | None = None  # None until an answer needs passages
    draft: Draft | None = None
    evidence: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = round((now - since) * 1000, 2)
        return now


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        lexicon: Lexicon,
        retriever: BaseRetriever,
        records: RecordsEngine,
        claims: ClaimsEngine,
        article: ArticleAnswerer,
        vocab: Vocabulary,
    ) -> None:
        self.settings = settings
        self.lex = lexicon
        self.retriever = retriever
        self.records = records
        self.claims = claims
        self.article = article
        self.vocab = vocab
        self.phrase: Runnable[Turn, Turn] = RunnablePassthrough()  # the generative-model slot
        self.chain: Runnable[Turn, Answer] = (
            RunnableLambda(self.understand) | RunnableLambda(self.answer) | self.phrase | RunnableLambda(self.finish)
        )

    # --- steps ---------------------------------------------------------------------------------------

    def understand(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        resolved: Frame | None = None
        for previous in turn.history[-self.settings.max_history_turns :]:
            resolved = merge(parse(previous, self.lex), resolved)
        turn.frame = merge(parse(turn.question, self.lex), resolved)
        turn.lap("understand", t)
        return turn

    def retrieve(self, turn: Turn) -> list[Document]:
        """Hybrid retrieval for the resolved question, once per turn."""
        if turn.docs is None:
            t = time.perf_counter()
            assert turn.frame is not None
            turn.docs = self.retriever.invoke(turn.frame.text)
            turn.lap("retrieve", t)
        return turn.docs

    def answer(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        frame = turn.frame
        assert frame is not None
        turn.draft = self._route(frame, turn)
        turn.lap("answer", t)
        return turn

    def finish(self, turn: Turn) -> Answer:
        assert turn.frame is not None and turn.draft is not None
        draft = turn.draft
        cited = [c.source_id for c in draft.citations]
        # without a dense search, keyword search alone ranks what follows the cited sources
        ranked = turn.docs if turn.docs is not None else self.retriever.bm25.invoke(turn.frame.text)
        retrieved = list(dict.fromkeys(cited + [str(d.metadata["source_id"]) for d in ranked[: self.settings.top_k]]))
        turn.timings["total"] = round((time.perf_counter() - turn.started) * 1000, 2)
        intent: Intent = turn.frame.intent
        if "greeting" in turn.frame.flags and draft.route == "refusal" and not turn.frame.filters:
            intent = "greeting"
        return Answer(
            text=draft.text,
            answerable=draft.answerable,
            citations=draft.citations,
            route=draft.route,  # type: ignore[arg-type]
            intent=intent,
            question=turn.frame.text,
            suggestions=draft.suggestions,
            retrieved_ids=retrieved,
            evidence=None if turn.evidence is None else round(turn.evidence, 3),
            timings_ms=turn.timings,
        )

    # --- routing -------------------------------------------------------------------------------------

    def _route(self, frame: Frame, turn: Turn) -> Draft:
        if "injection" in frame.flags:
            return self._refuse(guard.INJECTION, turn)
        if "greeting" in frame.flags and not frame.filters and len(analyze(frame.text)) <= 3:
            return self._refuse(guard.GREETING, turn)
        # Words the knowledge base never uses: when they are most of what a question asks, the base does not
        # hold the answer — unless the question is anchored in something specific to it.
        content = self.article.content_tokens(frame.text)
        unknown = self.vocab.unknown(content)
        share = len(unknown) / len(content) if content else 0.0
        lost = share >= 0.5
        if (lost and not self._anchored(frame)) or (share >= 0.75 and not self._anchored(frame, strict=True)):
            return self._refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(unknown[:3])})", turn)
        names = self._unknown_names(turn.question, unknown)
        if names:  # «the NATO summit»: a named thing the base never mentions
            return self._refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(names)})", turn)
        if frame.uncountable and "article" not in frame.flags:  # «كم عدد سكان…؟»: the base counts meetings
            return self._refuse(guard.REFUSAL + f" (لا تحصي المصادر: {frame.uncountable})", turn)
        claim = self.claims.answer(frame)
        if claim is not None:
            return claim
        if "article" in frame.flags and "records" not in frame.flags:  # «حسب المقال…»: the article first
            draft = self._from_article(frame, turn)
            if draft is not None:
                return draft
        if self._records_question(frame):
            strong = self._about_meetings(frame)
            if not strong:  # «ما هو دور المغرب…؟» names a place but asks the article
                draft = self._from_article(frame, turn)
                if draft is not None or "article" in frame.flags:
                    return draft or self._refuse(guard.REFUSAL, turn)
            draft = self.records.answer(frame)
            if draft is not None and draft.answerable and frame.intent == "count":
                self._add_totals(frame, draft)
            if draft is not None and (strong or self._covers(frame, draft)):
                if not draft.answerable:
                    draft.route = "refusal"
                    draft.suggestions = self.suggestions(self.retrieve(turn))
                return self._with_notes(draft)
        draft = self._from_article(frame, turn)
        if draft is not None and not lost:
            return draft
        return self._refuse(guard.REFUSAL, turn)

    @staticmethod
    def _unknown_names(question: str, unknown: list[str]) -> list[str]:
        """Unknown words written as proper names in Latin script (NATO, Europol), never the first word."""
        words = re.findall(r"[A-Za-z][\w'-]*", question)[1:]
        return [w for w in words if w.casefold() in unknown and ((w.isupper() and len(w) > 1) or w[0].isupper())]

    def _refuse(self, text: str, turn: Turn) -> Draft:
        return Draft(text, False, route="refusal", suggestions=self.suggestions(self.retrieve(turn)))

    def _from_article(self, frame: Frame, turn: Turn) -> Draft | None:
        """The article's best sentence; where the question names places the records document, say both."""
        docs = self.retrieve(turn)
        draft, turn.evidence = self.article.answer(frame.text, docs, self.settings.min_evidence)
        if draft is None:
            return None
        places = [e for e in frame.entities if e.type in {"country", "region", "city"}]
        if places:
            recs = self.records.select(frame.with_(entities=tuple(places), order=None, days=())).records
            if 0 < len(recs) <= 3:
                draft.text += "\nوفي السجلات الموثقة:\n" + "\n".join(f"- {self.records.line(r)}" for r in recs)
                draft.citations += [self.records.cite(r) for r in recs]
                draft.route = "mixed"
        return draft

    @staticmethod
    def _anchored(frame: Frame, strict: bool = False) -> bool:
        """The question names something specific to the knowledge base, so an unfamiliar word in it is more
        likely phrasing («من دعا حموشي إلى الرياض؟») than a topic the base lacks («ما عدد سكان المغرب؟»).
        ``strict`` leaves out names alone: «stock» in an English question is not Jürgen Stock."""
        names = {"city", "month", "kind"} if strict else {"city", "person", "agency", "month", "kind"}
        return bool(
            ("meeting" in frame.flags and not strict)
            or "article" in frame.flags
            or any(e.type in names for e in frame.entities)
            or frame.days
            or frame.target in {"meeting", "agreement", "axis", "metadata"}
        )

    @staticmethod
    def _about_meetings(frame: Frame) -> bool:
        """The question itself is about the meetings, not merely naming a place the records contain."""
        return bool(
            "meeting" in frame.flags
            or "busiest" in frame.flags
            or "records" in frame.flags
            or any(e.type in {"subject", "kind", "person", "agency", "month"} for e in frame.entities)
            or frame.target in {"meeting", "person", "agreement"}
            or frame.intent == "count"
            or frame.followup
            or frame.order
            or frame.days
        )

    def _covers(self, frame: Frame, draft: Draft) -> bool:
        """A weakly-signalled records answer must cover the question's words («عاصمة فرنسا» is not covered)."""
        quotes = " ".join(c.quote for c in draft.citations)
        terms = self.article.content_terms(frame.text)
        return self.article.evidence(terms, quotes) >= self.settings.min_evidence

    def _records_question(self, frame: Frame) -> bool:
        """The records can answer: the question narrows them, lists or counts them, or asks about a year."""
        about = "meeting" in frame.flags or any(e.type == "subject" for e in frame.entities)
        narrowed = frame.filters or frame.order or frame.days or (frame.years and about)
        listing = frame.target in {"agreement", "meeting", "person", "city", "country"} and about
        return bool(
            narrowed or listing or frame.intent == "count" or "busiest" in frame.flags or "records" in frame.flags
        )

    def _add_totals(self, frame: Frame, draft: Draft) -> None:
        if any(e.type != "kind" for e in frame.filters) or self.records.known_years(frame.years) != list(frame.years):
            return
        if frame.of("kind") and frame.target != "country":  # «كم استقبالاً…» is not the article's total
            return
        note = self.claims.totals_note(frame.target)
        if note:
            draft.text += "\n" + note[0]
            draft.citations.insert(0, note[1])

    def _with_notes(self, draft: Draft) -> Draft:
        """Where the reports disagree with the article about a cited record, say so."""
        notes: list[str] = []
        if len(draft.citations) > 2:  # a list: notes about single records would drown it
            return draft
        for c in draft.citations:
            if c.kind == "record":
                rec = next(r for r in self.records.kb.records if r.id == c.source_id)
                notes += [d.ar for d in rec.disagreements]
        if notes and draft.answerable:
            draft.text += "\n\nملاحظة: " + " ".join(dict.fromkeys(notes))
        return draft

    def suggestions(self, docs: list[Document]) -> list[str]:
        """Questions close to what was asked that the knowledge base can answer."""
        subject = self.records.kb.collections[0].subject.aliases[0] if self.records.kb.collections else ""
        out = []
        for d in docs:
            if d.metadata.get("kind") == "record":
                rec = next(r for r in self.records.kb.records if r.id == d.metadata["source_id"])
                out.append(f"متى التقى {subject} بمسؤولين من {rec.country.ar}؟".replace("  ", " "))
                out.append(f"من التقى {subject} في {rec.city.ar}؟".replace("  ", " "))
        out += [
            f"كم لقاءً عقد {subject} سنة 2024؟".replace("  ", " "),
            "ما هي المحاور الأربعة للتعاون حسب المقال؟",
        ]
        return list(dict.fromkeys(out))[:4]

    def run(self, question: str, history: list[str], **_: Any) -> Answer:
        return self.chain.invoke(Turn(question=question, history=history))
