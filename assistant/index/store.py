"""Chroma access: an embedded persistent folder by default, a `chroma run` server when one is configured.

The live collection is named by a one-row *manifest* collection. Ingest builds a new generation beside
the live one and flips the manifest last, so a failed or killed ingest never leaves a half-written index
serving (the manifest upsert is the single atomic step).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.errors import IndexMissingError, StoreUnavailableError
from assistant.settings import Settings

if TYPE_CHECKING:
    import chromadb
    from chromadb.api.models.Collection import Collection

MANIFEST_ID = "active"
SENTENCES_SUFFIX = "-sentences"  # the generation's article-sentence collection


@dataclass(frozen=True)
class Manifest:
    collection: str
    model_id: str
    documents: int
    updated: float
    sentences: str = ""  # empty in an index built before sentence vectors: ingest adds them


def where(settings: Settings) -> str:
    return f"http://{settings.chroma_host}:{settings.chroma_port}" if settings.uses_server else str(settings.index_dir)


def connect(settings: Settings) -> chromadb.ClientAPI:
    """A client for the configured store; a dead server gives a clear error, not a stack trace."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.uses_server:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
            return client
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    except Exception as exc:  # chroma raises several unrelated types for "cannot reach"
        raise StoreUnavailableError(where(settings), f"{type(exc).__name__}: {exc}") from exc


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
        if name.startswith(prefix) and name not in {keep, keep + SENTENCES_SUFFIX}:
            client.delete_collection(name)
            dropped.append(name)
    return dropped
