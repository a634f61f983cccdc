"""The entity lexicon: every name a question may use for a country, region, city, month, topic, kind,
person or agency, built from the knowledge files (reference data + records), never from code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import KnowledgeError
from assistant.knowledge.loader import KnowledgeBase, safe_load
from assistant.text import Match, PhraseMatcher, analyze, normalize, tokenize
from assistant.text.numbers import NumberWords


@dataclass(frozen=True)
class Entity:
    type: str  # country region city month topic kind person agency subject
    value: str  # ISO code, region id, city latin name, month number, topic id, kind id, record-person key
    label: str  # display form (Arabic)
    # a kind said by naming a home country («في تونس»): its ISO code; it is that kind only for the collections
    # at home there, and for the others the place it names (``RecordsEngine.select``)
    home: str = ""


class QuestionWords(BaseModel):
    """knowledge/reference/questions.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intents: dict[str, list[str]]
    who_first_word: list[str]
    targets: dict[str, list[str]]
    article_words: list[str]
    publication_words: list[str] = Field(default_factory=list)
    records_words: list[str] = Field(default_factory=list)
    default_event_words: list[str] = Field(default_factory=list)  # for a collection that lists none
    strict_kind_words: list[str] = Field(default_factory=list)
    order: dict[str, list[str]]
    followup_starts: list[str]
    followup_refs: list[str]
    injection: list[str]
    injection_patterns: list[str] = Field(default_factory=list)
    greetings: list[str]
    busiest: list[str] = Field(default_factory=list)
    framing_words: list[str] = Field(default_factory=list)
    document_instructions: list[str] = Field(default_factory=list)
    other_script_words: list[str] = Field(default_factory=list)
    place_words: list[str] = Field(default_factory=list)
    # targets a «كم» question counts; their nouns take the accusative after it («كم بلداً», «كم محوراً»)
    counted_targets: list[str] = Field(default_factory=list)
    amount_words: list[str] = Field(default_factory=list)  # count cues that ask an amount: «how much»
    # words that introduce a person by office or trade («وزير», «المدرب»): the name after them is a person's
    person_titles: list[str] = Field(default_factory=list)
    name_links: list[str] = Field(default_factory=list)  # inside an Arabic name: «عبد», «بن», «أبو»
    # words after which a year says when («سنة 2024», «خلال 2024»); after another word it is part of a name
    # («كأس العالم 2030»). Empty: every year says when.
    year_cues: list[str] = Field(default_factory=list)
    name_words: list[str] = Field(default_factory=list)  # «ما اسم…؟»: the question asks for a name
    compound_nouns: list[str] = Field(default_factory=list)  # «دار نشر»: no cue word inside counts
    reason_words: list[str] = Field(default_factory=list)  # «بسبب», «عزا»: a sentence that states a reason
    negation_words: list[str] = Field(default_factory=list)  # «لم», «not»: the records' complement is asked
    saying_words: list[str] = Field(default_factory=list)  # «يذكر», «mention»: negated, no event is denied
    ma_joiners: list[str] = Field(default_factory=list)  # «بعد ما زار»: after these, «ما» does not negate
    contrast_words: list[str] = Field(default_factory=list)  # «بل», «but»: after a denial, what is asked
    yesno_tags: list[str] = Field(default_factory=list)  # «…، صح؟», «…, right?»: a yes/no question
    yesno_pronouns: list[str] = Field(default_factory=list)  # «هو حموشي زار قطر؟»: first, it asks yes or no
    compare: dict[str, list[str]] = Field(default_factory=dict)  # «أكثر من», «مقارنة ب», «أم»: more/less/versus
    # «بعد قطر», «قبل الصيف»: occasions after or before the one named next (after, before, next, previous)
    relative: dict[str, list[str]] = Field(default_factory=dict)
    # «بعد ذلك», «قبلها», "next": the same, of the occasion an earlier turn was about
    relative_back: dict[str, list[str]] = Field(default_factory=dict)
    # «ومتى», «وأين», "and where": inside a sentence, a second question starts here (``understand.compound``)
    question_joins: list[str] = Field(default_factory=list)
    # «مذكرة تفاهم», "action plan": a kind of agreement named; only the agreements so named count
    agreement_kinds: dict[str, list[str]] = Field(default_factory=dict)
    # how a count of a kind is said: one, two, 3–10, 11 and up («مذكرتا تفاهم», «3 مذكرات تفاهم»)
    agreement_kind_forms: dict[str, tuple[str, str, str, str]] = Field(default_factory=dict)
    # how a count of occasions is said after the noun the question counts them by («كم مرة…؟» → «5 مرات»)
    occasion_nouns: dict[str, tuple[str, str, str, str]] = Field(default_factory=dict)


def load_question_words(knowledge_dir: Path) -> QuestionWords:
    path = knowledge_dir / "reference" / "questions.yaml"
    try:
        return QuestionWords.model_validate(safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise KnowledgeError(str(path), "file is missing") from exc
    except Exception as exc:
        raise KnowledgeError(str(path), str(exc).splitlines()[0]) from exc


def blank(text: str, matches: Iterable[Match[object]]) -> str:
    """``text`` with each match's span turned to spaces: the offsets of what is left stay those of ``text``."""
    for m in sorted(matches, key=lambda m: m.start, reverse=True):
        text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


ROMAN = re.compile(r"^[IVXL]+$")
PLACES = frozenset({"country", "city", "region"})


def feminine_past(verb: str) -> str:
    """«زار» → «زارت», «التقى» → «التقت»: the third-person feminine past of a verb written in the masculine
    (applied to nouns too, where it yields a non-word that never matches anything)."""
    return verb[:-1] + "ت" if verb.endswith(("ى", "ا")) else verb + "ت"


_OBJECT_PRONOUNS = ("ه", "ها", "هم", "هما")
KIND_PRONOUNS = ("ها", "هم", "هما")  # «ه» is «him» as often as «it»: who visited whom it does not say


def _verb_like(word: str) -> bool:
    """A one-word Arabic cue that may be a past verb («وقع», «التقى»): not a noun in «ة», «ات» or «ال…»."""
    w = normalize(word)
    return " " not in w and not w.isascii() and not w.endswith(("ه", "ات")) and not w.startswith("ال")


def _event_names(kb: KnowledgeBase) -> list[tuple[str, Entity]]:
    """The named events of the records («سوق السفر العالمي», "World Travel Market"), by their full names, the
    part a name quotes or brackets («فيتور» of «المعرض الدولي للسياحة «فيتور»»), its acronyms ("FITUR") and how
    it begins or ends, numbers left out («معرض الدفاع العالمي», «الجمعية العامة للإنتربول»); a short form another
    event's name also says names neither."""
    named = sorted({(r.event.ar, n) for r in kb.records if r.event is not None for n in (r.event.ar, r.event.en) if n})

    def short(n: str) -> list[str]:
        return [*_bracketed(n.replace("«", "(").replace("»", ")")), *_ends(n), *_acronyms(n)]

    pairs = [(n, Entity("event", key, key)) for key, n in named]
    return pairs + [(p, Entity("event", key, key)) for p, key in _unshared(named, short).items()]


def _unshared(named: Iterable[tuple[str, str]], short: Callable[[str], list[str]]) -> dict[str, str]:
    """The short forms of names (``named``: pairs of an entity's key and one of its names), each with the one
    key it names: a form two entities yield, or that another's name says («Federal Police» is in "Federal
    Police of Brazil"), names neither."""
    named = sorted(named)  # the same order at every start
    yielded: dict[str, set[str]] = {}
    for key, n in named:
        for part in short(n):
            if part and part != n:
                yielded.setdefault(part, set()).add(key)
    owners = {p: {key for key, n in named if p.casefold() in n.casefold()} | keys for p, keys in yielded.items()}
    return {p: next(iter(keys)) for p, keys in owners.items() if len(keys) == 1}


def _acronyms(name: str) -> list[str]:
    """ "FITUR", "IGEF" (of "IGEF'24"): the capitalised words of a Latin name, without what follows them."""
    heads = (re.match(r"[A-Z]{3,}", w) for w in name.split())
    return [m.group() for m in heads if m]


def _ends(name: str) -> list[str]:
    """The name without its numbers, and each of its beginnings and endings of two words or more."""
    words = [w for w in name.replace("«", " ").replace("»", " ").split() if not any(ch.isdigit() for ch in w)]
    spans = [words[:k] for k in range(2, len(words) + 1)] + [words[k:] for k in range(1, len(words) - 1)]
    return [" ".join(s) for s in spans]


def _bracketed(name: str) -> list[str]:
    """Each side of a bracket in an agency's name («جهاز الأمن الداخلي البريطاني (MI5)» is «MI5» too, "MI5
    (Security Service)" is "Security Service"): a question says one of them."""
    outside, _, inside = name.partition("(")
    parts = [outside.strip(), inside.rstrip(") ").strip()] if inside else []
    return [p for p in parts if len(p) >= 2]


def verb_forms(word: str, *, feminine: bool = False, pronouns: Iterable[str] = _OBJECT_PRONOUNS) -> list[str]:
    """The forms a one-word Arabic event verb takes in a question: with the object pronoun Arabic writes onto
    it («زار» → «زاره», «زارها», «زارهم»; «التقى» → «التقاه»), and, for a subject of feminine gender, in the
    feminine past («زارت», «زارته»). Words ending in «ة» (nouns: «زيارة») keep their form, and words of two
    letters take no pronoun («حلها» is «its solution»); a form that is no word never matches anything."""
    w = word.strip()
    if " " in w or w.isascii() or normalize(w).endswith("ه"):  # «ة» normalises to «ه»
        return []
    stems = [w[:-1] + "ا" if w.endswith("ى") else w]
    if feminine:
        stems.append(feminine_past(w))  # «جا» → «جات», «حل» → «حلت» too
    short = len(normalize(w)) < 3
    return [*stems[1:], *(stem + p for stem in stems for p in pronouns if not short)]


def english_forms(word: str) -> list[str]:
    """The regular inflections of an English verb or noun the data lists in its base form: «visit» → «visits»,
    «visited», «visiting»; «receive» → «receives», «received», «receiving». Irregular ones («met», «held»)
    and doubled consonants («travelled») are data; a form that is no word («meetinged») never matches."""
    w = word.lower()
    if not (w.isascii() and w.isalpha()) or len(w) < 2:
        return []
    if w.endswith("e"):
        return [w + "s", w + "d", w[:-1] + "ing"]
    if w.endswith("y") and w[-2] not in "aeiou":
        return [w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    plural = w + "es" if w.endswith(("s", "x", "z", "ch", "sh", "o")) else w + "s"
    return [plural, w + "ed", w + "ing"]


def accusatives(words: Iterable[str]) -> list[str]:
    """The indefinite accusative of one-word Arabic nouns, as a count names what it counts: «بلد» → «بلدا»
    («كم بلداً»; the tanween is dropped by normalisation). Words ending in a vowel letter or «ة» keep their
    form («كم دولةً» reads «دولة»)."""
    return [w + "ا" for w in words if " " not in w and not w.isascii() and not w.endswith(("ا", "ى", "ة", "ي", "ه"))]


def _surnames(name_ar: str, name_latin: str) -> list[str]:
    """Last names alone («ماكالوم», «McCallum») also name a person; regnal numbers («السادس», «VI») do not."""
    latin, arabic = name_latin.split(), name_ar.split()
    if len(latin) < 2 or ROMAN.match(latin[-1]):
        return []
    return [p[-1] for p in (latin, arabic) if len(p) > 1 and len(p[-1]) >= 4]


_ASIDE_RE = re.compile(r"\([^)]*\)")


def unique_roles(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """Each counterpart role («رئيس الإنتربول», «President of INTERPOL») that the records give to exactly one
    person, as that person's (latin, Arabic) name: a user names a counterpart by office as often as by name.
    A role is a title (an Arabic one's each comma-separated part) without its asides, of two words or more; a
    role several people hold («المدير العام») names none of them."""
    holders: dict[str, set[tuple[str, str]]] = {}
    written: dict[str, str] = {}
    for f in kb.record_files:
        for r in f.records:
            for c in r.counterparts:
                # an Arabic title lists a rank and an office with «،» («اللواء، القائد العام لشرطة أبوظبي»); an
                # English comma may sit inside one office («Agency for Integration, Migration and Asylum»)
                for title, parts in ((c.title_ar, "،"), (c.title_en, "")):
                    aside_free = _ASIDE_RE.sub(" ", title or "")
                    for part in aside_free.split(parts) if parts else [aside_free]:
                        key = " ".join(tokenize(part))
                        if len(key.split()) >= 2:
                            holders.setdefault(key, set()).add((c.name_latin, c.name_ar))
                            written.setdefault(key, part.strip())
    return {written[k]: next(iter(people)) for k, people in holders.items() if len(people) == 1}


class Lexicon:
    """Entity and cue-word matchers, compiled once per knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, words: QuestionWords, places_spoken_of: Iterable[tuple[str, str]] | None = None
    ) -> None:
        """``places_spoken_of``: ``places_spoken_of`` as stored with the index generation, so a start does not
        search the whole article text for every place name (O(places × text): ~20 s at 10k chunks)."""
        self.kb = kb
        self.words = words
        if places_spoken_of is not None:
            self.__dict__["places_spoken_of"] = {(str(t), str(v)) for t, v in places_spoken_of}
        pairs: list[tuple[str, Entity]] = []
        ref = kb.reference
        # a country no record involves yields its name to a city of the records («عمّان», Amman, is «عمان», Oman)
        involved = {r.country.iso for r in kb.records} | {f.collection.home_country for f in kb.record_files}
        involved |= {c.country for r in kb.records for c in r.counterparts if c.country}
        own_cities = {normalize(n) for r in kb.records for n in (r.city.ar, r.city.latin)}
        for c in ref.countries:
            e = Entity("country", c.iso, c.ar)
            names = (c.ar, c.en, *c.aliases)
            pairs += [(n, e) for n in names if c.iso in involved or normalize(n) not in own_cities]
            for city in ([c.capital] if c.capital else []) + list(c.cities):
                ce = Entity("city", city.latin, city.ar)
                pairs += [(n, ce) for n in (city.ar, city.latin, *city.aliases)]
        for r in ref.regions:
            e = Entity("region", r.id, r.ar)
            pairs += [(n, e) for n in (r.ar, r.en, *r.aliases)]
        for m in ref.months:
            e = Entity("month", str(m.number), m.names[0])
            pairs += [(n, e) for n in m.names]
        for period in ref.periods:  # «النصف الثاني»: read as its months (``question.parse``)
            e = Entity("period", ",".join(str(n) for n in period.months), period.names[0])
            pairs += [(n, e) for n in period.names]
        for t in ref.topics:
            e = Entity("topic", t.id, t.ar)
            pairs += [(n, e) for n in (t.ar, t.en, *t.synonyms)]
        countries = {c.iso: c for c in ref.countries}
        homes = [
            countries[i] for i in dict.fromkeys(f.collection.home_country for f in kb.record_files) if i in countries
        ]
        feminine = any(f.collection.subject.gender == "f" for f in kb.record_files)
        for k in ref.kinds:
            e = Entity("kind", k.id, k.label(homes[0] if len(homes) == 1 else None))
            for n, h in k.cues(homes):
                entity = Entity("kind", k.id, k.label(h), h.iso) if h else e
                # not «زاره»: «الوفد الذي زاره» visited him (a reception), «البلد الذي زاره» he visited
                forms = verb_forms(n, feminine=feminine, pronouns=KIND_PRONOUNS)
                pairs += [(form, entity) for form in (n, *forms)]
        # an agency by each side of a bracket in its name too, where no other agency's name says the same
        agency_names = {
            (c.agency_en or c.agency_ar or "", a)
            for r in kb.records
            for c in r.counterparts
            for a in (c.agency_ar, c.agency_en)
            if a
        }
        bracketed = _unshared(agency_names, _bracketed)
        for f in kb.record_files:
            s = f.collection.subject
            se = Entity("subject", f.collection.id, s.name_ar)
            pairs += [(n, se) for n in (s.name_ar, s.name_latin, *s.aliases, *s.refs)]
            for r in f.records:
                pairs += [
                    (r.city.ar, Entity("city", r.city.latin, r.city.ar)),
                    (r.city.latin, Entity("city", r.city.latin, r.city.ar)),
                ]
                for c in r.counterparts:
                    pe = Entity("person", c.name_latin, c.name_ar)
                    pairs += [(n, pe) for n in (c.name_ar, c.name_latin, *_surnames(c.name_ar, c.name_latin))]
                    ae = Entity("agency", c.agency_en or c.agency_ar or "", c.agency_ar or c.agency_en or "")
                    for agency in (c.agency_ar, c.agency_en):
                        if agency:
                            said = (agency, *(n for n in _bracketed(agency) if bracketed.get(n) == ae.value))
                            pairs += [(n, ae) for n in said]
        pairs += _event_names(kb)
        for role, (latin, arabic_name) in unique_roles(kb).items():
            pairs.append((role, Entity("person", latin, arabic_name)))
        for a in kb.articles:  # the publisher names the article it published
            ae = Entity("article", a.meta.id, a.meta.publisher)
            pairs += [(n, ae) for n in (a.meta.publisher, *a.meta.publisher_aliases)]
        self.pairs = pairs
        # 81: a one-letter slip in a long name passes («البرزايل» 87.5); «الداخلي» is not «الداخلة» (80)
        self.entities: PhraseMatcher[Entity] = PhraseMatcher(pairs, min_score=81.0)

    def _cues(self, groups: dict[str, list[str]]) -> PhraseMatcher[str]:
        return PhraseMatcher([(w, key) for key, ws in groups.items() for w in ws], fuzzy=False)

    @cached_property
    def reason_cues(self) -> PhraseMatcher[str]:
        """The words a sentence states a reason with (``reason_words``: «بسبب», «نظرا ل», «عزا», «because»)."""
        return self._cues({"reason": self.words.reason_words})

    @cached_property
    def compounds(self) -> PhraseMatcher[str]:
        """Nouns made of a cue word and another (``compound_nouns``: «دار نشر» is a publisher, not «نشر»)."""
        return self._cues({"compound": self.words.compound_nouns})

    @cached_property
    def negation_cues(self) -> PhraseMatcher[str]:
        """Words that deny the event asked about (``negation_words``: «لم», «اللي ما», «not»), and those that
        put what is asked after a denial (``contrast_words``: «بل», «but»)."""
        return self._cues({"not": self.words.negation_words, "but": self.words.contrast_words})

    @cached_property
    def event_keys(self) -> frozenset[str]:
        """The one-word event words and event-kind cues, normalised: what a dialect «ما» may negate."""
        words = [*self.event_words, *(n for k in self.kb.reference.kinds for n, _ in k.cues([]))]
        return frozenset(normalize(w) for w in words if len(tokenize(w)) == 1)

    @cached_property
    def compare_cues(self) -> PhraseMatcher[str]:
        """«أكثر من», «مقارنة», «أم», «than» (``compare``): matched apart from the flags, so that «أكثر» in «أكثر
        من غيرها» still says «busiest»."""
        return self._cues(self.words.compare)

    @cached_property
    def number_words(self) -> NumberWords:
        """Arabic number words (numbers.yaml), for «أكثر من عشر دول»."""
        return NumberWords.of_base(self.kb.root)

    @cached_property
    def ma_joiners(self) -> frozenset[str]:
        """Words after which a dialect «ما» joins a clause (``ma_joiners``: «بعد ما زار»), normalised."""
        return frozenset(normalize(w) for w in self.words.ma_joiners)

    @cached_property
    def relative_cues(self) -> PhraseMatcher[str]:
        """«بعد», «قبل», «مباشرة بعد», «right before» (``relative``)."""
        return self._cues(self.words.relative)

    @cached_property
    def relative_back_cues(self) -> PhraseMatcher[str]:
        """«بعد ذلك», «قبلها», "next" (``relative_back``): after or before the occasion talked about."""
        return self._cues(self.words.relative_back)

    @cached_property
    def saying_stems(self) -> frozenset[str]:
        """Stems of the verbs that report a source (``saying_words``)."""
        return frozenset(t for w in self.words.saying_words for t in analyze(w))

    @cached_property
    def occasion_nouns(self) -> dict[str, tuple[str, str, str, str]]:
        """``occasion_nouns`` by their normalised words."""
        return {normalize(w): forms for w, forms in self.words.occasion_nouns.items()}

    @cached_property
    def agreement_kind_cues(self) -> PhraseMatcher[str]:
        """«مذكرة تفاهم», «خطة عمل», "MoU" (``agreement_kinds``): the kind of agreement a question names."""
        return self._cues(self.words.agreement_kinds)

    @cached_property
    def question_joins(self) -> PhraseMatcher[str]:
        """«ومتى», «وأين», "and where" (``question_joins``): where a sentence starts another question."""
        return self._cues({"join": self.words.question_joins})

    @cached_property
    def intent_cues(self) -> PhraseMatcher[str]:
        return self._cues(self.words.intents)

    @cached_property
    def target_cues(self) -> PhraseMatcher[str]:
        """What a question asks for («كم دولة», «وقع»): a verb among them counts in the feminine for a subject
        of feminine gender too («وقعت الرواشدة»), as event words do."""
        feminine = any(c.subject.gender == "f" for c in self.kb.collections)
        counted = {
            k: [*ws, *accusatives(ws)] if k in self.words.counted_targets else ws
            for k, ws in self.words.targets.items()
        }
        if feminine:
            counted = {k: [*ws, *(feminine_past(w) for w in ws if _verb_like(w))] for k, ws in counted.items()}
        return self._cues(counted)

    @cached_property
    def counted_event_cues(self) -> PhraseMatcher[str]:
        """The collections' event words in the accusative a count puts its noun in («كم حفلاً أحيت؟»): matched
        only where a count names what it counts, since elsewhere that form of an event verb is another word
        («حلا» is a solution, «عقدا» a contract)."""
        return self._cues({"meeting": accusatives(self.event_words)})

    @cached_property
    def year_cues(self) -> frozenset[str]:
        """``year_cues`` and the event words, as tokens: «لقاءات 2024» asks about that year's events too. Empty
        for a questions file without year cues (an older one): every year then says when."""
        if not self.words.year_cues:
            return frozenset()
        words = [*self.words.year_cues, *self.event_words]
        return frozenset(t for w in words if len(tokenize(w)) == 1 for t in tokenize(w))

    @cached_property
    def order_cues(self) -> PhraseMatcher[str]:
        return self._cues(self.words.order)

    @cached_property
    def flags(self) -> PhraseMatcher[str]:
        return self._cues(
            {
                "meeting": self.event_words,
                "article": self.words.article_words,
                "publication": self.words.publication_words,
                "records": self.words.records_words,
                "strict_kind": self.words.strict_kind_words,
                "injection": self.words.injection,
                "greeting": self.words.greetings,
                "ref": self.words.followup_refs,
                "busiest": self.words.busiest,
                "other_script": self.words.other_script_words,
                "place": self.words.place_words,
            }
        )

    @cached_property
    def event_words(self) -> list[str]:
        """Every collection's own event vocabulary (``default_event_words`` for one that lists none): a question
        using it is about the records. Its verbs count with an object pronoun too («زاره»), and in the feminine
        for a subject of feminine gender («زارت», «التقت»); an English word counts in its regular inflections."""
        words: list[str] = []
        for c in self.kb.collections:
            own = c.event_words or self.words.default_event_words
            words += own
            words += [form for w in own for form in verb_forms(w, feminine=c.subject.gender == "f")]
            words += [form for w in own for form in english_forms(w)]
        return list(dict.fromkeys(words))

    @cached_property
    def person_titles(self) -> frozenset[str]:
        """The offices and trades that introduce a person (``person_titles``), normalised."""
        return frozenset(normalize(w) for w in self.words.person_titles)

    @cached_property
    def name_links(self) -> frozenset[str]:
        """The words that join an Arabic name's parts («عبد», «بن»), normalised."""
        return frozenset(normalize(w) for w in self.words.name_links)

    @cached_property
    def question_words(self) -> frozenset[str]:
        """The one-word intent cues, normalised («ما», «ماذا», «متى», «كم»)."""
        return frozenset(normalize(w) for ws in self.words.intents.values() for w in ws if " " not in w.strip())

    def _function_groups(self) -> list[list[str]]:
        w = self.words
        groups = [*w.intents.values(), *w.order.values(), w.framing_words, w.followup_starts, w.followup_refs]
        return [*groups, w.greetings, w.article_words, w.records_words, w.busiest]

    @cached_property
    def function_stems(self) -> set[str]:
        """Stems of words that frame a question without carrying its content («ما», «حسب المقال», «سنة»)."""
        return {t for g in self._function_groups() for p in g for t in analyze(p)}

    @cached_property
    def _framing(self) -> PhraseMatcher[str]:
        """The framing phrases, and the verbs of saying with the object pronoun Arabic writes onto them («ما
        الذي يذكره المقال…؟», «كم لقاء ذكرها…؟»); not every framing word: «عام» + «ه» is «العامة»."""
        phrases = [p for g in self._function_groups() for p in g]
        said = [f for w in self.words.saying_words for f in verb_forms(w)]
        return self._cues({"framing": [*phrases, *said]})

    def without_framing(self, text: str) -> str:
        """The question with the phrases that frame it blanked out, where they occur («في أي عام», «ما سبب»):
        their words elsewhere are content («النسبية العامة», «بسبب ضعف خلفائه»), which dropping every stem
        of every cue phrase wherever it occurs would lose."""
        return blank(text, self._framing.find(text))

    @cached_property
    def cue_stems(self) -> set[str]:
        """Stems of every intent, target and flag cue: what a question says about its form, not its topic."""
        w = self.words
        groups = [*w.targets.values(), self.event_words, w.records_words, w.article_words]
        return {t for g in groups for p in g for t in analyze(p)} | self.function_stems

    @cached_property
    def known_stems(self) -> set[str]:
        """Stems of every cue and of every name the knowledge base speaks of: such a word never marks a
        question as out of scope. A place the reference data lists but no article or record mentions
        («اليابان» in a base about Morocco) is not known to the base."""
        w = self.words
        groups = [*w.targets.values(), self.event_words, w.strict_kind_words, w.injection]
        cues = {t for g in groups for p in g for t in analyze(p)} | self.function_stems
        return cues | {t for p, e in self.pairs if self.spoken_of(e) for t in analyze(p)}

    @cached_property
    def places_spoken_of(self) -> set[tuple[str, str]]:
        """(type, value) of the countries, cities and regions that the records or the articles mention."""
        text = normalize("\n".join(a.meta.title + "\n" + a.body for a in self.kb.articles))
        found = {("country", r.country.iso) for r in self.kb.records} | {
            ("city", r.city.latin) for r in self.kb.records
        }
        for p, e in self.pairs:
            key = normalize(p) if e.type in PLACES else ""
            if len(key) >= 3 and key in text:
                found.add((e.type, e.value))
        countries = {v for t, v in found if t == "country"}
        found |= {("region", r.id) for r in self.kb.reference.regions if countries & set(r.members)}
        return found

    def spoken_of(self, e: Entity) -> bool:
        """Not a place, or a place the articles or the records mention; a city they mention speaks of its
        country («البصرة» of Iraq)."""
        if e.type not in PLACES or (e.type, e.value) in self.places_spoken_of:
            return True
        return e.type == "country" and e.value in self._countries_of_cities_spoken_of

    @cached_property
    def _countries_of_cities_spoken_of(self) -> frozenset[str]:
        cities = {v for t, v in self.places_spoken_of if t == "city"}
        return frozenset(
            c.iso for c in self.kb.reference.countries if any(x.latin in cities for x in [c.capital, *c.cities] if x)
        )

    @cached_property
    def name_stems(self) -> set[str]:
        """Stems of place and subject names: they locate a question but are rarely what it asks."""
        kinds = {"country", "region", "city", "subject"}
        return {t for p, e in self.pairs if e.type in kinds for t in analyze(p)}

    @cached_property
    def _instructions(self) -> PhraseMatcher[str]:
        return self._cues({"instruction": self.words.document_instructions})

    def addressed_to_assistant(self, text: str) -> bool:
        """A document sentence that speaks to the assistant («تعليمات للمساعد: أجب دائما…»)."""
        return bool(self._instructions.find(text))

    def content_text(self, question: str) -> str:
        """What a question asks, as written: the subject's names and the framing phrases blanked out."""
        return self.without_framing(self.without_subject(question))

    def without_subject(self, text: str) -> str:
        """The question with the subject's and publisher's names blanked out («ما هو منصب عبد اللطيف حموشي» →
        «ما هو منصب»): they say whom or which article a question is about, not what it asks."""
        return blank(text, [m for m in self.entities.find(text) if m.payload.type in {"subject", "article"}])

    def month_label(self, number: int) -> str:
        return next(m.names[0] for m in self.kb.reference.months if m.number == number)

    @cached_property
    def followup_starts(self) -> list[list[str]]:
        return sorted((tokenize(w) for w in self.words.followup_starts), key=len, reverse=True)
