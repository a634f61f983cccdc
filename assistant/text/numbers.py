"""The numbers a text states, as values: digits in any script and Arabic number words.

A generated «ثلاثة عشر لقاءً» and the evidence's «13 لقاءً» must compare equal, so both sides are read
into the same set of values. The words come from ``knowledge/reference/numbers.yaml`` (data, not code);
digits are already folded to ASCII by normalisation (٣ → 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from assistant.text.normalize import normalize
from assistant.text.tokenize import KNOWLEDGE_DIR, strip_clitics, tokenize

NUMBERS_FILE = Path("reference") / "numbers.yaml"


@dataclass(frozen=True)
class NumberWords:
    """Normalised number word → (value, role); role is unit, ten, tens, hundreds or scale."""

    words: dict[str, tuple[int, str]]

    @classmethod
    def load(cls, knowledge_dir: Path) -> NumberWords:
        path = knowledge_dir / NUMBERS_FILE
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        words: dict[str, tuple[int, str]] = {}
        for w in data.get("ten", []):
            words[normalize(w)] = (10, "ten")
        for key, role in (("units", "unit"), ("tens", "tens"), ("hundreds", "hundreds"), ("scales", "scale")):
            for value, names in (data.get(key) or {}).items():
                for w in names:
                    words.setdefault(normalize(w), (int(value), role))
        return cls(words)

    @classmethod
    def of_base(cls, root: Path) -> NumberWords:
        """A base's own number words, or the shipped ones when it has none."""
        own = cls.load(root)
        return own if own.words else cls.load(KNOWLEDGE_DIR)

    def lookup(self, token: str) -> tuple[int, str] | None:
        """The token itself, or with its proclitics removed («وعشرون», «بثلاثة», «الخمسة»)."""
        for form in strip_clitics(token):
            if form in self.words:
                return self.words[form]
        return None


def _number(token: str) -> str | None:
    try:
        value = Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())


def numbers_in(text: str, words: NumberWords) -> set[str]:
    """Every number the text states, as a canonical string («03» → «3», «1,000» → «1000»)."""
    found: set[str] = set()
    current: int | None = None
    last_role = ""

    def flush() -> None:
        nonlocal current, last_role
        if current is not None:
            found.add(str(current))
        current, last_role = None, ""

    for token in tokenize(text):
        if token[0].isdigit():
            flush()
            number = _number(token)
            if number is not None:
                found.add(number)
            continue
        hit = words.lookup(token)
        if hit is None:
            flush()
            continue
        value, role = hit
        if current is None:
            current = value
        elif role == "ten" and last_role == "unit":  # ثلاثة عشر
            current += 10
        elif role == "tens" and last_role == "unit":  # خمسة وعشرون
            current += value
        elif role == "scale":  # ثلاثة آلاف
            current *= value
        elif last_role in {"hundreds", "scale"} and value < current:  # مائة وخمسون
            current += value
        else:
            flush()
            current = value
        last_role = role
    flush()
    return found
