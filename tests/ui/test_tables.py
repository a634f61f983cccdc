"""The meetings tab's frames and filters over the real knowledge files."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import KnowledgeBase, load_knowledge
from tests.conftest import KNOWLEDGE
from ui import tables
from ui.tables import Filters


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


def ids(records: list) -> set[str]:  # type: ignore[type-arg]
    return {r.id for r in records}


def test_meetings_frame_has_every_record_in_date_order(kb: KnowledgeBase) -> None:
    frame = tables.meetings_frame(kb.records, kb.reference)
    assert len(frame) == 17
    assert list(frame.columns) == tables.MEETING_COLUMNS
    assert list(frame[tables.COL_DATE]) == sorted(frame[tables.COL_DATE])
    first = frame.iloc[0]
    assert first[tables.COL_ID] == "mtg-2024-01-riyadh"
    assert first[tables.COL_DATE] == "2024-02-04"
    assert first[tables.COL_DAYS] == 5
    assert first[tables.COL_MONTH] == "فبراير"
    assert first[tables.COL_COUNTRY] == "السعودية"
    assert first[tables.COL_CONFIDENCE] == "عالية"
    doha = frame[frame[tables.COL_ID] == "mtg-2024-04-doha"].iloc[0]
    assert doha[tables.COL_DATE] == "2024-04-21"
    assert doha[tables.COL_DAYS] == 1
    assert doha[tables.COL_REPORTS] == 3


def test_region_filter_uses_reference_members(kb: KnowledgeBase) -> None:
    gulf = tables.filter_records(kb.records, kb.reference, Filters(regions=("gulf",)))
    assert ids(gulf) == {"mtg-2024-01-riyadh", "mtg-2024-04-doha", "mtg-2024-13-abu-dhabi"}


def test_filters_combine_with_and_and_values_with_or(kb: KnowledgeBase) -> None:
    receptions = tables.filter_records(kb.records, kb.reference, Filters(kinds=("reception",)))
    assert len(receptions) == 6
    picked = Filters(kinds=("reception",), regions=("europe",))
    european = tables.filter_records(kb.records, kb.reference, picked)
    assert ids(european) == {
        "mtg-2024-02-rabat-spain",
        "mtg-2024-08-rabat-italy",
        "mtg-2024-14-rabat-uk",
        "mtg-2024-16-rabat-belgium",
    }
    may_or_june = tables.filter_records(kb.records, kb.reference, Filters.from_ui(months=["5", "6"]))
    assert len(may_or_june) == 6
    nothing = Filters.from_ui(None, None, None, None, None)
    assert tables.filter_records(kb.records, kb.reference, nothing) == list(kb.records)
    britain = tables.filter_records(kb.records, kb.reference, Filters(countries=("GB",)))
    assert ids(britain) == {"mtg-2024-03-london", "mtg-2024-14-rabat-uk", "mtg-2024-15-glasgow-interpol"}
    cyber = tables.filter_records(kb.records, kb.reference, Filters(topics=("cybercrime",)))
    assert ids(cyber) == {"mtg-2024-07-agadir-brazil", "mtg-2024-11-lyon-interpol"}


def test_filter_choices_only_offer_values_in_the_data(kb: KnowledgeBase) -> None:
    choices = tables.filter_choices(kb.records, kb.reference)
    assert ("الخليج", "gulf") in choices["regions"]
    assert all(value != "north_america" for _, value in choices["regions"])
    assert [value for _, value in choices["months"]] == ["2", "3", "4", "5", "6", "9", "10", "11", "12"]
    assert len(choices["countries"]) == 12
    assert {value for _, value in choices["kinds"]} == {"visit_abroad", "reception", "multilateral"}


def test_per_month_frame_is_a_full_year_timeline(kb: KnowledgeBase) -> None:
    frame = tables.per_month_frame(kb.records, kb.reference)
    assert frame[tables.COL_COUNT].sum() == 17
    totals = frame.groupby(tables.COL_MONTH, sort=False)[tables.COL_COUNT].sum()
    assert list(totals.index) == tables.month_labels(kb.reference)
    assert totals["ماي"] == 3 and totals["يونيو"] == 3 and totals["شتنبر"] == 3
    assert totals["يناير"] == 0 and totals["يوليوز"] == 0


def test_per_country_and_region_counts(kb: KnowledgeBase) -> None:
    countries = tables.per_country_frame(kb.records)
    assert countries.iloc[0].to_dict() == {tables.COL_COUNTRY: "المملكة المتحدة", tables.COL_COUNT: 3}
    assert countries[tables.COL_COUNT].sum() == 17
    regions = dict(tables.per_region_frame(kb.records, kb.reference).values.tolist())
    assert regions["الخليج"] == 3
    assert regions["أوروبا"] == 11  # by record country: GB 3, ES 2, FR 2, BE 2, DE, IT
    assert regions["الشرق الأوسط"] == 4  # the Gulf three and Turkey


def test_reports_frame_counts_records_per_report(kb: KnowledgeBase) -> None:
    frame = tables.reports_frame(kb.records, kb.reference)
    total_refs = sum(len(r.sources) for r in kb.records)
    assert frame[tables.COL_COUNT].sum() == total_refs
    assert list(frame[tables.COL_COUNT]) == sorted(frame[tables.COL_COUNT], reverse=True)
    assert frame[tables.COL_LINK].str.match(r"^\[[^\]]+\]\(https?://").all()
    assert len(frame) == len({s.url for r in kb.records for s in r.sources})
