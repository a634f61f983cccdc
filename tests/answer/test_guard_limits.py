"""Input bounds and odd Unicode: the guard decides before any work is done (issue 8, findings 1 and 2)."""

from __future__ import annotations

import json

import pytest

from assistant.answer.guard import clean_history, clean_question, clean_text
from assistant.errors import InputError


def test_lone_surrogates_and_noncharacters_become_spaces() -> None:
    text = clean_question("متى زار حموشي قطر؟ \udcff\ud800\ufffe\U0010ffff", 2000)
    text.encode("utf-8")  # raises on a lone surrogate
    assert text == "متى زار حموشي قطر؟"
    assert clean_text("a\udcffb") == "a b"


def test_a_question_of_surrogates_only_is_empty() -> None:
    with pytest.raises(InputError):
        clean_question("\udcff\udcfe", 2000)


@pytest.mark.parametrize("role", [["user"], {"a": 1}, 3, None, "robot"])
def test_a_role_that_is_not_a_known_string_is_an_input_error(role: object) -> None:
    with pytest.raises(InputError) as info:
        clean_history([{"role": role, "content": "متى؟"}])
    assert info.value.message_ar and "role" in info.value.message_en


def test_history_is_cut_to_the_limits_oldest_dropped() -> None:
    history = [{"role": "user", "content": f"سؤال {i}"} for i in range(50)]
    assert clean_history(history, max_turns=3) == ["سؤال 47", "سؤال 48", "سؤال 49"]
    long = [{"role": "user", "content": "ب" * 5000}]
    assert clean_history(long, max_turn_chars=100) == ["ب" * 100]
    many = [{"role": "user", "content": "ج" * 90} for _ in range(10)]
    assert len(clean_history(many, max_turns=10, max_turn_chars=100, max_total_chars=300)) == 3


def test_history_surrogates_are_cleaned() -> None:
    assert clean_history([{"role": "user", "content": "قطر\udcff"}]) == ["قطر"]


def test_a_megabyte_history_is_bounded_not_scanned() -> None:
    """Malformed items older than the window are never looked at: the work does not grow with the input."""
    recent = [{"role": "assistant", "content": "."}] * 60 + [{"role": "user", "content": "ما " * 500_000}]
    history: list[object] = ["not a message"] * 100_000 + recent
    turns = clean_history(history, max_turns=12, max_turn_chars=2000, max_total_chars=8000)
    assert len(turns) == 1 and len(turns[0]) <= 2000


def test_answers_to_cleaned_input_serialise(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("ما هي محاور التعاون حسب المقال؟ \udcff", [{"role": "user", "content": "x\udcff"}])
    json.loads(answer.to_json())
    assert "\udcff" not in answer.question


def test_huge_history_through_the_assistant_is_truncated(assistant) -> None:  # type: ignore[no-untyped-def]
    """4.7 MB of history (the issue's request): answered, from at most max_history_chars of it."""
    turn = {"role": "user", "content": "متى زار حموشي قطر؟ " * 25_000}
    history = [turn, {"role": "assistant", "content": "x" * 400_000}] * 5
    assert len(json.dumps(history, ensure_ascii=False).encode()) > 4_500_000
    answer = assistant.ask("وماذا عن السعودية؟", history)
    assert answer.route != "invalid"


def test_an_answer_past_the_time_out_is_abandoned_with_a_clear_error() -> None:
    import threading

    from assistant.assistant import _within
    from assistant.errors import RequestTimeoutError

    release = threading.Event()
    with pytest.raises(RequestTimeoutError) as info:
        _within(0.05, lambda: release.wait(30))
    release.set()
    assert "0.05" in info.value.message_en and info.value.message_ar
    assert _within(5, lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):  # the work's own error reaches the caller unchanged
        _within(5, lambda: 1 / 0)
