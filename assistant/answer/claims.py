"""The article's own claims (counts, busy months, axes, countries named), answered «حسب المقال…» and set
beside what the records document whenever the two differ.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.answer import arabic
from assistant.answer.cite import article_citation
from assistant.answer.records import Draft, RecordsEngine
from assistant.knowledge.loader import KnowledgeBase
from assistant.knowledge.schema import Claim
from assistant.models import Citation
from assistant.text import normalize
from assistant.understand.question import Frame


class ClaimsEngine:
    def __init__(self, kb: KnowledgeBase, records: RecordsEngine) -> None:
        self.kb = kb
        self.records = records
        self.claims: dict[str, tuple[str, Claim]] = {}
        for cf in kb.claims:
            for c in cf.claims:
                self.claims.setdefault(c.kind, (cf.article, c))

    def cite(self, article_id: str, quote: str) -> Citation:
        article = self.kb.article(article_id)
        return article_citation(article, article.body.index(quote), quote)

    def _get(self, kind: str) -> tuple[str, Claim] | None:
        return self.claims.get(kind)

    def answer(self, frame: Frame) -> Draft | None:
        """Answer from the claims when the question is about totals, busy months, axes, named countries or
        the article itself (title, date, publisher)."""
        article = "article" in frame.flags
        # «حسب المقال، كم دولة زارها؟» still asks the article's total; a kind alone narrows the records otherwise
        plain = not [e for e in frame.filters if not (article and e.type == "kind")]
        places = frame.of("country") + frame.of("region") + frame.of("city")
        unknown_year = bool(frame.years) and not self.records.known_years(frame.years)
        if frame.target == "role" and any(e.type == "subject" for e in frame.entities):
            return self._role()
        if frame.target == "metadata" or (article and frame.intent == "when" and plain):
            return self._metadata()
        if "busiest" in frame.flags and not places and frame.target not in {"country", "city"}:
            return self._busiest()
        if frame.intent == "count" and plain and "records" not in frame.flags and not unknown_year:
            return self._totals(frame)
        if frame.intent == "yesno" and self._states_total(frame):
            return self._totals(frame)
        if frame.target == "axis" and not places:  # «محاور التعاون الأمني» may also name a topic
            return self._axes()
        if article and frame.target == "country" and not frame.of("country"):
            return self._named_countries(frame)
        return None

    def _states_total(self, frame: Frame) -> bool:
        """«هل صحيح أنه أجرى 20 لقاء في 13 دولة؟»: the question repeats the article's own numbers."""
        said = {c.value for _, c in self.claims.values() if c.kind in {"count_meetings", "count_countries"}}
        numbers = {int(n) for n in re.findall(r"\d+", normalize(frame.text)) if int(n) not in frame.years}
        return bool(numbers) and numbers <= said

    def _role(self) -> Draft | None:
        """«ما هو منصب حموشي؟»: the subject's title, cited where the article states it."""
        subject = self.kb.collections[0].subject if self.kb.collections else None
        if subject is None or not subject.title_ar:
            return None
        mention = self.records.article_mention(subject.title_ar)
        cites = [mention] if mention else [self.records.cite(self.kb.records[0])]
        return Draft(f"{subject.name_ar} هو {subject.title_ar}.", True, cites, route="claims")

    def _metadata(self) -> Draft | None:
        if not self.kb.articles:
            return None
        a = self.kb.articles[0]
        date = self.records.dates.day(a.meta.published)
        text = f"المقال «{a.meta.title}» نشره موقع {a.meta.publisher} يوم {date}."
        cite = Citation(
            source_id=f"{a.meta.id}#c01",
            kind="article",
            title=a.meta.title,
            url=str(a.meta.url),
            quote=a.meta.title,
            date=a.meta.published.isoformat(),
            highlights=[],
        )
        return Draft(text, True, [cite], route="claims")

    def _totals(self, frame: Frame) -> Draft | None:
        meetings, countries = self._get("count_meetings"), self._get("count_countries")
        if not meetings or not countries:
            return None
        recs = self.kb.records
        n_countries = len({r.country.iso for r in recs})
        (aid, cm), (_, cc) = meetings, countries
        if frame.target == "country":
            text = (
                f"حسب المقال، شملت اللقاءات {arabic.countries(cc.value or 0)}. "
                f"أما السجلات الموثقة فتغطي {arabic.countries(n_countries)}."
            )
        else:
            year = f" سنة {cm.year}" if cm.year else ""
            said = f"{arabic.meetings(cm.value or 0)} في {arabic.countries(cc.value or 0)}{year}"
            found = f"{len(recs)} مناسبة في {arabic.countries(n_countries)}"
            text = (
                f"حسب المقال، عقد {self._subject()} {said}. أما السجلات الموثقة فتضم {found}"
                " (قد يعود الفرق إلى طريقة العد أو إلى استقبالات لم توثقها التقارير)."
            )
        cites = [self.cite(aid, cm.quote)] + [self.records.cite(r) for r in recs]
        return Draft(text, True, cites, route="claims")

    def totals_note(self, target: str | None) -> tuple[str, Citation] | None:
        """«ويذكر المقال…»: the article's total, set beside a records count that covers the whole year."""
        got = self._get("count_countries" if target == "country" else "count_meetings")
        if not got:
            return None
        aid, claim = got
        what = arabic.countries(claim.value or 0) if target == "country" else arabic.meetings(claim.value or 0)
        return f"ويذكر المقال {what} في المجموع.", self.cite(aid, claim.quote)

    def _busiest(self) -> Draft | None:
        got = self._get("busy_months")
        if not got:
            return None
        aid, claim = got
        per_month = Counter(r.start.month for r in self.kb.records)
        top = max(per_month.values())
        busiest = sorted(m for m, n in per_month.items() if n == top)
        said = arabic.join_ar([self.records.dates.month(m) for m in claim.months])
        found = arabic.join_ar([self.records.dates.month(m) for m in busiest])
        text = (
            f"حسب المقال، عرفت سنة 2024 نشاطاً مكثفاً خلال شهري {said}. "
            f"وفي السجلات الموثقة كانت الأشهر الأكثر لقاءات: {found} ({arabic.meetings(top)} لكل منها)."
        )
        recs = [r for r in self.kb.records if r.start.month in set(busiest) | set(claim.months)]
        return Draft(text, True, [self.cite(aid, claim.quote)] + [self.records.cite(r) for r in recs], route="claims")

    def _axes(self) -> Draft | None:
        got = self._get("axes")
        if not got:
            return None
        aid, claim = got
        items = "\n".join(f"- {i.ar}" for i in claim.items)
        return Draft(
            f"حسب المقال، برزت {len(claim.items)} محاور رئيسية للتعاون:\n{items}",
            True,
            [self.cite(aid, claim.quote)],
            route="claims",
        )

    def _named_countries(self, frame: Frame) -> Draft | None:
        got = self._get("countries_named")
        if not got:
            return None
        aid, claim = got
        regions = [set(self.records.region[e.value].members) for e in frame.of("region")]
        named = [i for i in claim.countries if all(i in members for members in regions)]
        cites = [self.cite(aid, claim.quote)]
        for iso in named:  # a country the quote does not carry is cited where the article names it
            label = self.records.country[iso].ar
            if normalize(label) not in normalize(claim.quote):
                mention = self.records.article_mention(label)
                if mention:
                    cites.append(mention)
        text = f"يذكر المقال بالاسم: {arabic.join_ar([self.records.country[i].ar for i in named])}."
        documented = {r.country.iso: r for r in self.kb.records}
        missing = [i for i in documented if i not in claim.countries and all(i in m for m in regions)]
        if missing:
            text += (
                " ولا يذكر بالاسم دولاً توثّق السجلات لقاءات معها: "
                + arabic.join_ar([self.records.country[i].ar for i in missing])
                + "."
            )
            cites += [self.records.cite(documented[i]) for i in missing]
        return Draft(text, True, cites, route="claims")

    def _subject(self) -> str:
        return self.kb.collections[0].subject.name_ar if self.kb.collections else ""
