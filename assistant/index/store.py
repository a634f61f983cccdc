"""Chroma access: an embedded persistent folder by default, a `chroma run` server when one is configured.

The live collection is named by a one-row *manifest* collection. Ingest builds a new generation beside
the live one and flips the manifest last, so a failed or killed ingest never leaves a half-written index
serving (the manifest upsert is the single atomic step).

Each generation carries a *snapshot* of the knowledge files it was built from (relative path → text, as
JSON in the metadata of an empty companion collection, ``<generation>-files``). It lives in Chroma rather than
in the data folder so that it travels with the index in client–server mode too, and it goes when its
generation is dropped; ``Assistant.load`` builds records, claims and articles from it, so everything served
comes from one generation. (A document in the manifest collection was tried first: Chroma keeps every upsert
of it in its write-ahead queue and full-text index, and the sqlite file grew by ~600 KB per ingest. The
generation's own metadata was tried next: Chroma reads a collection's metadata at every query, ≈ 4.5 ms per
MB, so at 10k chunks (a 7 MB snapshot) every dense search cost 55 ms instead of 2.5.)

One writer at a time: ``ingest_lock`` is a file lock in the data folder (same-host writers; in server mode
ingests from several hosts are not serialised). Embedded-store disk space is reclaimed after each ingest:
Chroma 1.x leaves the segment folders of deleted collections on disk (chroma#5259), so every UUID-named
folder no live segment refers to is removed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from assistant.errors import (
    AssistantError,
    IndexDamagedError,
    IndexMissingError,
    IngestBusyError,
    StoreUnavailableError,
)
from assistant.index.documents import DOCUMENTS_FORMAT
from assistant.settings import Settings

if TYPE_CHECKING:
    import chromadb
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

MANIFEST_ID = "active"
SENTENCES_SUFFIX = "-sentences"  # the generation's article-sentence collection
FILES_SUFFIX = "-files"  # the generation's knowledge snapshot, in the metadata of an empty collection
SNAPSHOT_KEY = "knowledge_files"
SQLITE = "chroma.sqlite3"
REBUILD_SUFFIX = ".rebuild"
COMPLETE_MARK = ".complete"
_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_read_only_copies: dict[Path, Path] = {}


@dataclass(frozen=True)
class Manifest:
    collection: str
    model_id: str
    documents: int
    updated: float
    sentences: str = ""  # empty in an index built before sentence vectors: ingest adds them
    documents_format: int = 1  # how documents were made (``documents.DOCUMENTS_FORMAT``); another: re-ingest
    # the median best article-chunk similarity of unrelated questions (``floor.measure``); None: not measured
    dense_floor: float | None = None

    def same_vectors(self, model_id: str) -> bool:
        """Whether its vectors are what ``model_id`` would make of today's documents: the same model, from
        documents made the same way (an index of another format holds the same ids made from other text)."""
        return self.model_id == model_id and self.documents_format == DOCUMENTS_FORMAT


def where(settings: Settings) -> str:
    return f"http://{settings.chroma_host}:{settings.chroma_port}" if settings.uses_server else str(settings.index_dir)


def _writable(folder: Path) -> bool:
    """Can this process create files here? (Tried, not asked: ``os.access`` answers yes to root on a
    folder without write permission.)"""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _finish_interrupted_rebuild(index_dir: Path) -> None:
    """A rebuild killed between its two renames leaves a complete new store beside no live one: use it."""
    staged = index_dir.with_name(index_dir.name + REBUILD_SUFFIX)
    if not index_dir.exists() and (staged / COMPLETE_MARK).exists():
        staged.rename(index_dir)


def _embedded_path(settings: Settings, path: Path | None) -> Path:
    """The folder to open: the index itself, or a private copy of it when the data folder is read-only."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        return path
    index_dir = settings.index_dir
    if index_dir.is_dir() and not _writable(index_dir):
        copy = _read_only_copies.get(index_dir)
        if copy is None or not copy.exists():
            copy = Path(tempfile.mkdtemp(prefix="assistant-index-")) / "chroma"
            shutil.copytree(index_dir, copy)
            _read_only_copies[index_dir] = copy
            log.warning(
                "مجلد الفهرس للقراءة فقط؛ أخدم من نسخة / read-only index %s served from a copy at %s", index_dir, copy
            )
        return copy
    _finish_interrupted_rebuild(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    return index_dir


def connect(settings: Settings, path: Path | None = None) -> chromadb.ClientAPI:
    """A client for the configured store; a dead server or a damaged index gives a clear error, not a stack
    trace. ``path`` opens another embedded folder (the one a rebuild fills)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.uses_server:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
            return client
        folder = _embedded_path(settings, path)
        client = chromadb.PersistentClient(path=str(folder), settings=chroma_settings)
        client.count_collections()  # a damaged sqlite file fails here, not mid-question (listing would read
        # every collection's metadata, the knowledge snapshots included)
        return client
    except Exception as exc:  # chroma raises several unrelated types for "cannot reach"
        detail = f"{type(exc).__name__}: {exc}"
        if not settings.uses_server and (settings.index_dir / SQLITE).exists():
            raise IndexDamagedError(str(settings.index_dir / SQLITE), detail) from exc
        raise StoreUnavailableError(where(settings), detail) from exc


def forget_clients() -> None:
    """Drop chromadb's per-path client cache, so a swapped-in folder is opened afresh."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def manifest_name(settings: Settings) -> str:
    return f"{settings.collection}-manifest"


def _manifest_collection(client: chromadb.ClientAPI, settings: Settings) -> Collection:
    return client.get_or_create_collection(manifest_name(settings), embedding_function=None)


def read_manifest(client: chromadb.ClientAPI, settings: Settings) -> Manifest | None:
    try:
        got = client.get_collection(manifest_name(settings), embedding_function=None).get(ids=[MANIFEST_ID])
    except Exception:  # no manifest collection yet
        return None
    if not got["ids"]:
        return None
    meta: dict[str, Any] = dict(got["metadatas"][0] or {})
    return Manifest(
        collection=str(meta["collection"]),
        model_id=str(meta["model_id"]),
        documents=int(meta.get("documents", 0)),
        updated=float(meta.get("updated", 0.0)),
        sentences=str(meta.get("sentences", "")),
        documents_format=int(meta.get("documents_format", 1)),
        dense_floor=float(meta["dense_floor"]) if meta.get("dense_floor") is not None else None,
    )


def write_manifest(client: chromadb.ClientAPI, settings: Settings, manifest: Manifest) -> None:
    _manifest_collection(client, settings).upsert(
        ids=[MANIFEST_ID],
        embeddings=[[0.0]],
        documents=[manifest.collection],
        metadatas=[
            {
                "collection": manifest.collection,
                "model_id": manifest.model_id,
                "documents": manifest.documents,
                "updated": manifest.updated,
                "sentences": manifest.sentences,
                "documents_format": manifest.documents_format,
                "dense_floor": manifest.dense_floor,  # None removes a stored one
            }
        ],
    )


def new_generation_name(settings: Settings) -> str:
    return f"{settings.collection}-g{time.time_ns():x}"


def open_live(client: chromadb.ClientAPI, settings: Settings) -> tuple[Manifest, Collection]:
    manifest = read_manifest(client, settings)
    if manifest is None:
        raise IndexMissingError(where(settings))
    try:
        return manifest, client.get_collection(manifest.collection, embedding_function=None)
    except Exception as exc:
        raise IndexMissingError(where(settings)) from exc


def drop_stale_generations(client: chromadb.ClientAPI, settings: Settings, keep: str) -> list[str]:
    """Remove generations left by earlier (possibly crashed) ingests; never the live one."""
    prefix = f"{settings.collection}-g"
    dropped = []
    for col in client.list_collections():
        name = col if isinstance(col, str) else col.name
        if name.startswith(prefix) and name not in {keep, keep + SENTENCES_SUFFIX, keep + FILES_SUFFIX}:
            client.delete_collection(name)
            dropped.append(name)
    return dropped


# --- snapshots: the knowledge files a generation was built from -----------------------------------------


def create_generation(client: chromadb.ClientAPI, settings: Settings, files: dict[str, str]) -> Collection:
    """A new, empty generation collection, its knowledge files beside it in ``<name>-files`` (immutable:
    changed files make a new generation, whose vectors are reused). The files collection is made first, so
    a crash between the two leaves only debris that the next ingest drops."""
    name = new_generation_name(settings)
    _create_files_collection(client, name, files)
    return client.create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})


def _create_files_collection(client: chromadb.ClientAPI, generation: str, files: dict[str, str]) -> None:
    snapshot = json.dumps({"version": 1, "files": files}, ensure_ascii=False)
    client.create_collection(generation + FILES_SUFFIX, embedding_function=None, metadata={SNAPSHOT_KEY: snapshot})


def move_snapshot_beside(client: chromadb.ClientAPI, generation: str, files: dict[str, str]) -> bool:
    """An index built before the files collection: put its snapshot beside it, then empty the generation's
    own copy (its queries stop paying for it). Readers find the snapshot at every moment. True if moved."""
    with contextlib.suppress(Exception):  # not found: an older index
        client.get_collection(generation + FILES_SUFFIX, embedding_function=None)
        return False
    _create_files_collection(client, generation, files)
    client.get_collection(generation, embedding_function=None).modify(metadata={SNAPSHOT_KEY: ""})
    return True


def read_snapshot(client: chromadb.ClientAPI, settings: Settings, generation: str) -> dict[str, str] | None:
    """The knowledge files of ``generation`` (from its files collection, or from its own metadata in an
    index built before there was one), or None for an index built before snapshots existed."""
    for name in (generation + FILES_SUFFIX, generation):
        try:
            metadata = client.get_collection(name, embedding_function=None).metadata or {}
        except Exception:
            continue
        raw = metadata.get(SNAPSHOT_KEY)
        data = json.loads(raw) if isinstance(raw, str) and raw else None
        files = data.get("files") if isinstance(data, dict) else None
        if isinstance(files, dict):
            return {str(k): str(v) for k, v in files.items()}
    return None


# --- one writer at a time -----------------------------------------------------------------------------


def lock_path(settings: Settings) -> Path:
    return settings.data_dir / "ingest.lock"


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the data folder's ingest lock; wait up to ``ingest_lock_timeout_s``, then ``IngestBusyError``."""
    from filelock import FileLock, Timeout

    path = lock_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path), timeout=settings.ingest_lock_timeout_s)
        lock.acquire()
    except Timeout as exc:
        raise IngestBusyError(str(path), settings.ingest_lock_timeout_s) from exc
    except OSError as exc:
        raise AssistantError(
            f"لا يمكن الكتابة في مجلد البيانات {settings.data_dir}: {exc.strerror}",
            f"cannot write to the data folder {settings.data_dir}: {exc.strerror}",
        ) from exc
    try:
        yield
    finally:
        lock.release()


# --- disk space ---------------------------------------------------------------------------------------


def live_segment_ids(index_dir: Path) -> set[str]:
    """Segment ids Chroma still refers to (read-only look at its sqlite ``segments`` table)."""
    db = index_dir / SQLITE
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        return {str(row[0]) for row in con.execute("SELECT id FROM segments")}


def remove_orphan_segments(settings: Settings, index_dir: Path | None = None) -> list[str]:
    """Delete UUID-named segment folders no live segment refers to; call with the ingest lock held."""
    folder = index_dir or settings.index_dir
    if settings.uses_server or not (folder / SQLITE).exists():
        return []
    live = live_segment_ids(folder)
    removed = []
    for child in folder.iterdir():
        if child.is_dir() and _SEGMENT_DIR.match(child.name) and child.name not in live:
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


def disk_usage(folder: Path) -> int:
    """Bytes under ``folder`` (for reports, tests and benchmarks)."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def swap_in_rebuilt(settings: Settings, staged: Path) -> None:
    """Put a completely rebuilt store in place of the live folder: mark it complete, then two renames.

    A kill between the renames leaves the marked folder, which ``connect`` renames into place next time.
    """
    (staged / COMPLETE_MARK).write_text("ok\n", encoding="utf-8")
    forget_clients()
    index_dir = settings.index_dir
    retired = index_dir.with_name(f"{index_dir.name}.old-{time.time_ns():x}")
    if index_dir.exists():
        index_dir.rename(retired)
    staged.rename(index_dir)
    (index_dir / COMPLETE_MARK).unlink(missing_ok=True)
    shutil.rmtree(retired, ignore_errors=True)
    forget_clients()


def staging_dir(settings: Settings) -> Path:
    staged = settings.index_dir.with_name(settings.index_dir.name + REBUILD_SUFFIX)
    shutil.rmtree(staged, ignore_errors=True)  # debris of an earlier rebuild that did not finish
    return staged


# --- the dense side of retrieval ------------------------------------------------------------------------


class GenerationGoneError(Exception):
    """The live collection was replaced by another process's ingest; reload the new generation and retry."""


def is_not_found(exc: BaseException) -> bool:
    """The collection is gone: dropped by another process's ingest, or caught while its segments are being
    removed («Missing metadata segment»; the drop follows the manifest flip, so a reload finds the new one)."""
    text = str(exc)
    return "does not exist" in text or "NotFound" in type(exc).__name__ or "Missing metadata segment" in text


@contextlib.contextmanager
def store_errors(where: str, forget: Callable[[], None]) -> Iterator[None]:
    """Any failure of a served collection as the project's error: ``GenerationGoneError`` when another
    ingest swapped it (the caller reloads), else ``StoreUnavailableError``; ``forget`` drops the handle."""
    try:
        yield
    except AssistantError:
        raise
    except Exception as exc:
        forget()
        if is_not_found(exc):
            raise GenerationGoneError(str(exc)) from exc
        raise StoreUnavailableError(where, f"{type(exc).__name__}: {exc}") from exc


class LiveVectorStore(VectorStore):
    """The live generation's collection for dense search, opened on first use.

    Questions the records answer never touch it, so they are answered even when the store is unreachable
    or damaged; a failing store becomes the project's ``StoreUnavailableError`` (Arabic and English), and
    a collection swapped by another ingest becomes ``GenerationGoneError`` (the caller reloads).
    """

    def __init__(self, embeddings: Embeddings, opener: Callable[[], VectorStore], where: str) -> None:
        self._embeddings = embeddings
        self._opener = opener
        self._where = where
        self._store: VectorStore | None = None

    @property
    def embeddings(self) -> Embeddings:
        return self._embeddings

    def _open(self) -> VectorStore:
        if self._store is None:
            self._store = self._opener()
        return self._store

    def similarity_search_with_score(
        self, query: str, k: int = 4, filter: dict[str, Any] | None = None, **kwargs: Any
    ) -> list[tuple[Document, float]]:
        vector = self._embeddings.embed_query(query)  # model errors are the model's, not the store's
        with store_errors(self._where, self._forget):
            store = self._open()
            return store.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=filter)  # type: ignore[attr-defined,no-any-return]

    def search_among(self, query: str, ids: list[str], k: int) -> list[tuple[Document, float]]:
        """Exact cosine search over the documents ``ids`` (a narrow filter's few), as (document, cosine
        distance) like Chroma's search: their vectors fetched by id, compared here."""
        import numpy as np

        if not ids:
            return []
        vector = np.asarray(self._embeddings.embed_query(query), dtype=np.float32)
        with store_errors(self._where, self._forget):
            got = self._open().get(ids=ids, include=["embeddings", "documents", "metadatas"])  # type: ignore[attr-defined]
        if not got["ids"]:
            return []
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (float(np.linalg.norm(vector)) or 1.0)
        sims = matrix @ vector / np.where(norms > 0, norms, 1.0)
        order = np.argsort(-sims, kind="stable")[:k]
        docs = [
            Document(id=got["ids"][i], page_content=got["documents"][i] or "", metadata=dict(got["metadatas"][i] or {}))
            for i in order
        ]
        return [(d, 1.0 - float(sims[i])) for d, i in zip(docs, order, strict=True)]

    def _forget(self) -> None:
        self._store = None

    def similarity_search(
        self, query: str, k: int = 4, filter: dict[str, Any] | None = None, **kwargs: Any
    ) -> list[Document]:
        return [doc for doc, _ in self.similarity_search_with_score(query, k=k, filter=filter)]

    @classmethod
    def from_texts(cls, *args: Any, **kwargs: Any) -> LiveVectorStore:
        raise NotImplementedError("the live index is written by ingest only")

    def add_texts(self, *args: Any, **kwargs: Any) -> list[str]:
        raise NotImplementedError("the live index is written by ingest only")
