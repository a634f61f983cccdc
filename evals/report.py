"""Writes a run to disk: results.jsonl, report.json, report.md and the accuracy-per-slice chart (PNG).

The Markdown report is the developer's feedback loop, so it puts the worst failures first and shows the
baseline beside every number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.metrics import LOWER_IS_BETTER, METRIC_NAMES, PERCENT_METRICS, SQUAD_METRIC_NAMES
from evals.runner import ItemResult, SuiteResult, SystemRun

CHART_NAME = "accuracy_by_slice.png"
WORST_SHOWN = 25
SLICE_COLUMNS = (
    "accuracy",
    "refusal_rate",
    "false_refusal_rate",
    "hallucination_rate",
    "recall@5",
    "latency_p95_ms",
)


def write_all(suite: SuiteResult, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "results": out / "results.jsonl",
        "report_json": out / "report.json",
        "report_md": out / "report.md",
        "chart": out / CHART_NAME,
    }
    write_results(suite.runs, paths["results"])
    paths["report_json"].write_text(
        json.dumps(report_dict(suite), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_chart(suite.metrics(), paths["chart"])
    paths["report_md"].write_text(markdown(suite, chart=CHART_NAME), encoding="utf-8")
    return paths


def write_results(runs: Sequence[SystemRun], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for run in runs:
            for result in run.results:
                fh.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")


def report_dict(suite: SuiteResult) -> dict[str, Any]:
    return {
        "metadata": suite.metadata,
        "gates": [g.to_dict() for g in suite.gates],
        "passed": not suite.failed_gates,
        "metrics": suite.metrics(),
    }


# --- Markdown ---------------------------------------------------------------------------------------


def _fmt(metric: str, value: Any) -> str:
    if value is None:
        return "—"
    if metric.startswith("latency"):
        return f"{value:.0f} ms"
    if isinstance(value, int):
        return str(value)
    if metric in PERCENT_METRICS:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _delta(metric: str, a: Any, b: Any) -> str:
    if a is None or b is None or metric in ("n", "n_unanswerable"):
        return ""
    d = a - b
    if abs(d) < 1e-12:
        return "="
    better = (d < 0) if metric in LOWER_IS_BETTER else (d > 0)
    unit = " ms" if metric.startswith("latency") else ""
    number = f"{d:+.0f}" if unit else f"{d:+.1f}" if metric in PERCENT_METRICS else f"{d:+.3f}"
    return f"{number}{unit} {'▲' if better else '▼'}"


def severity(result: ItemResult) -> tuple[int, int]:
    """Worst first: errors, hallucinations, answering what should be refused, confident wrong answers,
    then false refusals (an honest «I don't know» misleads nobody); ties by how many expectations failed."""
    failed = [c for c in result.score.checks if not c.passed and c.expectation]
    score = result.score
    level = 0
    if result.error:
        level = 5
    elif score.hallucinated:
        level = 4
    elif failed and not score.answerable_expected and not score.refused:
        level = 3
    elif failed and not score.refused:
        level = 2
    elif failed:
        level = 1
    return level, len(failed)


def worst_failures(run: SystemRun, limit: int = WORST_SHOWN) -> list[ItemResult]:
    bad = [r for r in run.results if severity(r)[0] > 0]
    return sorted(bad, key=lambda r: (-severity(r)[0], -severity(r)[1], r.item.id))[:limit]


def _one_line(text: str, limit: int) -> str:
    text = " ".join((text or "").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tag_order(tag: str) -> tuple[int, str]:
    prefixes = ("slice:", "intent:", "dialect:")
    for i, p in enumerate(prefixes):
        if tag.startswith(p):
            return i, tag
    return len(prefixes), tag


def markdown(suite: SuiteResult, chart: str | None = CHART_NAME) -> str:
    meta = suite.metadata
    metrics = suite.metrics()
    a = metrics["assistant"]
    b = metrics.get("baseline")
    lines = ["# Evaluation report — تقرير التقييم", ""]
    commit = meta.get("commit") or "no commit"
    lines += [
        f"- Date: {meta.get('date')} · duration {meta.get('duration_s')} s",
        f"- Commit: `{commit}`" + (" (uncommitted changes)" if meta.get("dirty") else ""),
        f"- Embedding model: `{meta.get('model_ids', {}).get('embedding')}`",
        "- Datasets: "
        + ", ".join(f"`{d['name']}` ({d['items']} items, sha256 {d['sha256'][:12]})" for d in meta.get("datasets", [])),
        f"- Baseline: {meta.get('baseline', {}).get('chain') if b else 'not run (--no-baseline)'}",
    ]
    if squad := meta.get("squad"):
        lines.append(
            f"- SQuAD import: `{squad['source']}`, split {squad['split']}, seed {squad['seed']}: "
            f"{len(squad['articles_in_base'])} articles in the base ({squad['questions_in_base']} questions), "
            f"{len(squad['articles_left_out'])} left out ({squad['questions_left_out']} questions, expect refusal)"
        )
    lines.append("")
    if suite.gates:
        lines += ["## Gates", ""]
        lines += [f"- {'✅' if g.passed else '❌'} {g.message}" for g in suite.gates]
        lines.append("")

    lines += ["## Summary", ""]
    if b:
        lines += ["| metric | assistant | baseline | Δ |", "|---|---:|---:|---:|"]
    else:
        lines += ["| metric | assistant |", "|---|---:|"]
    systems = [a, *([b] if b else [])]
    shown = [
        name
        for name in METRIC_NAMES
        if name not in SQUAD_METRIC_NAMES or any(m["overall"].get(name) is not None for m in systems)
    ]
    for name in ("n", "n_unanswerable", *shown):
        av = a["overall"].get(name)
        if b:
            bv = b["overall"].get(name)
            lines.append(f"| {name} | {_fmt(name, av)} | {_fmt(name, bv)} | {_delta(name, av, bv)} |")
        else:
            lines.append(f"| {name} | {_fmt(name, av)} |")
    lines.append("")

    if g := metrics.get("generator"):
        lines += generator_section(a, g, meta)

    lines += [
        "## By slice",
        "",
        "Assistant / baseline for accuracy; the other columns are the assistant's.",
        "",
    ]
    header = ["tag", "n", "accuracy (A / B)", *SLICE_COLUMNS[1:]]
    lines += ["| " + " | ".join(header) + " |", "|---|---:|" + "---:|" * (len(header) - 2)]
    for tag in sorted(a["by_tag"], key=_tag_order):
        row = a["by_tag"][tag]
        acc = _fmt("accuracy", row.get("accuracy"))
        if b and tag in b["by_tag"]:
            acc += f" / {_fmt('accuracy', b['by_tag'][tag].get('accuracy'))}"
        cells = [f"`{tag}`", str(row["n"]), acc, *(_fmt(m, row.get(m)) for m in SLICE_COLUMNS[1:])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if chart:
        lines += [f"![accuracy per slice, assistant vs baseline]({chart})", ""]

    assistant_run = next(r for r in suite.runs if r.name == "assistant")
    baseline_by_id = {(r.dataset, r.item.id): r for run in suite.runs if run.name == "baseline" for r in run.results}
    worst = worst_failures(assistant_run)
    n_failed = sum(1 for r in assistant_run.results if severity(r)[0] > 0)
    lines += [f"## Worst failures first ({n_failed} items fail; showing {len(worst)})", ""]
    if not worst:
        lines += ["None. 🎉", ""]
    for rank, r in enumerate(worst, 1):
        lines.append(f"### {rank}. `{r.item.id}` — {' '.join(r.item.tags)}")
        lines.append("")
        if r.item.turns:
            for i, turn in enumerate(r.item.turns, 1):
                lines.append(f"- Turn {i}: {_one_line(turn, 300)}")
        else:
            lines.append(f"- Question: {_one_line(r.item.question or '', 300)}")
        head = f"- Assistant ({r.answer.get('route')}, answerable={r.answer.get('answerable')})"
        lines.append(f"{head}: {_one_line(r.answer.get('text', ''), 400)}")
        if r.error:
            lines.append(f"- Error: `{_one_line(r.error, 300)}`")
        for c in r.score.checks:
            if not c.passed:
                lines.append(f"- ❌ {c.name}: {_one_line(c.reason, 300)}")
        base = baseline_by_id.get((r.dataset, r.item.id))
        if base:
            verdict = "passes" if base.score.passed else "fails"
            lines.append(f"- Baseline {verdict}: {_one_line(base.answer.get('text', ''), 160)}")
        lines.append("")
    return "\n".join(lines)


GENERATOR_METRICS = (
    "accuracy",
    "hallucination_rate",
    "refusal_rate",
    "false_refusal_rate",
    "number_match",
    "gold_in_answer",
    "direct_f1",
    "latency_p50_ms",
    "latency_p95_ms",
)


def generator_section(a: Mapping[str, Any], g: Mapping[str, Any], meta: Mapping[str, Any]) -> list[str]:
    """Extractive and generated answers side by side, and what the post-check did."""
    model = meta.get("model_ids", {}).get("generator")
    lines = [
        "## With the generative model",
        "",
        f"Same questions, same core decisions; grounded answers rephrased by `{model}` and post-checked.",
        "",
        "| metric | extractive | generator | Δ |",
        "|---|---:|---:|---:|",
    ]
    for name in GENERATOR_METRICS:
        av, gv = a["overall"].get(name), g["overall"].get(name)
        if av is None and gv is None:
            continue
        lines.append(f"| {name} | {_fmt(name, av)} | {_fmt(name, gv)} | {_delta(name, gv, av)} |")
    stats = g.get("generator", {})
    statuses = stats.get("statuses", {})
    lines += [
        "",
        "| generator | n |",
        "|---|---:|",
        *(f"| {s} | {statuses.get(s, 0)} |" for s in ("used", "rejected", "timeout", "error", "skipped")),
        "",
        f"- Post-check rejections: {statuses.get('rejected', 0)} of {stats.get('attempted', 0)} attempted "
        f"({_fmt('refusal_rate', stats.get('rejection_rate'))}); by check: "
        + (", ".join(f"{k} {v}" for k, v in sorted(stats.get("rejected_by", {}).items())) or "none"),
        f"- Latency the model added: p50 {_fmt('latency_p50_ms', stats.get('added_latency_p50_ms'))}, "
        f"p95 {_fmt('latency_p95_ms', stats.get('added_latency_p95_ms'))}",
        "",
    ]
    return lines


# --- chart ------------------------------------------------------------------------------------------


def write_chart(metrics: Mapping[str, Any], path: Path) -> None:
    """Grouped bars: accuracy per slice and per dialect, assistant vs baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(metrics)
    panels = []
    for prefix, title in (("slice:", "Accuracy per slice"), ("dialect:", "Accuracy per dialect")):
        tags = sorted(t for t in metrics["assistant"]["by_tag"] if t.startswith(prefix))
        if tags:
            panels.append((title, ["overall", *tags], prefix))
    if not panels:
        panels.append(("Accuracy", ["overall"], ""))
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.6 * len(panels)), squeeze=False)
    colors = {"assistant": "#1f7a4d", "baseline": "#9aa5b1"}
    width = 0.8 / max(len(systems), 1)
    for ax, (title, tags, prefix) in zip(axes[:, 0], panels, strict=True):
        for s_index, system in enumerate(systems):
            values = []
            for tag in tags:
                block = metrics[system]["overall"] if tag == "overall" else metrics[system]["by_tag"].get(tag, {})
                values.append(block.get("accuracy") or 0.0)
            xs = [i + (s_index - (len(systems) - 1) / 2) * width for i in range(len(tags))]
            bars = ax.bar(xs, values, width, label=system, color=colors.get(system))
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=1)
        ax.set_xticks(range(len(tags)))
        ax.set_xticklabels([t.removeprefix(prefix) for t in tags], rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("accuracy")
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
