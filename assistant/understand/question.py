"""Read a question into a frame: what it asks (intent, target) and about what (entities, dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.models import Intent
from assistant.text import Match, analyze, is_stopword, light_stem, normalize, stopwords, tokenize, tokens_with_spans
from assistant.text.numbers import numbers_in
from assistant.understand.lexicon import Entity, Lexicon, blank

YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
MONTH_NUMBER = re.compile(r"(?:\bشهر|\bالشهر|\bmonth)\s+(\d{1,2})\b")
DAY_BEFORE = re.compile(r"(?:^|\s)(\d{1,2})\s*$")
RANGE_WORDS = ("بين", "من", "between", "from")
NAMED = frozenset({"subject", "person", "agency", "country", "city", "region"})  # names a year may follow
# «who» before «when»/«where»: «Who is the Brazilian police chief he met, and where?» asks for a person
INTENT_ORDER: tuple[Intent, ...] = ("count", "who", "when", "where", "yesno", "why", "list", "what")
LISTABLE = {"country", "city", "meeting", "person", "agreement"}
FIRST_WORD_ONLY = {"yesno"}
# the flags of the compare words (``compare`` in questions.yaml): «أكثر من», «مقارنة», «أم», «more», «than»
COMPARE_FLAGS = frozenset({"more_than", "less_than", "longer_than", "shorter_than", "versus", "more", "fewer", "than"})
# a word of more or fewer that says «than» with «من» one word on («أكثر عددا من»): read as «أكثر من»
COMPARE_WORDS = {"more_word": "more_than", "fewer_word": "less_than"}


@dataclass(frozen=True)
class Denial:
    """One denied clause: the event itself, or the event as narrowed by what the words after the denial
    name («…ولم يوقع فيها اتفاقية», «…لم يلتق فيها بمسؤولين أوروبيين», «باستثناء اجتماعات الإنتربول»)."""

    entities: tuple[Entity, ...] = ()  # named after the denial: they narrow what did not happen
    targets: tuple[str, ...] = ()  # things named after it («اتفاقية»): what did not happen is their occasion


@dataclass(frozen=True)
class Negation:
    """What a question denies («أي الشهور لم يلتق فيها…؟»): one clause per denial; an occasion is excluded
    when any of them holds of it. «not X but Y» («لم يزرها بل جاء مسؤولها إلى المغرب») asks Y: no negation."""

    clauses: tuple[Denial, ...] = (Denial(),)

    @property
    def entities(self) -> tuple[Entity, ...]:
        return tuple(e for c in self.clauses for e in c.entities)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(t for c in self.clauses for t in c.targets)


@dataclass(frozen=True)
class Relation:
    """«أول دولة زارها بعد قطر», «آخر لقاء قبل الصيف»: the occasions after or before an anchor, the occasion
    (or months) the words after the cue name; ``nearest``: only the one next to it («مباشرة بعد»)."""

    after: bool
    anchor: tuple[Entity, ...] = ()
    nearest: bool = False
    year: int | None = None  # «بعد 2020», «since 2020»: the anchor is a whole year
    back: bool = False  # «بعد ذلك», "next": the anchor is the occasion an earlier turn was about (``followup``)
    steps: int = 1  # the nearest one, or further along: «وبعدها؟» again is the second after the anchor


@dataclass(frozen=True)
class Frame:
    text: str
    intent: Intent = "unknown"
    target: str | None = None  # country city region meeting person topic agreement …
    entities: tuple[Entity, ...] = ()
    years: tuple[int, ...] = ()
    order: str | None = None  # first | last
    days: tuple[tuple[int, int], ...] = ()  # (month, day) pairs: «13 شباط», «25 نوفمبر»
    what_about: bool = False  # «وماذا عن قطر؟»: swap the entities, keep the question
    named_years: tuple[int, ...] = ()  # every year it names, «كأس العالم 2030» too (``years``: those that say when)
    uncountable: str | None = None  # «كم عدد سكان…؟»: the noun a count asks about, when the base cannot count it
    unlisted: str | None = None  # «ما الهدايا التي…؟»: the noun a what/which question asks for, when no target
    flags: frozenset[str] = field(default_factory=frozenset)  # meeting article injection greeting ref
    followup: bool = False  # leans on an earlier turn
    # «أ أكثر من ب»: the entities before the first compare word and those after it (each side's own filters)
    sides: tuple[tuple[Entity, ...], tuple[Entity, ...]] = ((), ())
    threshold: int | None = None  # «هل زار أكثر من 10 دول؟»: the number a count is set against
    # «النصف الأول», «الصيف»: each part of the year named, with its months (read as month entities too)
    periods: tuple[tuple[str, tuple[int, ...]], ...] = ()
    negation: Negation | None = None  # «لم», «not»: the records' complement is asked
    relation: Relation | None = None  # «بعد قطر», «قبل الصيف»: occasions after or before an anchor
    # the question without what says what it asks (its cue, framing and target words): what a follow-up
    # borrows from it («كم دولة زار بن عمار؟» lends «زار بن عمار», not «كم دولة»)
    context: str = ""
    # «كم مذكرة تفاهم وقع…؟»: the words of the kind of agreement named; only the agreements so named count
    agreement_words: tuple[str, ...] = ()
    # and how a count of that kind is said, where one kind is named (one, two, 3–10, 11 and up)
    agreement_noun: tuple[str, str, str, str] | None = None
    # «كم مرة…؟», «كم زيارة…؟»: how a count of occasions is said (one, two, 3–10, 11 and up)
    occasion_noun: tuple[str, str, str, str] | None = None

    def of(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.type == kind]

    @property
    def asks_yes_no(self) -> bool:
        """A yes/no question, or one that also asks yes or no («هل التقى…؟ ومتى؟»)."""
        return self.intent == "yesno" or "yesno_too" in self.flags

    @property
    def filters(self) -> tuple[Entity, ...]:
        """Entities that narrow the records (the subject himself does not)."""
        return tuple(e for e in self.entities if e.type not in {"subject", "article"})

    def with_(self, **changes: object) -> Frame:
        return replace(self, **changes)  # type: ignore[arg-type]


def _latin(text: str) -> bool:
    """Written mostly in Latin letters."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) > len(letters) / 2


def _strip_conj(token: str) -> str:
    return token[1:] if len(token) > 2 and token[0] in "وف" else token


Spans = list[tuple[int, int]]


def _within(spans: Spans, start: int, end: int) -> bool:
    """The token at [start, end) overlaps one of ``spans`` (a phrase a matcher found)."""
    return any(s <= start < e or s < end <= e for s, e in spans)


def _counted_noun(text: str, lex: Lexicon, cues: list[Match[str]], counted: Spans, names: Spans) -> str | None:
    """What a count question counts when the base cannot count it. Arabic names what «كم» counts right after
    it («كم بلداً») or later after «من» («كم زار حموشي من دولة؟»); English may put an adjective first («how
    many foreign officials»). So: the first content word after the cue, unless it, or a second one after
    «من» (or in Latin script), is a target, an event kind or an event word. A name (the subject, a place, a
    month) says whose or where, not what, and is passed over: «كم يتقاضى حموشي من أجر؟» and «كم كلفت زيارات
    حموشي؟» count no event, «كم مرة زار حموشي مدريد؟» does. A cue that asks an amount (``amount_words``,
    «how much») counts nothing. ``cues``: the question's intent cues, as ``parse`` found them."""
    cues = [m for m in cues if m.payload == "count"]
    if not cues:
        return None
    if _within(counted, cues[0].start, cues[0].end):  # the cue names what it counts («how long», «how many days»)
        return None
    cue = text[cues[0].start : cues[0].end]
    if normalize(cue).casefold() in {normalize(w).casefold() for w in lex.words.amount_words}:
        return cue
    skip = set(tokenize(" ".join(lex.words.intents["count"]))) | {"ما"}
    stops = stopwords()
    seen: list[str] = []
    after_min = False  # the word follows «من»: where Arabic names the counted noun when it is not next to «كم»
    for token, start, end in tokens_with_spans(text[cues[0].end :]):
        start, end = start + cues[0].end, end + cues[0].end
        if token == "من":
            after_min = True
            continue
        if token in skip or light_stem(token) in skip or is_stopword(token, stops):
            continue  # «كم عددها», «أشحال من…»
        if _within(counted, start, end):
            return None if not seen or after_min or token.isascii() else seen[0]
        if _within(names, start, end):
            continue
        seen.append(text[start:end])
        after_min = False
        if len(seen) == 2:
            break
    return seen[0] if seen else None


def _years(text: str, lex: Lexicon, found: list[Match[Entity]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the years that say when, every year named). A year says when after a year cue (``year_cues``: «سنة
    2024», «خلال 2024», «in 2024»), an event word («لقاءات 2024»), a month («5 دجنبر 2024») or first; the
    subject's, a person's or a place's name between them changes nothing («زيارات حموشي 2024»). After any
    other word it is part of a name («كأس العالم 2030», «دورة 2025 للإنتربول», «خطة العمل 2025-2026»): the
    question is not about that year's events. A year joined to one before it («2025-2026», «2023 و2024»)
    reads as that one does. Without year cues (an older questions file) every year says when."""
    tokens = tokens_with_spans(text)
    kinds: dict[int, str] = {}  # token index -> "month" | "name"
    for m in found:
        kind = "month" if m.payload.type in {"month", "period"} else "name" if m.payload.type in NAMED else None
        if kind:
            for i, (_, start, _end) in enumerate(tokens):
                if m.start <= start < m.end:
                    kinds[i] = kind
    cues = lex.year_cues
    when: list[int] = []
    named: list[int] = []
    states: dict[int, bool] = {}
    for i, (token, _, _) in enumerate(tokens):
        if not YEAR.fullmatch(token):
            continue
        j = i - 1
        while j >= 0 and (kinds.get(j) == "name" or tokens[j][0] in {"و", "-"}):
            j -= 1
        if not cues or j < 0:
            says_when = True
        elif j in states:  # «2025-2026», «2023 و2024»: as the year it is joined to
            says_when = states[j]
        else:
            says_when = kinds.get(j) == "month" or tokens[j][0] in cues
        states[i] = says_when
        named.append(int(token))
        if says_when:
            when.append(int(token))
    return tuple(when), tuple(named)


def _asked_noun(text: str, lex: Lexicon, cues: list[Match[str]], counted: Spans, names: Spans) -> str | None:
    """What a «ما»/«أي»/«what» question asks for, when it is none of the things the records list: the first
    content word after the cue, framing words and names passed over («ما تكلفة زيارات حموشي؟» → «تكلفة»,
    «ما هو الطقس في الرياض…؟» → «الطقس»). None where that word is a target, an event kind or an event word
    («ما الدول التي زارها…؟»), or in Latin script: an English word is no evidence of what an Arabic base
    holds. ``cues``: the question's intent cues, as ``parse`` found them."""
    cues = [m for m in cues if m.payload in {"what", "list"}]
    if not cues:
        return None
    start_at = cues[0].end
    plain = lex.without_framing(text)  # blanked in place: spans stay those of ``text``
    stops = stopwords()
    for token, start, end in tokens_with_spans(plain[start_at:]):
        start, end = start + start_at, end + start_at
        if token.isdigit() or is_stopword(token, stops):
            continue
        if _within(counted, start, end):
            return None
        if _within(names, start, end):
            continue
        return None if token.isascii() else text[start:end]
    return None


SHORT_CUE = 2  # letters: a cue this short is itself only as a whole word («كام» holds no «أم», «كلم» no «لم»)


def _whole(text: str, found: list[Match[str]]) -> list[Match[str]]:
    """The matches of a cue word that are the word itself (or it after the conjunction), where the cue is
    short: the matcher also reads a word without its proclitics, and «ك» + «ام» is «كام» («how many»), not
    «أم» («or»)."""

    def itself(m: Match[str]) -> bool:  # the word, or the word after «و»/«ف» («ولم», «فلم»)
        word, cue = normalize(text[m.start : m.end]), normalize(m.phrase)
        return word == cue or (word[:1] in {"و", "ف"} and word[1:] == cue)

    return [m for m in found if len(normalize(m.phrase)) > SHORT_CUE or itself(m)]


def _compares(text: str, found: list[Match[str]]) -> list[Match[str]]:
    """The compare words, a word of more or fewer kept only where «من» follows it within one word («أكثر
    عددا من»: as «أكثر من»), and said so."""
    out: list[Match[str]] = []
    for m in found:
        if m.payload not in COMPARE_WORDS:
            out.append(m)
        elif "من" in tokenize(text[m.end :])[:2]:
            out.append(replace(m, payload=COMPARE_WORDS[m.payload]))
    return out


def _threshold(text: str, lex: Lexicon, compares: list[Match[str]]) -> int | None:
    """The number right after «أكثر من»/«أقل من»/«more than» (within three words), digits or number words."""
    for m in compares:
        if m.payload in {"more_than", "less_than"}:
            stated = numbers_in(" ".join(tokenize(text[m.end :])[:3]), lex.number_words)
            whole = sorted(int(n) for n in stated if n.isdigit())
            if whole:
                return whole[0]
    return None


SENTENCE_ENDS = re.compile(r"[؟?!.]")


def _sides(
    text: str, compares: list[Match[str]], read_as: list[tuple[Entity, tuple[int, int]]]
) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    """The entities before the first word that sets one thing against another, and those after it, within
    its sentence («…أكثر من…؟ كم لقاء احتضنته الرباط؟»: the second question is neither side)."""
    at = next((m.start for m in compares if m.payload not in {"more", "fewer"}), None)
    if at is None:
        return (), ()
    start = max((m.end() for m in SENTENCE_ENDS.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in SENTENCE_ENDS.finditer(text, at)), len(text))
    before = tuple(e for e, (s, _) in read_as if start <= s < at)
    return before, tuple(e for e, (s, _) in read_as if at <= s < end)


def tagged(tokens: list[str], lex: Lexicon) -> bool:
    """The question ends on a yes/no tag («…، صح؟», «…, right?»), whatever it opens with."""
    tags = (tokenize(t) for t in lex.words.yesno_tags)
    return any(tag and len(tokens) > len(tag) and tokens[-len(tag) :] == tag for tag in tags)


def _what_about(lex: Lexicon, tokens: list[str]) -> bool:
    return any(cue != ["و"] and tokens[: len(cue)] == cue for cue in lex.followup_starts)


def _starts_followup(lex: Lexicon, tokens: list[str]) -> bool:
    # «وقطر؟», «ومتى…؟», «ومن التقى…؟»: a short turn opening with the conjunction و.
    return _what_about(lex, tokens) or (bool(tokens) and tokens[0].startswith("و") and len(tokens) <= 5)


def _months_and_days(
    text: str, lex: Lexicon, entities: list[Entity], spans: list[tuple[int, int]]
) -> tuple[list[Entity], tuple[tuple[int, int], ...]]:
    """Months given as numbers («شهر ٩»), days before a month name («13 شباط»), ranges («بين فبراير وأبريل»)."""
    months = [e for e in entities if e.type == "month"]
    extra: list[Entity] = []
    for m in MONTH_NUMBER.finditer(normalize(text)):
        n = int(m.group(1))
        if 1 <= n <= 12:
            extra.append(Entity("month", str(n), lex.month_label(n)))
    days = []
    for e, (start, _) in zip(entities, spans, strict=True):
        if e.type == "month":
            before = DAY_BEFORE.search(normalize(text[:start]))
            if before and 1 <= int(before.group(1)) <= 31:
                days.append((int(e.value), int(before.group(1))))
    numbers = sorted({int(e.value) for e in months})
    words = set(tokenize(text))
    if len(numbers) == 2 and words & set(RANGE_WORDS) and numbers[1] - numbers[0] > 1:
        between = range(numbers[0] + 1, numbers[1])
        extra += [Entity("month", str(n), lex.month_label(n)) for n in between if n not in numbers]
    return extra, tuple(days)


def _first(cues: list[Match[str]], intent: str) -> int:
    """Where the question's first cue of ``intent`` starts."""
    return min(m.start for m in cues if m.payload == intent)


def _as_months(e: Entity, lex: Lexicon) -> list[Entity]:
    """A part of the year named («النصف الثاني من السنة», «صيف 2024», «Q1») is the months it covers, and
    filters as they do; any other entity is itself."""
    if e.type != "period":
        return [e]
    return [Entity("month", str(m), lex.month_label(m)) for m in _period_months(e)]


def _period_months(e: Entity) -> tuple[int, ...]:
    """The months a period entity covers (its value: «6,7,8»)."""
    return tuple(int(m) for m in e.value.split(","))


def _negation(
    text: str,
    lex: Lexicon,
    cues: list[Match[str]],
    read_as: list[tuple[Entity, tuple[int, int]]],
    targets: list[Match[str]],
) -> Negation | None:
    """What the question denies: for each denial of an event, the entities and things named after it, up to
    a punctuation mark or the next denial (before it, they say which events are meant: «ما الدول التي زارها
    حموشي ولم يوقع فيها اتفاقية؟»; «باستثناء اجتماعات الإنتربول، كم زيارة… بدون توقيع أي اتفاقية؟» denies
    two things). A negated verb that reports a source denies no event («ما الذي لم يذكره المقال…؟»)."""
    denials = [m for m in cues if m.payload == "not"]
    denials = [m for m in denials if not _reports(next_word(text, m.end), lex)]
    # no denial is followed by the subject's own name: «شكثر زيارة سوى بن عمار…؟» is the Gulf «سوّى» (made),
    # not «سوى» (except)
    subject_at = {start for e, (start, _) in read_as if e.type == "subject"}
    denials = [m for m in denials if _next_start(text, m.end) not in subject_at]
    if not denials or any(m.payload == "but" and m.start > denials[0].start for m in cues):
        return None  # «not X but Y» asks Y
    clauses: list[Denial] = []
    for k, cue in enumerate(denials):
        stop = _clause_end(text, cue.end, denials[k + 1].start if k + 1 < len(denials) else len(text))
        clauses.append(
            Denial(
                entities=tuple(e for e, (start, _) in read_as if cue.end <= start < stop),
                targets=tuple(m.payload for m in targets if cue.end <= m.start < stop),
            )
        )
    return Negation(tuple(clauses))


def _reports(word: str, lex: Lexicon) -> bool:
    """A verb that reports a source («يذكره», «mentioned»): negated, it denies a mention, not an event."""
    stems = set(analyze(word))
    return bool(stems) and stems <= lex.saying_stems


def _next_start(text: str, at: int) -> int:
    """Where the first word after ``at`` starts (the text's end when none follows)."""
    words = tokens_with_spans(text[at:])
    return at + words[0][1] if words else len(text)


def next_word(text: str, at: int) -> str:
    words = tokenize(text[at:])
    return words[0] if words else ""


CLAUSE_ENDS = re.compile(r"[،,؟?!.;؛]")


def _clause_end(text: str, start: int, limit: int) -> int:
    """Where a phrase that starts at ``start`` ends: a punctuation mark, or ``limit``."""
    end = CLAUSE_ENDS.search(text, start)
    return min(limit, end.start() if end else len(text))


ANCHOR_TYPES = frozenset({"country", "city", "region", "person", "agency", "kind", "month", "topic", "event"})


def _relation(
    text: str, cues: list[Match[str]], back: list[Match[str]], read_as: list[tuple[Entity, tuple[int, int]]]
) -> Relation | None:
    """The first relative cue followed by what names an anchor: the entities after it, up to a punctuation
    mark or the next relative cue, or a year right after it («بعد 2020»: after that whole year). Else one that
    points back («بعد ذلك», «قبلها», "next"), whose anchor an earlier turn gives."""
    for k, cue in enumerate(cues):
        after, nearest = cue.payload in {"after", "next"}, cue.payload in {"next", "previous"}
        following = next_word(text, cue.end)
        if YEAR.fullmatch(following):
            return Relation(after, nearest=nearest, year=int(following))
        stop = _clause_end(text, cue.end, cues[k + 1].start if k + 1 < len(cues) else len(text))
        anchor = tuple(e for e, (start, _) in read_as if cue.end <= start < stop and e.type in ANCHOR_TYPES)
        if any(e.type != "kind" for e in anchor):
            return Relation(after, anchor, nearest)
    return Relation(back[0].payload == "after", back=True) if back else None


def parse(question: str, lex: Lexicon) -> Frame:
    text = question.strip()
    tokens = tokenize(text)
    found = lex.entities.find(text)
    # a cue word inside a compound noun («دار نشر») or a period's name («النصف الأول», «the first half») is none
    masked = [(m.start, m.end) for m in lex.compounds.find(text)]
    masked += [(m.start, m.end) for m in found if m.payload.type == "period"]

    def cue_words(matches: list[Match[str]]) -> list[Match[str]]:
        return [m for m in matches if not _within(masked, m.start, m.end)]

    cues = cue_words(lex.intent_cues.find(text))
    intents = {m.payload for m in cues}
    if cues and _latin(text):
        # English puts its question word first; one later on joins a clause («What did they sign when he came
        # to Agadir?», «the city where…»). Arabic asks with «متى» or «كم» wherever they stand.
        first = min(m.start for m in cues)
        intents = {m.payload for m in cues if m.start == first}
    elif {"why", "count"} <= intents and _first(cues, "why") < _first(cues, "count"):
        # «لماذا زاد عدد الزوار؟», «ليش يختلف عدد اللقاءات…؟»: a reason asked of a number; «عدد» is its noun
        intents -= {"count"}
    first = _strip_conj(tokens[0]) if tokens else ""
    intent: Intent = "unknown"
    who_first = first in {normalize(w) for w in lex.words.who_first_word}
    yes_first = any(
        normalize(w) == first or normalize(w) == (tokens[0] if tokens else "") for w in lex.words.intents["yesno"]
    ) or tagged(tokens, lex)
    # «هو حموشي زار قطر؟»: a pronoun first asks yes or no, unless a question word asks what it asks («هو فين…؟»)
    yes_first = yes_first or (not intents and first in {normalize(w) for w in lex.words.yesno_pronouns})
    for candidate in INTENT_ORDER:
        if candidate == "who" and who_first:
            intent = "who"
            break
        if candidate in FIRST_WORD_ONLY:
            if yes_first:
                intent = candidate
                break
            continue
        if candidate in intents:
            intent = candidate
            break
    target_matches = cue_words(lex.target_cues.find(text))
    targets = [m.payload for m in target_matches]
    read_as = [(month, (m.start, m.end)) for m in found for month in _as_months(m.payload, lex)]
    entity_list = [e for e, _ in read_as]
    extra, days = _months_and_days(text, lex, entity_list, [span for _, span in read_as])
    entities = tuple(entity_list + extra)
    flag_matches = cue_words(lex.flags.find(text))
    events = [m for m in flag_matches if m.payload == "meeting"]
    compares = _compares(text, _whole(text, cue_words(lex.compare_cues.find(text))))
    flags = frozenset(m.payload for m in flag_matches) | {m.payload for m in compares}
    if any(e.type == "article" for e in entity_list):  # «حسب أنفاس بريس…»: the publisher names its article
        flags |= {"article"}
    if any(p.lower() in text.lower() for p in lex.words.injection_patterns):
        flags |= {"injection"}
    if "duration" in targets[1:]:  # «هل طوّلات زيارة برلين كثر من…؟»: a length asked, though not first
        flags |= {"duration"}
    if yes_first and intent != "yesno" and "versus" not in flags:  # «هل التقى…؟ ومتى؟»: also yes or no
        flags |= {"yesno_too"}  # (not «واش هو اللي مشا ولا هما اللي جاو؟», which asks which)
    order = next((m.payload for m in cue_words(lex.order_cues.find(text))), None)
    years, named_years = _years(text, lex, found)
    # what the frame reads as targets, events and kinds, and the names (places, the subject, months) it passes over
    read = [(m.start, m.end) for m in (*target_matches, *events, *(m for m in found if m.payload.type == "kind"))]
    names = [(m.start, m.end) for m in found if m.payload.type != "kind"]
    if intent == "unknown" and any(e.type not in {"subject", "article"} for e in entities):
        intent = "what"
    if intent == "what" and targets and targets[0] in LISTABLE:  # «ما البلدان التي زارها…؟» lists
        intent = "list"
    relation = _relation(
        text, cue_words(lex.relative_cues.find(text)), cue_words(lex.relative_back_cues.find(text)), read_as
    )
    if relation is not None and relation.year is not None:  # «بعد 2020» bounds the occasions, it filters none
        years = tuple(y for y in years if y != relation.year)
    denials = _whole(text, cue_words(lex.negation_cues.find(text)))
    negation = _negation(text, lex, denials, read_as, target_matches)
    if "agreement" in targets[1:] and targets[0] != "agreement" and negation is None:
        flags |= {"signed"}  # «في أي المدن وقع مذكرات تفاهم؟»: where one was signed is asked, not every city
    kinds = [m.payload for m in cue_words(lex.agreement_kind_cues.find(text))]
    return Frame(
        text=text,
        intent=intent,
        target=targets[0] if targets else None,
        entities=entities,
        years=years,
        named_years=named_years,
        order=order,
        flags=flags,
        followup=_starts_followup(lex, tokens) or ("ref" in flags and not entities),
        days=days,
        what_about=_what_about(lex, tokens),
        uncountable=_counted_noun(
            text, lex, cues, read + [(m.start, m.end) for m in lex.counted_event_cues.find(text)], names
        )
        if intent == "count"
        else None,
        unlisted=_asked_noun(text, lex, cues, read, names) if intent in {"what", "list"} else None,
        negation=negation,
        relation=relation,
        sides=_sides(text, compares, read_as),
        threshold=_threshold(text, lex, compares),
        periods=tuple((m.payload.label, _period_months(m.payload)) for m in found if m.payload.type == "period"),
        context=_context(text, lex, target_matches),
        agreement_words=_agreement_words(lex, kinds),
        agreement_noun=_agreement_noun(lex, kinds),
        occasion_noun=_occasion_noun(text, lex, target_matches),
    )


def _occasion_noun(text: str, lex: Lexicon, targets: list[Match[str]]) -> tuple[str, str, str, str] | None:
    """How a count of occasions is said after the first noun the question names them by («كم مرة…؟» → «مرات»;
    «كم لقاء… قبل زيارة باريس؟» counts «لقاءات»)."""
    first = next((m for m in targets if m.payload == "meeting"), None)
    return lex.occasion_nouns.get(normalize(text[first.start : first.end])) if first else None


def _agreement_noun(lex: Lexicon, kinds: list[str]) -> tuple[str, str, str, str] | None:
    """The counted forms of the one kind of agreement named («3 مذكرات تفاهم»); none for a generic word."""
    named = set(kinds)
    return lex.words.agreement_kind_forms.get(named.pop()) if len(named) == 1 else None


def _agreement_words(lex: Lexicon, kinds: list[str]) -> tuple[str, ...]:
    """The words of the kinds of agreement named, none where a generic word (``any``) is named too."""
    if not kinds or "any" in kinds:
        return ()
    return tuple(w for k in dict.fromkeys(kinds) for w in lex.words.agreement_kinds[k])


def _context(text: str, lex: Lexicon, targets: list[Match[str]]) -> str:
    """``text`` with its cue, framing and target words taken out, spaces collapsed."""
    plain = blank(lex.without_framing(text), targets)
    return " ".join(plain.replace("؟", " ").replace("?", " ").split())
