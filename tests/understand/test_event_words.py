"""A collection that lists no event words of its own reads questions with the default meeting vocabulary
(``default_event_words`` in questions.yaml); one that lists its own keeps them alone."""

from __future__ import annotations

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from assistant.understand.lexicon import Lexicon, load_question_words
from assistant.understand.question import parse

THIRD = REPO_ROOT / "evals" / "kbs" / "third-subject"  # its collection has no event_words


def test_a_collection_without_event_words_gets_the_default_vocabulary() -> None:
    kb = load_knowledge(THIRD)
    assert not kb.collections[0].event_words
    words = load_question_words(THIRD)
    lex = Lexicon(kb, words)
    assert set(words.default_event_words) <= set(lex.event_words) and "لقاءات" in lex.event_words
    assert "meeting" in parse("ما هي اللقاءات التي تناولت التراث الثقافي؟", lex).flags


def test_a_collection_with_its_own_event_words_keeps_them() -> None:
    root = REPO_ROOT / "knowledge"
    kb = load_knowledge(root)
    lex = Lexicon(kb, load_question_words(root))
    assert lex.event_words == list(dict.fromkeys(w for c in kb.collections for w in c.event_words))
