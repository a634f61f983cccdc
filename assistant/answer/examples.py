"""Example questions and a title for a knowledge base, from the knowledge files themselves.

A collection or article may list its own ``examples``; where none are given, questions are phrased from
the data (a subject's countries, cities and years; an article's title), so a new knowledge base shows
questions it can answer without anyone writing code.
"""

from __future__ import annotations

from assistant.answer.arabic import gendered
from assistant.knowledge.loader import KnowledgeBase

GENERIC_TITLE = "مساعد المعرفة"


def title(kb: KnowledgeBase) -> str:
    if len(kb.collections) == 1:
        return kb.collections[0].title_ar
    if len(kb.articles) == 1 and not kb.collections:
        return kb.articles[0].meta.title
    return GENERIC_TITLE


def examples(kb: KnowledgeBase, limit: int = 6) -> list[str]:
    """A few questions per source (each collection, each article), taken in turn so every source shows."""
    sources: list[list[str]] = []
    for f in kb.record_files:
        col, recs = f.collection, f.records
        mine = list(col.examples)
        if recs:
            who, first, last = col.subject.name_ar, recs[0], recs[-1]
            g = col.subject.gender
            met = f"من {gendered(g, 'التقى', 'التقت')} {who} في"
            where = f"متى {gendered(g, 'زار', 'زارت')} {who} {first.country.ar}؟"
            if first.kind == "reception":
                where = f"{met} {first.city.ar}؟"
            held = f"كم لقاءً {gendered(g, 'عقد', 'عقدت')} {who} سنة {last.start.year}؟"
            mine += [where, held, f"{met} {last.city.ar}؟"]
        sources.append(mine)
    for a in kb.articles:
        title = a.meta.title
        asked = f"ما هو {title}؟" if len(title.split()) <= 4 else f"عمّ يتحدث مقال «{title}»؟"
        sources.append(list(a.meta.examples) or [asked])
    out: list[str] = []
    for i in range(max((len(s) for s in sources), default=0)):
        out += [s[i] for s in sources if i < len(s)]
    return list(dict.fromkeys(out))[:limit]
