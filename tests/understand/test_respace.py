"""Putting back a space lost after a letter that never joins the next one."""

from __future__ import annotations

from assistant.understand.respace import respace, split_point

KNOWN = {"ماذا", "يحدث", "عاشر", "سليمان", "ما", "الاسم", "الدار", "البيضاء", "دار"}


def known(word: str) -> bool:
    return word in KNOWN


def test_two_known_words_run_together_are_split_after_the_non_joining_letter() -> None:
    assert respace("ماذايحدث اثناء فترات الاكتئاب؟", known) == "ماذا يحدث اثناء فترات الاكتئاب؟"
    assert respace("كم سلطاناً عاشرسليمان خان؟", known) == "كم سلطاناً عاشر سليمان خان؟"
    assert respace("ماالاسم؟", known) == "ما الاسم؟"


def test_the_written_form_is_kept_around_the_new_space() -> None:
    assert respace("مَاذَايحدث؟", known) == "مَاذَا يحدث؟"


def test_known_words_unknown_halves_and_joining_letters_are_left_alone() -> None:
    assert respace("ماذا يحدث", known) == "ماذا يحدث"
    assert split_point("الدار", known) is None  # a word the base knows is never split
    assert split_point("سليمانخان", known) is None  # «ن» joins the next letter: no hidden space there
    assert split_point("ماذاكتب", known) is None  # «كتب» is not a word this base knows
    assert split_point("دارو", known) is None  # too short to split safely
