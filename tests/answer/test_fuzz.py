"""Property-based: whatever a reader or a script sends, the answer is an Answer that serialises to JSON, or
the documented ``InputError`` — never another exception (issue 8, finding 2).

CI runs 200 cases per property; ``ASSISTANT_FUZZ_EXAMPLES=10000`` is the bench mode.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer.guard import clean_history, clean_question
from assistant.errors import InputError

EXAMPLES = int(os.environ.get("ASSISTANT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

WORDS = ["متى", "زار", "حموشي", "قطر", "الرباط", "كم", "لقاء", "شتنبر", "المقال", "محاور", "Who", "Berlin", "؟", "و"]
# the records' own operators, whose combinations have failed before (a denial with an anchor inside it)
WORDS += ["لم", "بعد", "قبل", "ما", "مزارهاش", "أكثر من", "أم", "باستثناء", "أطول", "صح", "not", "after", "than"]
ODD = ["\udcff", "\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff", "\x00", "\x1b", "\u200f", "\u202e", "\u0651"]
ODD += ["\ufeff", "🙂", "\r\n", "\t", "ـ", "<script>", "'; DROP TABLE", "{{", "%s", "\\u0000"]

pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=8))
questions = st.one_of(
    st.lists(pieces, max_size=12).map(" ".join),
    st.text(max_size=50),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=5),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=3), max_size=2),
)
roles = st.one_of(st.sampled_from(["user", "assistant", "system"]), st.text(max_size=5), st.lists(st.text()), st.none())
roles |= st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
contents = st.one_of(questions, st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))
messages = st.one_of(st.fixed_dictionaries({"role": roles, "content": contents}), st.text(max_size=5), st.integers())
turns = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": st.lists(pieces, max_size=12).map(" ".join)}
)
histories = st.one_of(
    st.none(),
    st.lists(turns, max_size=6),  # well-formed conversations with odd text: most of these are answered
    st.lists(messages, max_size=8),
    st.text(max_size=10),
    st.integers(),
    st.dictionaries(st.text(), st.text()),
)


def _valid_text(text: str) -> bool:
    text.encode("utf-8")  # raises on a lone surrogate
    return not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text)


@FUZZ
@given(questions)
def test_clean_question_returns_valid_text_or_input_error(question: Any) -> None:
    try:
        text = clean_question(question, 2000)
    except InputError as exc:
        assert exc.message_ar and exc.message_en
        return
    assert text and len(text) <= 2000 and _valid_text(text)


@FUZZ
@given(histories)
def test_clean_history_returns_valid_turns_or_input_error(history: Any) -> None:
    try:
        turns = clean_history(history, max_turns=4, max_turn_chars=50, max_total_chars=120)
    except InputError as exc:
        assert exc.message_ar and exc.message_en
        return
    assert len(turns) <= 4 and sum(map(len, turns)) <= 120
    assert all(isinstance(t, str) and t and _valid_text(t) for t in turns)


@FUZZ
@given(questions, histories)
def test_assistant_answers_or_says_input_error(assistant, question: Any, history: Any) -> None:  # type: ignore[no-untyped-def]
    try:
        answer = assistant.ask(question, history)
    except InputError:
        return
    data = json.loads(answer.to_json())  # every answer serialises (the issue found 209 that did not)
    assert isinstance(data["text"], str) and data["text"]
    data["question"].encode("utf-8")
