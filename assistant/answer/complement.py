"""What the records hold none of: «أي الشهور لم يلتق فيها…؟», «ما دول الخليج التي لم يزرها؟», «ما الدول التي
زارها ولم يوقع فيها اتفاقية؟». Read as a list of what did happen, such a question gets the opposite answer.

The answer is a set difference: the things of the asked kind (the domain) less those of the occasions that
did happen. A domain is enumerable where the knowledge files give it — the months of the years the records
cover, a region's member countries, the countries or topics the question names — or else, when the negation
narrows the event («…ولم يوقع فيها اتفاقية»), the things of the occasions the rest of the question means.
A bare «which countries did he not visit?» has no domain in the records: it is said so, with what they do
document, rather than answered with a list of visits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from assistant.answer import arabic
from assistant.answer.draft import Draft
from assistant.knowledge.schema import Bilingual, EventRecord
from assistant.models import Citation
from assistant.text import tokenize
from assistant.understand.lexicon import Entity
from assistant.understand.question import Denial, Frame, Negation

if TYPE_CHECKING:
    from assistant.answer.records import RecordsEngine

# the entity types that name a target's domain («دول الخليج», «بين قطر والكويت», «النصف الأول من السنة»)
DOMAIN_TYPES: dict[str, frozenset[str]] = {
    "month": frozenset({"month"}),
    "country": frozenset({"region", "country"}),
    "topic": frozenset({"topic"}),
}


def agreements(frame: Frame, r: EventRecord) -> list[Bilingual]:
    """The occasion's agreements of the kind the question names («مذكرة تفاهم»), or all of them."""
    if not frame.agreement_words:
        return list(r.agreements)
    kinds = [tokenize(w) for w in frame.agreement_words]

    def named(a: Bilingual) -> bool:
        words = tokenize(f"{a.ar} {a.en or ''}")
        return any(k and any(words[i : i + len(k)] == k for i in range(len(words))) for k in kinds)

    return [a for a in r.agreements if named(a)]


# things whose absence from an occasion the negation may deny («ولم يوقع فيها مذكرة تفاهم»), of the kind asked
HELD: dict[str, Callable[[Frame, EventRecord], bool]] = {"agreement": lambda f, r: bool(agreements(f, r))}
# how each kind of thing is said after «لا توثّق السجلات أي لقاء …»
LINKS = {"month": "في", "country": "يخص", "city": "في", "topic": "تناول", "person": "مع"}
MAX_LISTED = 12  # a region's 26 unvisited countries are named up to here, then counted


@dataclass(frozen=True)
class Thing:
    key: str
    label: str


def _listed(things: list[Thing]) -> str:
    """The things' names, the first ``MAX_LISTED`` of a long list and how many more."""
    names = [t.label for t in things[:MAX_LISTED]]
    more = len(things) - len(names)
    return "، ".join(names) + (f" و{more} غيرها" if more else "")


def _months(r: EventRecord) -> Iterable[tuple[int, int]]:
    y, m = r.start.year, r.start.month
    while (y, m) <= (r.end.year, r.end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


class Complement:
    """The complement of one records engine's occasions, for a frame with a negation."""

    def __init__(self, engine: RecordsEngine) -> None:
        self.engine = engine

    def things(self, r: EventRecord, target: str, years: int) -> list[Thing]:
        """An occasion's things of ``target`` (months keyed by year and month; named by year too when the
        domain spans several years)."""
        e = self.engine
        if target == "month":
            return [Thing(f"{y}-{m}", e.dates.month(m) + (f" {y}" if years > 1 else "")) for y, m in _months(r)]
        if target == "country":
            return [Thing(r.country.iso, r.country.ar)]
        if target == "city":
            return [Thing(r.city.latin.casefold(), r.city.ar)]
        if target == "topic":
            return [Thing(t, e.topic_ar.get(t, t)) for t in r.topics]
        if target == "person":
            return [Thing(c.name_latin, c.name_ar) for c in r.counterparts]
        return []

    def domain(self, frame: Frame, named: list[Entity], years: list[int]) -> list[Thing] | None:
        """Every thing of the asked kind, where the knowledge files enumerate it; None where they do not."""
        e = self.engine
        target = frame.target or ""
        if target == "month":
            months = sorted({int(x.value) for x in named}) or list(range(1, 13))
            return [
                Thing(f"{y}-{m}", e.dates.month(m) + (f" {y}" if len(years) > 1 else "")) for y in years for m in months
            ]
        if target == "country" and named:
            isos: list[str] = []
            for x in named:
                isos += e.region[x.value].members if x.type == "region" else [x.value]
            return [Thing(i, e.country[i].ar) for i in dict.fromkeys(isos) if i in e.country]
        if target == "topic" and named:
            return [Thing(x.value, x.label) for x in named]
        return None

    def answer(self, frame: Frame, neg: Negation) -> Draft:
        """``neg``: the frame's own negation (the records engine calls this only for a frame with one)."""
        e, target = self.engine, frame.target or "meeting"
        defining = DOMAIN_TYPES.get(target, frozenset())
        named = [x for x in frame.entities if x.type in defining]
        rest = tuple(x for x in frame.entities if x.type not in defining)
        denied = [x for x in rest if x in neg.entities and x.type != "subject"]
        positive = tuple(x for x in rest if x not in neg.entities or x.type == "subject")
        plain = frame.with_(negation=None, order=None, target=target if target != "meeting" else None)
        meant = e.select(plain.with_(entities=positive)).records  # what the rest of the question means
        # what did happen: those of them of which a denied clause holds («…ولم يزر الكويت», «…بدون اتفاقية»)
        subject = tuple(x for x in frame.entities if x.type == "subject")
        holds = [self._holds(plain, subject, c, defining, target) for c in neg.clauses]
        happened = [r for r in meant if any(h(r) for h in holds)]
        held = [partial(HELD[t], frame) for t in neg.targets if t in HELD and t != target]
        narrowed = bool(denied or held)
        years = e.known_years(frame.years) or e.years
        what = self._what(denied, held, e.noun(frame, "agreement")[0])
        if target not in LINKS:  # occasions (or their agreements): the complement is of the occasions meant
            if not narrowed:
                return self._unlisted(frame, meant)
            missing = [r for r in meant if r not in happened]
            return self._occasions(frame, missing, meant, what)
        domain = self.domain(frame, named, years)
        among = ""
        if domain is None:  # the things of what the rest of the question means
            if not narrowed:
                return self._unlisted(frame, meant)
            domain = list({t.key: t for r in meant for t in self.things(r, target, len(years))}.values())
            among = f" (من {arabic.of(target, len(domain))} في السجلات)"
        seen = {t.key for r in happened for t in self.things(r, target, len(years))}
        missing_things = [t for t in domain if t.key not in seen]
        found = [t for t in domain if t.key in seen]
        when = f" ({years[0]})" if target == "month" and len(years) == 1 else among
        # cited: the occasions the list was read from, and the reference data that enumerates the domain
        cites = [e.cite(r) for r in (meant if among else happened)] + self._references(named, target)
        return self._things(frame, target, missing_things, found, cites, what, when)

    def _references(self, named: list[Entity], target: str) -> list[Citation]:
        """The regions whose members a list of countries comes from («الكويت» is named by no record: by
        regions.yaml), as citations of their reference data."""
        if target != "country":
            return []
        e = self.engine
        return [
            Citation(
                source_id=f"reference/regions.yaml#{x.value}",
                kind="reference",
                title=f"{x.label}: الدول الأعضاء (بيانات مرجعية)",
                quote="، ".join(e.country[i].ar for i in e.region[x.value].members if i in e.country),
            )
            for x in named
            if x.type == "region" and x.value in e.region
        ]

    def _holds(
        self, plain: Frame, subject: tuple[Entity, ...], clause: Denial, defining: frozenset[str], target: str
    ) -> Callable[[EventRecord], bool]:
        """Whether one denied clause holds of an occasion: it is of what the clause names (the names that
        define the domain apart), and has the things it names («اتفاقية»); a bare denial holds of every one."""
        names = tuple(x for x in clause.entities if x.type not in defining and x.type != "subject")
        ids = {r.id for r in self.engine.select(plain.with_(entities=subject + names)).records} if names else None
        things = [partial(HELD[t], plain) for t in clause.targets if t in HELD and t != target]
        return lambda r: (ids is None or r.id in ids) and all(h(r) for h in things)

    @staticmethod
    def _what(denied: list[Entity], held: list[Callable[[EventRecord], bool]], agreement: str) -> tuple[str, str]:
        """What did not happen, said after «لا توثّق السجلات» («أي لقاء», «توقيع أي اتفاقية يخص قطر»), and
        the same said of what did («لقاءً», «توقيع اتفاقية يخص قطر»)."""
        kinds = [x.label for x in denied if x.type == "kind"]  # «لم يزر»: no working visit, not no meeting
        no, yes = (f"توقيع أي {agreement}", f"توقيع {agreement}") if held else ("أي لقاء", "لقاءً")
        if kinds and not held:
            kind = f" ({arabic.join_ar(kinds)})"
            no, yes = no + kind, yes + kind
        others = [x.label for x in denied if x.type != "kind"]
        if others:
            about = " يخص " + arabic.join_ar(others)
            no, yes = no + about, yes + about
        return no, yes

    def _things(
        self,
        frame: Frame,
        target: str,
        missing: list[Thing],
        found: list[Thing],
        cites: list[Citation],
        what: tuple[str, str],
        when: str,
    ) -> Draft:
        """«لا توثّق السجلات أي لقاء في: يناير، يوليوز، غشت (2024).», then what they do document of the
        same things."""
        no, yes, link = *what, LINKS[target]
        count = arabic.of(target, len(missing))
        if not missing:
            text = f"لا شيء: توثّق السجلات {yes} {link} كلٍّ من: {_listed(found)}{when}."
            return Draft(("لا. " if frame.intent == "yesno" else "") + text, True, cites)
        lead = f"لا توثّق السجلات {no} {link}: {_listed(missing)}{when}."
        if frame.intent == "count":
            lead = f"حسب السجلات الموثقة: {count}. {lead}"
        elif frame.intent == "yesno":
            lead = f"نعم ({count}). {lead}"
        if found:
            lead += f"\nوتوثّق {yes} {link}: {_listed(found)}."
        return Draft(lead, True, cites)

    def _occasions(
        self, frame: Frame, missing: list[EventRecord], meant: list[EventRecord], what: tuple[str, str]
    ) -> Draft:
        e, (no, yes) = self.engine, what
        if not missing:
            text = f"لا شيء: توثّق السجلات {yes} في كل هذه المناسبات ({arabic.meetings(len(meant))})."
            return Draft(("لا. " if frame.intent == "yesno" else "") + text, True, [e.cite(r) for r in meant])
        lead = f"{arabic.meetings(len(missing))} لا توثّق فيها السجلات {no}:\n"
        if frame.intent == "yesno":
            lead = "نعم، " + lead
        return Draft(lead + e.bullets(missing, e.line), True, [e.cite(r) for r in missing])

    def _unlisted(self, frame: Frame, meant: list[EventRecord]) -> Draft:
        """Nothing enumerates what did not happen: say what the records do hold, not a list of visits."""
        e = self.engine
        target = frame.target or "meeting"
        held = f"{arabic.meetings(len(meant))}"
        if target in LINKS and meant:
            things = {t.key: t for r in meant for t in self.things(r, target, 1)}
            held += f" {LINKS[target]}: " + _listed(list(things.values()))
        text = f"لا تعدّد السجلات ما لم يحدث، بل ما حدث: {held}."
        return Draft(text, False, [e.cite(r) for r in meant])
