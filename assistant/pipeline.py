"""The answer path as an LCEL chain: understand → scope → rules (retrieving only when one must) → Answer.

Hybrid retrieval runs only when a rule needs passages (article answers, refusals' suggestions): an exact
records answer needs none, so a one-off CLI question about the records never loads the embedding model.

An optional generative model rephrases the finished ``Answer`` afterwards (``assistant.generate``): it
never takes part in these decisions, so none is ever needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import arabic
from assistant.answer.answerability import AnswerModels
from assistant.answer.articles import ArticleEngine, Assessment, SentenceVectors
from assistant.answer.claims import ClaimsEngine
from assistant.answer.direct import OTHER_SCRIPT, PLACE, DirectAnswers
from assistant.answer.draft import Draft
from assistant.answer.examples import examples
from assistant.answer.joined import joined
from assistant.answer.records import RecordsEngine
from assistant.answer.rules import DEFAULT_RULES, Rule
from assistant.answer.vocabulary import ArticleTerms, Coverage, TermTable, Vocabulary, vocabulary_terms
from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import EventRecord
from assistant.models import Answer, Intent
from assistant.retrieve.keyword import KeywordIndex
from assistant.settings import Settings
from assistant.text import analyze, tokenize
from assistant.understand import scope as scoping
from assistant.understand.compound import split_questions
from assistant.understand.crosslingual import BRIDGED, CrossLingual, NameIndex
from assistant.understand.dialect import standard_negation
from assistant.understand.followup import merge
from assistant.understand.lexicon import Entity, Lexicon, load_question_words
from assistant.understand.question import Frame, parse
from assistant.understand.respace import respace
from assistant.understand.respell import Respeller
from assistant.understand.scope import Scope

QueryEmbedder = Callable[[str], Sequence[float]]
MENTIONABLE = frozenset({"country", "city", "region", "person", "agency"})  # what «هل ذكر المقال…؟» asks of


@dataclass
class Turn:
    question: str
    history: list[str]
    frame: Frame = field(default=None)  # type: ignore[assignment]  # set by understand
    scope: Scope = field(default=None)  # type: ignore[assignment]
    docs: list[Document] | None = None  # None until an answer needs passages
    article_docs: list[Document] | None = None
    assessment: Assessment | None = None
    article_answer: tuple[Draft | None] | None = None  # memo: several rules may ask for it
    content: tuple[str, list[str]] | None = None  # memo of ``Pipeline.content_words``
    unknown: tuple[list[str], float] | None = None
    cross: tuple[CrossLingual | None] | None = None  # memo of ``Pipeline.cross_lingual``
    draft: Draft | None = None
    rule: str = ""
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
        records_for: Callable[[Sequence[str]], RecordsEngine],
        claims: ClaimsEngine,
        article: ArticleEngine,
        vocab: Vocabulary,
        embed_query: QueryEmbedder,
        rules: Sequence[Rule] = DEFAULT_RULES,
        respeller: Respeller | None = None,
    ) -> None:
        self.settings = settings
        self.lex = lexicon
        self.kb = lexicon.kb
        self.retriever = retriever
        self.records_for = records_for
        self.claims = claims
        self.article = article
        self.vocab = vocab
        self.embed_query = embed_query
        self.rules = tuple(rules)
        self.respeller = respeller
        self.chain: Runnable[Turn, Answer] = (
            RunnableLambda(self.understand) | RunnableLambda(self.answer) | RunnableLambda(self.finish)
        )

    # --- steps ---------------------------------------------------------------------------------------

    def understand(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        resolved: Frame | None = None
        scope: Scope | None = None
        for previous in turn.history[-self.settings.max_history_turns :]:
            resolved = merge(parse(self.read(previous), self.lex), resolved)
            scope = scoping.resolve(resolved, self.kb, scope)
        turn.frame = merge(parse(self.read(turn.question), self.lex), resolved)
        turn.scope = scoping.resolve(turn.frame, self.kb, scope)
        turn.lap("understand", t)
        return turn

    def read(self, text: str) -> str:
        """The words of ``text`` as the base writes them: spaces put back into runs that lost them
        (``respace``), the dialects' negation of a verb as «لم» (``standard_negation``), misspelt words respelt
        (``respell``). Words the base writes are never touched."""
        text = respace(text, self.opens_run, self.follows_in_run)
        text = standard_negation(text, self.negates, self.lex.event_keys.__contains__, self.lex.ma_joiners)
        return self.respeller.respell(text).text if self.respeller is not None else text

    def negates(self, word: str) -> bool:
        """What a dialect «ما…ش» may be around (``standard_negation``): an event word, or a word of 3+ letters
        the base knows as written or without its clitics (not as a typo of another)."""
        return word in self.lex.event_keys or (bool(analyze(word)) and self.vocab.is_known(word, typos=False))

    def opens_run(self, word: str) -> bool:
        """What may open a run of two words that lost their space (``respace``): a one-word question cue
        («ما», «ماذا», «متى»), or a content word of 3+ letters the base writes exactly so. Not a stopword or
        a stem: with those, an unknown name falls apart into «words» («الا سكندر», «الأ وسط»)."""
        return word in self.lex.question_words or (len(word) >= 3 and word in self.vocab.words and bool(analyze(word)))

    def follows_in_run(self, word: str) -> bool:
        """What may close such a run: a content word the base knows in any reading («يحدث» ~ «حدث»)."""
        return bool(analyze(word)) and self.vocab.is_known(word)

    def answer(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        for rule in self.rules:
            draft = rule(turn, self)
            if draft is not None:
                turn.draft, turn.rule = draft, rule.name
                break
        turn.lap("answer", t)
        return turn

    def finish(self, turn: Turn) -> Answer:
        assert turn.draft is not None
        draft = turn.draft
        cited = [c.source_id for c in draft.citations]
        # what was retrieved for the answer (the scope's passages, else the article passages an article answer
        # was chosen from); without any search, keyword search alone ranks what follows the cited sources
        ranked = next((d for d in (turn.docs, turn.article_docs) if d is not None), None)
        if ranked is None:
            ranked = self.retriever.bm25.invoke(turn.frame.text)  # type: ignore[attr-defined]
        retrieved = list(dict.fromkeys(cited + [str(d.metadata["source_id"]) for d in ranked[: self.settings.top_k]]))
        turn.timings["total"] = round((time.perf_counter() - turn.started) * 1000, 2)
        intent: Intent = turn.frame.intent
        if turn.rule == "greeting":
            intent = "greeting"
        evidence = turn.assessment.probability if turn.assessment is not None else None
        return Answer(
            text=draft.text,
            answerable=draft.answerable,
            direct=draft.direct,
            rule=turn.rule,
            citations=draft.citations,
            route=draft.route,  # type: ignore[arg-type]
            intent=intent,
            question=turn.frame.text,
            suggestions=draft.suggestions,
            retrieved_ids=retrieved,
            evidence=None if evidence is None else round(evidence, 3),
            timings_ms=turn.timings,
        )

    # --- what rules ask for --------------------------------------------------------------------------

    def retrieve(self, turn: Turn) -> list[Document]:
        """Hybrid retrieval for the resolved question within its scope, once per turn."""
        if turn.docs is None:
            t = time.perf_counter()
            where = turn.scope.where()
            turn.docs = self.retriever.invoke(turn.frame.text, **({"filter": where} if where else {}))
            turn.lap("retrieve", t)
        return turn.docs

    def retrieve_articles(self, turn: Turn) -> list[Document]:
        """Article chunks only: records must not crowd the passages an article answer is chosen from."""
        if turn.article_docs is None:
            t = time.perf_counter()
            where = self.article_filter(turn)
            cross = self.cross_lingual(turn)
            if cross is None:
                turn.article_docs = self.retriever.invoke(turn.frame.text, filter=where)
            else:  # its words are not the base's: keyword search looks for its names as the base writes them
                words = [*self.names.spellings(cross.keys, self.article.models.name_min_ratio), *cross.bridged]
                turn.article_docs = self.retriever.invoke(turn.frame.text, filter=where, keywords=" ".join(words))
            turn.lap("retrieve_articles", t)
        return turn.article_docs

    def article_filter(self, turn: Turn) -> dict[str, Any]:
        """The article chunks of the turn's scope (all articles unless the question named some), of the
        articles that mention every year the question names: «كم طفلا طُعّم عام 2019؟» asks about a year an
        article of 2023 does not speak of, and its sentences would answer another year's question."""
        where: dict[str, Any] = {"kind": "article"}
        if not (turn.scope.named and turn.scope.articles) and not turn.frame.named_years:
            return where
        articles = self._scope_articles(turn)
        for year in turn.frame.named_years:
            dated = self.article.articles_with(str(year))
            articles = [a for a in articles if a in dated]
        return {"$and": [where, {"article_id": {"$in": articles or ["\x00none"]}}]}

    def _scope_articles(self, turn: Turn) -> list[str]:
        if turn.scope.named and turn.scope.articles:
            return list(turn.scope.articles)
        return [a.meta.id for a in self.kb.articles]

    def unmentioned(self, turn: Turn) -> list[str]:
        """What the question names that the base never mentions: a year no article in its scope mentions, a
        country or city neither the articles nor the records speak of («طنجة» in a base about Essaouira)."""
        pool = set(self._scope_articles(turn))
        years = [str(y) for y in turn.frame.named_years if not self.article.articles_with(str(y)) & pool]
        places = [
            m.payload.label
            for m in self.lex.entities.find(turn.frame.text)
            if m.payload.type in {"country", "city"}
            and not self.lex.spoken_of(m.payload)
            # a name that is also a word the base uses is no evidence («العين» the eye, «الرومانية» Roman)
            and not any(self.vocab.is_known(w, typos=False) for w in tokenize(turn.frame.text[m.start : m.end]))
        ]
        return years + list(dict.fromkeys(places))

    def mentioned(self, turn: Turn) -> Draft | None:
        """«هل ذكر المقال بلجيكا؟»: whether the articles in scope name a place or a person, with the sentence
        that does, and what the records hold of it when they do not. None for any other question (one that says
        more than its names and mention words), and in a base of more articles than ``max_listed_articles``
        where none is named (each would be read)."""
        f = turn.frame
        things = [e for e in f.entities if e.type in MENTIONABLE]
        if f.intent != "yesno" or "article" not in f.flags or not things:
            return None
        if self.asked_beyond_names(f):
            return None
        articles = self._scope_articles(turn)
        if len(articles) > self.settings.max_listed_articles:
            return None
        named: dict[str, set[tuple[str, str]]] = {}  # a sentence's entities, found once for every thing asked

        def names(text: str, e: Entity) -> bool:
            if text not in named:
                named[text] = {(m.payload.type, m.payload.value) for m in self.lex.entities.find(text)}
            return (e.type, e.value) in named[text]

        lines: list[str] = []
        citations = []
        for e in things:
            cite = self.article.mention(articles, lambda text, e=e: names(text, e))
            if cite is not None:
                lines.append(f"نعم، يذكر المقال {e.label}: «{cite.quote}»")
                citations.append(cite)
                continue
            lines.append(f"لا، لا يذكر المقال {e.label}.")
            if turn.scope.collections:
                engine, recs = self._records_of(turn, [e])
                if recs:
                    lines.append(f"وفي السجلات الموثقة عن {e.label}: {arabic.meetings(len(recs))}.")
                    citations += [engine.cite(r) for r in recs]
        return Draft("\n".join(lines), True, citations, route="article")

    def articles_in_order(self, turn: Turn) -> list[str]:
        """The scope's articles; when several and none was named, the most relevant first."""
        articles = list(turn.scope.articles)
        if len(articles) <= 1 or turn.scope.named:
            return articles
        if turn.frame.target == "metadata" or "article" in turn.frame.flags:
            top = [str(d.metadata["article_id"]) for d in self.retrieve_articles(turn)]
            return list(dict.fromkeys([a for a in top if a in articles] + articles))
        return articles

    def content_words(self, turn: Turn) -> tuple[str, list[str]]:
        """The question's content text (``Lexicon.content_text``: the words content_terms weighs, as written)
        and its word tokens, numbers and stopwords apart; once per turn."""
        if turn.content is None:
            text = self.lex.content_text(turn.frame.text)
            turn.content = (text, [t for t in tokenize(text) if not t.isdigit() and analyze(t)])
        return turn.content

    def unknown_words(self, turn: Turn) -> tuple[list[str], float]:
        """The question's content words the base never uses, and their idf-weighted share of its content
        (a rare word the base lacks outweighs a common one it has: «عدد سكان المغرب» is mostly «سكان»)."""
        if turn.unknown is None:
            text, content = self.content_words(turn)
            share = self.article.coverage.unknown_share(self.article.question_terms(text))
            turn.unknown = (self.vocab.unknown(content), share)
        return turn.unknown

    def cross_lingual(self, turn: Turn) -> CrossLingual | None:
        """The question is in another script than the base («When was Naguib Mahfouz born?» of Arabic
        articles): at least ``cross_lingual_share`` of its content words are Latin-script words the base never
        writes (a country's English name, known to the lexicon, is no word of an Arabic text). Then its words
        are no lexical evidence either way, and only its names can be checked, by transliteration; None for
        a question in the base's own script."""
        if turn.cross is None:
            # its content words; a question of function words alone («And what is it?») by all its words
            content = self.content_words(turn)[1] or [t for t in tokenize(turn.frame.text) if not t.isdigit()]
            foreign = [t for t in content if t.isascii() and t.isalpha() and not self.vocab.is_written(t)]
            cross = bool(content) and len(foreign) / len(content) >= self.settings.cross_lingual_share
            bridged = [e.label for e in turn.frame.entities if e.type in BRIDGED]
            turn.cross = (CrossLingual.of(turn.frame.text, self.names, bridged) if cross else None,)
        return turn.cross[0]

    @cached_property
    def names(self) -> NameIndex:
        """Consonant skeletons of the base's Arabic words: which Latin-script names it writes."""
        return NameIndex(self.vocab.words)

    def refuse(self, text: str, turn: Turn) -> Draft:
        return Draft(text, False, route="refusal", suggestions=self.suggestions(turn))

    def article_draft(self, turn: Turn) -> Draft | None:
        """The best article sentence (once per turn); where the question is about a subject's events and
        names places its records document, both are said."""
        if turn.article_answer is None:
            docs = self.retrieve_articles(turn)
            draft: Draft | None = None
            if docs:
                t = time.perf_counter()
                vector = self.embed_query(turn.frame.text)
                draft, turn.assessment = self.article.answer(
                    turn.frame.text, self.asked_kind(turn), vector, docs, self.cross_lingual(turn)
                )
                turn.lap("rank_sentences", t)
            if draft is not None:
                self._add_records(turn, draft)
            turn.article_answer = (draft,)
        return turn.article_answer[0]

    def asked_kind(self, turn: Turn) -> str:
        """What an article's short answer must be: a name as another script writes it when the question asks
        for one («ما اسم السرطان بالإنجليزية؟»), else what the question's intent asks for."""
        if self.cross_lingual(turn) is None:
            if "other_script" in turn.frame.flags:
                return OTHER_SCRIPT
            if "place" in turn.frame.flags:
                return PLACE
        return turn.frame.intent

    def _add_records(self, turn: Turn, draft: Draft) -> None:
        frame = turn.frame
        places = [e for e in frame.entities if e.type in {"country", "region", "city"}]
        if not places or not turn.scope.collections or not (turn.scope.named or self.about_events(frame)):
            return
        engine, recs = self._records_of(turn, places)
        if 0 < len(recs) <= 3:
            draft.text += "\nوفي السجلات الموثقة:\n" + "\n".join(f"- {engine.line(r)}" for r in recs)
            draft.citations += [engine.cite(r) for r in recs]
            draft.route = "mixed"

    def _records_of(self, turn: Turn, entities: Sequence[Entity]) -> tuple[RecordsEngine, list[EventRecord]]:
        """The scope's records engine, and its records of these places or people (whatever else the question
        narrows by: its order and days are the article's to answer)."""
        engine = self.records_for(turn.scope.collections)
        frame = turn.frame.with_(entities=tuple(entities), order=None, days=(), relation=None)
        return engine, engine.select(frame).records

    def asked_beyond_names(self, frame: Frame) -> list[str]:
        """The question's content words besides its cues and the places and names it filters on: what it asks
        that a records line (or a mention of a name) may not say."""
        return [t for t in self.claims.residual_terms(frame.text) if t not in self.lex.name_stems]

    def records_draft(self, turn: Turn) -> Draft | None:
        """Records answer within the scope: one subject, or each subject labelled — never merged."""
        frame, cols = turn.frame, turn.scope.collections
        if len(cols) <= 1 or turn.scope.named:
            return self._records_one(frame, cols)
        drafts = [(c, self._records_one(frame, (c,))) for c in cols]
        good = [(c, d) for c, d in drafts if d is not None and d.answerable]
        if not good:
            return next((d for _, d in drafts if d is not None), None)
        # labelled by subject even when only one has records: «من زار القاهرة؟» is answered by who did
        subjects = {c.id: c.subject.name_ar for c in self.kb.collections}
        text = "\n\n".join(f"• {subjects[c]}:\n{d.text}" for c, d in good)
        return Draft(text, True, [x for _, d in good for x in d.citations])

    def _records_one(self, frame: Frame, cols: Sequence[str]) -> Draft | None:
        draft = self.records_for(cols).answer(frame)
        counts = frame.intent == "count" or frame.threshold is not None  # «هل زار أكثر من 10 دول؟» counts too
        if draft is not None and draft.answerable and counts:
            self._add_totals(frame, draft, cols)
        if draft is not None:
            self._with_account(frame, draft, cols)
        return self._with_notes(draft, cols) if draft is not None else None

    def _with_account(self, frame: Frame, draft: Draft, cols: Sequence[str]) -> None:
        """One or two occasions, and the question asks more than the answer's line says («Who handed him the
        flag in Glasgow, and which city was it for?»): each occasion's own account is said too."""
        ids = [c.source_id for c in draft.citations if c.kind == "record"]
        if not draft.answerable or not 0 < len(ids) <= self.settings.max_accounts:
            return
        # the places and names it filters on are the line's own; what else it asks may not be
        rest = self.asked_beyond_names(frame)
        if not rest or self.article.coverage.of(rest, set(analyze(draft.text))) >= self.settings.min_evidence:
            return
        by_id = self.records_for(cols).by_id
        for r in (by_id[i] for i in ids if i in by_id):
            if r.summary_ar and r.summary_ar not in draft.text:
                draft.text += f"\n{r.summary_ar}"

    # --- conditions ----------------------------------------------------------------------------------

    @staticmethod
    def anchored(frame: Frame, strict: bool = False) -> bool:
        """The question names something specific to the knowledge base, so an unfamiliar word in it is more
        likely phrasing («من دعا حموشي إلى الرياض؟») than a topic the base lacks («ما عدد سكان المغرب؟»).
        ``strict`` leaves out names alone: «stock» in an English question is not Jürgen Stock."""
        names = {"city", "month", "kind", "event"} if strict else {"city", "person", "agency", "month", "kind", "event"}
        return bool(
            ("meeting" in frame.flags and not strict)
            or "article" in frame.flags
            or any(e.type in names for e in frame.entities)
            or frame.days
            or frame.target in {"meeting", "agreement", "axis", "metadata"}
            or (frame.relation is not None and bool(frame.relation.anchor))  # «وقبلها؟»: next to an occasion
        )

    def about_events(self, frame: Frame) -> bool:
        """The question is about a collection's events: its subject, its event words, its kinds or people,
        or a city where one of them took place («ما الذي حدث في غلاسكو؟»; such a weak signal still tries the
        articles first). A country, a month, a number or an order word alone is not enough."""
        return bool(
            {"meeting", "records", "signed"} & frame.flags  # «في أي مدينة تم توقيع الاتفاق…؟»: a signing
            or any(e.type in {"subject", "kind", "person", "agency", "event"} for e in frame.entities)
            or any(e.type == "city" and e.value in self._record_cities for e in frame.entities)
        )

    @cached_property
    def _record_cities(self) -> frozenset[str]:
        return frozenset(r.city.latin for r in self.kb.records)

    @staticmethod
    def about_meetings(frame: Frame) -> bool:
        """The question itself is about the events, not merely naming a place the records contain."""
        return bool(
            {"meeting", "busiest", "records", "signed"} & frame.flags
            or any(e.type in {"subject", "kind", "person", "agency", "month", "event"} for e in frame.entities)
            or frame.target in {"meeting", "person", "agreement"}
            or frame.intent == "count"
            or frame.followup
            or frame.order
            or frame.days
        )

    @staticmethod
    def records_question(frame: Frame) -> bool:
        """The records can answer: the question narrows them, lists or counts them, or asks about a year."""
        about = "meeting" in frame.flags or any(e.type == "subject" for e in frame.entities)
        narrowed = frame.filters or frame.order or frame.days or (frame.years and about) or frame.relation
        listing = frame.target in {"agreement", "meeting", "person", "city", "country", "topic"} and about
        denied = frame.negation is not None and about  # «أي الشهور لم يلتق فيها…؟»: what the records hold none of
        return bool(
            narrowed
            or listing
            or denied
            or frame.intent == "count"
            or "busiest" in frame.flags
            or "records" in frame.flags
        )

    def covers(self, frame: Frame, draft: Draft) -> bool:
        """A weakly-signalled records answer must cover the question's words («عاصمة فرنسا» is not covered)."""
        quotes = " ".join(c.quote for c in draft.citations)
        terms = self.article.content_terms(frame.text)
        return self.article.coverage.of(terms, set(analyze(quotes))) >= self.settings.min_evidence

    def _add_totals(self, frame: Frame, draft: Draft, cols: Sequence[str]) -> None:
        engine = self.records_for(cols)
        if any(e.type != "kind" for e in frame.filters) or engine.known_years(frame.years) != list(frame.years):
            return
        if frame.of("kind") and frame.target != "country":  # «كم استقبالاً…» is not the article's total
            return
        note = self.claims.totals_note(cols or [c.id for c in self.kb.collections], frame.target)
        if note:
            draft.text += "\n" + note[0]
            draft.citations.insert(0, note[1])

    def _with_notes(self, draft: Draft, cols: Sequence[str]) -> Draft:
        """Where the reports disagree with the article about a cited record, say so."""
        if len(draft.citations) > 2:  # a list: notes about single records would drown it
            return draft
        by_id = self.records_for(cols).by_id
        notes: list[str] = []
        for c in draft.citations:
            if c.kind == "record" and c.source_id in by_id:
                notes += [d.ar for d in by_id[c.source_id].disagreements]
        if notes and draft.answerable:
            draft.text += "\n\nملاحظة: " + " ".join(dict.fromkeys(notes))
        return draft

    def suggestions(self, turn: Turn) -> list[str]:
        """Questions close to what was asked that the knowledge base can answer, phrased from its data."""
        out: list[str] = []
        by_id = {r.id: (f.collection, r) for f in self.kb.record_files for r in f.records}
        for d in self.retrieve(turn):
            if d.metadata.get("kind") == "record" and d.metadata["source_id"] in by_id:
                col, rec = by_id[str(d.metadata["source_id"])]
                who, met = col.subject.name_ar, arabic.gendered(col.subject.gender, "التقى", "التقت")
                out.append(f"متى {met} {who} بمسؤولين من {rec.country.ar}؟")
                out.append(f"من {met} {who} في {rec.city.ar}؟")
        out += examples(self.kb)
        return list(dict.fromkeys(out))[:4]

    def run(self, question: str, history: list[str], **_: Any) -> Answer:
        """The answer to a message: one question, or each question it asks in turn, every later one read
        as a follow-up of those before it (earlier messages are read one question at a time too)."""
        limit = self.settings.max_questions
        asked = [q for turn in history for q in split_questions(turn, self.lex, limit)]
        questions = split_questions(question, self.lex, limit)
        answers: list[Answer] = []
        for q in questions:
            answers.append(self.chain.invoke(Turn(question=q, history=list(asked))))
            asked.append(q)
        return joined(questions, answers)


def build_pipeline(
    settings: Settings,
    kb: KnowledgeBase,
    retriever: BaseRetriever,
    sentences: SentenceVectors,
    embed_query: QueryEmbedder,
    terms: TermTable | list[Document],
    places_spoken_of: Iterable[tuple[str, str]] | None = None,
    article_terms: ArticleTerms | None = None,
    dense_floor: float = 0.0,
) -> Pipeline:
    """Wire the engines for one knowledge base (tests wire a keyword-only retriever the same way).

    ``terms``: the vocabulary's counts, stored with the index generation; or the documents to count them
    from (``vocabulary_terms``), for a base that has no stored index. ``places_spoken_of``: the lexicon's,
    stored with the generation too (else found in the articles' text). ``article_terms``: each article's
    stems, stored with the generation too (else analysed when first needed). ``dense_floor``: the
    generation's (``assistant.index.floor``), what answerability reads similarity above."""
    lexicon = Lexicon(kb, load_question_words(settings.knowledge_dir), places_spoken_of)
    table = terms if isinstance(terms, TermTable) else vocabulary_terms(kb, terms)
    vocab = Vocabulary(table, extra_terms=lexicon.known_stems)
    engines: dict[tuple[str, ...], RecordsEngine] = {}

    def records_for(collections: Sequence[str]) -> RecordsEngine:
        key = tuple(sorted(collections))
        if key not in engines:
            engines[key] = RecordsEngine(kb, key or None)
        return engines[key]

    models = AnswerModels.load(settings.answerability_path)
    article = ArticleEngine(
        kb,
        lexicon,
        Coverage(vocab, lexicon.name_stems),
        sentences,
        models,
        DirectAnswers.for_base(kb, models.span_prior, models.span_model, lexicon.entities),
        article_terms,
        dense_floor,
    )

    @lru_cache(maxsize=1024)  # the claims and records rules ask it of the same question several times a turn
    def residual(question: str) -> tuple[str, ...]:
        return tuple(t for t in article.content_terms(question) if t not in lexicon.cue_stems)

    def residual_terms(question: str) -> list[str]:
        return list(residual(question))

    names = frozenset(t for w in lexicon.words.name_words for t in analyze(w))
    claims = ClaimsEngine(kb, records_for, residual_terms, article.terms_of, settings.max_listed_articles, names)
    return Pipeline(
        settings,
        lexicon,
        retriever,
        records_for,
        claims,
        article,
        vocab,
        embed_query,
        respeller=_respeller(settings, retriever, vocab),
    )


def _respeller(settings: Settings, retriever: BaseRetriever, vocab: Vocabulary) -> Respeller | None:
    """Respelling confirms a word by the passages it shares with the question's others: the keyword index's
    postings. None without one (a retriever of another kind), or when switched off."""
    keyword = getattr(retriever, "bm25", retriever)
    index = getattr(keyword, "index", None)
    if not isinstance(index, KeywordIndex) or settings.respell_min_lift <= 0:
        return None
    return Respeller(
        vocab.words, lambda w: vocab.is_known(w, typos=False), index.holding, index.n, settings.respell_min_lift
    )
