"""Every question of the project's eval sets on the shipped records, asked of the keyword pipeline: an
Answer, never an exception (a denial whose clause held a time anchor once raised inside the records engine)."""

from __future__ import annotations

import json

import pytest

from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask

SHIPPED_SETS = ["core", "paraphrases", "paraphrases-2", "paraphrases-3", "paraphrases-4", "independent-shipped"]
SHIPPED_SETS += ["heldout-records", "heldout-records-2", "negation/negation-shipped"]
SHIPPED_SETS += ["order-compare/order-compare-shipped"]


def questions() -> list[str]:
    out: list[str] = []
    for name in SHIPPED_SETS:
        path = REPO_ROOT / "evals" / "datasets" / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                turns = item.get("turns") or [item.get("question", "")]
                out += [t if isinstance(t, str) else t.get("content", "") for t in turns]
    return [q for q in out if q]


@pytest.mark.parametrize("chunk", range(4))
def test_no_question_raises(shipped: Ask, chunk: int) -> None:
    asked = questions()[chunk::4]
    assert asked
    for q in asked:
        answer = shipped(q)
        assert answer.text, q
