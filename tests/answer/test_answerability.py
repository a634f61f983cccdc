"""The stored models: a base-script set and, when fitted, a cross-lingual one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.answerability import AnswerModels
from assistant.errors import KnowledgeError
from assistant.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "knowledge" / "reference" / "answerability.json"


def _model(names: list[str]) -> dict[str, object]:
    return {"features": names, "weights": [1.0] * len(names), "bias": 0.0}


def test_the_shipped_models_have_a_cross_lingual_set() -> None:
    models = AnswerModels.load(SHIPPED)
    cross, same = models.pick(True), models.pick(False)
    assert cross is models.cross_lingual and cross is not None
    assert same.ranker is models.ranker and same.threshold == models.threshold
    assert "lex" in same.ranker.features and "lex" not in cross.ranker.features, "no lexical evidence"
    assert "name_sentence" in cross.ranker.features and "names_missing" in cross.answerable.features
    assert 0 < cross.threshold < 1 and 0 < models.name_min_ratio <= 101


def test_without_a_cross_lingual_set_every_question_gets_the_base_models(tmp_path: Path) -> None:
    data = {k: v for k, v in json.loads(SHIPPED.read_text(encoding="utf-8")).items() if k != "cross_lingual"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    models = AnswerModels.load(path)
    assert models.cross_lingual is None and models.pick(True).ranker is models.ranker
    assert models.name_min_ratio == 80.0


def test_a_broken_cross_lingual_set_names_the_file(tmp_path: Path) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["cross_lingual"] = {"ranker": _model(["dense"]), "answerable": {"features": ["x"]}, "threshold": 0.5}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        AnswerModels.load(path)
    assert "broken.json" in str(err.value)


def test_without_a_span_model_the_prior_picks(tmp_path: Path) -> None:
    data = {k: v for k, v in json.loads(SHIPPED.read_text(encoding="utf-8")).items() if k != "span_model"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert AnswerModels.load(path).span_model is None


@pytest.mark.parametrize(
    "span_model",
    [
        {"features": ["no_such_feature"], "weights": [1.0], "mean": [0.0], "scale": [1.0]},
        {"features": ["pull", "len_1"], "weights": [1.0], "mean": [0.0, 0.0], "scale": [1.0, 1.0]},
        {"features": ["pull"], "weights": [1.0]},
    ],
)
def test_a_broken_span_model_names_the_file(tmp_path: Path, span_model: dict[str, object]) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["span_model"] = span_model
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        AnswerModels.load(path)
    assert "broken.json" in str(err.value)
