"""`assistant eval`: the CLI face of the suite, plugged in through the `assistant.commands` entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.offline import enable_offline_mode
from assistant.settings import Settings

if TYPE_CHECKING:
    from evals.gates import Gate
    from evals.runner import SuiteResult

EXIT_GATE_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "eval",
        help="شغّل مجموعة التقييم — run the evaluation suite (assistant vs plain-RAG baseline)",
        description=(
            "يقيّم المساعد على مجموعات أسئلة JSONL ويكتب التقارير. "
            "Scores the assistant (and a plain LangChain RAG baseline) on JSONL datasets; "
            "writes results.jsonl, report.json, report.md and a PNG chart; exits non-zero when a gate fails."
        ),
    )
    parser.add_argument(
        "--dataset",
        action="append",
        type=Path,
        metavar="PATH",
        help="JSONL dataset (repeatable). Default: every evals/datasets/*.jsonl",
    )
    parser.add_argument("--out", type=Path, default=Path("artifacts/eval"), metavar="DIR", help="Output folder.")
    parser.add_argument(
        "--gate",
        action="append",
        default=[],
        metavar="METRIC>=VALUE",
        help="Fail (exit 1) unless the assistant meets it, e.g. accuracy>=0.9, hallucination_rate<=0, "
        "'accuracy[slice:records]>=0.95'. Repeatable.",
    )
    parser.add_argument("--no-baseline", action="store_true", help="Skip the plain-RAG baseline run.")
    parser.add_argument("--tag", action="append", default=[], help="Only items with this tag (repeatable: any).")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N items of each dataset.")
    parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
    squad = parser.add_argument_group(
        "SQuAD import (ARCD, XQuAD, TyDiQA-GoldP)",
        "Builds a knowledge base from the file's contexts under OUT/squad/knowledge, indexes it in "
        "DATA_DIR/squad and scores gold_in_answer, direct_f1/direct_em, false refusals and refusal on "
        "left-out articles, beside the baseline.",
    )
    squad.add_argument("--squad", type=Path, metavar="PATH", help="A SQuAD 1.1-format JSON file (replaces --dataset).")
    squad.add_argument(
        "--squad-split",
        choices=("dev", "test", "all"),  # evals.squad.SPLITS; not imported: every `assistant` command loads this
        default="all",
        help="Articles by a stable hash of their title: dev ≈60%% (fit thresholds here), test ≈40%% (held out).",
    )
    squad.add_argument("--squad-articles", type=int, metavar="N", help="Only the split's first N articles.")
    squad.add_argument(
        "--squad-leave-out",
        type=float,
        metavar="FRACTION",
        help="Share of the chosen articles kept out of the base; their questions expect a refusal (default 0.25).",
    )
    squad.add_argument("--squad-seed", type=int, help="Which articles are left out (default 0).")
    squad.add_argument(
        "--squad-questions",
        type=Path,
        metavar="JSONL",
        help='Replace the questions by id ({"id": …, "question": …} per line; e.g. English questions about the '
        "Arabic contexts, evals/datasets/arcd-en/questions-en.jsonl); questions it lacks are left out.",
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    enable_offline_mode()
    from evals.gates import Gate, GateSpecError
    from evals.runner import default_datasets
    from evals.schema import DatasetError, load_dataset

    try:
        gates = [Gate.parse(spec) for spec in args.gate]
    except GateSpecError as exc:
        print(f"بوابة غير صالحة — {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.squad is not None:
        if args.dataset:
            print(
                "لا يجتمع --squad مع --dataset — --squad builds its own knowledge base; give one or the other",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return _run_squad(args, settings, gates)
    paths = args.dataset or default_datasets()
    if not paths:
        print("لا توجد مجموعات بيانات — no dataset given and none in evals/datasets/", file=sys.stderr)
        return EXIT_USAGE
    try:
        datasets = [load_dataset(p) for p in paths]
    except DatasetError as exc:
        print(f"مجموعة بيانات غير صالحة — invalid dataset: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for ds in datasets:
        if args.tag:
            ds.items = [i for i in ds.items if set(args.tag) & set(i.tags)]
        if args.limit is not None:
            ds.items = ds.items[: args.limit]
    datasets = [ds for ds in datasets if ds.items]
    if not datasets:
        print("لا توجد أسئلة بعد التصفية — no items left after --tag/--limit", file=sys.stderr)
        return EXIT_USAGE

    from assistant import Assistant, AssistantError
    from evals.report import write_all
    from evals.runner import run_suite

    try:
        assistant = Assistant.load(settings=settings)
    except AssistantError as exc:
        print(str(exc), file=sys.stderr)
        return int(getattr(exc, "exit_code", 1))
    suite = run_suite(assistant, datasets, gates=gates, baseline=not args.no_baseline, progress=not args.no_progress)
    written = write_all(suite, args.out)

    metrics = suite.metrics()
    overall = metrics["assistant"]["overall"]
    line = f"accuracy {overall['accuracy']:.3f} over {overall['n']} items"
    if "baseline" in metrics:
        line += f" (baseline {metrics['baseline']['overall']['accuracy']:.3f})"
    print(line)
    if "generator" in metrics:
        print(generator_line(metrics["generator"]))
    return _finish(suite, written)


def generator_line(block: dict[str, Any]) -> str:
    g, stats = block["overall"], block.get("generator", {})
    statuses = stats.get("statuses", {})
    return (
        f"with the generator: accuracy {g['accuracy']:.3f}, hallucination {g['hallucination_rate'] or 0:.3f}; "
        f"used {statuses.get('used', 0)}, post-check rejected {statuses.get('rejected', 0)}, "
        f"timeouts {statuses.get('timeout', 0)}, errors {statuses.get('error', 0)}"
    )


def _finish(suite: SuiteResult, written: dict[str, Path]) -> int:
    """Paths, gate verdicts and the exit status, shared by both kinds of run."""
    for name, path in written.items():
        print(f"  {name}: {path}")
    for g in suite.gates:
        print(("✅ " if g.passed else "❌ ") + g.message)
    if suite.failed_gates:
        names = ", ".join(g.gate.label for g in suite.failed_gates)
        print(f"فشلت بوابة التقييم: {names} — eval gate failed: {names}", file=sys.stderr)
        return EXIT_GATE_FAILED
    return 0


def _run_squad(args: argparse.Namespace, settings: Settings, gates: list[Gate]) -> int:
    from assistant import AssistantError
    from evals.report import write_all
    from evals.schema import DatasetError
    from evals.squad import SquadError, read_questions, run_squad_eval, summary_line

    given = {"leave_out": args.squad_leave_out, "seed": args.squad_seed}
    try:
        questions = read_questions(args.squad_questions) if args.squad_questions else None
        run = run_squad_eval(
            args.squad,
            args.out,
            settings,
            split=args.squad_split,
            articles=args.squad_articles,
            **{k: v for k, v in given.items() if v is not None},
            gates=gates,
            baseline=not args.no_baseline,
            progress=not args.no_progress,
            tags=args.tag,
            limit=args.limit,
            questions=questions,
        )
    except (SquadError, DatasetError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except AssistantError as exc:
        print(str(exc), file=sys.stderr)
        return int(getattr(exc, "exit_code", 1))
    written = {"knowledge": run.kb.knowledge_dir, "dataset": run.dataset_path, **write_all(run.suite, args.out)}
    metrics = run.suite.metrics()
    print(summary_line(metrics))
    if "generator" in metrics:
        print(generator_line(metrics["generator"]))
    return _finish(run.suite, written)
