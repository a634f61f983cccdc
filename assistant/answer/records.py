"""Exact answers over event records: filter by what the question names, then list, count, date, place,
people or topics — every statement backed by the records it cites. Plain retrieval cannot count; this can.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answer import arabic
from assistant.answer.cite import article_citation
from assistant.answer.complement import Complement, agreements
from assistant.answer.draft import Draft
from assistant.index.documents import article_sentences, record_text
from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import EventRecord
from assistant.models import Citation
from assistant.text import analyze, normalize
from assistant.understand.followup import FAMILIES
from assistant.understand.lexicon import Entity
from assistant.understand.question import COMPARE_FLAGS, Frame, Relation

ABROAD = {"visit_abroad", "multilateral"}


BY_DURATION = {"longest": max, "shortest": min}  # order words that rank occasions by the days they lasted


def _days(r: EventRecord) -> int | None:
    """How many days an occasion lasted, where its record dates it by its days (not by its week or month)."""
    return (r.end - r.start).days + 1 if r.date_precision in {"day", "range"} else None


FAMILY = {t: f for t, f in FAMILIES.items() if t != "subject"}  # what a comparison sets against each other
MAX_COMPARED = 4


def _compared(frame: Frame) -> list[Entity] | None:
    """The things a comparison sets against each other: two to ``MAX_COMPARED`` distinct names of one family
    (the first such family), or the question's only two names of different families («الرباط» and «الخارج»)."""
    by_family: dict[str, list[Entity]] = {}
    for e in frame.entities:
        family = by_family.setdefault(FAMILY.get(e.type, ""), [])
        if e.type in FAMILY and all((e.type, e.value) != (x.type, x.value) for x in family):
            family.append(e)
    for family, names in by_family.items():
        if family and 2 <= len(names) <= MAX_COMPARED:
            return names
    named = [e for names in by_family.values() for e in names]
    return named if len(named) == 2 else None


def _signed_what(frame: Frame, r: EventRecord) -> str:
    """The agreements of the kind asked that an occasion signed, as its line says them."""
    return "؛ ".join(a.ar for a in agreements(frame, r))


def _ordered(chosen: list[EventRecord], order: str | None) -> list[EventRecord]:
    """Occasions in date order, narrowed by an order word: the first, the last, or those that lasted
    longest or shortest (ties kept; only occasions dated by their days have a length)."""
    if order == "first":
        return chosen[:1]
    if order == "last":
        return chosen[-1:]
    if order in BY_DURATION:
        timed = [r for r in chosen if _days(r) is not None]
        best = BY_DURATION[order]((_days(r) or 0) for r in timed) if timed else None
        return [r for r in timed if _days(r) == best]
    return chosen


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Selection:
    records: list[EventRecord]
    without_kind: list[EventRecord]  # what the filters give when the kind is ignored
    described: str  # «في قطر», «في شتنبر 2024» …
    anchors: list[EventRecord] = field(default_factory=list)  # «بعد زيارة الدوحة»: the occasion it is after


class RecordsEngine:
    """Answers over the records of some collections (all of them by default): one engine per scope, so
    two subjects' records are never merged into one answer."""

    def __init__(self, kb: KnowledgeBase, collections: Sequence[str] | None = None) -> None:
        self.kb = kb
        files = [f for f in kb.record_files if collections is None or f.collection.id in collections]
        self.files = files
        self.records = [r for f in files for r in f.records]
        self.by_id = {r.id: r for r in self.records}
        self.ref = kb.reference
        self.dates = arabic.DateFormatter(self.ref.months)
        self.kinds = {k.id: k for k in self.ref.kinds}
        self.topic_ar = {t.id: t.ar for t in self.ref.topics}
        self.country = {c.iso: c for c in self.ref.countries}
        self.region = {r.id: r for r in self.ref.regions}
        self.home = {r.id: f.collection.home_country for f in kb.record_files for r in f.records}
        self.subject = {r.id: f.collection.subject.name_ar for f in kb.record_files for r in f.records}
        self.years = sorted({y for r in self.records for y in (r.start.year, r.end.year)})  # the years covered

    def known_years(self, years: tuple[int, ...]) -> list[int]:
        """Years the records cover: «كأس العالم 2030» is not a filter on 2024 meetings."""
        return [y for y in years if y in self.years]

    @property
    def covered(self) -> str:
        """The years the records cover, as said: «2024», «2023 و2024»."""
        return arabic.join_ar([str(y) for y in self.years])

    # --- selection ---------------------------------------------------------------------------------

    def select(self, frame: Frame) -> Selection:
        relation = frame.relation
        if relation is not None:  # «بعد قطر»: the anchor says when, not which occasions
            return self._relative(frame, relation)
        tests: list[Callable[[EventRecord], bool]] = []
        named_isos = {e.value for e in frame.of("country")}
        region_isos: set[str] = set()
        for e in frame.of("region"):
            region_isos |= set(self.region[e.value].members)
        if region_isos and any(e.value == "reception" for e in frame.of("kind")):
            # «المسؤولون الأوروبيون الذين استقبلهم بالمغرب»: a reception is at home; the region says whose people
            named_isos -= set(self.home.values())
        place_isos = named_isos | region_isos
        cities = {e.value.casefold() for e in frame.of("city")}
        # «ما الدول الإفريقية التي…؟»: a region asked of the countries an answer lists qualifies those countries
        # (a delegation received at a home inside the region is not from it)
        of_listed = frame.target == "country"

        def in_country(r: EventRecord) -> bool:
            if of_listed and r.country.iso in region_isos:
                return True
            return self._in_countries(r, named_isos if of_listed else place_isos)

        def in_city(r: EventRecord) -> bool:
            return r.city.latin.casefold() in cities

        def in_both(r: EventRecord) -> bool:
            return in_country(r) and in_city(r)

        def in_either(r: EventRecord) -> bool:
            return in_country(r) or in_city(r)

        if place_isos and cities:  # «لقاء الرباط مع الوفد البلجيكي»: both must hold, unless nothing does
            tests.append(in_both if any(in_both(r) for r in self.records) else in_either)
        elif place_isos:
            tests.append(in_country)
        elif cities:
            tests.append(in_city)
        homes = {e.home for e in frame.of("kind") if e.home}
        if homes and any(self.home[r.id] not in homes for r in self.records):
            # «في تونس» is a reception for a collection at home in Tunisia and, for any other, the place it names
            away = self._homes_as_places(frame)
            tests.append(lambda r: self.home[r.id] in homes or not away or self._in_countries(r, away))
        months = {int(e.value) for e in frame.of("month")}
        if months:
            tests.append(lambda r: any(m in months for m in range(r.start.month, r.end.month + 1)))
        years = self.known_years(frame.years)
        if years:
            tests.append(lambda r: r.start.year in years or r.end.year in years)
        people = {e.value for e in frame.of("person")}
        agencies = {e.value.casefold() for e in frame.of("agency")}
        if people or agencies:
            tests.append(
                lambda r: any(
                    c.name_latin in people or (c.agency_en or "").casefold() in agencies for c in r.counterparts
                )
            )
        events = {e.value for e in frame.of("event")}
        if events:  # «سوق السفر العالمي», "the World Travel Market": the occasions of that named event
            tests.append(lambda r: r.event is not None and r.event.ar in events)
        if frame.days:
            tests.append(
                lambda r: any(
                    r.start <= dt.date(r.start.year, m, d) <= r.end for m, d in frame.days if _valid(r.start.year, m, d)
                )
            )
        if "signed" in frame.flags:  # «في أي المدن وقع مذكرات تفاهم؟»: the occasions that signed one (of the kind)
            described = self._described(frame)
            tests.append(lambda r: bool(agreements(frame, r)) and described(r))
        base = [r for r in self.records if all(t(r) for t in tests)]
        topics = {e.value for e in frame.of("topic")}
        on_topic = [r for r in base if topics & set(r.topics)]
        # a topic word inside a title the question quotes («المفوض العام للاستعلامات») must not empty it
        if on_topic or not tests or not self._titled_topic(frame):
            base = on_topic if topics else base
        # a named event says which occasion: «معرض فيتور» of a working visit is no multilateral meeting
        chosen = [r for r in base if events or self._kind_fits(frame, r)]
        chosen.sort(key=lambda r: r.start)
        return Selection(_ordered(chosen, frame.order), base, self._describe(frame))

    def _relative(self, frame: Frame, relation: Relation) -> Selection:
        """The occasions the rest of the question means that started after (or before) the anchor: the first
        occasion it names (for «after»; the last, for «before»), or the months it names; only the nearest one
        for «مباشرة بعد», unless an order word asks another."""
        rest = list(frame.entities)
        # the anchor's own mentions, the last of equal ones (it comes after the cue); one an earlier turn gave
        # («بعد ذلك») is not in the question, whose «ذهب» still asks a visit
        for e in () if relation.back else relation.anchor:
            at = max((k for k, x in enumerate(rest) if x == e), default=None)
            if at is not None:  # (a caller may already have narrowed the entities)
                del rest[at]
        pivot = self._pivot(frame, relation)
        if pivot is None:
            return Selection([], [], self._describe(frame))
        day, label, anchors = pivot
        sel = self.select(frame.with_(entities=tuple(rest), relation=None, order=None))
        described = "، ".join(filter(None, [sel.described, f"{'بعد' if relation.after else 'قبل'} {label}"]))
        chosen = [r for r in sel.records if (r.start > day if relation.after else r.start < day)]
        if relation.nearest and frame.order is None and relation.steps > 1:  # «وبعدها؟» again: the second after
            k = relation.steps
            picked = chosen[k - 1 : k] if relation.after else chosen[::-1][k - 1 : k]
            return Selection(picked, chosen, described, anchors)
        order = frame.order or (("first" if relation.after else "last") if relation.nearest else None)
        return Selection(_ordered(chosen, order), chosen, described, anchors)

    def _pivot(self, frame: Frame, relation: Relation) -> tuple[dt.date, str, list[EventRecord]] | None:
        """The day the anchor starts (an occasion) or bounds (months), how to say it, and the occasion (cited
        with the answer); None where the records hold no such occasion, or months of several years, none named."""
        if relation.year is not None:
            y = relation.year
            return (dt.date(y, 12, 31), str(y), []) if relation.after else (dt.date(y, 1, 1), str(y), [])
        months = sorted(int(e.value) for e in relation.anchor if e.type == "month")
        named = tuple(e for e in relation.anchor if e.type != "month")
        if named:
            subject = tuple(e for e in frame.entities if e.type == "subject")
            anchor = frame.with_(entities=subject + named, relation=None, order=None, days=(), negation=None)
            occasions = [r for r in self.select(anchor).records if not months or r.start.month in months]
            if not occasions:
                return None
            pick = occasions[0] if relation.after else occasions[-1]
            return pick.start, f"{self.place(pick)} ({self.dates.span(pick.start, pick.end)})", [pick]
        years = self.known_years(frame.years) or self.years
        if len(years) != 1 or not months:
            return None
        year = years[0]
        if relation.after:
            last = months[-1]
            day = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
        else:
            day = dt.date(year, months[0], 1)
        return day, f"{arabic.join_ar([self.dates.month(m) for m in months])} {year}", []

    def _kind_fits(self, frame: Frame, r: EventRecord) -> bool:
        """Of a kind asked for; or, where the question also names another home country, at that place: «في
        المغرب وفي تونس» asks a Tunisian official's receptions at home and her occasions in Morocco alike."""
        kinds = self._kinds(frame, r)
        if not kinds or r.kind in kinds:
            return True
        away = self._homes_as_places(frame) - {self.home[r.id]}
        return bool(away) and self._in_countries(r, away)

    def _titled_topic(self, frame: Frame) -> bool:
        """A topic the question names in words a counterpart's title or agency also says («المفوض العام
        للاستعلامات» says «الاستعلامات»): it may name the person, not the topic."""
        text = normalize(frame.text)
        named = {e.value for e in frame.of("topic")}
        words = [normalize(w) for t in self.ref.topics if t.id in named for w in (t.ar, *t.synonyms)]
        return any(w in text and any(w in title for title in self.titles) for w in words if w)

    @cached_property
    def titles(self) -> list[str]:
        """The counterparts' titles and agencies, normalised."""
        said = {x for r in self.records for c in r.counterparts for x in (c.title_ar, c.agency_ar) if x}
        return [normalize(x) for x in said]

    @staticmethod
    def _homes_as_places(frame: Frame) -> set[str]:
        """The home countries a question names as receptions («في تونس»): for a collection at home elsewhere,
        places. A cue naming a home otherwise («خارج المغرب») names no place to be in."""
        return {e.home for e in frame.of("kind") if e.home and e.value == "reception"}

    def _kinds(self, frame: Frame, r: EventRecord) -> set[str]:
        """The kinds a question asks for, as they apply to this record: a kind said by naming a home country
        only where the record's collection is at home there."""
        kinds = {e.value for e in frame.of("kind") if not e.home or e.home == self.home[r.id]}
        if "visit_abroad" in kinds and "strict_kind" not in frame.flags:
            kinds |= ABROAD  # «زار», «خارج المغرب»: every trip abroad; «زيارات العمل» only the working visits
        return kinds

    def _in_countries(self, r: EventRecord, isos: set[str]) -> bool:
        """Counted under one of these countries, or took place in one (a reception, at its home)."""
        return r.country.iso in isos or self._place_country(r) in isos

    def _place_country(self, r: EventRecord) -> str:
        return self.home[r.id] if r.kind == "reception" else r.country.iso

    def _describe(self, frame: Frame) -> str:
        at_home = {f.collection.home_country for f in self.files}
        parts = []
        for e in frame.entities:
            if e.type in {"country", "region", "city", "person", "agency", "topic", "event"}:
                parts.append(e.label)
            elif e.type == "kind" and e.value == "reception" and e.home in self.country and e.home not in at_home:
                parts.append(self.country[e.home].ar)  # «في تونس» where no collection here is at home: the place
        months = [self.dates.month(int(e.value)) for e in frame.of("month")]
        years = [str(y) for y in frame.years]
        when = " ".join(filter(None, [arabic.join_ar(months), arabic.join_ar(years)]))
        return "، ".join(filter(None, [arabic.join_ar(parts), when]))

    # --- citations ---------------------------------------------------------------------------------

    def cite(self, r: EventRecord, highlights: list[str] | None = None) -> Citation:
        return Citation(
            source_id=r.id,
            kind="record",
            title=f"{self.kind_label(r)}: {self.place(r)} — {self.dates.span(r.start, r.end)}",
            url=r.sources[0].url,
            quote=record_text(r, self.ref, self.home[r.id]),
            date=r.start.isoformat(),
            highlights=highlights or [],
            sources=[s.url for s in r.sources],
        )

    # --- phrasing ----------------------------------------------------------------------------------

    def place(self, r: EventRecord) -> str:
        if r.kind == "reception":
            return f"{r.city.ar}، {self.country[self.home[r.id]].ar} (وفد من {r.country.ar})"
        return f"{r.city.ar}، {r.country.ar}"

    def line(self, r: EventRecord) -> str:
        return f"{self.dates.span(r.start, r.end)}: {self.kind_label(r)} — {self.place(r)}{self.occasion(r)}"

    @staticmethod
    def occasion(r: EventRecord) -> str:
        """The named occasion, where the record gives one («معرض الدفاع العالمي 2024»): a date or a place
        alone does not say what brought the subject there, which is what a reader asks next."""
        return f" ({r.event.ar})" if r.event is not None else ""

    def kind_label(self, r: EventRecord) -> str:
        """«استقبال بالمغرب» for a Moroccan subject, «استقبال بتونس» for a Tunisian one."""
        kind = self.kinds.get(r.kind)
        return kind.label(self.country.get(self.home[r.id])) if kind is not None else r.kind

    def people(self, r: EventRecord) -> str:
        names = [
            f"{c.name_ar} ({c.name_latin})" + "".join(f"، {x}" for x in (c.title_ar, c.agency_ar) if x)
            for c in r.counterparts
        ]
        return arabic.join_ar(names) if names else "لم تُسمِّ المصادر نظراءه"

    def answer(self, frame: Frame) -> Draft | None:
        """An exact answer, or None when the question names nothing the records can filter on. A question
        that also asks yes or no («ألم يلتق… في الرباط؟ ومتى كان ذلك؟», read as a «when») is told yes first,
        where the records hold what it asks about."""
        draft = self._answer(frame)
        told = draft is not None and draft.text.startswith(("نعم", "لا"))
        if draft is not None and draft.answerable and "yesno_too" in frame.flags and not told:
            draft.text = "نعم. " + draft.text
        return draft

    def _answer(self, frame: Frame) -> Draft | None:
        if frame.years and not self.known_years(frame.years):
            asked = arabic.join_ar([str(y) for y in frame.years])
            return Draft(f"لا تتضمن قاعدة المعرفة لقاءات سنة {asked}؛ السجلات تغطي سنة {self.covered}.", False, [])
        if frame.negation is not None:  # «أي الشهور لم يلتق فيها…؟»: what the records hold none of
            return Complement(self).answer(frame, frame.negation)
        sel = self.select(frame)
        recs = sel.records
        scope = f" ({sel.described})" if sel.described else ""
        compared = self._compare(frame) if COMPARE_FLAGS & frame.flags else None
        if compared is not None:  # «الرباط مقارنة بالخارج»: each counted alone, though none is both
            return compared
        if not recs:
            return self._nothing(frame, sel)
        cites = [self.cite(r, self._highlights(frame, r)) for r in recs]
        cites += [self.cite(r) for r in sel.anchors if r not in recs]  # what «بعد الدوحة» names is cited too
        intent, target = frame.intent, frame.target
        if "busiest" in frame.flags and target in {"country", "city", "region"}:
            return self._busiest(recs, target, scope)
        if target == "agreement" and intent in SIGNED_LINES:  # «أين وقع مذكرات التفاهم؟»: where they were signed
            return self._signed(frame, recs, cites, scope)
        if target == "duration" or frame.order in BY_DURATION:  # «كم يوما استغرقت…؟», «أطول زيارة»: the days
            return Draft(self.bullets(recs, lambda r: f"{self.line(r)}: {self._lasted(r)}"), True, cites)
        if intent == "count":
            if target == "country":
                isos = sorted({r.country.iso for r in recs})
                names = arabic.join_ar([self.country[i].ar for i in isos])
                text = f"حسب السجلات الموثقة{scope}: {arabic.countries(len(isos))} هي {names}."
            elif target in arabic.NOUNS:  # «كم اتفاقية وقع…؟», «كم مسؤولا التقى…؟»: the things, not the occasions
                per = self._things_in(frame, recs, target)
                things = list(dict.fromkeys(t for ts in per.values() for t in ts))  # in date order, each once
                holding = {rid for rid, ts in per.items() if ts}
                cites = [c for c in cites if c.source_id in holding]
                # and in how many occasions: «كم مسؤولا استقبل…؟» is read as people and as delegations alike
                counts = f"{arabic.counted(len(things), *self.noun(frame, target))} في {arabic.meetings(len(holding))}"
                text = f"حسب السجلات الموثقة{scope}: {counts}: {arabic.join_ar(things)}."
                if not things:
                    text = f"لا تذكر السجلات الموثقة{scope} أي {self.noun(frame, target)[0]}."
            else:
                said = arabic.counted(len(recs), *self.noun(frame, "meeting"))
                text = f"حسب السجلات الموثقة{scope}: {said}.\n" + self.bullets(recs, self.line)
            return Draft(text, True, cites)
        if intent == "yesno" and target == "agreement":
            signed = [r for r in recs if agreements(frame, r)]
            if not signed:
                return Draft(f"لا، لا تذكر السجلات{scope} توقيع أي {self._agreement_word(frame)}.", True, cites)
            body = self.bullets(signed, lambda r: f"{self.line(r)}: {_signed_what(frame, r)}")
            return Draft(f"نعم{scope}:\n{body}", True, [c for c in cites if c.source_id in {r.id for r in signed}])
        if intent == "yesno":
            return Draft(f"نعم{scope}. " + self.bullets(recs, self.line), True, cites)
        if intent == "when":
            return Draft(
                self.bullets(
                    recs,
                    lambda r: (
                        f"{self.dates.span(r.start, r.end)} — {self.place(r)}{self.occasion(r)}"
                        + (f" ({r.date_note_ar})" if r.date_note_ar else "")
                    ),
                ),
                True,
                cites,
            )
        if intent == "where":
            return Draft(
                self.bullets(recs, lambda r: f"{self.place(r)} — {self.dates.span(r.start, r.end)}{self.occasion(r)}"),
                True,
                cites,
            )
        if intent == "who" or (target == "person" and intent in {"list", "unknown"}):
            return Draft(self.bullets(recs, lambda r: f"{self.line(r)}: {self.people(r)}"), True, cites)
        if target == "agreement":
            signed = [r for r in recs if agreements(frame, r)]
            if not signed:
                return Draft(f"لا تذكر السجلات{scope} توقيع أي {self._agreement_word(frame)}.", False, cites)
            return Draft(
                self.bullets(signed, lambda r: f"{self.line(r)}: {_signed_what(frame, r)}"),
                True,
                [c for c in cites if c.source_id in {r.id for r in signed}],
            )
        if target == "topic" or intent in {"why"}:
            detail = len(recs) <= 2  # one or two occasions: what was said, not only the topic labels

            def topics(r: EventRecord) -> str:
                labels = "المواضيع: " + arabic.join_ar([self.topic_ar.get(t, t) for t in r.topics]) + "."
                return f"{self.line(r)}: {labels}" + (f" {r.summary_ar}" if detail else "")

            body = self.bullets(recs, topics)
            if target == "topic" and len(recs) > 3:  # many occasions: the topics first, most discussed first
                counts = Counter(t for r in recs for t in r.topics)
                ranked = [f"{self.topic_ar.get(t, t)} ({arabic.meetings(n)})" for t, n in counts.most_common()]
                body = f"حسب السجلات الموثقة{scope}: {arabic.join_ar(ranked)}.\n{body}"
            return Draft(body, True, cites)
        if intent == "list" and target in {"country", "city"} and self._echoes(frame, recs):
            # «ما الدول التي شاركت في اجتماع ليون؟»: the places are the ones it named; what it asks is in the
            # occasion's own account
            return Draft(self.bullets(recs, lambda r: f"{self.line(r)}: {r.summary_ar}"), True, cites)
        if intent == "list" and target == "country":
            by_country: dict[str, list[EventRecord]] = {}
            for r in recs:
                by_country.setdefault(r.country.iso, []).append(r)
            body = self.bullets(
                list(by_country.values()),
                lambda rs: (
                    f"{rs[0].country.ar}: " + "؛ ".join(f"{r.city.ar} ({self.dates.span(r.start, r.end)})" for r in rs)
                ),
            )
            names = arabic.join_ar([rs[0].country.ar for rs in by_country.values()])
            return Draft(f"{names}.\n{body}", True, cites)
        if intent == "list" and target == "city":
            cities = list(dict.fromkeys(r.city.ar for r in recs))
            return Draft(f"{arabic.join_ar(cities)}.\n" + self.bullets(recs, self.line), True, cites)
        # what / list of meetings / unknown: describe each occasion (a long list stays one line each)
        if len(recs) > 3:
            return Draft(f"{arabic.meetings(len(recs))}{scope}:\n" + self.bullets(recs, self.line), True, cites)
        return Draft(self.bullets(recs, lambda r: f"{self.line(r)}: {r.summary_ar}"), True, cites)

    def _signed(self, frame: Frame, recs: list[EventRecord], cites: list[Citation], scope: str) -> Draft:
        """When, where or with whom the agreements asked about were signed: the occasions that name one, each
        with its agreements; the others are not answers («أين وقع مذكرات التفاهم؟» is not every visit)."""
        described = self._described(frame)
        signed = [r for r in recs if agreements(frame, r) and described(r)]
        if not signed:
            return Draft(f"لا تذكر السجلات{scope} توقيع أي {self._agreement_word(frame)}.", False, cites)
        say = SIGNED_LINES[frame.intent]

        def line(r: EventRecord) -> str:
            return f"{say(self, r)}: {_signed_what(frame, r)}"

        return Draft(self.bullets(signed, line), True, [c for c in cites if c.source_id in {r.id for r in signed}])

    def _described(self, frame: Frame) -> Callable[[EventRecord], bool]:
        """Whether an occasion signed an agreement the question describes in its own words («اتفاق المتطوعين»,
        "the youth exchange programme"), where it describes one: words of some agreements of the base and not
        of all of them (names, numbers and what the question asks by are no description)."""
        named = {w for e in frame.entities for w in analyze(e.label)}
        words = {w for w in analyze(frame.context) if not w.isdigit() and w not in named}
        texts = self.agreement_stems
        said = {w for w in words if 0 < sum(w in t for t in texts) < len(texts)}
        if not said:
            return lambda r: True
        return lambda r: bool(said & set(analyze(" ".join(f"{a.ar} {a.en or ''}" for a in agreements(frame, r)))))

    @cached_property
    def agreement_stems(self) -> list[set[str]]:
        """The stems of each agreement the records name (what a question's description is set against)."""
        return [set(analyze(f"{a.ar} {a.en or ''}")) for r in self.records for a in r.agreements]

    def _things_in(self, frame: Frame, recs: list[EventRecord], target: str) -> dict[str, list[str]]:
        """Each occasion's things of ``target`` (by record id, in date order), the people of the countries the
        question names only."""
        isos = {e.value for e in frame.of("country")}
        if target == "agreement":  # «كم مذكرة تفاهم…؟»: the agreements of the kind named
            return {r.id: [a.ar for a in agreements(frame, r)] for r in recs}
        return {r.id: self._things_of(r, target, isos) for r in recs}

    @staticmethod
    def noun(frame: Frame, target: str) -> tuple[str, str, str, str]:
        """How a count of ``target`` is said: of the kind of agreement the question names, where it names one
        («3 مذكرات تفاهم»), and of occasions after the noun it counts them by («5 مرات»)."""
        own = {"agreement": frame.agreement_noun, "meeting": frame.occasion_noun}.get(target)
        return own or arabic.FORMS[target]

    @classmethod
    def _agreement_word(cls, frame: Frame) -> str:
        """«مذكرة تفاهم» where the question names that kind, else «اتفاقية»."""
        return cls.noun(frame, "agreement")[0]

    def _things_of(self, r: EventRecord, target: str, countries: Collection[str]) -> list[str]:
        """The things of ``target`` one occasion names: its agreements, counterparts, city, topics or month.
        ``countries``: the ones the question names, whose people alone count («كم مسؤولا بريطانيا…؟» of an
        Interpol assembly in Glasgow: not its German secretary general)."""
        if target == "agreement":
            return [a.ar for a in r.agreements]
        if target == "person":
            return [c.name_ar for c in r.counterparts if not countries or (c.country or r.country.iso) in countries]
        if target == "city":
            return [r.city.ar]
        if target == "topic":
            return [self.topic_ar.get(t, t) for t in r.topics]
        return [self.dates.month(r.start.month)]

    @staticmethod
    def _lasted(r: EventRecord) -> str:
        """How many days an occasion lasted, where its dates are days («4–8 فبراير» → «5 أيام»)."""
        n = _days(r)
        if n is None:
            return "لا تحدد السجلات أيام هذه المناسبة."
        return f"{arabic.days(n)}." + (f" ({r.date_note_ar})" if r.date_note_ar else "")

    def _echoes(self, frame: Frame, recs: list[EventRecord]) -> bool:
        """The question itself named every place the list would give: listing them would only say it back.
        A city names its country, unless the occasion is a delegation's visit from another («في الرباط»
        does not say which countries' officials came); a country names none of its cities."""
        cities = {e.value.casefold() for e in frame.of("city")}
        if frame.target == "city":
            return bool(cities) and all(r.city.latin.casefold() in cities for r in recs)
        isos = {e.value for e in frame.of("country")}

        def named(r: EventRecord) -> bool:
            at_named_city = r.city.latin.casefold() in cities and self._place_country(r) == r.country.iso
            return r.country.iso in isos or at_named_city

        return bool(isos or cities) and all(named(r) for r in recs)

    def _compare(self, frame: Frame) -> Draft | None:
        """«هل زار أوروبا أكثر من الخليج؟», «كم لقاء في الرباط مقارنة بالخارج؟», «هل دامت زيارة برلين أطول من
        زيارة باريس؟»: each thing set against the others measured on its own — occasions counted, or days
        («أطول من», a duration asked) — and which has more. The things are two to four of one family (places,
        months, kinds, topics, people), two years, or else the two filters the question names; what else the
        question names narrows all alike, unless kinds are compared and it stands on one side of the compare
        word only («استقبل في الرباط… أكثر من… سافر إلى الخارج»: Rabat narrows the receptions). «أم»/«or»
        compare only beside a count or a word of more. None where there are no such things to set against."""
        flags = frame.flags
        more = bool({"more_than", "longer_than"} & flags) or {"more", "than"} <= flags  # «more A than B»
        fewer = bool({"less_than", "shorter_than"} & flags) or {"fewer", "than"} <= flags
        weighed = {"busiest", "more", "fewer"} & flags or frame.intent == "count"
        if not (more or fewer) and not ("versus" in flags and weighed):
            return None  # «more» alone sets nothing against; «أم» alone asks about both
        days = frame.target == "duration" or bool({"duration", "longer_than", "shorter_than"} & flags)
        plain = frame.with_(order=None, flags=frame.flags - COMPARE_FLAGS - {"busiest"})
        groups = _compared(frame)
        if frame.threshold is not None and frame.asks_yes_no and groups is None:
            return self._against(plain, frame.threshold, more)
        if len(set(frame.years)) >= 2:  # «in 2024 than in 2023»: the years are the things compared
            unknown = [y for y in frame.years if not self.known_years((y,))]
            if unknown:
                return Draft(f"لا تغطي السجلات سنة {unknown[0]}؛ هي تغطي سنة {self.covered}.", False, [])
            named = [(str(y), self.select(plain.with_(years=(y,))).records) for y in dict.fromkeys(frame.years)]
            return self._weighed(frame, named, "", more, fewer, days)
        if len(frame.periods) >= 2:  # «النصف الأول مقارنة بالنصف الثاني»: each part of the year by its months
            others = tuple(e for e in frame.entities if e.type != "month")
            named = [
                (label, [r for r in self.select(plain.with_(entities=others)).records if r.start.month in months])
                for label, months in frame.periods
            ]
            return self._weighed(frame, named, "", more, fewer, days)
        if groups is None:
            return None
        keys = {(g.type, g.value) for g in groups}  # «استقبالات… في المغرب» says one kind twice
        rest = tuple(e for e in frame.entities if (e.type, e.value) not in keys)
        counted = [(g.label, self.select(plain.with_(entities=self._own(frame, g, rest))).records) for g in groups]
        before, after = frame.sides
        shared = rest if groups[0].type != "kind" else tuple(e for e in rest if e in before and e in after)
        described = self._describe(plain.with_(entities=shared))
        return self._weighed(frame, counted, f" ({described})" if described else "", more, fewer, days)

    def _against(self, frame: Frame, threshold: int, more: bool) -> Draft:
        """«هل زار أكثر من 10 دول؟»: the count of what is asked (countries, a target's things, occasions) set
        against the number the question gives."""
        sel = self.select(frame)
        recs, target = sel.records, frame.target or "meeting"
        if target == "country":
            n = len({r.country.iso for r in recs})
        elif target in arabic.NOUNS:
            n = len({t for ts in self._things_in(frame, recs, target).values() for t in ts})
        else:
            n, target = len(recs), "meeting"
        holds = n > threshold if more else n < threshold
        scope = f" ({sel.described})" if sel.described else ""
        said = arabic.counted(n, *self.noun(frame, target))
        text = f"{'نعم' if holds else 'لا'}. حسب السجلات الموثقة{scope}: {said}."
        return Draft(text, True, [self.cite(r) for r in recs])

    @staticmethod
    def _own(frame: Frame, group: Entity, rest: tuple[Entity, ...]) -> tuple[Entity, ...]:
        """The filters one compared thing is counted under: the rest; for kinds of occasion, only those named
        on its own side of the compare word, since each side then is a clause of its own («استقبل في الرباط…
        أكثر من… سافر إلى الخارج»). A place or month compared shares what either side says («زار أوروبا أكثر
        من الخليج»: both are visits)."""
        if group.type != "kind":
            return (*rest, group)
        before, after = frame.sides
        mine = before if group in before else after
        return (*(e for e in rest if e in mine), group)

    def _weighed(
        self,
        frame: Frame,
        counted: list[tuple[str, list[EventRecord]]],
        scope: str,
        more: bool,
        fewer: bool,
        days: bool,
    ) -> Draft:
        def measure(recs: list[EventRecord]) -> int:
            return sum(_days(r) or 0 for r in recs) if days else len(recs)

        say = arabic.days if days else arabic.meetings
        parts = [f"{name}: {say(measure(recs))}" for name, recs in counted]
        top = max(measure(recs) for _, recs in counted)
        leaders = [name for name, recs in counted if measure(recs) == top]
        most = "الأطول" if days else "الأكثر"
        verdict = "بالتساوي" if len(leaders) == len(counted) else f"{most}: {arabic.join_ar(leaders)}"
        text = f"حسب السجلات الموثقة{scope}: " + "، ".join(parts) + f" — {verdict}."
        if frame.asks_yes_no and len(counted) == 2 and (more or fewer):  # «A or B?» asks which, not yes or no
            first, second = (measure(recs) for _, recs in counted)
            holds = first < second if fewer else first > second
            text = ("نعم. " if holds else "لا. ") + text
        by_id = {r.id: r for _, recs in counted for r in recs}
        return Draft(text, True, [self.cite(r) for r in sorted(by_id.values(), key=lambda r: r.start)])

    def _busiest(self, recs: list[EventRecord], target: str, scope: str) -> Draft:
        """«ما الدولة الأكثر لقاءات؟»: the countries (or cities, or continents) with the most occasions, ties
        included. An occasion counts under each continent of its counterpart's country (``continent`` in
        regions.yaml; every region where none is marked)."""
        groups: dict[str, list[EventRecord]] = {}
        for r in recs:
            for name in self._groups_of(r, target):
                groups.setdefault(name, []).append(r)
        if not groups:
            return Draft(f"لا تنسب السجلات الموثقة{scope} هذه المناسبات إلى أي قارة.", False, [])
        top = max(len(g) for g in groups.values())
        best = [name for name, g in groups.items() if len(g) == top]
        chosen = [r for name in best for r in groups[name]]
        text = f"حسب السجلات الموثقة{scope}: {arabic.join_ar(best)} ({arabic.meetings(top)}"
        text += " لكل منها).\n" if len(best) > 1 else ").\n"
        return Draft(text + self.bullets(chosen, self.line), True, [self.cite(r) for r in chosen])

    def _groups_of(self, r: EventRecord, target: str) -> list[str]:
        if target == "country":
            return [r.country.ar]
        if target == "city":
            return [r.city.ar]
        parts = [g for g in self.ref.regions if g.continent] or list(self.ref.regions)
        return [g.ar for g in parts if r.country.iso in g.members]

    def _nothing(self, frame: Frame, sel: Selection) -> Draft:
        subject = next((self.subject[r.id] for r in self.records), "")
        if sel.without_kind:
            other = sel.without_kind
            asked = arabic.join_ar([e.label for e in frame.of("kind")]) or "ذلك"
            if not frame.asks_yes_no and frame.intent != "count" and frame.threshold is None:
                # «ما المعرض الذي شارك فيه في مدريد؟», «من استقبل في مدريد؟»: the occasion there is of another
                # kind; what is asked of it is answered, after saying so (a yes/no or a count keeps the kind)
                kindless = frame.with_(entities=tuple(e for e in frame.entities if e.type != "kind"))
                draft = self._answer(kindless)
                if draft is not None and draft.answerable:
                    draft.text = f"لا توثّق السجلات {asked} ({sel.described})، لكنها تذكر:\n{draft.text}"
                    return draft
            text = f"لا، لا توثّق السجلات {asked} ({sel.described})؛ لكنها تذكر:\n" + self.bullets(other, self.line)
            return Draft(text, True, [self.cite(r) for r in other])
        what = sel.described or "ما سألت عنه"
        if frame.intent == "yesno":  # «هل التقى بمسؤولين برتغاليين؟»: a plain no, where the base speaks of it
            for e in frame.entities:
                mention = self.article_mention(e.label) if e.type in {"country", "person", "city"} else None
                if mention:
                    text = (
                        f"لا، لا توثّق السجلات أي لقاء لـ{subject} يخص {what}. "
                        f"ويرد ذكر {e.label} في المقال: «{mention.quote}»"
                    )
                    return Draft(text, True, [mention, *(self.cite(r) for r in sel.anchors)])
        anchors = [self.cite(r) for r in sel.anchors]  # «بعد بروكسل»: the occasion there is nothing after
        return Draft(f"لا تتضمن قاعدة المعرفة أي لقاء لـ{subject} يخص {what}.", False, anchors)

    def article_mention(self, label: str, articles: Sequence[str] | None = None) -> Citation | None:
        """The first sentence of ``articles`` (default: those of this engine's collections) that names
        ``label`` (matching keys, display text kept)."""
        key = normalize(label)
        wanted = (
            set(articles) if articles is not None else {a for f in self.files for a in f.collection.related_articles}
        )
        for article in self.kb.articles:
            if article.meta.id not in wanted:
                continue
            for start, end in article_sentences(article):
                if key in normalize(article.body[start:end]):
                    return article_citation(article, start, article.body[start:end].strip(), [label])
        return None

    def bullets(self, items: list, fn: Callable) -> str:  # type: ignore[type-arg]
        if len(items) == 1:
            line = fn(items[0])
            return line if line.endswith((".", "؟", "!", "…")) else line + "."
        return "\n".join(f"- {fn(i)}" for i in items)

    def _highlights(self, frame: Frame, r: EventRecord) -> list[str]:
        words = [r.city.ar, r.country.ar]
        words += [c.name_ar for c in r.counterparts if any(e.value == c.name_latin for e in frame.of("person"))]
        return list(dict.fromkeys(words))


# what leads each signed occasion's line, by what the question asks: «أين…؟» the place first, «متى…؟» the date
SIGNED_LINES: dict[str, Callable[[RecordsEngine, EventRecord], str]] = {
    "when": lambda e, r: f"{e.dates.span(r.start, r.end)} — {e.place(r)}",
    "where": lambda e, r: f"{e.place(r)} — {e.dates.span(r.start, r.end)}",
    "who": lambda e, r: f"{e.line(r)} — {e.people(r)}",
}
