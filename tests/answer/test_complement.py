"""What the records hold none of: complements over months, a region's countries, the occasions a question
means — on the shipped base and on a base of another subject, year and home country."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask, _asker, keyword_pipeline

THIRD = REPO_ROOT / "evals" / "kbs" / "third-subject"


def first_line(text: str) -> str:
    return text.splitlines()[0]


@pytest.fixture(scope="module")
def third() -> Ask:
    return _asker(keyword_pipeline(THIRD))


def months_without_records(knowledge_dir: object) -> set[int]:
    kb = load_knowledge(knowledge_dir)  # type: ignore[arg-type]
    held = {m for r in kb.records for m in range(r.start.month, r.end.month + 1)}
    return set(range(1, 13)) - held


@pytest.mark.parametrize(
    "question",
    [
        "أي الشهور لم يعقد فيها حموشي أي لقاء؟",
        "Which months of 2024 had no meetings?",
        "شنو هوما الشهور اللي ما دار فيها حموشي حتى لقاء؟",
    ],
)
def test_the_months_without_an_occasion(shipped: Ask, question: str) -> None:
    a = shipped(question)
    kb = load_knowledge(REPO_ROOT / "knowledge")
    names = {m.number: m.names[0] for m in kb.reference.months}
    line = first_line(a.text)
    assert a.rule == "records" and a.answerable
    for n in range(1, 13):
        assert (names[n] in line) == (n in months_without_records(REPO_ROOT / "knowledge")), names[n]
    assert a.citations and all(c.kind == "record" for c in a.citations)


def test_a_count_of_months_without_an_occasion(shipped: Ask) -> None:
    a = shipped("كم شهرا لم يعقد فيه حموشي أي لقاء؟")
    assert f"{len(months_without_records(REPO_ROOT / 'knowledge'))} أشهر" in first_line(a.text)


@pytest.mark.parametrize(
    "question", ["ما هي دول الخليج التي لم يزرها حموشي؟", "Which Gulf countries did Hammouchi not visit?"]
)
def test_a_regions_countries_without_an_occasion(shipped: Ask, question: str) -> None:
    line = first_line(shipped(question).text)
    assert all(c in line for c in ("الكويت", "البحرين", "عمان"))
    assert not any(c in line for c in ("السعودية", "قطر", "الإمارات"))


def test_what_about_another_region_keeps_the_complement(shipped: Ask) -> None:
    first = "ما هي دول الخليج التي لم يزرها حموشي؟"
    a = shipped("وماذا عن أوروبا؟", first)
    line = first_line(a.text)
    assert "النمسا" in line and "إسبانيا" not in line and "فرنسا" not in line


def test_the_occasions_meant_less_those_the_denial_names(shipped: Ask) -> None:
    a = shipped("ما الدول التي زارها حموشي ولم يوقع فيها اتفاقية؟")
    line = first_line(a.text)
    kb = load_knowledge(REPO_ROOT / "knowledge")
    signed = {r.country.ar for r in kb.records if r.agreements}
    assert "فرنسا" in line and signed and not any(c in line for c in signed)


def test_a_kind_of_agreement_denied_denies_that_kind_only(shipped: Ask) -> None:
    """«خطة عمل» is not «اتفاقية»: the countries where a memorandum but no action plan was signed are listed."""
    a = shipped("ما الدول التي زارها حموشي ولم يوقع فيها خطة عمل؟")
    line = first_line(a.text)
    kb = load_knowledge(REPO_ROOT / "knowledge")
    planned = {r.country.ar for r in kb.records if any("خطة عمل" in x.ar for x in r.agreements)}
    memo_only = {r.country.ar for r in kb.records if r.agreements} - planned
    assert "خطة عمل" in line and planned and memo_only
    # the memoranda signed abroad (the UK, the UAE; Brazil's was signed at home, no visit)
    assert sum(c in line for c in memo_only) >= 2 and not any(c in line for c in planned)


def test_a_yes_no_complement(shipped: Ask) -> None:
    a = shipped("هل زار حموشي قطر ولم يزر الكويت؟")
    assert a.text.startswith("نعم") and "الدوحة" in a.text


def test_what_nothing_enumerates_is_said_not_listed_as_visits(shipped: Ask) -> None:
    a = shipped("ما الدول التي لم يلتق حموشي مسؤوليها؟")
    assert not a.answerable
    assert "لا تعدّد السجلات ما لم يحدث" in a.text


def test_countries_of_the_records_never_visited(shipped: Ask) -> None:
    kb = load_knowledge(REPO_ROOT / "knowledge")
    visited = {r.country.ar for r in kb.records if r.kind == "visit_abroad"}
    received = {r.country.ar for r in kb.records if r.kind == "reception"} - visited
    for question in ("ما الدول التي لم يزرها حموشي؟", "إيه الدول اللي حموشي مزارهاش خالص؟"):
        line = first_line(shipped(question).text)
        assert received and all(c in line for c in received), question
        assert not any(c in line for c in visited), question


def test_the_complement_on_another_subject_year_and_home(third: Ask) -> None:
    kb = load_knowledge(THIRD)
    names = {m.number: m.names[0] for m in kb.reference.months}
    a = third("في أي الأشهر لم يلتق سامي بن عمار أي مسؤول سنة 2023؟")
    line = first_line(a.text)
    assert a.rule == "records" and "(2023)" in line
    for n in range(1, 13):
        assert (names[n] in line) == (n in months_without_records(THIRD)), names[n]
    b = third("ما الدول الأوروبية التي لم يزرها بن عمار؟")
    visited = {r.country.ar for r in kb.records}
    line = first_line(b.text)
    assert "ألمانيا" in line and not any(c in line for c in visited)


def test_a_regions_members_are_cited_from_the_reference_data(shipped: Ask) -> None:
    a = shipped("ما هي دول الخليج التي لم يزرها حموشي؟")
    refs = [c for c in a.citations if c.kind == "reference"]
    assert [c.source_id for c in refs] == ["reference/regions.yaml#gulf"]
    assert "الكويت" in refs[0].quote  # the answer names Kuwait, which no record does


def test_why_not_is_no_records_question(shipped: Ask) -> None:
    a = shipped("لماذا لم يزر حموشي الكويت؟")  # no record says why something did not happen
    assert not any(c.kind == "record" for c in a.citations)
