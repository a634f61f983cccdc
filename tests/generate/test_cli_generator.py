"""`assistant ask` and `assistant eval` with a generative model, as a user runs them (real subprocesses,
real model and index; the OpenAI-compatible server is the FAKE of tests/generate/fake_openai.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.generate.conftest import REAL_KEY, REAL_MODEL, REAL_URL
from tests.generate.fake_openai import FakeOpenAI

ASSISTANT = str(Path(sys.executable).parent / "assistant")
QUESTION = "من استقبل في أكادير؟"


@pytest.fixture(scope="module")
def data_dir(settings: Settings, assistant: Assistant) -> Path:
    return settings.data_dir  # the session's index, built by the `assistant` fixture


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_KNOWLEDGE_DIR": str(KNOWLEDGE), **env}
    return subprocess.run([ASSISTANT, *args], capture_output=True, text=True, env=full_env, timeout=600)


@pytest.mark.parametrize(("model", "status"), [("grounded", "used"), ("ungrounded", "rejected"), ("error", "error")])
def test_ask_with_flags(data_dir: Path, fake_openai: FakeOpenAI, model: str, status: str) -> None:
    done = run(
        "ask", "--json", "--generator", "openai", "--generator-url", fake_openai.url, "--generator-model", model,
        QUESTION, data_dir=data_dir,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["generator_status"] == status
    assert "987" not in answer["text"]
    assert "Traceback" not in done.stderr


def test_ask_with_environment_variables(data_dir: Path, fake_openai: FakeOpenAI) -> None:
    env = {
        "ASSISTANT_GENERATOR": "openai",
        "ASSISTANT_GENERATOR_URL": fake_openai.url,
        "ASSISTANT_GENERATOR_MODEL": "slow",
        "ASSISTANT_GENERATOR_TIMEOUT": "1",
    }
    done = run("ask", "--json", QUESTION, data_dir=data_dir, **env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["generator_status"] == "timeout"


def test_incomplete_generator_settings_exit_2_with_a_message(data_dir: Path) -> None:
    done = run("ask", "--generator", "openai", QUESTION, data_dir=data_dir)
    assert done.returncode == 2
    assert "generator_url" in done.stderr and "الإعدادات" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_generator_no_model_client_is_imported(data_dir: Path) -> None:
    code = (
        "import sys; from assistant.cli import main; main(['ask', 'من استقبل في أكادير؟']); "
        "print('langchain_openai' in sys.modules, 'openai' in sys.modules)"
    )
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.stdout.strip().endswith("False False"), done.stderr


def test_eval_reports_both_configurations_side_by_side(data_dir: Path, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    done = run(
        "eval", "--dataset", str(Path(__file__).parents[2] / "evals/datasets/core.jsonl"), "--limit", "12",
        "--out", str(out), "--no-progress", "--no-baseline",
        "--generator", "openai", "--generator-url", fake_openai.url, "--generator-model", "mixed",
        "--gate", "generator:hallucination_rate<=0",
        data_dir=data_dir,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "with the generator:" in done.stdout and "post-check rejected" in done.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    gen = report["metrics"]["generator"]
    assert set(report["metrics"]) == {"assistant", "generator"}
    assert gen["generator"]["attempted"] > 0 and gen["generator"]["statuses"].get("rejected", 0) > 0
    assert gen["overall"]["hallucination_rate"] == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## With the generative model" in md and "| extractive | generator |" in md
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["system"] for r in rows} == {"assistant", "generator"}
    assert all("generator_status" in r for r in rows if r["system"] == "generator")


@pytest.mark.skipif(not REAL_URL, reason="set ASSISTANT_TEST_GENERATOR_URL to run against a real server")
def test_ask_against_a_real_server(data_dir: Path) -> None:
    assert REAL_URL
    flags = ["--generator", "openai", "--generator-url", REAL_URL, "--generator-model", REAL_MODEL]
    flags += ["--generator-timeout", "120"] + (["--generator-api-key", REAL_KEY] if REAL_KEY else [])
    done = run("ask", "--json", *flags, QUESTION, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answerable"] and answer["generator_status"] in {"used", "rejected", "timeout", "error"}
    if answer["generator_status"] == "used":
        assert answer["extractive_text"] and re.search(r"\[\d+\]", answer["text"])
