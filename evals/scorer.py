"""The scorer: one dataset item plus one Answer-like dict → checks with pass/fail and a reason.

Pure (no model, no index): the same function scores the assistant, the baseline and hand-made answers in
tests. Accuracy counts only the item's own expectations (answerable, all, none, number); hallucination,
citation precision, list precision/recall and retrieval are measured beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from evals.lexicon import HALLUCINATION_KINDS, EntityLexicon
from evals.matching import first_mention, number_words, tokens
from evals.metrics import retrieval_metrics
from evals.schema import EvalItem
from evals.squad import item_squad_metrics

EXPECTATION_CHECKS = ("answerable", "all", "none", "number")


class Check(BaseModel):
    name: str
    passed: bool
    reason: str
    expectation: bool = Field(True, description="Counts towards answer accuracy.")


class ItemScore(BaseModel):
    checks: list[Check]
    passed: bool = Field(description="Every expectation met (answer accuracy).")
    answerable_expected: bool
    refused: bool
    list_precision: float | None = None
    list_recall: float | None = None
    number_match: bool | None = None
    hallucinated: list[str] = Field(default_factory=list)
    citation_precision: float | None = None
    retrieval: dict[str, float] | None = None
    squad: dict[str, float] | None = Field(None, description="SQuAD metrics of an item with `expect.gold`.")

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_list_item(item: EvalItem) -> bool:
    intents = [t.split(":", 1)[1] for t in item.tags if t.startswith("intent:")]
    return "list" in intents if intents else len(item.expect.all) >= 2


def _source_matches(source_id: str, wanted: Sequence[str]) -> bool:
    """A whole-article source (no `#`) accepts any chunk of that article."""
    return source_id in wanted or any("#" not in w and source_id.split("#", 1)[0] == w for w in wanted)


def _ranked_for(retrieved: Sequence[str], wanted: Sequence[str]) -> list[str]:
    whole = {w for w in wanted if "#" not in w}
    return [r.split("#", 1)[0] if r.split("#", 1)[0] in whole else r for r in retrieved]


CITATION_MARK = re.compile(r"\[\d{1,3}\]")


def score(
    item: EvalItem,
    answer: Mapping[str, Any] | Any,
    lexicon: EntityLexicon | None = None,
    source_texts: Mapping[str, str] | None = None,
) -> ItemScore:
    """Score one answer. ``answer`` has Answer's fields (text, answerable, citations, retrieved_ids).

    ``source_texts`` maps source ids to their full stored text (a record's fields, a chunk) so an entity
    the cited source holds outside its short quote still counts as supported.
    """
    expect = item.expect
    # citation markers («[2]», a generated answer's) are not numbers the answer states
    text = CITATION_MARK.sub(" ", str(_field(answer, "text", "") or ""))
    answer_toks = tokens(text)
    refused = _field(answer, "answerable", True) is False
    citations = list(_field(answer, "citations", []) or [])
    retrieved = [str(r) for r in (_field(answer, "retrieved_ids", []) or [])]
    checks: list[Check] = []

    if expect.answerable:
        checks.append(
            Check(
                name="answerable",
                passed=not refused,
                reason="answered" if not refused else "refused a question the knowledge base answers",
            )
        )
    else:
        checks.append(
            Check(
                name="answerable",
                passed=refused,
                reason="refused as expected" if refused else "answered a question it should have refused",
            )
        )

    found_groups = 0
    if expect.all:
        missing = []
        for group in expect.all:
            if first_mention(answer_toks, group) is not None:
                found_groups += 1
            else:
                missing.append(" | ".join(group))
        checks.append(
            Check(
                name="all",
                passed=not missing,
                reason=f"all {len(expect.all)} groups found"
                if not missing
                else f"missing {len(missing)}/{len(expect.all)}: " + "; ".join(f"«{m}»" for m in missing),
            )
        )

    if expect.none:
        present = [s for s in expect.none if first_mention(answer_toks, [s]) is not None]
        checks.append(
            Check(
                name="none",
                passed=not present,
                reason="no forbidden string" if not present else "contains " + ", ".join(f"«{p}»" for p in present),
            )
        )

    number_match: bool | None = None
    if expect.number is not None:
        stated = number_words().numbers(text)
        number_match = any(abs(n - expect.number) < 1e-9 for n in stated)
        shown = ", ".join(f"{n:g}" for n in stated[:12]) or "none"
        checks.append(
            Check(
                name="number",
                passed=number_match,
                reason=f"states {expect.number:g}"
                if number_match
                else f"does not state {expect.number:g} (numbers found: {shown})",
            )
        )

    list_precision = list_recall = None
    if expect.all and _is_list_item(item):
        list_recall = found_groups / len(expect.all)
        if lexicon is not None:
            list_precision = _list_precision(item, answer_toks, lexicon)

    hallucinated: list[str] = []
    if lexicon is not None:
        hallucinated = _hallucinated(item, answer_toks, citations, lexicon, source_texts or {})
        checks.append(
            Check(
                name="hallucination",
                passed=not hallucinated,
                reason="every named entity is in a cited source"
                if not hallucinated
                else "named but not in any cited source: " + ", ".join(hallucinated),
                expectation=False,
            )
        )

    citation_precision = _citation_precision(item, citations)
    if citation_precision is not None:
        checks.append(
            Check(
                name="citations",
                passed=citation_precision == 1.0,
                reason=f"citation precision {citation_precision:.2f} over {len(citations)} citation(s)",
                expectation=False,
            )
        )

    retrieval = None
    if expect.sources:
        retrieval = retrieval_metrics(_ranked_for(retrieved, expect.sources), expect.sources)
        checks.append(
            Check(
                name="retrieval",
                passed=retrieval["recall@5"] == 1.0,
                reason=f"recall@5 {retrieval['recall@5']:.2f}, MRR@10 {retrieval['mrr@10']:.2f}"
                + ("" if retrieved else " (no retrieved ids)"),
                expectation=False,
            )
        )

    return ItemScore(
        checks=checks,
        passed=all(c.passed for c in checks if c.expectation),
        answerable_expected=expect.answerable,
        refused=refused,
        list_precision=list_precision,
        list_recall=list_recall,
        number_match=number_match,
        hallucinated=hallucinated,
        citation_precision=citation_precision,
        retrieval=retrieval,
        squad=item_squad_metrics(expect.gold, expect.answerable, answer) if expect.gold else None,
    )


def _question_tokens(item: EvalItem) -> tuple[str, ...]:
    # A sentinel token keeps a phrase from matching across two turns.
    out: list[str] = []
    for q in item.all_questions:
        out.extend((*tokens(q), "\u0000"))
    return tuple(out)


def _hallucinated(
    item: EvalItem,
    answer_toks: Sequence[str],
    citations: Sequence[Any],
    lexicon: EntityLexicon,
    source_texts: Mapping[str, str],
) -> list[str]:
    """Entities the answer names that no cited source names, except those the user brought up."""
    named = lexicon.named(answer_toks, HALLUCINATION_KINDS)
    if not named:
        return []
    asked = _question_tokens(item)
    support: list[tuple[str, ...]] = []
    for c in citations:
        for part in (
            _field(c, "quote"),
            _field(c, "title"),
            source_texts.get(str(_field(c, "source_id", ""))),
        ):
            if part:
                support.append(tokens(str(part)))
    out = []
    for entity in named:
        if entity.key in lexicon.context or lexicon.names_loosely(asked, entity):
            continue
        if not any(lexicon.names(s, entity) for s in support):
            out.append(entity.label)
    return out


def _list_precision(item: EvalItem, answer_toks: Sequence[str], lexicon: EntityLexicon) -> float | None:
    """Share of listed entities (of the kinds the expectation lists) that are expected."""
    expected: set[str] = set()
    kinds: set[str] = set()
    for group in item.expect.all:
        for alt in group:
            for entity in lexicon.named(alt):
                expected.add(entity.key)
                kinds.add(entity.kind)
    if not kinds:
        return None
    asked = _question_tokens(item)
    listed = [e for e in lexicon.named(answer_toks, kinds) if e.key in expected or not lexicon.names(asked, e)]
    if not listed:
        return None
    return sum(e.key in expected for e in listed) / len(listed)


def _citation_precision(item: EvalItem, citations: Sequence[Any]) -> float | None:
    if not citations:
        return None
    expect = item.expect
    if expect.sources:
        good = sum(_source_matches(str(_field(c, "source_id", "")), expect.sources) for c in citations)
    elif expect.all:
        alternatives = [alt for group in expect.all for alt in group]
        good = sum(
            first_mention(tokens(f"{_field(c, 'quote', '') or ''} {_field(c, 'title', '') or ''}"), alternatives)
            is not None
            for c in citations
        )
    else:
        return None
    return good / len(citations)
