"""Candidate short answers and the fitted span model that ranks them."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.answerability import AnswerModels
from assistant.answer.direct import Asked, DirectAnswers, SpanPrior
from assistant.answer.spans import COLUMN, FEATURES, SpanModel, best, candidates
from assistant.settings import REPO_ROOT
from assistant.text import analyze

MONTHS = ["يناير", "يونيو", "يوليو", "نوفمبر"]


def _model(**weights: float) -> SpanModel:
    names = tuple(weights)
    return SpanModel(names, tuple(weights.values()), (0.0,) * len(names), (1.0,) * len(names))


def _spans(sentence: str, question: str, intent: str):  # type: ignore[no-untyped-def]
    return DirectAnswers(MONTHS).spans(sentence, Asked(frozenset(analyze(question)), intent))


def test_every_candidate_says_something_the_question_does_not() -> None:
    tokens, cands, baseline = _spans("وعاصمتها مدينة الرباط", "ما عاصمة المغرب؟", "what")
    assert baseline is not None and len(cands)
    for a, b in zip(cands.first, cands.last, strict=True):
        assert any(not (t.in_question or t.stop) for t in tokens[a : b + 1])
    k = cands.index(baseline.first, baseline.last)
    assert k is not None and cands.features(k)["baseline"] == 1.0
    assert sum(cands.features(k).get("baseline", 0.0) for k in range(len(cands))) == 1.0


def test_a_when_candidate_holds_a_date() -> None:
    tokens, cands, _ = _spans("اندلعت الحرب في 28 يوليو 1914 في أوروبا.", "متى اندلعت الحرب؟", "when")
    assert len(cands)
    spans = zip(cands.first, cands.last, strict=True)
    assert all(any(t.number or t.month for t in tokens[a : b + 1]) for a, b in spans)
    assert all(cands.features(k).get("typed_has_kind") == 1.0 for k in range(len(cands)))


def test_without_a_date_there_is_no_candidate() -> None:
    _, cands, baseline = _spans("ينبع النيل الأبيض من بحيرة فيكتوريا.", "متى ينبع النيل؟", "when")
    assert len(cands) == 0 and baseline is None


def test_features_are_the_declared_ones_and_bounded() -> None:
    _, cands, _ = _spans("تشتهر بالزراعة والصناعة، وعاصمتها مدينة الرباط", "ما عاصمة المغرب؟", "what")
    assert cands.matrix.shape == (len(cands), len(FEATURES))
    for k in range(len(cands)):
        x = cands.features(k)
        assert 0.0 <= x.get("pull_rel", 0.0) <= 1.0
        assert sum(x.get(n, 0.0) for n in ("len_1", "len_2", "len_3", "len_4_5", "len_6_8", "len_9")) == 1
        length = int(cands.last[k] - cands.first[k]) + 1
        assert x.get("len_1", 0.0) == float(length == 1)


def test_the_model_decides_the_length() -> None:
    sentence, question = "تتكون اليابان من 47 محافظة.", "كم محافظة في اليابان؟"
    direct = DirectAnswers(MONTHS, number_words=())
    short = DirectAnswers(MONTHS, model=_model(len_1=2.0, typed_unit_after=-1.0))
    longer = DirectAnswers(MONTHS, model=_model(typed_unit_after=2.0))
    terms = set(analyze(question))
    assert short.find(sentence, terms, "count") == "47"
    assert longer.find(sentence, terms, "count") == "47 محافظة"
    assert direct.find(sentence, terms, "count") is not None


def test_best_breaks_ties_by_the_shorter_then_the_earlier() -> None:
    _, cands, _ = _spans("قال إن المدينة جميلة جدا", "ماذا قال؟", "what")
    flat = _model(pull=0.0)
    chosen = best(cands, flat)
    assert chosen is not None
    assert cands.last[chosen] == cands.first[chosen]
    assert cands.first[chosen] == min(a for a, b in zip(cands.first, cands.last, strict=True) if a == b)
    assert best(candidates([], [], "what", SpanPrior()), flat) is None


def test_a_span_model_round_trips_and_rejects_bad_data() -> None:
    model = SpanModel(("pull", "len_1"), (1.5, -0.5), (0.2, 0.1), (2.0, 1.0))
    assert SpanModel.from_json(model.to_json()) == model
    row = np.zeros((1, len(FEATURES)))
    row[0, COLUMN["pull"]], row[0, COLUMN["len_1"]] = 1.2, 1.0
    # the means shift every candidate alike, so the score leaves them out
    assert model.scores(row)[0] == pytest.approx(1.5 * 1.2 / 2.0 - 0.5 * 1.0)
    with pytest.raises(ValueError):
        SpanModel(("pull",), (1.0, 2.0), (0.0,), (1.0,))
    with pytest.raises(ValueError):
        SpanModel(("no_such_feature",), (1.0,), (0.0,), (1.0,))


def test_the_shipped_models_carry_a_fitted_span_model() -> None:
    models = AnswerModels.load(REPO_ROOT / "knowledge" / "reference" / "answerability.json")
    assert models.span_model is not None
    assert set(models.span_model.features) == set(FEATURES)
    assert "span_model_rule" in models.provenance
    assert any(w != 0 for w in models.span_model.weights)


def test_candidates_of_an_empty_sentence() -> None:
    assert len(candidates([], [], "what", SpanPrior())) == 0


def test_unranked_find_is_the_priors_pick() -> None:
    sentence, terms = "تتكون اليابان من 47 محافظة.", set(analyze("كم محافظة في اليابان؟"))
    model = DirectAnswers(MONTHS, model=_model(typed_unit_after=2.0))
    assert model.find(sentence, terms, "count") == "47 محافظة"
    assert model.find(sentence, terms, "count", ranked=False) == DirectAnswers(MONTHS).find(sentence, terms, "count")


def test_the_short_answer_does_not_open_with_the_questions_words() -> None:
    sentence, terms = "وعاصمتها مدينة الرباط", set(analyze("ما عاصمة المغرب؟"))
    whole = _model(has_term=5.0, len_3=5.0)  # a model that prefers the whole sentence, question word included
    assert whole.features == ("has_term", "len_3")
    assert DirectAnswers(MONTHS, model=whole).find(sentence, terms, "what") == "مدينة الرباط"


def test_the_vectorised_pull_is_the_priors() -> None:
    from assistant.answer.direct import Anchor
    from assistant.answer.spans import _pull

    prior = SpanPrior(decay=0.6, behind=0.3, length_cap=4, typed_behind=0.5)
    anchors = [Anchor(1, "a", 2.0), Anchor(6, "a", 1.0), Anchor(4, "b", 0.5)]
    i = np.array([0, 2, 2, 5, 7, 0])
    j = np.array([0, 3, 5, 5, 9, 9])
    for typed in (False, True):
        want = [prior.pull(anchors, a, b, typed=typed) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
        assert _pull(anchors, i, j, prior, typed) == pytest.approx(want)
