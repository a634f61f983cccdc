"""Dataset validation: the project's datasets load and cover the required slices; bad lines are located."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from evals.runner import default_datasets
from evals.schema import DatasetError, EvalItem, load_dataset

CORE = REPO_ROOT / "evals" / "datasets" / "core.jsonl"


def test_every_project_dataset_loads() -> None:
    paths = default_datasets()
    assert CORE in paths
    for path in paths:
        assert load_dataset(path).items


def test_core_dataset_covers_what_the_suite_promises() -> None:
    items = load_dataset(CORE).items
    tags = Counter(t for i in items for t in i.tags)
    assert len(items) >= 150
    assert sum(1 for i in items if i.turns) >= 20
    assert sum(1 for i in items if not i.expect.answerable) >= 30
    for dialect in ("msa", "moroccan", "egyptian", "levantine", "gulf", "english"):
        assert tags[f"dialect:{dialect}"] >= 5, dialect
    for intent in ("list", "count", "when", "where", "who", "what", "yesno", "why"):
        assert tags[f"intent:{intent}"] >= 3, intent
    for slice_ in (
        "records",
        "article",
        "followup",
        "unanswerable",
        "injection",
        "disagreement",
        "spelling",
        "digits",
    ):
        assert tags[f"slice:{slice_}"] >= 5, slice_
    assert any(any("\u064b" <= ch <= "\u0652" for ch in i.scored_question) for i in items), "diacritics"
    assert any(any("\u0660" <= ch <= "\u0669" for ch in i.scored_question) for i in items), "Arabic-Indic digits"


def test_core_sources_name_real_records_and_article_chunks() -> None:
    kb = load_knowledge(REPO_ROOT / "knowledge")
    record_ids = {r.id for r in kb.records}
    article_ids = {a.meta.id for a in kb.articles}
    for it in load_dataset(CORE).items:
        for source in it.expect.sources:
            assert source in record_ids or source.split("#", 1)[0] in article_ids, (it.id, source)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "a", "question": "متى؟", "expect": {"all": [["قطر"]]}}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"id": "b", "question": "x"', "invalid JSON"),
        ('{"id": "b"}', "exactly one of `question`"),
        ('{"id": "b", "question": "x", "turns": ["y"]}', "exactly one of `question`"),
        ('{"id": "b", "question": "x", "expect": {"all": [[]]}}', "non-empty alternative"),
        ('{"id": "b", "question": "x", "expect": {"number": "three"}}', "expect.number"),
        ('["not", "an", "object"]', "JSON object"),
        ('{"id": "a", "question": "x"}', "duplicate id"),
    ],
)
def test_a_malformed_line_names_the_file_and_the_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = _write(tmp_path, [GOOD, "", bad_line])
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert err.value.line == 3
    assert str(err.value).startswith(f"{path}:3:")
    assert message in str(err.value)


def test_unknown_fields_are_kept_and_other_shapes_accepted(tmp_path: Path) -> None:
    line = {
        "id": 7,
        "turns": [
            {"role": "user", "content": "متى زار قطر؟"},
            {"role": "assistant", "content": "…"},
            "ومع من؟",
        ],
        "sources": ["mtg-2024-04-doha"],
        "expect": {"all": ["الخليفي", ["قطر", "Qatar"]], "grader_note": "theirs"},
        "tags": {"intent": "who", "slice": ["followup", "records"]},
        "difficulty": "hard",
    }
    ds = load_dataset(_write(tmp_path, [json.dumps(line, ensure_ascii=False)]))
    it: EvalItem = ds.items[0]
    assert it.id == "7"
    assert it.turns == ["متى زار قطر؟", "ومع من؟"] and it.scored_question == "ومع من؟"
    assert it.prior_turns == ["متى زار قطر؟"]
    assert it.expect.sources == ["mtg-2024-04-doha"]
    assert it.expect.all == [["الخليفي"], ["قطر", "Qatar"]]
    assert it.tags == ["intent:who", "slice:followup", "slice:records"]
    assert it.model_extra == {"difficulty": "hard"}
    assert it.expect.model_extra == {"grader_note": "theirs"}
    assert len(ds.sha256) == 64
