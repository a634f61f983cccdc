"""One generation, one truth; disk space reclaimed; a damaged or read-only index (issue 8, findings 4–6).

Real parts only: the real model, a real persistent Chroma folder, real `assistant` processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from assistant.assistant import Assistant
from assistant.errors import IndexDamagedError
from assistant.index import store
from assistant.index.ingest import ingest
from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings

RECORDS = "records/meetings-2024.yaml"
ASSISTANT = str(Path(sys.executable).parent / "assistant")
QATAR = "متى زار حموشي قطر؟"
ARTICLE = "ماذا قال المقال عن كأس العالم 2030؟"  # needs dense retrieval (the axes question is a claim)


@pytest.fixture()
def private(tmp_path: Path, knowledge_copy: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)


def edit_records(root: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = root / RECORDS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["records"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def move_doha(day: int):  # type: ignore[no-untyped-def]
    def edit(records: list[dict]) -> None:  # type: ignore[type-arg]
        doha = next(r for r in records if r["id"] == "mtg-2024-04-doha")
        doha["start"] = doha["end"] = dt.date(2024, 4, day)

    return edit


def run_cli(*args: str, settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
    }
    return subprocess.run([ASSISTANT, *args], capture_output=True, text=True, env=env, timeout=600)


def segment_folders(settings: Settings) -> set[str]:
    return {p.name for p in settings.index_dir.iterdir() if p.is_dir() and p.name.count("-") == 4}


def test_a_killed_ingest_changes_nothing_that_is_served(private: Settings) -> None:
    """Records, claims and articles all come from the generation the index was built from."""
    Assistant(private, load_knowledge(private.knowledge_dir)).ingest()
    edit_records(private.knowledge_dir, move_doha(25))
    with pytest.raises(RuntimeError, match="simulated"):
        ingest(
            load_knowledge(private.knowledge_dir),
            private,
            Assistant(private, load_knowledge(private.knowledge_dir)).embeddings,
            fail_after_embedding=True,
        )
    bot = Assistant.load(private)
    answer = bot.ask(QATAR)
    assert answer.answerable and "21" in answer.text and "25" not in answer.text
    assert bot.info()["stale"] is True  # the folder has moved on; what is served has not
    bot.ingest()
    assert "25" in bot.ask(QATAR).text and bot.info()["stale"] is False


def test_the_snapshot_sits_beside_the_generation_not_in_its_metadata(private: Settings) -> None:
    """Chroma reads a collection's metadata at every query: a snapshot there made each dense search pay for
    the whole knowledge base's text (55 ms at 10k chunks)."""
    kb = load_knowledge(private.knowledge_dir)
    report = Assistant(private, kb).ingest()
    client = store.connect(private)
    assert store.SNAPSHOT_KEY not in (client.get_collection(report.collection).metadata or {})
    assert store.read_snapshot(client, private, report.collection) == kb.files


def test_an_index_with_the_snapshot_in_the_generation_itself_still_serves(private: Settings) -> None:
    """Indexes built before the files collection kept the snapshot in the generation's own metadata."""
    report = Assistant(private, load_knowledge(private.knowledge_dir)).ingest()
    client = store.connect(private)
    files = store.read_snapshot(client, private, report.collection)
    client.delete_collection(report.collection + store.FILES_SUFFIX)
    snapshot = json.dumps({"version": 1, "files": files}, ensure_ascii=False)
    client.get_collection(report.collection).modify(metadata={store.SNAPSHOT_KEY: snapshot})
    store.forget_clients()
    served = private.knowledge_dir.parent / "served"
    shutil.copytree(private.knowledge_dir, served)
    edit_records(private.knowledge_dir, move_doha(25))  # what is served comes from the snapshot, not the folder
    answer = Assistant.load(private, ingest_if_missing=False).ask(QATAR)
    assert answer.answerable and "21" in answer.text and "25" not in answer.text
    # an ingest of the same files moves the snapshot beside the generation, which it keeps
    again = Assistant(private.overridden(knowledge_dir=served), load_knowledge(served)).ingest()
    assert again.collection == report.collection and again.embedded == 0
    client = store.connect(private)
    assert client.get_collection(report.collection).metadata == {store.SNAPSHOT_KEY: ""}
    assert store.read_snapshot(client, private, report.collection) == files


def test_disk_use_stays_flat_over_changed_ingests(private: Settings) -> None:
    bot = Assistant(private, load_knowledge(private.knowledge_dir))
    bot.ingest()
    sizes = []
    for day in range(1, 11):  # ten ingests, each changing one record
        edit_records(private.knowledge_dir, move_doha(day))
        report = bot.ingest()
        assert report.changed and report.embedded == 1
        sizes.append(store.disk_usage(private.index_dir))
        assert segment_folders(private) <= store.live_segment_ids(private.index_dir)
    assert len(segment_folders(private)) == 3  # the live generation, its sentences, and the manifest
    # Chroma's sqlite settles (its full-text index merges deleted rows lazily: ~1.6 → ~2.2 MB here); before
    # the fix every ingest also left a ~600 KB segment folder behind, 842 KB → 4.4 MB over 14 rounds
    assert sizes[-1] <= sizes[0] * 1.5, sizes


def test_a_damaged_index_says_how_to_fix_it_and_records_still_answer(private: Settings) -> None:
    Assistant(private, load_knowledge(private.knowledge_dir)).ingest()
    store.forget_clients()
    db = private.index_dir / store.SQLITE
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 3)

    bot = Assistant.load(private)  # a new process would do the same
    assert bot.ask(QATAR).answerable  # the records need no vectors
    with pytest.raises(IndexDamagedError) as info:
        bot.ask(ARTICLE)
    assert str(db) in info.value.message_en and "assistant ingest --rebuild" in info.value.message_en

    done = run_cli("ask", ARTICLE, settings=private)
    assert done.returncode == 3 and "--rebuild" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("ingest", "--rebuild", settings=private)
    assert done.returncode == 0, done.stderr
    done = run_cli("ask", ARTICLE, "--json", settings=private)
    assert done.returncode == 0, done.stderr
    assert not private.index_dir.with_name("chroma.rebuild").exists()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """A read-only bind mount over ``folder`` (file modes do not stop root, a read-only mount does)."""
    if shutil.which("mount") is None:
        pytest.skip("needs mount(8)")
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_data_folder_is_served(private: Settings) -> None:
    Assistant(private, load_knowledge(private.knowledge_dir)).ingest()
    store.forget_clients()
    with read_only(private.data_dir):
        bot = Assistant.load(private, ingest_if_missing=False)
        assert bot.ask(QATAR).answerable
        assert bot.ask(ARTICLE).citations
        done = run_cli("ask", ARTICLE, "--json", settings=private)
        assert done.returncode == 0, done.stderr
        done = run_cli("ingest", settings=private)
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert str(private.data_dir) in done.stderr
