from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.assistant import Assistant
from assistant.errors import KnowledgeError
from assistant.index import store
from assistant.index.documents import DOCUMENTS_FORMAT, build_documents, build_sentences
from assistant.index.ingest import ingest
from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings

RECORDS = "records/meetings-2024.yaml"


@pytest.fixture()
def private(tmp_path: Path, knowledge_copy: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)


def _edit_records(root: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = root / RECORDS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["records"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _live_ids(settings: Settings) -> set[str]:
    client = store.connect(settings)
    _, collection = store.open_live(client, settings)
    return set(collection.get()["ids"])


def test_ingest_is_idempotent_and_incremental(private: Settings) -> None:
    a = Assistant(private, load_knowledge(private.knowledge_dir))
    first = a.ingest()
    n = len(build_documents(a.kb))
    assert (first.added, first.embedded, first.unchanged) == (n, n, 0)
    assert first.sentences_embedded == len(build_sentences(a.kb)) > 0

    second = a.ingest()
    assert second.embedded == 0 and second.sentences_embedded == 0
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, n)
    assert second.collection == first.collection

    _edit_records(private.knowledge_dir, lambda recs: recs[0].update(summary_ar=recs[0]["summary_ar"] + " تعديل."))
    _edit_records(private.knowledge_dir, lambda recs: recs.pop())
    third = a.ingest()
    assert (third.updated, third.removed, third.embedded) == (1, 1, 1)
    assert third.unchanged == n - 2
    ids = _live_ids(private)
    assert len(ids) == n - 1
    assert not any(i.startswith("mtg-2024-17-brussels@") for i in ids)
    # the superseded generation is gone: one live generation (its documents and its sentences), one manifest
    names = {c if isinstance(c, str) else c.name for c in store.connect(private).list_collections()}
    generations = [x for x in names if x.startswith(f"{private.collection}-g")]
    assert sorted(generations) == sorted(third.collection + s for s in ("", store.SENTENCES_SUFFIX, store.FILES_SUFFIX))


def test_failed_ingest_leaves_previous_index_serving(private: Settings) -> None:
    a = Assistant.load(private)
    before = _live_ids(private)
    _edit_records(private.knowledge_dir, lambda recs: recs[2].update(start="not a date"))
    with pytest.raises(KnowledgeError):
        a.ingest()
    assert _live_ids(private) == before
    answer = a.ask("متى زار حموشي قطر؟")
    assert answer.answerable and "21" in answer.text


def test_crash_mid_ingest_keeps_old_generation_and_next_ingest_recovers(private: Settings) -> None:
    a = Assistant(private, load_knowledge(private.knowledge_dir))
    a.ingest()
    before = _live_ids(private)
    _edit_records(private.knowledge_dir, lambda recs: recs[0].update(summary_ar="نص جديد كلياً."))
    with pytest.raises(RuntimeError, match="simulated"):
        ingest(load_knowledge(private.knowledge_dir), private, a.embeddings, fail_after_embedding=True)
    assert _live_ids(private) == before
    report = a.ingest()
    assert report.updated == 1 and report.embedded == 1


class _Counting:
    """The real embedder, counting the texts it is asked for and the calls."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.texts, self.calls = inner, [], 0
        self.model_id = inner.model_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += texts
        self.calls += 1
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:  # the dense floor's probes: not what is counted here
        return self.inner.embed_query(text)


def test_each_distinct_text_is_embedded_once_and_lands_on_its_documents(private: Settings) -> None:
    import numpy as np

    kb = load_knowledge(private.knowledge_dir)
    bot = Assistant(private, kb)
    counting = _Counting(bot.embeddings)
    report = ingest(kb, private, counting)
    docs, sentences = build_documents(kb), build_sentences(kb)
    distinct = {d.page_content for d in docs} | {d.page_content for d in sentences}
    assert len(counting.texts) == len(set(counting.texts))  # nothing twice, in either collection
    assert set(counting.texts) == distinct
    assert counting.calls <= 4  # whole calls of up to EMBED_CALL texts, sorted by length inside the embedder
    client = store.connect(private)
    live = client.get_collection(report.collection)
    for doc in (docs[0], docs[-1], sentences[len(sentences) // 2]):
        name = report.collection if doc in docs else report.collection + store.SENTENCES_SUFFIX
        got = client.get_collection(name).get(ids=[str(doc.id)], include=["embeddings"])["embeddings"][0]
        want = bot.embeddings.embed_documents([doc.page_content])[0]
        assert float(np.dot(got, want)) > 0.9999, doc.metadata["source_id"]
    assert live.count() == len(docs)


def test_an_index_of_documents_made_another_way_is_rebuilt_at_load(private: Settings) -> None:
    first = Assistant.load(private, warm=False)
    client = store.connect(private)
    manifest = store.read_manifest(client, private)
    assert manifest is not None and manifest.documents_format == DOCUMENTS_FORMAT
    # as an index written before documents carried their context reads
    store.write_manifest(client, private, store.Manifest(**{**manifest.__dict__, "documents_format": 1}))
    assert first._generation is not None
    again = Assistant.load(private, warm=False)
    rebuilt = store.read_manifest(store.connect(private), private)
    assert rebuilt is not None and rebuilt.documents_format == DOCUMENTS_FORMAT
    assert rebuilt.collection != manifest.collection  # a new generation, not the old one relabelled
    assert again.ask("متى زار حموشي قطر؟").answerable
