"""The feedback log: append-only JSON lines, whole lines even under concurrent writers."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ui.feedback import FeedbackEntry, FeedbackLog

FIELDS = {"timestamp", "session", "question", "answer", "route", "rating", "comment", "turn"}


def entry(n: int, comment: str | None = None) -> FeedbackEntry:
    return FeedbackEntry(
        session=f"s{n % 3}",
        question="ما هي دول الخليج التي زارها حموشي؟",
        answer="السعودية، قطر، الإمارات " * 20,
        route="records",
        rating="useful" if n % 2 else "not_useful",
        comment=comment,
        turn=n,
    )


def test_entries_are_appended_as_utf8_json_lines(tmp_path: Path) -> None:
    log = FeedbackLog.in_data_dir(tmp_path / "data")
    log.append(entry(1))
    log.append(entry(2, comment="  مفيد جدًا  "))
    raw = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8")
    assert "الخليج" in raw  # not \u-escaped
    lines = [json.loads(line) for line in raw.splitlines()]
    assert [e["turn"] for e in lines] == [1, 2]
    assert lines[0]["comment"] is None and lines[1]["comment"] == "مفيد جدًا"
    assert set(lines[0]) == FIELDS
    assert lines[0]["timestamp"].endswith("+00:00")
    assert log.read() == lines


def test_blank_comment_is_stored_as_none_and_long_ones_are_cut(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "f.jsonl")
    log.append(entry(1, comment="   "))
    log.append(entry(2, comment="x" * 10_000))
    first, second = log.read()
    assert first["comment"] is None
    assert len(second["comment"]) == 2000


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    logs = [FeedbackLog(path), FeedbackLog(path)]  # two logs on one file: the OS lock still serialises

    def write(k: int) -> None:
        for n in range(50):
            logs[k % 2].append(entry(k * 100 + n))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = FeedbackLog(path).read()
    assert len(entries) == 400
    assert sorted(e["turn"] for e in entries) == sorted(k * 100 + n for k in range(8) for n in range(50))
