"""Arabic phrasing helpers: lists joined with «و», dates with month names from the knowledge files,
and counted nouns in the right form (لقاء واحد، لقاءان، 3 لقاءات، 11 لقاءً).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assistant.knowledge.schema import Month


def gendered(gender: str, masculine: str, feminine: str) -> str:
    """The verb or pronoun that agrees with a subject's grammatical gender («زار/زارت», «هو/هي»)."""
    return feminine if gender == "f" else masculine


def join_ar(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return " و".join(items)


class DateFormatter:
    def __init__(self, months: list[Month]) -> None:
        self.names = {m.number: m.names[0] for m in months}

    def day(self, d: dt.date) -> str:
        return f"{d.day} {self.names[d.month]} {d.year}"

    def month(self, number: int) -> str:
        return self.names[number]

    def span(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return self.day(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {self.names[start.month]} {start.year}"
        if start.year == end.year:
            return f"{start.day} {self.names[start.month]} – {end.day} {self.names[end.month]} {end.year}"
        return f"{self.day(start)} – {self.day(end)}"


def counted(n: int, one: str, two: str, plural: str, accusative: str) -> str:
    """Arabic number agreement for a counted noun (digits kept as digits)."""
    if n == 0:
        return f"0 {plural}"
    if n == 1:
        return f"{one} واحدة" if one.split()[0].endswith("ة") else f"{one} واحد"  # «مذكرة تفاهم واحدة»
    if n == 2:
        return two
    if 3 <= n <= 10:
        return f"{n} {plural}"
    return f"{n} {accusative}"


# what a count of records counts, beside meetings and countries: (one, two, 3–10, 11 and up)
NOUNS: dict[str, tuple[str, str, str, str]] = {
    "agreement": ("اتفاقية", "اتفاقيتان", "اتفاقيات", "اتفاقية"),
    "person": ("مسؤول", "مسؤولان", "مسؤولين", "مسؤولًا"),
    "city": ("مدينة", "مدينتان", "مدن", "مدينة"),
    "topic": ("موضوع", "موضوعان", "مواضيع", "موضوعًا"),
    "month": ("شهر", "شهران", "أشهر", "شهرًا"),
}


# and the occasions and countries themselves
FORMS: dict[str, tuple[str, str, str, str]] = {
    **NOUNS,
    "meeting": ("لقاء", "لقاءان", "لقاءات", "لقاءً"),
    "country": ("دولة", "دولتان", "دول", "دولة"),
}


def of(target: str, n: int) -> str:
    """«3 اتفاقيات», «مسؤولان», «11 لقاءً»: ``n`` of a records target (``FORMS``)."""
    return counted(n, *FORMS[target])


def meetings(n: int) -> str:
    return of("meeting", n)


def countries(n: int) -> str:
    return of("country", n)


def days(n: int) -> str:
    return counted(n, "يوم", "يومان", "أيام", "يومًا")
