"""Occasion kinds name the collection's own home country: a reception is one in the subject's country."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.answer.records import RecordsEngine
from assistant.index.documents import record_text
from assistant.knowledge.loader import load_knowledge
from assistant.knowledge.schema import Country, at_home
from assistant.understand.lexicon import Lexicon, load_question_words
from assistant.understand.question import parse
from tests.conftest import KNOWLEDGE

MA = Country(iso="MA", ar="المغرب", en="Morocco")
TN = Country(iso="TN", ar="تونس", en="Tunisia")


@pytest.mark.parametrize(
    ("template", "home", "text"),
    [
        ("استقبال ب{home}", MA, "استقبال بالمغرب"),
        ("استقبال ب{home}", TN, "استقبال بتونس"),
        ("جا ل{home}", MA, "جا للمغرب"),  # ل before ال is written لل
        ("Reception in {home_en}", TN, "Reception in Tunisia"),
        ("استقبال ب{home}", None, "استقبال"),
    ],
)
def test_a_kind_names_the_home_country(template: str, home: Country | None, text: str) -> None:
    assert at_home(template, home) == text


def test_the_shipped_base_reads_as_before() -> None:
    kb = load_knowledge(KNOWLEDGE)
    reception = next(r for r in kb.records if r.kind == "reception")
    assert "استقبال بالمغرب" in RecordsEngine(kb).line(reception)


@pytest.fixture(scope="module")
def tunisian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped base with its collection's home country set to Tunisia (no other change)."""
    root = tmp_path_factory.mktemp("tn") / "knowledge"
    shutil.copytree(KNOWLEDGE, root, symlinks=True)
    path = root / "records" / "meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["home_country"] = "TN"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_another_home_country_is_named_in_answers_and_documents(tunisian: Path) -> None:
    kb = load_knowledge(tunisian)
    reception = next(r for r in kb.records if r.kind == "reception")
    line = RecordsEngine(kb).line(reception)
    assert "استقبال بتونس" in line and "بالمغرب" not in line
    assert "استقبال بتونس" in record_text(reception, kb.reference, "TN")


def test_another_home_country_signals_a_reception(tunisian: Path) -> None:
    lex = Lexicon(load_knowledge(tunisian), load_question_words(tunisian))
    assert {e.value for e in parse("من التقى حموشي في تونس؟", lex).of("kind")} == {"reception"}
    assert not parse("من التقى حموشي داخل المغرب؟", lex).of("kind")  # Morocco is not this subject's home
