"""Arabic number agreement for counted nouns: the one place answers say «3 اتفاقيات», «لقاءان», «11 لقاءً»."""

from __future__ import annotations

import pytest

from assistant.answer import arabic


@pytest.mark.parametrize(
    ("n", "said"),
    [(0, "0 لقاءات"), (1, "لقاء واحد"), (2, "لقاءان"), (3, "3 لقاءات"), (10, "10 لقاءات"), (11, "11 لقاءً")],
)
def test_a_count_agrees_with_its_number(n: int, said: str) -> None:
    assert arabic.of("meeting", n) == said


@pytest.mark.parametrize(
    ("forms", "said"),
    [
        (("دولة", "دولتان", "دول", "دولة"), "دولة واحدة"),  # a feminine noun: «واحدة»
        (("مذكرة تفاهم", "مذكرتا تفاهم", "مذكرات تفاهم", "مذكرة تفاهم"), "مذكرة تفاهم واحدة"),  # its head's gender
        (("برنامج عمل", "برنامجا عمل", "برامج عمل", "برنامج عمل"), "برنامج عمل واحد"),  # not the last word's
    ],
)
def test_one_agrees_with_the_gender_of_the_head_noun(forms: tuple[str, str, str, str], said: str) -> None:
    assert arabic.counted(1, *forms) == said
