"""Questions in another script than the base (English about Arabic articles), on a small base without the
embedding model: they are recognised, their words are not taken for a topic the base lacks, their names
are checked by transliteration, and the article engine weighs the names it finds."""

from __future__ import annotations

import pytest

from assistant.pipeline import Pipeline, Turn
from tests.answer.conftest import Ask, keyword_pipeline, one_article_base

BODY = """نجيب محفوظ روائي مصري، ولد في القاهرة في 11 ديسمبر 1911.

حصل نجيب محفوظ على جائزة نوبل في الأدب عام 1988، وهو أول عربي يفوز بها.

من أشهر أعماله الثلاثية وأولاد حارتنا.
"""


@pytest.fixture(scope="module")
def mahfouz(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return keyword_pipeline(one_article_base(tmp_path_factory.mktemp("kb"), "mahfouz", "نجيب محفوظ", BODY))


def _turn(p: Pipeline, question: str) -> Turn:
    return p.understand(Turn(question=question, history=[]))


def test_a_question_in_another_script_is_cross_lingual(mahfouz: Pipeline) -> None:
    cross = mahfouz.cross_lingual(_turn(mahfouz, "When was Naguib Mahfouz born?"))
    assert cross is not None and cross.keys == ("njb", "mhfz") and cross.names_missing == 0.0
    assert mahfouz.cross_lingual(_turn(mahfouz, "متى ولد نجيب محفوظ؟")) is None
    assert mahfouz.cross_lingual(_turn(mahfouz, "متى فاز نجيب محفوظ بجائزة Nobel؟")) is None, "one Latin word"


def test_its_words_are_not_taken_for_a_topic_the_base_lacks(mahfouz: Pipeline) -> None:
    """Every English word is unknown to an Arabic base: out_of_scope would refuse them all."""
    for question in ("When was Naguib Mahfouz born?", "Which prize did he win in 1988?"):
        assert mahfouz.run(question, []).rule not in {"out_of_scope", "unknown_name"}


def test_a_name_the_base_never_spells_is_refused(mahfouz: Pipeline) -> None:
    a = mahfouz.run("When was Gamal Abdel Nasser born?", [])
    assert a.rule == "unknown_name" and not a.answerable
    assert "Nasser" in a.text


def test_keyword_search_looks_for_its_names_as_the_base_spells_them(mahfouz: Pipeline) -> None:
    docs = mahfouz.retrieve_articles(_turn(mahfouz, "When did Naguib Mahfouz win the Nobel Prize?"))
    assert docs, "keyword search alone finds the article by the names' Arabic spellings"
    assert mahfouz.retrieve_articles(_turn(mahfouz, "When did he win the prize?")) == [], "no names: nothing"


def test_candidates_weigh_the_names_the_sentence_spells(mahfouz: Pipeline) -> None:
    turn = _turn(mahfouz, "When did Naguib Mahfouz win the Nobel Prize?")
    cross = mahfouz.cross_lingual(turn)
    cands = mahfouz.article.candidates(turn.frame.text, [0.0], mahfouz.retrieve_articles(turn), "when", cross)
    assert cands
    by_text = {mahfouz.kb.article("mahfouz").body[c.start : c.end]: c.features for c in cands}
    prize = next(f for t, f in by_text.items() if "نوبل" in t)
    works = next(f for t, f in by_text.items() if "أعماله" in t)
    # Naguib, Mahfouz, Nobel spelt in the prize sentence; «Prize» is capitalised but no name it spells
    assert prize["name_sentence"] >= 0.75 > works["name_sentence"]
    assert prize["name_title"] >= 0.5 and prize["no_names"] == 0.0
    assert mahfouz.article._spelt(cross, "حصل نجيب محفوظ على جائزة نوبل") >= {"نجيب", "محفوظ"}


def test_unanchored_cross_lingual_questions_are_left_to_the_article_models(shipped: Ask) -> None:
    """«stock» half-matches Jürgen Stock in the records: without a strict anchor (a city, a month, a kind,
    the records' targets) an English question is the cross-lingual article models' to answer or refuse."""
    a = shipped("What is the stock price of Royal Air Maroc?")
    assert a.rule == "cross_lingual" and not a.answerable
    assert shipped("Who did Hammouchi meet in Madrid?").rule == "records", "a city anchors it"
    assert shipped("How many meetings did Hammouchi hold in 2024?").rule == "claims"


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("Who is the Brazilian police chief Hammouchi met, and where?", "records"),  # the subject, his events
        ("Who is Abdellatif Hammouchi?", "claims"),
        ("When was the article published?", "claims"),
        ("Who published this report?", "claims"),  # a publication word
        ("What do the records say about Belgium?", "records"),  # the records named
    ],
)
def test_a_question_naming_the_bases_own_things_goes_to_their_rules(shipped: Ask, question: str, rule: str) -> None:
    assert shipped(question).rule == rule


def test_places_the_lexicon_knows_are_bridged_by_their_arabic_names(mahfouz: Pipeline) -> None:
    """«Cairo» is no transliteration of «القاهرة», but the reference data name the city in both."""
    turn = _turn(mahfouz, "Which city in Egypt was he born in, Cairo?")
    cross = mahfouz.cross_lingual(turn)
    assert cross is not None and "القاهرة" in cross.bridged
    docs = mahfouz.retrieve_articles(turn)
    assert docs, "keyword search finds the article by the city's Arabic name"
    cands = mahfouz.article.candidates(turn.frame.text, [0.0], docs, turn.frame.intent, cross)
    born = next(c for c in cands if "ولد" in mahfouz.kb.article("mahfouz").body[c.start : c.end])
    assert born.features["entity_window"] > 0 and born.features["no_entities"] == 0.0
    assert born.features["entity_window"] >= max(c.features["entity_window"] for c in cands)
