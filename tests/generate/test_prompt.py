"""The prompt is data: loaded from the knowledge folder (or the shipped file), filled literally."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.generate.prompt import SHIPPED_PROMPT, Prompt, evidence_of
from assistant.models import Answer, Citation
from tests.conftest import KNOWLEDGE


def answer(**kw: object) -> Answer:
    citations = [
        Citation(source_id="a#c01", kind="article", title="مقال", quote="الجملة الأولى."),
        Citation(source_id="a#c01", kind="article", title="مقال", quote="الجملة الثانية {draft}."),
        Citation(source_id="r1", kind="record", title="لقاء", quote="التقى نظيره.", date="2024-03-05"),
    ]
    return Answer(text="الجواب المستخرج.", answerable=True, route="article", citations=citations, **kw)  # type: ignore[arg-type]


def test_evidence_one_block_per_source_in_order() -> None:
    ev = evidence_of(answer())
    assert [e.id for e in ev] == ["a#c01", "r1"]
    assert "الأولى" in ev[0].text and "الثانية" in ev[0].text
    assert "2024-03-05" in ev[1].title


def test_messages_hold_question_draft_and_evidence_and_never_expand_braces() -> None:
    prompt = Prompt.load(None, KNOWLEDGE)
    a = answer(question="وماذا عن قطر؟ (resolved)")
    (role_s, system), (role_u, user) = prompt.messages("سؤال {evidence}", a, evidence_of(a))
    assert (role_s, role_u) == ("system", "human")
    assert "بالعربية" in system
    assert "سؤال {evidence}" in user  # the reader's braces stay as typed
    assert "الجملة الثانية {draft}." in user  # and the evidence's
    assert "[a#c01]" in user and "[r1]" in user and "الجواب المستخرج." in user
    assert "وماذا عن قطر؟ (resolved)" in user


def test_a_knowledge_base_without_a_prompt_uses_the_shipped_one(tmp_path: Path) -> None:
    assert Prompt.load(None, tmp_path).spec == Prompt.load(SHIPPED_PROMPT, KNOWLEDGE).spec


def test_a_malformed_prompt_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("system: hi\nuser: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        Prompt.load(bad, KNOWLEDGE)
    assert "p.yaml" in str(exc.value)
    bad.write_text("system: hi\n", encoding="utf-8")  # fields missing
    with pytest.raises(KnowledgeError, match=r"p\.yaml"):
        Prompt.load(bad, KNOWLEDGE)
