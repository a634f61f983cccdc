"""Metrics on tiny hand-computed cases (BEIR definitions), aggregation per tag, and gates."""

from __future__ import annotations

import math

import pytest

from evals.gates import Gate, GateSpecError
from evals.metrics import aggregate, by_tag, mrr_at_k, ndcg_at_k, percentile, recall_at_k
from evals.scorer import ItemScore


def test_recall_at_5_counts_relevant_ids_in_the_top_five_only() -> None:
    ranked = ["a", "x", "b", "y", "z", "c"]
    assert recall_at_k(ranked, {"a", "b", "c"}, 5) == pytest.approx(2 / 3)
    assert recall_at_k(ranked, {"c"}, 5) == 0.0
    assert recall_at_k(["a", "a", "b"], {"a", "b"}, 2) == 1.0  # duplicates do not take a slot


def test_mrr_is_the_reciprocal_rank_of_the_first_relevant_id_within_k() -> None:
    assert mrr_at_k(["x", "y", "b", "a"], {"a", "b"}, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x"] * 1 + [f"n{i}" for i in range(10)] + ["a"], {"a"}, 10) == 0.0


def test_ndcg_with_binary_gains_and_log2_discount() -> None:
    # relevant {a, b}; ranking x, a, y, b → DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "a", "y", "b"], {"a", "b"}, 10) == pytest.approx(expected)
    assert ndcg_at_k(["a", "b"], {"a", "b"}, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x"], {"a"}, 10) == 0.0


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


def _s(passed: bool, answerable: bool = True, refused: bool = False, hallucinated: bool = False) -> ItemScore:
    return ItemScore(
        checks=[],
        passed=passed,
        answerable_expected=answerable,
        refused=refused,
        hallucinated=["X"] if hallucinated else [],
        retrieval={"recall@5": 1.0, "mrr@10": 0.5, "ndcg@10": 0.6} if answerable else None,
    )


def test_aggregate_rates_use_the_right_denominators() -> None:
    scores = [
        _s(True),
        _s(False, refused=True),  # a false refusal
        _s(True, answerable=False, refused=True),
        _s(False, answerable=False, refused=False, hallucinated=True),
    ]
    m = aggregate(scores, [100, 200, 300, 400])
    assert m["accuracy"] == 0.5
    assert m["refusal_rate"] == 0.5  # 1 of 2 unanswerable refused
    assert m["false_refusal_rate"] == 0.5  # 1 of 2 answerable refused
    assert m["hallucination_rate"] == 0.25
    assert m["recall@5"] == 1.0 and m["mrr@10"] == 0.5
    assert m["latency_p50_ms"] == 250
    assert m["number_match"] is None, "no item asks for a number: not measured, not 0"


def test_by_tag_computes_every_metric_per_tag() -> None:
    scores = [_s(True), _s(False), _s(True, answerable=False, refused=True)]
    tags = [["slice:records"], ["slice:records", "dialect:gulf"], ["slice:unanswerable"]]
    per = by_tag(scores, [1, 2, 3], tags)
    assert per["slice:records"]["accuracy"] == 0.5 and per["slice:records"]["n"] == 2
    assert per["dialect:gulf"]["accuracy"] == 0.0
    assert per["slice:unanswerable"]["refusal_rate"] == 1.0


def test_gates_parse_compare_and_name_the_failing_metric() -> None:
    metrics = {
        "overall": {"accuracy": 0.8, "hallucination_rate": 0.0, "refusal_rate": None},
        "by_tag": {"slice:records": {"accuracy": 0.95}},
    }
    assert Gate.parse("accuracy>=0.9").evaluate(metrics).passed is False
    assert "accuracy" in Gate.parse("accuracy>=0.9").evaluate(metrics).message
    assert Gate.parse("hallucination=0").evaluate(metrics).passed  # alias + '='
    assert Gate.parse("accuracy[slice:records] >= 0.9").evaluate(metrics).passed
    unmeasured = Gate.parse("refusal>=0.95").evaluate(metrics)
    assert not unmeasured.passed and "not measured" in unmeasured.message
    assert Gate.parse("recall@5>=0.5").metric == "recall@5"


@pytest.mark.parametrize("spec", ["accuracy", "accuracy>>0.9", "bogus>=1", "accuracy>=high"])
def test_bad_gate_specs_are_rejected(spec: str) -> None:
    with pytest.raises(GateSpecError):
        Gate.parse(spec)
