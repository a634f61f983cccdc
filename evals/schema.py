"""The dataset item schema (JSONL, one item per line), lenient enough for question sets we have never seen.

Unknown fields are kept (``extra="allow"``) so evaluators can carry their own annotations through a run;
every validation error names the file and the line, because datasets are edited by hand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class DatasetError(ValueError):
    """A dataset file that cannot be used; ``str()`` starts with ``path:line:`` like a compiler error."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


class Expect(BaseModel):
    """What a correct answer must (and must not) contain; every part is optional."""

    model_config = ConfigDict(extra="allow")

    all: list[list[str]] = Field(
        default_factory=list, description="Groups of acceptable alternatives; every group must appear."
    )
    none: list[str] = Field(default_factory=list, description="Strings that must not appear.")
    number: float | None = Field(None, description="A number the answer must state.")
    answerable: bool = Field(True, description="False: the right answer is a refusal.")
    sources: list[str] = Field(default_factory=list, description="Ids of the chunks/records holding the answer.")
    gold: list[str] = Field(
        default_factory=list,
        description="SQuAD-style gold answers: enables gold_in_answer, direct_f1/direct_em (answerable items) "
        "and left_out_refused (answerable false).",
    )

    @field_validator("all", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        """A bare string is a group of one, so `["قطر", ["الإمارات", "الامارات"]]` is accepted too."""
        if isinstance(value, list):
            return [[v] if isinstance(v, str) else v for v in value]
        return value

    @field_validator("all")
    @classmethod
    def _no_empty_group(cls, value: list[list[str]]) -> list[list[str]]:
        for group in value:
            if not group or not all(alt.strip() for alt in group):
                raise ValueError("every group in `all` needs at least one non-empty alternative")
        return value

    @field_validator("none", "sources", "gold", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class EvalItem(BaseModel):
    """One question (or conversation, scored on its last turn) with its expectations and tags."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str | None = None
    turns: list[str] | None = None
    expect: Expect = Field(default_factory=Expect)
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _lenient_shapes(cls, data: Any) -> Any:
        """Accept shapes other suites use: top-level `sources`, tag dicts, turns as chat messages."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("id"), int):
            data["id"] = str(data["id"])
        if "sources" in data and isinstance(data.get("expect", {}), dict):
            expect = dict(data.get("expect") or {})
            expect.setdefault("sources", data.pop("sources"))
            data["expect"] = expect
        tags = data.get("tags")
        if isinstance(tags, dict):
            flat: list[str] = []
            for key, value in tags.items():
                values = value if isinstance(value, list) else [value]
                flat.extend(f"{key}:{v}" for v in values)
            data["tags"] = flat
        turns = data.get("turns")
        if isinstance(turns, list):
            data["turns"] = [
                t.get("content") if isinstance(t, dict) and t.get("role", "user") == "user" else t
                for t in turns
                if not (isinstance(t, dict) and t.get("role") == "assistant")
            ]
        return data

    @model_validator(mode="after")
    def _one_question(self) -> EvalItem:
        has_q = bool(self.question and self.question.strip())
        has_t = bool(self.turns)
        if has_q == has_t:
            raise ValueError("give exactly one of `question` or a non-empty `turns` list")
        if self.turns and not all(isinstance(t, str) and t.strip() for t in self.turns):
            raise ValueError("every turn must be a non-empty string")
        return self

    @property
    def scored_question(self) -> str:
        """The turn that is scored: the question, or the last user turn."""
        return self.turns[-1] if self.turns else (self.question or "")

    @property
    def prior_turns(self) -> list[str]:
        return list(self.turns[:-1]) if self.turns else []

    @property
    def all_questions(self) -> list[str]:
        return list(self.turns) if self.turns else [self.question or ""]


@dataclass
class Dataset:
    path: Path
    items: list[EvalItem]
    sha256: str
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "item"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def load_dataset(path: Path | str) -> Dataset:
    """Read and validate a JSONL dataset; blank lines are skipped, ids must be unique within the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(path, None, "not UTF-8") from exc
    items: list[EvalItem] = []
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
        if not isinstance(data, dict):
            raise DatasetError(path, number, "each line must be a JSON object")
        try:
            item = EvalItem.model_validate(data)
        except ValidationError as exc:
            raise DatasetError(path, number, _describe(exc)) from exc
        if item.id in lines:
            raise DatasetError(path, number, f"duplicate id {item.id!r} (first on line {lines[item.id]})")
        lines[item.id] = number
        items.append(item)
    if not items:
        raise DatasetError(path, None, "no items")
    return Dataset(path=path, items=items, sha256=hashlib.sha256(raw).hexdigest(), lines=lines)
