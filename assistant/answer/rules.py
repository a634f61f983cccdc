"""Routing as an ordered list of small named rules: the first rule that returns a draft answers.

Each rule has one condition and one engine behind it, so it can be read, tested and reordered alone
(as Haystack's ConditionalRouter does with routes). ``Answer.rule`` names the rule that answered, and
the eval report shows accuracy per rule.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from assistant.answer import guard
from assistant.answer.draft import Draft
from assistant.text import analyze, is_stopword, stopwords, tokenize
from assistant.understand.crosslingual import MAX_NAMES
from assistant.understand.lexicon import PLACES

if TYPE_CHECKING:
    from assistant.pipeline import Pipeline, Turn


class Rule(Protocol):
    name: str

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None: ...


class Injection:
    """Instructions aimed at the assistant (or markup, shell, SQL) are not questions."""

    name = "injection"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        return p.refuse(guard.INJECTION, turn) if "injection" in turn.frame.flags else None


class Greeting:
    name = "greeting"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        f = turn.frame
        short = len(analyze(f.text)) <= 3
        return p.refuse(guard.GREETING, turn) if "greeting" in f.flags and not f.filters and short else None


class OutOfScope:
    """Most of what the question asks is in words the knowledge base never uses, and nothing anchors it in
    the base («ما عدد سكان المغرب؟»): the base does not hold the answer. ``max_unknown_share`` is a setting."""

    name = "out_of_scope"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        if p.cross_lingual(turn) is not None:  # its words are in another script: unknown says nothing of scope
            return None
        unknown, share = p.unknown_words(turn)
        limit = p.settings.max_unknown_share
        if limit is None:
            limit = p.article.models.max_unknown_share
        if (share >= limit and not p.anchored(turn.frame)) or (share >= 0.75 and not p.anchored(turn.frame, True)):
            return p.refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(unknown[:3])})", turn)
        return None


class UnknownName:
    """A proper name the base never mentions: one written in Latin script, in either script («the NATO
    summit»; «Mahfouz» is mentioned where the base writes «محفوظ»: the names are compared by consonant
    skeleton, at ``name_min_ratio``, fitted), or an Arabic one that an office or a trade introduces
    («وزير الداخلية عبد الوافي لفتيت»: the question is about another person, whose events the base does not
    hold)."""

    name = "unknown_name"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        names = [w for w, found in self.names(turn, p) if found < p.article.models.name_min_ratio]
        if p.about_events(turn.frame):  # «Did he visit Japan?»: a place the records can say no about
            names = [w for w in names if not any(m.payload.type in PLACES for m in p.lex.entities.find(w))]
        names += self.titled(turn, p)
        return p.refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(names)})", turn) if names else None

    @staticmethod
    def titled(turn: Turn, p: Pipeline) -> list[str]:
        """Arabic names the base never writes, after a title (``person_titles``): right after it, or after one
        word the base uses (the office's own, «الداخلية»), two or more words it never uses, or one joined to a
        name link («عبد الوافي»). A single unknown word may be any noun («رئيس الجلسة»), and a stopword ends
        the name, so neither is taken for one."""
        titles, links, stops = p.lex.person_titles, p.lex.name_links, stopwords()
        tokens = tokenize(turn.frame.text)
        known = [t.isascii() or is_stopword(t, stops) or p.vocab.is_known(t) for t in tokens]
        found: list[str] = []
        for i, token in enumerate(tokens):
            if token not in titles and not (token[:1] == "و" and token[1:] in titles):
                continue
            j = i + 1
            if j < len(tokens) and known[j] and tokens[j] not in links:
                j += 1
            run: list[str] = []
            while j < len(tokens) and (tokens[j] in links or not known[j]):
                run.append(tokens[j])
                j += 1
            unknown = [t for t in run if t not in links]
            if len(unknown) >= 2 or (unknown and len(run) > len(unknown)):
                found.append(" ".join(run))
        return found

    @staticmethod
    def names(turn: Turn, p: Pipeline) -> list[tuple[str, float]]:
        """The question's Latin-script names that no word of the base writes as such, each with how closely
        (0–100) a word of the base spells it in Arabic letters."""
        unknown, _ = p.unknown_words(turn)
        words = re.findall(r"[A-Za-z][\w'-]*", turn.question)[1:]
        names = [w for w in words if w.casefold() in unknown and ((w.isupper() and len(w) > 1) or w[0].isupper())]
        return [(w, p.names.best(w)) for w in names[:MAX_NAMES]]


# cue words that name the base's own things: its event words, its article, its publication, its records, an
# event kind named strictly (not «busiest», whose English cues include «most»)
OWN_FLAGS = frozenset({"meeting", "article", "publication", "records", "strict_kind"})


class CrossLingual:
    """A question in another script than the base that names none of the base's own things (its subject, its
    events, its article, a city, a month, an event kind): its words cannot be checked, and a name the lexicon
    half-matches («stock» ~ Jürgen Stock in «What is the stock price of Royal Air Maroc?») is no reason to
    list records. Only the articles' cross-lingual models, which weigh dense evidence and transliterated
    names, may answer it."""

    name = "cross_lingual"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        if p.cross_lingual(turn) is None or self.anchored(turn, p):
            return None
        return p.article_draft(turn) or p.refuse(guard.REFUSAL, turn)

    @staticmethod
    def anchored(turn: Turn, p: Pipeline) -> bool:
        f = turn.frame
        named = OWN_FLAGS & f.flags or any(e.type == "subject" for e in f.entities)
        return bool(named) or p.anchored(f, strict=True)


class Claims:
    """Totals, busy months, axes, named countries, an article's metadata, a subject's role."""

    name = "claims"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        return p.claims.answer(turn.frame, p.articles_in_order(turn), turn.scope.collections, turn.scope.named)


class ArticleAsked:
    """«حسب المقال…»: the article first, when the question says so and does not ask the records."""

    name = "article_asked"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        flags = turn.frame.flags
        if "article" not in flags or "records" in flags:
            return None
        return p.mentioned(turn) or p.article_draft(turn)


class Records:
    """Questions about a collection's events (its subject, event words, kinds, people): exact answers
    from the records of the collections in scope, one subject at a time."""

    name = "records"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        f = turn.frame
        if not turn.scope.collections or not p.about_events(f) or not p.records_question(f):
            return None
        bound = f.relation.year if f.relation is not None else None  # «بعد 2020» bounds, it names no event
        named = [str(y) for y in f.named_years if y not in f.years and y != bound and not p.vocab.writes(str(y))]
        if named:  # «كأس العالم 2034» of a base that speaks of 2030 only: not the records' own years, no sources'
            return p.refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(named)})", turn)
        if f.intent == "why" and f.negation is not None:  # «لماذا لم يزر…؟»: no record says why not
            return p.article_draft(turn) or p.refuse(guard.REFUSAL, turn)
        if f.uncountable:  # «كم عدد الإرهابيين…؟»: the records count events; an article may state that number
            return p.article_draft(turn) or p.refuse(guard.REFUSAL + f" (لا تحصي المصادر: {f.uncountable})", turn)
        # a reason for a topic is said in prose if anywhere: the records say which occasions discussed it, not
        # why, so «لماذا نوقش الأمن السيبراني؟» asks the articles first (an occasion's «لماذا» keeps its record)
        why_topic = f.intent == "why" and all(e.type == "topic" for e in f.filters) and not (f.days or f.years)
        strong = p.about_meetings(f) and not self.asks_more(turn, p) and not why_topic
        if not strong:  # «ما هو دور المغرب…؟» names a place but asks the article
            draft = p.article_draft(turn)
            if draft is not None or "article" in f.flags:
                return draft
        draft = p.records_draft(turn)
        if draft is not None and self.unheld(turn, p, draft):
            return p.refuse(guard.REFUSAL + f" (لا تذكر المصادر: {f.unlisted})", turn)
        if draft is not None and draft.answerable and self.unnamed(turn, p):
            # «ما الهدايا التي تلقاها في الرياض؟»: the occasion's account is all the base holds; it may say the
            # thing in other words («بأي وسام…؟»: «الميدالية»), or not at all, and the reader is told which
            draft.text = f"لا تذكر المصادر «{f.unlisted}» بهذا اللفظ؛ هذا ما توثّقه:\n{draft.text}"
        if draft is not None and (strong or p.covers(f, draft)):
            if not draft.answerable:
                draft.route = "refusal"
                draft.suggestions = p.suggestions(turn)
            return draft
        return None

    @staticmethod
    def unnamed(turn: Turn, p: Pipeline) -> bool:
        """The question asks for a thing no word of the base names («الهدايا», «الطائرة»)."""
        return bool(turn.frame.unlisted) and not p.vocab.is_known(turn.frame.unlisted)

    @staticmethod
    def unheld(turn: Turn, p: Pipeline, draft: Draft) -> bool:
        """The question asks for a thing no word of the base names («ما الميزانية التي رصدت لزيارات حموشي؟»,
        «ما الهدايا التي تبادلها…؟»), and the answer would list more occasions than ``max_accounts``: a list of
        trips answers another question. One or two occasions are said with their own accounts, which may
        name it in other words («بأي وسام كُرّم…؟» of an account that says «الميدالية»)."""
        if not Records.unnamed(turn, p):
            return False
        return sum(c.kind == "record" for c in draft.citations) > p.settings.max_accounts

    @staticmethod
    def asks_more(turn: Turn, p: Pipeline) -> bool:
        """Nothing narrows the records, yet the question says more than its cues: a list of every event would
        not answer what it asks about them, so the articles are asked first."""
        f = turn.frame
        if f.filters or f.order or f.days or f.years or f.intent == "count" or f.followup or "busiest" in f.flags:
            return False
        if f.agreement_words or "signed" in f.flags:  # «أين وقعت البرنامج التنفيذي؟»: the agreements narrow them
            return False
        if f.negation is not None:  # what it asks beyond its cues is what did not happen
            return False
        return len(p.claims.residual_terms(f.text)) > p.settings.max_residual_terms


class Unmentioned:
    """A year or a place the question names that the base never mentions («… عام 2019؟» of a base about
    2023, «… في طنجة؟» of one about Essaouira): another year's or place's sentence would answer another
    question. The records, asked before, answer for their own years and places («لا توثّق السجلات…»)."""

    name = "unmentioned"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        missing = p.unmentioned(turn)
        return p.refuse(guard.REFUSAL + f" (لا تذكر المصادر: {'، '.join(missing)})", turn) if missing else None


class Articles:
    """The best article sentence, when the answerability model says the base holds the answer."""

    name = "articles"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        return p.article_draft(turn)


class Refuse:
    name = "refuse"

    def __call__(self, turn: Turn, p: Pipeline) -> Draft | None:
        return p.refuse(guard.REFUSAL, turn)


DEFAULT_RULES: tuple[Rule, ...] = (
    Injection(),
    Greeting(),
    OutOfScope(),
    UnknownName(),
    CrossLingual(),
    Claims(),
    ArticleAsked(),
    Records(),
    Unmentioned(),
    Articles(),
    Refuse(),
)
