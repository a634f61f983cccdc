"""The baseline every report compares against: a plain LangChain RAG over the same Chroma index.

Dense top-k only, no Arabic analysis, no records engine, no history, never refuses; the answer is the top
passage. Scored by the same scorer, so the report shows what the assistant adds over "just use a RAG".
"""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.vectorstores import VectorStore

BASELINE_K = 5


def doc_source_id(doc: Document) -> str:
    """The knowledge id (record id or `<article>#cNN`) of an indexed document, not its versioned row id."""
    meta = doc.metadata or {}
    for key in ("source_id", "id", "chunk_id"):
        if meta.get(key):
            return str(meta[key])
    return (doc.id or "").split("@", 1)[0]


def _to_answer(docs: list[Document]) -> dict[str, Any]:
    citations = [
        {
            "source_id": doc_source_id(d),
            "kind": (d.metadata or {}).get("kind", "article"),
            "title": str((d.metadata or {}).get("title", "")),
            "url": (d.metadata or {}).get("url"),
            "quote": d.page_content,
        }
        for d in docs
    ]
    return {
        "text": docs[0].page_content if docs else "",
        "answerable": True,
        "citations": citations,
        "route": "baseline",
        "intent": "unknown",
        "retrieved_ids": [c["source_id"] for c in citations],
    }


def build_baseline(store: VectorStore, k: int = BASELINE_K) -> Runnable[str, dict[str, Any]]:
    """question → Answer-like dict, as an LCEL chain: retriever | top passage."""
    retriever = store.as_retriever(search_kwargs={"k": k})
    return retriever | RunnableLambda(_to_answer)
