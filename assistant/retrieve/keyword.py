"""Keyword search that scales: BM25 as a bm25s sparse index over the project's Arabic analyser.

Why not langchain's ``BM25Retriever`` (rank_bm25) any more: it scores every document in Python for every query
term (a 5-term query over 100k chunks: 88 ms in ``get_scores`` alone, then a sort of every score) and lives
only in memory, so it was rebuilt from the knowledge files at every start. bm25s computes each (term,
document) BM25 weight once, at index time, into a CSC sparse matrix: a query sums a few posting lists with
numpy, and the index is three plain arrays that are saved with the index generation and read back at
start (``save``/``load``; ``assistant.index.keywords`` decides where).

Tokens are ``assistant.text.analyze``'s (normalise, drop stopwords, light-stem), handed to bm25s as token
lists: bm25s's own English tokenizer and stemmer are never used. Scoring is bm25s's default ("lucene": idf
``log(1 + (N - df + 0.5) / (df + 0.5))``, k1 = 1.5, b = 0.75), the idf the answer vocabulary uses too.

Filters (the ``where`` subset of ``assistant.retrieve.filters``) become a boolean mask over the documents
*before* the top-k is taken, so a filter that selects one article among hundreds still returns that article's
best matches. Masks are computed per metadata key over the key's distinct values (one Python predicate call
per distinct value, not per document) and cached per filter.

Only documents sharing at least one term with the query are returned (a zero score is no keyword evidence);
equal scores keep document order (ingest order), so results are deterministic.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.index.documents import search_text
from assistant.retrieve.filters import value_matches
from assistant.text import ANALYZER_VERSION, analyze

FORMAT = 2
_MASK_CACHE = 64


class KeywordIndexError(Exception):
    """A stored keyword index is missing, incomplete or damaged (the caller rebuilds it)."""


# --- documents: what a hit returns -----------------------------------------------------------------------


class DocumentStore:
    """The indexed documents by position. As built, or — loaded from disk — the JSON-lines bytes and their
    offsets, decoded only for the hits of a query: 100k ``Document`` objects are never built at start."""

    def __init__(self, docs: Sequence[Document] | None = None, *, blob: Any = None, offsets: Any = None) -> None:
        self._docs = list(docs) if docs is not None else None
        self._blob = blob
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._docs) if self._docs is not None else len(self._offsets) - 1

    def get(self, i: int) -> Document:
        if self._docs is not None:
            return self._docs[i]
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        row = json.loads(self._blob[start:end])
        return Document(id=row["id"], page_content=row["text"], metadata=row["metadata"])

    def rows(self) -> Iterable[bytes]:
        for i in range(len(self)):
            d = self.get(i)
            row = {"id": d.id, "text": d.page_content, "metadata": d.metadata}
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode()


# --- metadata columns: filters as masks ------------------------------------------------------------------


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)  # 1, 1.0 and True stay distinct values


class Columns:
    """Each metadata key dictionary-encoded: its distinct values and, per document, a code (-1: absent).
    A filter on a key is evaluated once per distinct value and gathered through the codes."""

    def __init__(self, n: int, values: dict[str, Callable[[], list[Any]]], codes: dict[str, np.ndarray]) -> None:
        self.n = n
        self._loaders = values
        self._values: dict[str, list[Any]] = {}
        self._codes = codes
        self._masks: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def build(cls, metadatas: Sequence[dict[str, Any]]) -> Columns:
        keys = list(dict.fromkeys(k for m in metadatas for k in m))
        values: dict[str, list[Any]] = {}
        codes: dict[str, np.ndarray] = {}
        for key in keys:
            seen: dict[tuple[str, Any], int] = {}
            col = np.full(len(metadatas), -1, dtype=np.int32)
            for i, m in enumerate(metadatas):
                if key in m:
                    col[i] = seen.setdefault(_key(m[key]), len(seen))
            values[key] = [v for _, v in seen]
            codes[key] = col
        return cls(len(metadatas), {k: (lambda v=v: v) for k, v in values.items()}, codes)

    @property
    def keys(self) -> list[str]:
        return list(self._codes)

    def values(self, key: str) -> list[Any]:
        if key not in self._values:
            self._values[key] = self._loaders[key]()
        return self._values[key]

    def codes(self, key: str) -> np.ndarray:
        return self._codes[key]

    def mask(self, where: dict[str, Any] | None) -> np.ndarray | None:
        """The documents ``where`` selects (None: no filter), with ``filters.matches`` semantics."""
        if not where:
            return None
        cache_key = json.dumps(where, sort_keys=True, ensure_ascii=False, default=str)
        got = self._masks.get(cache_key)
        if got is None:
            got = self._mask(where)
            self._masks[cache_key] = got
            if len(self._masks) > _MASK_CACHE:
                self._masks.popitem(last=False)
        else:
            self._masks.move_to_end(cache_key)
        return got

    def _mask(self, where: dict[str, Any]) -> np.ndarray:
        out = np.ones(self.n, dtype=bool)
        for key, cond in where.items():
            if key == "$and":
                for sub in cond:
                    out &= self._mask(sub)
            elif key == "$or":
                any_ = np.zeros(self.n, dtype=bool)
                for sub in cond:
                    any_ |= self._mask(sub)
                out &= any_
            else:
                out &= self._key_mask(key, cond)
        return out

    def _key_mask(self, key: str, cond: Any) -> np.ndarray:
        if key not in self._codes:
            return np.full(self.n, value_matches(None, cond), dtype=bool)
        # one slot per distinct value, and a last one for "absent" (code -1 picks it)
        table = np.array([value_matches(v, cond) for v in self.values(key)] + [value_matches(None, cond)], dtype=bool)
        return table[self._codes[key]]


# --- the index -----------------------------------------------------------------------------------------


class KeywordIndex:
    """BM25 weights as a term-major CSC matrix (``data``/``indices``/``indptr``), its vocabulary, the
    documents and their metadata columns."""

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        vocab: dict[str, int],
        docs: DocumentStore,
        columns: Columns,
    ) -> None:
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.vocab = vocab
        self.docs = docs
        self.columns = columns
        self.n = len(docs)

    @classmethod
    def build(cls, docs: Sequence[Document], tokens: Sequence[list[str]] | None = None) -> KeywordIndex:
        """Index ``docs`` (``tokens``: their analysed search texts, when the caller already has them)."""
        import bm25s

        corpus = list(tokens) if tokens is not None else [analyze(search_text(d)) for d in docs]
        if docs:
            bm = bm25s.BM25()  # the "lucene" variant, k1 = 1.5, b = 0.75
            bm.index(corpus, show_progress=False)
            scores = bm.scores
            vocab = {t: i for t, i in bm.vocab_dict.items() if t}  # bm25s's "" placeholder has no postings
            data = np.asarray(scores["data"], dtype=np.float32)
            indices = np.asarray(scores["indices"], dtype=np.int32)
            indptr = np.asarray(scores["indptr"], dtype=np.int64)
        else:
            data, indices, indptr, vocab = (np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), {})
        return cls(data, indices, indptr, vocab, DocumentStore(docs), Columns.build([d.metadata for d in docs]))

    # --- scoring -------------------------------------------------------------------------------------

    def scores(self, tokens: Sequence[str]) -> np.ndarray | None:
        """BM25 score of every document for the (analysed) query tokens; None when none is indexed."""
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids:
            return None
        spans = [(int(self.indptr[i]), int(self.indptr[i + 1])) for i in ids]
        docs = np.concatenate([self.indices[s:e] for s, e in spans])
        weights = np.concatenate([self.data[s:e] for s, e in spans]).astype(np.float64)
        return np.bincount(docs, weights=weights, minlength=self.n)

    def top(self, tokens: Sequence[str], k: int, where: dict[str, Any] | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (document position, score) pairs with a positive score within ``where``."""
        scores = self.scores(tokens)
        if scores is None or k <= 0:
            return []
        cand = np.flatnonzero(scores > 0)
        mask = self.columns.mask(where)
        if mask is not None:
            cand = cand[mask[cand]]
        s = scores[cand]
        if len(cand) > k:  # keep everything tied with the k-th score, then order by score and position
            kth = np.partition(s, len(s) - k)[len(s) - k]
            keep = s >= kth
            cand, s = cand[keep], s[keep]
        order = np.lexsort((cand, -s))[:k]
        return [(int(cand[i]), float(s[i])) for i in order]

    def search(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Document]:
        return [self.docs.get(i) for i, _ in self.top(analyze(query), k, where)]

    # --- vocabulary, for the answer side -------------------------------------------------------------

    def holding(self, stems: Sequence[str]) -> np.ndarray:
        """The positions (sorted) of the documents that hold every one of ``stems`` (none for no stems)."""
        out: np.ndarray | None = None
        for term in stems:
            i = self.vocab.get(term)
            if i is None:
                return np.zeros(0, np.int32)
            docs = self.indices[int(self.indptr[i]) : int(self.indptr[i + 1])]
            out = docs if out is None else np.intersect1d(out, docs, assume_unique=True)
        return np.sort(out) if out is not None else np.zeros(0, np.int32)

    def df(self, term: str) -> int:
        i = self.vocab.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    # --- persistence ---------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (which must be new and empty; ``index.json`` is written last, so a
        folder without it is incomplete)."""
        folder.mkdir(parents=True)
        for name, arr in (("data", self.data), ("indices", self.indices), ("indptr", self.indptr)):
            np.save(folder / f"{name}.npy", np.ascontiguousarray(arr))
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        offsets = [0]
        with (folder / "docs.jsonl").open("wb") as fh:
            for row in self.docs.rows():
                fh.write(row)
                offsets.append(offsets[-1] + len(row))
        np.save(folder / "doc_offsets.npy", np.asarray(offsets, dtype=np.int64))
        keys = self.columns.keys
        codes = np.stack([self.columns.codes(k) for k in keys]) if keys else np.zeros((0, self.n), np.int32)
        np.save(folder / "meta_codes.npy", codes)
        with (folder / "meta_values.jsonl").open("w", encoding="utf-8") as fh:  # line i: keys[i]'s values
            fh.writelines(json.dumps(self.columns.values(k), ensure_ascii=False) + "\n" for k in keys)
        meta = {
            "format": FORMAT,
            "analyzer": ANALYZER_VERSION,
            "documents": self.n,
            "terms": len(terms),
            "postings": len(self.data),
            "keys": keys,
        }
        (folder / "index.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """Open a saved index: arrays and the documents' bytes read whole (nothing keeps the folder open, so an
        ingest may reclaim it and a read-only mount may go), documents decoded per hit, metadata values parsed
        per key on first filter. Any inconsistency is ``KeywordIndexError``."""
        try:
            meta = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                raise KeywordIndexError(f"format {meta.get('format')!r}, expected {FORMAT}")
            if meta.get("analyzer", 1) != ANALYZER_VERSION:  # stems of another analyser would match nothing
                raise KeywordIndexError(f"analyser version {meta.get('analyzer', 1)}, expected {ANALYZER_VERSION}")
            n = int(meta["documents"])
            data = np.load(folder / "data.npy")
            indices = np.load(folder / "indices.npy")
            indptr = np.load(folder / "indptr.npy")
            offsets = np.load(folder / "doc_offsets.npy")
            codes = np.load(folder / "meta_codes.npy")
            terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            value_lines = (folder / "meta_values.jsonl").read_bytes().split(b"\n")
            blob = (folder / "docs.jsonl").read_bytes()
        except KeywordIndexError:
            raise
        except Exception as exc:  # missing file, truncated array, bad JSON: all "rebuild it"
            raise KeywordIndexError(f"{type(exc).__name__}: {exc}") from exc
        keys = list(meta.get("keys", []))
        checks = {
            "postings": len(data) == len(indices) == int(indptr[-1]) == int(meta["postings"]),
            "terms": len(terms) == len(indptr) - 1 == int(meta["terms"]),
            "documents": len(offsets) == n + 1 and int(offsets[-1]) == len(blob),
            "metadata": codes.shape == (len(keys), n) and len(value_lines) == len(keys) + 1,
            "doc ids": not len(indices) or int(np.max(indices)) < n,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise KeywordIndexError("inconsistent " + ", ".join(bad))
        # a key's distinct values are parsed when a filter first needs them (source ids, titles: never)
        loaders = {k: (lambda i=i: json.loads(value_lines[i])) for i, k in enumerate(keys)}
        columns = Columns(n, loaders, {k: codes[i] for i, k in enumerate(keys)})
        vocab = {t: i for i, t in enumerate(terms)}
        return cls(data, indices, indptr, vocab, DocumentStore(blob=blob, offsets=offsets), columns)


class KeywordRetriever(BaseRetriever):
    """The keyword index as a LangChain retriever: ``invoke(query, filter=..., k=...)``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: KeywordIndex
    k: int = 20
    filter: dict[str, Any] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return self.index.search(query, int(kwargs.get("k", self.k)), kwargs.get("filter", self.filter))

    def matching(self, where: dict[str, Any] | None, limit: int) -> list[str] | None:
        """Ids of the documents ``where`` keeps, when there are at most ``limit`` of them (else None)."""
        mask = self.index.columns.mask(where)
        if mask is None:
            return None
        found = np.flatnonzero(mask)
        if len(found) > limit:
            return None
        return [str(self.index.docs.get(int(i)).id) for i in found]

    def share(self, where: dict[str, Any] | None) -> float:
        """The share of the indexed documents that ``where`` keeps (the same documents dense search holds)."""
        mask = self.index.columns.mask(where)
        return 1.0 if mask is None else float(mask.mean()) if self.index.n else 0.0
