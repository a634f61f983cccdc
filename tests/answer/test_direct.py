"""The short answer's span: the run of new words that the question's words point at."""

from __future__ import annotations

import pytest

from assistant.answer.answerability import AnswerModels
from assistant.answer.direct import Anchor, DirectAnswers, Span, SpanPrior, balanced
from assistant.settings import REPO_ROOT
from assistant.text import analyze

MONTHS = ["يناير", "يونيو", "يوليو", "نوفمبر"]


def _find(sentence: str, question: str, intent: str, prior: SpanPrior | None = None) -> str | None:
    return DirectAnswers(MONTHS, prior=prior).find(sentence, set(analyze(question)), intent)


CAPITAL = "تشتهر بالزراعة والصناعة، وعاصمتها مدينة الرباط"


def test_the_answer_follows_the_words_that_ask_for_it() -> None:
    assert _find(CAPITAL, "ما عاصمة المغرب؟", "what") == "مدينة الرباط"


def test_the_shipped_models_carry_a_fitted_prior() -> None:
    models = AnswerModels.load(REPO_ROOT / "knowledge" / "reference" / "answerability.json")
    assert models.span_prior != SpanPrior() or models.provenance.get("direct_rule")
    assert 0 < models.span_prior.decay <= 1 and 0 <= models.span_prior.behind <= 1
    assert models.span_prior.length_cap >= 1


def test_a_number_after_its_noun_beats_a_nearer_one_before() -> None:
    sentence = "تغطي مساحة 30528 كيلومتر مربع، وعدد سكانها حوالي 11 مليون نسمة."
    got = _find(sentence, "كم عدد سكان بلجيكا؟", "count")
    assert got is not None and got.startswith("11 مليون")


def test_a_date_keeps_its_day_and_month() -> None:
    got = _find("نشبت الحرب في أوروبا من 28 يوليو 1914 وانتهت في 11 نوفمبر 1918.", "متى نشبت الحرب؟", "when")
    assert got == "28 يوليو 1914"


def test_without_a_date_a_when_question_has_no_short_answer() -> None:
    assert _find("ينبع النيل الأبيض من بحيرة فيكتوريا.", "متى ينبع النيل؟", "when") is None


def test_the_prior_decides_between_before_and_after() -> None:
    # an anchor after a span pulling as hard as one before it brings back the longer run before «عاصمتها»
    even = SpanPrior(decay=0.7, behind=1.0, length_cap=4)
    assert _find(CAPITAL, "ما عاصمة المغرب؟", "what", even) == "تشتهر بالزراعة والصناعة"


def test_pull_decays_with_distance_and_weighs_anchors_behind_less() -> None:
    prior = SpanPrior(decay=0.5, behind=0.2, length_cap=4)
    assert prior.pull([Anchor(0, "a")], 1, 2) == pytest.approx(1.0)
    assert prior.pull([Anchor(0, "a")], 3, 4) == pytest.approx(0.25)
    assert prior.pull([Anchor(5, "a")], 1, 2) == pytest.approx(0.2 * 0.25)
    assert prior.pull([Anchor(0, "a", weight=3.0)], 1, 2) == pytest.approx(3.0)
    assert SpanPrior.from_json(prior.to_json()) == prior


def test_a_word_said_twice_pulls_once_from_its_nearest_place() -> None:
    prior = SpanPrior(decay=0.5, behind=0.0, length_cap=4)
    assert prior.pull([Anchor(0, "a"), Anchor(2, "a")], 3, 4) == pytest.approx(1.0)
    assert prior.pull([Anchor(0, "a"), Anchor(2, "b")], 3, 4) == pytest.approx(1.25)


def test_a_prior_saved_before_the_topic_weight_reads_as_full_pull() -> None:
    old = {"decay": 0.9, "behind": 0.0, "length_cap": 2, "typed_behind": 0.5}
    assert SpanPrior.from_json(old).topic == 1.0


TOPICAL = "المغرب دولة عربية تقع في شمال أفريقيا عاصمتها الرباط"


def test_the_words_that_name_the_topic_point_at_the_answer_less() -> None:
    terms = set(analyze("ما عاصمة المغرب؟"))
    topic = [t for t in terms if t.endswith("مغرب")]
    weigh = DirectAnswers(MONTHS, prior=SpanPrior(decay=0.7, behind=0.0, length_cap=3, topic=0.0))
    full = DirectAnswers(MONTHS, prior=SpanPrior(decay=0.7, behind=0.0, length_cap=3, topic=1.0))
    # the topic's name opens the sentence, so with a full pull the long run after it wins
    assert full.find(TOPICAL, terms, "what", topic=topic) != "الرباط"
    assert weigh.find(TOPICAL, terms, "what", topic=topic) == "الرباط"


def test_a_rarer_shared_word_points_harder() -> None:
    sentence = "عاصمتها كانت الرباط، وزار الوفد مراكش"
    terms = set(analyze("ما عاصمة الوفد؟"))
    heavy = {t: (5.0 if t.startswith("عاصم") else 0.1) for t in terms}
    direct = DirectAnswers(MONTHS, prior=SpanPrior(decay=0.7, behind=0.0, length_cap=1))
    assert direct.find(sentence, terms, "what") == "مراكش"  # right after a shared word
    assert direct.find(sentence, terms, "what", weights=heavy) == "الرباط"


def test_a_date_before_the_words_that_ask_for_it_still_answers() -> None:
    sentence = "وفي يوم 28 يونيو 1914، قام برينسيب باغتيال ولي عهد النمسا في سراييفو، ما أدى إلى أزمة يوليو."
    question = "متى قام برينسيب باغتيال ولي عهد النمسا؟"
    assert _find(sentence, question, "when", SpanPrior(0.9, 0.0, 2, typed_behind=1.0)) == "28 يونيو 1914"
    # were a date after the question's words all that counted, the month of the crisis would answer
    assert _find(sentence, question, "when", SpanPrior(0.9, 0.0, 2, typed_behind=0.0)) == "يوليو"


def test_number_words_count_and_the_counted_noun_after_a_number_points_at_it() -> None:
    sentence = "تتكون اليابان من جزر عديدة (حوالي ثلاثة آلاف جزيرة)، أربع منها هي الأهم."
    direct = DirectAnswers(MONTHS, ["ثلاثة", "آلاف", "أربع"], SpanPrior(0.9, 0.0, 2, typed_behind=1.0))
    got = direct.find(sentence, set(analyze("كم جزيرة في اليابان؟")), "count")
    assert got is not None and got.startswith("ثلاثة")


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        ("Edison) \u200f (1847-1931)، مخترع ورجل أعمال أمريكي", "مخترع ورجل أعمال أمريكي"),
        ("أينشتاين (14 مارس 1879", "14 مارس 1879"),
        ("(حوالي ثلاثة آلاف جزيرة)،", "حوالي ثلاثة آلاف جزيرة"),
        ("مجموعة (وهو النمو) كبيرة", "مجموعة (وهو النمو) كبيرة"),
        ("الاسم «كذا» هنا", "الاسم «كذا» هنا"),
    ],
)
def test_a_short_answer_leaves_no_bracket_open(span: str, shown: str) -> None:
    assert balanced(span) == shown


def test_a_span_cut_through_a_bracket_shows_its_longer_side() -> None:
    sentence = "توماس إديسون (1847-1931)، مخترع ورجل أعمال أمريكي."
    start = sentence.index("1847")
    assert Span(start, len(sentence), 1.0).text(sentence) == "مخترع ورجل أعمال أمريكي"


def test_a_name_asked_in_another_script_is_the_run_of_latin_words_next_to_the_language() -> None:
    from assistant.answer.direct import OTHER_SCRIPT

    text = "الولايات المتحدة (بالإنجليزية: United States of America) هي جمهورية دستورية اتحادية."
    terms = set(analyze("ما اسم الولايات المتحدة بالإنجليزية؟"))
    assert DirectAnswers(MONTHS).find(text, terms, OTHER_SCRIPT) == "United States of America"
    # the language named points at its own name where the sentence gives several
    two = "الموناليزا (بالإيطالية: Monna Lisa) (بالفرنسية: La Joconde) لوحة لدافنشي."
    assert DirectAnswers(MONTHS).find(two, set(analyze("ما اسم الموناليزا بالفرنسية؟")), OTHER_SCRIPT) == "La Joconde"
    # a sentence without Latin letters does not answer it
    assert (
        DirectAnswers(MONTHS).find(
            "السرطان مرض تنمو فيه الخلايا.", set(analyze("ما اسم السرطان بالإنجليزية؟")), OTHER_SCRIPT
        )
        is None
    )
