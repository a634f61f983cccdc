"""Hybrid retrieval: Arabic-analysed BM25 fused with dense search by reciprocal rank fusion (RRF).

BM25 catches exact names, numbers and rare words that a small embedding model blurs; dense search catches
paraphrase. RRF needs no score calibration between the two, which is why it is the fusion used here.
"""

from __future__ import annotations

import math
from typing import Any, Protocol, runtime_checkable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore
from pydantic import ConfigDict

from assistant.retrieve import fusion
from assistant.retrieve.filters import matches
from assistant.retrieve.keyword import KeywordIndex, KeywordRetriever


def build_bm25(docs: list[Document], k: int) -> KeywordRetriever:
    """Keyword search over ``docs`` built in memory (tests, and an index served from the knowledge folder);
    the served index is built at ingest and loaded with its generation (``assistant.index.keywords``)."""
    return KeywordRetriever(index=KeywordIndex.build(docs), k=k)


@runtime_checkable
class ExactSearch(Protocol):
    """A vector store that can also search a few given documents exactly (``LiveVectorStore``)."""

    def search_among(self, query: str, ids: list[str], k: int) -> list[tuple[Document, float]]: ...


class HybridRetriever(BaseRetriever):
    """BM25 + dense, fused with RRF; ``search_kwargs={"filter": {...}}`` narrows both sides alike."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bm25: BaseRetriever  # KeywordRetriever; any retriever taking ``filter``/``k`` keywords works
    dense: VectorStore | None  # None: keyword search alone (unit tests of routing; no model loaded)
    k: int = 5
    candidate_k: int = 20
    rrf_k: int = 60
    filter: dict[str, Any] | None = None
    post_filter_share: float = 0.2  # Settings.dense_post_filter_share
    exact_max_docs: int = 1000  # Settings.dense_exact_max_docs
    score_keyword_hits: bool = True  # Settings.dense_scores_keyword_hits

    def _dense(self, query: str, where: dict[str, Any] | None) -> list[tuple[Document, float]]:
        """Dense hits within ``where``. A filter that keeps most documents is cheaper applied here, to an
        unfiltered search of ``candidate_k / share`` hits, than inside Chroma (its metadata pre-filter reads
        every document it keeps); if fewer than ``candidate_k`` survive, Chroma filters after all. One that
        keeps at most ``exact_max_docs`` is searched exactly over their vectors. Either way the hits are the
        filtered search's."""
        if self.dense is None:
            return []
        k = self.candidate_k
        keyword = self.bm25 if where and isinstance(self.bm25, KeywordRetriever) else None
        share = keyword.share(where) if keyword is not None else 0.0
        if share >= max(self.post_filter_share, 1e-9):
            fetch = min(math.ceil(k / share) + k // 2, 10 * k)
            hits = self.dense.similarity_search_with_score(query, k=fetch)
            kept = [(d, s) for d, s in hits if matches(d.metadata, where)]
            if len(kept) >= k or len(hits) < fetch:  # enough, or the whole collection was searched
                return kept[:k]
        elif keyword is not None and isinstance(self.dense, ExactSearch):
            # a narrow filter (one article, the records): its few vectors fetched by id and compared
            # exactly; Chroma's filtered search costs ~150–270 ms at 100k chunks however few it keeps
            ids = keyword.matching(where, self.exact_max_docs)
            if ids is not None:
                return self.dense.search_among(query, ids, k)
        return self.dense.similarity_search_with_score(query, k=k, filter=where)

    def _with_keyword_hits(
        self, query: str, sparse: list[Document], dense_hits: list[tuple[Document, float]]
    ) -> list[tuple[Document, float]]:
        """The dense list with keyword search's candidates that it lacks, each placed by its own similarity
        (their vectors fetched by id and compared exactly): among many documents, approximate dense search
        returns look-alikes in place of a passage that keyword search found and that is as close to the
        question, and fusion should know how close it is rather than count it absent."""
        if self.dense is None or not isinstance(self.dense, ExactSearch):
            return dense_hits
        have = {str(d.metadata["source_id"]) for d, _ in dense_hits}
        missing = [str(d.id) for d in sparse if d.id and str(d.metadata["source_id"]) not in have]
        if not missing:
            return dense_hits
        scored = self.dense.search_among(query, missing, len(missing))
        return sorted([*dense_hits, *scored], key=lambda hit: hit[1])

    def candidates(
        self, query: str, where: dict[str, Any] | None = None, keywords: str | None = None
    ) -> tuple[list[Document], list[tuple[Document, float]]]:
        """Both retrievers' candidates within ``where``, before fusion (``bench_source_prior`` replays them).
        ``keywords``: what keyword search looks for, when not the query's own words (a question in another
        script than the base: the base's spellings of its names)."""
        # filtered inside keyword search (a mask before the top-k), so a small subset keeps its best matches
        words = query if keywords is None else keywords
        found = self.bm25.invoke(words, filter=where, k=self.candidate_k) if words.strip() else []
        sparse = [d for d in found if matches(d.metadata, where)]
        return sparse[: self.candidate_k], self._dense(query, where)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        where = kwargs.get("filter", self.filter)
        k = int(kwargs.get("k", self.k))
        sparse, dense_hits = self.candidates(query, where, kwargs.get("keywords"))
        if self.score_keyword_hits:
            dense_hits = self._with_keyword_hits(query, sparse, dense_hits)
        docs: dict[str, Document] = {}
        detail: dict[str, dict[str, float]] = {}
        for rank, doc in enumerate(sparse, 1):
            key = str(doc.metadata["source_id"])
            docs.setdefault(key, doc)
            detail.setdefault(key, {})["bm25_rank"] = rank
        for rank, (doc, distance) in enumerate(dense_hits, 1):
            key = str(doc.metadata["source_id"])
            docs[key] = doc
            detail.setdefault(key, {}).update(dense_rank=rank, dense_similarity=1.0 - float(distance))
        fused = fusion.rrf(
            [[str(d.metadata["source_id"]) for d in sparse], [str(d.metadata["source_id"]) for d, _ in dense_hits]],
            self.rrf_k,
        )
        out = []
        for key in fusion.ranked(fused, k):
            doc = docs[key]
            meta = {**doc.metadata, "rrf": fused[key], **detail[key]}
            out.append(Document(id=doc.id, page_content=doc.page_content, metadata=meta))
        return out
