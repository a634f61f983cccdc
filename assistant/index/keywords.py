"""The keyword index (and the answer vocabulary's counts) of an index generation: built at ingest, loaded at
start, swapped with the generation, never rebuilt from the knowledge files when it is present.

Where it lives: ``<data_dir>/keywords/<generation>/`` — a folder named after the Chroma generation it was
built from (``KeywordIndex.save``: numpy arrays, documents as JSON lines, metadata columns; ``terms.json``
for ``TermTable``; ``places.json`` for the lexicon's places; ``article_terms.*`` for ``ArticleTerms``). A
generation's name is unique (``store.new_generation_name``) and its documents never change, so the name
alone says which keyword index belongs to which vectors: whoever serves generation G reads ``keywords/G``,
and the manifest flip that swaps the vectors swaps the keywords too.

Why a file cache and not a third Chroma collection: at 100k chunks the folder opens in a fraction of a second
(arrays and bytes read whole, documents decoded per hit only), where reading the same bytes back out of Chroma
documents or metadata costs a full fetch and decode at every start (numbers in README, "Scale").

Client–server mode (the server's disk is not the app's): the ingesting host writes the folder in its own
data folder; any other app instance finds ``keywords/G`` missing the first time it serves G and rebuilds it
from G's own Chroma documents (``rebuild``: the very documents and order ingest indexed, so every instance
holds the same keyword index), then keeps it for its next starts. Instances follow the manifest: a reload
after another process's swap (``Assistant._reload``) opens the new generation's folder the same way.

A missing, incomplete or damaged folder is never the user's problem: it is rebuilt from the generation's
Chroma documents (logged) and, if the data folder is writable, stored again. Folders of replaced generations
are removed with them: by ingest (holding the ingest lock) and, in other instances, at load when no ingest
holds the lock.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.documents import Document

from assistant.answer.vocabulary import ArticleTerms, TermTable, analyse_articles, vocabulary_terms
from assistant.index.documents import context_of
from assistant.knowledge.loader import KnowledgeBase
from assistant.retrieve.keyword import KeywordIndex, KeywordIndexError
from assistant.settings import Settings
from assistant.text import analyze_tokens, tokenize

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

FOLDER = "keywords"
TERMS_FILE = "terms.json"
PLACES_FILE = "places.json"
_PAGE = 5000


@dataclass
class Keywords:
    """A generation's keyword index, vocabulary counts and the places its texts speak of (the lexicon's
    ``places_spoken_of``); ``rebuilt`` says they had to be rebuilt."""

    index: KeywordIndex
    terms: TermTable
    places: list[tuple[str, str]]
    articles: ArticleTerms | None = None  # None: a folder from before they were stored (analysed on demand)
    rebuilt: bool = False


def root(settings: Settings) -> Path:
    return settings.data_dir / FOLDER


def folder(settings: Settings, generation: str) -> Path:
    return root(settings) / generation


def build(kb: KnowledgeBase, docs: Sequence[Document]) -> Keywords:
    """Index ``docs`` (the generation's documents, in their Chroma order) and count the vocabulary
    (``vocabulary_terms``), each passage tokenised once for both (analysis is most of the cost)."""
    tokens = [tokenize(d.page_content) for d in docs]
    stems = [analyze_tokens(t) for t in tokens]
    arts = analyse_articles(kb)
    terms = vocabulary_terms(kb, docs, list(zip(stems, tokens, strict=True)), arts)
    articles = ArticleTerms.build([a.meta.id for a in kb.articles], (b[0] + t[0] for b, t in arts))
    # keyword search sees each document's context in front of its text (``search_text``); the vocabulary
    # counts the text alone, as answers quote it. A context is shared by many documents: analysed once.
    contexts = {c: analyze_tokens(tokenize(c)) for c in {context_of(d) for d in docs}}
    searched = [contexts[context_of(d)] + s for d, s in zip(docs, stems, strict=True)]
    return Keywords(KeywordIndex.build(docs, searched), terms, places_spoken_of(kb), articles)


def places_spoken_of(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The lexicon's places the base mentions: a search of all article text per place name, done once here."""
    from assistant.understand.lexicon import Lexicon, QuestionWords

    words = QuestionWords.model_construct()  # place names come from the knowledge base, not question words
    return sorted(Lexicon(kb, words).places_spoken_of)


def write(settings: Settings, generation: str, keywords: Keywords) -> Path:
    """Save into a private temporary folder, then rename it into place: readers see all or nothing."""
    final = folder(settings, generation)
    tmp = final.with_name(f".{generation}.tmp-{os.getpid()}-{time.time_ns():x}")
    try:
        keywords.index.save(tmp)
        (tmp / TERMS_FILE).write_text(json.dumps(keywords.terms.to_json(), ensure_ascii=False), encoding="utf-8")
        (tmp / PLACES_FILE).write_text(json.dumps(keywords.places, ensure_ascii=False), encoding="utf-8")
        if keywords.articles is not None:
            keywords.articles.save(tmp)
        if final.exists():  # a damaged copy being replaced
            shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def read(settings: Settings, generation: str, documents: int | None = None) -> Keywords:
    """Open the stored keyword index of ``generation``; ``KeywordIndexError`` when missing or damaged
    (also when it does not hold the ``documents`` the manifest says the generation has)."""
    path = folder(settings, generation)
    if not path.is_dir():
        raise KeywordIndexError(f"no keyword index at {path}")
    index = KeywordIndex.load(path)
    if documents is not None and index.n != documents:
        raise KeywordIndexError(f"{index.n} documents, the generation has {documents}")
    try:
        terms = TermTable.from_json(json.loads((path / TERMS_FILE).read_text(encoding="utf-8")))
        places = [(str(t), str(v)) for t, v in json.loads((path / PLACES_FILE).read_text(encoding="utf-8"))]
        articles = ArticleTerms.load(path)
    except Exception as exc:
        raise KeywordIndexError(f"{type(exc).__name__}: {exc}") from exc
    return Keywords(index, terms, places, articles)


def generation_documents(collection: Collection) -> Iterator[Document]:
    """A generation's documents as ingest stored them, page by page, in Chroma's order."""
    offset = 0
    while True:
        got = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        ids = got["ids"]
        for i, text, meta in zip(ids, got["documents"], got["metadatas"], strict=True):
            yield Document(id=i, page_content=text or "", metadata=dict(meta or {}))
        if len(ids) < _PAGE:
            return
        offset += len(ids)


def load(
    settings: Settings,
    generation: str,
    kb: KnowledgeBase,
    open_collection: Callable[[], Collection],
    documents: int | None = None,
) -> Keywords:
    """The stored keyword index of ``generation``, or — missing or damaged — one rebuilt from the
    generation's Chroma documents (never from the knowledge folder), stored for next time when possible."""
    try:
        return read(settings, generation, documents)
    except KeywordIndexError as exc:
        log.warning(
            "فهرس الكلمات المفتاحية غير صالح؛ أعيد بناءه من وثائق الفهرس / keyword index of %s unusable (%s): "
            "rebuilding it from the generation's Chroma documents",
            generation,
            exc,
        )
    t0 = time.perf_counter()
    keywords = build(kb, list(generation_documents(open_collection())))
    keywords.rebuilt = True
    try:
        write(settings, generation, keywords)
    except OSError as exc:  # a read-only data folder: serve it from memory
        log.warning("cannot store the keyword index in %s: %s", root(settings), exc)
    log.info("keyword index of %s rebuilt in %.1f s", generation, time.perf_counter() - t0)
    return keywords


def reclaim(settings: Settings, keep: str, *, older_only: bool = False) -> list[str]:
    """Remove the keyword folders (and temporary debris) of every generation but ``keep``; call with the
    ingest lock held, so no ingest is writing one. ``older_only`` spares generations newer than ``keep``
    (their names carry their creation time), for a reader whose view of the manifest may be stale."""
    base = root(settings)
    if not base.is_dir():
        return []
    removed = []
    for child in base.iterdir():
        if child.name == keep or (older_only and _newer(child.name, keep)):
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
        removed.append(child.name)
    return removed


def _newer(name: str, than: str) -> bool:
    """Generation ``name`` (or a temporary folder for it) was created after ``than``."""
    name = name.lstrip(".").split(".tmp-", 1)[0]
    prefix, _, stamp = name.rpartition("-g")
    keep_prefix, _, keep_stamp = than.rpartition("-g")
    try:
        return prefix != keep_prefix or int(stamp, 16) > int(keep_stamp, 16)
    except ValueError:
        return True  # not a generation of ours: leave it alone


def reclaim_if_idle(settings: Settings, keep: str) -> list[str]:
    """``reclaim`` from a serving instance (another host's folders in server mode), unless an ingest holds
    the lock right now; never a generation newer than the one served. Never waits, never fails the load."""
    from filelock import FileLock, Timeout

    from assistant.index.store import lock_path

    base = root(settings)
    if not base.is_dir() or all(c.name == keep for c in base.iterdir()):
        return []
    try:
        with FileLock(str(lock_path(settings)), timeout=0):
            return reclaim(settings, keep, older_only=True)
    except (Timeout, OSError):
        return []


def stored_size(settings: Settings, generation: str) -> int:
    """Bytes of a generation's keyword folder (for reports and benchmarks)."""
    path = folder(settings, generation)
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0
