"""Each post-check alone, on small hand-made evidence: what passes, what is caught, and why."""

from __future__ import annotations

import pytest

from assistant.generate.postcheck import (
    CitesSources,
    EntitiesInEvidence,
    Generated,
    InArabic,
    LatinWordsInEvidence,
    NotEmpty,
    NumbersInEvidence,
    cited_ids,
    default_checks,
    post_check,
)
from assistant.generate.prompt import Evidence
from assistant.text.fuzzy import PhraseMatcher
from assistant.text.numbers import NumberWords
from assistant.understand.lexicon import Entity
from tests.conftest import KNOWLEDGE

QATAR = Entity("country", "QA", "قطر")
FRANCE = Entity("country", "FR", "فرنسا")
MARCH = Entity("month", "3", "مارس")
ENTITIES = PhraseMatcher(
    [("قطر", QATAR), ("Qatar", QATAR), ("فرنسا", FRANCE), ("مارس", MARCH), ("آذار", MARCH), ("March", MARCH)],
    min_score=81.0,
)
EVIDENCE = [
    Evidence("rec-1", "record", "زيارة عمل: الدوحة، قطر — 21 أبريل 2024", "التقى المدير العام نظيره في الدوحة (Doha)."),
    Evidence("art#c02", "article", "مقال", "عقد المدير عشرين لقاءً في 13 دولة خلال شهر مارس."),
]
DRAFT = "في 21 أبريل 2024 زار الدوحة، قطر."


def generated(text: str, evidence: list[Evidence] = EVIDENCE, draft: str = DRAFT) -> Generated:
    return Generated(text, evidence, draft, ENTITIES, NumberWords.load(KNOWLEDGE))  # type: ignore[arg-type]


def test_cited_ids_in_order_across_bracket_styles() -> None:
    assert cited_ids("أ [rec-1] ب [art#c02، rec-1] ج [x, y]") == ["rec-1", "art#c02", "x", "y"]


@pytest.mark.parametrize(
    ("text", "fails"),
    [
        ("زار المدير قطر في 21 أبريل 2024. [rec-1]", False),
        ("عقد عشرين لقاءً في ثلاث عشرة دولة. [art#c02]", False),  # words for the evidence's digits
        ("عقد 25 لقاءً. [art#c02]", True),
        ("في 22 أبريل. [rec-1]", True),
    ],
)
def test_numbers(text: str, fails: bool) -> None:
    assert (NumbersInEvidence()(generated(text)) is not None) is fails


def test_numbers_only_from_the_cited_source_or_the_draft() -> None:
    # «13» is in art#c02, which this text does not cite
    assert NumbersInEvidence()(generated("زار 13 دولة. [rec-1]")) is not None
    assert NumbersInEvidence()(generated("زار 13 دولة. [art#c02]")) is None


def test_citation_ids_are_not_numbers() -> None:
    ev = [Evidence("meetings-2024-07", "record", "لقاء", "التقى نظيره.")]
    assert NumbersInEvidence()(generated("التقى نظيره. [meetings-2024-07]", ev, draft="")) is None


def test_entities_compared_as_entities() -> None:
    assert EntitiesInEvidence()(generated("في شهر آذار. [art#c02]")) is None  # آذار is the evidence's مارس
    problem = EntitiesInEvidence()(generated("زار فرنسا. [rec-1]"))
    assert problem is not None and "فرنسا" in problem


def test_latin_words_must_be_in_the_evidence() -> None:
    assert LatinWordsInEvidence()(generated("في الدوحة (Doha). [rec-1]")) is None
    problem = LatinWordsInEvidence()(generated("مع Interpol. [rec-1]"))
    assert problem is not None and "interpol" in problem


def test_citations_known_and_present() -> None:
    assert CitesSources()(generated("زار قطر. [rec-1]")) is None
    assert "unknown source id" in (CitesSources()(generated("زار قطر. [rec-9]")) or "")
    assert "cites no source" in (CitesSources()(generated("زار قطر.")) or "")


def test_arabic_share() -> None:
    assert InArabic(0.6)(generated("زار المدير العام قطر (Qatar). [rec-1]")) is None
    assert InArabic(0.6)(generated("He visited Qatar in April. [rec-1]")) is not None


def test_not_empty_and_not_runaway() -> None:
    assert NotEmpty(100)(generated("  [rec-1] ")) is not None
    assert NotEmpty(100)(generated("قطر " * 30 + "[rec-1]")) is not None  # > 100 and > twice the draft
    assert NotEmpty(100)(generated("زار قطر. [rec-1]")) is None


def test_post_check_names_the_first_failing_check() -> None:
    checks = default_checks(4000, 0.6)
    assert post_check(generated("زار المدير قطر في 21 أبريل 2024. [rec-1]"), checks).ok
    verdict = post_check(generated("زار فرنسا في 2023. [rec-9]"), checks)
    assert not verdict.ok and verdict.check == "citations"


def test_brackets_the_sources_contain_are_text_not_citations() -> None:
    ev = [Evidence("wiki#c01", "article", "روتشيلد", "عائلة روتشيلد [ˈʁoːt.ʃɪlt] أسرة مصرفية.")]
    g = generated("عائلة روتشيلد [ˈʁoːt.ʃɪlt] أسرة مصرفية. [wiki#c01]", ev, draft="عائلة روتشيلد [ˈʁoːt.ʃɪlt].")
    assert g.cited == ["wiki#c01"]
    assert post_check(g, default_checks(4000, 0.6)).ok


def test_numbering_keeps_quoted_brackets() -> None:
    from assistant.generate.phraser import numbered

    text = "عائلة [ˈʁoːt.ʃɪlt] [wiki#c01] و[r2، wiki#c01]"
    out = numbered(text, ["r2", "wiki#c01"], frozenset({"[ˈʁoːt.ʃɪlt]"}))
    assert out == "عائلة [ˈʁoːt.ʃɪlt] [2] و[1][2]"
