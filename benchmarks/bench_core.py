"""Core benchmark: ingest time, cold CLI answer, warm latency p50/p95, peak RSS — beside a dense-only
baseline (one embedding + one Chroma query, no Arabic analysis, no records engine) measured in the same run.

    .venv/bin/python benchmarks/bench_core.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = [
    "ما هي دول الخليج التي زارها حموشي؟",
    "كم لقاءً عقد في شتنبر؟",
    "من استقبل في أكادير؟",
    "متى زار حموشي ألمانيا؟",
    "هل زار حموشي إيطاليا؟",
    "كم لقاء عقد حموشي سنة 2024؟",
    "ماذا قال المقال عن كأس العالم 2030؟",
    "شكون لي تلاقى معاه حموشي ف لندن؟",
    "Which Gulf countries did Hammouchi visit?",
    "ما هو عدد سكان المغرب؟",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from assistant import Assistant, Settings
    from assistant.offline import enable_offline_mode

    enable_offline_mode()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        t = time.perf_counter()
        bot = Assistant.load(settings)
        load_s = time.perf_counter() - t
        report = bot.ingest()
        print(
            f"first load incl. ingest: {load_s:.2f} s; re-ingest (nothing changed): {report.seconds:.2f} s, "
            f"embedded {report.embedded}"
        )

        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp}
        exe = str(Path(sys.executable).parent / "assistant")
        t = time.perf_counter()
        subprocess.run([exe, "ask", QUESTIONS[0]], env=env, check=True, capture_output=True)
        print(f"cold `assistant ask` wall time: {time.perf_counter() - t:.2f} s")

        store = bot.vector_store()
        ours, base = [], []
        for _ in range(args.rounds):
            for q in QUESTIONS:
                t = time.perf_counter()
                bot.ask(q)
                ours.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                store.similarity_search(q, k=5)
                base.append((time.perf_counter() - t) * 1000)
        print(
            f"warm latency, assistant: p50 {pct(ours, 0.5):.1f} ms, p95 {pct(ours, 0.95):.1f} ms, "
            f"mean {statistics.mean(ours):.1f} ms over {len(ours)} questions"
        )
        print(f"warm latency, dense-only baseline: p50 {pct(base, 0.5):.1f} ms, p95 {pct(base, 0.95):.1f} ms")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
