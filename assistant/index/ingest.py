"""Ingest: validate knowledge, embed only what changed, then switch the live index in one step.

One ingest at a time per data folder (``store.ingest_lock``): a second one waits for the first, then finds
nothing left to do. The generation's knowledge files are stored with it before the manifest flips, and the
disk space of replaced generations is reclaimed after.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from langchain_core.documents import Document

from assistant.index import store
from assistant.index.documents import build_documents
from assistant.knowledge.loader import KnowledgeBase
from assistant.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

ProgressFn = Callable[[int, int], None]


class DocumentEmbedder(Protocol):
    model_id: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    seconds: float = 0.0
    collection: str = ""
    dropped: list[str] = field(default_factory=list)
    reclaimed: list[str] = field(default_factory=list)  # orphaned segment folders removed from disk
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"أضيف {self.added}، حُدّث {self.updated}، حُذف {self.removed}، دون تغيير {self.unchanged} "
            f"(added {self.added}, updated {self.updated}, removed {self.removed}, unchanged {self.unchanged}; "
            f"embedded {self.embedded} in {self.seconds:.1f} s)"
        )


def _existing(collection) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    got = collection.get(include=["metadatas"])
    return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}


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
    t0 = time.perf_counter()
    docs = build_documents(kb)
    manifest = store.read_manifest(client, settings) if reuse else None
    old: dict[str, dict] = {}
    old_collection = None
    if manifest is not None:
        try:
            old_collection = client.get_collection(manifest.collection, embedding_function=None)
            old = _existing(old_collection)
        except Exception:
            manifest = None
    same_model = manifest is not None and manifest.model_id == embedder.model_id
    reusable = {i for i in old if same_model}

    report = IngestReport()
    old_by_source = {m.get("source_id"): i for i, m in old.items()}
    new_sources = {d.metadata["source_id"] for d in docs}
    for d in docs:
        sid = d.metadata["source_id"]
        if d.id in reusable:
            report.unchanged += 1
        elif sid in old_by_source:
            report.updated += 1
        else:
            report.added += 1
    report.removed = sum(1 for sid in old_by_source if sid not in new_sources)

    same_passages = manifest is not None and same_model and not report.changed and len(old) == len(docs)
    # same passages but other files (claims, reference data): a new generation all the same, vectors reused
    if same_passages and store.read_snapshot(client, settings, manifest.collection) == kb.files:  # type: ignore[union-attr]
        report.collection = manifest.collection  # type: ignore[union-attr]
        report.seconds = time.perf_counter() - t0
        return report

    to_embed = [d for d in docs if d.id not in reusable]
    vectors: dict[str, list[float]] = {}
    if to_embed:
        batch = settings.embedding_batch_size
        for i in range(0, len(to_embed), batch):
            part = to_embed[i : i + batch]
            for d, v in zip(part, embedder.embed_documents([d.page_content for d in part]), strict=True):
                vectors[str(d.id)] = v
            if progress:
                progress(min(i + batch, len(to_embed)), len(to_embed))
    report.embedded = len(to_embed)
    keep = [str(d.id) for d in docs if d.id in reusable]
    if keep and old_collection is not None:
        got = old_collection.get(ids=keep, include=["embeddings"])
        vectors.update({i: list(map(float, e)) for i, e in zip(got["ids"], got["embeddings"], strict=True)})
    if fail_after_embedding:
        raise RuntimeError("simulated crash during ingest")

    collection = store.create_generation(client, settings, kb.files)
    name = collection.name
    _add(collection, docs, vectors)
    store.write_manifest(
        client,
        settings,
        store.Manifest(collection=name, model_id=embedder.model_id, documents=len(docs), updated=time.time()),
    )
    report.dropped = store.drop_stale_generations(client, settings, keep=name)
    report.reclaimed = store.remove_orphan_segments(settings, index_dir)
    report.collection = name
    report.seconds = time.perf_counter() - t0
    return report


def _add(collection, docs: list[Document], vectors: dict[str, list[float]]) -> None:  # type: ignore[no-untyped-def]
    for i in range(0, len(docs), 256):
        part = docs[i : i + 256]
        collection.add(
            ids=[str(d.id) for d in part],
            documents=[d.page_content for d in part],
            metadatas=[d.metadata for d in part],
            embeddings=[vectors[str(d.id)] for d in part],
        )
