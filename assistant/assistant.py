"""``Assistant``: the one public entry point every face uses (CLI, chat UI, evals)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.answer import guard
from assistant.answer.articles import ChromaSentences
from assistant.answer.examples import examples as example_questions
from assistant.answer.examples import title as kb_title
from assistant.errors import AssistantError, IndexDamagedError, InternalError, KnowledgeError, RequestTimeoutError
from assistant.index import keywords, store
from assistant.index.documents import build_documents
from assistant.index.ingest import IngestReport, ingest
from assistant.knowledge.loader import KnowledgeBase, load_knowledge, load_knowledge_from_files, read_knowledge_files
from assistant.knowledge.schema import Article, ClaimsFile, EventRecord, RecordCollection, Reference
from assistant.models import Answer
from assistant.offline import enable_offline_mode
from assistant.pipeline import Pipeline, build_pipeline
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.keyword import KeywordRetriever
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.vectorstores import VectorStore

    from assistant.embeddings import E5Embeddings
    from assistant.generate.phraser import Phraser

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int], None]
T = TypeVar("T")


def _within(seconds: float, work: Callable[[], T]) -> T:
    """Run ``work`` but stop waiting after ``seconds`` (0 = no limit) with ``RequestTimeoutError``.

    Python cannot stop a thread, so an abandoned answer finishes in the background (a daemon thread);
    the reader and the UI's answer slot are freed at once. Input limits keep such answers rare.
    """
    if seconds <= 0:
        return work()
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="answer", daemon=True).start()
    if not done.wait(seconds):
        raise RequestTimeoutError(seconds)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _outdated(manifest: store.Manifest, model_id: str) -> bool:
    """The served index was built with another model, without sentence vectors, or from documents made
    another way: answering from it would mix two ways of searching, so it is rebuilt first. One without a
    dense floor gets it (the vectors are reused)."""
    return not manifest.same_vectors(model_id) or not manifest.sentences or manifest.dense_floor is None


@dataclass(frozen=True)
class _Served:
    """What one index generation serves, read together so that a swap in between cannot pair one
    generation's knowledge with another's dense floor."""

    kb: KnowledgeBase
    generation: str
    dense_floor: float


def _generation_knowledge(client: Any, settings: Settings) -> _Served:
    """The live generation: its name, dense floor and the knowledge it was built from (its snapshot; the
    knowledge folder for an index built before snapshots existed)."""
    manifest, _ = store.open_live(client, settings)
    floor = manifest.dense_floor or 0.0
    files = store.read_snapshot(client, settings, manifest.collection)
    if files is None:
        log.warning(
            "الفهرس بلا لقطة للمعرفة / index %s has no knowledge snapshot: serving the knowledge folder "
            "until the next `assistant ingest`",
            manifest.collection,
        )
        return _Served(load_knowledge(settings.knowledge_dir), manifest.collection, floor)
    return _Served(load_knowledge_from_files(files, settings.knowledge_dir), manifest.collection, floor)


class Assistant:
    """Loads the knowledge base, the embedding model and the index once; then answers questions."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, embeddings: E5Embeddings | None = None) -> None:
        from assistant.embeddings import E5Embeddings

        self.settings = settings
        self.kb = kb
        self.embeddings = embeddings or E5Embeddings(settings)
        self._store: VectorStore | None = None
        self._pipeline: Pipeline | None = None
        self._phraser: Phraser | None = None  # the optional generative model (settings.generator)
        self._sentences: ChromaSentences | None = None  # the served generation's sentence vectors
        self._generation: str | None = None  # the index generation kb and vectors both come from
        self._floor = 0.0  # that generation's dense floor (``assistant.index.floor``); 0 while none is served
        self._unavailable: AssistantError | None = None  # why dense search cannot be served (damaged index)
        self._reload_lock = threading.Lock()

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
        another model). ``warm`` embeds one query so the first reader does not pay for the model's load.

        Records, claims and articles come from the live generation's snapshot, not from the knowledge
        folder, so a half-finished change of the folder is never served. A damaged embedded index is
        served from the knowledge folder without dense search: questions the records answer still work,
        the others get ``IndexDamagedError`` with the command that fixes it."""
        enable_offline_mode()
        settings = settings or Settings()
        t0 = time.perf_counter()
        try:
            client = store.connect(settings)
        except IndexDamagedError as exc:
            log.error("%s", exc)
            self = cls(settings, load_knowledge(settings.knowledge_dir))
            self._unavailable = exc
            self._build()
            return self
        from assistant.embeddings import E5Embeddings

        manifest = store.read_manifest(client, settings)
        embeddings = E5Embeddings(settings)
        if manifest is None or _outdated(manifest, embeddings.model_id):
            if not ingest_if_missing:
                store.open_live(client, settings)  # raises IndexMissingError
            if manifest is not None:
                log.warning(
                    "الفهرس مبني بنموذج أو بطريقة أخرى؛ تُعاد فهرسته / the index was built another way "
                    "(model, sentence vectors, document format or dense floor): re-ingesting"
                )
            self = cls(settings, load_knowledge(settings.knowledge_dir), embeddings)
            self.ingest(progress=progress)
        else:
            served = _generation_knowledge(client, settings)
            self = cls(settings, served.kb, embeddings)
            self._generation, self._floor = served.generation, served.dense_floor
        self._build()
        if warm:
            self.warm()
        log.info("assistant ready in %.1f s", time.perf_counter() - t0)
        return self

    def warm(self) -> None:
        """Pay one-time costs now rather than at a reader's first question: the embedding model's load,
        Chroma reading each collection's vector index into memory (≈ 1.2 s for 100k chunks and 1.8 s for
        their 300k sentences), and the skeletons of the base's words that a question in another script is
        checked against (≈ 2 s for 300k distinct words). A store problem is left for the questions to report."""
        vector = self.embeddings.embed_query("query")
        if self._pipeline is None or self._sentences is None or self._unavailable is not None:
            return
        _ = self._pipeline.names
        try:
            self._pipeline.retriever.dense.similarity_search_with_score("query", k=1)  # type: ignore[attr-defined]
            self._sentences.warm(vector)
        except AssistantError as exc:
            log.warning("warming the index failed: %s", exc)

    def _reload(self, stale: str | None) -> None:
        """Another process's ingest replaced generation ``stale``: serve the new one (once per swap)."""
        with self._reload_lock:
            if self._generation == stale:
                served = _generation_knowledge(store.connect(self.settings), self.settings)
                self.kb, self._generation, self._floor = served.kb, served.generation, served.dense_floor
                self._store = None
                self._build()

    def _build(self) -> None:
        s, kb = self.settings, self.kb
        found = self._keywords()
        retriever = HybridRetriever(
            bm25=KeywordRetriever(index=found.index, k=s.candidate_k),
            dense=store.LiveVectorStore(self.embeddings, self._open_dense, store.where(s)),
            k=s.top_k,
            candidate_k=s.candidate_k,
            rrf_k=s.rrf_k,
            post_filter_share=s.dense_post_filter_share,
            exact_max_docs=s.dense_exact_max_docs,
            score_keyword_hits=s.dense_scores_keyword_hits,
        )
        sentences = self._sentences = ChromaSentences(self._open_sentences, store.where(s))
        self._pipeline = build_pipeline(
            s,
            kb,
            retriever,
            sentences,
            self.embeddings.embed_query,
            found.terms,
            found.places,
            found.articles,
            dense_floor=self._floor,
        )
        if s.generator != "none":
            from assistant.generate import build_phraser

            self._phraser = build_phraser(s, self._pipeline.lex.entities)  # type: ignore[arg-type]

    def _keywords(self) -> keywords.Keywords:
        """The served generation's keyword index and vocabulary counts, as stored at ingest (rebuilt from the
        generation's Chroma documents if missing or damaged). Only a base served from the knowledge folder,
        without a usable index, counts them from the knowledge files."""
        generation = self._generation
        if generation is None or self._unavailable is not None:
            return keywords.build(self.kb, build_documents(self.kb))

        def open_collection() -> Any:
            with store.store_errors(store.where(self.settings), lambda: None):
                return store.connect(self.settings).get_collection(generation, embedding_function=None)

        found = keywords.load(self.settings, generation, self.kb, open_collection)
        keywords.reclaim_if_idle(self.settings, generation)
        return found

    # --- questions -----------------------------------------------------------------------------------

    @property
    def generates(self) -> bool:
        """A generative model rephrases grounded answers (``settings.generator``)."""
        return self._phraser is not None

    def ask(self, question: str, history: list[dict[str, Any]] | None = None, *, generate: bool = True) -> Answer:
        """Answer one question; ``history`` is the conversation so far in Gradio's messages format.

        Bad input raises ``InputError``; work is bounded (history limits, ``request_timeout_s``, then
        ``generator_timeout``); every failure is an ``AssistantError`` with an Arabic and an English
        message, never a bare exception. ``generate=False`` skips a configured generative model."""
        final: Answer | None = None
        for event in self.ask_stream(question, history, generate=generate):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def ask_stream(
        self, question: str, history: list[dict[str, Any]] | None = None, *, generate: bool = True
    ) -> Iterator[str | Answer]:
        """``ask`` for faces that show text as it is written: the generated text so far (when a generative
        model phrases the answer), then always the final ``Answer``, whose text replaces what was shown (the
        extractive one when the post-check rejected the model's)."""
        s = self.settings
        text = guard.clean_question(question, s.max_question_chars)
        turns = guard.clean_history(history, s.max_history_turns, s.max_history_turn_chars, s.max_history_chars)
        answer = _within(s.request_timeout_s, lambda: self._answer(text, turns))
        if self._phraser is None or not generate:
            yield answer
            return
        try:
            yield from self._phraser.stream(text, answer)
        except Exception as exc:  # the fallback for every model failure is the extractive answer
            log.exception("phrasing failed")
            yield answer.model_copy(update={"generator_status": "error", "generator_detail": type(exc).__name__})

    def _answer(self, text: str, turns: list[str]) -> Answer:
        pipeline, generation = self._pipeline, self._generation
        assert pipeline is not None
        try:
            try:
                return pipeline.run(text, turns)
            except store.GenerationGoneError:  # the live collection was swapped by another process's ingest
                self._reload(generation)
                assert self._pipeline is not None
                return self._pipeline.run(text, turns)
        except AssistantError:
            raise
        except Exception as exc:
            log.exception("answering %r failed", text[:200])
            raise InternalError(type(exc).__name__) from exc

    # --- index ---------------------------------------------------------------------------------------

    def ingest(self, progress: ProgressFn | None = None, *, rebuild: bool = False) -> IngestReport:
        """Index the knowledge folder (waiting for another ingest on the same data folder to finish first);
        ``rebuild`` re-embeds everything into a fresh store, the fix for a damaged index."""
        kb = load_knowledge(self.settings.knowledge_dir)  # validate first: a bad file changes nothing
        report = ingest(kb, self.settings, self.embeddings, progress, rebuild=rebuild)
        self.kb, self._generation, self._store, self._unavailable = kb, report.collection, None, None
        self._floor = report.dense_floor
        if self._pipeline is not None:
            self._build()
        return report

    def vector_store(self) -> VectorStore:
        """The served generation's Chroma collection as a LangChain vector store (dense retrieval, evals)."""
        if self._store is None:
            from langchain_chroma import Chroma

            client = store.connect(self.settings)
            name = self._generation or store.open_live(client, self.settings)[0].collection
            self._store = Chroma(
                client=client,
                collection_name=name,
                embedding_function=self.embeddings,
                create_collection_if_not_exists=False,  # never resurrect a generation an ingest dropped
            )
        return self._store

    def _open_dense(self) -> VectorStore:
        if self._unavailable is not None:
            raise self._unavailable
        return self.vector_store()

    def _open_sentences(self) -> Any:
        """The served generation's article sentences with their vectors (ranked for article answers)."""
        if self._unavailable is not None:
            raise self._unavailable
        client = store.connect(self.settings)
        manifest = store.open_live(client, self.settings)[0]
        name = (self._generation or manifest.collection) + store.SENTENCES_SUFFIX
        return client.get_collection(name, embedding_function=None)

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
            "embedding_engines": {kind: self.embeddings.engine(kind) for kind in ("query", "passage")},
            "knowledge_dir": str(self.settings.knowledge_dir),
            "data_dir": str(self.settings.data_dir),
            "articles": len(self.kb.articles),
            "records": len(self.kb.records),
            "stale": self._stale(),
        }

    def _stale(self) -> bool:
        """The knowledge folder differs from what the served generation was built from (or is invalid)."""
        try:
            return read_knowledge_files(self.settings.knowledge_dir) != self.kb.files
        except KnowledgeError:
            return True
