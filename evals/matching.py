"""Phrase and number matching over normalised Arabic: the one place the scorer decides «does X appear».

Text goes through the core's own ``assistant.text.tokenize`` (diacritics, hamza/alef, ta marbuta,
Arabic-Indic digits, case), so a dataset written with or without diacritics scores the same as retrieval
sees it. A phrase matches a run of whole tokens, and its first token may carry the proclitics Arabic glues
on (``assistant.text.strip_clitics``: و ف ب ل ك, «لل» for «ال»): «وقطر» and «بالسعودية» name Qatar and
Saudi Arabia, but «قطري» does not name «قطر».
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import strip_clitics, tokenize

NUMBER_WORDS_FILE = Path(__file__).parent / "data" / "number_words.yaml"

_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Normalised word and number tokens; punctuation and Markdown become boundaries."""
    return tuple(tokenize(text))


@lru_cache(maxsize=65536)
def clitic_forms(token: str) -> frozenset[str]:
    """The token and its forms with proclitics stripped («وبالسعوديه» → …, «السعوديه», «سعوديه»)."""
    return frozenset(strip_clitics(token)) | {token}


def _token_matches(token: str, wanted: str, first: bool) -> bool:
    if token == wanted:
        return True
    return first and wanted in clitic_forms(token)


def find(haystack: Sequence[str], phrase: Sequence[str]) -> list[tuple[int, int]]:
    """Token spans (start, end) where ``phrase`` occurs in ``haystack`` (both already tokenised)."""
    if not phrase:
        return []
    spans = []
    m = len(phrase)
    for i in range(len(haystack) - m + 1):
        if all(_token_matches(haystack[i + j], phrase[j], j == 0) for j in range(m)):
            spans.append((i, i + m))
    return spans


def mentions(text: str | Sequence[str], phrase: str) -> bool:
    haystack = tokens(text) if isinstance(text, str) else text
    return bool(find(haystack, tokens(phrase)))


def first_mention(text: str | Sequence[str], alternatives: Iterable[str]) -> str | None:
    """The first alternative that the text mentions, or None."""
    haystack = tokens(text) if isinstance(text, str) else text
    for alt in alternatives:
        if find(haystack, tokens(alt)):
            return alt
    return None


# --- numbers ----------------------------------------------------------------------------------------


class NumberWords:
    """Arabic (MSA and dialect) and English cardinal words, from ``evals/data/number_words.yaml``.

    Digits that belong to a date (next to a month name, or an ISO date) are not counted as stated
    numbers: «3–4 شتنبر» does not answer «how many meetings?» with 3.
    """

    def __init__(self, words: dict[str, int], duals: Iterable[str], month_names: Iterable[str] = ()) -> None:
        self.values: dict[str, int] = {}
        for word, value in words.items():
            for tok in tokens(str(word)):
                self.values[tok] = int(value)
        self.duals = {tokens(d)[0] for d in duals if tokens(d)}
        self.month_tokens = {t for name in month_names for t in tokens(name)}

    @classmethod
    def load(cls, path: Path = NUMBER_WORDS_FILE, months: Path | None = None) -> NumberWords:
        """``months``: the knowledge base's ``reference/months.yaml`` (every month spelling)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        names: list[str] = []
        if months is not None and months.is_file():
            for month in yaml.safe_load(months.read_text(encoding="utf-8")).get("months", []):
                names.extend(str(n) for n in month.get("names", []))
        return cls(data["words"], data.get("duals", []), names)

    def _date_positions(self, toks: Sequence[str]) -> set[int]:
        """Indexes of digit tokens that are parts of dates: runs of digits (with «و» between) before a
        month name, a year after one, and ISO dates (2024-04-21 → 2024, 04, 21)."""
        out: set[int] = set()
        i, n = 0, len(toks)
        while i < n:
            if not _DIGITS.match(toks[i]):
                i += 1
                continue
            j = i
            while j + 1 < n and (
                _DIGITS.match(toks[j + 1]) or (toks[j + 1] == "و" and j + 2 < n and _DIGITS.match(toks[j + 2]))
            ):
                j += 1
            run = [k for k in range(i, j + 1) if _DIGITS.match(toks[k])]
            # «3–4 شتنبر» (days before a month) and «شتنبر 2024» (a year after one); «(شتنبر): 3 لقاءات»
            # keeps its 3, since punctuation is not a token and Arabic writes the day first.
            if j + 1 < n and toks[j + 1] in self.month_tokens:
                out.update(run)
            elif i > 0 and toks[i - 1] in self.month_tokens:
                out.update(k for k in run if len(toks[k]) == 4)
            if len(run) >= 3 and len(toks[run[0]]) == 4 and all(len(toks[k]) <= 2 for k in run[1:]):
                out.update(run)  # ISO date
            i = j + 1
        return out

    def _word_value(self, token: str) -> tuple[int | None, bool]:
        """(value, joined-by-و) for a token, allowing «و» and, for 3 and above, «ال» in front."""
        if token in self.values:
            return self.values[token], False
        for prefix, joined in (("و", True), ("وال", True), ("ال", False)):
            if token.startswith(prefix) and token[len(prefix) :] in self.values:
                value = self.values[token[len(prefix) :]]
                if "ال" in prefix and value < 3:
                    continue  # «الأحد», «الاثنين» are weekdays
                return value, joined
        return None, False

    def numbers(self, text: str) -> list[float]:
        """Every number the text states: digits, composed number words and duals, in order."""
        found: list[float] = []
        current: int | None = None
        last = 0
        pending_and = False  # a standalone «و» between two number words («خمسة و عشرون»)
        toks = tokens(text)
        dates = self._date_positions(toks)
        for index, tok in enumerate(toks):
            if tok == "و" and current is not None:
                pending_and = True
                continue
            if _DIGITS.match(tok):
                if current is not None:
                    found.append(current)
                    current = None
                if index not in dates:
                    found.append(float(tok))
                continue
            if tok in self.duals:
                if current is not None:
                    found.append(current)
                    current = None
                found.append(2.0)
                continue
            value, joined = self._word_value(tok)
            joined, pending_and = joined or pending_and, False
            if value is None:
                if current is not None:
                    found.append(current)
                    current = None
                continue
            if current is None:
                current, last = value, value
            elif joined:
                current, last = current + value, value
            elif value == 10 and last < 10:
                current, last = current + 10, 10  # ثلاثة عشر
            elif value in (100, 1000) and current < value:
                current, last = current * value, value  # ثلاث مئة
            else:
                found.append(current)
                current, last = value, value
        if current is not None:
            found.append(current)
        return [float(n) for n in found]


@lru_cache(maxsize=1)
def number_words() -> NumberWords:
    from assistant.settings import Settings

    return NumberWords.load(months=Settings().knowledge_dir / "reference" / "months.yaml")
