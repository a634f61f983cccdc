"""Putting back a space lost after a letter that never joins the next one."""

from __future__ import annotations

from assistant.understand.respace import respace, split_point

OPENS = {"ما", "ماذا", "عاشر"}.__contains__
FOLLOWS = {"يحدث", "سليمان", "الاسم", "قيل", "وسط", "ودية"}.__contains__


def test_two_words_run_together_are_split_after_the_non_joining_letter() -> None:
    assert respace("ماذايحدث اثناء فترات الاكتئاب؟", OPENS, FOLLOWS) == "ماذا يحدث اثناء فترات الاكتئاب؟"
    assert respace("كم سلطاناً عاشرسليمان خان؟", OPENS, FOLLOWS) == "كم سلطاناً عاشر سليمان خان؟"
    assert respace("ماقيل في الشافعي؟", OPENS, FOLLOWS) == "ما قيل في الشافعي؟"


def test_the_written_form_is_kept_around_the_new_space() -> None:
    assert respace("مَاذَايحدث؟", OPENS, FOLLOWS) == "مَاذَا يحدث؟"


def test_the_first_place_wins_so_the_next_words_article_stays_whole() -> None:
    lenient = {"ما", "ماا"}.__contains__
    assert respace("ماالاسم؟", lenient, {"الاسم", "لاسم"}.__contains__) == "ما الاسم؟"


def test_known_words_unknown_halves_and_joining_letters_are_left_alone() -> None:
    assert respace("ماذا يحدث", OPENS, FOLLOWS) == "ماذا يحدث"
    assert split_point("يحدث", OPENS, FOLLOWS) is None  # too short, and known
    assert split_point("سليمانخان", OPENS, FOLLOWS) is None  # «ن» joins the next letter: no hidden space
    assert split_point("ماذاكتب", OPENS, FOLLOWS) is None  # «كتب» is not a word this base knows
    # «الأوسط» of an article the base lacks: «الا» (إلا) opens nothing, so it is not «الأ وسط»
    assert split_point("الاوسط", OPENS, FOLLOWS) is None
    assert split_point("الدودية", OPENS, FOLLOWS) is None
