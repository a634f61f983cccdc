"""Fit the sentence ranker and the answerability model on a dev split; report both splits.

    .venv/bin/python scripts/fit_answerability.py                       # fit on ARCD dev, report dev + test
    .venv/bin/python scripts/fit_answerability.py --report-only         # score the saved model, fit nothing

Data: ARCD train (`../shared/datasets/arcd/`), split by title into dev (fitted on) and test (held out),
plus our own single-turn article and unanswerable items (`--own`, repeatable, each set on its own knowledge base;
by default the shipped base's `evals/datasets/core.jsonl`; the paraphrase splits and the unread held-out sets
are never used here),
each built into a knowledge base with a fraction of its articles left out (their questions must be
refused). Ranker rows: every candidate sentence of an in-base question, labelled by whether it holds a
gold answer. Answerability rows: one per question (its best candidate's features), labelled in-base
(answerable) or left out. The threshold is the dev point that maximises refusals of left-out questions, weighted
by ``--answer-cost`` (answering what the base does not hold costs that many false refusals), minus refusals of
in-base ones (a cost-weighted Youden's J); the quote ratio (when the runner-up sentence is quoted too) maximises gold
among quoted sentences less 5 points per extra sentence; the short answer's span prior maximises its token
F1 on the gold sentence (span choice apart from sentence ranking). Writes
``knowledge/reference/answerability.json`` and ``artifacts/fit/report.json``; vectors are cached in
``artifacts/fit/<split>/data`` between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


RANKER_FEATURES = [
    "dense",
    "lex",
    "lex_window",
    "lex_article",
    "title",
    "lex_topic",
    "lex_beyond_lead",
    "rank",
    "chunk_dense",
    "no_terms",
    "typed",
]
ANSWERABLE_FEATURES = [
    "ranker",
    "dense",
    "dense_margin",
    "dense_peak",
    "lex",
    "lex_window",
    "lex_article",
    "title",
    "unknown",
    "missing",
    "chunk_lift",  # above the base's dense floor: chunk_dense's absolute scale is the genre's (index/floor.py)
    "no_terms",
    "typed",
]


# Questions in another script than the base (English questions about Arabic articles): their own models, over
# dense evidence and transliterated names (their lexical features are empty by construction).
CROSS_RANKER_FEATURES = [
    "dense",
    "rank",
    "chunk_dense",
    "typed",
    "name_sentence",
    "name_window",
    "name_title",
    "no_names",
    "entity_window",
    "entity_title",
    "no_entities",
]
CROSS_ANSWERABLE_FEATURES = [
    "ranker",
    "dense",
    "dense_margin",
    "dense_peak",
    "chunk_dense",
    "typed",
    "name_sentence",
    "name_title",
    "no_names",
    "names_missing",
    "entity_window",
    "entity_title",
    "no_entities",
]
QUESTIONS_EN = ROOT / "evals" / "datasets" / "arcd-en" / "questions-en.jsonl"  # ARCD's questions in English
NAME_RATIOS = [70.0, 75.0, 80.0, 85.0, 90.0, 101.0]  # name_min_ratio grid (101: a name must be spelt alike)

Labelled = tuple[str, str, bool, list[list[str]]]  # id, question, answerable, gold groups (all must occur)


ENGINE_RULES = {"out_of_scope", "cross_lingual", "articles", "article_asked", "refuse"}  # where the fitted parts decide


def candidate_rows(
    knowledge_dir: Path,
    data_dir: Path,
    items: list[Labelled],
    only_article_engine: bool = False,
    spans: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Per question: its candidates' features and gold labels (the model is not involved). With
    ``only_article_engine``, questions another rule answers (claims, records, refusals before retrieval)
    are left out: the models are only ever asked about the questions that reach the article engine.
    ``spans``: each question's gold answer spans (SQuAD's), kept with the text of its best-ranked gold
    sentence for fitting the short answer's span prior."""
    from assistant import Assistant
    from assistant.answer.rules import UnknownName
    from assistant.pipeline import Turn
    from assistant.settings import Settings
    from assistant.text import normalize

    bot = Assistant.load(Settings(knowledge_dir=knowledge_dir, data_dir=data_dir), warm=False)
    pipe = bot._pipeline
    assert pipe is not None
    rows = []
    for item_id, question, answerable, groups in items:
        if only_article_engine and pipe.run(question, []).rule not in ENGINE_RULES:
            continue
        turn = pipe.understand(Turn(question=question, history=[]))
        docs = pipe.retrieve_articles(turn)
        vector = pipe.embed_query(turn.frame.text)
        cross = pipe.cross_lingual(turn)
        cands = pipe.article.candidates(turn.frame.text, vector, docs, turn.frame.intent, cross)
        _, share = pipe.unknown_words(turn)
        keys = [[normalize(g) for g in group if g.strip()] for group in groups]

        def gold(text: str, keys: list[list[str]] = keys) -> bool:
            norm = normalize(text)
            return bool(keys) and all(any(k in norm for k in group) for group in keys)

        labelled = [(c, gold(bot.kb.article(c.article_id).body[c.start : c.end])) for c in cands]
        gold_sentence = next((bot.kb.article(c.article_id).body[c.start : c.end] for c, g in labelled if g), None)
        terms = pipe.article.answer_terms(turn.frame.text)
        gold_article = next((c.article_id for c, g in labelled if g), None)
        # as the engine weighs them for the short answer, in the article of its best-ranked gold sentence
        weights, topic = pipe.article.anchoring(terms, gold_article) if gold_article else ({}, [])
        rows.append(
            {
                "id": item_id,
                "answers": (spans or {}).get(item_id, []),
                "gold_sentence": gold_sentence,
                "answerable": answerable,
                "question": question,
                "intent": turn.frame.intent,
                "terms": terms,
                "weights": weights,
                "topic": topic,
                "unknown_share": share,  # what the out_of_scope rule compares with max_unknown_share
                "anchored": pipe.anchored(turn.frame),
                "anchored_strictly": pipe.anchored(turn.frame, strict=True),
                "cross": cross is not None,  # the out_of_scope rule does not apply; the cross-lingual models do
                "names_missing": cross.names_missing if cross is not None else 0.0,
                # what the unknown_name rule weighs: each Latin-script name the base does not write as such,
                # with how closely (0–100) a word of the base spells it
                "names_found": [found for _, found in UnknownName.names(turn, pipe)],
                "candidates": [{"features": c.features, "id": c.source_id, "gold": g} for c, g in labelled],
            }
        )
    return rows


def collect(
    split: str, source: Path, out: Path, leave_out: float, seed: int, questions: Path | None = None
) -> list[dict[str, Any]]:
    """ARCD rows of one split: in-base questions (any gold answer labels a sentence) and left-out ones.
    ``questions``: the same questions in another language (``evals.squad.read_questions``), asked of the
    same knowledge base."""
    from evals.squad import build_squad_kb, read_questions

    overlay = read_questions(questions) if questions else None
    kb = build_squad_kb(source, out / split, split=split, leave_out=leave_out, seed=seed, questions=overlay)
    items: list[Labelled] = [(i.id, i.question or "", True, [i.expect.gold]) for i in kb.in_base]
    items += [(i.id, i.question or "", False, []) for i in kb.left_out]
    spans = {i.id: list(i.expect.gold) for i in kb.in_base}
    return candidate_rows(kb.knowledge_dir, out / split / "data", items, spans=spans)


@dataclass(frozen=True)
class OwnSet:
    """One of our own eval sets and the knowledge base it asks (``DATASET`` or ``DATASET=KNOWLEDGE_DIR`` on
    the command line; the shipped ``knowledge/`` when none is given)."""

    dataset: Path
    knowledge_dir: Path

    @classmethod
    def parse(cls, value: str) -> OwnSet:
        dataset, _, kdir = value.partition("=")
        return cls(Path(dataset), Path(kdir) if kdir else ROOT / "knowledge")

    @property
    def name(self) -> str:
        return self.dataset.stem


DEFAULT_OWN = (f"{ROOT / 'evals' / 'datasets' / 'core.jsonl'}",)


def collect_own(own: OwnSet, out: Path) -> list[dict[str, Any]]:
    """Our own items: the single-turn article and unanswerable questions of ``own`` (an item tagged
    ``slice:article``, ``article:<id>`` or ``slice:unanswerable``; never an injection), those that reach the
    article engine. Never the paraphrase splits or the unread held-out sets, which stay held out."""
    from evals.schema import load_dataset

    items: list[Labelled] = []
    for i in load_dataset(own.dataset).items:
        tags = set(i.tags)
        about_articles = bool({"slice:article", "slice:unanswerable"} & tags) or any(
            t.startswith("article:") for t in tags
        )
        if i.turns or not about_articles or "slice:injection" in tags:
            continue
        items.append((i.id, i.question or "", i.expect.answerable, [list(g) for g in i.expect.all]))
    return candidate_rows(own.knowledge_dir, out / "own" / own.name / "data", items, only_article_engine=True)


def _matrix(rows: list[dict[str, float]], names: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.array([[float(r.get(n, 0.0)) for n in names] for r in rows])


def fit_logistic(x, y, names: list[str], weights=None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    model.fit((x - mean) / scale, y, sample_weight=weights)
    return {
        "features": names,
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
    }


def fit_pairwise(questions: list[tuple[list[dict[str, Any]], float]], names: list[str]) -> dict[str, Any]:
    """The ranker: weights fitted on pairs (a gold sentence against another candidate of the same question,
    each question weighing ``weight`` in all), so they learn which of a question's sentences answers rather
    than how answer-like a sentence looks across questions; then Platt-scaled on the candidates' own labels,
    so that its output is a probability (the quote ratio and the answerability model read it as one)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    every = [c for cands, _ in questions for c in cands]
    x_all = _matrix([c["features"] for c in every], names)
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0)
    scale[scale == 0] = 1.0
    diffs, weights = [], []
    for cands, weight in questions:
        x = (_matrix([c["features"] for c in cands], names) - mean) / scale
        gold = [i for i, c in enumerate(cands) if c["gold"]]
        other = [i for i, c in enumerate(cands) if not c["gold"]]
        for i in gold:
            for j in other:
                diffs.append(x[i] - x[j])
                weights.append(weight / (len(gold) * len(other)))
    d, w = np.array(diffs), np.array(weights)
    pairwise = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000)
    pairwise.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))], sample_weight=np.r_[w, w])
    coef = pairwise.coef_[0]
    per_candidate = np.array([weight for cands, weight in questions for _ in cands])
    z = ((x_all - mean) / scale) @ coef
    platt = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    platt.fit(z.reshape(-1, 1), np.array([int(c["gold"]) for c in every]), sample_weight=per_candidate)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return {
        "features": names,
        "weights": [round(float(v) * a, 6) for v in coef],
        "bias": round(b, 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
    }


SPAN_GRID = {
    "decay": [0.5, 0.6, 0.7, 0.8, 0.9],
    "behind": [0.0, 0.1, 0.2, 0.3, 0.5, 1.0],
    "length_cap": [2, 3, 4, 5, 6],
    "typed_behind": [0.0, 0.2, 0.5, 1.0],
    "topic": [0.0, 0.25, 0.5, 1.0],
}


def _short(direct, q: dict[str, Any]) -> str | None:  # type: ignore[no-untyped-def]
    terms = frozenset(q["terms"])
    return direct.find(q["gold_sentence"], terms, q["intent"], weights=q.get("weights"), topic=q.get("topic", ()))


def span_f1(rows: list[dict[str, Any]], direct) -> float:  # type: ignore[no-untyped-def]
    """Mean token F1 (0–100) of the short answer found in each question's gold sentence: span choice alone,
    apart from sentence ranking (questions whose candidates hold no gold sentence are left out)."""
    from evals.squad import token_f1

    scores = [
        100.0 * max(token_f1(_short(direct, q) or "", a) for a in q["answers"])
        for q in rows
        if q["answerable"] and q.get("gold_sentence") and q.get("answers")
    ]
    return sum(scores) / max(len(scores), 1)


def fit_span_prior(rows: list[dict[str, Any]], kb):  # type: ignore[no-untyped-def]
    """The grid point of ``SPAN_GRID`` with the best dev span F1 (the first of equals, in grid order)."""
    import functools
    import itertools

    from assistant.answer.direct import DirectAnswers, SpanPrior

    direct = DirectAnswers.for_base(kb)
    tokens = functools.lru_cache(maxsize=None)(direct.tokens)  # the prior does not change a sentence's tokens
    direct.tokens = lambda sentence, terms, places=False: tokens(sentence, frozenset(terms), places=places)  # type: ignore[method-assign]

    def f1(prior: SpanPrior) -> float:
        direct.prior = prior
        return span_f1(rows, direct)

    return max((SpanPrior(*p) for p in itertools.product(*SPAN_GRID.values())), key=f1)


# no unpenalised point: expected F1 under a softmax is not convex, and without a penalty the weights grow without
# bound on features that separate a few sentences (on this stop's rows, L2 0 won the cross-validation by noise
# and the full fit reached dev span F1 48.5, where L2 1e-3 reaches 52.7 and the shipped model's 1e-4 54.3)
SPAN_L2 = (0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SPAN_FOLDS = 5


def span_examples(rows: list[dict[str, Any]], direct):  # type: ignore[no-untyped-def]
    """Per question with a gold sentence: its candidate spans' feature matrix and each one's token F1 to the
    gold."""
    from assistant.answer.direct import Asked
    from evals.squad import token_f1

    out = []
    for q in rows:
        if not (q["answerable"] and q.get("gold_sentence") and q.get("answers")):
            continue
        sentence = q["gold_sentence"]
        asked = Asked(frozenset(q["terms"]), q["intent"], q.get("weights") or {}, frozenset(q.get("topic", ())))
        tokens, cands, _ = direct.spans(sentence, asked)
        if len(cands):
            texts = [sentence[tokens[a].start : tokens[b].end] for a, b in zip(cands.first, cands.last, strict=True)]
            out.append((cands.matrix, [max(token_f1(t, g) for g in q["answers"]) for t in texts]))
    return out


def fit_span_model(rows: list[dict[str, Any]], direct) -> tuple[dict[str, Any], float]:  # type: ignore[no-untyped-def]
    """The span model: a softmax over each gold sentence's candidate spans, fitted to maximise the expected
    token F1 of the chosen span on dev, with its L2 penalty chosen by ``SPAN_FOLDS``-fold cross-validation
    on dev (folds are runs of questions, so an article stays in one). Returns the model and its CV F1."""
    import numpy as np
    from scipy.optimize import minimize

    from assistant.answer.spans import FEATURES

    names = list(FEATURES)
    examples = span_examples(rows, direct)
    matrices = [m for m, _ in examples]
    every = np.vstack(matrices)
    mean, scale = every.mean(axis=0), every.std(axis=0)
    scale[scale == 0] = 1.0
    data = [((m - mean) / scale, np.array(f1)) for m, (_, f1) in zip(matrices, examples, strict=True)]

    def loss(w, part, l2):  # type: ignore[no-untyped-def]
        value, grad = 0.0, np.zeros_like(w)
        for x, f1 in part:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            expected = p @ f1
            value -= expected
            grad -= x.T @ (p * (f1 - expected))
        return value / len(part) + l2 * (w @ w), grad / len(part) + 2 * l2 * w

    def fit(part, l2):  # type: ignore[no-untyped-def]
        return minimize(loss, np.zeros(len(names)), args=(part, l2), jac=True, method="L-BFGS-B").x

    def f1_of(w, part) -> float:  # type: ignore[no-untyped-def]
        return 100.0 * float(np.mean([f1[int(np.argmax(x @ w))] for x, f1 in part]))

    def cross_validated(l2: float) -> float:
        n, scores = len(data), []
        for k in range(SPAN_FOLDS):
            lo, hi = k * n // SPAN_FOLDS, (k + 1) * n // SPAN_FOLDS
            scores.append(f1_of(fit(data[:lo] + data[hi:], l2), data[lo:hi]))
        return float(np.mean(scores))

    cv = {l2: cross_validated(l2) for l2 in SPAN_L2}
    l2 = max(SPAN_L2, key=lambda v: cv[v])
    w = fit(data, l2)
    model = {
        "features": names,
        "weights": [round(float(v), 6) for v in w],
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "l2": l2,
    }
    return model, round(cv[l2], 1)


def _apart(a: str, b: str) -> bool:
    """Another article, or more than two sentences away (as the engine's margin counts them)."""
    (aa, oa), (ab, ob) = a.rsplit("#s", 1), b.rsplit("#s", 1)
    return aa != ab or abs(int(oa) - int(ob)) > 2


def _flags(q: dict[str, Any]) -> dict[str, Any]:
    return {k: q.get(k) for k in ("unknown_share", "anchored", "anchored_strictly", "cross", "names_found")}


def best_rows(rows: list[dict[str, Any]], ranker, ratio: float = 1.01, cross=None) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Each question's best candidate under ``ranker``, as the answerability model sees it; ``gold`` says
    whether the quoted sentences (the best, and the runner-up when it scores ``ratio`` of the best) hold it.
    ``cross``: (ranker, ratio) for the cross-lingual questions among ``rows``."""
    out = []
    plain = (ranker, ratio)
    for q in rows:
        ranker, ratio = cross if cross is not None and q.get("cross") else plain
        cands = q["candidates"]
        if not cands:
            none = {"gold": False, "top1": False, "features": None, "quoted": 0}
            out.append({**_flags(q), "answerable": q["answerable"], **none})
            continue
        scored = sorted(cands, key=lambda c: -ranker.probability(c["features"]))
        best = scored[0]
        quoted = [best] + [
            c for c in scored[1:2] if ranker.probability(c["features"]) >= ratio * ranker.probability(best["features"])
        ]
        others = [c["features"]["dense"] for c in scored[1:] if _apart(c["id"], best["id"])]
        feats = {**best["features"], "ranker": ranker.probability(best["features"])}
        feats["dense_margin"] = best["features"]["dense"] - (max(others) if others else 0.0)
        feats["dense_peak"] = best["features"]["dense"] - statistics.median(c["features"]["dense"] for c in scored)
        if q.get("cross"):
            feats["names_missing"] = q.get("names_missing", 0.0)
        out.append(
            {
                **_flags(q),
                "answerable": q["answerable"],
                "gold": any(c["gold"] for c in quoted),
                "top1": bool(best["gold"]),
                "features": feats,
                "quoted": len(quoted),
            }
        )
    return out


def out_of_scope(q: dict[str, Any], limit: float) -> bool:
    """The out_of_scope rule, as `assistant.answer.rules.OutOfScope` applies it."""
    if q.get("cross"):  # a question in another script: the rule leaves it to the cross-lingual models
        return False
    # the rule's idf-weighted share is the candidates' `unknown` feature (same terms, same weights)
    share = q["features"]["unknown"] if q.get("features") else q.get("unknown_share", 0.0)
    return (share >= limit and not q.get("anchored")) or (share >= 0.75 and not q.get("anchored_strictly"))


def unknown_name(q: dict[str, Any], name_ratio: float) -> bool:
    """The unknown_name rule, as `assistant.answer.rules.UnknownName` applies it."""
    return any(found < name_ratio for found in q.get("names_found") or [])


def evaluate(  # type: ignore[no-untyped-def]
    best: list[dict[str, Any]],
    answerable,
    threshold: float,
    limit: float = 1.01,
    name_ratio: float = 0.0,
    cross=None,
) -> dict[str, Any]:
    """Rates for the fitted parts together: the out_of_scope rule (``limit``), the unknown_name rule
    (``name_ratio``) and the answerability model. ``cross``: (answerable, threshold) for the cross-lingual
    questions among ``best``."""
    inside = [b for b in best if b["answerable"]]
    outside = [b for b in best if not b["answerable"]]

    def model(b: dict[str, Any]):  # type: ignore[no-untyped-def]
        return cross if cross is not None and b.get("cross") else (answerable, threshold)

    def p(b: dict[str, Any]) -> float:
        if out_of_scope(b, limit) or unknown_name(b, name_ratio):
            return 0.0
        return model(b)[0].probability(b["features"]) if b["features"] else 0.0

    def answered(b: dict[str, Any]) -> bool:
        return p(b) >= model(b)[1]

    answered_gold = sum(1 for b in inside if answered(b) and b["gold"])
    refused_in = sum(1 for b in inside if not answered(b))
    refused_out = sum(1 for b in outside if not answered(b))
    bins = []
    probs = [(p(b), b["answerable"]) for b in best]
    for lo in [i / 10 for i in range(10)]:
        got = [a for q, a in probs if lo <= q < lo + 0.1 or (lo == 0.9 and q == 1.0)]
        if got:
            mean_p = sum(q for q, _ in probs if lo <= q < lo + 0.1) / max(len(got), 1)
            bins.append(
                {
                    "bin": f"{lo:.1f}–{lo + 0.1:.1f}",
                    "n": len(got),
                    "predicted": round(mean_p, 3),
                    "observed": round(sum(got) / len(got), 3),
                }
            )
    brier = sum((q - float(a)) ** 2 for q, a in probs) / max(len(probs), 1)
    return {
        "in_base": len(inside),
        "left_out": len(outside),
        "best_sentence_has_gold": round(sum(b["top1"] for b in inside) / max(len(inside), 1), 4),
        "quoted_sentences_have_gold": round(sum(b["gold"] for b in inside) / max(len(inside), 1), 4),
        "sentences_quoted": round(sum(b["quoted"] for b in inside) / max(len(inside), 1), 2),
        "gold_in_answer": round(answered_gold / max(len(inside), 1), 4),
        "false_refusal": round(refused_in / max(len(inside), 1), 4),
        "left_out_refused": round(refused_out / max(len(outside), 1), 4),
        "brier": round(brier, 4),
        "calibration": bins,
    }


def fit_models(
    rows: list[dict[str, Any]], weight_of: dict[int, float], ranker_names: list[str], answerable_names: list[str]
):  # type: ignore[no-untyped-def]
    """A pairwise ranker on the answerable rows with a gold and a non-gold candidate, then the answerability
    model on each row's best candidate under it."""
    import numpy as np

    from assistant.answer.answerability import Logistic

    ranked = [
        (q["candidates"], weight_of[id(q)])
        for q in rows
        if q["answerable"] and any(c["gold"] for c in q["candidates"]) and not all(c["gold"] for c in q["candidates"])
    ]
    ranker_json = fit_pairwise(ranked, ranker_names)
    ranker = Logistic.from_json(ranker_json)
    scored = [(b, weight_of[id(q)]) for q, b in zip(rows, best_rows(rows, ranker), strict=True) if b["features"]]
    xa = _matrix([b["features"] for b, _ in scored], answerable_names)
    ya = np.array([int(b["answerable"]) for b, _ in scored])
    answerable_json = fit_logistic(xa, ya, answerable_names, np.array([w for _, w in scored]))
    return ranker_json, ranker, answerable_json, Logistic.from_json(answerable_json)


def fit_quote_ratio(inside: list[dict[str, Any]], ranker) -> float:  # type: ignore[no-untyped-def]
    """Gold among quoted sentences, less 5 points per extra sentence, at its best."""

    def quote_value(r: float) -> float:
        got = best_rows(inside, ranker, r)
        return sum(b["gold"] for b in got) / len(got) - 0.05 * (sum(b["quoted"] for b in got) / len(got) - 1)

    return max([i / 10 for i in range(1, 11)], key=quote_value)


def answer_removed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions about a topic the base holds whose answer it lacks, made from answerable ones as SQuAD 2.0
    makes its own: the gold sentences taken out of the candidates. Left-out articles teach the answerability
    model that a topic is absent; these teach it that a topic present is not an answer present («كم يتقاضى
    حموشي؟» of an article about his meetings)."""
    out = []
    for q in rows:
        if q["answerable"] and any(c["gold"] for c in q["candidates"]):
            rest = [c for c in q["candidates"] if not c["gold"]]
            if rest:
                out.append({**q, "answerable": False, "answer_removed": True, "candidates": rest})
    return out


def fit_set(dev, own, names, grid, point, args):  # type: ignore[no-untyped-def]
    """One set of models on ``dev`` plus ``own`` items (weighted ``--own-weight``): the ranker and the
    answerability model (``names``: their features), the quote ratio, and the point of ``grid`` (a threshold
    and a rule's limit; ``point`` turns one into ``evaluate``'s arguments) with the best cost-weighted
    Youden's J (``--answer-cost`` × left-out refused − in-base refused)."""
    rows = dev + own
    removed = answer_removed(dev) if args.removed_weight > 0 else []
    weight_of = {id(q): (args.own_weight if q in own else 1.0) for q in rows}
    weight_of |= {id(q): args.removed_weight for q in removed}
    # the answer-removed questions teach the answerability model only: the threshold is chosen on real ones
    ranker_json, ranker, answerable_json, answerable = fit_models(rows + removed, weight_of, *names)
    ratio = fit_quote_ratio([q for q in dev if q["answerable"]], ranker)
    best = best_rows(rows, ranker, ratio)

    def utility(at: tuple[float, float]) -> float:
        m = evaluate(best, answerable, **point(at))
        return args.answer_cost * m["left_out_refused"] - m["false_refusal"]

    return ranker_json, ranker, answerable_json, answerable, ratio, middle_of_best({at: utility(at) for at in grid})


def middle_of_best(scores: dict[tuple[float, float], float]) -> tuple[float, float]:
    """The middle point (in threshold order) of those with the best score. The criterion is flat over a range
    of thresholds, and the first of equals sits on the range's edge, where a refit on slightly different rows
    (an own item now answered by another rule) moves it."""
    top = max(scores.values())
    plateau = sorted(at for at, score in scores.items() if score >= top - 1e-9)
    return plateau[len(plateau) // 2]


def main(argv: list[str] | None = None) -> int:
    from assistant.answer.answerability import AnswerModels
    from assistant.answer.spans import SpanModel

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json")
    parser.add_argument(
        "--questions-en", type=Path, default=QUESTIONS_EN, help="ARCD's questions in English (cross-lingual fit)."
    )
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "fit")
    parser.add_argument("--model", type=Path, default=ROOT / "knowledge" / "reference" / "answerability.json")
    parser.add_argument(
        "--own",
        type=OwnSet.parse,
        action="append",
        help="An own eval set fitted on, DATASET or DATASET=KNOWLEDGE_DIR (repeatable: a user's base and items); "
        "default: core.jsonl on the shipped base.",
    )
    parser.add_argument("--own-weight", type=float, default=10.0, help="Weight of each own item against ARCD's.")
    parser.add_argument(
        "--answer-cost",
        type=float,
        default=2.0,
        help="What answering a question the base does not hold costs, in false refusals (threshold fit).",
    )
    parser.add_argument(
        "--removed-weight",
        type=float,
        default=0.0,
        help="Weight of each answer-removed dev question (answer_removed) in the answerability fit; 0 (shipped) = "
        "none: at 1 they raised test's false refusal 0.080 → 0.173 (README: Fitting).",
    )
    parser.add_argument("--leave-out", type=float, default=0.33)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--report-only", action="store_true", help="Score the saved model on both splits.")
    parser.add_argument("--recollect", action="store_true", help="Recompute the cached candidate features.")
    parser.add_argument(
        "--keep-cross-lingual",
        action="store_true",
        help="Refit the same-script models only; keep the saved cross-lingual ones (their features unchanged).",
    )
    parser.add_argument(
        "--ranker-only",
        action="store_true",
        help="Refit the same-script sentence ranker alone (implies --keep-cross-lingual); keep the saved "
        "answerability model, threshold, quote ratio, rule limit and span models: a new ranker feature measured "
        "without moving the rest (README: Fitting).",
    )
    args = parser.parse_args(argv)
    args.own = args.own or [OwnSet.parse(v) for v in DEFAULT_OWN]
    if args.ranker_only:
        args.keep_cross_lingual = True

    data = {}

    # features are cached: --recollect after changing how they are computed
    def cached(cache: Path, make: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        if cache.exists() and not args.recollect:
            return list(json.loads(cache.read_text(encoding="utf-8")))
        rows = make()
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return rows

    for split in ("dev", "test", "dev-en", "test-en"):  # the English splits ask the same bases (and indexes)
        name, _, lang = split.partition("-")
        overlay = args.questions_en if lang == "en" else None
        data[split] = cached(
            args.out / split / "rows.json",
            lambda n=name, o=overlay: collect(n, args.source, args.out, args.leave_out, args.seed, o),
        )
    data["own"] = []
    for own in args.own:
        data["own"] += cached(args.out / "own" / own.name / "rows.json", lambda o=own: collect_own(o, args.out))
    same = {s: [q for q in rows if not q.get("cross")] for s, rows in data.items()}
    cross = {s: [q for q in rows if q.get("cross")] for s, rows in data.items()}
    # the saved models: scored as they are (--report-only), or their cross-lingual part kept (--keep-cross-lingual)
    saved = AnswerModels.load(args.model) if args.report_only or args.keep_cross_lingual else None
    if args.report_only or args.ranker_only:
        models = saved
        assert models is not None
        ranker, answerable, threshold, ratio = models.ranker, models.answerable, models.threshold, models.quote_ratio
        limit = models.max_unknown_share
        if args.ranker_only:
            rows = same["dev"] + same["own"]
            weight_of = {id(q): (args.own_weight if q in same["own"] else 1.0) for q in rows}
            ranker_json, ranker, _, _ = fit_models(rows, weight_of, RANKER_FEATURES, ANSWERABLE_FEATURES)
            kept = json.loads(args.model.read_text(encoding="utf-8"))
            answerable_json = kept["answerable"]
    else:
        # cost-weighted Youden's J: refused left-out questions minus refused in-base ones, with the rule
        # fitted beside the threshold (out_of_scope's max_unknown_share)
        grid = [(t / 100, u / 20) for t in range(5, 96) for u in range(6, 21)]
        ranker_json, ranker, answerable_json, answerable, ratio, (threshold, limit) = fit_set(
            same["dev"],
            same["own"],
            (RANKER_FEATURES, ANSWERABLE_FEATURES),
            grid,
            lambda tu: {"threshold": tu[0], "limit": tu[1]},
            args,
        )
    kept_x: dict[str, Any] | None = None
    if saved is not None:
        x = saved.pick(True)
        ranker_x, answerable_x, threshold_x, ratio_x = x.ranker, x.answerable, x.threshold, x.quote_ratio
        name_ratio = saved.name_min_ratio
        if not args.report_only:  # written back as it was read
            kept_x = json.loads(args.model.read_text(encoding="utf-8"))["cross_lingual"]
    else:
        # the cross-lingual models: English questions about ARCD dev's Arabic articles (plus our own
        # cross-lingual items), fitted the same way; the threshold is fitted together with the unknown_name
        # rule's name_min_ratio (how closely the base must spell a Latin-script name)
        grid_x = [(t / 100, r) for t in range(5, 96) for r in NAME_RATIOS]
        ranker_x_json, ranker_x, answerable_x_json, answerable_x, ratio_x, (threshold_x, name_ratio) = fit_set(
            cross["dev-en"],
            cross["own"],
            (CROSS_RANKER_FEATURES, CROSS_ANSWERABLE_FEATURES),
            grid_x,
            lambda tr: {"threshold": tr[0], "name_ratio": tr[1]},
            args,
        )
    from assistant.answer.direct import DirectAnswers
    from assistant.knowledge.loader import load_knowledge

    span_kb = load_knowledge(args.out / "dev" / "knowledge")  # ARCD's bases share the shipped reference data
    prior = models.span_prior if args.report_only or args.ranker_only else fit_span_prior(same["dev"], span_kb)
    if args.report_only or args.ranker_only:
        span_model, span_cv = models.span_model, None
        span_json = kept["span_model"] if args.ranker_only else None
    else:
        span_json, span_cv = fit_span_model(same["dev"], DirectAnswers.for_base(span_kb, prior))
        span_model = SpanModel.from_json(span_json)
    report = {}
    for s, rows in data.items():  # each question with the models it would get
        best = best_rows(rows, ranker, ratio, (ranker_x, ratio_x))
        report[s] = evaluate(best, answerable, threshold, limit, name_ratio, (answerable_x, threshold_x))
        report[s]["cross_lingual"] = len(cross[s])
    for s in ("dev", "test"):  # refused of the questions whose answer was taken out of the base
        removed = best_rows(answer_removed(same[s]), ranker, ratio)
        report[s]["answer_removed_refused"] = evaluate(removed, answerable, threshold, limit)["left_out_refused"]
    for s in ("dev", "test"):  # the prior's pick is the baseline the span model is measured against
        report[s]["span_f1_gold_sentence_prior"] = round(span_f1(data[s], DirectAnswers.for_base(span_kb, prior)), 1)
        direct = DirectAnswers.for_base(span_kb, prior, span_model)
        report[s]["span_f1_gold_sentence"] = round(span_f1(data[s], direct), 1)
    print(
        f"threshold {threshold:.2f}, quote ratio {ratio:.1f}, max unknown share {limit:.2f}, span prior {prior}; "
        f"cross-lingual: threshold {threshold_x:.2f}, quote ratio {ratio_x:.1f}, name ratio {name_ratio:.0f}"
    )
    for s, m in report.items():
        print(
            f"{s:7s} in-base {m['in_base']:3d} left-out {m['left_out']:3d} (cross-lingual {m['cross_lingual']:3d})"
            f" | best sentence has gold {m['best_sentence_has_gold']:.3f} | quoted sentences have gold "
            f"{m['quoted_sentences_have_gold']:.3f} ({m['sentences_quoted']})"
            f" | gold in answer {m['gold_in_answer']:.3f}"
            " | false refusal "
            f"{m['false_refusal']:.3f} | left-out refused {m['left_out_refused']:.3f} | Brier {m['brier']:.3f}"
            + (f" | answer removed: refused {m['answer_removed_refused']:.3f}" if "answer_removed_refused" in m else "")
            + (
                f" | span F1, gold sentence {m['span_f1_gold_sentence']:.1f} (prior alone "
                f"{m['span_f1_gold_sentence_prior']:.1f})"
                if "span_f1_gold_sentence" in m
                else ""
            )
        )
    if span_cv is not None:
        print(f"span model: L2 {span_json['l2']}, {SPAN_FOLDS}-fold CV span F1 on dev {span_cv:.1f}")
    if not args.report_only:
        digest = hashlib.sha256(args.source.read_bytes()).hexdigest()[:16]
        saved = {
            "threshold": threshold,
            "quote_ratio": ratio,
            "max_unknown_share": limit,
            "direct": prior.to_json(),
            "span_model": span_json,
            "ranker": ranker_json,
            "answerable": answerable_json,
            "cross_lingual": kept_x
            or {
                "threshold": threshold_x,
                "quote_ratio": ratio_x,
                "name_min_ratio": name_ratio,
                "ranker": ranker_x_json,
                "answerable": answerable_x_json,
            },
            "provenance": {
                "fitted_by": "scripts/fit_answerability.py",
                "date": dt.date.today().isoformat(),
                "source": args.source.name,
                "source_sha256": digest,
                "split": "dev (titles hashed, ~60%)",
                "leave_out": args.leave_out,
                "seed": args.seed,
                "threshold_rule": "cost-weighted Youden's J on dev, with max_unknown_share: "
                f"{args.answer_cost} * left_out_refused - false_refusal",
                "ranker_rule": "pairwise logistic on dev (gold sentence vs each other candidate of its question), "
                "Platt-scaled on the candidates' labels",
                "quote_ratio_rule": "max over dev of gold among quoted sentences - 0.05 per extra sentence",
                "direct_rule": "grid (SPAN_GRID) max over dev of the short answer's token F1 on the gold sentence",
                "span_model_rule": "softmax over each dev gold sentence's candidate spans, maximising expected "
                f"token F1; L2 by {SPAN_FOLDS}-fold CV on dev (grid SPAN_L2), CV F1 {span_cv}"
                if not args.ranker_only
                else kept["provenance"].get("span_model_rule", ""),
                "ranker_only": "the ranker refitted alone (--ranker-only); the answerability model, threshold, quote "
                "ratio, rule limit and span models kept from the previous fit"
                if args.ranker_only
                else None,
                "own_items": f"{', '.join(o.dataset.name for o in args.own)}: single-turn article and unanswerable "
                f"items, weight {args.own_weight}",
                "answer_removed": "dev's answerable questions with their gold sentences taken out of the candidates, "
                f"as unanswerable, in the answerability fit only, weight {args.removed_weight}",
                "cross_lingual": (
                    "kept from the previous fit (--keep-cross-lingual): its features did not change"
                    if kept_x
                    else f"the same rules on dev's questions in English ({args.questions_en.name}) and our "
                    "own cross-lingual items; threshold fitted with name_min_ratio (grid NAME_RATIOS)"
                ),
                **{s: {k: v for k, v in report[s].items() if k != "calibration"} for s in report},
            },
        }
        args.model.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"saved {args.model}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
