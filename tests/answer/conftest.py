"""Routing and engines on small knowledge bases, without the embedding model: keyword retrieval only,
and no sentence vectors (so dense similarity is 0 for every sentence). Article answers themselves are
tested end to end with the real model (tests/test_assistant.py, evals)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from assistant.index.documents import build_documents
from assistant.knowledge.loader import load_knowledge
from assistant.models import Answer
from assistant.pipeline import Pipeline, build_pipeline
from assistant.retrieve.hybrid import HybridRetriever, build_bm25
from assistant.settings import REPO_ROOT, Settings

TWO_SUBJECTS = REPO_ROOT / "evals" / "kbs" / "two-subjects"


class NoVectors:
    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return {}


def keyword_pipeline(knowledge_dir: Path) -> Pipeline:
    settings = Settings(knowledge_dir=knowledge_dir)
    kb = load_knowledge(knowledge_dir)
    docs = build_documents(kb)
    retriever = HybridRetriever(bm25=build_bm25(docs, 20), dense=None, k=5)
    return build_pipeline(settings, kb, retriever, NoVectors(), lambda _: [0.0], docs)


def one_article_base(root: Path, article_id: str, title: str, body: str) -> Path:
    """A knowledge folder under ``root`` holding one Wikipedia-like article and the project's reference data."""
    knowledge = root / "knowledge"
    (knowledge / "articles").mkdir(parents=True)
    (knowledge / "reference").symlink_to(REPO_ROOT / "knowledge" / "reference")
    (knowledge / "articles" / f"{article_id}.md").write_text(
        f"---\nid: {article_id}\ntitle: {title}\npublisher: Wikipedia\nurl: https://ar.wikipedia.org/wiki/"
        f"{article_id}\npublished: 2024-01-01\nlanguage: ar\n---\n\n{body}",
        encoding="utf-8",
    )
    return knowledge


Ask = Callable[..., Answer]


def _asker(pipe: Pipeline) -> Ask:
    def ask(question: str, *history: str) -> Answer:
        return pipe.run(question, list(history))

    return ask


@pytest.fixture(scope="session")
def shipped_pipeline() -> Pipeline:
    return keyword_pipeline(REPO_ROOT / "knowledge")


@pytest.fixture(scope="session")
def shipped(shipped_pipeline: Pipeline) -> Ask:
    return _asker(shipped_pipeline)


@pytest.fixture(scope="session")
def two_subjects() -> Ask:
    return _asker(keyword_pipeline(TWO_SUBJECTS))
