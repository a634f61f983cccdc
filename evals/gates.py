"""Threshold gates (`accuracy>=0.9`, `hallucination_rate<=0`, `accuracy[slice:records]>=0.95`) for CI.

A gate is on the assistant's run unless it names another system: `generator:hallucination_rate<=0` gates
the run through the generative model (`assistant eval --generator …`).

A gate on a metric the run did not measure fails: a CI gate must never pass by accident.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from evals.metrics import METRIC_NAMES

ALIASES = {
    "refusal": "refusal_rate",
    "refusal_unanswerable": "refusal_rate",
    "false_refusal": "false_refusal_rate",
    "hallucination": "hallucination_rate",
    "hallucinations": "hallucination_rate",
    "number": "number_match",
    "number_exact_match": "number_match",
    "answer_accuracy": "accuracy",
    "recall": "recall@5",
    "mrr": "mrr@10",
    "ndcg": "ndcg@10",
    "latency_p50": "latency_p50_ms",
    "latency_p95": "latency_p95_ms",
    "gold": "gold_in_answer",
    "f1": "direct_f1",
    "em": "direct_em",
    "left_out": "left_out_refused",
}
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": lambda a, b: abs(a - b) < 1e-9,
    "=": lambda a, b: abs(a - b) < 1e-9,
    ">": operator.gt,
    "<": operator.lt,
}
SYSTEMS = ("assistant", "generator", "baseline")
_SPEC = re.compile(
    r"^\s*(?:(assistant|generator|baseline):)?([A-Za-z0-9_@]+)\s*(?:\[([^\]]+)\])?"
    r"\s*(>=|<=|==|=|>|<)\s*(-?[0-9]*\.?[0-9]+)\s*$"
)


class GateSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Gate:
    spec: str
    metric: str
    op: str
    value: float
    tag: str | None = None
    system: str = "assistant"

    @classmethod
    def parse(cls, spec: str) -> Gate:
        m = _SPEC.match(spec)
        if not m:
            raise GateSpecError(f"bad gate {spec!r}: expected METRIC>=VALUE (or <=, ==, >, <)")
        system, name, tag, op, value = m.groups()
        metric = ALIASES.get(name.lower(), name.lower())
        if metric not in METRIC_NAMES:
            raise GateSpecError(f"unknown metric {name!r} in gate {spec!r}; known: {', '.join(METRIC_NAMES)}")
        tag = tag.strip() if tag else None
        return cls(spec=spec.strip(), metric=metric, op=op, value=float(value), tag=tag, system=system or "assistant")

    @property
    def label(self) -> str:
        prefix = "" if self.system == "assistant" else f"{self.system}:"
        return prefix + self.metric + (f"[{self.tag}]" if self.tag else "")

    def evaluate(self, metrics: Mapping[str, Any]) -> GateResult:
        """``metrics`` is one system's block: {"overall": {...}, "by_tag": {tag: {...}}}."""
        block = metrics.get("by_tag", {}).get(self.tag) if self.tag else metrics.get("overall")
        actual = (block or {}).get(self.metric)
        if actual is None:
            return GateResult(self, None, False, f"{self.label}: not measured by this run (gate {self.spec})")
        ok = _OPS[self.op](float(actual), self.value)
        verdict = "ok" if ok else "FAILED"
        return GateResult(self, float(actual), ok, f"{self.label} = {actual:.4g} {verdict} (gate {self.spec})")


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    actual: float | None
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate.spec,
            "metric": self.gate.label,
            "actual": self.actual,
            "passed": self.passed,
            "message": self.message,
        }
