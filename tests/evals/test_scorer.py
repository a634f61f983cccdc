"""The scorer on hand-made answers: each case must pass or must fail, for the stated reason."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from evals.lexicon import EntityLexicon
from evals.matching import mentions, number_words
from evals.schema import EvalItem
from evals.scorer import ItemScore, score


@pytest.fixture(scope="module")
def lexicon() -> EntityLexicon:
    """From the real knowledge files: reference countries/cities, record counterparts, Morocco as home."""
    kb = load_knowledge(REPO_ROOT / "knowledge")
    homes = [f"country:{c.home_country}" for c in kb.collections]
    return EntityLexicon.build(kb.reference, kb.records, homes)


def item(question: str | None = "سؤال؟", **expect: Any) -> EvalItem:
    tags = expect.pop("tags", [])
    turns = expect.pop("turns", None)
    return EvalItem.model_validate(
        {"id": "t", **({"turns": turns} if turns else {"question": question}), "expect": expect, "tags": tags}
    )


def answer(text: str, answerable: bool = True, citations: list[dict[str, Any]] | None = None, **kw: Any) -> dict:
    return {"text": text, "answerable": answerable, "citations": citations or [], **kw}


def check(result: ItemScore, name: str) -> Any:
    return next(c for c in result.checks if c.name == name)


# --- all / none ----------------------------------------------------------------------------------------


def test_all_groups_match_across_diacritics_hamza_and_ta_marbuta() -> None:
    it = item(all=[["الإمارات العربية المتحدة"], ["الدوحة"], ["السعودية"]])
    result = score(it, answer("زار **الامارات العربيه المتحده** و الدوحه، ثم بالسّعوديّة."))
    assert result.passed, result.checks


def test_a_missing_group_fails_and_is_named() -> None:
    it = item(all=[["قطر"], ["الإمارات", "الامارات"]])
    result = score(it, answer("زار قطر فقط."))
    assert not result.passed
    reason = check(result, "all").reason
    assert "1/2" in reason and "الإمارات" in reason


def test_a_longer_word_does_not_count_as_the_name() -> None:
    """«قطري» (Qatari) is not «قطر»; clitics like و/ب/لل are stripped, suffixes are not."""
    assert not score(item(all=[["قطر"]]), answer("التقى المسؤول القطري")).passed
    assert score(item(all=[["قطر"]]), answer("ثم سافر وقطر")).passed
    assert mentions("زار للسعودية", "السعودية")


def test_dates_in_iso_or_arabic_indic_digits_match_day_and_month_groups() -> None:
    it = item(all=[["21"], ["أبريل", "2024-04"]])
    assert score(it, answer("كانت الزيارة يوم ٢١ أبريل ٢٠٢٤")).passed
    assert score(it, answer("التاريخ: 2024-04-21.")).passed
    assert not score(it, answer("التاريخ: 2024-05-21.")).passed


def test_none_strings_must_not_appear() -> None:
    it = item(all=[["قطر"]], none=["البحرين"])
    assert score(it, answer("زار قطر")).passed
    failed = score(it, answer("زار قطر والبحرين"))
    assert not failed.passed
    assert "البحرين" in check(failed, "none").reason


# --- numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عقد 3 لقاءات في شتنبر", 3),
        ("عقد ٣ لقاءات", 3),
        ("عقد ثلاثة لقاءات", 3),
        ("ثَلَاثَةُ لِقَاءَاتٍ", 3),
        ("السجلات توثق سبعة عشر لقاء", 17),
        ("المقال يتحدث عن عشرين لقاء", 20),
        ("في ثلاث عشرة دولة", 13),
        ("خمسة وعشرون", 25),
        ("زار دولتين", 2),
        ("شارك في اجتماعين متعددي الأطراف", 2),
        ("Three meetings", 3),
    ],
)
def test_numbers_stated_as_digits_or_words_pass(text: str, expected: int) -> None:
    result = score(item(number=expected), answer(text))
    assert result.passed and result.number_match, check(result, "number").reason


def test_a_wrong_number_fails_and_lists_what_was_found() -> None:
    result = score(item(number=6), answer("استقبل خمسة مسؤولين في 2024"))
    assert not result.passed and result.number_match is False
    assert "5" in check(result, "number").reason


def test_days_and_years_of_dates_are_not_counts() -> None:
    """A passage saying «3–4 شتنبر 2024» has not answered «how many?» with 3 (or 4, or 2024)."""
    assert not score(item(number=3), answer("اجتماع متعدد الأطراف يومي 3–4 شتنبر 2024 في ليون")).passed
    assert not score(item(number=21), answer("التاريخ: 2024-09-19 إلى 2024-09-21.")).passed
    assert score(item(number=3), answer("حسب السجلات (شتنبر): 3 لقاءات. - 3–4 شتنبر 2024")).passed


def test_ordinals_and_weekdays_are_not_counts() -> None:
    """«الثالث» is an ordinal and «الاثنين» is Monday: neither states a count."""
    assert number_words().numbers("يوم الاثنين الثالث من يونيو") == []
    assert not score(item(number=2), answer("يوم الاثنين")).passed


# --- refusals ----------------------------------------------------------------------------------------


def test_refusing_an_unanswerable_question_passes() -> None:
    result = score(item(answerable=False), answer("لا أجد هذه المعلومة في قاعدة المعرفة.", answerable=False))
    assert result.passed and result.refused and not result.answerable_expected


def test_answering_an_unanswerable_question_fails() -> None:
    result = score(item(answerable=False), answer("ولد سنة 1966."))
    assert not result.passed
    assert "should have refused" in check(result, "answerable").reason


def test_refusing_an_answerable_question_is_a_false_refusal() -> None:
    result = score(item(all=[["قطر"]]), answer("لا أعرف.", answerable=False))
    assert not result.passed and result.refused and result.answerable_expected
    assert "refused" in check(result, "answerable").reason


# --- hallucination -----------------------------------------------------------------------------------


def test_an_entity_missing_from_every_cited_source_is_a_hallucination(lexicon: EntityLexicon) -> None:
    cited = [{"source_id": "mtg-2024-04-doha", "quote": "زار حموشي الدوحة والتقى عبد الله بن محمد الخليفي"}]
    ok = score(item(), answer("التقى في الدوحة عبد الله بن محمد الخليفي.", citations=cited), lexicon)
    assert ok.hallucinated == []
    bad = score(item(), answer("التقى في الدوحة فيتوريو بيساني.", citations=cited), lexicon)
    assert bad.hallucinated == ["فيتوريو بيساني"]
    assert not check(bad, "hallucination").passed
    assert bad.passed, "hallucination is reported beside accuracy, not inside it"


def test_the_full_stored_source_text_counts_as_support(lexicon: EntityLexicon) -> None:
    cited = [{"source_id": "mtg-2024-08-rabat-italy", "quote": "استقبل حموشي المسؤول الإيطالي"}]
    text = "استقبل حموشي فيتوريو بيساني بالرباط."
    full_quote = "اللقاء مع: فيتوريو بيساني (Vittorio Pisani)، الرباط"
    assert score(item(), answer(text, citations=cited), lexicon).hallucinated == ["فيتوريو بيساني", "الرباط"]
    full = {"mtg-2024-08-rabat-italy": full_quote}
    assert score(item(), answer(text, citations=cited), lexicon, full).hallucinated == []


def test_entities_the_user_named_and_the_home_country_are_not_hallucinations(lexicon: EntityLexicon) -> None:
    it = item("هل زار حموشي الجزائر؟", answerable=False)
    refusal = answer("لا توجد في قاعدة المعرفة لقاءات مع الجزائر. الوفد المغربي…", answerable=False)
    assert score(it, refusal, lexicon).hallucinated == []
    invented = answer("لا، لكنه زار روسيا.", answerable=False)
    assert score(it, invented, lexicon).hallucinated == ["روسيا"]


def test_a_demonym_in_the_question_counts_as_the_user_naming_the_country(lexicon: EntityLexicon) -> None:
    it = item("متى التقى حموشي بمسؤولين جزائريين؟", answerable=False)
    refusal = answer("لا تتضمن قاعدة المعرفة أي لقاء يخص الجزائر.", answerable=False)
    assert score(it, refusal, lexicon).hallucinated == []


def test_an_uncited_answer_naming_a_country_is_flagged(lexicon: EntityLexicon) -> None:
    result = score(item(all=[["ألمانيا"]]), answer("زار ألمانيا وإسبانيا."), lexicon)
    assert set(result.hallucinated) == {"ألمانيا", "إسبانيا"}


# --- lists, citations, retrieval ---------------------------------------------------------------------


def test_list_recall_and_precision(lexicon: EntityLexicon) -> None:
    it = item(
        "ما دول الخليج التي زارها؟",
        all=[["السعودية"], ["قطر"], ["الإمارات", "الامارات"]],
        tags=["intent:list"],
    )
    full = score(it, answer("- السعودية\n- قطر\n- الإمارات"), lexicon)
    assert full.list_recall == 1.0 and full.list_precision == 1.0
    partial = score(it, answer("- السعودية\n- قطر\n- تركيا\n- فرنسا"), lexicon)
    assert partial.list_recall == pytest.approx(2 / 3)
    assert partial.list_precision == pytest.approx(2 / 4)


def test_citation_precision_by_source_id_then_by_quote() -> None:
    cites = [
        {"source_id": "mtg-2024-04-doha", "quote": "…"},
        {"source_id": "mtg-2024-03-london", "quote": "…"},
    ]
    by_id = score(item(all=[["قطر"]], sources=["mtg-2024-04-doha"]), answer("قطر", citations=cites))
    assert by_id.citation_precision == 0.5
    quotes = [{"source_id": "a#c01", "quote": "زار قطر"}, {"source_id": "a#c02", "quote": "زار لندن"}]
    by_quote = score(item(all=[["قطر"]]), answer("قطر", citations=quotes))
    assert by_quote.citation_precision == 0.5
    whole_article = score(item(all=[["قطر"]], sources=["a"]), answer("قطر", citations=quotes))
    assert whole_article.citation_precision == 1.0


def test_retrieval_metrics_come_from_retrieved_ids() -> None:
    it = item(all=[["قطر"]], sources=["b", "d"])
    result = score(it, answer("قطر", retrieved_ids=["a", "b", "c", "d"]))
    assert result.retrieval is not None
    assert result.retrieval["recall@5"] == 1.0
    assert result.retrieval["mrr@10"] == 0.5
    assert score(item(all=[["قطر"]]), answer("قطر", retrieved_ids=["a"])).retrieval is None


def test_an_answer_object_works_as_well_as_a_dict() -> None:
    from assistant.models import Answer

    ans = Answer(text="زار قطر", answerable=True, route="records")
    assert score(item(all=[["قطر"]]), ans).passed
