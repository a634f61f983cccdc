"""Robustness benchmark (issue 8): the figures before/after a change, measured on whatever code is on the
path (run it with PYTHONPATH pointing at another checkout for the "before" column).

    .venv/bin/python benchmarks/bench_robustness.py [--fuzz 10000] [--ingests 20] [--skip-concurrent]

Prints: the time of one request with a 4.7 MB history, beside the same question without history (the
baseline, same run); the fuzz crash count over N hypothesis cases (anything but an Answer that serialises or
an InputError); disk use of the embedded index over N ingests that each change one record; the outcome of
three concurrent `assistant ingest` processes on one fresh data folder.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
RECORDS = "records/meetings-2024.yaml"


def disk(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def history_request(bot: Any) -> None:
    turn = {"role": "user", "content": "متى زار حموشي قطر؟ " * 25_000}
    history = [turn, {"role": "assistant", "content": "x" * 400_000}] * 5
    size = len(json.dumps(history, ensure_ascii=False).encode())
    t = time.perf_counter()
    bot.ask("وماذا عن السعودية؟")
    base = time.perf_counter() - t
    t = time.perf_counter()
    bot.ask("وماذا عن السعودية؟", history)
    took = time.perf_counter() - t
    print(f"history request: {size / 1e6:.1f} MB history → {took:.2f} s (baseline, no history: {base:.3f} s)")


def fuzz(bot: Any, examples: int) -> None:
    from hypothesis import HealthCheck, given, settings

    sys.path.insert(0, str(REPO))
    from assistant.errors import InputError
    from tests.answer.test_fuzz import histories, questions

    crashes: collections.Counter[str] = collections.Counter()
    counts = {"answered": 0, "input_error": 0}

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(questions, histories)
    def probe(question: Any, history: Any) -> None:
        try:
            json.loads(bot.ask(question, history).to_json())
            counts["answered"] += 1
        except InputError:
            counts["input_error"] += 1
        except Exception as exc:
            crashes[type(exc).__name__] += 1

    t = time.perf_counter()
    probe()
    total = sum(counts.values()) + sum(crashes.values())
    print(
        f"fuzz: {total} cases in {time.perf_counter() - t:.0f} s → {sum(crashes.values())} crashes {dict(crashes)}; "
        f"{counts['answered']} answered, {counts['input_error']} InputError"
    )


def move_doha(knowledge: Path, day: int) -> None:
    path = knowledge / RECORDS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    doha = next(r for r in data["records"] if r["id"] == "mtg-2024-04-doha")
    doha["start"] = doha["end"] = dt.date(2024, 4 if day <= 28 else 5, (day - 1) % 28 + 1)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def repeated_ingests(rounds: int) -> None:
    from assistant import Assistant, Settings
    from assistant.knowledge.loader import load_knowledge

    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(KNOWLEDGE, knowledge)
        settings = Settings(data_dir=Path(tmp) / "data", knowledge_dir=knowledge)
        bot = Assistant(settings, load_knowledge(knowledge))
        bot.ingest()
        first = disk(settings.index_dir)
        for day in range(1, rounds + 1):
            move_doha(knowledge, day)
            bot.ingest()
        folders = [p for p in settings.index_dir.iterdir() if p.is_dir()]
        print(
            f"disk: after the first ingest {first / 1e6:.2f} MB → after {rounds} changed ingests "
            f"{disk(settings.index_dir) / 1e6:.2f} MB, {len(folders)} segment folders"
        )


def concurrent_ingests() -> None:
    exe = str(Path(sys.executable).parent / "assistant")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp, "ASSISTANT_KNOWLEDGE_DIR": str(KNOWLEDGE)}
        procs = [
            subprocess.Popen([exe, "ingest"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        results = [(p, *p.communicate(timeout=900)) for p in procs]
        failed = [p for p, _, _ in results if p.returncode != 0]
        tracebacks = sum("Traceback" in err for _, _, err in results)
        print(f"concurrent ingests: 3 processes → {len(failed)} failed, {tracebacks} tracebacks")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fuzz", type=int, default=2000)
    parser.add_argument("--ingests", type=int, default=20)
    parser.add_argument("--skip-concurrent", action="store_true")
    args = parser.parse_args()
    from assistant import Assistant, Settings
    from assistant.offline import enable_offline_mode

    enable_offline_mode()
    import assistant

    print(f"code under test: {Path(assistant.__file__).parent.parent}")
    with tempfile.TemporaryDirectory() as tmp:
        bot = Assistant.load(Settings(data_dir=Path(tmp)))
        history_request(bot)
        fuzz(bot, args.fuzz)
    repeated_ingests(args.ingests)
    if not args.skip_concurrent:
        concurrent_ingests()
    return 0


if __name__ == "__main__":
    sys.exit(main())
