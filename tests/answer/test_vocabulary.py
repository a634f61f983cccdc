"""Coverage's word matching: the inflections the light stemmer leaves are still the same word."""

from __future__ import annotations

import pytest

from assistant.answer.vocabulary import Terms, Vocabulary, covered, person_forms
from assistant.text import analyze


def _stems(text: str) -> Terms:
    return Terms(analyze(text))


@pytest.mark.parametrize(
    ("question_word", "text"),
    [
        ("تحد", "يحده من الشمال تركيا"),  # she borders / he borders it
        ("تقع", "يقع المغرب في شمال أفريقيا"),
        ("ينتقد", "انتقد الحكومة في مقالاته"),  # a derived verb's present against its past
        ("نشاطا", "عرف نشاط المديرية"),  # another light ending (already matched before person forms)
    ],
)
def test_a_verb_in_another_person_or_tense_is_covered(question_word: str, text: str) -> None:
    (term,) = analyze(question_word)
    assert covered(term, _stems(text))


@pytest.mark.parametrize(("term", "text"), [("امن", "زار اليمن"), ("ترك", "ينبع النهر من بحيرة"), ("قطر", "زار مصر")])
def test_other_words_are_not_covered(term: str, text: str) -> None:
    assert not covered(term, _stems(text))


def test_person_forms_leave_short_and_non_verb_shaped_words_alone() -> None:
    assert person_forms("امن") == []  # «أمن» (security) is not «يمن» (Yemen)
    assert person_forms("مغرب") == []
    assert set(person_forms("تقع")) == {"يقع", "نقع"}
    assert "انتقد" in person_forms("ينتقد") and "ينتقد" in person_forms("انتقد")


def test_a_word_the_base_uses_in_another_person_is_known() -> None:
    vocab = Vocabulary(["تقع المملكة في أقصى غرب شمال أفريقيا"])
    assert vocab.is_known("يقع")
    assert not vocab.is_known("يسكن")


def test_a_dual_of_a_noun_in_ta_marbuta_is_the_noun() -> None:
    """«قارتين» is two of «قارة»: its ة turns to ت before the dual ending, as written and once stemmed."""
    vocab = Vocabulary(["يقع المغرب في قارة أفريقيا"])
    assert vocab.is_known("قارتين") and vocab.is_known("القارتين") and vocab.is_known("قارت")
    assert not Vocabulary(["يقع المغرب في أفريقيا"]).is_known("قارتين")
    # a three-letter stem keeps its own ت («بيت»), which reads as no other word
    assert not Vocabulary(["بيه"]).is_known("بيت")


def test_the_stored_article_terms_say_which_articles_hold_a_term() -> None:
    """A year's articles in one pass over the stored rows (the year filter and the unmentioned rule)."""
    from assistant.answer.vocabulary import ArticleTerms

    stored = ArticleTerms.build(["a", "b", "c"], [["2019", "حمل"], ["2023", "حمل"], ["2019"]])
    assert stored.holding("2019") == ["a", "c"]
    assert stored.holding("حمل") == ["a", "b"]
    assert stored.holding("2023") == ["b"]
    assert stored.holding("2020") == [] and stored.holding("") == []
