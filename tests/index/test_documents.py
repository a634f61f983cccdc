from __future__ import annotations

from assistant.index.documents import (
    MAX_CHUNK_CHARS,
    article_sentences,
    build_documents,
    chunk_article,
    sentence_documents,
)
from assistant.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE


def test_chunks_slice_back_to_the_article_and_cover_it() -> None:
    kb = load_knowledge(KNOWLEDGE)
    article = kb.articles[0]
    chunks = chunk_article(article)
    assert len(chunks) >= 5
    for c in chunks:
        assert article.body[c.start : c.end] == c.text
        assert c.id == f"{article.meta.id}#c{c.ordinal:02d}"
        assert len(c.text) <= MAX_CHUNK_CHARS or "\n" not in c.text
    covered = "".join(c.text for c in chunks).replace("\n", "").replace(" ", "")
    assert covered == article.body.replace("\n", "").replace(" ", "")
    axis = next(c for c in chunks if "تركيا والسعودية" in c.text)
    assert axis.heading and "التكنولوجي" in axis.heading


def test_documents_have_content_hash_ids_and_integer_dates() -> None:
    kb = load_knowledge(KNOWLEDGE)
    docs = build_documents(kb)
    again = build_documents(kb)
    assert [d.id for d in docs] == [d.id for d in again]
    assert len({d.id for d in docs}) == len(docs)
    records = [d for d in docs if d.metadata["kind"] == "record"]
    assert len(records) == 17
    doha = next(d for d in records if d.metadata["source_id"] == "mtg-2024-04-doha")
    assert doha.metadata["date"] == 20240421 and doha.metadata["country"] == "QA"
    assert "الدوحة" in doha.page_content and "قطر" in doha.page_content
    assert all(isinstance(d.metadata["date"], int) for d in docs)


def test_a_sentence_is_embedded_after_its_articles_title() -> None:
    article = load_knowledge(KNOWLEDGE).articles[0]
    docs = sentence_documents(article)
    spans = article_sentences(article)
    assert len(docs) == len(spans) > 5
    for doc, (start, end) in zip(docs, spans, strict=True):
        assert doc.page_content == f"{article.meta.title}: {article.body[start:end]}"
        assert (doc.metadata["start"], doc.metadata["end"]) == (start, end)
