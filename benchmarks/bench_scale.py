"""Scale benchmark (issue 10): ingest throughput, index size, load time, peak RSS, warm latency per route and
retrieval recall@5 at 1k / 10k / 100k chunks — embedded Chroma and a `chroma run` server side by side, the new
keyword index (bm25s, stored with the generation) beside the OLD one (langchain's BM25Retriever over
rank_bm25, rebuilt from the documents at every load) measured in the same run.

    .venv/bin/python benchmarks/bench_scale.py                     # 1k, 10k, 100k; embedded and server
    .venv/bin/python benchmarks/bench_scale.py --quick --no-server  # 1k and 10k, embedded only

The corpus. The real knowledge base (the shipped article and the 17 records) is indexed as it is, and the
eval questions (evals/datasets/core.jsonl, those with expected sources) are asked about it. Distractors are
generated Arabic articles (50 paragraphs each) whose paragraphs are 2–4 sentences drawn at random from the
ARCD Wikipedia contexts (/work/shared/datasets/arcd, no download); they share the base's language and much
of its vocabulary, never its answers.

Vectors. Embedding 100k chunks for real is impossible here (~8 passages/s on 2 cores), so: every unique ARCD
sentence and every real knowledge-base text is embedded for real ONCE with the configured model and cached
under ~/.cache/arabic-assistant/bench/ between runs; a distractor chunk's vector is the L2-normalised mean
of its sentences' real vectors (a sentence document's vector is that sentence's real vector, without the title
that the product embeds with it). Ingest is the
real ``ingest()`` with that embedder, so "ingest throughput" measures Chroma writes and keyword indexing,
not the model. Questions are embedded for real at query time.

Every load, latency, recall and RSS figure comes from a fresh child process per (size, store, variant), so
peak RSS and load time are the variant's own. Variants: ``new`` (keyword index loaded from its folder),
``old`` (the previous ``_build``: documents, BM25Retriever and vocabulary rebuilt at load), and in server mode
``new-fresh-host`` (another host: no keyword folder yet, rebuilt once from the generation's Chroma documents).

Writes results.json, results.md and scale.png under --out (default artifacts/bench-scale/).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
ARCD = Path("/work/shared/datasets/arcd/arcd-train.json")
EVALS = REPO / "evals" / "datasets" / "core.jsonl"
CACHE = Path.home() / ".cache" / "arabic-assistant" / "bench"
PARAGRAPHS_PER_ARTICLE = 50
# A distractor chunk's vector is its sentences' mean less this share of the mean of all ARCD sentence vectors,
# renormalised: a plain mean leans towards what every vector shares ("hubness") and sits nearer to every
# question than real embeddings of the same texts do. Fitted by benchmarks/bench_distractors.py on 120 chunks
# embedded for real (questions come to them at the same mean similarity), checked on 120 others.
DISTRACTOR_CENTERING = 0.3
TARGETS = {"p50_ms": 50.0, "p95_ms": 150.0, "load_s": 5.0, "rss_mb": 2560.0, "recall_drop": 5.0}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- corpus -------------------------------------------------------------------------------------------


def arcd_sentences() -> tuple[list[str], list[str]]:
    """ARCD sentences that re-split as themselves (so a paragraph of them splits back into them), and titles."""
    from assistant.text import split_sentences

    data = json.loads(ARCD.read_text(encoding="utf-8"))
    out: dict[str, None] = {}
    for article in data["data"]:
        for p in article["paragraphs"]:
            ctx = p["context"]
            for s, e in split_sentences(ctx):
                text = " ".join(ctx[s:e].split())
                if 40 <= len(text) <= 230 and text[-1] in ".؟!" and split_sentences(text) == [(0, len(text))]:
                    out[text] = None
    return list(out), [a["title"] for a in data["data"]]


def real_texts() -> list[str]:
    """Everything ingest embeds for the real knowledge base (its documents and article sentences)."""
    from assistant.index.documents import build_documents, build_sentences
    from assistant.knowledge.loader import load_knowledge

    kb = load_knowledge(REPO / "knowledge")
    return [d.page_content for d in build_documents(kb) + build_sentences(kb)]


def write_corpus(knowledge: Path, chunks: int, sentences: list[str], titles: list[str]) -> dict[str, list[str]]:
    """Copy the real knowledge base and add distractor articles up to ``chunks`` documents in all.
    Returns each distractor paragraph's sentences (how its vector is made)."""
    from assistant.index.documents import build_documents
    from assistant.knowledge.loader import load_knowledge

    shutil.rmtree(knowledge, ignore_errors=True)
    shutil.copytree(REPO / "knowledge", knowledge)
    real = len(build_documents(load_knowledge(knowledge)))
    rng = random.Random(chunks)
    parts: dict[str, list[str]] = {}
    paragraphs: list[str] = []
    while len(paragraphs) < chunks - real:
        picked = rng.sample(sentences, rng.randint(2, 4))
        text = " ".join(picked)
        if len(text) <= 690 and text not in parts:
            parts[text] = picked
            paragraphs.append(text)
    for a, start in enumerate(range(0, len(paragraphs), PARAGRAPHS_PER_ARTICLE)):
        body = "\n\n".join(paragraphs[start : start + PARAGRAPHS_PER_ARTICLE])
        day = 1 + a % 28
        meta = (
            f"---\nid: bench-{a:05d}\ntitle: {json.dumps(titles[a % len(titles)] + f' ({a})', ensure_ascii=False)}\n"
            f"publisher: ويكيبيديا\nurl: https://ar.wikipedia.org/wiki/bench-{a:05d}\n"
            f"published: 2023-{1 + a % 12:02d}-{day:02d}\nlanguage: ar\n---\n\n"
        )
        (knowledge / "articles" / f"bench-{a:05d}.md").write_text(meta + body + "\n", encoding="utf-8")
    return parts


class VectorCache:
    """Real passage vectors by text, on disk between runs (keyed by the model fingerprint)."""

    def __init__(self, embeddings: Any) -> None:
        self.embeddings = embeddings
        self.model_id: str = embeddings.model_id
        tag = hashlib.sha256(self.model_id.encode()).hexdigest()[:12]
        self.path = CACHE / f"vectors-{tag}"
        self.vectors: dict[str, np.ndarray] = {}
        self.embedded = 0
        if (self.path / "texts.json").exists():
            texts = json.loads((self.path / "texts.json").read_text(encoding="utf-8"))
            arr = np.load(self.path / "vectors.npy")
            self.vectors = dict(zip(texts, arr, strict=True))

    def ensure(self, texts: list[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        for i in range(0, len(missing), 64):
            part = missing[i : i + 64]
            for t, v in zip(part, self.embeddings.embed_documents(part), strict=True):
                self.vectors[t] = np.asarray(v, dtype=np.float32)
            self.embedded += len(part)
            if len(missing) > 16:
                print(f"  embedded for real {i + len(part)}/{len(missing)}", file=sys.stderr, flush=True)
        if missing:
            self.save()

    def save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        texts = list(self.vectors)
        np.save(self.path / "vectors.npy", np.stack([self.vectors[t] for t in texts]))
        (self.path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")


class CorpusEmbedder:
    """What ingest embeds with: a cached real vector, or a distractor chunk's mean of its sentences' vectors;
    anything else (the real base's texts) is embedded for real and cached."""

    def __init__(
        self, cache: VectorCache, parts: dict[str, list[str]], centering: float = DISTRACTOR_CENTERING
    ) -> None:
        self.cache = cache
        self.parts = parts
        self.model_id = cache.model_id
        self.centre = centering * np.mean(np.stack(list(cache.vectors.values())), axis=0) if centering else 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.cache.ensure([t for t in texts if t not in self.parts and self._bare(t) is None])
        out = []
        for t in texts:
            if t in self.parts:
                v = np.mean([self.cache.vectors[p] for p in self.parts[t]], axis=0) - self.centre
                v = v / (np.linalg.norm(v) or 1.0)
            else:
                v = self.cache.vectors.get(t)
                if v is None:
                    v = self.cache.vectors[self._bare(t)]
            out.append(v.astype(float).tolist())
        return out

    def _bare(self, text: str) -> str | None:
        """A distractor's sentence document («title: sentence», ``sentence_text``) is given its ARCD sentence's
        own cached vector, without the title: embedding 300k titled sentences for real would take hours. The
        real base's titled sentences are cached for real before ingest (``real_texts``), so never land here."""
        from assistant.index.documents import SENTENCE_TITLE_SEPARATOR

        if text in self.cache.vectors or SENTENCE_TITLE_SEPARATOR not in text:
            return None
        bare = text.split(SENTENCE_TITLE_SEPARATOR, 1)[1]
        return bare if bare in self.cache.vectors else None


# --- the child: one variant, one fresh process -----------------------------------------------------------


def probe_texts() -> list[str]:
    """Query vectors for the dense probe: real texts of the knowledge base (their cached real vectors)."""
    return real_texts()[:40]


def questions(limit: int) -> tuple[list[str], list[tuple[str, list[str]]]]:
    items = [json.loads(line) for line in EVALS.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if i.get("question")]  # single-turn questions only (no "turns" conversations)
    step = max(1, len(items) // limit) if limit else 1
    asked = [i["question"] for i in items[::step]][: limit or None]
    sourced = [(i["question"], list(i["expect"]["sources"])) for i in items if i.get("expect", {}).get("sources")]
    return asked, sourced


def old_assistant_class() -> type:
    """The assistant as it was before issue 10: keyword search and vocabulary rebuilt at every load."""
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.retrievers import BaseRetriever
    from pydantic import ConfigDict

    from assistant.answer.articles import ChromaSentences
    from assistant.assistant import Assistant
    from assistant.index import store
    from assistant.index.documents import build_documents
    from assistant.pipeline import build_pipeline
    from assistant.retrieve.hybrid import HybridRetriever
    from assistant.text import analyze

    class LegacyBM25(BaseRetriever):
        """BM25Retriever as HybridRetriever called it: top candidate_k of all documents, filtered after."""

        model_config = ConfigDict(arbitrary_types_allowed=True)
        inner: BM25Retriever

        def _get_relevant_documents(self, query: str, *, run_manager: Any, **kwargs: Any) -> list[Any]:
            return self.inner.invoke(query)

    class OldAssistant(Assistant):
        def _build(self) -> None:
            s, kb = self.settings, self.kb
            docs = build_documents(kb)
            retriever = HybridRetriever(
                bm25=LegacyBM25(inner=BM25Retriever.from_documents(docs, preprocess_func=analyze, k=s.candidate_k)),
                dense=store.LiveVectorStore(self.embeddings, self._open_dense, store.where(s)),
                k=s.top_k,
                candidate_k=s.candidate_k,
                rrf_k=s.rrf_k,
            )
            sentences = ChromaSentences(self._open_sentences, store.where(s))
            self._pipeline = build_pipeline(s, kb, retriever, sentences, self.embeddings.embed_query, docs)

    return OldAssistant


def load_breakdown(settings: Any, variant: str, bot: Any) -> dict[str, float]:
    """Where a load's time goes, step by step, repeated after the timed load (so caches are warm)."""
    from langchain_community.retrievers import BM25Retriever

    from assistant.answer.vocabulary import vocabulary_terms
    from assistant.index import keywords, store
    from assistant.index.documents import build_documents
    from assistant.knowledge.loader import load_knowledge_from_files
    from assistant.pipeline import build_pipeline
    from assistant.text import analyze

    out: dict[str, float] = {}
    t = time.perf_counter()
    client = store.connect(settings)
    manifest, _ = store.open_live(client, settings)
    files = store.read_snapshot(client, settings, manifest.collection) or {}
    out["snapshot"] = time.perf_counter() - t
    t = time.perf_counter()
    kb = load_knowledge_from_files(files, settings.knowledge_dir)
    out["knowledge"] = time.perf_counter() - t
    t = time.perf_counter()
    if variant == "old":
        docs = build_documents(kb)
        BM25Retriever.from_documents(docs, preprocess_func=analyze, k=settings.candidate_k)
        terms, places = vocabulary_terms(kb, docs), None  # the lexicon searched the article text at load
    else:
        stored = keywords.read(settings, manifest.collection)
        terms, places = stored.terms, stored.places
    out["keywords+vocabulary"] = time.perf_counter() - t
    t = time.perf_counter()
    build_pipeline(settings, kb, bot._pipeline.retriever, None, bot.embeddings.embed_query, terms, places)
    out["pipeline"] = time.perf_counter() - t
    return {k: round(v, 3) for k, v in out.items()}


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ``getrusage``'s ru_maxrss: Linux carries that across
    exec, so a child started by a large parent reports the parent's peak (the 10k rows once showed the same
    729 MB for every variant)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def _hit(got: list[str], wanted: list[str]) -> bool:
    return any(g in wanted or any("#" not in w and g.split("#", 1)[0] == w for w in wanted) for g in got)


def child(variant: str, settings_json: str, limit: int) -> dict[str, Any]:
    from assistant.assistant import Assistant
    from assistant.offline import enable_offline_mode
    from assistant.settings import Settings

    enable_offline_mode()
    import chromadb  # noqa: F401

    import assistant.embeddings  # noqa: F401  (imports are not load time: torch, sentence-transformers)

    settings = Settings(**json.loads(settings_json))
    cls = old_assistant_class() if variant == "old" else Assistant
    t = time.perf_counter()
    bot = cls.load(settings, ingest_if_missing=False, warm=False)  # the index and knowledge, not the model
    load_s = time.perf_counter() - t
    rss_after_load = peak_rss_mb()
    t = time.perf_counter()
    bot.embeddings.embed_query("query")  # the model's own load: the same at every size (cold start: not here)
    model_s = time.perf_counter() - t
    t = time.perf_counter()
    bot.warm()  # Chroma reads the vector indexes into memory: once, grows with the base
    warm_s = time.perf_counter() - t
    breakdown = load_breakdown(settings, variant, bot)
    retriever = bot._pipeline.retriever  # type: ignore[union-attr]
    asked, sourced = questions(limit)
    bot.ask(asked[0])  # first answer pays for lazily built parts; then warm
    by_route: dict[str, list[float]] = {}
    every: list[float] = []
    for q in asked[1:]:
        t = time.perf_counter()
        answer = bot.ask(q)
        ms = (time.perf_counter() - t) * 1000
        by_route.setdefault(answer.route, []).append(ms)
        every.append(ms)
    keyword_ms: list[float] = []
    hybrid_hits = keyword_hits = answered_hits = bare_hits = unscored_hits = 0
    bare = bare_context_retriever(retriever)  # the same run's baseline: keyword search without contexts
    # and the same run's baseline of fusion as it was: keyword hits dense search missed count as absent there
    unscored = retriever.model_copy(update={"score_keyword_hits": False}) if variant != "old" else None
    for q, wanted in sourced:
        # as the assistant retrieves for its answer (within the question's scope: a question naming the
        # base's subject searches that subject's documents), scored like hybrid retrieval alone
        answered_hits += _hit(bot.ask(q).retrieved_ids[:5], wanted)
        t = time.perf_counter()
        sparse = retriever.bm25.invoke(q, k=settings.candidate_k)
        keyword_ms.append((time.perf_counter() - t) * 1000)
        keyword_hits += _hit([str(d.metadata["source_id"]) for d in sparse[:5]], wanted)
        hybrid_hits += _hit([str(d.metadata["source_id"]) for d in retriever.invoke(q)][:5], wanted)
        if bare is not None:
            bare_hits += _hit([str(d.metadata["source_id"]) for d in bare.invoke(q)][:5], wanted)
        if unscored is not None:
            unscored_hits += _hit([str(d.metadata["source_id"]) for d in unscored.invoke(q)][:5], wanted)
    return {
        "variant": variant,
        "load_s": load_s,
        "load_breakdown_s": breakdown,
        "model_load_s": model_s,
        "warm_s": warm_s,
        "rss_mb": peak_rss_mb(),
        "rss_after_load_mb": rss_after_load,
        "p50_ms": pct(every, 0.5),
        "p95_ms": pct(every, 0.95),
        "routes": {
            r: {"n": len(v), "p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95)} for r, v in sorted(by_route.items())
        },
        "keyword_p50_ms": pct(keyword_ms, 0.5),
        "keyword_p95_ms": pct(keyword_ms, 0.95),
        "recall5_hybrid": 100.0 * hybrid_hits / max(1, len(sourced)),
        "recall5_keyword": 100.0 * keyword_hits / max(1, len(sourced)),
        "recall5_answered": 100.0 * answered_hits / max(1, len(sourced)),
        **({"recall5_hybrid_bare": 100.0 * bare_hits / max(1, len(sourced))} if bare is not None else {}),
        **({"recall5_hybrid_unscored": 100.0 * unscored_hits / max(1, len(sourced))} if unscored is not None else {}),
        "questions": len(asked) - 1,
        "sourced_questions": len(sourced),
    }


def bare_context_retriever(retriever: Any) -> Any:
    """The served hybrid retriever with its keyword index rebuilt from the same documents without their
    context (``documents.search_text``: an article's title, a collection's title and subject, in front of
    each document), as keyword search read them before: the dense side is the same index, so the two
    differ only there. None for a retriever without a stored keyword index (the old variant)."""
    from langchain_core.documents import Document

    from assistant.index.documents import CONTEXT
    from assistant.retrieve.keyword import KeywordIndex, KeywordRetriever

    keyword = retriever.bm25
    if not isinstance(keyword, KeywordRetriever):
        return None
    docs = [keyword.index.docs.get(i) for i in range(len(keyword.index.docs))]
    bare = [
        Document(id=d.id, page_content=d.page_content, metadata={k: v for k, v in d.metadata.items() if k != CONTEXT})
        for d in docs
    ]
    index = KeywordIndex.build(bare)
    return retriever.model_copy(update={"bm25": KeywordRetriever(index=index, k=keyword.k)})


def run_child(variant: str, settings: dict[str, Any], limit: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", variant, "--settings", json.dumps(settings), "--questions", str(limit)]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=7200)
    if done.returncode != 0:
        print(done.stderr[-4000:], file=sys.stderr)
        return {"variant": variant, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one size, one store --------------------------------------------------------------------------------


@contextlib.contextmanager
def old_layout(settings: Any, generation: str) -> Iterator[None]:
    """The generation as indexes were stored before: the knowledge snapshot in its own metadata (which
    Chroma reads at every query). Restored afterwards."""
    from assistant.index import store

    client = store.connect(settings)
    files = store.read_snapshot(client, settings, generation) or {}
    snapshot = json.dumps({"version": 1, "files": files}, ensure_ascii=False)
    client.get_collection(generation).modify(metadata={store.SNAPSHOT_KEY: snapshot})
    try:
        yield
    finally:
        client.get_collection(generation).modify(metadata={store.SNAPSHOT_KEY: ""})


def dense_probe(settings: Any, generation: str, vectors: list[np.ndarray]) -> dict[str, dict[str, float]]:
    """Chroma query latency (ms, median/p95) on the live collection: unfiltered, «articles only» inside
    Chroma, the same filter applied after a wider unfiltered search (HybridRetriever._dense), and unfiltered
    with the snapshot in the collection's metadata (the old layout)."""
    from assistant.index import store

    client = store.connect(settings)
    col = client.get_collection(generation)
    n = col.count()
    articles = len(col.get(where={"kind": "article"}, include=[])["ids"])
    fetch = min(int(np.ceil(20 * n / max(articles, 1))) + 10, 200)

    def timed(fn: Any) -> dict[str, float]:
        fn(vectors[0])
        ms = []
        for v in vectors:
            t = time.perf_counter()
            fn(v)
            ms.append((time.perf_counter() - t) * 1000)
        return {"p50_ms": pct(ms, 0.5), "p95_ms": pct(ms, 0.95)}

    def query(v: np.ndarray, k: int = 20, where: dict[str, Any] | None = None) -> Any:
        return col.query(query_embeddings=[v], n_results=k, where=where, include=["documents", "metadatas"])

    out = {
        "unfiltered": timed(query),
        "articles, in Chroma (old)": timed(lambda v: query(v, where={"kind": "article"})),
        f"articles, after an unfiltered {fetch} (new)": timed(lambda v: query(v, k=fetch)),
    }
    with old_layout(settings, generation):
        col = client.get_collection(generation)
        out["unfiltered, snapshot in metadata (old)"] = timed(query)
        out["articles in Chroma, snapshot in metadata (old)"] = timed(lambda v: query(v, where={"kind": "article"}))
    return out


def dense_recall(settings: Any, generation: str, embeddings: Any) -> dict[str, float]:
    """Dense search alone, recall@5 of the eval questions' sources: Chroma's HNSW (approximate, as served)
    against an exact search over the same vectors, so that a loss at scale is split into what the
    approximation costs and what the distractors cost."""
    from assistant.index import store

    _, sourced = questions(0)
    col = store.connect(settings).get_collection(generation)
    sources: list[str] = []
    parts: list[np.ndarray] = []
    total = col.count()
    for offset in range(0, total, 5000):
        got = col.get(limit=5000, offset=offset, include=["embeddings", "metadatas"])
        sources += [str(m["source_id"]) for m in got["metadatas"]]
        parts.append(np.asarray(got["embeddings"], dtype=np.float32))
    matrix = np.concatenate(parts)
    vectors = np.asarray([embeddings.embed_query(q) for q, _ in sourced], dtype=np.float32)
    approx = exact = 0
    for v, (_, wanted) in zip(vectors, sourced, strict=True):
        hits = col.query(query_embeddings=[v], n_results=5, include=["metadatas"])
        approx += _hit([str(m["source_id"]) for m in hits["metadatas"][0]], wanted)
        top = np.argsort(-(matrix @ v))[:5]
        exact += _hit([sources[i] for i in top], wanted)
    n = max(1, len(sourced))
    return {"recall5_dense_hnsw": 100.0 * approx / n, "recall5_dense_exact": 100.0 * exact / n}


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def measure(
    size: int,
    mode: str,
    work: Path,
    embedder: CorpusEmbedder,
    knowledge: Path,
    limit: int,
    wanted: tuple[str, ...] = ("new", "old", "new-fresh-host"),
) -> dict[str, Any]:
    from assistant.index import keywords
    from assistant.index.ingest import ingest
    from assistant.knowledge.loader import load_knowledge
    from assistant.settings import Settings

    data = work / f"{mode}-{size}" / "data"
    shutil.rmtree(data.parent, ignore_errors=True)
    data.mkdir(parents=True)
    base: dict[str, Any] = {"data_dir": str(data), "knowledge_dir": str(knowledge)}
    with contextlib.ExitStack() as stack:
        server_path = data.parent / "server"
        if mode == "server":
            server_path.mkdir()
            sys.path.insert(0, str(REPO))  # the tests' own `chroma run` helper
            from tests.servers import chroma_server

            base.update(chroma_host="127.0.0.1", chroma_port=stack.enter_context(chroma_server(server_path)))
        settings = Settings(**base)
        kb = load_knowledge(knowledge)
        report = ingest(kb, settings, embedder)
        index_bytes = folder_size(server_path if mode == "server" else settings.index_dir)
        keyword_bytes = keywords.stored_size(settings, report.collection)
        row: dict[str, Any] = {
            "size": size,
            "mode": mode,
            "documents": report.added,
            "ingest_s": report.seconds,
            "ingest_docs_per_s": report.added / report.seconds if report.seconds else 0.0,
            "sentences": report.sentences_embedded,
            "keyword_build_s": report.keyword_seconds,
            "chroma_mb": index_bytes / 2**20,
            "keywords_mb": keyword_bytes / 2**20,
            "variants": [],
        }
        print(f"[{size} {mode}] ingest {report.seconds:.1f} s, chroma {index_bytes / 2**20:.0f} MB", file=sys.stderr)
        row["dense"] = dense_probe(settings, report.collection, [embedder.cache.vectors[t] for t in probe_texts()])
        print(f"[{size} {mode}] dense: {json.dumps(row['dense'])}", file=sys.stderr, flush=True)
        row.update(dense_recall(settings, report.collection, embedder.cache.embeddings))
        print(
            f"[{size} {mode}] dense recall@5: {row['recall5_dense_hnsw']:.1f} HNSW, "
            f"{row['recall5_dense_exact']:.1f} exact",
            file=sys.stderr,
        )
        variants = [
            v for v in ["new", "old", "new-fresh-host"] if v in wanted and (mode == "server" or v != "new-fresh-host")
        ]
        for variant in variants:
            settings_json = dict(base)
            layout = contextlib.nullcontext()
            if variant == "new-fresh-host":
                other = data.parent / "other-host"
                other.mkdir(exist_ok=True)
                settings_json["data_dir"] = str(other)
            if variant == "old":  # before issue 10: the snapshot in the generation, every filter inside Chroma
                settings_json["dense_post_filter_share"] = 1.0
                layout = old_layout(settings, report.collection)
            with layout:
                got = run_child(variant, settings_json, limit)
            print(f"[{size} {mode}] {variant}: {json.dumps(got, ensure_ascii=False)}", file=sys.stderr, flush=True)
            row["variants"].append(got)
    return row


# --- keyword search alone (no Chroma, no model): the part this issue replaced ---------------------------


def keyword_only(size: int, knowledge: Path, work: Path) -> dict[str, Any]:
    """Old BM25Retriever vs the bm25s index on the same documents: build, store, load, query, recall@5."""
    from langchain_community.retrievers import BM25Retriever

    from assistant.index.documents import build_documents
    from assistant.knowledge.loader import load_knowledge
    from assistant.retrieve.filters import matches
    from assistant.retrieve.keyword import KeywordIndex
    from assistant.text import analyze

    docs = build_documents(load_knowledge(knowledge))
    _, sourced = questions(0)
    filters: list[dict[str, Any] | None] = [None, {"kind": "article"}, {"article_id": "anfaspress-2025-02-06"}]
    out: dict[str, Any] = {"size": size, "documents": len(docs)}
    t = time.perf_counter()
    old = BM25Retriever.from_documents(docs, preprocess_func=analyze, k=20)
    out["old_build_s"] = time.perf_counter() - t
    t = time.perf_counter()
    new = KeywordIndex.build(docs)
    out["new_build_s"] = time.perf_counter() - t
    folder = work / f"keywords-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    new.save(folder)
    out["new_save_s"] = time.perf_counter() - t
    out["new_stored_mb"] = folder_size(folder) / 2**20
    t = time.perf_counter()
    new = KeywordIndex.load(folder)
    out["new_load_s"] = time.perf_counter() - t
    for name, where in zip(["all", "articles", "one-article"], filters, strict=True):
        old_ms, new_ms, old_hits, new_hits, empty_old, empty_new = [], [], 0, 0, 0, 0
        for q, wanted in sourced:
            t = time.perf_counter()
            a = [d for d in old.invoke(q) if matches(d.metadata, where)]
            old_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            b = new.search(q, 20, where)
            new_ms.append((time.perf_counter() - t) * 1000)
            old_hits += _hit([str(d.metadata["source_id"]) for d in a[:5]], wanted)
            new_hits += _hit([str(d.metadata["source_id"]) for d in b[:5]], wanted)
            empty_old += not a
            empty_new += not b
        out[name] = {
            "old_p50_ms": pct(old_ms, 0.5),
            "old_p95_ms": pct(old_ms, 0.95),
            "new_p50_ms": pct(new_ms, 0.5),
            "new_p95_ms": pct(new_ms, 0.95),
            "old_recall5": 100.0 * old_hits / len(sourced),
            "new_recall5": 100.0 * new_hits / len(sourced),
            "old_empty": empty_old,
            "new_empty": empty_new,
        }
    shutil.rmtree(folder, ignore_errors=True)
    print(f"[{size} keyword-only] {json.dumps(out)}", file=sys.stderr, flush=True)
    return out


def keyword_markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| chunks | filter | old p50/p95 ms | new p50/p95 ms | old recall@5 | new recall@5 | empty results old/new |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for name in ("all", "articles", "one-article"):
            x = r[name]
            lines.append(
                f"| {r['size']} | {name} | {x['old_p50_ms']:.1f}/{x['old_p95_ms']:.1f} | {x['new_p50_ms']:.2f}/"
                f"{x['new_p95_ms']:.2f} | {x['old_recall5']:.1f} | {x['new_recall5']:.1f} | "
                f"{x['old_empty']}/{x['new_empty']} |"
            )
    lines += [
        "",
        "| chunks | old build s | new build s | new save s | new stored MB | new load s |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['old_build_s']:.2f} | {r['new_build_s']:.2f} | {r['new_save_s']:.2f} | "
            f"{r['new_stored_mb']:.1f} | {r['new_load_s']:.3f} |"
        )
    return "\n".join(lines) + "\n"


# --- report ---------------------------------------------------------------------------------------------


def _fmt(value: Any, spec: str = ".1f") -> str:
    return format(value, spec) if isinstance(value, int | float) else "–"


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| chunks | store | variant | load s | peak RSS MB | p50 ms | p95 ms | keyword p50/p95 ms | recall@5 hybrid"
        " | recall@5 hybrid, no context | recall@5 hybrid, keyword hits unscored | recall@5 keyword"
        " | recall@5 dense (HNSW / exact) | recall@5 as answered | ingest docs/s | Chroma MB | keywords MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for v in r["variants"]:
            if "error" in v:
                lines.append(f"| {r['size']} | {r['mode']} | {v['variant']} | error: {v['error'][:80]} |")
                continue
            cells = [
                r["size"],
                r["mode"],
                v["variant"],
                _fmt(v["load_s"], ".2f"),
                _fmt(v["rss_mb"], ".0f"),
                _fmt(v["p50_ms"]),
                _fmt(v["p95_ms"]),
                f"{_fmt(v['keyword_p50_ms'], '.2f')}/{_fmt(v['keyword_p95_ms'], '.2f')}",
                _fmt(v["recall5_hybrid"]),
                _fmt(v.get("recall5_hybrid_bare")),
                _fmt(v.get("recall5_hybrid_unscored")),
                _fmt(v["recall5_keyword"]),
                f"{_fmt(r.get('recall5_dense_hnsw'))} / {_fmt(r.get('recall5_dense_exact'))}",
                _fmt(v.get("recall5_answered")),
                _fmt(r["ingest_docs_per_s"], ".0f"),
                _fmt(r["chroma_mb"], ".0f"),
                _fmt(r["keywords_mb"], ".1f"),
            ]
            lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines += ["", "Per route, p50/p95 ms:", ""]
    for r in rows:
        for v in r["variants"]:
            if v.get("variant") in {"new", "old"} and "routes" in v:
                routes = ", ".join(
                    f"{k} {x['p50_ms']:.0f}/{x['p95_ms']:.0f} (n={x['n']})" for k, x in v["routes"].items()
                )
                lines.append(f"- {r['size']} {r['mode']} {v['variant']}: {routes}")
    probes = [r for r in rows if r.get("dense")]
    if probes:
        lines += ["", "Chroma query alone (k=20 unless said; ms p50/p95):", ""]
        names = list(dict.fromkeys(k for r in probes for k in r["dense"]))
        lines.append("| chunks | store | " + " | ".join(names) + " |")
        lines.append("|---|---|" + "---|" * len(names))
        for r in probes:
            cells = [f"{_fmt(r['dense'][n]['p50_ms'])}/{_fmt(r['dense'][n]['p95_ms'])}" if n in r["dense"] else "–"
                     for n in names]  # fmt: skip
            lines.append(f"| {r['size']} | {r['mode']} | " + " | ".join(cells) + " |")
    lines += ["", targets(rows)]
    return "\n".join(lines) + "\n"


def targets(rows: list[dict[str, Any]]) -> str:
    """The issue's targets, read off the largest size measured (new variant, embedded)."""
    new = [(r["size"], v) for r in rows if r["mode"] == "embedded" for v in r["variants"] if v.get("variant") == "new"]
    new = [(s, v) for s, v in new if "error" not in v]
    if not new:
        return "Targets: nothing measured."
    size, big = max(new, key=lambda x: x[0])
    small = min(new, key=lambda x: x[0])[1]
    drop = small["recall5_hybrid"] - big["recall5_hybrid"]
    checks = [
        f"warm p50 {big['p50_ms']:.0f} ms (target ≤{TARGETS['p50_ms']:.0f})",
        f"p95 {big['p95_ms']:.0f} ms (≤{TARGETS['p95_ms']:.0f})",
        f"load {big['load_s']:.2f} s (≤{TARGETS['load_s']:.0f})",
        f"peak RSS {big['rss_mb']:.0f} MB (≤{TARGETS['rss_mb']:.0f})",
        f"recall@5 drop {drop:.1f} points smallest→largest (≤{TARGETS['recall_drop']:.0f})",
    ]
    if "recall5_hybrid_bare" in big and "recall5_hybrid_bare" in small:
        bare = small["recall5_hybrid_bare"] - big["recall5_hybrid_bare"]
        checks.append(f"without documents' contexts {bare:.1f} points")
    if "recall5_hybrid_unscored" in big and "recall5_hybrid_unscored" in small:
        unscored = small["recall5_hybrid_unscored"] - big["recall5_hybrid_unscored"]
        checks.append(f"with keyword hits unscored by dense search {unscored:.1f} points")
    if "recall5_answered" in big and "recall5_answered" in small:
        checks.append(f"as answered {small['recall5_answered'] - big['recall5_answered']:.1f} points")
    return f"Targets at {size} chunks (new, embedded): " + "; ".join(checks) + "."


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(19, 4.5))
    series: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for r in rows:
        for v in r["variants"]:
            if "error" not in v:
                series.setdefault((r["mode"], v["variant"]), []).append((r["size"], v))
    for (mode, variant), points in sorted(series.items()):
        points.sort(key=lambda p: p[0])
        xs = [p[0] for p in points]
        label = f"{variant} ({mode})"
        axes[0].plot(xs, [p[1]["keyword_p95_ms"] for p in points], marker="o", label=label)
        axes[1].plot(xs, [p[1]["load_s"] for p in points], marker="o", label=label)
        axes[2].plot(xs, [p[1]["recall5_hybrid"] for p in points], marker="o", label=label)
        axes[3].plot(xs, [p[1]["p95_ms"] for p in points], marker="o", label=label)
    titles = ["keyword search p95 (ms)", "load with index present (s)", "recall@5, hybrid (%)", "warm ask p95 (ms)"]
    for ax, title in zip(axes, titles, strict=True):
        ax.set_xscale("log")
        ax.set_xlabel("chunks")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
    axes[0].set_yscale("log")
    axes[3].set_yscale("log")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    parser.add_argument("--no-server", action="store_true", help="embedded Chroma only")
    parser.add_argument("--questions", type=int, default=80, help="eval questions asked per variant for latency")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench-scale")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-scale"))
    parser.add_argument("--append", action="store_true", help="keep other sizes' rows of an earlier results.json")
    parser.add_argument("--keyword-only", action="store_true", help="keyword search alone, old vs new (no Chroma)")
    parser.add_argument("--variants", default="new,old,new-fresh-host", help="which of new, old, new-fresh-host")
    parser.add_argument(
        "--centering",
        type=float,
        default=DISTRACTOR_CENTERING,
        help="share of the mean sentence vector taken off a distractor's (0: the plain mean, as before)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.settings, args.questions)))
        return 0

    from assistant.embeddings import E5Embeddings
    from assistant.offline import enable_offline_mode
    from assistant.settings import Settings

    enable_offline_mode()
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    modes = ["embedded"] + ([] if args.no_server else ["server"])
    args.out.mkdir(parents=True, exist_ok=True)
    sentences, titles = arcd_sentences()
    if args.keyword_only:
        found = []
        for size in sizes:
            write_corpus(args.work / f"knowledge-{size}", size, sentences, titles)
            found.append(keyword_only(size, args.work / f"knowledge-{size}", args.work))
        (args.out / "keywords.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
        (args.out / "keywords.md").write_text(keyword_markdown(found), encoding="utf-8")
        print(keyword_markdown(found))
        return 0
    cache = VectorCache(E5Embeddings(Settings()))
    cache.ensure(sentences)
    cache.ensure(real_texts())  # so that ingest throughput never includes the model
    rows: list[dict[str, Any]] = []
    earlier = args.out / "results.json"
    if args.append and earlier.exists():
        rows = [r for r in json.loads(earlier.read_text(encoding="utf-8")) if r["size"] not in sizes]
    for size in sizes:
        knowledge = args.work / f"knowledge-{size}"
        parts = write_corpus(knowledge, size, sentences, titles)
        embedder = CorpusEmbedder(cache, parts, args.centering)
        for mode in modes:
            rows.append(
                measure(size, mode, args.work, embedder, knowledge, args.questions, tuple(args.variants.split(",")))
            )
            rows.sort(key=lambda r: (r["size"], r["mode"]))
            (args.out / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.rmtree(args.work / f"embedded-{size}", ignore_errors=True)
        shutil.rmtree(args.work / f"server-{size}", ignore_errors=True)
    table = markdown(rows)
    (args.out / "results.md").write_text(table, encoding="utf-8")
    plot(rows, args.out / "scale.png")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
