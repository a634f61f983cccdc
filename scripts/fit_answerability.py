"""Fit the sentence ranker and the answerability model on a dev split; report both splits.

    .venv/bin/python scripts/fit_answerability.py                       # fit on ARCD dev, report dev + test
    .venv/bin/python scripts/fit_answerability.py --report-only         # score the saved model, fit nothing

Data: ARCD train (`../shared/datasets/arcd/`), split by title into dev (fitted on) and test (held out),
each built into a knowledge base with a fraction of its articles left out (their questions must be
refused). Ranker rows: every candidate sentence of an in-base question, labelled by whether it holds a
gold answer. Answerability rows: one per question (its best candidate's features), labelled in-base
(answerable) or left out. The threshold is the dev point that maximises answers-with-gold plus
refusals-of-left-out (each as a rate), i.e. Youden's J on dev. Writes
``knowledge/reference/answerability.json`` and ``artifacts/fit/report.json``; vectors are cached in
``artifacts/fit/<split>/data`` between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


RANKER_FEATURES = ["dense", "lex", "lex_window", "lex_article", "title", "rank", "chunk_dense", "no_terms"]
ANSWERABLE_FEATURES = [
    "ranker",
    "dense",
    "dense_margin",
    "lex",
    "lex_window",
    "lex_article",
    "title",
    "unknown",
    "chunk_dense",
    "no_terms",
]


def collect(split: str, source: Path, out: Path, leave_out: float, seed: int) -> list[dict[str, Any]]:
    """Per question: its candidates' features and labels (computed once; the model is not involved)."""
    from assistant import Assistant
    from assistant.offline import enable_offline_mode
    from assistant.pipeline import Turn
    from assistant.settings import Settings
    from assistant.text import normalize
    from evals.squad import build_squad_kb

    enable_offline_mode()
    kb = build_squad_kb(source, out / split, split=split, leave_out=leave_out, seed=seed)
    bot = Assistant.load(Settings(knowledge_dir=kb.knowledge_dir, data_dir=out / split / "data"), warm=False)
    pipe = bot._pipeline
    assert pipe is not None
    rows = []
    for item, answerable in [(i, True) for i in kb.in_base] + [(i, False) for i in kb.left_out]:
        turn = pipe.understand(Turn(question=item.question or "", history=[]))
        docs = pipe.retrieve_articles(turn)
        vector = pipe.embed_query(turn.frame.text)
        cands = pipe.article.candidates(turn.frame.text, vector, docs)
        golds = [normalize(g) for g in item.expect.gold if g.strip()]
        rows.append(
            {
                "id": item.id,
                "answerable": answerable,
                "candidates": [
                    {
                        "features": c.features,
                        "gold": any(
                            g in normalize(bot.kb.article(c.article_id).body[c.start : c.end]) for g in golds
                        ),
                    }
                    for c in cands
                ],
            }
        )
    return rows


def _matrix(rows: list[dict[str, float]], names: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.array([[float(r.get(n, 0.0)) for n in names] for r in rows])


def fit_logistic(x, y, names: list[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit((x - mean) / scale, y)
    return {
        "features": names,
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
    }


def best_rows(rows: list[dict[str, Any]], ranker) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Each question's best candidate under ``ranker``, as the answerability model sees it."""
    out = []
    for q in rows:
        cands = q["candidates"]
        if not cands:
            out.append({"answerable": q["answerable"], "gold": False, "features": None})
            continue
        scored = sorted(cands, key=lambda c: -ranker.probability(c["features"]))
        best = scored[0]
        others = [c["features"]["dense"] for c in scored[1:]]
        feats = {**best["features"], "ranker": ranker.probability(best["features"])}
        feats["dense_margin"] = best["features"]["dense"] - (max(others) if others else 0.0)
        out.append({"answerable": q["answerable"], "gold": best["gold"], "features": feats})
    return out


def evaluate(best: list[dict[str, Any]], answerable, threshold: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    inside = [b for b in best if b["answerable"]]
    outside = [b for b in best if not b["answerable"]]

    def p(b: dict[str, Any]) -> float:
        return answerable.probability(b["features"]) if b["features"] else 0.0

    answered_gold = sum(1 for b in inside if p(b) >= threshold and b["gold"])
    refused_in = sum(1 for b in inside if p(b) < threshold)
    refused_out = sum(1 for b in outside if p(b) < threshold)
    bins = []
    probs = [(p(b), b["answerable"]) for b in best]
    for lo in [i / 10 for i in range(10)]:
        got = [a for q, a in probs if lo <= q < lo + 0.1 or (lo == 0.9 and q == 1.0)]
        if got:
            mean_p = sum(q for q, _ in probs if lo <= q < lo + 0.1) / max(len(got), 1)
            bins.append({"bin": f"{lo:.1f}–{lo + 0.1:.1f}", "n": len(got), "predicted": round(mean_p, 3),
                         "observed": round(sum(got) / len(got), 3)})
    brier = sum((q - float(a)) ** 2 for q, a in probs) / max(len(probs), 1)
    return {
        "in_base": len(inside),
        "left_out": len(outside),
        "best_sentence_has_gold": round(sum(b["gold"] for b in inside) / max(len(inside), 1), 4),
        "gold_in_answer": round(answered_gold / max(len(inside), 1), 4),
        "false_refusal": round(refused_in / max(len(inside), 1), 4),
        "left_out_refused": round(refused_out / max(len(outside), 1), 4),
        "brier": round(brier, 4),
        "calibration": bins,
    }


def main(argv: list[str] | None = None) -> int:
    from assistant.answer.answerability import AnswerModels, Logistic

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "fit")
    parser.add_argument("--model", type=Path, default=ROOT / "knowledge" / "reference" / "answerability.json")
    parser.add_argument("--leave-out", type=float, default=0.33)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--report-only", action="store_true", help="Score the saved model on both splits.")
    args = parser.parse_args(argv)

    import numpy as np

    data = {s: collect(s, args.source, args.out, args.leave_out, args.seed) for s in ("dev", "test")}
    if args.report_only:
        models = AnswerModels.load(args.model)
        ranker, answerable, threshold = models.ranker, models.answerable, models.threshold
    else:
        dev = data["dev"]
        cand_rows = [c for q in dev if q["answerable"] for c in q["candidates"]]
        x = _matrix([c["features"] for c in cand_rows], RANKER_FEATURES)
        y = np.array([int(c["gold"]) for c in cand_rows])
        ranker_json = fit_logistic(x, y, RANKER_FEATURES)
        ranker = Logistic.from_json(ranker_json)
        best = [b for b in best_rows(dev, ranker) if b["features"]]
        xa = _matrix([b["features"] for b in best], ANSWERABLE_FEATURES)
        ya = np.array([int(b["answerable"]) for b in best])
        answerable_json = fit_logistic(xa, ya, ANSWERABLE_FEATURES)
        answerable = Logistic.from_json(answerable_json)
        dev_best = best_rows(dev, ranker)
        grid = [i / 100 for i in range(5, 96)]
        threshold = max(
            grid,
            key=lambda t: (lambda m: m["gold_in_answer"] + m["left_out_refused"])(evaluate(dev_best, answerable, t)),
        )
    report = {s: evaluate(best_rows(rows, ranker), answerable, threshold) for s, rows in data.items()}
    print(f"threshold {threshold:.2f}")
    for s, m in report.items():
        print(
            f"{s:5s} in-base {m['in_base']:3d} left-out {m['left_out']:3d} | best sentence has gold "
            f"{m['best_sentence_has_gold']:.3f} | gold in answer {m['gold_in_answer']:.3f} | false refusal "
            f"{m['false_refusal']:.3f} | left-out refused {m['left_out_refused']:.3f} | Brier {m['brier']:.3f}"
        )
    if not args.report_only:
        digest = hashlib.sha256(args.source.read_bytes()).hexdigest()[:16]
        saved = {
            "threshold": threshold,
            "ranker": ranker_json,
            "answerable": answerable_json,
            "provenance": {
                "fitted_by": "scripts/fit_answerability.py",
                "date": dt.date.today().isoformat(),
                "source": args.source.name,
                "source_sha256": digest,
                "split": "dev (titles hashed, ~60%)",
                "leave_out": args.leave_out,
                "seed": args.seed,
                "threshold_rule": "max over dev of gold_in_answer + left_out_refused",
                "dev": {k: v for k, v in report["dev"].items() if k != "calibration"},
                "test": {k: v for k, v in report["test"].items() if k != "calibration"},
            },
        }
        args.model.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"saved {args.model}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
