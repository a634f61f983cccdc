"""The dense floor: how close unrelated questions come to a base's article chunks, measured at ingest with
the real model and stored with the generation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.assistant import Assistant
from assistant.index import floor, store
from assistant.settings import Settings
from assistant.text.tokenize import KNOWLEDGE_DIR


@pytest.fixture()
def private(tmp_path: Path, knowledge_copy: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)


def test_probes_are_the_base_s_own_else_the_shipped_ones(tmp_path: Path) -> None:
    shipped = floor.load_probes(KNOWLEDGE_DIR)
    assert len(shipped) >= 20 and all(q.endswith("؟") for q in shipped)
    assert floor.load_probes(tmp_path) == shipped  # a base without its own file
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "probes.yaml").write_text("probes: [ما لون السماء؟]\n", encoding="utf-8")
    assert floor.load_probes(tmp_path) == ["ما لون السماء؟"]


def test_ingest_stores_a_floor_below_what_an_answerable_question_reaches(private: Settings) -> None:
    bot = Assistant.load(private, warm=False)
    client = store.connect(private)
    manifest = store.read_manifest(client, private)
    assert manifest is not None and manifest.dense_floor is not None
    live = client.get_collection(manifest.collection, embedding_function=None)
    asked = floor.measure(
        live, bot.embeddings.embed_query, ["ما هي الدول التي يشترك معها المغرب في تنظيم مونديال 2030؟"]
    )
    assert 0.5 < manifest.dense_floor < asked - 0.03
    assert floor.measure(live, bot.embeddings.embed_query, []) == 0.0
    assert bot._pipeline is not None and bot._pipeline.article.dense_floor == manifest.dense_floor


def test_an_index_from_before_the_floor_gets_one_at_load_with_its_vectors(private: Settings) -> None:
    Assistant.load(private, warm=False)
    client = store.connect(private)
    manifest = store.read_manifest(client, private)
    assert manifest is not None
    store.write_manifest(client, private, store.Manifest(**{**manifest.__dict__, "dense_floor": None}))
    assert store.read_manifest(client, private).dense_floor is None  # type: ignore[union-attr]
    Assistant.load(private, warm=False)
    again = store.read_manifest(store.connect(private), private)
    assert again is not None and again.collection == manifest.collection  # the same generation, not re-embedded
    assert again.dense_floor == pytest.approx(manifest.dense_floor)


def test_the_floor_travels_with_the_generation_it_was_measured_on(private: Settings) -> None:
    """Loading a live index, re-ingesting an unchanged one and ingesting a changed one each serve the floor
    of the generation they serve (read with its knowledge, not looked up again afterwards)."""
    bot = Assistant.load(private, warm=False)
    first = store.read_manifest(store.connect(private), private)
    assert first is not None and bot._pipeline is not None
    assert bot._pipeline.article.dense_floor == first.dense_floor
    report = bot.ingest()
    assert report.collection == first.collection and report.dense_floor == first.dense_floor
    assert bot._pipeline.article.dense_floor == first.dense_floor
    article = next((private.knowledge_dir / "articles").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n\nفقرة جديدة عن التعاون الأمني.\n", encoding="utf-8")
    report = bot.ingest()
    second = store.read_manifest(store.connect(private), private)
    assert second is not None and second.collection == report.collection != first.collection
    assert bot._pipeline.article.dense_floor == second.dense_floor == report.dense_floor
