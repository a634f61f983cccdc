"""Word tokens, light stems, clitic candidates and sentence spans: the keys BM25 and entity matching use.

The stemmer is deliberately light (Light10-style, after Larkey et al.): it strips proclitics and common
suffixes only while a stem of 3 letters remains (2 after the article), so «قطر», «مصر», «بلد» survive.
After the article it still tries one و/ف and then one ب/ك/ل, so bare and definite forms of a word
(«بلاد»/«البلاد», «وزير»/«الوزير») reach the same key: BM25 needs consistency more than linguistics.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from assistant.text.normalize import fold_char, normalize, normalize_keep_offsets

__all__ = [
    "ANALYZER_VERSION",
    "KNOWLEDGE_DIR",
    "analyze",
    "analyze_tokens",
    "is_stopword",
    "light_stem",
    "split_sentences",
    "stopwords",
    "strip_clitics",
    "tokenize",
    "tokens_with_spans",
]

# The repo's knowledge/ (= assistant.settings.REPO_ROOT / "knowledge"; computed here so that importing the
# text layer does not pull in pydantic-settings). Callers with another knowledge dir pass it explicitly.
KNOWLEDGE_DIR: Path = Path(__file__).resolve().parents[2] / "knowledge"
STOPWORDS_FILE = Path("reference") / "stopwords.txt"

# Stored keyword indexes hold this analyser's stems: raise it whenever ``tokenize``, ``light_stem`` or the
# stopwords' handling changes what a text analyses to, and every stored index is rebuilt at its next load.
ANALYZER_VERSION = 1

# Over normalised text: numbers (thousands groups, decimals) or runs of letters of any script.
# Numbers and letters never share a token («2024م» → 2024, م; «MI5» → mi, 5).
_TOKEN_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?|[^\W\d_]+")
_ARABIC_RE = re.compile(r"[\u0620-\u064a\u066e-\u06ff\u0750-\u077f\u08a0-\u08ff]+")

_CONJ = "وف"
_PREP = "بكل"
# Proclitic groups that end in the article, longest first (لل = ل + ال with the alef elided).
_ARTICLE_PREFIXES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_SUFFIXES = ("ها", "هم", "هن", "كم", "نا", "ات", "ون", "ين", "ان", "يه", "يا", "ه", "ي")
_MIN_STEM = 3
_MIN_STEM_AFTER_ARTICLE = 2


def tokenize(text: str) -> list[str]:
    """Normalised word tokens: Arabic/Latin/other letter runs and numbers; punctuation and emoji dropped."""
    return [_clean_number(t) for t in _TOKEN_RE.findall(normalize(text))]


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """`tokenize(text)` with each token's [start, end) span in the ORIGINAL text.

    A span also covers the marks that followed its last letter (diacritics, tatweel, RLM), so slicing the
    display text highlights the whole written word.
    """
    norm, offsets = normalize_keep_offsets(text)
    out: list[tuple[str, int, int]] = []
    n = len(text)
    fold = fold_char
    for m in _TOKEN_RE.finditer(norm):
        s, e = m.span()
        end = offsets[e - 1] + 1
        while end < n and not fold(text[end]):
            end += 1
        token = m.group()
        out.append((token.replace(",", "") if "," in token else token, offsets[s], end))
    return out


def _clean_number(token: str) -> str:
    return token.replace(",", "") if "," in token else token


@lru_cache(maxsize=65536)
def light_stem(token: str) -> str:
    """Keyword-search stem of one token (normalised here if it is not already); Latin words and numbers
    come back unchanged (normalised)."""
    word = normalize(token)
    if len(word) <= _MIN_STEM or not _ARABIC_RE.fullmatch(word):
        return word
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM_AFTER_ARTICLE:
            word = word[len(prefix) :]
            break
    if word[0] in _CONJ and len(word) - 1 >= _MIN_STEM:
        word = word[1:]
    if word[0] in _PREP and len(word) - 1 >= _MIN_STEM:
        word = word[1:]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    if word.endswith("ي") and len(word) - 1 >= _MIN_STEM:  # nisba left after a plural: امنيين → امني → امن
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def _clitic_forms(token: str) -> tuple[str, ...]:
    forms = [token]
    word = token
    if len(word) > 2 and word[0] in _CONJ:
        word = word[1:]
        forms.append(word)
    if len(word) > 3 and word.startswith("لل"):  # ل + ال: للسعوديه → السعوديه → سعوديه
        word = "ا" + word[1:]
        forms.append(word)
    elif len(word) > 2 and word[0] in _PREP:
        word = word[1:]
        forms.append(word)
    if len(word) > 3 and word.startswith("ال"):
        forms.append(word[2:])
    return tuple(dict.fromkeys(forms))


def strip_clitics(token: str) -> list[str]:
    """Candidate forms of a token with 0, 1, 2… proclitics removed, longest first.

    «وبالسعودية» → [وبالسعوديه, بالسعوديه, السعوديه, سعوديه]. Over-generation is intended: callers
    look the forms up in a known vocabulary (entity names), where «لد» from «بلد» matches nothing.
    """
    norm = normalize(token)
    if " " in norm or not _ARABIC_RE.fullmatch(norm):
        return [norm] if norm else []
    return list(_clitic_forms(norm))


@cache
def _load_stopwords(path: Path) -> frozenset[str]:
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            words.update(tokenize(entry))
    return frozenset(words)


@cache
def stopwords(knowledge_dir: Path | str | None = None) -> frozenset[str]:
    """Normalised stopwords from `<knowledge_dir>/reference/stopwords.txt` (read once per path; cached by
    the argument too, since `analyze` asks on every call and resolving a path touches the disk)."""
    base = Path(knowledge_dir) if knowledge_dir is not None else KNOWLEDGE_DIR
    return _load_stopwords((base / STOPWORDS_FILE).resolve())


def is_stopword(token: str, words: frozenset[str]) -> bool:
    """A stopword, or و/ف + a stopword (وفي، فهل، والتي): conjunctions glue onto function words too."""
    return token in words or (len(token) > 2 and token[0] in _CONJ and token[1:] in words)


def analyze(text: str, knowledge_dir: Path | str | None = None) -> list[str]:
    """BM25 analyser: tokenize → drop stopwords → light_stem."""
    return analyze_tokens(tokenize(text), knowledge_dir)


def analyze_tokens(tokens: list[str], knowledge_dir: Path | str | None = None) -> list[str]:
    """``analyze`` of text already tokenised (a caller that needs the tokens too tokenises once)."""
    words = stopwords(knowledge_dir)
    return [light_stem(t) for t in tokens if not is_stopword(t, words)]


# --- sentences ------------------------------------------------------------------------------------

# A run of terminators, or a newline. Closing quotes/brackets right after a terminator stay with it.
_BOUNDARY_RE = re.compile(r"[.!?؟۔…]+[\"'»”’)\]]*|\n")
_CONTENT_RE = re.compile(r"[^\W_]")
_WORD_BEFORE_RE = re.compile(r"([^\W\d_]+)$")
# Latin title abbreviations that end with a dot but not a sentence (Maj. Gen. Faris, Dr. X).
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "vs", "prof", "gen", "maj", "col", "lt", "sgt", "jr", "sr"})


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of `text` (whitespace trimmed; spans without a letter or
    digit are dropped). Splits on . ! ? ؟ and newlines, not on the Arabic comma, decimals (2.5),
    dotted names (anfaspress.com), abbreviations (U.S., Dr., د.) or an ellipsis inside a line."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY_RE.finditer(text):
        b_start, b_end = m.span()
        if text[b_start] != "\n" and not _ends_sentence(text, b_start, b_end):
            continue
        end = b_start if text[b_start] == "\n" else b_end
        _add_span(text, start, end, spans)
        start = b_end
    _add_span(text, start, n, spans)
    return spans


def _ends_sentence(text: str, b_start: int, b_end: int) -> bool:
    after = text[b_end] if b_end < len(text) else "\n"
    if not after.isspace():  # 2.5, anfaspress.com, U.S.A, «؟!» followed by text
        return False
    run = text[b_start:b_end].rstrip("\"'»”’)]")
    if set(run) <= {".", "…"}:
        if len(run) > 1 or run == "…":  # an ellipsis ends a sentence only at the end of a line
            return _next_is_newline(text, b_end)
        before = _WORD_BEFORE_RE.search(text, max(0, b_start - 20), b_start)
        if before is not None and (len(before.group(1)) == 1 or before.group(1).casefold() in _ABBREVIATIONS):
            return False
    return True


def _next_is_newline(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] in " \t\r\u00a0":
        pos += 1
    return pos >= len(text) or text[pos] == "\n"


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not _CONTENT_RE.search(stripped):
        return
    lead = len(chunk) - len(chunk.lstrip())
    spans.append((start + lead, start + lead + len(stripped)))
