"""Missing spaces in a question: «ماذايحدث» for «ماذا يحدث», «عاشرسليمان» for «عاشر سليمان».

Arabic script hides a missing space after a letter that never joins the next one (ا د ذ ر ز و, and ة ى
that only end words): the run looks like two words on screen, so readers type it and never see it. A
question word the knowledge base does not know is split there when both halves are words it knows (or
question words), which is what a reader meant; a word the base knows is never touched.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.text import normalize, tokens_with_spans

NON_JOINING = frozenset("ادذرزوةى")
MIN_LETTERS = 5  # shorter runs split into fragments that happen to be words too often


def split_point(word: str, opens: Callable[[str], bool], follows: Callable[[str], bool]) -> int | None:
    """Where ``word`` (normalised) splits after a non-joining letter into a word that ``opens`` a run (a
    question word, or a word the base writes so) and a word of 3+ letters that ``follows`` (one the base
    knows); the first such place when several are («ماالاسم» is «ما الاسم», not «ماا لاسم»: the next word's
    «ال» starts with a non-joining letter too), None when none is («ابواب» is not «ابو اب»)."""
    if len(word) < MIN_LETTERS or not word.isalpha() or word.isascii():
        return None
    places = [k for k in range(2, len(word) - 2) if word[k - 1] in NON_JOINING]  # cheap: letters only
    if not places or follows(word):  # the vocabulary is asked only about words that could split
        return None
    return next((k for k in places if opens(word[:k]) and follows(word[k:])), None)


def respace(text: str, opens: Callable[[str], bool], follows: Callable[[str], bool]) -> str:
    """``text`` with a space put back into each run of two words that lost it (see the module docstring)."""
    out, last = [], 0
    for key, start, end in tokens_with_spans(text):
        k = split_point(key, opens, follows)
        if k is None:
            continue
        at = start  # the original character after which the first k normalised letters end
        while at < end and len(normalize(text[start:at])) < k:
            at += 1
        out += [text[last:at], " "]
        last = at
    return "".join(out) + text[last:] if out else text
