"""Fit ``Settings.respell_min_lift`` on ARCD dev; report it on test (held out).

    .venv/bin/python scripts/fit_respelling.py

A question word the base never writes is respelt as a base word it misspells when the two keep company
(``assistant.understand.respell``). Each split is built into a knowledge base as the evals build it (a third
of its articles left out), and every question is respelt at each lift of a grid, with keyword search only
(no embedding model: respelling reads the keyword index's postings). A respelling is right when the
question's article is in the base and writes every word it put in; it is wrong when the article is left out
(the question is about something the base lacks: its unknown word must stay unknown, or it is answered
about the neighbour) or does not write them. The fitted lift maximises right − ``--wrong-cost`` × wrong on
dev (the answerability fit's cost: answering what the base lacks costs two refusals); where several lifts
score the same, the middle one of them. Prints a table per split and writes ``artifacts/fit/respelling.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GRID = (1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)


def respellings(split: str, source: Path, out: Path, leave_out: float, seed: int) -> list[dict[str, Any]]:
    """Every word the split's questions would respell at any bar, with its lift and whether it is right."""
    from assistant.index.documents import build_documents
    from assistant.knowledge.loader import load_knowledge
    from assistant.pipeline import build_pipeline
    from assistant.retrieve.hybrid import HybridRetriever, build_bm25
    from assistant.settings import Settings
    from assistant.text import tokenize
    from evals.squad import build_squad_kb

    squad = build_squad_kb(source, out / split, split=split, leave_out=leave_out, seed=seed)
    kb = load_knowledge(squad.knowledge_dir)
    docs = build_documents(kb)
    retriever = HybridRetriever(bm25=build_bm25(docs, 20), dense=None, k=5)

    class NoVectors:
        def vectors(self, ids: Any) -> dict[str, list[float]]:
            return {}

    settings = Settings(knowledge_dir=squad.knowledge_dir)
    pipe = build_pipeline(settings, kb, retriever, NoVectors(), lambda _: [0.0], docs)
    speller = pipe.respeller
    assert speller is not None
    words = {a.meta.id: set(tokenize(a.meta.title + "\n" + a.body)) for a in kb.articles}
    rows = []
    for item, in_base in [*((i, True) for i in squad.in_base), *((i, False) for i in squad.left_out)]:
        question = item.question or ""
        written = words.get(item.expect.sources[0], set()) if in_base else set()
        for p in speller.proposals(question):
            if p.lift > 0:  # each word respelt is one decision, right or wrong
                change = [question[p.start : p.end], p.better]
                rows.append({"question": question, "change": change, "lift": p.lift, "right": p.better in written})
    return rows


def table(rows: list[dict[str, Any]], cost: float) -> list[dict[str, float]]:
    out = []
    for lift in GRID:
        kept = [r for r in rows if r["lift"] >= lift]
        right = sum(r["right"] for r in kept)
        wrong = len(kept) - right
        out.append({"min_lift": lift, "right": right, "wrong": wrong, "score": right - cost * wrong})
    return out


def main() -> int:
    from assistant.offline import enable_offline_mode

    enable_offline_mode()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "fit" / "respelling")
    parser.add_argument("--leave-out", type=float, default=0.33)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--wrong-cost", type=float, default=2.0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # evals/
    report: dict[str, Any] = {}
    for split in ("dev", "test"):
        rows = respellings(split, args.source, args.out, args.leave_out, args.seed)
        report[split] = {"rows": rows, "grid": table(rows, args.wrong_cost)}
        print(f"\n{split}: {len(rows)} words the questions would respell at some bar")
        print("| min lift | right | wrong | right − cost × wrong |\n|---|---|---|---|")
        for g in report[split]["grid"]:
            print(f"| {g['min_lift']:g} | {g['right']} | {g['wrong']} | {g['score']:g} |")
    # the middle of the best plateau (its lower median): an edge of it is one question from falling off
    top = max(g["score"] for g in report["dev"]["grid"])
    plateau = [g for g in report["dev"]["grid"] if g["score"] == top]
    best = plateau[(len(plateau) - 1) // 2]
    report["fitted"] = best["min_lift"]
    print(f"\nfitted on dev: respell_min_lift = {best['min_lift']:g}")
    test = next(g for g in report["test"]["grid"] if g["min_lift"] == best["min_lift"])
    print(f"test at that lift: {test['right']} right, {test['wrong']} wrong")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out.parent / "respelling.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
