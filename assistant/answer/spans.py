"""Candidate short answers in a sentence, and the features a fitted model ranks them by.

The span prior (``direct.SpanPrior``) says where an answer sits next to the words a sentence shares with
the question; it cannot say how long the answer is, whether «في عام» or the counted noun («47 محافظة»)
belongs to it, or where a clause ends. Those are what crowd-written gold spans teach, so every short span
of the sentence is a candidate, described by a few dozen general features (the prior's pull, adjacency to
the question's words, length, clause boundaries, the kind of span the question asks for) and scored by a
linear model fitted on ARCD dev by ``scripts/fit_answerability.py``. No feature names a word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from assistant.answer.direct import Anchor, SpanPrior, Token

MAX_CANDIDATE_TOKENS = 12
TYPED_INTENTS = frozenset({"when", "count"})

LENGTH_BINS: tuple[tuple[str, int, int], ...] = (
    ("len_1", 1, 1),
    ("len_2", 2, 2),
    ("len_3", 3, 3),
    ("len_4_5", 4, 5),
    ("len_6_8", 6, 8),
    ("len_9", 9, MAX_CANDIDATE_TOKENS),
)

FEATURES: tuple[str, ...] = (
    "pull",
    "pull_rel",
    "pull_best",
    "left_anchor",
    "right_anchor",
    "term_share",
    "has_term",
    "first_term",
    "last_term",
    *(name for name, _, _ in LENGTH_BINS),
    *(f"typed_{name}" for name, _, _ in LENGTH_BINS),
    "typed_has_kind",
    "typed_starts_kind",
    "typed_ends_kind",
    "typed_first_stop",
    "typed_unit_after",
    "untyped_has_kind",
    "untyped_all_kind",
    "start_break",
    "end_break",
    "inner_breaks",
    "first_stop",
    "last_stop",
    "content_share",
    "position",
    "sentence_start",
    "sentence_end",
    "whole_run",
    "clause",
    "left_gap_0",
    "left_gap_1",
    "left_gap_2",
    "right_gap_0",
    "right_gap_1",
    "after_anchors",
    "before_anchors",
    "typed_lead_0",
    "typed_lead_1",
    "typed_lead_2",
    "typed_lead_content",
    "typed_lead_break",
    "baseline",
    "baseline_overlap",
)
COLUMN = {name: k for k, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class SpanModel:
    """A linear score over standardised span features (a softmax over a sentence's candidates in the fit):
    only the ranking matters, so there is no bias. Stored under ``span_model`` in the answer models."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    # weight / scale per column of ``FEATURES`` (0 for a feature the model lacks): one matrix product
    _coef: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (len(self.weights) == len(self.mean) == len(self.scale) == len(self.features)):
            raise ValueError("features, weights, mean and scale differ in length")
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown span features: {', '.join(sorted(unknown))}")
        coef = np.zeros(len(FEATURES))
        for f, w, s in zip(self.features, self.weights, self.scale, strict=True):
            coef[COLUMN[f]] = w / (s or 1.0)
        object.__setattr__(self, "_coef", coef)  # the means shift every candidate alike: no effect on ranking

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        return matrix @ self._coef

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SpanModel:
        return cls(
            features=tuple(data["features"]),
            weights=tuple(float(w) for w in data["weights"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "mean": list(self.mean),
            "scale": list(self.scale),
        }


@dataclass(frozen=True)
class Candidates:
    """A sentence's candidate spans: token indices ``first``..``last`` and one row of ``FEATURES`` each."""

    first: np.ndarray
    last: np.ndarray
    matrix: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    def features(self, k: int) -> dict[str, float]:
        """Candidate ``k``'s non-zero features by name."""
        return {name: float(v) for name, v in zip(FEATURES, self.matrix[k], strict=True) if v}

    def index(self, first: int, last: int) -> int | None:
        hit = np.flatnonzero((self.first == first) & (self.last == last))
        return int(hit[0]) if len(hit) else None


def of_kind(token: Token, intent: str) -> bool:
    """Whether a token is of the kind a «كم» question (a number) or any other (a number or month) asks for."""
    return token.number or (token.month and intent != "count")


NO_CANDIDATES = Candidates(np.zeros(0, int), np.zeros(0, int), np.zeros((0, len(FEATURES))))


def candidates(
    tokens: Sequence[Token],
    anchors: Sequence[Anchor],
    intent: str,
    prior: SpanPrior,
    baseline: tuple[int, int] | None = None,
) -> Candidates:
    """Every span of up to ``MAX_CANDIDATE_TOKENS`` tokens that says something the question does not
    (it holds a word that is neither the question's nor a stopword), with its features. For «متى»/«كم» the
    span must hold a date or number that is not the question's. ``baseline``: the span the prior alone
    picks, offered as a feature so that the model starts from it. Vectorised: a long sentence has hundreds
    of candidates, and this runs for every sentence an article answer quotes."""
    n = len(tokens)
    if not n:
        return NO_CANDIDATES
    typed_q = intent in TYPED_INTENTS
    term = np.array([t.in_question for t in tokens])
    stop = np.array([t.stop for t in tokens])
    kind = np.array([of_kind(t, intent) and not t.in_question for t in tokens])
    new = ~(term | stop)
    breaks = np.array([t.breaks for t in tokens])
    breaks[0] = True  # a sentence's start is a clause boundary

    def acc(a: np.ndarray) -> np.ndarray:  # prefix sums: a span's count is two lookups
        return np.concatenate(([0], np.cumsum(a)))

    acc_term, acc_kind, acc_new, acc_inner = acc(term), acc(kind), acc(new), acc(breaks)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(MAX_CANDIDATE_TOKENS), indexing="ij"))
    j = i + j
    keep = j < n
    i, j = i[keep], j[keep]
    keep = acc_new[j + 1] - acc_new[i] > 0
    if typed_q:
        keep &= acc_kind[j + 1] - acc_kind[i] > 0
    i, j = i[keep], j[keep]
    if not len(i):
        return NO_CANDIDATES
    length = j - i + 1
    terms = acc_term[j + 1] - acc_term[i]
    kinds = acc_kind[j + 1] - acc_kind[i]
    pull = _pull(anchors, i, j, prior, typed_q)
    top = pull.max() or 1.0
    ends_clause = np.append(breaks[1:], True)  # the token after the span opens a clause, or there is none
    positions = np.array(sorted({a.position for a in anchors}), dtype=int)
    previous = _nearest(positions, n, before=True)  # per token: the nearest anchor before it (-1: none)
    following = _nearest(positions, n, before=False)  # and after it (n: none)
    runs = _runs(tokens)
    x = np.zeros((len(i), len(FEATURES)))

    def put(name: str, values: np.ndarray | float) -> None:
        x[:, COLUMN[name]] = values

    put("pull", pull)
    put("pull_rel", pull / top)
    put("pull_best", pull >= top - 1e-9)
    put("left_anchor", _adjacent(term, stop, i, -1))
    put("right_anchor", _adjacent(term, stop, j, +1))
    put("term_share", terms / length)
    put("has_term", terms > 0)
    put("first_term", term[i])
    put("last_term", term[j])
    put("start_break", breaks[i])
    put("end_break", ends_clause[j])
    put("inner_breaks", acc_inner[j + 1] - acc_inner[i + 1])
    put("first_stop", stop[i])
    put("last_stop", stop[j])
    put("content_share", (acc_new[j + 1] - acc_new[i]) / length)
    put("position", i / n)
    put("sentence_start", i == 0)
    put("sentence_end", j == n - 1)
    put("whole_run", np.array([(a, b) in runs for a, b in zip(i.tolist(), j.tolist(), strict=True)]))
    put("clause", breaks[i] & ends_clause[j])
    if len(positions):
        put("after_anchors", positions[-1] < i)
        put("before_anchors", positions[0] > j)
    left = previous[i]
    gap = i - left - 1
    put("left_gap_0", (left >= 0) & (gap == 0))
    put("left_gap_1", (left >= 0) & (gap == 1))
    put("left_gap_2", (left >= 0) & (gap >= 2))
    right = following[j]
    put("right_gap_0", (right < n) & (right - j - 1 == 0))
    put("right_gap_1", (right < n) & (right - j - 1 >= 1))
    for name, lo, hi in LENGTH_BINS:
        inside = (length >= lo) & (length <= hi)
        put(name, inside)
        if typed_q:
            put(f"typed_{name}", inside)
    if typed_q:
        put("typed_has_kind", kinds > 0)
        put("typed_starts_kind", kind[i])
        put("typed_ends_kind", kind[j])
        put("typed_first_stop", stop[i])
        put("typed_unit_after", (j > i) & kind[np.maximum(j - 1, 0)] & ~stop[j])
        lead = _first_from(kind, i) - i  # tokens before the span's first date or number
        put("typed_lead_0", lead == 0)
        put("typed_lead_1", lead == 1)
        put("typed_lead_2", lead >= 2)
        # what stands before the first date or number: content words («قرن (784») or a clause boundary
        head = i + lead  # the first date or number (every typed candidate holds one)
        put("typed_lead_content", acc_new[head] - acc_new[i])
        put("typed_lead_break", acc_inner[head + 1] - acc_inner[i + 1])
    else:
        put("untyped_has_kind", kinds > 0)
        put("untyped_all_kind", kinds == length)
    if baseline is not None:
        b0, b1 = baseline
        inter = np.maximum(0, np.minimum(j, b1) - np.maximum(i, b0) + 1)
        put("baseline", (i == b0) & (j == b1))
        put("baseline_overlap", inter / (np.maximum(j, b1) - np.minimum(i, b0) + 1))
    return Candidates(i, j, x)


def best(cands: Candidates, model: SpanModel) -> int | None:
    """The index of the highest-scoring candidate (the shorter, then the earlier, on a tie)."""
    if not len(cands):
        return None
    return int(np.lexsort((cands.first, cands.last - cands.first, -model.scores(cands.matrix)))[0])


def _pull(anchors: Sequence[Anchor], i: np.ndarray, j: np.ndarray, prior: SpanPrior, typed: bool) -> np.ndarray:
    """``SpanPrior.pull`` for every span at once: each question word once, by its strongest occurrence."""
    behind = prior.typed_behind if typed else prior.behind
    best: dict[str, np.ndarray] = {}
    for a in anchors:
        got = np.where(
            a.position < i,
            a.weight * prior.decay ** (i - a.position - 1.0),
            np.where(a.position > j, a.weight * behind * prior.decay ** (a.position - j - 1.0), 0.0),
        )
        best[a.term] = np.maximum(best[a.term], got) if a.term in best else got
    return sum(best.values(), np.zeros(len(i)))


def _nearest(positions: np.ndarray, n: int, *, before: bool) -> np.ndarray:
    """Per token index: the nearest anchor position strictly before it (-1 when none), or after it (n)."""
    idx = np.arange(n)
    if not len(positions):
        return np.full(n, -1 if before else n)
    if before:
        k = np.searchsorted(positions, idx, side="left") - 1
        return np.where(k >= 0, positions[np.maximum(k, 0)], -1)
    k = np.searchsorted(positions, idx, side="right")
    return np.where(k < len(positions), positions[np.minimum(k, len(positions) - 1)], n)


def _first_from(flags: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per start index: the first index at or after it whose flag is set (len(flags) when none)."""
    n = len(flags)
    nxt = np.full(n + 1, n)
    for k in range(n - 1, -1, -1):
        nxt[k] = k if flags[k] else nxt[k + 1]
    return nxt[start]


def _adjacent(term: np.ndarray, stop: np.ndarray, at: np.ndarray, step: int) -> np.ndarray:
    """1 when the next token outward is one of the question's words, 0.5 when a stopword stands between."""
    n = len(term)
    k, k2 = at + step, at + 2 * step
    ok, ok2 = (k >= 0) & (k < n), (k2 >= 0) & (k2 < n)
    near = ok & term[np.clip(k, 0, n - 1)]
    far = ok & ok2 & stop[np.clip(k, 0, n - 1)] & term[np.clip(k2, 0, n - 1)]
    return np.where(near, 1.0, np.where(far, 0.5, 0.0))


def _runs(tokens: Sequence[Token]) -> set[tuple[int, int]]:
    """Maximal runs of tokens that are not the question's, cut at clause boundaries."""
    out: set[tuple[int, int]] = set()
    i = 0
    while i < len(tokens):
        if tokens[i].in_question:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and not tokens[j + 1].in_question and not tokens[j + 1].breaks:
            j += 1
        out.add((i, j))
        i = j + 1
    return out
