"""How faithful bench_scale's distractor vectors are: each distractor chunk there gets the L2-normalised mean
of its sentences' real vectors (embedding 100k chunks for real is out of reach here). This embeds some such
chunks for real and compares: the two vectors' cosine, and how close eval questions come to each. A mean of
unit vectors leans towards the corpus's common direction ("hubness"), so it is nearer to every question than
the real embedding of the same text, and at 100k such chunks crowd dense search's top 5.

    .venv/bin/python benchmarks/bench_distractors.py --chunks 120
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_embed
import bench_scale


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=120)
    parser.add_argument("--questions", type=int, default=80)
    args = parser.parse_args()
    from assistant.embeddings import E5Embeddings
    from assistant.offline import enable_offline_mode
    from assistant.settings import Settings

    enable_offline_mode()
    embeddings = E5Embeddings(Settings())
    sentences, _ = bench_scale.arcd_sentences()
    rng = random.Random(0)
    chunks: list[tuple[str, list[str]]] = []
    while len(chunks) < args.chunks:  # made as bench_scale.write_corpus makes its paragraphs
        picked = rng.sample(sentences, rng.randint(2, 4))
        if len(" ".join(picked)) <= 690:
            chunks.append((" ".join(picked), picked))
    cache = bench_scale.VectorCache(embeddings)
    cache.ensure([s for _, picked in chunks for s in picked])
    real = np.array(embeddings.embed_documents([t for t, _ in chunks]))
    means = np.array([np.mean([cache.vectors[s] for s in picked], axis=0) for _, picked in chunks])
    synthetic = means / np.linalg.norm(means, axis=1, keepdims=True)
    _, sourced = bench_scale.questions(0)
    queries = np.array([embeddings.embed_query(q) for q, _ in sourced[: args.questions]])
    texts, _, _ = bench_embed.core_data()
    gold = np.array(embeddings.embed_documents(texts))
    agree = np.sum(real * synthetic, axis=1)
    report = {
        "chunks": len(chunks),
        "questions": len(queries),
        "cosine(real, synthetic)": {"mean": float(agree.mean()), "min": float(agree.min())},
        "question·real chunk": {
            "mean": float((queries @ real.T).mean()),
            "p95": float(np.percentile(queries @ real.T, 95)),
        },
        "question·synthetic chunk": {
            "mean": float((queries @ synthetic.T).mean()),
            "p95": float(np.percentile(queries @ synthetic.T, 95)),
        },
        "question·its best real passage of the shipped base": float((queries @ gold.T).max(axis=1).mean()),
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
