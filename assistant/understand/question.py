"""Read a question into a frame: what it asks (intent, target) and about what (entities, dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.models import Intent
from assistant.text import normalize, tokenize
from assistant.understand.lexicon import Entity, Lexicon

YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
INTENT_ORDER: tuple[Intent, ...] = ("count", "when", "where", "who", "yesno", "why", "list", "what")
FIRST_WORD_ONLY = {"yesno"}


@dataclass(frozen=True)
class Frame:
    text: str
    intent: Intent = "unknown"
    target: str | None = None  # country city meeting person topic agreement
    entities: tuple[Entity, ...] = ()
    years: tuple[int, ...] = ()
    order: str | None = None  # first | last
    flags: frozenset[str] = field(default_factory=frozenset)  # meeting article injection greeting ref
    followup: bool = False  # leans on an earlier turn

    def of(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.type == kind]

    @property
    def filters(self) -> tuple[Entity, ...]:
        """Entities that narrow the records (the subject himself does not)."""
        return tuple(e for e in self.entities if e.type not in {"subject"})

    @property
    def about_records(self) -> bool:
        return bool(self.filters or "meeting" in self.flags or self.target in {"meeting", "country", "city", "person"})

    def with_(self, **changes: object) -> Frame:
        return replace(self, **changes)  # type: ignore[arg-type]


def _first_tokens(text: str) -> list[str]:
    toks = tokenize(text)
    return toks[:2]


def _strip_conj(token: str) -> str:
    return token[1:] if len(token) > 2 and token[0] in "وف" else token


def _starts_followup(lex: Lexicon, tokens: list[str]) -> bool:
    for cue in lex.followup_starts:
        if cue == ["و"]:
            continue
        if tokens[: len(cue)] == cue:
            return True
    # «وقطر؟», «ومتى…؟», «ومن التقى…؟»: a short turn opening with the conjunction و.
    return bool(tokens) and tokens[0].startswith("و") and len(tokens) <= 5


def parse(question: str, lex: Lexicon) -> Frame:
    text = question.strip()
    tokens = tokenize(text)
    intents = {m.payload for m in lex.intent_cues.find(text)}
    first = _strip_conj(tokens[0]) if tokens else ""
    intent: Intent = "unknown"
    who_first = first in {normalize(w) for w in lex.words.who_first_word}
    yes_first = any(
        normalize(w) == first or normalize(w) == (tokens[0] if tokens else "") for w in lex.words.intents["yesno"]
    )
    for candidate in INTENT_ORDER:
        if candidate == "who" and who_first:
            intent = "who"
            break
        if candidate in FIRST_WORD_ONLY:
            if yes_first:
                intent = candidate
                break
            continue
        if candidate in intents:
            intent = candidate
            break
    targets = [m.payload for m in lex.target_cues.find(text)]
    entities = tuple(m.payload for m in lex.entities.find(text))
    flags = frozenset(m.payload for m in lex.flags.find(text))
    if any(p.lower() in text.lower() for p in lex.words.injection_patterns):
        flags |= {"injection"}
    order = next((m.payload for m in lex.order_cues.find(text)), None)
    years = tuple(int(y) for y in YEAR.findall(normalize(text)))
    if intent == "unknown" and any(e.type != "subject" for e in entities):
        intent = "what"
    return Frame(
        text=text,
        intent=intent,
        target=targets[0] if targets else None,
        entities=entities,
        years=years,
        order=order,
        flags=flags,
        followup=_starts_followup(lex, tokens) or ("ref" in flags and not entities),
    )
