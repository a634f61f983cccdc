"""A message that asks several questions («متى زار حموشي قطر؟ ومن التقى هناك؟», «متى زار مدريد وأين التقى رئيس
الإنتربول؟», "Who did he meet in Agadir, and what did they sign?") is answered one question at a time, each
later one read as a follow-up of those before it, so no part goes unanswered and no part's names narrow
another's.

A message splits after each question mark, and inside a sentence before a joined question word
(``question_joins``: «ومتى», «وأين», "and where"), where what comes before it is itself a question that
says something («أين ومتى التقيا؟» stays one); «ومن» joins a question only before an event word. A piece
that asks nothing («عندي سؤال عن قطر؟») is read with the question after it."""

from __future__ import annotations

import re

from assistant.text import analyze, normalize, tokenize
from assistant.understand.lexicon import Lexicon, blank
from assistant.understand.question import next_word, tagged

QUESTION_MARKS = re.compile(r"[؟?]+")
MIN_SAYS = 2  # content words (besides the cue) a question before a joined question word must say


def split_questions(text: str, lex: Lexicon, limit: int) -> list[str]:
    """The questions ``text`` asks, in order, at most ``limit`` (the rest is read with the last one)."""
    pieces = [p for s in _sentences(text) for p in _joined(s, lex)]
    questions: list[str] = []
    pending = ""  # pieces that ask nothing, read with the next question
    for piece in pieces:
        if not asks(piece, lex):
            pending = f"{pending} {piece}".strip()
            continue
        questions.append(f"{pending} {piece}".strip())
        pending = ""
    if pending:
        if not questions:
            return [text.strip()]
        questions[-1] = f"{questions[-1]} {pending}"
    if limit >= 1 and len(questions) > limit:
        questions = [*questions[: limit - 1], " ".join(questions[limit - 1 :])]
    return questions or [text.strip()]


def asks(piece: str, lex: Lexicon) -> bool:
    """The piece has a question word, opens with a yes/no word or «من», or ends with a yes/no tag («…، صح؟»)."""
    if lex.intent_cues.find(piece):
        return True
    tokens = tokenize(piece)
    if not tokens:
        return False
    # «هل…», «واش…», and «من» first («ومن التقى هناك؟»), where it asks who rather than «from»
    openers = {w for w in [*lex.words.intents.get("yesno", []), *lex.words.who_first_word] if " " not in w}
    opener = tokens[0][1:] if tokens[0][:1] in {"و", "ف"} and len(tokens[0]) > 2 else tokens[0]
    if tokens[0] in openers or opener in openers:
        return True
    if piece.rstrip().endswith(("؟", "?")) and opener in set(lex.words.yesno_pronouns):  # «هو زار قطر؟»
        return True
    return tagged(tokens, lex)


def _sentences(text: str) -> list[str]:
    """The text cut after each run of question marks; pieces without a letter are dropped."""
    out: list[str] = []
    start = 0
    for m in QUESTION_MARKS.finditer(text):
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if any(c.isalpha() for c in s)]


def _joined(sentence: str, lex: Lexicon) -> list[str]:
    """A sentence cut before each joined question word whose left side is a question that says something;
    the left side gets the question mark the sentence ends with."""
    mark = "?" if sentence.rstrip().endswith("?") else "؟"
    out: list[str] = []
    start = 0
    whom = {normalize("و" + w) for w in lex.words.who_first_word}
    for m in lex.question_joins.find(sentence):
        left = sentence[start : m.start].strip().rstrip("،,;؛ ")
        if m.start <= start or not asks(left, lex) or _says(left, lex) < MIN_SAYS:
            continue
        if normalize(m.phrase) in whom and next_word(sentence, m.end) not in lex.event_keys:
            continue  # «ومن التقى هناك؟» asks who; «ومن ثم», «ومن الدوحة» are «and then», «and from»
        out.append(left if left.endswith(("؟", "?")) else left + mark)
        start = m.start
    out.append(sentence[start:].strip())
    return out


def _says(piece: str, lex: Lexicon) -> int:
    """How many content words the piece has besides its question words."""
    return len(analyze(blank(piece, lex.intent_cues.find(piece))))
