"""Occasions ordered in time and by length: after or before an anchor (an occasion, months, a year), the
nearest one, the longest and the shortest — expectations computed from the records, on two bases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.knowledge.schema import EventRecord
from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask, _asker, keyword_pipeline

SHIPPED = REPO_ROOT / "knowledge"
THIRD = REPO_ROOT / "evals" / "kbs" / "third-subject"


@pytest.fixture(scope="module")
def third() -> Ask:
    return _asker(keyword_pipeline(THIRD))


def records(knowledge: Path) -> list[EventRecord]:
    return sorted(load_knowledge(knowledge).records, key=lambda r: r.start)


def days(r: EventRecord) -> int | None:
    return (r.end - r.start).days + 1 if r.date_precision in {"day", "range"} else None


def test_the_first_visit_after_an_anchor(shipped: Ask) -> None:
    recs = records(SHIPPED)
    doha = next(r for r in recs if r.city.latin == "Doha")
    visits = [r for r in recs if r.start > doha.start and r.kind == "visit_abroad"]
    a = shipped("ما أول دولة زارها حموشي بعد قطر؟")
    assert a.text.startswith(visits[0].country.ar)


def test_the_nearest_occasion_after_and_before(shipped: Ask) -> None:
    recs = records(SHIPPED)
    k = next(i for i, r in enumerate(recs) if r.city.latin == "Doha")
    after = shipped("What did Hammouchi do right after visiting Doha?")
    # the occasion found, then the anchor it is after (cited: the answer names it)
    assert [c.source_id for c in after.citations if c.kind == "record"] == [recs[k + 1].id, recs[k].id]
    before = shipped("ما آخر لقاء عقده حموشي قبل زيارة الدوحة؟")
    assert [c.source_id for c in before.citations if c.kind == "record"] == [recs[k - 1].id, recs[k].id]


def test_a_count_before_an_occasion(shipped: Ask) -> None:
    recs = records(SHIPPED)
    paris = next(r for r in recs if r.city.latin == "Paris")
    n = sum(r.start < paris.start for r in recs)
    a = shipped("كم لقاء عقد حموشي قبل زيارة باريس؟")
    assert f"{n} لقاءات" in a.text and "قبل باريس" in a.text


def test_the_last_occasion_before_named_months(shipped: Ask) -> None:
    recs = records(SHIPPED)
    june = dt.date(recs[0].start.year, 6, 1)  # «الصيف» is June to August (months.yaml)
    last = [r for r in recs if r.start < june][-1]
    a = shipped("ما آخر لقاء عقده حموشي قبل الصيف؟")
    assert [c.source_id for c in a.citations if c.kind == "record"] == [last.id]


def test_a_year_before_the_records_bounds_them(shipped: Ask) -> None:
    a = shipped("هل التقى حموشي بمسؤولين أوروبيين بعد 2020؟")
    assert a.rule == "records" and a.text.startswith("نعم")
    b = shipped("ما الدول التي زارها حموشي بعد 2024؟")
    assert not b.answerable


@pytest.mark.parametrize(("word", "pick"), [("أطول", max), ("أقصر", min)])
def test_the_longest_and_shortest_occasions(shipped: Ask, word: str, pick: object) -> None:
    recs = [r for r in records(SHIPPED) if days(r) is not None]
    best = pick(days(r) for r in recs)  # type: ignore[operator]
    want = {r.id for r in recs if days(r) == best}
    a = shipped(f"ما {word} لقاء عقده حموشي؟")
    assert {c.source_id for c in a.citations if c.kind == "record"} == want


def test_relative_occasions_on_another_base(third: Ask) -> None:
    recs = records(THIRD)
    k = next(i for i, r in enumerate(recs) if r.country.iso == "DZ")
    a = third("ما أول لقاء عقده سامي بن عمار بعد لقائه مع الجزائريين؟")
    assert [c.source_id for c in a.citations if c.kind == "record"] == [recs[k + 1].id, recs[k].id]


def test_followed_is_after(shipped: Ask) -> None:
    recs = records(SHIPPED)
    k = next(i for i, r in enumerate(recs) if r.city.latin == "London")
    a = shipped("ما المناسبة التي تلت مباشرة زيارة حموشي إلى لندن؟")
    assert next(c.source_id for c in a.citations if c.kind == "record") == recs[k + 1].id
