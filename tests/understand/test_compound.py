"""Several questions in one message, split into the questions it asks (``understand.compound``)."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.understand.compound import split_questions
from assistant.understand.lexicon import Lexicon, load_question_words
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_knowledge(KNOWLEDGE), load_question_words(KNOWLEDGE))


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        ("متى زار حموشي قطر؟ ومن التقى هناك؟", ["متى زار حموشي قطر؟", "ومن التقى هناك؟"]),
        ("كم دولة زار حموشي؟ وما هي دول الخليج منها؟", ["كم دولة زار حموشي؟", "وما هي دول الخليج منها؟"]),
        # inside one sentence, before a joined question word; the first part gets the sentence's mark
        ("متى زار حموشي مدريد وأين التقى رئيس الإنتربول؟", ["متى زار حموشي مدريد؟", "وأين التقى رئيس الإنتربول؟"]),
        ("What did Hammouchi sign in Agadir, and with whom?", ["What did Hammouchi sign in Agadir?", "and with whom?"]),
        # «ومن» joins a question only before an event word: «ومن التقى», not «ومن ثم»
        (
            "ما المعرض الذي زاره حموشي في تركيا ومن التقى هناك؟",
            ["ما المعرض الذي زاره حموشي في تركيا؟", "ومن التقى هناك؟"],
        ),
        ("هو حموشي زار قطر؟ وقابل مين هناك؟", ["هو حموشي زار قطر؟", "وقابل مين هناك؟"]),
    ],
)
def test_a_message_is_split_into_the_questions_it_asks(lex: Lexicon, message: str, questions: list[str]) -> None:
    assert split_questions(message, lex, 4) == questions


@pytest.mark.parametrize(
    "message",
    [
        "متى زار حموشي قطر؟",
        "أين ومتى التقى حموشي الريسي؟",  # nothing said before «ومتى»: one question of two words
        "هل زار حموشي قطر ومن ثم الإمارات؟",  # «ومن ثم»: «and then»
        "By whom, and how, was the president chosen?",
        "ما الدول التي زارها حموشي وما إلى ذلك؟",  # «وما» joins nothing
    ],
)
def test_one_question_stays_whole(lex: Lexicon, message: str) -> None:
    assert split_questions(message, lex, 4) == [message]


def test_a_piece_that_asks_nothing_is_read_with_the_next_question(lex: Lexicon) -> None:
    assert split_questions("عندي سؤال عن قطر؟ متى زارها حموشي؟", lex, 4) == ["عندي سؤال عن قطر؟ متى زارها حموشي؟"]
    assert split_questions("متى زار حموشي قطر؟ شكرا", lex, 4) == ["متى زار حموشي قطر؟ شكرا"]


def test_beyond_the_limit_the_rest_is_read_with_the_last_question(lex: Lexicon) -> None:
    message = "متى زار قطر؟ ومتى زار تركيا؟ ومتى زار فرنسا؟"
    assert split_questions(message, lex, 2) == ["متى زار قطر؟", "ومتى زار تركيا؟ ومتى زار فرنسا؟"]
    assert split_questions(message, lex, 1) == [message]
