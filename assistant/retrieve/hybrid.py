"""Hybrid retrieval: Arabic-analysed BM25 fused with dense search by reciprocal rank fusion (RRF).

BM25 catches exact names, numbers and rare words that a small embedding model blurs; dense search catches
paraphrase. RRF needs no score calibration between the two, which is why it is the fusion used here.
"""

from __future__ import annotations

from typing import Any

from langchain_community.retrievers import BM25Retriever
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore
from pydantic import ConfigDict

from assistant.text import analyze


def build_bm25(docs: list[Document], k: int) -> BM25Retriever:
    return BM25Retriever.from_documents(docs, preprocess_func=analyze, k=k)


def _matches(metadata: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """The subset of Chroma's `where` syntax that filters need: equality, $in, $gte/$lte, $and, $or."""
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(_matches(metadata, c) for c in cond):
                return False
            continue
        if key == "$or":
            if not any(_matches(metadata, c) for c in cond):
                return False
            continue
        value = metadata.get(key)
        if isinstance(cond, dict):
            for op, arg in cond.items():
                ok = {
                    "$eq": lambda v, a: v == a,
                    "$ne": lambda v, a: v != a,
                    "$in": lambda v, a: v in a,
                    "$gte": lambda v, a: v is not None and v >= a,
                    "$lte": lambda v, a: v is not None and v <= a,
                }[op](value, arg)
                if not ok:
                    return False
        elif value != cond:
            return False
    return True


class HybridRetriever(BaseRetriever):
    """BM25 + dense, fused with RRF; ``search_kwargs={"filter": {...}}`` narrows both sides alike."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    bm25: BM25Retriever
    dense: VectorStore | None  # None: keyword search alone (unit tests of routing; no model loaded)
    k: int = 5
    candidate_k: int = 20
    rrf_k: int = 60
    filter: dict[str, Any] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        where = kwargs.get("filter", self.filter)
        k = int(kwargs.get("k", self.k))
        sparse = [d for d in self.bm25.invoke(query) if _matches(d.metadata, where)]
        dense_hits = (
            self.dense.similarity_search_with_score(query, k=self.candidate_k, filter=where) if self.dense else []
        )
        scores: dict[str, float] = {}
        docs: dict[str, Document] = {}
        detail: dict[str, dict[str, float]] = {}
        for rank, doc in enumerate(sparse[: self.candidate_k], 1):
            key = str(doc.metadata["source_id"])
            scores[key] = scores.get(key, 0.0) + 1.0 / (self.rrf_k + rank)
            docs.setdefault(key, doc)
            detail.setdefault(key, {})["bm25_rank"] = rank
        for rank, (doc, distance) in enumerate(dense_hits, 1):
            key = str(doc.metadata["source_id"])
            scores[key] = scores.get(key, 0.0) + 1.0 / (self.rrf_k + rank)
            docs[key] = doc
            detail.setdefault(key, {}).update(dense_rank=rank, dense_similarity=1.0 - float(distance))
        ranked = sorted(scores, key=lambda s: -scores[s])[:k]
        out = []
        for key in ranked:
            doc = docs[key]
            meta = {**doc.metadata, "rrf": scores[key], **detail[key]}
            out.append(Document(id=doc.id, page_content=doc.page_content, metadata=meta))
        return out
