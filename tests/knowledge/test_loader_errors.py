"""Knowledge errors name the right file and say what is wrong (issue 8, findings 8 and 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import KnowledgeError
from assistant.knowledge.loader import load_knowledge, load_knowledge_from_files, read_knowledge_files

ARTICLE = "articles/anfaspress-2025-02-06.md"
RECORDS = "records/meetings-2024.yaml"


def test_a_utf8_bom_is_accepted(knowledge_copy: Path) -> None:
    for rel in (ARTICLE, RECORDS):
        path = knowledge_copy / rel
        path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    kb = load_knowledge(knowledge_copy)
    assert kb.articles[0].meta.id == "anfaspress-2025-02-06" and len(kb.records) == 17


def test_a_duplicate_record_id_names_the_file_and_the_record(knowledge_copy: Path) -> None:
    data = yaml.safe_load((knowledge_copy / RECORDS).read_text(encoding="utf-8"))
    data["collection"]["id"] = "other-meetings"
    data["records"] = [data["records"][3]]  # mtg-2024-04-doha again
    (knowledge_copy / "records" / "other.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    err = info.value
    assert err.path.endswith("records/other.yaml") and err.record == "#1 (mtg-2024-04-doha)"
    assert "meetings-2024.yaml" in err.problem  # and where it was first used


def test_an_article_id_that_differs_from_its_file_name_is_reported_against_the_article(
    knowledge_copy: Path,
) -> None:
    (knowledge_copy / ARTICLE).rename(knowledge_copy / "articles" / "renamed-article.md")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    assert info.value.path.endswith("articles/renamed-article.md") and info.value.field == "id"


def test_a_broken_link_among_the_articles_is_named(knowledge_copy: Path) -> None:
    (knowledge_copy / "articles" / "gone.md").symlink_to(knowledge_copy / "nowhere.md")
    with pytest.raises(KnowledgeError, match="broken link") as info:
        load_knowledge(knowledge_copy)
    assert info.value.path.endswith("articles/gone.md")


@pytest.mark.parametrize("name", ["articles/folder.md", "records/folder.yaml"])
def test_a_folder_with_a_file_name_is_named(knowledge_copy: Path, name: str) -> None:
    (knowledge_copy / name).mkdir()
    with pytest.raises(KnowledgeError, match="folder, not a file") as info:
        load_knowledge(knowledge_copy)
    assert info.value.path.endswith(name)


def test_a_snapshot_loads_like_the_folder_and_is_validated_the_same(knowledge_copy: Path) -> None:
    files = read_knowledge_files(knowledge_copy)
    assert load_knowledge_from_files(files, knowledge_copy).files == load_knowledge(knowledge_copy).files
    broken = {**files, RECORDS: files[RECORDS].replace("confidence: high", "confidence: maybe", 1)}
    with pytest.raises(KnowledgeError) as info:
        load_knowledge_from_files(broken, knowledge_copy)
    assert info.value.path.endswith(RECORDS) and info.value.field == "confidence"


def test_a_period_of_a_month_that_is_not_one_names_the_months_file(knowledge_copy: Path) -> None:
    path = knowledge_copy / "reference" / "months.yaml"
    if path.is_symlink():
        path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["periods"][0]["months"] = [1, 13]
    path.unlink()
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    assert info.value.path.endswith("reference/months.yaml") and info.value.field == "periods.0.months.1"
    del data["periods"]  # a months file without periods (an older base) loads, with none
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_knowledge(knowledge_copy).reference.periods == []
