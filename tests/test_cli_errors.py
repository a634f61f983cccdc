"""Whatever goes wrong, the `assistant` command prints what and where in Arabic and English and exits 2 or
3 — never a traceback (issue 8, findings 2 and 8). Real subprocesses, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import KNOWLEDGE

ASSISTANT = str(Path(sys.executable).parent / "assistant")


def run(
    *args: str | bytes, data_dir: Path, knowledge: Path = KNOWLEDGE, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_KNOWLEDGE_DIR": str(knowledge), **env}
    done = subprocess.run([ASSISTANT, *args], capture_output=True, text=True, env=environ, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_undecodable_bytes_in_the_question_are_answered_as_json(assistant, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    done = run(b"ask", "متى زار حموشي قطر؟ ".encode() + b"\xff", b"--json", data_dir=settings.data_dir)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answerable"] and "invalid settings" not in done.stderr


def test_a_question_of_undecodable_bytes_only_is_an_input_error(tmp_path: Path) -> None:
    done = run(b"ask", b"\xff\xfe", b"--json", data_dir=tmp_path)
    assert done.returncode == 2 and "error:" in done.stderr and "invalid settings" not in done.stderr


def test_invalid_settings_name_the_setting(tmp_path: Path) -> None:
    done = run("info", data_dir=tmp_path, ASSISTANT_TOP_K="many")
    assert done.returncode == 2 and "top_k" in done.stderr


@pytest.mark.parametrize("make", ["broken-link", "folder"])
def test_odd_entries_among_the_articles_are_named(tmp_path: Path, knowledge_copy: Path, make: str) -> None:
    entry = knowledge_copy / "articles" / "odd.md"
    if make == "folder":
        entry.mkdir()
    else:
        entry.symlink_to(tmp_path / "missing.md")
    done = run("ingest", data_dir=tmp_path / "data", knowledge=knowledge_copy)
    assert done.returncode == 2 and "articles/odd.md" in done.stderr


def test_a_model_cache_path_that_is_a_file_is_named(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    done = run("ingest", data_dir=tmp_path / "data", ASSISTANT_MODEL_CACHE_DIR=str(cache))
    assert done.returncode == 3 and str(cache) in done.stderr and "ASSISTANT_MODEL_CACHE_DIR" in done.stderr


def test_an_unwritable_model_cache_is_named(tmp_path: Path) -> None:
    from tests.index.test_generations import read_only

    cache = tmp_path / "cache"
    cache.mkdir()
    with read_only(cache):
        done = run("ingest", data_dir=tmp_path / "data", ASSISTANT_MODEL_CACHE_DIR=str(cache))
    assert done.returncode == 3 and str(cache) in done.stderr


@pytest.mark.parametrize("model", ["/no/such/model-folder", "empty-folder"])
def test_a_bad_embedding_model_path_is_named(tmp_path: Path, model: str) -> None:
    if model == "empty-folder":
        model = str(tmp_path / "empty")
        Path(model).mkdir()
    done = run("ingest", data_dir=tmp_path / "data", ASSISTANT_EMBEDDING_MODEL=model)
    assert done.returncode == 3 and model in done.stderr and "embedding model" in done.stderr


def test_undecodable_bytes_typed_into_chat_are_cleaned(assistant, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    environ = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_KNOWLEDGE_DIR": str(KNOWLEDGE)}
    stdin = "متى زار حموشي قطر؟".encode() + b"\xff\n\xfe\xfe\nexit\n"
    done = subprocess.run([ASSISTANT, "chat"], capture_output=True, input=stdin, env=environ, timeout=600)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"21" in done.stdout
