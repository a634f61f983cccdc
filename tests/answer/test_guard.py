from __future__ import annotations

import pytest

from assistant.answer.guard import clean_history, clean_question
from assistant.errors import InputError


@pytest.mark.parametrize("bad", ["", "  \n\t ", "\x00\x01", "؟!…", "🙂🙂", None, 42, "ب" * 2001])
def test_unusable_questions_are_rejected_in_both_languages(bad: object) -> None:
    with pytest.raises(InputError) as info:
        clean_question(bad, 2000)
    assert info.value.message_ar and info.value.message_en


def test_control_characters_are_dropped_and_text_kept() -> None:
    assert clean_question("متى\x00 زار\u200f قطر؟", 2000) == "متى  زار\u200f قطر؟"


def test_history_keeps_user_turns_and_rejects_garbage() -> None:
    turns = clean_history([{"role": "user", "content": "أ"}, {"role": "assistant", "content": "ب"}])
    assert turns == ["أ"]
    with pytest.raises(InputError):
        clean_history([{"who": "me"}])
    with pytest.raises(InputError):
        clean_history("not a list")
