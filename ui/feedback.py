"""Reader feedback on answers, appended as JSON lines to ``<data_dir>/feedback.jsonl``.

Append-only so nothing a reader said is ever rewritten; one lock per log (and an OS file lock) so
concurrent sessions never interleave half lines. A comment sent after a rating is a later line for the
same session and turn: readers of the log keep the last line per (session, turn).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

try:  # POSIX only; the thread lock alone still covers one process elsewhere
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

Rating = Literal["useful", "not_useful", "cleared"]
MAX_COMMENT_CHARS = 2000
FILE_NAME = "feedback.jsonl"


@dataclass(frozen=True)
class FeedbackEntry:
    session: str
    question: str
    answer: str
    route: str
    rating: Rating
    comment: str | None = None
    turn: int = 0
    timestamp: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


class FeedbackLog:
    """One JSONL file; safe to share between sessions (it holds no per-session state)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> FeedbackLog:
        return cls(data_dir / FILE_NAME)

    def append(self, entry: FeedbackEntry) -> None:
        record = asdict(entry)
        if record["comment"] is not None:
            record["comment"] = record["comment"].strip()[:MAX_COMMENT_CHARS] or None
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    handle.write(line)
                    handle.flush()
                finally:
                    if fcntl is not None:
                        fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self) -> list[dict[str, object]]:
        """Every entry, oldest first (for tests and for whoever reviews the feedback)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
