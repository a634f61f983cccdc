"""Which records collections and which articles a question is about, before anything is answered.

A subject named («حموشي», «سلمى الإدريسي») scopes the question to that subject's collection and the
articles it documents; a publisher named («حسب أنفاس بريس») to that article and the collections that cite
it. A follow-up keeps the scope of the turn it leans on. Nothing named means everything — and then an
answer that would merge two subjects is given per subject instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.knowledge.loader import KnowledgeBase
from assistant.understand.question import Frame


@dataclass(frozen=True)
class Scope:
    collections: tuple[str, ...]
    articles: tuple[str, ...]
    named: bool  # the question (or the turn it follows) named a subject or an article

    def where(self) -> dict[str, object] | None:
        """A Chroma `where` for retrieval within the scope (None: the whole base)."""
        if not self.named:
            return None
        parts: list[dict[str, object]] = []
        if self.articles:
            parts.append({"article_id": {"$in": list(self.articles)}})
        if self.collections:
            parts.append({"collection": {"$in": list(self.collections)}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$or": parts}


def resolve(frame: Frame, kb: KnowledgeBase, previous: Scope | None = None) -> Scope:
    every = Scope(tuple(c.id for c in kb.collections), tuple(a.meta.id for a in kb.articles), named=False)
    subjects = list(dict.fromkeys(e.value for e in frame.entities if e.type == "subject"))
    articles = list(dict.fromkeys(e.value for e in frame.entities if e.type == "article"))
    if not subjects and not articles:
        return previous if previous is not None and frame.followup else every
    collections = [c for c in kb.collections if c.id in subjects]
    if articles and not subjects:
        collections = [c for c in kb.collections if set(c.related_articles) & set(articles)]
    if subjects and not articles:  # the subject's own articles; every article when it lists none
        articles = [a for c in collections for a in c.related_articles] or list(every.articles)
    known = {a.meta.id for a in kb.articles}
    return Scope(tuple(c.id for c in collections), tuple(a for a in articles if a in known), named=True)
