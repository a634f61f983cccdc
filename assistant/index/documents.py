"""Knowledge → indexable documents: article chunks (with offsets) and one Arabic text per event record.

Each document carries a content hash over its text and metadata, so re-ingesting unchanged knowledge
embeds nothing and a changed document is replaced, not duplicated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from langchain_core.documents import Document

from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import Article, EventRecord, RecordsFile, Reference
from assistant.text import split_sentences

MAX_CHUNK_CHARS = 700
DOCUMENTS_FORMAT = 2  # 2: keyword search reads each document after its context (``search_text``); another: re-ingest
CONTEXT = "context"  # metadata key: the words search sees in front of a document's text (``search_text``)


@dataclass(frozen=True)
class Chunk:
    id: str
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    heading: str | None


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks, as (start, end) spans with surrounding whitespace trimmed."""
    spans, pos = [], 0
    for block in body.split("\n\n"):
        start = pos + (len(block) - len(block.lstrip()))
        end = pos + len(block.rstrip())
        if end > start:
            spans.append((start, end))
        pos += len(block) + 2
    return spans


@lru_cache(maxsize=64)
def chunk_article(article: Article, max_chars: int = MAX_CHUNK_CHARS) -> tuple[Chunk, ...]:
    """Paragraph chunks; a heading joins the paragraph under it; long paragraphs split on sentences.
    Cached: every article citation looks up its chunk, and the (frozen) article does not change."""
    body = article.body
    spans: list[tuple[int, int, str | None]] = []
    heading: str | None = None
    pending: int | None = None  # start of a heading waiting for its paragraph
    for start, end in _paragraph_spans(body):
        text = body[start:end]
        first_line = text.split("\n", 1)[0]
        if first_line.startswith("#"):
            heading = first_line.lstrip("#").strip()
            if "\n" not in text:
                pending = start
                continue
        elif pending is None:
            heading = None  # a heading labels only the paragraph under it
        begin = pending if pending is not None else start
        pending = None
        if end - begin <= max_chars:
            spans.append((begin, end, heading))
            continue
        window_start = begin
        for s_start, s_end in split_sentences(body[begin:end]):
            s_start, s_end = s_start + begin, s_end + begin
            if s_end - window_start > max_chars and s_start > window_start:
                spans.append((window_start, s_start, heading))
                window_start = s_start
        spans.append((window_start, end, heading))
    chunks = []
    for ordinal, (start, end, head) in enumerate(spans, 1):
        text = body[start:end].rstrip()
        chunks.append(
            Chunk(
                id=f"{article.meta.id}#c{ordinal:02d}",
                article_id=article.meta.id,
                ordinal=ordinal,
                start=start,
                end=start + len(text),
                text=text,
                heading=head,
            )
        )
    return tuple(chunks)


def yyyymmdd(date) -> int:  # type: ignore[no-untyped-def]
    return date.year * 10000 + date.month * 100 + date.day


def record_text(record: EventRecord, reference: Reference, home_country: str | None = None) -> str:
    """An Arabic paragraph describing the record: what dense and keyword search see, and the quote a
    record citation shows (so every name an answer takes from the record is in its citation)."""
    countries = {c.iso: c for c in reference.countries}
    home = countries.get(home_country or "")
    kinds = {k.id: k.label(home) for k in reference.kinds}
    topics = {t.id: t.ar for t in reference.topics}
    people = "، ".join(
        " ".join(p for p in (c.name_ar, f"({c.name_latin})", c.title_ar, c.agency_ar) if p) for c in record.counterparts
    )
    kind = kinds.get(record.kind, record.kind)
    if record.kind == "reception" and home:
        guest = f"وفد من {record.country.ar} ({record.country.en})"
        where = f"{kind}: {record.city.ar}، {home.ar} ({record.city.latin}, {home.en}) — {guest}."
    else:
        where = f"{kind}: {record.city.ar}، {record.country.ar} ({record.city.latin}, {record.country.en})."
    parts = [
        where,
        f"التاريخ: {record.start.isoformat()}"
        + (f" إلى {record.end.isoformat()}" if record.end != record.start else "")
        + (f" ({record.date_note_ar})" if record.date_note_ar else "")
        + ".",
    ]
    if record.event:
        parts.append(f"المناسبة: {record.event.ar}.")
    if people:
        parts.append(f"اللقاء مع: {people}.")
    parts.append("المواضيع: " + "، ".join(topics.get(t, t) for t in record.topics) + ".")
    if record.agreements:
        parts.append("الاتفاقيات: " + "؛ ".join(a.ar for a in record.agreements) + ".")
    parts.append(record.summary_ar)
    if record.disagreements:
        parts.append("ملاحظات: " + " ".join(d.ar for d in record.disagreements))
    return "\n".join(parts)


def content_hash(text: str, metadata: dict[str, object]) -> str:
    payload = json.dumps([text, metadata], ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def _finish(text: str, metadata: dict[str, object]) -> Document:
    digest = content_hash(text, metadata)
    metadata = {**metadata, "content_hash": digest}
    return Document(id=f"{metadata['source_id']}@{digest}", page_content=text, metadata=metadata)


def context_of(doc: Document) -> str:
    """The words keyword search reads in front of a document's text (``search_text``); empty for none."""
    return str(doc.metadata.get(CONTEXT) or "")


def search_text(doc: Document) -> str:
    """What keyword search reads of a document: its context, then its text. A chunk names its
    article's topic by a pronoun («يحدها من الشمال تركيا» in «العراق»), and a record names neither its
    collection nor its subject; with the article's title, or the collection's title and subject, in front,
    a question that names the topic finds them among other subjects' documents (contextual chunk headers).
    The text itself (what is quoted, embedded and counted in the vocabulary) stays the document's own."""
    context = context_of(doc)
    return f"{context}\n{doc.page_content}" if context else doc.page_content


def _collection_context(f: RecordsFile) -> str:
    """A records collection's title, with its subject's name unless the title already says it: what tells
    two subjects' records apart, and a year or a kind of event that a record's own text leaves unsaid."""
    title, name = f.collection.title_ar, f.collection.subject.name_ar
    return title if name in title else f"{title} — {name}"


def build_documents(kb: KnowledgeBase) -> list[Document]:
    """All documents of the knowledge base, in a stable order."""
    docs = []
    for article in kb.articles:
        for chunk in chunk_article(article):
            meta: dict[str, object] = {
                "source_id": chunk.id,
                "kind": "article",
                "article_id": article.meta.id,
                "title": article.meta.title,
                "url": str(article.meta.url),
                "date": yyyymmdd(article.meta.published),
                "start": chunk.start,
                "end": chunk.end,
                "ordinal": chunk.ordinal,
                CONTEXT: article.meta.title,
            }
            if chunk.heading:
                meta["heading"] = chunk.heading
            docs.append(_finish(chunk.text, meta))
    for f in kb.record_files:
        context = _collection_context(f)
        for r in f.records:
            meta = {
                "source_id": r.id,
                "kind": "record",
                "collection": f.collection.id,
                CONTEXT: context,
                "title": f"{r.city.ar}، {r.country.ar} — {r.start.isoformat()}",
                "url": r.sources[0].url,
                "country": r.country.iso,
                "city": r.city.latin,
                "event_kind": r.kind,
                "date": yyyymmdd(r.start),
                "end_date": yyyymmdd(r.end),
                "year": r.start.year,
                "month": r.start.month,
                "confidence": r.confidence,
            }
            docs.append(_finish(record_text(r, kb.reference, f.collection.home_country), meta))
    return docs


def build_sentences(kb: KnowledgeBase) -> list[Document]:
    """One document per article sentence, embedded at ingest so answers can rank sentences by meaning
    without embedding anything but the question at run time."""
    return [d for article in kb.articles for d in sentence_documents(article)]


SENTENCE_TITLE_SEPARATOR = ": "


def sentence_text(title: str, sentence: str) -> str:
    """What a sentence is embedded as: its article's title, then the sentence. Sentences name their article's
    topic by a pronoun («يحده من الشمال تركيا» of «العراق»); with the title in front, a sentence's vector is
    about that topic too (held-out ARCD test: the best-ranked sentence holds the answer 0.765 → 0.809)."""
    return f"{title}{SENTENCE_TITLE_SEPARATOR}{sentence}"


@lru_cache(maxsize=256)
def sentence_documents(article: Article) -> tuple[Document, ...]:
    """One article's sentence documents, in ``article_sentences`` order, as ingest stores them: answering
    fetches sentence vectors by these ids (a Chroma ``get`` by id; by metadata it reads the whole
    collection's metadata, 65 ms at 300k sentences)."""
    chunks = chunk_article(article)
    docs = []
    for ordinal, (start, end) in enumerate(article_sentences(article), 1):
        chunk = next(c for c in chunks if c.start <= start < c.end)
        meta: dict[str, object] = {
            "source_id": f"{article.meta.id}#s{ordinal:03d}",
            "kind": "sentence",
            "article_id": article.meta.id,
            "chunk_id": chunk.id,
            "start": start,
            "end": end,
            "ordinal": ordinal,
        }
        docs.append(_finish(sentence_text(article.meta.title, article.body[start:end]), meta))
    return tuple(docs)


@lru_cache(maxsize=64)
def article_sentences(article: Article) -> tuple[tuple[int, int], ...]:
    """Sentence spans of the whole body (for extractive answers), headings excluded. Cached like chunks."""
    out = []
    for chunk in chunk_article(article):
        for s, e in split_sentences(chunk.text):
            text = chunk.text[s:e].strip()
            if text and not text.startswith("#"):
                out.append((chunk.start + s, chunk.start + e))
    return tuple(out)
