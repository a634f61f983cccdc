"""``Assistant``: the one public entry point every face uses (CLI, chat UI, evals)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.answer import guard
from assistant.answer.articles import ChromaSentences
from assistant.answer.examples import examples as example_questions
from assistant.answer.examples import title as kb_title
from assistant.index import store
from assistant.index.documents import build_documents
from assistant.index.ingest import IngestReport, ingest
from assistant.knowledge.loader import KnowledgeBase, load_knowledge
from assistant.knowledge.schema import Article, ClaimsFile, EventRecord, RecordCollection, Reference
from assistant.models import Answer
from assistant.offline import enable_offline_mode
from assistant.pipeline import Pipeline, build_pipeline
from assistant.retrieve.hybrid import HybridRetriever, build_bm25
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.vectorstores import VectorStore

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int], None]


class Assistant:
    """Loads the knowledge base, the embedding model and the index once; then answers questions."""

    def __init__(self, settings: Settings, kb: KnowledgeBase) -> None:
        from assistant.embeddings import E5Embeddings

        self.settings = settings
        self.kb = kb
        self.embeddings = E5Embeddings(settings)
        self._store: VectorStore | None = None
        self._pipeline: Pipeline | None = None

    # --- construction --------------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        ingest_if_missing: bool = True,
        progress: ProgressFn | None = None,
        warm: bool = True,
    ) -> Assistant:
        """Load knowledge, model and index (ingesting first when the index is missing or was built with
        another model). ``warm`` embeds one query so the first reader does not pay for the model's load."""
        enable_offline_mode()
        settings = settings or Settings()
        t0 = time.perf_counter()
        self = cls(settings, load_knowledge(settings.knowledge_dir))
        client = store.connect(settings)
        manifest = store.read_manifest(client, settings)
        if manifest is None or manifest.model_id != self.embeddings.model_id or not manifest.sentences:
            if not ingest_if_missing:
                store.open_live(client, settings)  # raises IndexMissingError
            self.ingest(progress=progress)
        self._build()
        if warm:
            self.embeddings.embed_query("query")
        log.info("assistant ready in %.1f s", time.perf_counter() - t0)
        return self

    def _build(self) -> None:
        s, kb = self.settings, self.kb
        docs = build_documents(kb)
        retriever = HybridRetriever(
            bm25=build_bm25(docs, s.candidate_k),
            dense=self.vector_store(),
            k=s.top_k,
            candidate_k=s.candidate_k,
            rrf_k=s.rrf_k,
        )
        sentences = ChromaSentences(self.sentence_collection())
        self._pipeline = build_pipeline(s, kb, retriever, sentences, self.embeddings.embed_query, docs)

    # --- questions -----------------------------------------------------------------------------------

    def ask(self, question: str, history: list[dict[str, Any]] | None = None) -> Answer:
        """Answer one question; ``history`` is the conversation so far in Gradio's messages format."""
        text = guard.clean_question(question, self.settings.max_question_chars)
        turns = guard.clean_history(history)
        assert self._pipeline is not None
        try:
            return self._pipeline.run(text, turns)
        except Exception as exc:  # the live collection may have been swapped by another process's ingest
            if "does not exist" not in str(exc) and "NotFound" not in type(exc).__name__:
                raise
            self._store = None
            self._build()
            return self._pipeline.run(text, turns)

    # --- index ---------------------------------------------------------------------------------------

    def ingest(self, progress: ProgressFn | None = None) -> IngestReport:
        self.kb = load_knowledge(self.settings.knowledge_dir)  # validate first: a bad file changes nothing
        report = ingest(self.kb, self.settings, self.embeddings, progress)
        self._store = None
        if self._pipeline is not None:
            self._build()
        return report

    def sentence_collection(self) -> Any:
        """The live generation's article sentences with their vectors (ranked for article answers)."""
        client = store.connect(self.settings)
        manifest, _ = store.open_live(client, self.settings)
        try:
            return client.get_collection(manifest.sentences, embedding_function=None)
        except Exception as exc:
            from assistant.errors import IndexMissingError

            raise IndexMissingError(store.where(self.settings)) from exc

    def vector_store(self) -> VectorStore:
        """The live Chroma collection as a LangChain vector store (used by the dense retriever and evals)."""
        if self._store is None:
            from langchain_chroma import Chroma

            client = store.connect(self.settings)
            manifest, _ = store.open_live(client, self.settings)
            self._store = Chroma(client=client, collection_name=manifest.collection, embedding_function=self.embeddings)
        return self._store

    # --- knowledge, for the faces -------------------------------------------------------------------

    def records(self) -> list[EventRecord]:
        return self.kb.records

    def record_collections(self) -> list[RecordCollection]:
        return self.kb.collections

    def articles(self) -> list[Article]:
        return self.kb.articles

    def claims(self) -> list[ClaimsFile]:
        return self.kb.claims

    def examples(self, limit: int = 6) -> list[str]:
        """Questions the knowledge base can answer: the files' own examples, else phrased from the data."""
        return example_questions(self.kb, limit)

    def title(self) -> str:
        """A title for a face to show, from the knowledge base (a collection's or an article's)."""
        return kb_title(self.kb)

    @property
    def reference(self) -> Reference:
        return self.kb.reference

    def info(self) -> dict[str, Any]:
        client = store.connect(self.settings)
        manifest = store.read_manifest(client, self.settings)
        return {
            "store": "server" if self.settings.uses_server else "embedded",
            "location": store.where(self.settings),
            "collection": manifest.collection if manifest else None,
            "indexed_documents": manifest.documents if manifest else 0,
            "indexed_at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(manifest.updated)) if manifest else None,
            "model": self.settings.embedding_model,
            "model_id": self.embeddings.model_id,
            "knowledge_dir": str(self.settings.knowledge_dir),
            "data_dir": str(self.settings.data_dir),
            "articles": len(self.kb.articles),
            "records": len(self.kb.records),
            "stale": bool(manifest) and manifest.documents != len(build_documents(self.kb)),
        }
