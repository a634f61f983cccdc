"""The fitting script's span-prior fit, on hand-made rows (no ARCD, no model)."""

from __future__ import annotations

import sys

import pytest

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
