"""The short answer inside a sentence: the date, number, place, name or clause that answers the question.

No reader model runs offline here, so this is the classic answer-type extractor: the question's intent
says what kind of span answers it (a date for «متى», a number for «كم», a place for «أين»); the span is
the one of that kind, not itself part of the question, that the words the sentence shares with the
question point at (``SpanPrior``). Anything else is answered by the run of new words those shared words
point at («من هو X؟» → «صحفي وإعلامي سعودي»). With a fitted span model (``assistant.answer.spans``), that
pick is one feature among many and the model chooses among every short span. Month names and number words
come from the knowledge base's reference data, never from code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.answer.spans import NO_CANDIDATES, Candidates, SpanModel, best, candidates, of_kind
from assistant.answer.vocabulary import covered
from assistant.text import is_stopword, light_stem, normalize, stopwords, tokens_with_spans

if TYPE_CHECKING:
    from assistant.knowledge.loader import KnowledgeBase
    from assistant.text.fuzzy import PhraseMatcher

MAX_SPAN_TOKENS = 10
# what a short answer is asked to be, besides the question's intent: a name as another script writes it
OTHER_SCRIPT = "other_script"
# a place (a country, city or region the reference data names), where the sentence names one; else any span
PLACE = "place"
PLACE_TYPES = frozenset({"country", "city", "region"})
# answers of a kind the sentence must hold (a date, a number, a Latin-script name), else it does not answer
KINDED = frozenset({"when", "count", OTHER_SCRIPT})
DIGITS = re.compile(r"^\d[\d.,]*$")
BREAK = re.compile(r"[،,؛;:()\[\]«»\"\-–—/]")
EDGE = " ،,؛;:.-–—()«»\"'\u200f\u200e"  # stripped from a short answer's ends (with the bidi marks)
PAIRS = {")": "(", "»": "«", "]": "["}  # closing → opening marks a short answer must not leave open


@dataclass(frozen=True)
class Token:
    key: str  # normalised
    stem: str
    start: int
    end: int
    term: str | None  # the question's word this token says again, if any
    stop: bool
    number: bool
    month: bool
    breaks: bool  # punctuation between this token and the one before: a clause boundary
    place: bool = False  # part of a place name the reference data knows

    @property
    def in_question(self) -> bool:
        return self.term is not None


@dataclass(frozen=True)
class Anchor:
    """A word the sentence shares with the question: where it is, which question word, and how much it says
    about what is asked (its idf; less for a word that only names the article's topic)."""

    position: int
    term: str
    weight: float = 1.0


@dataclass(frozen=True)
class SpanPrior:
    """Where the answer sits relative to the words a sentence shares with the question («anchors»): each
    anchor pulls the spans next to it, less with every word between them, and an anchor after a span pulls
    less than one before it, since Arabic states the answer after the words that ask for it («عاصمتها
    الرباط», «يحده من الشمال تركيا»). Fitted on ARCD dev by ``scripts/fit_answerability.py`` and stored
    with the answer models (``knowledge/reference/answerability.json``)."""

    decay: float = 0.7  # an anchor's pull is multiplied by this for each word between it and the span
    behind: float = 0.2  # the pull of an anchor that follows the span, against one that precedes it
    length_cap: int = 4  # content words past which a longer span scores no higher
    typed_behind: float = 0.5  # ``behind`` for a date or number: «في 28 يونيو 1914، قام …» puts it first
    topic: float = 1.0  # the pull of a word that names the article's topic (its title), against another's

    def pull(self, anchors: Iterable[Anchor], first: int, last: int, *, typed: bool = False) -> float:
        """How strongly the anchors point at the span of tokens ``first``..``last``: each question word once,
        by its nearest occurrence (a name the sentence repeats is no stronger for it), weighted."""
        behind = self.typed_behind if typed else self.behind
        best: dict[str, float] = {}
        for a in anchors:
            if a.position < first:
                got = a.weight * self.decay ** (first - a.position - 1)
            elif a.position > last:
                got = a.weight * behind * self.decay ** (a.position - last - 1)
            else:
                continue
            if got > best.get(a.term, 0.0):
                best[a.term] = got
        return sum(best.values())

    @classmethod
    def from_json(cls, data: Mapping[str, float]) -> SpanPrior:
        typed_behind = float(data.get("typed_behind", data["behind"]))
        topic = float(data.get("topic", 1.0))
        return cls(float(data["decay"]), float(data["behind"]), int(data["length_cap"]), typed_behind, topic)

    def to_json(self) -> dict[str, float]:
        return {
            "decay": self.decay,
            "behind": self.behind,
            "length_cap": self.length_cap,
            "typed_behind": self.typed_behind,
            "topic": self.topic,
        }


@dataclass(frozen=True)
class Asked:
    """What the short answer is sought for: the question's words (stems), its intent, each word's evidence
    weight (idf; 1 when missing) and the words that name the article's topic."""

    terms: frozenset[str]
    intent: str
    weights: Mapping[str, float] = field(default_factory=dict)
    topic: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    score: float
    first: int = 0  # token indices
    last: int = 0

    def text(self, sentence: str) -> str:
        return balanced(sentence[self.start : self.end]).strip(EDGE)


def balanced(text: str) -> str:
    """The span without a bracket or quotation mark left open: a closing mark whose opening lies outside
    it, or an opening mark whose closing does, splits it, and the longer side stays («Edison) (1847-1931)،
    مخترع ورجل أعمال أمريكي» → «مخترع ورجل أعمال أمريكي»; «أينشتاين (14 مارس 1879» → «14 مارس 1879»)."""
    text = text.strip(EDGE)
    for close, open_ in PAIRS.items():
        while (at := _unmatched(text, open_, close)) is not None:
            head, tail = text[:at].strip(EDGE), text[at + 1 :].strip(EDGE)
            text = head if len(head) >= len(tail) else tail
    return text


def _unmatched(text: str, open_: str, close: str) -> int | None:
    """Where the first closing mark without its opening is, else the last opening mark without its closing."""
    opened: list[int] = []
    for k, ch in enumerate(text):
        if ch == open_:
            opened.append(k)
        elif ch == close:
            if not opened:
                return k
            opened.pop()
    return opened[-1] if opened else None


class DirectAnswers:
    """Finds the short answer; ``month_names`` are every variant of every month (normalised on load)."""

    def __init__(
        self,
        month_names: Iterable[str],
        number_words: Iterable[str] = (),
        prior: SpanPrior | None = None,
        model: SpanModel | None = None,
        places: PhraseMatcher[Any] | None = None,
    ) -> None:
        self.months = {normalize(m) for m in month_names}
        self.places = places  # the lexicon's names (payloads with a ``type``): where a sentence names places
        self.number_words = {normalize(w) for w in number_words}
        self.stops = stopwords()
        self.prior = prior or SpanPrior()
        self.model = model  # ranks every candidate span (``assistant.answer.spans``); None = the prior's pick

    @classmethod
    def for_base(
        cls,
        kb: KnowledgeBase,
        prior: SpanPrior | None = None,
        model: SpanModel | None = None,
        places: PhraseMatcher[Any] | None = None,
    ) -> DirectAnswers:
        """As the answering core builds it: the base's own month names and number words (the shipped ones
        when it has none), so that «ثلاثة آلاف جزيرة» answers «كم»."""
        from assistant.text.numbers import NumberWords

        numbers = NumberWords.of_base(kb.root).words
        months = [name for m in kb.reference.months for name in m.names]
        return cls(months, numbers, prior=prior, model=model, places=places)

    def tokens(self, sentence: str, question_terms: set[str] | frozenset[str], *, places: bool = False) -> list[Token]:
        """The sentence's tokens; ``places``: mark those in a place name (only a place question needs it, and
        it costs a pass of the lexicon's matcher over the sentence)."""
        terms = sorted(question_terms)
        named = self._place_spans(sentence) if places else []
        out = []
        previous_end = 0
        for key, start, end in tokens_with_spans(sentence):
            gap = sentence[previous_end:start]
            previous_end = end
            stem = light_stem(key)
            stop = is_stopword(key, self.stops)
            bare = key[1:] if len(key) > 3 and key[0] in "وب" else key
            term = None
            if not stop:
                term = next((q for q in terms if q in (stem, key) or covered(stem, frozenset((q,)))), None)
            out.append(
                Token(
                    key=key,
                    stem=stem,
                    start=start,
                    end=end,
                    term=term,
                    stop=stop,
                    number=bool(DIGITS.match(key)) or key in self.number_words,
                    month=key in self.months or bare in self.months,
                    breaks=bool(BREAK.search(gap)),
                    place=any(a <= start and end <= b for a, b in named),
                )
            )
        return out

    def _place_spans(self, sentence: str) -> list[tuple[int, int]]:
        if self.places is None:
            return []
        return [(m.start, m.end) for m in self.places.find(sentence) if getattr(m.payload, "type", "") in PLACE_TYPES]

    def find(
        self,
        sentence: str,
        question_terms: set[str] | frozenset[str],
        intent: str,
        *,
        weights: Mapping[str, float] | None = None,
        topic: Iterable[str] = (),
        ranked: bool = True,
    ) -> str | None:
        """The short answer in ``sentence``, or None when nothing there looks like one. ``weights``: each
        question word's evidence weight (idf; 1 when not given); ``topic``: the words that name the article's
        topic, which pull ``prior.topic`` as much (they locate the sentence, not the answer in it);
        ``ranked``: let the span model choose (False: the prior's pick, which is there or not alike)."""
        model = self.model if ranked else None
        asked = Asked(frozenset(question_terms), intent, dict(weights or {}), frozenset(topic))
        tokens, cands, span = self.spans(sentence, asked, ranked=model is not None)
        if span is None:
            return None
        chosen = best(cands, model) if model is not None else None
        if chosen is not None:
            first, last = int(cands.first[chosen]), int(cands.last[chosen])
            # the annotators' spans often open by repeating the question («الأمنية مع أوروبا…»); a reader
            # wants what is new, and trimming those words costs no F1 (README, "Fitting")
            while first < last and tokens[first].in_question:
                first += 1
            span = Span(tokens[first].start, tokens[last].end, 1.0, first, last)
        return span.text(sentence) or None

    def spans(self, sentence: str, asked: Asked, *, ranked: bool = True) -> tuple[list[Token], Candidates, Span | None]:
        """The sentence's tokens, its candidate spans with their features (what the span model ranks, and what
        the fit learns from; none unless ``ranked``), and the prior's pick; no candidates and None when nothing
        there looks like an answer (no date or number for «متى»/«كم»)."""
        intent = asked.intent
        tokens = self.tokens(sentence, asked.terms, places=intent == PLACE)
        anchors = [
            Anchor(i, t.term, asked.weights.get(t.term, 1.0) * (self.prior.topic if t.term in asked.topic else 1.0))
            for i, t in enumerate(tokens)
            if t.term is not None
        ]
        if not tokens:
            return tokens, NO_CANDIDATES, None
        if intent == "when":
            span = self._typed(tokens, anchors, lambda t: of_kind(t, intent), extend=True)
        elif intent == "count":
            span = self._typed(tokens, anchors, lambda t: of_kind(t, intent), extend=False, unit=True)
        elif intent == PLACE:  # «ما الدولة التي تحد سوريا شرقاً؟»: the place named next to the question's words
            span = self._typed(tokens, anchors, lambda t: t.place, extend=True)
            if span is not None:
                return tokens, NO_CANDIDATES, span
            intent = "what"  # no place the reference data knows: any span, as for «ما»
        elif intent == OTHER_SCRIPT:  # «(بالإنجليزية: United States of America)»: the run of Latin words
            span = self._typed(tokens, anchors, lambda t: t.key.isascii() and t.key.isalpha(), extend=True)
            return tokens, NO_CANDIDATES, span  # the span model knows dates, numbers and words, not scripts
        else:
            span = None
        if span is None and intent in KINDED:
            return tokens, NO_CANDIDATES, None  # no date, number or Latin name: it does not answer «متى»/«كم»/…
        span = span or self._novel(tokens, anchors)
        if span is None:
            return tokens, NO_CANDIDATES, None
        if not ranked:
            return tokens, NO_CANDIDATES, span
        # the prior's pick is one of the candidates' features: the model starts from it
        return tokens, candidates(tokens, anchors, intent, self.prior, (span.first, span.last)), span

    def _typed(
        self, tokens: list[Token], anchors: list[Anchor], is_kind, *, extend: bool, unit: bool = False
    ) -> Span | None:  # type: ignore[no-untyped-def]
        """Runs of date-like (or number) tokens not in the question; the one the anchors pull most wins
        (the longer on a tie: «28 يوليو 1914» over «1914»)."""
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            if is_kind(tokens[i]) and not tokens[i].in_question:
                j = i
                while (
                    j + 1 < len(tokens)
                    and extend
                    and (is_kind(tokens[j + 1]) or tokens[j + 1].key in {"م", "ه", "هـ", "ق"})
                ):
                    j += 1
                if unit:  # «36 ألف مقاتل»: the counted noun belongs to the answer
                    while (
                        j + 1 < len(tokens) and j - i < 2 and not tokens[j + 1].stop and not tokens[j + 1].in_question
                    ):
                        j += 1
                runs.append((i, j))
                i = j + 1
            else:
                i += 1
        if not runs:
            return None
        top = max(runs, key=lambda r: (self.prior.pull(anchors, *r, typed=True), r[1] - r[0]))
        return Span(tokens[top[0]].start, tokens[top[1]].end, 1.0, *top)

    def _novel(self, tokens: list[Token], anchors: list[Anchor]) -> Span | None:
        """The run of words the question does not contain, next to the words it does."""
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            if tokens[i].in_question or tokens[i].stop:
                i += 1
                continue
            j = i
            while (
                j + 1 < len(tokens)
                and not tokens[j + 1].in_question
                and not tokens[j + 1].breaks
                and j + 1 - i < MAX_SPAN_TOKENS
            ):
                j += 1
            while j > i and tokens[j].stop:
                j -= 1
            runs.append((i, j))
            i = j + 1
        if not runs:
            return None

        cap = self.prior.length_cap

        def score(r: tuple[int, int]) -> float:
            # a date or number alone does not say who or what: those are the typed answers' job
            content = sum(1 for t in tokens[r[0] : r[1] + 1] if not (t.stop or t.number or t.month))
            pull = self.prior.pull(anchors, *r) if anchors else 1.0
            return pull * min(content, cap) / cap

        top = max(runs, key=score)
        if score(top) <= 0:
            return None
        return Span(tokens[top[0]].start, tokens[top[1]].end, score(top), *top)
