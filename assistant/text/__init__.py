"""Arabic text analysis: matching keys (never display text) for keyword search, entities and scoring."""

from assistant.text.fuzzy import Match, PhraseMatcher
from assistant.text.normalize import fold_char, normalize, normalize_keep_offsets
from assistant.text.tokenize import (
    ANALYZER_VERSION,
    analyze,
    analyze_tokens,
    is_stopword,
    light_stem,
    split_sentences,
    stopwords,
    strip_clitics,
    tokenize,
    tokens_with_spans,
)

__all__ = [
    "ANALYZER_VERSION",
    "Match",
    "PhraseMatcher",
    "analyze",
    "analyze_tokens",
    "fold_char",
    "is_stopword",
    "light_stem",
    "normalize",
    "normalize_keep_offsets",
    "split_sentences",
    "stopwords",
    "strip_clitics",
    "tokenize",
    "tokens_with_spans",
]
