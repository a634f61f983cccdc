"""The reference vocabularies do not collide: a word that asks a question («كيف», how) names no topic («كيف»,
kif), or every «كيف وُصف…؟» would be read as a question about drug trafficking."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from assistant.text import normalize
from assistant.understand.lexicon import load_question_words

BASES = [REPO_ROOT / "knowledge", *(p for p in (REPO_ROOT / "evals" / "kbs").iterdir() if p.is_dir())]


def _words(value: Any) -> set[str]:
    if isinstance(value, str):
        return {normalize(value)}
    if isinstance(value, dict):
        return set().union(*map(_words, value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*map(_words, value)) if value else set()
    return set()


@pytest.mark.parametrize("base", BASES, ids=lambda p: p.name)
def test_no_topic_is_named_by_a_question_word(base: Any) -> None:
    questions = _words(load_question_words(base).intents)
    topics = load_knowledge(base).reference.topics
    clashes = {t.id: w for t in topics for w in (t.ar, t.en, *t.synonyms) if normalize(w) in questions}
    assert not clashes
