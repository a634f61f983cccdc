"""One writer at a time: real `assistant ingest` processes on one data folder, and a live Assistant that
keeps answering while another process ingests (issue 8, finding 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.assistant import Assistant
from assistant.index import store
from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings
from tests.index.test_generations import ARTICLE, QATAR, edit_records, move_doha

pytestmark = pytest.mark.slow
ASSISTANT = str(Path(sys.executable).parent / "assistant")


def start_ingest(settings: Settings, **env: str) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        **env,
    }
    return subprocess.Popen(
        [ASSISTANT, "ingest"], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_three_concurrent_ingests_one_writer_at_a_time(tmp_path: Path, knowledge_copy: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)
    procs = [start_ingest(settings) for _ in range(3)]
    outputs = [p.communicate(timeout=600) for p in procs]
    outcomes = [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]
    for code, _, err in outcomes:
        assert code == 0, err
        assert "Traceback" not in err
    embedded = sorted(int(out.split("embedded ")[1].split()[0]) for _, out, _ in outcomes)
    assert embedded[:2] == [0, 0] and embedded[2] > 0  # one built the index, the others found it done
    client = store.connect(settings)
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    generations = [n for n in names if n.startswith(f"{settings.collection}-g")]
    companions = (store.SENTENCES_SUFFIX, store.FILES_SUFFIX)
    assert len([n for n in generations if not n.endswith(companions)]) == 1  # one generation,
    assert len(generations) == 3  # with its sentence and files collections


def test_a_second_ingest_that_cannot_wait_says_one_is_running(tmp_path: Path, knowledge_copy: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)
    from filelock import FileLock

    settings.data_dir.mkdir(parents=True)
    with FileLock(str(store.lock_path(settings))):  # another writer holds the folder
        proc = start_ingest(settings, ASSISTANT_INGEST_LOCK_TIMEOUT_S="1")
        _, err = proc.communicate(timeout=300)
        code = proc.returncode
    assert code == 3 and "an ingest is already running" in err and "Traceback" not in err


def test_a_live_assistant_answers_during_and_after_another_process_ingests(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)
    bot = Assistant.load(settings)
    before = bot.info()["collection"]
    edit_records(settings.knowledge_dir, move_doha(25))
    proc = start_ingest(settings)
    answered = 0
    while proc.poll() is None:
        for question in (QATAR, ARTICLE):
            answer = bot.ask(question)
            assert answer.answerable, answer.text
            answered += 1
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert answered > 0
    assert bot.ask(ARTICLE).answerable  # the old generation is gone: this reloads the new one
    assert "25" in bot.ask(QATAR).text  # and the records of the same generation with it
    assert bot.info()["collection"] != before
    assert load_knowledge(settings.knowledge_dir).files == bot.kb.files
