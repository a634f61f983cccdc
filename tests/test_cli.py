"""The `assistant` console script, run as a user would (a real subprocess, real model and index)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KNOWLEDGE

ASSISTANT = str(Path(sys.executable).parent / "assistant")


def run(
    *args: str, data_dir: Path, knowledge: Path = KNOWLEDGE, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_KNOWLEDGE_DIR": str(knowledge)}
    return subprocess.run([ASSISTANT, *args], capture_output=True, text=True, env=env, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-data")
    done = run("ingest", data_dir=path)
    assert done.returncode == 0, done.stderr
    assert "added" in done.stdout and "unchanged 0" in done.stdout
    return path


def test_second_ingest_embeds_nothing(data_dir: Path) -> None:
    done = run("ingest", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert "added 0, updated 0, removed 0" in done.stdout and "embedded 0" in done.stdout


def test_ask_json_is_one_utf8_answer_object(data_dir: Path) -> None:
    done = run("ask", "ما هي دول الخليج التي زارها حموشي؟", "--json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answerable"] is True and "قطر" in answer["text"]
    assert {c["kind"] for c in answer["citations"]} == {"record"}
    assert set(answer) >= {"text", "answerable", "citations", "route", "timings_ms"}
    assert "\\u" not in done.stdout  # real UTF-8, not escapes


def test_ask_prints_text_and_sources(data_dir: Path) -> None:
    done = run("ask", "من استقبل في أكادير؟", data_dir=data_dir)
    assert done.returncode == 0 and "المصادر" in done.stdout and "أكادير" in done.stdout


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000, "؟؟؟"])
def test_bad_question_exits_2_with_a_message(question: str, tmp_path: Path) -> None:
    done = run("ask", question, data_dir=tmp_path)
    assert done.returncode == 2
    assert "خطأ" in done.stderr and "error" in done.stderr
    assert not (tmp_path / "chroma").exists(), "a rejected question must not touch the data folder"


def test_malformed_knowledge_exits_2_naming_the_file(tmp_path: Path, knowledge_copy: Path) -> None:
    records = knowledge_copy / "records" / "meetings-2024.yaml"
    records.write_text(
        records.read_text(encoding="utf-8").replace("confidence: high", "confidence: maybe", 1),
        encoding="utf-8",
    )
    done = run("ingest", data_dir=tmp_path, knowledge=knowledge_copy)
    assert done.returncode == 2
    assert "meetings-2024.yaml" in done.stderr and "confidence" in done.stderr


def test_info_without_index_says_how_to_build_it(tmp_path: Path) -> None:
    done = run("info", data_dir=tmp_path)
    assert done.returncode == 3 and "assistant ingest" in done.stderr


def test_info_describes_index_and_model(data_dir: Path) -> None:
    done = run("info", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["store"] == "embedded" and info["records"] == 17 and info["indexed_documents"] > 17


def test_chat_keeps_history_for_follow_ups(data_dir: Path) -> None:
    done = run("chat", data_dir=data_dir, stdin="متى زار حموشي السعودية؟\nوماذا عن قطر؟\nخروج\n")
    assert done.returncode == 0, done.stderr
    assert "الرياض" in done.stdout and "21" in done.stdout


def test_cli_answer_does_not_import_gradio(data_dir: Path) -> None:
    code = "import sys; from assistant.cli import main; main(['info']); print('gradio' in sys.modules)"
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.stdout.strip().endswith("False"), done.stderr
