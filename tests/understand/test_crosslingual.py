"""Questions in another script than the base: which words are names, and whether the base spells them."""

from __future__ import annotations

import pytest

from assistant.understand.crosslingual import CrossLingual, NameIndex, name_cover, question_names

BASE_WORDS = ["نجيب", "محفوظ", "روائي", "مصري", "ولد", "القاهرة", "خاشقجي", "الناتو", "في"]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(BASE_WORDS)


def test_names_are_capitalised_words_that_are_not_function_words() -> None:
    assert question_names("When was Naguib Mahfouz born?") == ["Naguib", "Mahfouz"]
    assert question_names("What did Thomas Alva Edison invent?") == ["Thomas", "Alva", "Edison"]
    assert question_names("Who founded Al-Azhar?") == ["Al", "Azhar"]
    assert question_names("when was naguib mahfouz born?") == [], "no capitals, no names"
    assert question_names("متى ولد نجيب محفوظ؟") == []
    assert question_names("Quand est né Naguib Mahfouz ?") == ["Naguib", "Mahfouz"], "«Quand» only opens it"
    assert question_names("Naguib Mahfouz was born when?") == ["Naguib", "Mahfouz"]
    assert question_names("NATO summit topics?") == ["NATO"]
    assert question_names("ما هو Google؟") == ["Google"]


def test_a_name_the_base_spells_in_arabic_is_found(index: NameIndex) -> None:
    assert index.best("Mahfouz") == 100.0
    assert index.best("Naguib") == 100.0
    assert 80.0 <= index.best("Khashoggi") < 100.0, "«ksj» ~ «kskj»: one slip"
    assert index.best("Obama") == 0.0, "«bm»: a short skeleton must be spelt alike"
    assert index.best("NATO") == 100.0, "«nt» = «الناتو»"
    assert index.best("Al") == 100.0, "a one-letter skeleton says nothing: never a reason to refuse"
    assert index.best("Rothschild") < 80.0


def test_a_question_offers_its_names_skeletons(index: NameIndex) -> None:
    cross = CrossLingual.of("When was Naguib Mahfouz born in Cairo?", index)
    assert cross.keys == ("njb", "mhfz"), "«Cairo» «kr» is too short to be a feature"
    assert cross.names_missing == 0.0
    missing = CrossLingual.of("When was Gamal Abdel Nasser born?", index)
    assert missing.names_missing > 0.3


def test_name_cover_is_the_mean_best_similarity() -> None:
    assert name_cover(["njb", "mhfz"], ["ولد", "نجيب", "محفوظ"]) == 1.0
    assert name_cover(["njb", "mhfz"], ["ولد", "نجيب"]) == pytest.approx(0.5)
    assert name_cover([], ["نجيب"]) == 0.0
    assert name_cover(["njb"], []) == 0.0


def test_a_question_is_checked_for_a_bounded_number_of_names(index: NameIndex) -> None:
    from assistant.understand.crosslingual import MAX_NAMES

    question = "Who met " + " ".join(f"Name{chr(65 + i)}x" for i in range(26)) + "?"
    assert len(question_names(question)) == MAX_NAMES
    assert index.best("Rothschild") == index.best("Rothschild"), "asked twice, the same answer"
