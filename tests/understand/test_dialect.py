"""The dialects' negation of a verb, read as «لم» + the verb."""

from __future__ import annotations

import pytest

from assistant.understand.dialect import standard_negation

KNOWN = {"زار", "زارها", "سافر", "التقى"}
EVENTS = {"زار", "سافر"}


def rewrite(text: str) -> str:
    return standard_negation(text, KNOWN.__contains__, EVENTS.__contains__, {"بعد", "قبل"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("شحال من شهر ما سافرش فيه حموشي؟", "شحال من شهر لم سافر فيه حموشي؟"),
        ("إيه الدول اللي حموشي مزارهاش؟", "إيه الدول اللي حموشي لم زارها؟"),
        ("زار فرنسا بس ما زار إيطاليا؟", "زار فرنسا بس لم زار إيطاليا؟"),
    ],
)
def test_a_dialect_negation_is_written_as_msa(text: str, expected: str) -> None:
    assert rewrite(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ما زار حموشي؟",  # «ما» opening a question asks «what»
        "كم عدد أفراد الجيش؟",  # «جيش» ends in «ش» and is no negated verb
        "ما نقاش المعاش؟",
        "شنو شرا المغرب من بعد ما زار حموشي أنقرة؟",  # «بعد ما»: after he visited
    ],
)
def test_other_words_are_left_alone(text: str) -> None:
    assert rewrite(text) == text
