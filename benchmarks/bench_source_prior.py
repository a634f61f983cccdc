"""Does an article-level prior help retrieval on a real multi-subject base? (Issue 10: recall at scale.)

    .venv/bin/python benchmarks/bench_source_prior.py                # collect candidates (ingests once), report
    .venv/bin/python benchmarks/bench_source_prior.py --report-only  # reuse the collected candidates

The idea: a question about one article matches several of its chunks a little, while a distractor in a large
base matches one chunk by chance; so lift each candidate by the fused evidence of its article's (or records
collection's) other candidates. ``bench_scale``'s distractors are random mixtures of sentences, which would
flatter such a prior, so it is measured here on real articles: every ARCD train article (77 Wikipedia
articles on unrelated subjects) beside the shipped knowledge (its article, records and claims).

Each question's candidates are collected once as the assistant retrieves them (``HybridRetriever.candidates``:
keyword and dense top ``candidate_k``), then fusion is replayed with plain RRF (``assistant.retrieve.fusion``,
what the assistant runs) and with each form of the lift over a grid of weights:

- ``others``: + weight × the summed RRF of the source's other candidates;
- ``source``: + weight × the source's summed RRF, its own included (keeps the order within a source);
- ``top2``: + weight × the source's two best RRF scores (a large records collection does not swamp);
- ``max_other``: + weight × the source's best other candidate.

Scored: ARCD questions filtered as the article engine retrieves (``Pipeline.article_filter``), the gold chunk
in the top ``top_k``, dev and test by title hash (``evals.squad.split_of``); the shipped eval questions with
sources (``evals/datasets/core.jsonl``), unscoped as ``bench_scale``'s «recall@5 hybrid» and scoped as the
assistant retrieves. Writes ``artifacts/bench-source-prior/report.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARCD = ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_scale import _hit as hit  # noqa: E402  (a wanted chunk, or any chunk of a wanted whole article)
from bench_scale import questions  # noqa: E402  (the shipped eval questions with sources, as it reads them)

GRID = [0.05, 0.1, 0.2, 0.3, 0.5, 1.0]
FORMS = ("others", "source", "top2", "max_other")


def build_base(work: Path) -> Any:
    """ARCD (all articles, none left out) plus the shipped knowledge, in ``work/knowledge``."""
    from evals.squad import build_squad_kb

    kb = build_squad_kb(ARCD, work, split="all", leave_out=0.0)
    for part in ("articles", "records", "claims"):
        source = ROOT / "knowledge" / part
        if source.exists():
            shutil.copytree(source, kb.knowledge_dir / part, dirs_exist_ok=True)
    return kb


def _ids(docs: list[Any]) -> list[str]:
    return [str(d.metadata["source_id"]) for d in docs]


def source_key(metadata: dict[str, Any]) -> str | None:
    """What a document belongs to: its article, or its records collection."""
    for name in ("article_id", "collection"):
        if metadata.get(name):
            return f"{name}:{metadata[name]}"
    return None


def _entry(retriever: Any, question: str, where: dict[str, Any] | None) -> dict[str, Any]:
    sparse, dense = retriever.candidates(question, where)
    docs = [*sparse, *(d for d, _ in dense)]
    return {
        "sparse": _ids(sparse),
        "dense": _ids([d for d, _ in dense]),
        "sources": {str(d.metadata["source_id"]): source_key(d.metadata) for d in docs},
    }


def collect(work: Path) -> dict[str, Any]:
    from assistant import Assistant
    from assistant.pipeline import Turn
    from assistant.settings import Settings
    from evals.squad import article_chunks

    kb = build_base(work)
    settings = Settings(knowledge_dir=kb.knowledge_dir, data_dir=work / "data")
    bot = Assistant.load(settings, warm=False)
    bot.ingest()
    kb.resolve_gold_chunks(article_chunks(bot.vector_store()))
    pipe = bot._pipeline
    assert pipe is not None
    retriever = pipe.retriever
    rows: list[dict[str, Any]] = []
    for item in kb.in_base:
        wanted = [s for s in item.expect.sources if "#" in s]
        if not wanted:
            continue
        turn = pipe.understand(Turn(question=item.question, history=[]))
        split = next(t.split(":", 1)[1] for t in item.tags if t.startswith("split:"))  # evals.squad.split_of
        rows.append(
            {
                "set": f"arcd-{split}",
                "question": item.question,
                "wanted": wanted,
                **_entry(retriever, turn.frame.text, pipe.article_filter(turn)),
            }
        )
    _, sourced = questions(0)
    for question, wanted in sourced:
        turn = pipe.understand(Turn(question=question, history=[]))
        rows.append(
            {"set": "core-unscoped", "question": question, "wanted": wanted, **_entry(retriever, question, None)}
        )
        rows.append(
            {
                "set": "core-scoped",
                "question": question,
                "wanted": wanted,
                **_entry(retriever, turn.frame.text, turn.scope.where()),
            }
        )
    return {
        "settings": {"top_k": settings.top_k, "rrf_k": settings.rrf_k, "candidate_k": settings.candidate_k},
        "rows": rows,
    }


def lifted(scores: dict[str, float], sources: dict[str, str | None], form: str, weight: float) -> dict[str, float]:
    groups: dict[str, list[float]] = {}
    for key, score in scores.items():
        if sources.get(key):
            groups.setdefault(str(sources[key]), []).append(score)
    out = {}
    for key, score in scores.items():
        group = sorted(groups.get(str(sources.get(key)), []), reverse=True)
        if not group:
            out[key] = score
            continue
        others = list(group)
        others.remove(score)
        evidence = {
            "others": sum(others),
            "source": sum(group),
            "top2": sum(group[:2]),
            "max_other": max(others, default=0.0),
        }[form]
        out[key] = score + weight * evidence
    return out


def recall(rows: list[dict[str, Any]], form: str, weight: float, top_k: int, rrf_k: int) -> float:
    from assistant.retrieve import fusion

    hits = 0
    for r in rows:
        scores = fusion.rrf([r["sparse"], r["dense"]], rrf_k)
        if weight:
            scores = lifted(scores, r["sources"], form, weight)
        hits += hit(fusion.ranked(scores, top_k), r["wanted"])
    return 100.0 * hits / max(1, len(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "artifacts" / "bench-source-prior")
    parser.add_argument("--report-only", action="store_true", help="reuse the collected candidates")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from assistant.offline import enable_offline_mode

    enable_offline_mode()
    cached = args.work / "candidates.json"
    if args.report_only and cached.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
    else:
        data = collect(args.work)
        cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    s = data["settings"]
    sets = sorted({r["set"] for r in data["rows"]})
    by_set = {name: [r for r in data["rows"] if r["set"] == name] for name in sets}
    plain = {name: recall(rows, "others", 0.0, s["top_k"], s["rrf_k"]) for name, rows in by_set.items()}
    table = {
        form: {str(w): {n: recall(rows, form, w, s["top_k"], s["rrf_k"]) for n, rows in by_set.items()} for w in GRID}
        for form in FORMS
    }
    print(f"recall@{s['top_k']} (rrf_k {s['rrf_k']}, candidate_k {s['candidate_k']}):")
    print("| fusion | weight | " + " | ".join(f"{n} (n={len(by_set[n])})" for n in sets) + " |")
    print("|---|---|" + "---|" * len(sets))
    print("| plain RRF | – | " + " | ".join(f"{plain[n]:.1f}" for n in sets) + " |")
    for form in FORMS:
        for w in GRID:
            print(f"| {form} | {w:g} | " + " | ".join(f"{table[form][str(w)][n]:.1f}" for n in sets) + " |")
    report = {"plain": plain, "lifted": table, "counts": {n: len(r) for n, r in by_set.items()}, "settings": s}
    (args.work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
