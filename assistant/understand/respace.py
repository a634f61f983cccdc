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


def split_point(word: str, known: Callable[[str], bool]) -> int | None:
    """Where ``word`` (normalised) splits into two known words after a non-joining letter; the most even
    split when several do, None when none does."""
    if len(word) < MIN_LETTERS or not word.isalpha() or word.isascii() or known(word):
        return None
    cuts = [k for k in range(2, len(word) - 1) if word[k - 1] in NON_JOINING and known(word[:k]) and known(word[k:])]
    return max(cuts, key=lambda k: min(k, len(word) - k), default=None)


def respace(text: str, known: Callable[[str], bool]) -> str:
    """``text`` with a space put back into each run of two words that lost it (see the module docstring)."""
    out, last = [], 0
    for key, start, end in tokens_with_spans(text):
        k = split_point(key, known)
        if k is None:
            continue
        at = start  # the original character after which the first k normalised letters end
        while at < end and len(normalize(text[start:at])) < k:
            at += 1
        out += [text[last:at], " "]
        last = at
    return "".join(out) + text[last:] if out else text
