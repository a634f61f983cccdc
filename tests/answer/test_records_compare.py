"""Two things set against each other, each counted on its own: expectations computed from the records."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask

SHIPPED = REPO_ROOT / "knowledge"


def count(where: set[str]) -> int:
    kb = load_knowledge(SHIPPED)
    return sum(r.country.iso in where or r.city.latin in where for r in kb.records)


def test_a_region_against_another(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    regions = {r.id: set(r.members) for r in kb.reference.regions}
    europe = sum(r.country.iso in regions["europe"] for r in kb.records)
    gulf = sum(r.country.iso in regions["gulf"] for r in kb.records)
    a = shipped("Did Hammouchi meet more Europeans than Gulf officials?")
    assert f"أوروبا: {europe} " in a.text and f"الخليج: {gulf} " in a.text
    assert a.text.startswith("نعم" if europe > gulf else "لا")


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        ("هل استقبل حموشي في الرباط أقل من أكادير؟", "Rabat", "Agadir"),
        ("هل التقى حموشي بمسؤولين من إسبانيا أكثر من فرنسا؟", "ES", "FR"),
    ],
)
def test_yes_or_no_as_the_question_puts_it(shipped: Ask, question: str, first: str, second: str) -> None:
    a, b = count({first}), count({second})
    holds = a < b if "أقل" in question else a > b
    assert shipped(question).text.startswith("نعم" if holds else "لا")


def test_which_of_two_months_is_said_not_answered_yes(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    may = sum(r.start.month == 5 for r in kb.records)
    a = shipped("أيهما شهد لقاءات أكثر: ماي أم شتنبر؟")
    assert a.rule == "records" and "ماي: " in a.text and not a.text.startswith(("نعم", "لا"))
    assert f"ماي: {may} " in a.text


def test_or_alone_asks_about_both(shipped: Ask) -> None:
    a = shipped("هل زار حموشي قطر أم الإمارات؟")
    assert "الأكثر" not in a.text and "بالتساوي" not in a.text  # no comparison: both visits are listed
    assert "قطر" in a.text and "الإمارات" in a.text


def test_the_busiest_continent_still_reads_more_than_the_others(shipped: Ask) -> None:
    a = shipped("أي قارة زارها حموشي أكثر من غيرها؟")
    assert a.text.startswith("حسب السجلات الموثقة: أوروبا")


def test_a_year_the_records_do_not_cover_is_said(shipped: Ask) -> None:
    a = shipped("Did Hammouchi hold more international meetings in 2024 than in 2023?")
    assert not a.answerable and "2023" in a.text


def test_kinds_compared_keep_each_sides_own_place(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    rabat = sum(r.kind == "reception" and r.city.latin == "Rabat" for r in kb.records)
    abroad = sum(r.kind in {"visit_abroad", "multilateral"} for r in kb.records)
    a = shipped("هل استقبل حموشي في الرباط وفودا أجنبية أكثر من عدد المناسبات التي سافر فيها إلى الخارج؟")
    assert f"استقبال بالمغرب: {rabat} " in a.text and f"زيارة عمل إلى الخارج: {abroad} " in a.text
    assert a.text.startswith("نعم" if rabat > abroad else "لا")


def test_more_in_number_than_reads_as_more_than(shipped: Ask) -> None:
    a = shipped("هل كانت زيارات حموشي إلى أوروبا أكثر عددا من زياراته إلى دول الخليج؟")
    assert a.text.startswith(("نعم", "لا")) and "أوروبا: " in a.text


def test_lengths_compared_in_days(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    days = {r.city.latin: (r.end - r.start).days + 1 for r in kb.records if r.city.latin in {"Berlin", "Paris"}}
    a = shipped("واش الزيارة ديال حموشي لبرلين طوّلات كثر من الزيارة ديالو لباريس؟")
    assert f"برلين: {days['Berlin']} " in a.text
    assert a.text.startswith("نعم" if days["Berlin"] > days["Paris"] else "لا")


def test_a_count_against_the_number_the_question_gives(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    visited = len({r.country.iso for r in kb.records if r.kind in {"visit_abroad", "multilateral"}})
    a = shipped("هل زار حموشي أكثر من 10 دول؟")
    assert a.text.startswith("نعم" if visited > 10 else "لا") and f"{visited} دول" in a.text
    people = len({c.name_latin for r in kb.records for c in r.counterparts})
    b = shipped("هل التقى حموشي بأكثر من عشرين مسؤولا سنة 2024؟")  # a number word
    assert b.text.startswith("نعم" if people > 20 else "لا")


def test_parts_of_the_year_compared_by_their_months(shipped: Ask) -> None:
    kb = load_knowledge(SHIPPED)
    first = sum(r.start.month <= 6 for r in kb.records)
    second = len(kb.records) - first
    a = shipped("كم لقاء عقد حموشي في النصف الأول مقارنة بالنصف الثاني؟")
    assert f"النصف الأول: {first} " in a.text and f"النصف الثاني: {second} " in a.text
