from __future__ import annotations

from assistant.index.documents import (
    CONTEXT,
    MAX_CHUNK_CHARS,
    article_sentences,
    build_documents,
    chunk_article,
    search_text,
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


def test_search_sees_each_document_after_its_context_and_quotes_its_own_text() -> None:
    kb = load_knowledge(KNOWLEDGE)
    docs = build_documents(kb)
    article, records = kb.articles[0], kb.record_files[0]
    chunk = next(d for d in docs if d.metadata["kind"] == "article")
    assert chunk.page_content == article.body[chunk.metadata["start"] : chunk.metadata["end"]]
    assert search_text(chunk) == f"{article.meta.title}\n{chunk.page_content}"
    record = next(d for d in docs if d.metadata["kind"] == "record")
    context = str(record.metadata[CONTEXT])
    assert records.collection.title_ar in context and records.collection.subject.name_ar in context
    assert search_text(record).endswith(record.page_content) and not record.page_content.startswith(context)
    sentence = sentence_documents(article)[0]
    assert search_text(sentence) == sentence.page_content  # already embedded after its title


def test_a_records_context_names_its_subject_when_its_title_does_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import yaml

    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    path = root / "records" / "meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["title_ar"] = "لقاءات أمنية دولية"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    record = next(d for d in build_documents(load_knowledge(root)) if d.metadata["kind"] == "record")
    assert record.metadata[CONTEXT] == f"لقاءات أمنية دولية — {data['collection']['subject']['name_ar']}"
