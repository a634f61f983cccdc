"""How close questions about nothing in this base come to its article chunks: the base's dense floor.

Cosine similarity under the embedding model says as much about the genre as about relevance: a news chunk
that answers a question sits at ≈ 0.85 from it and a Wikipedia paragraph at ≈ 0.88, while questions about
other things reach ≈ 0.76 in a news base and ≈ 0.81 in fifty Wikipedia articles. An answerability model
that reads absolute similarity, fitted on one genre, refuses the answerable questions of another. So ingest
asks the base a fixed set of unrelated questions (``reference/probes.yaml``) and stores the median of their
best article-chunk similarity with the generation (``Manifest.dense_floor``); the answerability model reads
how far above that floor a question's best chunk is (``chunk_lift``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.knowledge.loader import safe_load
from assistant.text.tokenize import KNOWLEDGE_DIR

PROBES_FILE = Path("reference") / "probes.yaml"


def load_probes(knowledge_dir: Path) -> list[str]:
    """The base's own probe questions, else the shipped ones."""
    for root in (Path(knowledge_dir), KNOWLEDGE_DIR):
        path = root / PROBES_FILE
        if path.is_file():
            data = safe_load(path.read_text(encoding="utf-8")) or {}
            probes = [str(q).strip() for q in data.get("probes") or [] if str(q).strip()]
            if probes:
                return probes
    return []


def measure(collection: Any, embed_query: Callable[[str], Sequence[float]], probes: Sequence[str]) -> float:
    """The median over ``probes`` of the best article chunk's cosine similarity in ``collection`` (a Chroma
    collection in cosine space); 0.0 for a base without articles."""
    best = []
    for question in probes:
        got = collection.query(
            query_embeddings=[list(embed_query(question))],
            n_results=1,
            where={"kind": "article"},
            include=["distances"],
        )
        distances = got["distances"][0] if got.get("distances") else []
        if distances:
            best.append(1.0 - float(distances[0]))
    return float(statistics.median(best)) if best else 0.0
