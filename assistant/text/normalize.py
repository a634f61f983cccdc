"""Arabic-aware matching keys from a per-character fold table (filled eagerly for Arabic/Latin, lazily else).

Hand-written tables, not a library: pyarabic and tashaphyne are GPL (this project is MIT); pyarabic's
normalisers are separate whole-text passes with no offset mapping and tashaphyne over-stems (بلد→لد,
فرنسا→رنسا); camel-tools pulls torch, transformers, scikit-learn and kenlm, and its analysers need data
downloads we cannot make offline. What they would give us here is a character map, which this is.

Every character is folded on its own (compatibility-decomposed, combining marks dropped, casefolded,
recomposed, then mapped through the Arabic tables), so the result is per-character and offsets are exact.
Display text is never altered: callers keep the original and use these keys only to compare.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_char", "normalize", "normalize_keep_offsets"]

# Combining marks that carry no identity for matching: Latin/Greek/Cyrillic accents, Hebrew points,
# Arabic harakat, tanwin, shadda, sukun, superscript alef, Quranic annotation marks, variation selectors.
_MARK_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),  # combining diacritical marks (é = e + U+0301 after NFKD)
    (0x0483, 0x0489),  # Cyrillic
    (0x0591, 0x05C7),  # Hebrew points
    (0x0610, 0x061A),  # Arabic honorific and Quranic small marks
    (0x064B, 0x065F),  # harakat, tanwin, shadda, sukun, hamza above/below, madda
    (0x0670, 0x0670),  # superscript (dagger) alef
    (0x06D6, 0x06ED),  # Quranic annotation signs (06E5/06E6 small waw/yeh and 06E9 are not marks: kept)
    (0x08CA, 0x08FF),  # extended Arabic marks
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0xFE20, 0xFE2F),
    (0xE0100, 0xE01EF),
)

# Letter and punctuation folding applied after decomposition (so أ إ آ ؤ ئ ۀ ۓ have already lost
# their hamza/madda mark and arrive here as ا و ي ە ے).
_LETTERS: dict[str, str] = {
    "ٱ": "ا",  # alef wasla
    "ٲ": "ا",
    "ٳ": "ا",
    "ٴ": "",  # high hamza (left over from ٵ ٶ ٷ ٸ)
    "ة": "ه",
    "ۃ": "ه",
    "ى": "ي",
    "ی": "ي",  # Persian yeh
    "ې": "ي",
    "ے": "ي",
    "ک": "ك",  # Persian/Urdu keheh
    "ڪ": "ك",
    "گ": "ك",  # gaf, and Moroccan ڭ (أڭادير = أكادير)
    "ڭ": "ك",
    "ݣ": "ك",  # U+0763, another Moroccan gaf (فأݣادير)
    "ڨ": "ق",  # Algerian/Tunisian g
    "ڤ": "ف",  # v in foreign names
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ە": "ه",  # Kurdish ae
    "ہ": "ه",  # Urdu heh goal
    "ھ": "ه",  # heh doachashmee
    "ـ": "",  # tatweel
    "ı": "i",  # Turkish dotless i (Karaloğlu)
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",  # Arabic decimal separator: ٢٫٥ → 2.5
    "٬": "",  # Arabic thousands separator: ٢٠٬٠٠٠ → 20000
    "٭": "*",
    "۔": ".",  # Urdu full stop
    "؍": "/",
    "؞": ".",
    "«": '"',
    "»": '"',
    "‹": "'",
    "›": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "⁏": ";",
    "⹁": ",",
    "﴾": "(",
    "﴿": ")",
    "۞": " ",
}

_CACHE_LIMIT = 200_000  # distinct characters remembered; adversarial input cannot grow it without bound


def _is_mark(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _MARK_RANGES)


def _strip_marks(s: str) -> str:
    return "".join(c for c in s if not _is_mark(ord(c)))


def fold_char(ch: str) -> str:
    """The matching key of one character: empty for ignorable marks and controls, maybe several chars."""
    return _TABLE[ch]


def _fold(ch: str) -> str:
    """Compute a character's key (cached by `_TABLE`).

    Whole-string NFKC differs from this only where it composes across characters; the marks it would
    compose (é = e + U+0301, أ = ا + U+0654) are dropped anyway, so per-character folding gives the same
    keys (Hangul conjoining jamo, which stay uncomposed, are the known exception) and exact offsets.
    """
    cp = ord(ch)
    if 0xD800 <= cp <= 0xDFFF:  # lone surrogate (e.g. from surrogateescape): keep, never crash
        return ch
    if ch.isspace():
        return " "
    cat = unicodedata.category(ch)
    if cat in {"Cf", "Cc"}:  # ZWJ, ZWNJ, LRM, RLM, LRE…PDI, ALM, BOM, soft hyphen, controls
        return ""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:  # ٠-٩, ۰-۹ and every other script's decimal digits
        return str(digit)
    s = _strip_marks(unicodedata.normalize("NFKD", ch))
    s = _strip_marks(unicodedata.normalize("NFKD", s.casefold()))
    s = unicodedata.normalize("NFC", s)
    out = []
    for c in s:
        c = _LETTERS.get(c, c)
        if c and (c.isspace() or unicodedata.category(c) in {"Cf", "Cc"}):
            c = " " if c.isspace() else ""
        elif c and unicodedata.decimal(c, None) is not None:  # NFKC can yield digits (², ①)
            c = str(unicodedata.decimal(c))
        out.append(c)
    return "".join(out)


class _FoldTable(dict[str, str]):
    """Character → key, computed on first sight. Bounded so adversarial input cannot grow it forever."""

    def __missing__(self, ch: str) -> str:
        value = _fold(ch)
        if len(self) < _CACHE_LIMIT:
            self[ch] = value
        return value


# Blocks folded eagerly at import; everything else is folded lazily the first time it is seen.
_EAGER_RANGES = (
    (0x0000, 0x024F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x2000, 0x206F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_TABLE = _FoldTable()
_changed: list[int] = []  # key differs from the character
_reshaping: list[int] = []  # key is not exactly one character (deleted or expanded)
for _lo, _hi in _EAGER_RANGES:
    for _cp in range(_lo, _hi + 1):
        _ch = chr(_cp)
        _TABLE[_ch] = _fold(_ch)
        if _TABLE[_ch] != _ch and not _ch.isspace():  # whitespace: `str.split` collapses it anyway
            _changed.append(_cp)
        if len(_TABLE[_ch]) != 1:
            _reshaping.append(_cp)


def _char_class(codepoints: list[int]) -> str:
    """Compact regex character class body for sorted code points."""
    out: list[str] = []
    i = 0
    while i < len(codepoints):
        j = i
        while j + 1 < len(codepoints) and codepoints[j + 1] == codepoints[j] + 1:
            j += 1
        lo, hi = re.escape(chr(codepoints[i])), re.escape(chr(codepoints[j]))
        out.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(out)


def _outside(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    gaps, nxt = [], 0
    for lo, hi in sorted(ranges):
        if lo > nxt:
            gaps.append((nxt, lo - 1))
        nxt = hi + 1
    gaps.append((nxt, 0x10FFFF))
    return gaps


# One character that may fold to something else: a known non-identity character, or any unfolded block.
_SPECIAL_RE = re.compile(
    "["
    + _char_class(_changed)
    + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _outside(_EAGER_RANGES))
    + "]"
)
_RESHAPING_RE = re.compile(
    "["
    + _char_class(_reshaping)
    + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _outside(_EAGER_RANGES))
    + "]"
)
_IRREGULAR_SPACE_RE = re.compile(r"\s{2,}|[^\S ]")
del _lo, _hi, _cp, _ch, _changed, _reshaping


def normalize(text: str) -> str:
    """Matching key of `text`: folded characters, whitespace collapsed to single spaces, stripped.

    A text holds few distinct changed characters: one regex scan finds them, then one C-level
    `str.replace` per distinct character — faster than `str.translate`, which does a dict lookup (and
    allocates a key) for every character.
    """
    for ch in set(_SPECIAL_RE.findall(text)):
        key = _TABLE[ch]
        if key != ch:
            text = text.replace(ch, key)
    return " ".join(text.split())


def normalize_keep_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` plus, for each output character, the index of the source character it came from.

    A collapsed whitespace run maps to its first character; characters expanded from one source character
    (ﻻ → لا, ﷺ → a phrase) all map to that character.
    """
    one_to_one: list[tuple[str, str]] = []
    reshaped = False
    for ch in set(_SPECIAL_RE.findall(text)):
        key = _TABLE[ch]
        if len(key) == 1:
            if key != ch:
                one_to_one.append((ch, key))
        else:
            reshaped = True
    if reshaped:  # deletions and expansions move offsets: walk those characters only
        parts: list[str] = []
        offsets: list[int] = []
        prev = 0
        for m in _RESHAPING_RE.finditer(text):
            key = _TABLE[m.group()]
            if len(key) == 1:
                continue
            pos = m.start()
            parts.append(text[prev:pos])
            offsets.extend(range(prev, pos))
            if key:
                parts.append(key)
                offsets.extend([pos] * len(key))
            prev = pos + 1
        parts.append(text[prev:])
        offsets.extend(range(prev, len(text)))
        folded = "".join(parts)
    else:
        folded, offsets = text, list(range(len(text)))
    for ch, key in one_to_one:  # length-preserving: offsets unchanged
        folded = folded.replace(ch, key)

    stripped = folded.strip()
    if not stripped:
        return "", []
    begin = len(folded) - len(folded.lstrip())
    if begin or len(stripped) != len(folded):
        offsets = offsets[begin : begin + len(stripped)]
    runs = [m.span() for m in _IRREGULAR_SPACE_RE.finditer(stripped)]
    if runs:
        for start, end in reversed(runs):  # each run becomes one space pointing at its first character
            del offsets[start + 1 : end]
        stripped = _IRREGULAR_SPACE_RE.sub(" ", stripped)
    return stripped, offsets
