"""End to end: `assistant eval` on a small dataset with the real Assistant, baseline and report files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.cli import EXIT_GATE_FAILED, EXIT_USAGE, register

pytestmark = pytest.mark.slow

SMALL = [
    {
        "id": "when-qatar",
        "question": "متى زار حموشي قطر؟",
        "expect": {"all": [["21"], ["أبريل", "ابريل", "2024-04"]], "sources": ["mtg-2024-04-doha"]},
        "tags": ["intent:when", "dialect:msa", "slice:records"],
    },
    {
        "id": "count-sept",
        "question": "كم عدد اللقاءات في شتنبر 2024؟",
        "expect": {"number": 3},
        "tags": ["intent:count", "dialect:msa", "slice:records"],
    },
    {
        "id": "followup-who",
        "turns": ["متى زار حموشي قطر؟", "ومع من التقى هناك؟"],
        "expect": {"all": [["الخليفي", "Khulaifi"]]},
        "tags": ["intent:who", "dialect:msa", "slice:followup"],
    },
    {
        "id": "weather",
        "question": "كيف سيكون الطقس في الرباط غدا؟",
        "expect": {"answerable": False},
        "tags": ["intent:what", "dialect:msa", "slice:unanswerable"],
        "their_field": "kept",
    },
]


def _run(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="assistant")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", *argv])
    return int(args.func(args, settings))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evalset") / "small.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in SMALL) + "\n", encoding="utf-8")
    return path


def test_a_run_writes_results_reports_and_chart(
    dataset: Path, tmp_path: Path, settings: Settings, assistant: object
) -> None:
    out = tmp_path / "out"
    rc = _run(["--dataset", str(dataset), "--out", str(out), "--gate", "accuracy>=0", "--no-progress"], settings)
    assert rc == 0

    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["system"] for r in rows} == {"assistant", "baseline"}
    assert len(rows) == 2 * len(SMALL)
    first = next(r for r in rows if r["system"] == "assistant" and r["id"] == "when-qatar")
    for key in ("question", "answer", "answerable", "citations", "retrieved_ids", "checks", "latency_ms"):
        assert key in first, key
    assert all({"name", "passed", "reason"} <= set(c) for c in first["checks"])
    followup = next(r for r in rows if r["system"] == "assistant" and r["id"] == "followup-who")
    assert followup["turns"] == SMALL[2]["turns"]
    baseline_rows = [r for r in rows if r["system"] == "baseline"]
    assert all(r["answerable"] is True and r["retrieved_ids"] for r in baseline_rows)

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["metrics"]) == {"assistant", "baseline"}
    assert report["metrics"]["assistant"]["overall"]["n"] == len(SMALL)
    assert "slice:followup" in report["metrics"]["baseline"]["by_tag"]
    meta = report["metadata"]
    assert meta["datasets"][0]["sha256"] and meta["date"] and meta["model_ids"]["embedding"]
    assert "settings" in meta and report["passed"] is True
    assert report["metrics"]["baseline"]["overall"]["refusal_rate"] == 0.0, "plain RAG never refuses"

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | assistant | baseline | Δ |" in md and "## By slice" in md
    assert (out / "accuracy_by_slice.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_failing_gate_exits_non_zero_and_names_the_metric(
    dataset: Path, tmp_path: Path, settings: Settings, assistant: object, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--dataset",
        str(dataset),
        "--out",
        str(tmp_path),
        "--no-baseline",
        "--no-progress",
        "--limit",
        "1",
    ]
    rc = _run([*argv, "--gate", "accuracy>1.5", "--gate", "hallucination_rate<=1"], settings)
    assert rc == EXIT_GATE_FAILED
    err = capsys.readouterr().err
    assert "accuracy" in err and "hallucination" not in err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is False and "baseline" not in report["metrics"]


def test_bad_gates_and_bad_datasets_are_usage_errors(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    assert _run(["--dataset", str(bad), "--out", str(tmp_path)], settings) == EXIT_USAGE
    assert _run(["--gate", "accuracy>>1", "--out", str(tmp_path)], settings) == EXIT_USAGE
