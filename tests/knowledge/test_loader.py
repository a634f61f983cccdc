from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE

RECORDS = "records/meetings-2024.yaml"


def _edit_yaml(root: Path, rel: str, edit) -> None:  # type: ignore[no-untyped-def]
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_project_knowledge_is_complete_and_consistent() -> None:
    kb = load_knowledge(KNOWLEDGE)
    assert [a.meta.id for a in kb.articles] == ["anfaspress-2025-02-06"]
    assert len(kb.records) == 17
    assert len({r.country.iso for r in kb.records}) == 12
    assert {r.kind for r in kb.records} == {"visit_abroad", "reception", "multilateral"}
    assert all(r.sources for r in kb.records)
    claims = {c.kind: c for cf in kb.claims for c in cf.claims}
    assert claims["count_meetings"].value == 20
    assert claims["count_countries"].value == 13
    assert claims["busy_months"].months == [5, 9]
    gulf = next(r for r in kb.reference.regions if r.id == "gulf")
    assert {"SA", "AE", "QA"} <= set(gulf.members)
    months = {m.number: {n for n in m.names} for m in kb.reference.months}
    assert {"ماي", "مايو", "أيار"} <= months[5]
    assert {"شتنبر", "سبتمبر", "أيلول"} <= months[9]


@pytest.mark.parametrize(
    ("edit", "record", "field"),
    [
        (lambda d: d["records"][2].update(start="2024-13-45"), "#3 (mtg-2024-03-london)", "start"),
        (lambda d: d["records"][0].update(confidence="certain"), "#1 (mtg-2024-01-riyadh)", "confidence"),
        (lambda d: d["records"][4].pop("sources"), "#5 (mtg-2024-05-rabat-pakistan)", "sources"),
        (
            lambda d: d["records"][6]["country"].update(iso="ZZ"),
            "#7 (mtg-2024-07-agadir-brazil)",
            "country.iso",
        ),
        (
            lambda d: d["records"][1].update(topics=["no_such_topic"]),
            "#2 (mtg-2024-02-rabat-spain)",
            "topics",
        ),
        (lambda d: d["records"][3].update(surprise="x"), "#4 (mtg-2024-04-doha)", "surprise"),
        (lambda d: d["records"][8].update(end="2024-01-01"), "#9 (mtg-2024-09-berlin)", None),
    ],
)
def test_malformed_record_names_file_record_and_field(knowledge_copy: Path, edit, record: str, field) -> None:  # type: ignore[no-untyped-def]
    _edit_yaml(knowledge_copy, RECORDS, edit)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    err = info.value
    assert err.path.endswith(RECORDS)
    assert err.record == record
    if field:
        assert err.field == field
    assert RECORDS in str(err) and record in str(err)
    assert err.message_ar and err.message_en


def test_invalid_yaml_reports_the_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / RECORDS
    path.write_text(path.read_text(encoding="utf-8") + "\n  - : : [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"line \d+"):
        load_knowledge(knowledge_copy)


def test_claim_quote_must_occur_in_the_article(knowledge_copy: Path) -> None:
    rel = "claims/anfaspress-2025-02-06.yaml"
    _edit_yaml(knowledge_copy, rel, lambda d: d["claims"][0].update(quote="جملة لم ترد في المقال"))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    assert info.value.field == "quote" and info.value.path.endswith(rel)


def test_article_without_front_matter_is_rejected(knowledge_copy: Path) -> None:
    (knowledge_copy / "articles" / "bad.md").write_text("نص بلا بيانات وصفية", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="front matter"):
        load_knowledge(knowledge_copy)


def test_region_member_must_be_a_known_country(knowledge_copy: Path) -> None:
    _edit_yaml(knowledge_copy, "reference/regions.yaml", lambda d: d["regions"][0]["members"].append("QQ"))
    with pytest.raises(KnowledgeError, match="QQ"):
        load_knowledge(knowledge_copy)


def test_new_article_and_records_file_need_no_code_change(knowledge_copy: Path) -> None:
    (knowledge_copy / "articles" / "example-2025-03-01.md").write_text(
        "---\nid: example-2025-03-01\ntitle: مقال تجريبي\npublisher: جريدة\nurl: https://example.org/a\n"
        "published: 2025-03-01\nlanguage: ar\n---\nاستقبل الوزير وفداً من تونس في الرباط.\n",
        encoding="utf-8",
    )
    data = yaml.safe_load((knowledge_copy / RECORDS).read_text(encoding="utf-8"))
    data["collection"]["id"] = "other-meetings"
    data["records"] = [dict(data["records"][0], id="other-2025-01-tunis")]
    (knowledge_copy / "records" / "other.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge(knowledge_copy)
    assert len(kb.articles) == 2
    assert len(kb.records) == 18
    assert kb.collection_of("other-2025-01-tunis").id == "other-meetings"
