"""The shapes of everything under ``knowledge/``, validated on load.

Records keep their sources and confidence; display text is stored as written and never normalised here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

Confidence = Literal["high", "medium", "low"]
DatePrecision = Literal["day", "range", "week", "month", "year"]
EventKind = Literal["visit_abroad", "reception", "multilateral"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- articles --------------------------------------------------------------------------------------


class ArticleMeta(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,80}$")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: HttpUrl
    published: dt.date
    language: str = Field(pattern=r"^[a-z]{2}$")
    section: str | None = None
    author: str | None = None
    examples: tuple[str, ...] = Field(default=(), description="Questions this article answers, shown as examples.")
    publisher_aliases: tuple[str, ...] = Field(
        default=(), description="Other names a reader may use for the publisher («أنفاس», «Anfas»)."
    )


class Article(Strict):
    meta: ArticleMeta
    body: str = Field(min_length=1)
    path: str


# --- event records ---------------------------------------------------------------------------------


class Bilingual(Strict):
    ar: str = Field(min_length=1)
    en: str | None = None


class Place(Strict):
    ar: str = Field(min_length=1)
    latin: str = Field(min_length=1)


class CountryRef(Strict):
    iso: str = Field(pattern=r"^[A-Z]{2}$")
    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Counterpart(Strict):
    name_ar: str = Field(min_length=1)
    name_latin: str = Field(min_length=1)
    title_ar: str | None = None
    title_en: str | None = None
    agency_ar: str | None = None
    agency_en: str | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="When not the record's country.")
    confidence: Confidence = "high"


class Source(Strict):
    url: str = Field(pattern=r"^https?://")
    publisher: str | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    note: str | None = None


class EventRecord(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,80}$")
    start: dt.date
    end: dt.date
    date_precision: DatePrecision
    date_note_ar: str | None = None
    country: CountryRef
    city: Place
    venue: Bilingual | None = None
    kind: EventKind
    event: Bilingual | None = None
    counterparts: list[Counterpart] = Field(default_factory=list)
    topics: list[str] = Field(min_length=1)
    agreements: list[Bilingual] = Field(default_factory=list)
    summary_ar: str = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    confidence: Confidence
    confidence_note_ar: str | None = None
    disagreements: list[Bilingual] = Field(default_factory=list, description="Where reports differ from the article.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> EventRecord:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Subject(Strict):
    name_ar: str
    name_latin: str
    title_ar: str | None = None
    gender: Literal["m", "f"] = Field("m", description="Grammatical gender of the subject, for phrasing.")
    aliases: list[str] = Field(default_factory=list)
    refs: list[str] = Field(
        default_factory=list, description="Descriptions that stand for the subject («المسؤول المغربي», «DGSN»)."
    )


class RecordCollection(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,80}$")
    title_ar: str
    title_en: str | None = None
    subject: Subject
    home_country: str = Field(pattern=r"^[A-Z]{2}$", description="Where receptions take place.")
    related_articles: list[str] = Field(default_factory=list)
    description_ar: str | None = None
    examples: list[str] = Field(default_factory=list, description="Questions the records answer, shown as examples.")
    event_words: list[str] = Field(
        default_factory=list,
        description="Verbs and nouns for this collection's events («زار», «التقى», «visit»): a question using them "
        "is about the records.",
    )


class RecordsFile(Strict):
    collection: RecordCollection
    records: list[EventRecord] = Field(min_length=1)
    path: str = ""


# --- article claims --------------------------------------------------------------------------------


class Claim(Strict):
    """One statement the article makes, kept as data so answers can say «حسب المقال…»."""

    id: str
    kind: Literal["count_meetings", "count_countries", "busy_months", "axes", "countries_named", "statement"]
    value: int | None = None
    months: list[int] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    items: list[Bilingual] = Field(default_factory=list)
    year: int | None = None
    quote: str = Field(min_length=1, description="The article's own words, verbatim.")
    note_ar: str | None = None


class ClaimsFile(Strict):
    article: str
    claims: list[Claim] = Field(min_length=1)
    path: str = ""


# --- reference data --------------------------------------------------------------------------------


class City(Strict):
    ar: str
    latin: str
    aliases: list[str] = Field(default_factory=list)


class Country(Strict):
    iso: str = Field(pattern=r"^[A-Z]{2}$")
    ar: str
    en: str
    aliases: list[str] = Field(default_factory=list, description="Arabic and English names, demonyms.")
    capital: City | None = None
    cities: list[City] = Field(default_factory=list)


class Region(Strict):
    id: str
    ar: str
    en: str
    aliases: list[str] = Field(default_factory=list)
    members: list[str] = Field(min_length=1)
    continent: bool = Field(False, description="One of the parts of the world «أي قارة…؟» compares.")


class Month(Strict):
    number: int = Field(ge=1, le=12)
    names: list[str] = Field(min_length=1, description="Every common Arabic variant, then English.")


class Period(Strict):
    """A part of the year said by name («النصف الثاني», «الصيف», «Q1»): the months it covers."""

    names: list[str] = Field(min_length=1, description="Arabic variants, then English.")
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)


class Topic(Strict):
    id: str
    ar: str
    en: str
    synonyms: list[str] = Field(default_factory=list)


HOME = re.compile(r"(ل|ب|في |in |to )?\{home(_en)?\}")


def at_home(template: str, home: Country | None) -> str:
    """A kind's label or cue with its collection's home country put in: «استقبال ب{home}» → «استقبال بتونس»,
    «جا ل{home}» → «جا للمغرب» (ل before ال is written لل); with no home, the place is left out."""

    def fill(m: re.Match[str]) -> str:
        prefix, english = m.group(1) or "", bool(m.group(2))
        if home is None:
            return ""
        name = home.en if english else home.ar
        if prefix == "ل" and name.startswith("ال"):
            return "ل" + name[1:]
        return prefix + name

    return " ".join(HOME.sub(fill, template).split())


class Kind(Strict):
    """An occasion kind. Its label and cues may name the collection's home country as ``{home}`` (Arabic) or
    ``{home_en}``: a reception is one in the subject's own country, whichever that is."""

    id: EventKind
    ar: str
    en: str
    synonyms: list[str] = Field(default_factory=list)

    def label(self, home: Country | None) -> str:
        return at_home(self.ar, home)

    def cues(self, homes: list[Country]) -> list[tuple[str, Country | None]]:
        """Its synonyms with the home country each names: those that name one are said once per home country
        of the base's collections, and signal this kind only for a collection at home there
        (``RecordsEngine.select``)."""
        out: dict[str, Country | None] = {}
        for cue in (self.ar, self.en, *self.synonyms):
            if HOME.search(cue):
                for h in homes:
                    out.setdefault(at_home(cue, h), h)
            else:
                out.setdefault(cue, None)
        return list(out.items())


class Reference(Strict):
    countries: list[Country]
    regions: list[Region]
    months: list[Month]
    topics: list[Topic]
    kinds: list[Kind]
    periods: list[Period] = Field(default_factory=list)  # months.yaml's optional ``periods:``
