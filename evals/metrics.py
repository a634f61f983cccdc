"""Aggregation of scored items into metrics, overall and per tag, plus retrieval metrics (BEIR definitions).

Retrieval metrics use binary relevance as BEIR/pytrec_eval do: recall@k = |relevant ∩ top-k| / |relevant|,
MRR@k = 1/rank of the first relevant id within k, nDCG@k with gain 1 and log2(rank + 1) discount, ideal
ranking = all relevant ids first. Rates are ``None`` when no item measures them, never a misleading 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

# SQuAD-format imports (items with `expect.gold`, see evals/squad.py); reported only when a run measures
# them, so other reports keep their shape. direct_f1 and direct_em are on SQuAD's 0–100 scale.
SQUAD_METRIC_NAMES: tuple[str, ...] = ("gold_in_answer", "direct_f1", "direct_em", "left_out_refused")
PERCENT_METRICS: frozenset[str] = frozenset({"direct_f1", "direct_em"})
METRIC_NAMES: tuple[str, ...] = (
    "accuracy",
    "list_precision",
    "list_recall",
    "number_match",
    "refusal_rate",
    "false_refusal_rate",
    "hallucination_rate",
    "citation_precision",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "latency_p50_ms",
    "latency_p95_ms",
    *SQUAD_METRIC_NAMES,
)
# Metrics where smaller is better (used by reports to colour deltas and by gates' defaults).
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {"false_refusal_rate", "hallucination_rate", "latency_p50_ms", "latency_p95_ms"}
)


def _dedupe(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def recall_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int = 5) -> float:
    rel = set(relevant)
    if not rel:
        raise ValueError("recall needs at least one relevant id")
    return len(rel & set(_dedupe(retrieved)[:k])) / len(rel)


def mrr_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    rel = set(relevant)
    for rank, doc in enumerate(_dedupe(retrieved)[:k], 1):
        if doc in rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    rel = set(relevant)
    if not rel:
        raise ValueError("nDCG needs at least one relevant id")
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(_dedupe(retrieved)[:k], 1) if doc in rel)
    idcg = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(rel), k) + 1))
    return dcg / idcg


def retrieval_metrics(retrieved: Sequence[str], relevant: Iterable[str]) -> dict[str, float]:
    rel = list(relevant)
    return {
        "recall@5": recall_at_k(retrieved, rel, 5),
        "mrr@10": mrr_at_k(retrieved, rel, 10),
        "ndcg@10": ndcg_at_k(retrieved, rel, 10),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class Scored(Protocol):
    """What aggregation needs from one scored item (``evals.scorer.ItemScore`` plus latency and tags)."""

    passed: bool
    answerable_expected: bool
    refused: bool
    list_precision: float | None
    list_recall: float | None
    number_match: bool | None
    hallucinated: list[str]
    citation_precision: float | None
    retrieval: dict[str, float] | None
    squad: dict[str, float] | None


def _mean(values: Iterable[float | bool | None]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def aggregate(scores: Sequence[Scored], latencies_ms: Sequence[float | None]) -> dict[str, float | int | None]:
    """All metrics over one group of items (same order in both sequences)."""
    if len(scores) != len(latencies_ms):
        raise ValueError("one latency per scored item")
    unanswerable = [s for s in scores if not s.answerable_expected]
    answerable = [s for s in scores if s.answerable_expected]
    with_retrieval = [s.retrieval for s in scores if s.retrieval]
    latencies = [x for x in latencies_ms if x is not None]
    squad = [sq for s in scores if (sq := getattr(s, "squad", None))]
    return {
        "n": len(scores),
        "n_unanswerable": len(unanswerable),
        "accuracy": _mean(s.passed for s in scores),
        "list_precision": _mean(s.list_precision for s in scores),
        "list_recall": _mean(s.list_recall for s in scores),
        "number_match": _mean(s.number_match for s in scores),
        "refusal_rate": _mean(s.refused for s in unanswerable),
        "false_refusal_rate": _mean(s.refused for s in answerable),
        "hallucination_rate": _mean(bool(s.hallucinated) for s in scores),
        "citation_precision": _mean(s.citation_precision for s in scores),
        "recall@5": _mean(r["recall@5"] for r in with_retrieval),
        "mrr@10": _mean(r["mrr@10"] for r in with_retrieval),
        "ndcg@10": _mean(r["ndcg@10"] for r in with_retrieval),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        **{name: _mean(sq.get(name) for sq in squad) for name in SQUAD_METRIC_NAMES},
    }


def by_tag(
    scores: Sequence[Scored], latencies_ms: Sequence[float | None], tags: Sequence[Sequence[str]]
) -> dict[str, dict[str, float | int | None]]:
    """Every metric per tag (an item with several tags counts in each), tags sorted for stable reports."""
    groups: dict[str, list[int]] = {}
    for index, item_tags in enumerate(tags):
        for tag in dict.fromkeys(item_tags):
            groups.setdefault(tag, []).append(index)
    return {
        tag: aggregate([scores[i] for i in idx], [latencies_ms[i] for i in idx]) for tag, idx in sorted(groups.items())
    }
