"""Runs datasets through the assistant and the baseline, scores every item, writes the reports, checks gates.

Multi-turn items replay the earlier user turns through the assistant and pass its own replies back as
history, exactly as the chat UI does; only the last turn is scored and timed. The baseline sees the last
turn only (plain RAG has no memory).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.baseline import build_baseline, doc_source_id
from evals.gates import Gate, GateResult
from evals.lexicon import EntityLexicon
from evals.metrics import aggregate, by_tag, percentile
from evals.schema import Dataset, EvalItem
from evals.scorer import ItemScore, score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASETS_DIR = Path(__file__).resolve().parent / "datasets"

AskFn = Callable[[str, list[dict[str, str]]], dict[str, Any]]


@dataclass
class ItemResult:
    system: str
    dataset: str
    item: EvalItem
    answer: dict[str, Any]
    score: ItemScore
    latency_ms: float | None
    error: str | None = None

    @property
    def rule_tags(self) -> list[str]:
        rule = self.answer.get("rule")
        return [f"rule:{rule}"] if rule else []

    def to_json(self) -> dict[str, Any]:
        a = self.answer
        return {
            "system": self.system,
            "dataset": self.dataset,
            "id": self.item.id,
            **({"turns": self.item.turns} if self.item.turns else {"question": self.item.question}),
            "tags": self.item.tags,
            "answer": a.get("text", ""),
            **(
                {k: a.get(k) for k in ("generator_status", "generator_detail", "extractive_text")}
                if a.get("generator_status", "off") != "off"
                else {}
            ),
            "direct": a.get("direct"),
            "rule": a.get("rule"),
            "answerable": a.get("answerable"),
            "route": a.get("route"),
            "intent": a.get("intent"),
            "resolved_question": a.get("question"),
            "citations": [
                {k: c.get(k) for k in ("source_id", "kind", "title", "quote") if k in c} for c in a.get("citations", [])
            ],
            "retrieved_ids": a.get("retrieved_ids", []),
            "passed": self.score.passed,
            "checks": [c.model_dump() for c in self.score.checks],
            "hallucinated": self.score.hallucinated,
            **({"squad": self.score.squad} if self.score.squad else {}),
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "error": self.error,
            "expect": self.item.expect.model_dump(exclude_defaults=True),
        }


@dataclass
class SystemRun:
    name: str
    results: list[ItemResult] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        scores = [r.score for r in self.results]
        lat = [r.latency_ms for r in self.results]
        out = {
            "overall": aggregate(scores, lat),
            # `rule:<name>` rows: accuracy per routing rule (Answer.rule), beside the dataset's own tags
            "by_tag": by_tag(scores, lat, [[*r.item.tags, *r.rule_tags] for r in self.results]),
        }
        if any(r.answer.get("generator_status", "off") != "off" for r in self.results):
            out["generator"] = generator_stats([r.answer for r in self.results])
        return out


def generator_stats(answers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the generative model did: answers it phrased, what the post-check rejected and why, failures,
    and the latency it added (``timings_ms.generate``)."""
    statuses = Counter(str(a.get("generator_status", "off")) for a in answers)
    rejected_by = Counter(
        str(a.get("generator_detail") or "").split(":", 1)[0]
        for a in answers
        if a.get("generator_status") == "rejected"
    )
    attempted = sum(statuses[s] for s in ("used", "rejected", "timeout", "error"))
    added = [float(a["timings_ms"]["generate"]) for a in answers if "generate" in a.get("timings_ms", {})]
    return {
        "statuses": dict(statuses),
        "attempted": attempted,
        "rejection_rate": statuses["rejected"] / attempted if attempted else None,
        "failure_rate": (statuses["timeout"] + statuses["error"]) / attempted if attempted else None,
        "rejected_by": dict(rejected_by),
        "added_latency_p50_ms": percentile(added, 50),
        "added_latency_p95_ms": percentile(added, 95),
    }


def assistant_ask(assistant: Any, generate: bool = False) -> AskFn:
    """Wrap ``Assistant.ask``: an input the assistant rejects (InputError) is scored as a refusal;
    ``generate`` sends grounded answers through the configured generative model."""
    from assistant import InputError

    def ask(question: str, history: list[dict[str, str]]) -> dict[str, Any]:
        try:
            answer = assistant.ask(question, history=history or None, generate=generate)
        except InputError as exc:
            return {"text": exc.message_ar, "answerable": False, "route": "invalid", "citations": []}
        return answer.model_dump(mode="json")

    return ask


def run_system(
    name: str,
    ask: AskFn,
    datasets: Sequence[Dataset],
    lexicon: EntityLexicon | None,
    source_texts: dict[str, str],
    *,
    replay_history: bool = True,
    progress: bool = True,
) -> SystemRun:
    run = SystemRun(name)
    pairs = [(ds, item) for ds in datasets for item in ds.items]
    bar = tqdm(
        pairs,
        desc=f"eval {name}",
        unit="q",
        disable=not progress,
        file=sys.stderr,
        mininterval=0.5 if sys.stderr.isatty() else 15,
    )
    for ds, item in bar:
        history: list[dict[str, str]] = []
        error = None
        if replay_history:
            for turn in item.prior_turns:
                reply = ask(turn, list(history))
                history += [
                    {"role": "user", "content": turn},
                    {"role": "assistant", "content": reply.get("text", "")},
                ]
        start = time.perf_counter()
        try:
            answer = ask(item.scored_question, history)
        except Exception as exc:  # one broken item must not lose the whole run; it is reported and fails
            answer = {"text": "", "answerable": True, "route": "error", "citations": []}
            error = f"{type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - start) * 1000.0
        result = ItemResult(name, ds.name, item, answer, score(item, answer, lexicon, source_texts), latency, error)
        run.results.append(result)
        bar.set_postfix(acc=f"{sum(r.score.passed for r in run.results) / len(run.results):.2f}", refresh=False)
    return run


def source_texts_of(assistant: Any) -> dict[str, str]:
    """Full stored text per source id: indexed documents plus each record's fields (for hallucination)."""
    texts: dict[str, str] = {}
    store = assistant.vector_store()
    if hasattr(store, "get"):
        got = store.get(include=["documents", "metadatas"])
        for doc_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False):
            from langchain_core.documents import Document

            sid = doc_source_id(Document(id=doc_id, page_content=text or "", metadata=meta or {}))
            texts[sid] = (texts.get(sid, "") + "\n" + (text or "")).strip()
    for record in assistant.records():
        dumped = json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
        texts[record.id] = (texts.get(record.id, "") + "\n" + dumped).strip()
    return texts


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def default_datasets() -> list[Path]:
    return sorted(DEFAULT_DATASETS_DIR.glob("*.jsonl"))


@dataclass
class SuiteResult:
    runs: list[SystemRun]
    metadata: dict[str, Any]
    gates: list[GateResult]

    @property
    def failed_gates(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]

    def metrics(self) -> dict[str, Any]:
        return {run.name: run.metrics() for run in self.runs}


def run_suite(
    assistant: Any,
    datasets: Sequence[Dataset],
    *,
    gates: Sequence[Gate] = (),
    baseline: bool = True,
    progress: bool = True,
) -> SuiteResult:
    """Everything but writing files: answers, scores, metrics, gate verdicts, run metadata."""
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    lexicon = EntityLexicon.from_assistant(assistant)
    texts = source_texts_of(assistant)
    runs = [run_system("assistant", assistant_ask(assistant), datasets, lexicon, texts, progress=progress)]
    if getattr(assistant, "generates", False):  # the same questions through the generative model, side by side
        ask = assistant_ask(assistant, generate=True)
        runs.append(run_system("generator", ask, datasets, lexicon, texts, progress=progress))
    if baseline:
        chain = build_baseline(assistant.vector_store())

        def base_ask(question: str, history: list[dict[str, str]]) -> dict[str, Any]:
            return chain.invoke(question)

        runs.append(run_system("baseline", base_ask, datasets, lexicon, texts, replay_history=False, progress=progress))
    metrics = {run.name: run.metrics() for run in runs}
    gate_results = [g.evaluate(metrics.get(g.system, {})) for g in gates]
    settings = assistant.settings
    try:
        info = assistant.info()
    except Exception as exc:  # metadata is best effort; the scores are what matter
        info = {"error": str(exc)}
    metadata = {
        **git_commit(),
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - t0, 1),
        "python": platform.python_version(),
        "settings": settings.model_dump(mode="json") if hasattr(settings, "model_dump") else {},
        "assistant_info": info,
        "model_ids": {
            "embedding": getattr(settings, "embedding_model", None),
            "generator": (
                f"{settings.generator_model} at {settings.generator_url}"
                if getattr(assistant, "generates", False)
                else None
            ),
        },
        "baseline": {"enabled": baseline, "chain": "Chroma retriever (dense, k=5) | top passage"},
        "datasets": [
            {"name": d.name, "path": str(d.path), "sha256": d.sha256, "items": len(d.items)} for d in datasets
        ],
        "entities_in_lexicon": len(lexicon),
        "gates": [g.spec for g in gates],
    }
    return SuiteResult(runs, metadata, gate_results)
