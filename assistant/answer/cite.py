"""Citations of article passages: one place that turns a span of an article into a ``Citation``."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.index.documents import chunk_article
from assistant.knowledge.schema import Article
from assistant.models import Citation


def article_citation(article: Article, start: int, quote: str, highlights: Sequence[str] = ()) -> Citation:
    """Cite ``quote`` found at ``start`` in the article body, under the id of the chunk that holds it."""
    chunk = next(c for c in chunk_article(article) if c.start <= start < c.end)
    shown = quote.rstrip("…")
    return Citation(
        source_id=chunk.id,
        kind="article",
        title=article.meta.title,
        url=str(article.meta.url),
        quote=quote,
        start=start,
        end=start + len(shown),
        date=article.meta.published.isoformat(),
        highlights=list(highlights),
    )
