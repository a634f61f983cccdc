"""Numbers a text states, in digits or Arabic words, read into one comparable set."""

from __future__ import annotations

import pytest

from assistant.text.numbers import NumberWords, numbers_in
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def words() -> NumberWords:
    return NumberWords.load(KNOWLEDGE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عقد 20 لقاءً في 13 دولة", {"20", "13"}),
        ("عقد ٢٠ لقاءً في ١٣ دولة", {"20", "13"}),
        ("ثلاثة عشر لقاءً", {"13"}),
        ("خمسة وعشرون وفداً", {"25"}),
        ("عشرين لقاءً وثلاث زيارات", {"20", "3"}),
        ("مائة وخمسون شخصاً", {"150"}),
        ("ثلاثة آلاف مشارك", {"3000"}),
        ("يوم 03 مارس", {"3"}),
        ("1,000 و 1.50", {"1000", "1.5"}),
        ("بالثلاثة", {"3"}),
        ("أحد المسؤولين", set()),
        ("لا أرقام هنا", set()),
    ],
)
def test_numbers_in(words: NumberWords, text: str, expected: set[str]) -> None:
    assert numbers_in(text, words) == expected


def test_words_and_digits_compare_equal(words: NumberWords) -> None:
    assert numbers_in("ثلاث عشرة دولة", words) == numbers_in("13 دولة", words)


def test_missing_file_reads_digits_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = NumberWords.load(tmp_path)
    assert numbers_in("ثلاثة و 4", empty) == {"4"}
