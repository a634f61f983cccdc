"""Input checks and refusals: bad input is rejected with a clear message and changes nothing."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from assistant.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_question(question: Any, max_chars: int) -> str:
    if not isinstance(question, str):
        raise InputError("السؤال يجب أن يكون نصاً.", "the question must be text.")
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", question)).strip()
    if not text:
        raise InputError("السؤال فارغ. اكتب سؤالاً عن قاعدة المعرفة.", "the question is empty.")
    if len(text) > max_chars:
        raise InputError(
            f"السؤال طويل جداً ({len(text)} حرفاً؛ الحد الأقصى {max_chars}). اختصره من فضلك.",
            f"the question is too long ({len(text)} characters; the limit is {max_chars}).",
        )
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise InputError("لم أجد في السؤال كلمات أفهمها.", "the question contains no words.")
    return text


def clean_history(history: Any) -> list[str]:
    """The user's previous turns, oldest first; assistant turns are not needed to resolve follow-ups."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise InputError("سجل المحادثة غير صالح.", "history must be a list of {role, content} messages.")
    turns = []
    for message in history:
        if not isinstance(message, dict) or message.get("role") not in {"user", "assistant", "system"}:
            raise InputError("سجل المحادثة غير صالح.", "each history item must be {role, content}.")
        content = message.get("content")
        if message["role"] == "user" and isinstance(content, str) and content.strip():
            turns.append(_CONTROL.sub(" ", content).strip())
    return turns


REFUSAL = "لا تتضمن قاعدة المعرفة إجابة عن هذا السؤال."
INJECTION = "لا أنفّذ تعليمات موجّهة إليّ؛ أجيب فقط عن أسئلة حول ما تتضمنه قاعدة المعرفة."
GREETING = "أهلاً بك! أجيب عن أسئلة حول ما تتضمنه قاعدة المعرفة، مع ذكر المصادر."
