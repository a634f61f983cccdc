"""Named entities the scorer can recognise in answers: countries, cities, people (and months for lists).

Built from the knowledge base's own reference data and records, so a hallucinated entity is one the base
knows about but the cited sources do not support; names the base has never heard of cannot be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.text import light_stem
from evals.matching import clitic_forms, find, tokens

EntityKind = Literal["country", "city", "person", "month"]
HALLUCINATION_KINDS: frozenset[str] = frozenset({"country", "city", "person"})


@dataclass(frozen=True)
class Entity:
    key: str
    kind: EntityKind
    label: str
    forms: tuple[tuple[str, ...], ...]  # tokenised surface forms


@dataclass(frozen=True)
class Mention:
    entity: Entity
    start: int
    end: int


def _forms(names: Iterable[str | None]) -> tuple[tuple[str, ...], ...]:
    out: dict[tuple[str, ...], None] = {}
    for name in names:
        if name and (toks := tokens(name)):
            out[toks] = None
    return tuple(out)


class EntityLexicon:
    """``context`` holds entity keys every source implies (the collections' home country: a reception in
    Rabat never needs to say «Morocco» to support an answer that does)."""

    def __init__(self, entities: Sequence[Entity], context: Iterable[str] = ()) -> None:
        self.context: frozenset[str] = frozenset(context)
        merged: dict[str, Entity] = {}
        for e in entities:
            if e.key in merged:
                old = merged[e.key]
                e = Entity(e.key, e.kind, old.label, tuple(dict.fromkeys(old.forms + e.forms)))
            merged[e.key] = e
        self.entities: list[Entity] = [e for e in merged.values() if e.forms]
        # Forms indexed by their first token, so finding mentions is one pass over the text.
        self._by_first: dict[str, list[tuple[Entity, tuple[str, ...]]]] = {}
        for e in self.entities:
            for form in e.forms:
                self._by_first.setdefault(form[0], []).append((e, form))

    def __len__(self) -> int:
        return len(self.entities)

    @classmethod
    def build(cls, reference: Any, records: Iterable[Any] = (), context: Iterable[str] = ()) -> EntityLexicon:
        """From ``assistant.reference`` and ``assistant.records()`` (duck-typed, so tests can pass dicts)."""
        entities: list[Entity] = []

        def city(c: Any) -> Entity:
            return Entity(
                f"city:{_get(c, 'latin').lower()}",
                "city",
                _get(c, "ar"),
                _forms([_get(c, "ar"), _get(c, "latin"), *(_get(c, "aliases") or [])]),
            )

        for country in _get(reference, "countries") or []:
            names = [_get(country, "ar"), _get(country, "en"), *(_get(country, "aliases") or [])]
            entities.append(Entity(f"country:{_get(country, 'iso')}", "country", _get(country, "ar"), _forms(names)))
            for c in [_get(country, "capital"), *(_get(country, "cities") or [])]:
                if c:
                    entities.append(city(c))
        for month in _get(reference, "months") or []:
            names = _get(month, "names") or []
            entities.append(Entity(f"month:{_get(month, 'number')}", "month", names[0], _forms(names)))
        for record in records:
            country = _get(record, "country")
            if country:
                entities.append(
                    Entity(
                        f"country:{_get(country, 'iso')}",
                        "country",
                        _get(country, "ar"),
                        _forms([_get(country, "ar"), _get(country, "en")]),
                    )
                )
            if _get(record, "city"):
                entities.append(city(_get(record, "city")))
            for person in _get(record, "counterparts") or []:
                latin = _get(person, "name_latin")
                entities.append(
                    Entity(
                        f"person:{latin.lower()}",
                        "person",
                        _get(person, "name_ar"),
                        _forms([_get(person, "name_ar"), latin]),
                    )
                )
        return cls(entities, context)

    @classmethod
    def from_assistant(cls, assistant: Any) -> EntityLexicon:
        homes = {f"country:{_get(c, 'home_country')}" for c in assistant.record_collections()}
        return cls.build(assistant.reference, assistant.records(), homes)

    def mentions(self, text: str | Sequence[str], kinds: Iterable[str] | None = None) -> list[Mention]:
        """Entities named in the text; a longer name wins over a shorter one inside it."""
        haystack = tokens(text) if isinstance(text, str) else tuple(text)
        wanted = set(kinds) if kinds is not None else None
        found: set[Mention] = set()
        for start, token in enumerate(haystack):
            for first in clitic_forms(token):
                for entity, form in self._by_first.get(first, ()):
                    end = start + len(form)
                    if (wanted is None or entity.kind in wanted) and tuple(haystack[start + 1 : end]) == form[1:]:
                        found.add(Mention(entity, start, end))
        ordered = sorted(found, key=lambda m: (m.start - m.end, m.start, m.entity.key))
        taken: list[Mention] = []
        for m in ordered:
            if all(m.entity.key == t.entity.key or m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)

    def named(self, text: str | Sequence[str], kinds: Iterable[str] | None = None) -> list[Entity]:
        """Distinct entities named in the text, in order of first mention."""
        seen: dict[str, Entity] = {}
        for m in self.mentions(text, kinds):
            seen.setdefault(m.entity.key, m.entity)
        return list(seen.values())

    def names_loosely(self, text: str | Sequence[str], entity: Entity) -> bool:
        """Like ``names`` but over light stems, so demonyms count: «مسؤولين جزائريين» names «الجزائر».
        Only used where leniency is safe (deciding that the user, not the answer, brought a name up)."""
        haystack = tokens(text) if isinstance(text, str) else tuple(text)
        stems = tuple(light_stem(t) for t in haystack)
        return any(find(stems, tuple(light_stem(t) for t in form)) for form in entity.forms)

    def names(self, text: str | Sequence[str], entity: Entity) -> bool:
        haystack = tokens(text) if isinstance(text, str) else tuple(text)
        return any(find(haystack, form) for form in entity.forms)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
