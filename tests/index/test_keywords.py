"""The keyword index travels with its generation (issue 10): stored at ingest, swapped with the manifest,
reclaimed with the generation, loaded — not rebuilt from the knowledge files — at start, and rebuilt from the
generation's own Chroma documents when its folder is missing or damaged. Real model, real Chroma."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.assistant import Assistant
from assistant.index import keywords, store
from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings
from tests.index.test_generations import edit_records

WORD = "زمردستان"  # a made-up place: in no text of the shipped knowledge
PAWN = "mtg-2024-04-doha"


@pytest.fixture()
def private(tmp_path: Path, knowledge_copy: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge_copy)


def add_word(root: Path, word: str = WORD) -> None:
    def edit(records: list[dict]) -> None:  # type: ignore[type-arg]
        doha = next(r for r in records if r["id"] == PAWN)
        doha["summary_ar"] += f" وحضر وفد من {word}."

    edit_records(root, edit)


def keyword_ids(bot: Assistant, query: str) -> list[str]:
    assert bot._pipeline is not None
    return [str(d.metadata["source_id"]) for d in bot._pipeline.retriever.bm25.invoke(query)]  # type: ignore[attr-defined]


def live(settings: Settings) -> str:
    manifest = store.read_manifest(store.connect(settings), settings)
    assert manifest is not None
    return manifest.collection


def test_a_new_generation_serves_new_keywords_and_the_old_keyword_folder_goes(private: Settings) -> None:
    bot = Assistant.load(private)
    first = live(private)
    assert keywords.folder(private, first).is_dir()
    assert keyword_ids(bot, WORD) == []

    add_word(private.knowledge_dir)
    report = bot.ingest()
    second = live(private)
    assert second != first and report.embedded == 1
    assert [p.name for p in keywords.root(private).iterdir()] == [second]  # the old one reclaimed
    assert first in report.reclaimed
    assert keyword_ids(bot, WORD) == [PAWN]
    assert keyword_ids(Assistant.load(private), WORD) == [PAWN]  # a new process reads the same folder


def test_load_reads_the_stored_index_and_never_rebuilds_from_the_knowledge_files(
    private: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_word(private.knowledge_dir)
    Assistant.load(private)

    def forbidden(*_: object, **__: object) -> None:
        raise AssertionError("rebuilt at load")

    monkeypatch.setattr("assistant.assistant.build_documents", forbidden)
    monkeypatch.setattr(keywords, "build", forbidden)
    monkeypatch.setattr("assistant.pipeline.vocabulary_terms", forbidden)
    monkeypatch.setattr("assistant.answer.vocabulary.vocabulary_terms", forbidden)
    bot = Assistant.load(private)
    assert keyword_ids(bot, WORD) == [PAWN]
    assert bot.ask("متى زار حموشي قطر؟").answerable
    assert bot.ask("ماذا قال المقال عن كأس العالم 2030؟").answerable


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage-terms", "garbage-article-terms"])
def test_a_missing_or_damaged_keyword_folder_is_rebuilt_from_the_generation(
    private: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    add_word(private.knowledge_dir)
    before = Assistant.load(private)
    want = keyword_ids(before, "التعاون الأمني مع قطر")
    generation = live(private)
    folder = keywords.folder(private, generation)
    if damage == "missing":
        import shutil

        shutil.rmtree(folder)
    elif damage == "truncated":
        data = folder / "data.npy"
        data.write_bytes(data.read_bytes()[:100])
    elif damage == "garbage-terms":
        (folder / keywords.TERMS_FILE).write_text("{}", encoding="utf-8")
    else:
        (folder / "article_terms.json").write_text('{"ids": [], "terms": []}', encoding="utf-8")
    # the knowledge folder has moved on: a rebuild must come from the generation's Chroma documents
    add_word(private.knowledge_dir, "كلمةلاتوجد")
    monkeypatch.setattr("assistant.assistant.build_documents", lambda *_: pytest.fail("rebuilt from knowledge"))

    with caplog.at_level(logging.WARNING, logger="assistant.index.keywords"):
        bot = Assistant.load(private)
    assert "rebuilding it from the generation's Chroma documents" in caplog.text
    assert keyword_ids(bot, "التعاون الأمني مع قطر") == want
    assert keyword_ids(bot, WORD) == [PAWN] and keyword_ids(bot, "كلمةلاتوجد") == []
    assert bot.ask("ماذا قال المقال عن كأس العالم 2030؟").answerable
    assert keywords.read(private, generation).index.n == bot._pipeline.retriever.bm25.index.n  # type: ignore[union-attr]


def test_the_stored_vocabulary_is_the_one_counted_from_the_documents(private: Settings) -> None:
    from assistant.answer.vocabulary import vocabulary_terms
    from assistant.index.documents import build_documents

    bot = Assistant.load(private)
    kb = load_knowledge(private.knowledge_dir)
    stored = keywords.read(private, live(private)).terms
    assert stored == vocabulary_terms(kb, build_documents(kb))
    assert bot._pipeline is not None and bot._pipeline.vocab.n == stored.n


def test_the_stored_article_terms_are_each_articles_analysed_text(private: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Stored at ingest, so that answering looks an article's stems up instead of analysing its whole text."""
    from assistant.answer.vocabulary import ArticleTerms
    from assistant.text import analyze

    Assistant.load(private)
    kb = load_knowledge(private.knowledge_dir)
    stored = keywords.read(private, live(private)).articles
    assert stored is not None and stored.ids == [a.meta.id for a in kb.articles]
    for a in kb.articles:
        assert stored.get(a.meta.id) == set(analyze(a.meta.title + "\n" + a.body))
    assert stored.get("no-such-article") is None
    two = [set(analyze("زار الوفد الرباط")), set()]  # an article with no words has an empty set
    built = ArticleTerms.build(["a", "b"], two)
    assert built.get("a") == two[0] and built.get("b") == set()

    import assistant.answer.articles as articles

    seen: list[str] = []
    real = articles.analyze
    monkeypatch.setattr(articles, "analyze", lambda text, *a: seen.append(text) or real(text, *a))
    bot = Assistant.load(private)
    assert bot.ask("ماذا قال المقال عن كأس العالم 2030؟").answerable
    assert bot.ask("ما هي عاصمة اليابان؟").answerable is False
    whole = {a.meta.title + "\n" + a.body for a in kb.articles}
    assert seen and not whole & set(seen)  # sentences and questions analysed, never a whole article


def test_an_older_keyword_folder_without_article_terms_still_serves(private: Settings) -> None:
    Assistant.load(private)
    for name in ("article_terms.npz", "article_terms.json"):
        (keywords.folder(private, live(private)) / name).unlink()
    assert keywords.read(private, live(private)).articles is None
    assert Assistant.load(private).ask("ماذا قال المقال عن كأس العالم 2030؟").answerable


def test_the_stored_index_reads_each_document_as_search_text_says() -> None:
    """Ingest analyses each context once and puts it before the text's stems; that must index what
    ``KeywordIndex.build`` indexes when it analyses ``search_text`` whole (no model needed)."""
    import numpy as np

    from assistant.index.documents import build_documents
    from assistant.retrieve.keyword import KeywordIndex
    from assistant.text import analyze
    from tests.conftest import KNOWLEDGE

    kb = load_knowledge(KNOWLEDGE)
    docs = build_documents(kb)
    stored, direct = keywords.build(kb, docs).index, KeywordIndex.build(docs)
    assert stored.vocab == direct.vocab
    for question in ("الرادار الديبلوماسي لحموشي", "لقاءات عبد اللطيف حموشي في الدوحة", "كأس العالم 2030"):
        a, b = stored.scores(analyze(question)), direct.scores(analyze(question))
        assert a is not None and b is not None and np.allclose(a, b)
