"""Meeting records and their sources as tables and chart data (pandas), with the filters the tab offers.

Pure functions over the core's records and reference data, so the tab, the charts and the tests agree on
what a filter means. Charts are drawn in the browser by ``gr.BarPlot`` (which shapes Arabic labels);
these functions only build the frames it plots.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pandas as pd

if TYPE_CHECKING:  # types only: the UI reads records through the Assistant
    from assistant.knowledge.schema import EventRecord, Reference

COL_ID = "المعرّف"
COL_DATE = "التاريخ"
COL_DAYS = "الأيام"
COL_MONTH = "الشهر"
COL_COUNTRY = "الدولة"
COL_CITY = "المدينة"
COL_KIND = "النوع"
COL_TOPICS = "المحاور"
COL_PEOPLE = "النظراء"
COL_CONFIDENCE = "الثقة"
COL_REPORTS = "التقارير"
COL_COUNT = "عدد اللقاءات"
COL_REGION = "المنطقة"
COL_PUBLISHER = "الناشر"
COL_LINK = "الرابط"
COL_LANGUAGE = "اللغة"
COL_MEETINGS = "اللقاءات التي يدعمها"

MEETING_COLUMNS = [
    COL_DATE,
    COL_DAYS,
    COL_MONTH,
    COL_COUNTRY,
    COL_CITY,
    COL_KIND,
    COL_TOPICS,
    COL_PEOPLE,
    COL_CONFIDENCE,
    COL_REPORTS,
    COL_ID,
]
MEETING_WIDTHS = ["9%", "4%", "6%", "8%", "6%", "10%", "24%", "14%", "5%", "5%", "9%"]
"""Relative column widths for the table: the topics and counterparts get the room they need."""
CONFIDENCE_AR = {"high": "عالية", "medium": "متوسطة", "low": "ضعيفة"}
LANGUAGE_AR = {"ar": "العربية", "fr": "الفرنسية", "en": "الإنجليزية", "es": "الإسبانية", "de": "الألمانية"}


@dataclass(frozen=True)
class Filters:
    """What the reader picked; an empty tuple means «all»."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    months: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @classmethod
    def from_ui(
        cls,
        countries: Iterable[str] | None = None,
        regions: Iterable[str] | None = None,
        months: Iterable[str | int] | None = None,
        kinds: Iterable[str] | None = None,
        topics: Iterable[str] | None = None,
    ) -> Filters:
        """Dropdown values arrive as lists of strings (or None when cleared)."""
        return cls(
            countries=tuple(countries or ()),
            regions=tuple(regions or ()),
            months=tuple(int(m) for m in months or ()),
            kinds=tuple(kinds or ()),
            topics=tuple(topics or ()),
        )


def month_labels(reference: Reference) -> list[str]:
    """The twelve display names, January first: the first (Maghrebi) name of each month in the data."""
    by_number = {m.number: m.names[0] for m in reference.months}
    return [by_number.get(n, str(n)) for n in range(1, 13)]


def _labels(reference: Reference) -> tuple[dict[str, str], dict[str, str]]:
    topics = {t.id: t.ar for t in reference.topics}
    kinds = {k.id: k.ar for k in reference.kinds}
    return topics, kinds


def record_regions(record: EventRecord, reference: Reference) -> list[str]:
    return [r.id for r in reference.regions if record.country.iso in r.members]


def filter_records(records: Sequence[EventRecord], reference: Reference, filters: Filters) -> list[EventRecord]:
    """Records matching every non-empty filter (within one filter, any of the picked values)."""
    picked_members = {iso for r in reference.regions if r.id in filters.regions for iso in r.members}
    out = []
    for record in records:
        if filters.countries and record.country.iso not in filters.countries:
            continue
        if filters.regions and record.country.iso not in picked_members:
            continue
        if filters.months and record.start.month not in filters.months:
            continue
        if filters.kinds and record.kind not in filters.kinds:
            continue
        if filters.topics and not set(record.topics) & set(filters.topics):
            continue
        out.append(record)
    return out


def filter_choices(records: Sequence[EventRecord], reference: Reference) -> dict[str, list[tuple[str, str]]]:
    """(label, value) pairs for each filter, only for values some record has, in a reading order."""
    labels = month_labels(reference)
    topics, _ = _labels(reference)
    countries = {r.country.iso: r.country.ar for r in records}
    used_regions = {rid for r in records for rid in record_regions(r, reference)}
    used_topics = {t for r in records for t in r.topics}
    used_months = sorted({r.start.month for r in records})
    used_kinds = {r.kind for r in records}
    return {
        "countries": sorted(((name, iso) for iso, name in countries.items()), key=lambda p: p[0]),
        "regions": [(r.ar, r.id) for r in reference.regions if r.id in used_regions],
        "months": [(labels[m - 1], str(m)) for m in used_months],
        "kinds": [(k.ar, k.id) for k in reference.kinds if k.id in used_kinds],
        "topics": [(topics[t], t) for t in topics if t in used_topics]
        + [(t, t) for t in sorted(used_topics - topics.keys())],
    }


def meetings_frame(records: Sequence[EventRecord], reference: Reference) -> pd.DataFrame:
    """One row per meeting, date-sorted; ISO start dates and a day count so both columns sort correctly
    (a mixed cell like «2024-02-04 (5 أيام)» would also reorder itself in a right-to-left table)."""
    labels = month_labels(reference)
    topics, kinds = _labels(reference)
    rows = []
    for r in sorted(records, key=lambda rec: (rec.start, rec.id)):
        rows.append(
            {
                COL_DATE: r.start.isoformat(),
                COL_DAYS: (r.end - r.start).days + 1,
                COL_MONTH: labels[r.start.month - 1],
                COL_COUNTRY: r.country.ar,
                COL_CITY: r.city.ar,
                COL_KIND: kinds.get(r.kind, r.kind),
                COL_TOPICS: "، ".join(topics.get(t, t) for t in r.topics),
                COL_PEOPLE: "، ".join(c.name_ar for c in r.counterparts),
                COL_CONFIDENCE: CONFIDENCE_AR.get(r.confidence, r.confidence),
                COL_REPORTS: len(r.sources),
                COL_ID: r.id,
            }
        )
    return pd.DataFrame(rows, columns=MEETING_COLUMNS)


def per_month_frame(records: Sequence[EventRecord], reference: Reference) -> pd.DataFrame:
    """Meetings per month and kind, every month of the year present (zeros too) so it reads as a timeline."""
    labels = month_labels(reference)
    _, kinds = _labels(reference)
    counts = Counter((r.start.month, r.kind) for r in records)
    kind_ids = [k.id for k in reference.kinds] or sorted({r.kind for r in records})
    rows = [
        {COL_MONTH: labels[m - 1], COL_KIND: kinds.get(k, k), COL_COUNT: counts.get((m, k), 0)}
        for m in range(1, 13)
        for k in kind_ids
    ]
    return pd.DataFrame(rows, columns=[COL_MONTH, COL_KIND, COL_COUNT])


def per_country_frame(records: Sequence[EventRecord]) -> pd.DataFrame:
    counts = Counter(r.country.ar for r in records)
    rows = [{COL_COUNTRY: c, COL_COUNT: n} for c, n in sorted(counts.items(), key=lambda p: (-p[1], p[0]))]
    return pd.DataFrame(rows, columns=[COL_COUNTRY, COL_COUNT])


def per_region_frame(records: Sequence[EventRecord], reference: Reference) -> pd.DataFrame:
    """Meetings per region; regions overlap (the Gulf is in the Middle East), so rows do not add up."""
    counts = Counter(rid for r in records for rid in record_regions(r, reference))
    names = {r.id: r.ar for r in reference.regions}
    ranked = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    rows = [{COL_REGION: names[rid], COL_COUNT: n} for rid, n in ranked]
    return pd.DataFrame(rows, columns=[COL_REGION, COL_COUNT])


def reports_frame(records: Sequence[EventRecord], reference: Reference) -> pd.DataFrame:
    """Each report (source URL) with how many meeting records it supports, most-used first."""
    labels = month_labels(reference)
    supported: dict[str, list[EventRecord]] = defaultdict(list)
    meta: dict[str, tuple[str, str]] = {}
    for r in records:
        for s in r.sources:
            supported[s.url].append(r)
            host = urlsplit(s.url).netloc.removeprefix("www.")
            publisher, language = meta.get(s.url, ("", ""))
            meta[s.url] = (publisher or s.publisher or host, language or s.language or "")
    rows = []
    for url, recs in supported.items():
        publisher, language = meta[url]
        host = urlsplit(url).netloc.removeprefix("www.")
        rows.append(
            {
                COL_PUBLISHER: publisher,
                COL_LINK: f"[{host}]({url})",
                COL_LANGUAGE: LANGUAGE_AR.get(language, language),
                COL_COUNT: len(recs),
                COL_MEETINGS: "، ".join(
                    f"{r.city.ar} ({r.start.day} {labels[r.start.month - 1]})"
                    for r in sorted(recs, key=lambda x: x.start)
                ),
            }
        )
    rows.sort(key=lambda row: (-row[COL_COUNT], row[COL_PUBLISHER]))
    return pd.DataFrame(rows, columns=[COL_PUBLISHER, COL_LINK, COL_LANGUAGE, COL_COUNT, COL_MEETINGS])
