"""The generator's prompt: a data file (``knowledge/reference/generator.yaml``), filled with the evidence the
core selected and nothing else.

Evidence is built from the answer's citations, one block per source id (a record, or an article chunk
whose quoted sentences are joined), so the ids the model may cite are exactly the ids the answer cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.errors import KnowledgeError
from assistant.models import Answer

PROMPT_FILE = Path("reference") / "generator.yaml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHIPPED_PROMPT = Path(__file__).resolve().parents[2] / "knowledge" / PROMPT_FILE


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    user: str
    evidence_item: str


@dataclass(frozen=True)
class Evidence:
    id: str
    kind: str
    title: str
    text: str


def evidence_of(answer: Answer) -> list[Evidence]:
    """One block per cited source id, in the answer's order (quotes of one chunk joined)."""
    blocks: dict[str, Evidence] = {}
    for c in answer.citations:
        if c.source_id in blocks:
            old = blocks[c.source_id]
            if c.quote not in old.text:
                blocks[c.source_id] = Evidence(old.id, old.kind, old.title, f"{old.text}\n{c.quote}")
            continue
        title = c.title + (f" ({c.date})" if c.date and c.date not in c.title else "")
        blocks[c.source_id] = Evidence(c.source_id, c.kind, title, c.quote)
    return list(blocks.values())


class Prompt:
    """Renders the chat messages for one answer; placeholders are filled literally, never evaluated."""

    def __init__(self, spec: PromptFile) -> None:
        self.spec = spec

    @classmethod
    def load(cls, path: Path | None, knowledge_dir: Path) -> Prompt:
        """The given file, else the knowledge folder's, else the shipped one (a foreign knowledge base need
        not carry a prompt of its own)."""
        candidates = [path] if path else [knowledge_dir / PROMPT_FILE, SHIPPED_PROMPT]
        for candidate in candidates:
            if candidate is not None and candidate.is_file():
                try:
                    return cls(PromptFile.model_validate(yaml.safe_load(candidate.read_text(encoding="utf-8"))))
                except (yaml.YAMLError, ValueError) as exc:
                    raise KnowledgeError(str(candidate), str(exc).splitlines()[0]) from exc
        raise KnowledgeError(str(candidates[0]), "prompt file not found / ملف الموجّه غير موجود")

    @staticmethod
    def _fill(template: str, values: dict[str, str]) -> str:
        # one pass over the template: braces inside a question or the evidence are never expanded
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)

    def messages(self, question: str, answer: Answer, evidence: list[Evidence]) -> list[tuple[str, str]]:
        blocks = "\n".join(
            self._fill(self.spec.evidence_item, {"id": e.id, "kind": e.kind, "title": e.title, "text": e.text}).strip()
            for e in evidence
        )
        user = self._fill(
            self.spec.user,
            {"question": question, "resolved": answer.question or question, "draft": answer.text, "evidence": blocks},
        )
        return [("system", self.spec.system.strip()), ("human", user.strip())]
