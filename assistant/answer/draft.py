"""What an answer engine returns before the pipeline turns it into the public ``Answer``."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.models import Citation


@dataclass
class Draft:
    text: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    route: str = "records"
    suggestions: list[str] = field(default_factory=list)
    direct: str | None = None  # the short answer the text starts with
