"""Reciprocal-rank fusion (RRF) of the keyword and dense candidate lists.

RRF needs no score calibration between the two retrievers. A lift for a chunk whose article matches the
question as a whole (its other chunks among the candidates) was measured on a real multi-subject base and
lowers recall at every weight tried (``benchmarks/bench_source_prior.py``; README: scale), so fusion is RRF alone.
"""

from __future__ import annotations

from collections.abc import Sequence


def rrf(lists: Sequence[Sequence[str]], rrf_k: int) -> dict[str, float]:
    """Each key's sum of 1 / (rrf_k + rank) over the ranked lists it appears in (ranks from 1)."""
    scores: dict[str, float] = {}
    for ranked in lists:
        for rank, key in enumerate(ranked, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (rrf_k + rank)
    return scores


def ranked(scores: dict[str, float], k: int) -> list[str]:
    """The ``k`` best keys, ties in the order the keys were first scored (keyword before dense)."""
    return sorted(scores, key=lambda key: -scores[key])[:k]
