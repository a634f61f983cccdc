"""What the eval says about a generative model: its statuses, rejections by check, added latency; gates per system."""

from __future__ import annotations

import pytest

from evals.gates import Gate, GateSpecError
from evals.runner import generator_stats


def test_gate_names_a_system() -> None:
    gate = Gate.parse("generator:hallucination_rate<=0")
    assert (gate.system, gate.metric, gate.label) == ("generator", "hallucination_rate", "generator:hallucination_rate")
    assert Gate.parse("accuracy>=0.9").system == "assistant"
    with pytest.raises(GateSpecError):
        Gate.parse("model:accuracy>=0.9")


def test_a_gate_on_a_system_that_did_not_run_fails() -> None:
    result = Gate.parse("generator:accuracy>=0.5").evaluate({})
    assert not result.passed and "not measured" in result.message


def test_generator_stats() -> None:
    answers = [
        {"generator_status": "used", "timings_ms": {"generate": 40.0}},
        {"generator_status": "rejected", "generator_detail": "numbers: رقم", "timings_ms": {"generate": 30.0}},
        {"generator_status": "rejected", "generator_detail": "entities: اسم", "timings_ms": {"generate": 20.0}},
        {"generator_status": "timeout", "timings_ms": {"generate": 2000.0}},
        {"generator_status": "skipped", "timings_ms": {}},
    ]
    stats = generator_stats(answers)
    assert stats["attempted"] == 4
    assert stats["rejection_rate"] == 0.5 and stats["failure_rate"] == 0.25
    assert stats["rejected_by"] == {"numbers": 1, "entities": 1}
    # the report's own percentile (linear interpolation, as latency_p50_ms / latency_p95_ms)
    assert stats["added_latency_p50_ms"] == 35.0 and stats["added_latency_p95_ms"] == pytest.approx(1706.0)
    assert generator_stats([{"generator_status": "skipped"}])["rejection_rate"] is None
