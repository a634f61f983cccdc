"""Example questions and titles come from the knowledge files, for any base."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.examples import GENERIC_TITLE, examples, title
from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from tests.answer.conftest import TWO_SUBJECTS


def test_shipped_base_uses_its_own_examples_and_title() -> None:
    kb = load_knowledge(REPO_ROOT / "knowledge")
    shown = examples(kb)
    assert shown[0] == kb.collections[0].examples[0]
    assert kb.articles[0].meta.examples[0] in shown
    assert title(kb) == kb.collections[0].title_ar


def test_two_subjects_show_both_and_agree_in_gender() -> None:
    kb = load_knowledge(TWO_SUBJECTS)
    shown = examples(kb, limit=8)
    assert any("حموشي" in q for q in shown) and any("الإدريسي" in q for q in shown)
    assert not any("زار سلمى" in q or "عقد سلمى" in q for q in shown)  # «زارت», «عقدت»
    assert title(kb) == GENERIC_TITLE


def test_an_articles_only_base_gets_questions_from_its_titles(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    (root / "articles").mkdir(parents=True)
    (root / "reference").symlink_to(REPO_ROOT / "knowledge" / "reference")
    (root / "articles" / "nile.md").write_text(
        "---\nid: nile\ntitle: نهر النيل\npublisher: Wikipedia\nurl: https://ar.wikipedia.org/wiki/nile\n"
        "published: 2024-01-01\nlanguage: ar\n---\n\nنهر النيل أطول أنهار العالم.\n",
        encoding="utf-8",
    )
    kb = load_knowledge(root)
    assert examples(kb) == ["ما هو نهر النيل؟"]
    assert title(kb) == "نهر النيل"
