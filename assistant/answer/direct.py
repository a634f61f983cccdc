"""The short answer inside a sentence: the date, number, place, name or clause that answers the question.

No reader model runs offline here, so this is the classic answer-type extractor: the question's intent
says what kind of span answers it (a date for «متى», a number for «كم», a place for «أين»); the span is
the one of that kind nearest the words the sentence shares with the question and not itself part of the
question. Anything else is answered by the run of new words next to the shared ones («من هو X؟» → «صحفي
وإعلامي سعودي»). Month names come from the knowledge base's reference data, never from code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.answer.vocabulary import covered
from assistant.text import is_stopword, light_stem, normalize, stopwords, tokens_with_spans

MAX_SPAN_TOKENS = 10
DIGITS = re.compile(r"^\d[\d.,]*$")
BREAK = re.compile(r"[،,؛;:()\[\]«»\"\-–—/]")


@dataclass(frozen=True)
class Token:
    key: str  # normalised
    stem: str
    start: int
    end: int
    in_question: bool
    stop: bool
    number: bool
    month: bool
    breaks: bool  # punctuation between this token and the one before: a clause boundary


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    score: float

    def text(self, sentence: str) -> str:
        return sentence[self.start : self.end].strip(" ،,؛;:.-–—()«»\"'")


class DirectAnswers:
    """Finds the short answer; ``month_names`` are every variant of every month (normalised on load)."""

    def __init__(self, month_names: Iterable[str], number_words: Iterable[str] = ()) -> None:
        self.months = {normalize(m) for m in month_names}
        self.number_words = {normalize(w) for w in number_words}
        self.stops = stopwords()

    def tokens(self, sentence: str, question_terms: set[str]) -> list[Token]:
        out = []
        previous_end = 0
        for key, start, end in tokens_with_spans(sentence):
            gap = sentence[previous_end:start]
            previous_end = end
            stem = light_stem(key)
            stop = is_stopword(key, self.stops)
            bare = key[1:] if len(key) > 3 and key[0] in "وب" else key
            out.append(
                Token(
                    key=key,
                    stem=stem,
                    start=start,
                    end=end,
                    in_question=not stop and (covered(stem, question_terms) or key in question_terms),
                    stop=stop,
                    number=bool(DIGITS.match(key)) or key in self.number_words,
                    month=key in self.months or bare in self.months,
                    breaks=bool(BREAK.search(gap)),
                )
            )
        return out

    def find(self, sentence: str, question_terms: set[str], intent: str) -> str | None:
        """The short answer in ``sentence``, or None when nothing there looks like one."""
        tokens = self.tokens(sentence, question_terms)
        anchors = [i for i, t in enumerate(tokens) if t.in_question]
        if not tokens:
            return None
        if intent == "when":
            span = self._typed(tokens, anchors, lambda t: t.number or t.month, extend=True)
        elif intent == "count":
            span = self._typed(tokens, anchors, lambda t: t.number, extend=False, unit=True)
        else:
            span = None
        if span is None and intent in {"when", "count"}:
            return None  # the sentence has no date or number: it does not answer «متى»/«كم»
        span = span or self._novel(tokens, anchors)
        if span is None:
            return None
        text = span.text(sentence)
        return text or None

    @staticmethod
    def _distance(i: int, anchors: list[int]) -> int:
        return min((abs(i - a) for a in anchors), default=len(anchors) + 3)

    def _typed(
        self, tokens: list[Token], anchors: list[int], is_kind, *, extend: bool, unit: bool = False
    ) -> Span | None:  # type: ignore[no-untyped-def]
        """Runs of date-like (or number) tokens not in the question; nearest the question's words wins."""
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
        best = max(
            runs,
            key=lambda r: (r[1] - r[0] + 1) / (1 + min(self._distance(r[0], anchors), self._distance(r[1], anchors))),
        )
        return Span(tokens[best[0]].start, tokens[best[1]].end, 1.0)

    def _novel(self, tokens: list[Token], anchors: list[int]) -> Span | None:
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

        def score(r: tuple[int, int]) -> float:
            # a date or number alone does not say who or what: those are the typed answers' job
            content = sum(1 for t in tokens[r[0] : r[1] + 1] if not (t.stop or t.number or t.month))
            near = min(self._distance(r[0], anchors), self._distance(r[1], anchors)) if anchors else 1
            return min(content, 6) / (1 + near)

        best = max(runs, key=score)
        if score(best) <= 0:
            return None
        return Span(tokens[best[0]].start, tokens[best[1]].end, score(best))
