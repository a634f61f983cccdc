"""Metadata questions answer about the article asked about: named, described by its own words, or — in a
base of several and naming none — each labelled, or the reader is asked which one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.pipeline import Pipeline
from assistant.settings import REPO_ROOT
from tests.answer.conftest import keyword_pipeline

TOPICS = {
    "nile": ("نهر النيل", "ينبع النيل الأبيض من بحيرة فيكتوريا ويلتقي بالنيل الأزرق في الخرطوم.", "2021-03-04"),
    "atlas": ("جبال الأطلس", "تمتد جبال الأطلس في المغرب والجزائر وتونس وأعلى قممها توبقال.", "2022-05-06"),
    "sahara": ("الصحراء الكبرى", "الصحراء الكبرى أكبر صحراء حارة في العالم وتغطي معظم شمال أفريقيا.", "2023-07-08"),
    "medina": ("مدينة فاس", "تضم مدينة فاس أقدم جامعة في العالم ما زالت تعمل وهي جامعة القرويين.", "2020-09-10"),
}


def _base(root: Path, ids: list[str]) -> Pipeline:
    (root / "articles").mkdir(parents=True)
    (root / "reference").symlink_to(REPO_ROOT / "knowledge" / "reference")
    for aid in ids:
        title, body, date = TOPICS[aid]
        (root / "articles" / f"{aid}.md").write_text(
            f"---\nid: {aid}\ntitle: {title}\npublisher: Wikipedia\nurl: https://ar.wikipedia.org/wiki/{aid}\n"
            f"published: {date}\nlanguage: ar\n---\n\n{body}\n",
            encoding="utf-8",
        )
    return keyword_pipeline(root)


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return _base(tmp_path_factory.mktemp("four") / "knowledge", list(TOPICS))


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return _base(tmp_path_factory.mktemp("two") / "knowledge", ["nile", "atlas"])


def test_the_article_its_own_words_describe_is_the_one_answered(four: Pipeline) -> None:
    got = four.run("متى نشر المقال عن جبال الأطلس وقمة توبقال؟", [])
    assert got.rule == "claims" and got.answerable
    assert "جبال الأطلس" in got.text and "2022" in got.text
    assert "2021" not in got.text and "2023" not in got.text


def test_of_many_articles_naming_none_the_reader_is_asked_which(four: Pipeline) -> None:
    got = four.run("متى نشر المقال؟", [])
    assert not got.answerable and "عن أي مقال تسأل" in got.text
    assert "4 مقالات" in got.text
    assert len(got.suggestions) == 4 and all(s.startswith("متى نُشر مقال «") for s in got.suggestions)
    # a suggestion is a question the base answers, about that one article
    title = got.suggestions[1].split("«")[1].split("»")[0]
    followed = four.run(got.suggestions[1], [])
    assert followed.answerable and title in followed.text


def test_of_a_few_articles_naming_none_each_is_answered_labelled(two: Pipeline) -> None:
    got = two.run("متى نشر المقال؟", [])
    assert got.answerable and got.rule == "claims"
    lines = got.text.splitlines()
    assert len(lines) == 2 and all(line.startswith("• ") for line in lines)
    assert "2021" in got.text and "2022" in got.text
    assert {c.source_id.split("#")[0] for c in got.citations} == {"nile", "atlas"}


def test_a_date_asked_of_the_body_is_not_metadata(shipped) -> None:  # type: ignore[no-untyped-def]
    got = shipped("متى وصل حموشي إلى الدوحة حسب المقال؟")
    assert got.rule != "claims" or "نشره موقع" not in got.text


def test_a_publication_question_naming_the_articles_topic_is_metadata(shipped) -> None:  # type: ignore[no-untyped-def]
    got = shipped("متى نشر مقال أنفاس بريس عن دبلوماسية حموشي الأمنية؟")
    assert got.rule == "claims" and "2025" in got.text and "نشره موقع" in got.text


def test_a_section_word_alone_is_no_publication_question(four: Pipeline) -> None:
    # «ركن» is a newspaper's section and a pillar; without a publication word the question's other words say
    # what it asks (here nothing the base holds), not which article
    got = four.run("اعطي ركن من اركان جامعة القرويين في مدينة فاس؟", [])
    assert got.rule != "claims"
    published = four.run("متى نشر المقال عن جامعة القرويين في مدينة فاس؟", [])
    assert published.rule == "claims" and "2020" in published.text
