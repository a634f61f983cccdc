"""Ingest: validate knowledge, embed only what changed, then switch the live index in one step.

One ingest at a time per data folder (``store.ingest_lock``): a second one waits for the first, then finds
nothing left to do. The generation's knowledge files and its keyword index (``assistant.index.keywords``)
are stored with it before the manifest flips, and the disk space of replaced generations (their keyword
folders too) is reclaimed after.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from langchain_core.documents import Document

from assistant.index import floor, keywords, store
from assistant.index.documents import DOCUMENTS_FORMAT, build_documents, build_sentences
from assistant.knowledge.loader import KnowledgeBase
from assistant.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

ProgressFn = Callable[[int, int], None]


class DocumentEmbedder(Protocol):
    model_id: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...  # the probe questions of the dense floor


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    sentences_embedded: int = 0  # article sentences (vectors for ranking answers), beside the documents
    seconds: float = 0.0
    collection: str = ""
    dropped: list[str] = field(default_factory=list)
    reclaimed: list[str] = field(default_factory=list)  # orphaned segment and keyword folders removed from disk
    keyword_seconds: float = 0.0  # building and storing the generation's keyword index
    dense_floor: float = 0.0  # the generation's (``assistant.index.floor``), for whoever serves it next
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"أضيف {self.added}، حُدّث {self.updated}، حُذف {self.removed}، دون تغيير {self.unchanged} "
            f"(added {self.added}, updated {self.updated}, removed {self.removed}, unchanged {self.unchanged}; "
            f"embedded {self.embedded} documents and {self.sentences_embedded} sentences in {self.seconds:.1f} s)"
        )


EMBED_CALL = 256  # texts per embedder call (sentence-transformers batches within it, sorted by length)


def _existing(collection) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    got = collection.get(include=["metadatas"])
    return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}


@dataclass
class _Plan:
    """What one collection of the new generation needs: its documents, and the vectors it can reuse."""

    docs: list[Document]
    old: dict[str, dict] = field(default_factory=dict)
    old_collection: object | None = None

    def reusable(self, same_vectors: bool) -> set[str]:
        return set(self.old) if same_vectors else set()


def _plan(client, name: str | None, docs: list[Document]) -> _Plan:  # type: ignore[no-untyped-def]
    plan = _Plan(docs)
    if name:
        try:
            plan.old_collection = client.get_collection(name, embedding_function=None)
            plan.old = _existing(plan.old_collection)
        except Exception:  # a generation lost or never written: everything is embedded again
            plan.old_collection, plan.old = None, {}
    return plan


def _count(report: IngestReport, plan: _Plan, reusable: set[str]) -> None:
    old_by_source = {m.get("source_id"): i for i, m in plan.old.items()}
    new_sources = {d.metadata["source_id"] for d in plan.docs}
    for d in plan.docs:
        if d.id in reusable:
            report.unchanged += 1
        elif d.metadata["source_id"] in old_by_source:
            report.updated += 1
        else:
            report.added += 1
    report.removed += sum(1 for sid in old_by_source if sid not in new_sources)


def _vectors(
    plan: _Plan,
    reusable: set[str],
    embedder: DocumentEmbedder,
    batch: int,
    progress: ProgressFn | None,
    done: int,
    total: int,
    by_text: dict[str, list[float]],
) -> dict[str, list[float]]:
    """Embed what is new, copy what is not; ``done``/``total`` count across both collections for progress.

    Texts go to the embedder ``EMBED_CALL`` at a time, not one batch at a time: sentence-transformers sorts
    each call's texts by length before batching, so a batch pads to similar lengths (article sentences
    range from a few words to a paragraph). A text that occurs twice, in either collection, is embedded once
    (``by_text``, shared by the two collections: a one-sentence paragraph is a chunk and a sentence)."""
    to_embed = [d for d in plan.docs if d.id not in reusable]
    vectors: dict[str, list[float]] = {}
    texts = [t for t in dict.fromkeys(d.page_content for d in to_embed) if t not in by_text]
    step = max(batch, EMBED_CALL)
    for i in range(0, len(texts), step):
        part = texts[i : i + step]
        by_text.update(zip(part, embedder.embed_documents(part), strict=True))
        if progress:
            progress(done + round(len(to_embed) * min(i + step, len(texts)) / len(texts)), total)
    if progress and not texts and to_embed:
        progress(done + len(to_embed), total)
    vectors.update({str(d.id): by_text[d.page_content] for d in to_embed})
    keep = [str(d.id) for d in plan.docs if d.id in reusable]
    if keep and plan.old_collection is not None:
        got = plan.old_collection.get(ids=keep, include=["embeddings"])  # type: ignore[attr-defined]
        vectors.update({i: list(map(float, e)) for i, e in zip(got["ids"], got["embeddings"], strict=True)})
    return vectors


def ingest(
    kb: KnowledgeBase,
    settings: Settings,
    embedder: DocumentEmbedder,
    progress: ProgressFn | None = None,
    *,
    fail_after_embedding: bool = False,
    rebuild: bool = False,
) -> IngestReport:
    """Bring the index in line with ``kb``, holding the data folder's ingest lock.

    ``rebuild`` re-embeds everything into a fresh store (a new folder swapped in whole for the embedded
    store; a new generation on a server), for a damaged index. ``fail_after_embedding`` exists for the
    crash-safety tests."""
    with store.ingest_lock(settings):
        if rebuild:
            return _rebuild(kb, settings, embedder, progress, fail_after_embedding)
        return _ingest(kb, settings, embedder, progress, fail_after_embedding, store.connect(settings))


def _rebuild(
    kb: KnowledgeBase,
    settings: Settings,
    embedder: DocumentEmbedder,
    progress: ProgressFn | None,
    fail_after_embedding: bool,
) -> IngestReport:
    if settings.uses_server:  # nothing reused: a fresh generation, then the old ones are dropped
        report = _ingest(kb, settings, embedder, progress, fail_after_embedding, store.connect(settings), reuse=False)
    else:
        staged = store.staging_dir(settings)
        client = store.connect(settings, path=staged)
        report = _ingest(kb, settings, embedder, progress, fail_after_embedding, client, index_dir=staged)
        del client
        store.swap_in_rebuilt(settings, staged)
    report.rebuilt = True
    return report


def _ingest(
    kb: KnowledgeBase,
    settings: Settings,
    embedder: DocumentEmbedder,
    progress: ProgressFn | None,
    fail_after_embedding: bool,
    client: ClientAPI,
    *,
    reuse: bool = True,
    index_dir: Path | None = None,
) -> IngestReport:
    """A generation is two collections: the retrievable documents (chunks and records, carrying the
    knowledge snapshot) and the article sentences with their vectors (for ranking answer sentences)."""
    t0 = time.perf_counter()
    manifest = store.read_manifest(client, settings) if reuse else None
    same_vectors = manifest is not None and manifest.same_vectors(embedder.model_id)
    plans = [
        _plan(client, manifest.collection if manifest else None, build_documents(kb)),
        _plan(client, manifest.sentences if manifest else None, build_sentences(kb)),
    ]
    report = IngestReport()
    reusable = [p.reusable(same_vectors) for p in plans]
    _count(report, plans[0], reusable[0])  # the report speaks of documents; sentences follow their articles
    current = all(len(p.old) == len(p.docs) and {str(d.id) for d in p.docs} <= p.old.keys() for p in plans)
    same_passages = manifest is not None and manifest.sentences and same_vectors and not report.changed and current
    # same passages but other files (claims, reference data): a new generation all the same, vectors reused
    if same_passages and store.read_snapshot(client, settings, manifest.collection) == kb.files:  # type: ignore[union-attr]
        report.collection = manifest.collection  # type: ignore[union-attr]
        report.dense_floor = manifest.dense_floor or 0.0  # type: ignore[union-attr]
        if manifest.dense_floor is None:  # type: ignore[union-attr]  # an index from before the floor
            live = client.get_collection(report.collection, embedding_function=None)
            report.dense_floor = _floor(live, embedder, settings)
            store.write_manifest(client, settings, replace(manifest, dense_floor=report.dense_floor))  # type: ignore[type-var]
        store.move_snapshot_beside(client, report.collection, kb.files)  # an index from before files collections
        if not keywords.folder(settings, report.collection).is_dir():  # an index from before keyword folders
            keywords.write(settings, report.collection, keywords.build(kb, plans[0].docs))
        report.seconds = time.perf_counter() - t0
        return report

    total = sum(len([d for d in p.docs if d.id not in r]) for p, r in zip(plans, reusable, strict=True))
    vectors: list[dict[str, list[float]]] = []
    done = 0
    by_text: dict[str, list[float]] = {}
    for plan, reuse in zip(plans, reusable, strict=True):
        vectors.append(_vectors(plan, reuse, embedder, settings.embedding_batch_size, progress, done, total, by_text))
        done += len([d for d in plan.docs if d.id not in reuse])
    report.embedded = len([d for d in plans[0].docs if d.id not in reusable[0]])
    report.sentences_embedded = done - report.embedded
    if fail_after_embedding:
        raise RuntimeError("simulated crash during ingest")

    collection = store.create_generation(client, settings, kb.files)
    name = collection.name
    _add(collection, plans[0].docs, vectors[0])
    sentences = client.create_collection(
        name + store.SENTENCES_SUFFIX, embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    _add(sentences, plans[1].docs, vectors[1])
    t = time.perf_counter()
    keywords.write(settings, name, keywords.build(kb, plans[0].docs))
    report.keyword_seconds = time.perf_counter() - t
    report.dense_floor = _floor(collection, embedder, settings)
    store.write_manifest(
        client,
        settings,
        store.Manifest(
            collection=name,
            model_id=embedder.model_id,
            documents=len(plans[0].docs),
            updated=time.time(),
            sentences=name + store.SENTENCES_SUFFIX,
            documents_format=DOCUMENTS_FORMAT,
            dense_floor=report.dense_floor,
        ),
    )
    report.dropped = store.drop_stale_generations(client, settings, keep=name)
    report.reclaimed = store.remove_orphan_segments(settings, index_dir)
    report.reclaimed += keywords.reclaim(settings, keep=name)
    report.collection = name
    report.seconds = time.perf_counter() - t0
    return report


def _floor(collection, embedder: DocumentEmbedder, settings: Settings) -> float:  # type: ignore[no-untyped-def]
    """The generation's dense floor (``floor.measure``) over the base's probe questions."""
    return floor.measure(collection, embedder.embed_query, floor.load_probes(settings.knowledge_dir))


def _add(collection, docs: list[Document], vectors: dict[str, list[float]]) -> None:  # type: ignore[no-untyped-def]
    for i in range(0, len(docs), 256):
        part = docs[i : i + 256]
        collection.add(
            ids=[str(d.id) for d in part],
            documents=[d.page_content for d in part],
            metadatas=[d.metadata for d in part],
            embeddings=[vectors[str(d.id)] for d in part],
        )
