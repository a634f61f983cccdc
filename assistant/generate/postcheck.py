"""The post-check: generated text is shown only if everything it states is in the evidence it was given.

An ordered list of small checks, each testable alone; the first that fails names the reason and the
extractive answer is shown instead. What counts as *stated*: every number (digits in any script, Arabic
number words), every date (its day and year are numbers, its month a month entity), every named entity the
knowledge base can recognise (countries, regions, cities, people, agencies, subjects, publishers) and every
word in Latin script (a name the Arabic gazetteer does not hold: «Europol», «Jürgen Stock»). The evidence
is the cited sources' quotes plus the core's own extractive answer (its counts are computed from the
records, so they are facts of the evidence too). Arabic-script names outside the gazetteer cannot be told
from ordinary words without a named-entity model; that limit is stated in the README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from assistant.generate.prompt import Evidence
from assistant.text import tokenize
from assistant.text.fuzzy import PhraseMatcher
from assistant.text.numbers import NumberWords, numbers_in

# «[id]», «[id1, id2]», «[id1، id2]»: what the prompt asks the model to write after each fact
CITATION = re.compile(r"\[([^\[\]\n]{1,300})\]")
_ID_SEPARATORS = re.compile(r"[,،;؛\s]+")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_LATIN_WORD = re.compile(r"^[a-z]{2,}$")
ENTITY_TYPES = frozenset({"country", "region", "city", "person", "agency", "subject", "article", "month"})


def cited_ids(text: str, quoted: frozenset[str] = frozenset()) -> list[str]:
    """Ids in citation brackets, in order of first appearance; a bracket the sources themselves contain
    («[ˈʁoːt.ʃɪlt]», «[1]» in a quoted passage) is quoted text, not a citation."""
    ids: list[str] = []
    for m in CITATION.finditer(text):
        if m.group(0) not in quoted:
            ids += [p for p in _ID_SEPARATORS.split(m.group(1).strip()) if p]
    return list(dict.fromkeys(ids))


def brackets_in(texts: Sequence[str]) -> frozenset[str]:
    return frozenset(m.group(0) for t in texts for m in CITATION.finditer(t))


@dataclass
class Generated:
    """One generated answer with what it may rest on."""

    text: str
    evidence: Sequence[Evidence]
    draft: str
    entities: PhraseMatcher[object]
    numbers: NumberWords
    cited: list[str] = field(init=False)
    quoted: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.quoted = brackets_in([self.draft, *(e.text for e in self.evidence)])
        self.cited = cited_ids(self.text, self.quoted)

    @cached_property
    def body(self) -> str:
        """The text without its citation markers (ids hold digits that are not facts)."""
        return CITATION.sub(lambda m: m.group(0) if m.group(0) in self.quoted else " ", self.text)

    @cached_property
    def support(self) -> str:
        """What the text may state: the cited sources (all given ones when none is cited) and the draft."""
        by_id = {e.id: e for e in self.evidence}
        chosen = [by_id[i] for i in self.cited if i in by_id] or list(self.evidence)
        return "\n".join([self.draft, *(f"{e.title}\n{e.text}" for e in chosen)])

    def entities_of(self, text: str) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for m in self.entities.find(text):
            e = m.payload
            if getattr(e, "type", None) in ENTITY_TYPES:
                found.setdefault((e.type, e.value), e.label)  # type: ignore[attr-defined]
        return found


class Check(Protocol):
    name: str

    def __call__(self, g: Generated) -> str | None:
        """None when the text passes; else why not (shown as ``Answer.generator_detail``)."""
        ...


@dataclass(frozen=True)
class NotEmpty:
    """Some text, and not a runaway: longer than ``max_chars`` and than twice the draft is rejected."""

    max_chars: int
    name: str = "not_empty"

    def __call__(self, g: Generated) -> str | None:
        body = g.body.strip()
        if not body:
            return "نص فارغ / empty text"
        limit = max(self.max_chars, 2 * len(g.draft))
        if len(g.text) > limit:
            return f"نص أطول من {limit} حرفاً / longer than {limit} characters"
        return None


@dataclass(frozen=True)
class InArabic:
    """Answers are in Arabic: most letters of the body must be Arabic (a Latin name inside is fine)."""

    min_share: float
    name: str = "arabic"

    def __call__(self, g: Generated) -> str | None:
        letters = [c for c in g.body if c.isalpha()]
        if not letters:
            return "لا حروف في النص / no letters"
        share = sum(1 for c in letters if _ARABIC_LETTER.match(c)) / len(letters)
        return None if share >= self.min_share else f"ليس بالعربية ({share:.0%}) / not in Arabic ({share:.0%})"


@dataclass(frozen=True)
class CitesSources:
    """At least one citation, and only ids the model was given."""

    name: str = "citations"

    def __call__(self, g: Generated) -> str | None:
        given = {e.id for e in g.evidence}
        unknown = [i for i in g.cited if i not in given]
        if unknown:
            return f"معرّف غير معطى / unknown source id: {unknown[0]}"
        if not g.cited:
            return "لا يذكر أي معرّف / cites no source"
        return None


@dataclass(frozen=True)
class NumbersInEvidence:
    name: str = "numbers"

    def __call__(self, g: Generated) -> str | None:
        missing = sorted(numbers_in(g.body, g.numbers) - numbers_in(g.support, g.numbers))
        return f"رقم ليس في الأدلة / number not in the evidence: {missing[0]}" if missing else None


@dataclass(frozen=True)
class EntitiesInEvidence:
    """Names and months: compared as entities, so «آذار», «مارس» and «March» are one month."""

    name: str = "entities"

    def __call__(self, g: Generated) -> str | None:
        allowed = g.entities_of(g.support)
        missing = [label for key, label in g.entities_of(g.body).items() if key not in allowed]
        return f"اسم ليس في الأدلة / name not in the evidence: {missing[0]}" if missing else None


@dataclass(frozen=True)
class LatinWordsInEvidence:
    name: str = "latin_words"

    def __call__(self, g: Generated) -> str | None:
        allowed = set(tokenize(g.support))
        missing = [t for t in tokenize(g.body) if _LATIN_WORD.match(t) and t not in allowed]
        return f"كلمة ليست في الأدلة / word not in the evidence: {missing[0]}" if missing else None


def default_checks(max_chars: int, min_arabic_share: float) -> tuple[Check, ...]:
    return (
        NotEmpty(max_chars),
        InArabic(min_arabic_share),
        CitesSources(),
        NumbersInEvidence(),
        EntitiesInEvidence(),
        LatinWordsInEvidence(),
    )


@dataclass(frozen=True)
class Verdict:
    ok: bool
    check: str = ""
    detail: str = ""


def post_check(g: Generated, checks: Sequence[Check]) -> Verdict:
    for check in checks:
        problem = check(g)
        if problem:
            return Verdict(False, check.name, problem)
    return Verdict(True)
