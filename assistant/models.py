"""The public result types: what every face (CLI, UI, evals) receives from ``Assistant.ask``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Route = Literal["records", "article", "claims", "mixed", "refusal", "invalid"]
GeneratorStatus = Literal["off", "skipped", "used", "rejected", "timeout", "error"]
Intent = Literal["list", "count", "when", "where", "who", "what", "yesno", "why", "greeting", "unknown"]


class Citation(BaseModel):
    """One source an answer rests on; ``quote`` is display text exactly as stored."""

    model_config = ConfigDict(frozen=True)

    source_id: str = Field(
        description="Record id, `<article-id>#cNN` for an article chunk, or `reference/<file>#<id>` for reference "
        "data an answer's list comes from (a region's member countries)."
    )
    kind: Literal["article", "record", "reference"]
    title: str
    url: str | None = None
    quote: str
    start: int | None = Field(None, description="Character offset of the quote in the article body.")
    end: int | None = None
    date: str | None = Field(None, description="ISO date (record start, or article publication).")
    highlights: list[str] = Field(default_factory=list, description="Words of the quote that support the answer.")
    sources: list[str] = Field(default_factory=list, description="A record's own source URLs (reports).")


class Section(BaseModel):
    """One question of a message that asked several, and its own answer (a face may set it as a heading)."""

    model_config = ConfigDict(frozen=True)

    question: str
    text: str


class Answer(BaseModel):
    """A grounded answer. ``answerable=False`` means the knowledge base does not hold it (or it was refused)."""

    text: str
    answerable: bool
    direct: str | None = Field(
        None, description="The short answer (a date, number, name, place or clause) the text starts with, if any."
    )
    rule: str = Field("", description="The routing rule that answered (injection, records, articles, refuse…).")
    citations: list[Citation] = Field(default_factory=list)
    route: Route
    intent: Intent = "unknown"
    question: str = Field("", description="The question as understood (follow-ups resolved).")
    suggestions: list[str] = Field(default_factory=list, description="Nearby questions the base can answer.")
    retrieved_ids: list[str] = Field(default_factory=list, description="Ranked ids retrieval returned.")
    evidence: float | None = Field(
        None, description="Answerability probability of the best article sentence, when an article answer was sought."
    )
    sections: list[Section] = Field(
        default_factory=list,
        description="A message of several questions: each one's answer, in order (``text`` holds them all, each "
        "after its question in «»).",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)
    generator_status: GeneratorStatus = Field(
        "off",
        description="off: no generative model configured; skipped: not rephrased (a refusal, a greeting…); "
        "used: the text is the model's, post-checked; rejected / timeout / error: the extractive text is shown.",
    )
    generator_detail: str | None = Field(None, description="Why the generated text was not shown.")
    extractive_text: str | None = Field(None, description="The core's own text, when the model's is shown.")

    def to_json(self) -> str:
        return self.model_dump_json(indent=None)
