"""The dialects' negation of a verb, written as Modern Standard Arabic writes it («لم» and the verb), so that one
list of negation words (``negation_words``) reads them all:

- «ما…ش» around the verb, apart or joined (Maghrebi, Egyptian): «ما سافرش» → «لم سافر», «مزارهاش» → «لم زارها»;
- «ما» before an event verb in a question's middle (Levantine, Gulf): «بس ما زار إيطاليا» → «بس لم زار إيطاليا»;
  not after a word that «ما» joins a clause to («من بعد ما زار معرض أنقرة»: after he visited it).

A word is rewritten only where what is left of it is a word the base knows (or an event word): «جيش», «نقاش»
and «معاش» keep their «ش», and «ما» opening a question («ما زيارة…؟») still asks «what».
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from assistant.text import tokens_with_spans

NEGATOR = "لم"
PARTICLES = frozenset({"ما", "م"})
MIN_VERB = 3  # letters left once «ما» and «ش» are taken off: shorter is a particle, not a verb


def _verb(word: str, known: Callable[[str], bool]) -> str | None:
    """The verb inside a word of the form «(ما|م)…ش» («مزارهاش» → «زارها»), None when it is no such word."""
    if len(word) < MIN_VERB + 2 or not word.endswith("ش"):
        return None
    for prefix in ("ما", "م"):
        inner = word[len(prefix) : -1]
        if word.startswith(prefix) and len(inner) >= MIN_VERB and known(inner):
            return inner
    return None


def standard_negation(
    text: str, known: Callable[[str], bool], is_event: Callable[[str], bool], joiners: Collection[str] = ()
) -> str:
    """``text`` with each dialect negation of a verb written «لم» + the verb (see the module docstring).
    ``known``: a word the base knows; ``is_event``: one of its collections' event words; ``joiners``: words
    after which «ما» joins a clause instead («بعد ما زار»: after he visited; ``ma_joiners``, normalised)."""
    tokens = tokens_with_spans(text)
    edits: list[tuple[int, int, str]] = []
    for i, (key, start, end) in enumerate(tokens):
        before = tokens[i - 1] if i else None
        if before is not None and before[0] in PARTICLES and key.endswith("ش") and known(key[:-1]):
            edits.append((before[1], end, f"{NEGATOR} {key[:-1]}"))  # «ما سافرش»
            continue
        verb = _verb(key, known)
        if verb is not None:
            edits.append((start, end, f"{NEGATOR} {verb}"))  # «مزارهاش»
        elif key == "ما" and 0 < i < len(tokens) - 1 and is_event(tokens[i + 1][0]) and tokens[i - 1][0] not in joiners:
            edits.append((start, end, NEGATOR))  # «بس ما زار»
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text
