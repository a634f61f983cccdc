"""An article's own claims (counts, busy months, axes, countries named) and its metadata, answered
«حسب المقال…» for the article the question is about, and set beside what that article's records document
whenever the two differ. Claims are keyed by article: two articles' numbers are never mixed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from assistant.answer import arabic
from assistant.answer.cite import article_citation
from assistant.answer.draft import Draft
from assistant.answer.records import RecordsEngine
from assistant.answer.vocabulary import covered
from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import Claim, RecordCollection
from assistant.models import Citation
from assistant.text import normalize
from assistant.understand.question import COMPARE_FLAGS, Frame

NOT_A_TITLE = frozenset({"when", "count", "where", "why"})  # intents a subject's title does not answer
BUSY_MONTHS = frozenset({None, "meeting", "month"})  # what the busy-months claim says is busiest
TOTALLED = frozenset({None, "meeting", "country"})  # what an article's totals (count_meetings, count_countries) count
RecordsFor = Callable[[Sequence[str]], RecordsEngine]


class ClaimsEngine:
    def __init__(
        self,
        kb: KnowledgeBase,
        records_for: RecordsFor,
        residual_terms: Callable[[str], list[str]],
        article_terms: Callable[[str], frozenset[str]],
        max_listed_articles: int,
        name_word_stems: frozenset[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.name_word_stems = name_word_stems  # the stems of the words that ask for a name («اسم»)
        self.residual_terms = residual_terms  # a question's content words beyond its cue and framing words
        self.article_terms = article_terms  # an article's own stems (title and body)
        self.max_listed_articles = max_listed_articles
        self.records_for = records_for
        self.by_article: dict[str, dict[str, Claim]] = {}
        for cf in kb.claims:
            for c in cf.claims:
                self.by_article.setdefault(cf.article, {}).setdefault(c.kind, c)
        self.dates = records_for(()).dates

    def collections_of(self, article_id: str) -> list[RecordCollection]:
        return [c for c in self.kb.collections if article_id in c.related_articles]

    def cite(self, article_id: str, quote: str) -> Citation:
        article = self.kb.article(article_id)
        return article_citation(article, article.body.index(quote), quote)

    # --- routing within the claims -----------------------------------------------------------------

    def answer(
        self, frame: Frame, articles: Sequence[str], collections: Sequence[str], named: bool = True
    ) -> Draft | None:
        """Answer from the claims of ``articles`` (most relevant first) when the question is about totals,
        busy months, axes, named countries, an article itself (title, date, publisher) or a subject's role.
        ``named``: the question (or the turn it follows) named its article or subject."""
        article = "article" in frame.flags
        # nothing narrows the occasions (an anchor «بعد ذلك» points at does, though no name is in the question)
        plain = frame.relation is None and not [e for e in frame.filters if not (article and e.type == "kind")]
        places = frame.of("country") + frame.of("region") + frame.of("city")
        with_claims = [a for a in articles if a in self.by_article]
        subject_named = any(e.type == "subject" for e in frame.entities)
        # «من هو المدير العام للأمن الوطني؟», «ما اسم المدير العام…؟»: who the subject, named or described, is
        rest = set(self.residual_terms(frame.text))
        asks_name = frame.intent == "who" or (frame.intent == "what" and bool(rest) and rest <= self.name_word_stems)
        who_is = asks_name and frame.target is None and not frame.filters and not rest - self.name_word_stems
        # «ما منصب حموشي؟», «من هو حموشي؟»; a title says who someone is, not since when, how many or why
        # («منذ متى يشغل منصبه؟» is the article's to answer)
        if subject_named and (frame.target == "role" or who_is) and frame.intent not in NOT_A_TITLE:
            return self._role(collections)
        if frame.target == "author" and articles and len(self.residual_terms(frame.text)) <= 1:
            return self._author(articles[0])
        if articles and self._asks_metadata(frame, article and plain, articles[0]):
            if named or len(articles) == 1 or self.residual_terms(frame.text):
                return self._metadata(articles[0])  # the one named, or the one its words describe
            return self._each_article(articles)  # «متى نُشر المقال؟» of a base of several, naming none
        kind: Callable[[str], Draft | None] | None = None
        compares = COMPARE_FLAGS & frame.flags  # «ماي أم شتنبر؟»: the records count each
        if "busiest" in frame.flags and not places and frame.target in BUSY_MONTHS and not compares:
            kind = self._busiest
        elif frame.target == "axis" and not places:  # «محاور التعاون الأمني» may also name a topic; «كم محوراً»
            kind = self._axes
        elif frame.intent == "count" and plain and "records" not in frame.flags and not frame.uncountable:
            if not self._unknown_year(frame, with_claims):
                kind = lambda aid: self._totals(aid, frame)  # noqa: E731
        elif frame.intent == "yesno" and self._states_total(frame, with_claims):
            kind = lambda aid: self._totals(aid, frame)  # noqa: E731
        elif article and frame.target == "country" and not frame.of("country"):
            kind = lambda aid: self._named_countries(aid, frame)  # noqa: E731
        if kind is None:
            return None
        drafts = [(aid, d) for aid in with_claims if (d := kind(aid)) is not None]
        return self._per_article(drafts)

    def _per_article(self, drafts: list[tuple[str, Draft]]) -> Draft | None:
        """One article: its answer. Several (no subject named): each labelled, never merged."""
        if not drafts:
            return None
        if len(drafts) == 1:
            return drafts[0][1]
        parts, cites = [], []
        for aid, d in drafts:
            label = self._subject_name(aid) or self.kb.article(aid).meta.title
            parts.append(f"• {label}: {d.text}")
            cites += d.citations
        return Draft("\n".join(parts), True, cites, route="claims")

    def _asks_metadata(self, frame: Frame, about_article: bool, article_id: str) -> bool:
        """«متى نُشر المقال؟», «من كاتب المقال؟» — but not «ما رأي كاتب المقال في السياسة الخارجية؟»: a
        metadata word asks for metadata only when the question says little else. With a publication word,
        the article's own words only say which article («متى نُشر مقال أنفاس بريس عن دبلوماسية حموشي
        الأمنية؟»); without one («متى … حسب المقال؟») they are what is asked."""
        if frame.target != "metadata" and not (about_article and frame.intent == "when"):
            return False
        rest = self.residual_terms(frame.text)
        if frame.target == "metadata" and "publication" in frame.flags:  # not a section word alone: «ركن»
            own = self.article_terms(article_id)
            rest = [t for t in rest if not covered(t, own)]
        return len(rest) <= 1

    def _each_article(self, articles: Sequence[str]) -> Draft:
        """Each article's metadata, labelled, for a few; for more, which one? — with a question per article
        as a suggestion (most relevant first), since answering for one of many would be a guess."""
        if len(articles) <= self.max_listed_articles:
            drafts = [self._metadata(a) for a in articles]
            text = "\n".join(f"• {d.text}" for d in drafts)
            return Draft(text, True, [c for d in drafts for c in d.citations], route="claims")
        how_many = arabic.counted(len(articles), "مقال", "مقالان", "مقالات", "مقالاً")
        text = f"في قاعدة المعرفة {how_many}؛ عن أي مقال تسأل؟"
        suggestions = [f"متى نُشر مقال «{self.kb.article(a).meta.title}»؟" for a in articles[:4]]
        return Draft(text, False, route="refusal", suggestions=suggestions)

    def _unknown_year(self, frame: Frame, articles: Sequence[str]) -> bool:
        """«كم لقاء سنة 2023؟» when the article counts 2024: not the article's total."""
        years = {c.year for a in articles for c in self.by_article[a].values() if c.year}
        return bool(frame.years) and bool(years) and not set(frame.years) & years

    def _states_total(self, frame: Frame, articles: Sequence[str]) -> bool:
        """«هل صحيح أنه أجرى 20 لقاء في 13 دولة؟»: the question repeats an article's own numbers."""
        stated = {
            c.value
            for a in articles
            for c in self.by_article[a].values()
            if c.kind in {"count_meetings", "count_countries"}
        }
        numbers = {int(n) for n in re.findall(r"\d+", normalize(frame.text)) if int(n) not in frame.named_years}
        return bool(numbers) and numbers <= stated

    # --- answers ------------------------------------------------------------------------------------

    def _subject_name(self, article_id: str) -> str:
        cols = self.collections_of(article_id)
        return cols[0].subject.name_ar if cols else ""

    def _role(self, collections: Sequence[str]) -> Draft | None:
        """«ما هو منصب حموشي؟»: the subject's title, cited where an article states it."""
        drafts = []
        for col in [c for c in self.kb.collections if c.id in collections]:
            subject = col.subject
            if not subject.title_ar:
                continue
            engine = self.records_for((col.id,))
            mention = engine.article_mention(subject.title_ar, col.related_articles)
            cites = [mention] if mention else [engine.cite(engine.records[0])]
            text = f"{subject.name_ar} {arabic.gendered(subject.gender, 'هو', 'هي')} {subject.title_ar}."
            drafts.append(Draft(text, True, cites, route="claims"))
        if not drafts:
            return None
        return Draft("\n".join(d.text for d in drafts), True, [c for d in drafts for c in d.citations], route="claims")

    def _author(self, article_id: str) -> Draft:
        """«من كتب المقال؟»: the author when the front matter names one, else a plain «not said»."""
        a = self.kb.article(article_id)
        if not a.meta.author:
            text = f"لا يذكر المقال «{a.meta.title}» ({a.meta.publisher}) اسم كاتبه."
            return Draft(text, False, [], route="refusal")
        draft = self._metadata(article_id)
        draft.text = f"كتب المقال {a.meta.author}. " + draft.text
        return draft

    def _metadata(self, article_id: str) -> Draft:
        a = self.kb.article(article_id)
        date = self.dates.day(a.meta.published)
        author = f" بقلم {a.meta.author}" if a.meta.author else ""
        section = f" في باب «{a.meta.section}»" if a.meta.section else ""
        text = f"المقال «{a.meta.title}» نشره موقع {a.meta.publisher}{author}{section} يوم {date}."
        cite = Citation(
            source_id=f"{a.meta.id}#c01",
            kind="article",
            title=a.meta.title,
            url=str(a.meta.url),
            # the front matter the answer states, so every name in the answer is in its citation
            quote=" — ".join(filter(None, [a.meta.title, a.meta.publisher, a.meta.author, a.meta.section])),
            date=a.meta.published.isoformat(),
            highlights=[],
        )
        return Draft(text, True, [cite], route="claims")

    def _records_of(self, article_id: str) -> RecordsEngine:
        return self.records_for(tuple(c.id for c in self.collections_of(article_id)))

    def _totals(self, aid: str, frame: Frame) -> Draft | None:
        """The article's totals, for a count of what they count: its meetings (or events unnamed) and its
        countries. «كم عدد الاتفاقيات…؟», «كم يوما…؟» count other things, which the records may hold."""
        if frame.target not in TOTALLED:
            return None
        claims = self.by_article[aid]
        cm, cc = claims.get("count_meetings"), claims.get("count_countries")
        if not cm or not cc:
            return None
        engine = self._records_of(aid)
        recs = engine.records
        n_countries = len({r.country.iso for r in recs})
        cols = self.collections_of(aid)
        gender = cols[0].subject.gender if cols else "m"
        if frame.target == "country":
            text = f"حسب المقال، شملت اللقاءات {arabic.countries(cc.value or 0)}."
            if recs:
                text += f" أما السجلات الموثقة فتغطي {arabic.countries(n_countries)}."
        else:
            year = f" سنة {cm.year}" if cm.year else ""
            stated = f"{arabic.meetings(cm.value or 0)} في {arabic.countries(cc.value or 0)}{year}"
            text = f"حسب المقال، {arabic.gendered(gender, 'عقد', 'عقدت')} {self._subject_name(aid)} {stated}.".replace(
                "  ", " "
            )
            if recs:
                found = f"{len(recs)} مناسبة في {arabic.countries(n_countries)}"
                text += (
                    f" أما السجلات الموثقة فتضم {found}"
                    " (قد يعود الفرق إلى طريقة العد أو إلى استقبالات لم توثقها التقارير)."
                )
        cites = [self.cite(aid, cm.quote)] + [engine.cite(r) for r in recs]
        return Draft(text, True, cites, route="claims")

    def totals_note(self, collections: Sequence[str], target: str | None) -> tuple[str, Citation] | None:
        """«ويذكر المقال…»: the article's total, set beside a records count that covers the whole year (of
        what the totals count: not beside a count of agreements or months)."""
        if target not in TOTALLED:
            return None
        kind = "count_countries" if target == "country" else "count_meetings"
        for col in [c for c in self.kb.collections if c.id in collections]:
            for aid in col.related_articles:
                claim = self.by_article.get(aid, {}).get(kind)
                if claim:
                    value = claim.value or 0
                    what = arabic.countries(value) if target == "country" else arabic.meetings(value)
                    return f"ويذكر المقال {what} في المجموع.", self.cite(aid, claim.quote)
        return None

    def _busiest(self, aid: str) -> Draft | None:
        claim = self.by_article[aid].get("busy_months")
        if not claim:
            return None
        recs = self._records_of(aid).records
        months = arabic.join_ar([self.dates.month(m) for m in claim.months])
        year = f"عرفت سنة {claim.year}" if claim.year else "عرف"
        text = f"حسب المقال، {year} نشاطاً مكثفاً خلال شهري {months}."
        cites = [self.cite(aid, claim.quote)]
        if recs:
            per_month = Counter(r.start.month for r in recs)
            top = max(per_month.values())
            busiest = sorted(m for m, n in per_month.items() if n == top)
            found = arabic.join_ar([self.dates.month(m) for m in busiest])
            text += f" وفي السجلات الموثقة كانت الأشهر الأكثر لقاءات: {found} ({arabic.meetings(top)} لكل منها)."
            engine = self._records_of(aid)
            cites += [engine.cite(r) for r in recs if r.start.month in set(busiest) | set(claim.months)]
        return Draft(text, True, cites, route="claims")

    def _axes(self, aid: str) -> Draft | None:
        claim = self.by_article[aid].get("axes")
        if not claim:
            return None
        items = "\n".join(f"- {i.ar}" for i in claim.items)
        return Draft(
            f"حسب المقال، برزت {len(claim.items)} محاور رئيسية للتعاون:\n{items}",
            True,
            [self.cite(aid, claim.quote)],
            route="claims",
        )

    def _named_countries(self, aid: str, frame: Frame) -> Draft | None:
        claim = self.by_article[aid].get("countries_named")
        if not claim:
            return None
        engine = self._records_of(aid)
        regions = [set(engine.region[e.value].members) for e in frame.of("region")]
        named = [i for i in claim.countries if all(i in members for members in regions)]
        cites = [self.cite(aid, claim.quote)]
        for iso in named:  # a country the quote does not carry is cited where the article names it
            label = engine.country[iso].ar
            if normalize(label) not in normalize(claim.quote):
                mention = engine.article_mention(label, [aid])
                if mention:
                    cites.append(mention)
        text = f"يذكر المقال بالاسم: {arabic.join_ar([engine.country[i].ar for i in named])}."
        documented = {r.country.iso: r for r in engine.records}
        missing = [i for i in documented if i not in claim.countries and all(i in m for m in regions)]
        if missing:
            text += (
                " ولا يذكر بالاسم دولاً توثّق السجلات لقاءات معها: "
                + arabic.join_ar([engine.country[i].ar for i in missing])
                + "."
            )
            cites += [engine.cite(documented[i]) for i in missing]
        return Draft(text, True, cites, route="claims")
