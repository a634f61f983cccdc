"""The fitting script's span-prior fit, on hand-made rows (no ARCD, no model)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.answer.answerability import Logistic
from assistant.answer.direct import DirectAnswers, SpanPrior
from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from assistant.text import analyze

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import fit_answerability


def _row(question: str, sentence: str, answer: str, intent: str = "what") -> dict[str, object]:
    return {
        "answerable": True,
        "intent": intent,
        "terms": analyze(question),
        "gold_sentence": sentence,
        "answers": [answer],
    }


ROWS = [
    _row("ما عاصمة المغرب؟", "تشتهر بالزراعة والصناعة، وعاصمتها مدينة الرباط", "مدينة الرباط"),
    _row("ما عاصمة مصر؟", "بلد كبير عريق التاريخ، وعاصمتها القاهرة الكبرى", "القاهرة الكبرى"),
    {"answerable": False, "intent": "what", "terms": [], "gold_sentence": None, "answers": []},  # not scored
]


def test_span_f1_scores_the_short_answer_on_the_gold_sentence() -> None:
    kb = load_knowledge(REPO_ROOT / "knowledge")
    after = DirectAnswers.for_base(kb, SpanPrior(0.7, 0.0, 4))
    before = DirectAnswers.for_base(kb, SpanPrior(0.7, 1.0, 4))
    assert fit_answerability.span_f1(ROWS, after) == pytest.approx(100.0)
    assert fit_answerability.span_f1(ROWS, before) < 50.0


def test_the_fitted_prior_is_the_grid_point_with_the_best_f1(monkeypatch: pytest.MonkeyPatch) -> None:
    grid = {"decay": [0.7], "behind": [1.0, 0.0], "length_cap": [4], "typed_behind": [0.5]}
    monkeypatch.setattr(fit_answerability, "SPAN_GRID", grid)
    prior = fit_answerability.fit_span_prior(ROWS, load_knowledge(REPO_ROOT / "knowledge"))
    assert prior == SpanPrior(0.7, 0.0, 4, 0.5)


def _cand(features: dict[str, float], gold: bool) -> dict[str, object]:
    return {"features": features, "gold": gold}


def test_the_pairwise_ranker_learns_which_of_a_questions_sentences_answers() -> None:
    # across questions «lex» runs high everywhere in the second one; within each question the gold sentence is
    # the one with the higher «dense», which is what ranking needs
    questions = [
        ([_cand({"dense": 0.9, "lex": 0.1}, True), _cand({"dense": 0.8, "lex": 0.3}, False)], 1.0),
        ([_cand({"dense": 0.7, "lex": 0.8}, True), _cand({"dense": 0.6, "lex": 0.9}, False)], 1.0),
        ([_cand({"dense": 0.85, "lex": 0.5}, True), _cand({"dense": 0.75, "lex": 0.6}, False)], 1.0),
    ]
    model = Logistic.from_json(fit_answerability.fit_pairwise(questions, ["dense", "lex"]))
    for cands, _ in questions:
        scores = [model.probability(c["features"]) for c in cands]  # type: ignore[arg-type]
        assert scores[0] > scores[1]
        assert all(0.0 < s < 1.0 for s in scores)


COUNT_ROWS = [
    _row(f"كم {noun} في {place}؟", f"تتكون {place} من {n} {noun} كبيرة.", f"{n} {noun}", "count")
    for noun, place, n in [
        ("محافظة", "اليابان", 47),
        ("ولاية", "الهند", 28),
        ("جزيرة", "هولندا", 3),
        ("مقاطعة", "كندا", 10),
        ("إمارة", "الدولة", 7),
        ("منطقة", "السعودية", 13),
    ]
]


def test_the_span_model_learns_what_the_gold_spans_hold() -> None:
    """The prior stops at the number («47»); gold spans hold its noun too, and the fitted model learns it."""
    from assistant.answer.spans import FEATURES, SpanModel

    kb = load_knowledge(REPO_ROOT / "knowledge")
    prior = DirectAnswers.for_base(kb, SpanPrior())
    fitted, cv = fit_answerability.fit_span_model(COUNT_ROWS, prior)
    assert fitted["features"] == list(FEATURES) and fitted["l2"] in fit_answerability.SPAN_L2
    assert 0.0 <= cv <= 100.0
    ranked = DirectAnswers.for_base(kb, SpanPrior(), SpanModel.from_json(fitted))
    assert fit_answerability.span_f1(COUNT_ROWS, prior) < 100.0
    assert fit_answerability.span_f1(COUNT_ROWS, ranked) == pytest.approx(100.0)


def test_answer_removed_questions_keep_the_topic_and_lose_the_answer() -> None:
    """SQuAD 2.0-style negatives: an answerable question without its gold sentences is unanswerable; one with
    no gold candidate, or nothing but gold ones, makes none."""
    cand = lambda i, gold: {"id": f"a#s{i:03d}", "gold": gold, "features": {"dense": 0.8}}  # noqa: E731
    rows = [
        {"answerable": True, "candidates": [cand(1, True), cand(2, False), cand(3, False)]},
        {"answerable": True, "candidates": [cand(1, False)]},  # the gold sentence was never retrieved
        {"answerable": True, "candidates": [cand(1, True)]},
        {"answerable": False, "candidates": [cand(1, False)]},
    ]
    removed = fit_answerability.answer_removed(rows)
    assert len(removed) == 1
    assert removed[0]["answerable"] is False
    assert [c["id"] for c in removed[0]["candidates"]] == ["a#s002", "a#s003"]
    assert rows[0]["answerable"] is True  # the source rows are untouched


def test_ranker_only_refits_the_ranker_and_keeps_the_rest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``--ranker-only`` (a new ranker feature measured without moving the rest): the saved answerability
    model, threshold, quote ratio, span models and cross-lingual models are written back as they were."""
    import json
    import random

    from tests.answer.conftest import one_article_base

    rng = random.Random(7)
    names = [*fit_answerability.RANKER_FEATURES, *fit_answerability.ANSWERABLE_FEATURES]

    def cand(gold: bool, i: int) -> dict[str, object]:
        features = {n: rng.random() for n in names if n != "ranker"} | {"unknown": 0.0}
        features["lex"] = (0.8 if gold else 0.2) + 0.1 * rng.random()  # only «lex» tells the gold one apart
        return {"features": features, "id": f"a#s{i:03d}", "gold": gold}

    rows = [
        {
            "id": str(k),
            "question": "س",
            "answerable": k % 4 != 0,
            "intent": "what",
            "terms": [],
            "gold_sentence": None,
            "answers": [],
            "candidates": [cand(k % 4 != 0 and i == 0, i) for i in range(4)],
        }
        for k in range(40)
    ]
    for split in ("dev", "test", "dev-en", "test-en", "own/core"):  # each own set is cached apart
        (tmp_path / split).mkdir(parents=True)
        (tmp_path / split / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
    one_article_base(tmp_path / "dev", "fixture", "عنوان", "جملة أولى. جملة ثانية.")
    saved = REPO_ROOT / "knowledge" / "reference" / "answerability.json"
    model = tmp_path / "answerability.json"
    model.write_text(saved.read_text(encoding="utf-8"), encoding="utf-8")

    assert fit_answerability.main(["--ranker-only", "--out", str(tmp_path), "--model", str(model)]) == 0
    before, after = json.loads(saved.read_text(encoding="utf-8")), json.loads(model.read_text(encoding="utf-8"))
    kept = ("answerable", "threshold", "quote_ratio", "max_unknown_share", "direct", "span_model", "cross_lingual")
    for name in kept:
        assert after[name] == before[name], name
    assert after["ranker"] != before["ranker"]
    weights = dict(zip(after["ranker"]["features"], after["ranker"]["weights"], strict=True))
    assert weights["lex"] > 0 and weights["lex"] == max(weights.values())
    assert "ranker_only" in after["provenance"]


def test_own_sets_name_their_knowledge_base() -> None:
    """``--own DATASET=KNOWLEDGE_DIR`` fits on a user's items asked of their own base; a bare dataset asks the
    shipped one, and each set is cached under its own name."""
    theirs = fit_answerability.OwnSet.parse("evals/datasets/x/mine.jsonl=/data/kb")
    assert (theirs.dataset, theirs.knowledge_dir, theirs.name) == (
        Path("evals/datasets/x/mine.jsonl"),
        Path("/data/kb"),
        "mine",
    )
    assert fit_answerability.OwnSet.parse("core.jsonl").knowledge_dir == REPO_ROOT / "knowledge"


def test_the_threshold_is_the_middle_of_the_best_plateau() -> None:
    """Equal criteria over 0.70–0.78: 0.74, not the plateau's first point; a lone best point is itself."""
    flat = {(t / 100, 0.7): (1.5 if 70 <= t <= 78 else 1.2) for t in range(50, 95, 2)}
    assert fit_answerability.middle_of_best(flat) == (0.74, 0.7)
    assert fit_answerability.middle_of_best({(0.5, 0.7): 1.0, (0.6, 0.7): 1.1, (0.7, 0.7): 0.9}) == (0.6, 0.7)
