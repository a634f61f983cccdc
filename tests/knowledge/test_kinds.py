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
from tests.conftest import KNOWLEDGE, REPO_ROOT

MA = Country(iso="MA", ar="المغرب", en="Morocco")
TN = Country(iso="TN", ar="تونس", en="Tunisia")
TWO_SUBJECTS = REPO_ROOT / "evals" / "kbs" / "two-subjects"


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


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-subject base with its second official made Tunisian: her receptions are in Tunis and her Tunis
    visit is a visit to Morocco. One base, two home countries."""
    root = tmp_path_factory.mktemp("mixed") / "knowledge"
    shutil.copytree(TWO_SUBJECTS, root)  # its links point outside the fixture: copy what they point at
    path = root / "records" / "idrissi-meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["home_country"] = "TN"
    for r in data["records"]:
        if r["kind"] == "reception":
            r["city"] = {"ar": "تونس العاصمة", "latin": "Tunis"}
        elif r["country"]["iso"] == "TN":
            r["country"] = {"iso": "MA", "ar": "المغرب", "en": "Morocco"}
            r["city"] = {"ar": "الرباط", "latin": "Rabat"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def _selected(root: Path, collection: str, question: str) -> list[tuple[str, str]]:
    kb = load_knowledge(root)
    frame = parse(question, Lexicon(kb, load_question_words(root)))
    return [(r.kind, r.country.iso) for r in RecordsEngine(kb, [collection]).select(frame).records]


def test_a_home_named_in_a_mixed_base_is_a_reception_only_for_the_subject_at_home_there(mixed: Path) -> None:
    hammouchi, idrissi = "hammouchi-meetings-2024", "idrissi-meetings-2024"
    # Tunis is the Tunisian official's home: her receptions; for Hammouchi it is a place he never met in
    assert _selected(mixed, idrissi, "من استقبلت الإدريسي في تونس؟") == [("reception", c) for c in ("SN", "MR", "IT")]
    assert _selected(mixed, hammouchi, "من التقى حموشي في تونس؟") == []
    # and Morocco the other way round
    receptions = _selected(mixed, hammouchi, "من التقى حموشي في المغرب؟")
    assert receptions and {k for k, _ in receptions} == {"reception"}
    assert _selected(mixed, idrissi, "من التقت الإدريسي في المغرب؟") == [("visit_abroad", "MA")]


def test_both_homes_named_at_once_are_each_read_for_each_subject(mixed: Path) -> None:
    """«في المغرب وفي تونس»: a reception at her home and her visit to the other home, for each subject alike
    (before, the Tunisian official's visit to Morocco was dropped: her home's cue made it receptions only)."""
    both = "من التقت الإدريسي في المغرب وفي تونس؟"
    assert sorted(_selected(mixed, "idrissi-meetings-2024", both)) == sorted(
        [("reception", c) for c in ("SN", "MR", "IT")] + [("visit_abroad", "MA")]
    )
    hammouchi = _selected(mixed, "hammouchi-meetings-2024", "من التقى حموشي في المغرب وفي تونس؟")
    assert hammouchi and {k for k, _ in hammouchi} == {"reception"}  # he never met anyone in Tunisia


def test_outside_the_other_home_is_not_a_place_in_it(mixed: Path) -> None:
    """«خارج المغرب» names Morocco, but not as somewhere to have been: beside her home's «في تونس», the
    Tunisian official's visit to Morocco is not selected (her receptions at home are)."""
    got = _selected(mixed, "idrissi-meetings-2024", "من التقت الإدريسي خارج المغرب وفي تونس؟")
    assert got and ("visit_abroad", "MA") not in got and {k for k, _ in got} == {"reception"}


def test_a_home_that_is_only_a_place_here_is_named_as_the_place(mixed: Path) -> None:
    kb = load_knowledge(mixed)
    frame = parse("من التقى حموشي في تونس؟", Lexicon(kb, load_question_words(mixed)))
    assert RecordsEngine(kb, ["hammouchi-meetings-2024"]).select(frame).described == "تونس"
    assert RecordsEngine(kb, ["idrissi-meetings-2024"]).select(frame).described == ""  # her receptions: no place


def test_a_reception_in_a_mixed_base_is_labelled_with_its_own_home(mixed: Path) -> None:
    kb = load_knowledge(mixed)
    engine = RecordsEngine(kb)
    lines = {engine.line(r) for r in kb.records if r.kind == "reception"}
    assert any("استقبال بتونس" in line for line in lines) and any("استقبال بالمغرب" in line for line in lines)
