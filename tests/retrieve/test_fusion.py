"""Rank fusion alone, and the retriever's candidates before fusion (keyword side only: no model)."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant.retrieve import fusion
from assistant.retrieve.hybrid import HybridRetriever, build_bm25


def test_rrf_sums_reciprocal_ranks_over_lists() -> None:
    scores = fusion.rrf([["a", "b"], ["b", "c"]], rrf_k=10)
    assert scores["b"] == pytest.approx(1 / 12 + 1 / 11)
    assert scores["a"] == pytest.approx(1 / 11)
    assert fusion.ranked(scores, 2) == ["b", "a"]


def test_ties_keep_the_order_first_scored() -> None:
    scores = fusion.rrf([["kw"], ["dense"]], rrf_k=60)
    assert fusion.ranked(scores, 2) == ["kw", "dense"]


def _doc(source_id: str, article: str, text: str) -> Document:
    return Document(page_content=text, metadata={"source_id": source_id, "article_id": article, "kind": "article"})


DOCS = [
    _doc("river#1", "river", "نهر النيل أطول الأنهار ويمر بمدينة أسوان"),
    _doc("dam#1", "dam", "السد العالي في أسوان بني في الستينيات على نهر النيل"),
    _doc("city#1", "city", "القاهرة عاصمة مصر وأكبر مدنها"),
]


def test_candidates_are_filtered_and_fused_in_their_order() -> None:
    retriever = HybridRetriever(bm25=build_bm25(DOCS, 20), dense=None, k=3)
    sparse, dense = retriever.candidates("السد العالي في أسوان", {"article_id": {"$in": ["dam", "city"]}})
    assert [d.metadata["source_id"] for d in sparse] == ["dam#1"] and dense == []
    docs = retriever.invoke("السد العالي في أسوان")
    assert [d.metadata["source_id"] for d in docs][:2] == ["dam#1", "river#1"]
    assert docs[0].metadata["rrf"] == pytest.approx(1 / 61) and docs[0].metadata["bm25_rank"] == 1
