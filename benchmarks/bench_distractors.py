"""How faithful bench_scale's distractor vectors are: each distractor chunk there gets the L2-normalised mean
of its sentences' real vectors (embedding 100k chunks for real is out of reach here). This embeds some such
chunks for real and compares: the two vectors' cosine, and how close eval questions come to each. A mean of
unit vectors leans towards the corpus's common direction ("hubness"), so it is nearer to every question than
the real embedding of the same text, and at 100k such chunks crowd dense search's top 5.

It also fits the correction bench_scale applies (``DISTRACTOR_CENTERING``): take a share of the mean of all
ARCD sentence vectors off each distractor's mean before renormalising, with the share chosen on the first half
of the chunks so that questions come to them as close as to the real embeddings, and reports it on the other
half beside the plain mean.

    .venv/bin/python benchmarks/bench_distractors.py --chunks 240
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
    parser.add_argument("--chunks", type=int, default=240)
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
    centre = np.mean(np.stack([cache.vectors[s] for s in sentences if s in cache.vectors]), axis=0)
    fit, held = slice(0, len(chunks) // 2), slice(len(chunks) // 2, len(chunks))

    def unit(x: np.ndarray) -> np.ndarray:
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    def gap(share: float) -> float:  # on the fitting half: mean question similarity, synthetic vs real
        return abs(float((queries @ unit(means[fit] - share * centre).T).mean() - (queries @ real[fit].T).mean()))

    share = min((i / 20 for i in range(21)), key=gap)

    def profile(vectors: np.ndarray) -> dict[str, float]:  # on the held-out half
        sims = queries @ vectors[held].T
        return {
            "cosine with the real vector": round(float(np.sum(vectors[held] * real[held], axis=1).mean()), 3),
            "question similarity, mean": round(float(sims.mean()), 3),
            "question similarity, p95": round(float(np.percentile(sims, 95)), 3),
        }

    report = {
        "chunks": len(chunks),
        "questions": len(queries),
        "centering share (fitted on the first half)": share,
        "held-out half: real embedding": profile(real),
        "held-out half: plain mean": profile(synthetic),
        "held-out half: centred mean": profile(unit(means - share * centre)),
        "question·its best real passage of the shipped base": round(float((queries @ gold.T).max(axis=1).mean()), 3),
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
