"""Input checks and refusals: bad input is rejected with a clear message and changes nothing."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from assistant.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates (from undecodable bytes, e.g. argv's "\udcff") cannot be encoded as UTF-8 or tokenised,
# and Unicode noncharacters are never text: both become a space, like control characters.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
ROLES = frozenset({"user", "assistant", "system"})


def clean_text(text: str) -> str:
    """Control characters, lone surrogates and noncharacters to spaces, then NFC: always valid UTF-8."""
    text = _UNENCODABLE.sub(" ", _CONTROL.sub(" ", text))
    if any(ord(ch) > 0xFFFF and (ord(ch) & 0xFFFE) == 0xFFFE for ch in text):  # U+1FFFE, U+10FFFF, …
        text = "".join(" " if ord(ch) > 0xFFFF and (ord(ch) & 0xFFFE) == 0xFFFE else ch for ch in text)
    return unicodedata.normalize("NFC", text)


def clean_question(question: Any, max_chars: int) -> str:
    if not isinstance(question, str):
        raise InputError("السؤال يجب أن يكون نصاً.", "the question must be text.")
    if len(question) > 4 * max_chars:  # far too long: say so before cleaning megabytes
        raise _too_long(len(question), max_chars)
    text = clean_text(question).strip()
    if not text:
        raise InputError("السؤال فارغ. اكتب سؤالاً عن قاعدة المعرفة.", "the question is empty.")
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise InputError("لم أجد في السؤال كلمات أفهمها.", "the question contains no words.")
    return text


def _too_long(length: int, max_chars: int) -> InputError:
    return InputError(
        f"السؤال طويل جداً ({length} حرفاً؛ الحد الأقصى {max_chars}). اختصره من فضلك.",
        f"the question is too long ({length} characters; the limit is {max_chars}).",
    )


def _bad_history(detail: str) -> InputError:
    return InputError("سجل المحادثة غير صالح.", detail)


def clean_history(
    history: Any, max_turns: int = 12, max_turn_chars: int = 2000, max_total_chars: int = 8000
) -> list[str]:
    """The user's previous turns, oldest first; assistant turns are not needed to resolve follow-ups.

    Work is bounded whatever the caller sends: only the newest ``4 * max_turns`` messages are looked at,
    each user turn is cut to its first ``max_turn_chars`` characters, and turns are kept newest first until
    ``max_total_chars``; older turns are dropped, never an error. Malformed messages within that window
    (not a mapping, a role that is not one of user/assistant/system) are an ``InputError``.
    """
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise _bad_history("history must be a list of {role, content} messages.")
    turns: list[str] = []
    total = 0
    for message in reversed(history[-4 * max_turns :] if max_turns else []):
        if not isinstance(message, dict):
            raise _bad_history("each history item must be {role, content}.")
        role = message.get("role")
        if not isinstance(role, str) or role not in ROLES:
            raise _bad_history("each history item's role must be 'user', 'assistant' or 'system'.")
        content = message.get("content")
        if role != "user" or not isinstance(content, str):
            continue
        text = clean_text(content[: 2 * max_turn_chars]).strip()[:max_turn_chars].strip()
        if not text:
            continue
        if total + len(text) > max_total_chars or len(turns) >= max_turns:
            break
        turns.append(text)
        total += len(text)
    return turns[::-1]


REFUSAL = "لا تتضمن قاعدة المعرفة إجابة عن هذا السؤال."
INJECTION = "لا أنفّذ تعليمات موجّهة إليّ؛ أجيب فقط عن أسئلة حول ما تتضمنه قاعدة المعرفة."
GREETING = "أهلاً بك! أجيب عن أسئلة حول ما تتضمنه قاعدة المعرفة، مع ذكر المصادر."
