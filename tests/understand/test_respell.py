"""Respelling a question's misspelt words as the base writes them, when the base word keeps company with the
question's other words (assistant.understand.respell), on a small in-memory keyword index."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant.answer.vocabulary import TermTable, Vocabulary
from assistant.retrieve.keyword import KeywordIndex
from assistant.understand.respell import Respeller

PASSAGES = [
    "تامر حسني مطرب وممثل مصري.",
    "بدأ تامر حسني مسيرته الفنية عام 2002 بألبوم مشترك.",
    "سُجن تامر حسني بسبب قضية تزوير في شهادة الخدمة العسكرية.",
    "بلجيكا دولة في أوروبا الغربية، وعدد سكان بلجيكا نحو 11 مليون نسمة.",
    "تقع الجزائر في شمال أفريقيا، وتطل على البحر المتوسط من الغرب إلى الشرق.",
    "الغرب في السياسة يعني أوروبا وأمريكا الشمالية.",
    "النهر أطول أنهار القارة ويصب في البحر.",
    "الجامعة مؤسسة للتعليم العالي والبحث العلمي.",
    "الطب علم يدرس أعراض الأمراض وعلاجها.",
    "القمح من أهم المحاصيل الزراعية في العالم.",
]


def speller(min_lift: float = 2.0, passages: list[str] = PASSAGES) -> Respeller:
    docs = [Document(id=f"d{i}", page_content=t, metadata={"source_id": f"d{i}"}) for i, t in enumerate(passages)]
    index = KeywordIndex.build(docs)
    vocab = Vocabulary(TermTable.count(passages))
    return Respeller(vocab.words, lambda w: vocab.is_known(w, typos=False), index.holding, index.n, min_lift)


def test_a_misspelt_name_is_respelt_when_the_base_writes_it_beside_the_question_s_other_words() -> None:
    got = speller().respell("متى بدأ ثامر حسني مسيرته الفنية؟")
    assert got.text == "متى بدأ تامر حسني مسيرته الفنية؟"
    assert got.changes == (("ثامر", "تامر"),)


def test_a_vowel_too_many_is_respelt_and_the_written_form_is_what_is_reported() -> None:
    got = speller().respell("كم عدد سكان بلجيكيا؟")
    assert got.text == "كم عدد سكان بلجيكا؟"
    assert got.changes == (("بلجيكيا", "بلجيكا"),)


def test_a_word_one_letter_from_a_base_word_that_never_keeps_its_company_stays_unknown() -> None:
    # «الجرب» (scabies) is one sound-alike letter from «الغرب» (the West), which the base never writes
    # beside «أعراض»: a question about what the base lacks keeps its unknown word, so it can be refused
    question = "ما هي أعراض مرض الجرب؟"
    assert [p.better for p in speller().proposals(question)] in ([], ["الغرب"])
    assert speller().respell(question).text == question
    assert speller().respell("ما هو الجرب؟").text == "ما هو الجرب؟"  # no other word to keep company with


def test_words_the_base_writes_latin_script_and_short_words_are_never_touched() -> None:
    for question in ("متى بدأ تامر حسني مسيرته؟", "When did Tamer Hosny start?", "ما هو النهر؟"):
        assert speller().respell(question).text == question
    assert speller().respell("من هو ثامر؟").text == "من هو ثامر؟"  # «من هو» are not company: nothing confirms it


@pytest.mark.parametrize("min_lift", [1e9])
def test_the_bar_decides(min_lift: float) -> None:
    question = "متى بدأ ثامر حسني مسيرته الفنية؟"
    assert speller(min_lift).respell(question).text == question
    (proposal,) = speller(min_lift).proposals(question)
    assert proposal.better == "تامر" and proposal.lift > 2.0


def test_lift_is_company_against_chance() -> None:
    s = speller()
    assert s.lift("تامر", "حسني") == pytest.approx(len(PASSAGES) * 3 / (3 * 3))
    assert s.lift("تامر", "القمح") == 0.0
    assert s.lift("كلمة", "حسني") == 0.0


def test_the_pipeline_reads_the_question_respelt_and_answers_with_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.answer.conftest import keyword_pipeline, one_article_base

    knowledge = one_article_base(tmp_path, "tamer", "تامر حسني", "\n\n".join(PASSAGES[:3]))
    for i, text in enumerate(PASSAGES[3:]):  # other articles: company is told from chance among them
        meta = (
            f"---\nid: other-{i}\ntitle: مقال {i}\npublisher: Wikipedia\nurl: https://ar.wikipedia.org/wiki/{i}\n"
            "published: 2024-01-01\nlanguage: ar\n---\n\n"
        )
        body = f"{text}\n\n{PASSAGES[(i + 1) % 3 + 6]}"
        (knowledge / "articles" / f"other-{i}.md").write_text(meta + body, encoding="utf-8")
    pipe = keyword_pipeline(knowledge)
    answer = pipe.run("متى بدأ ثامر حسني مسيرته الفنية؟", [])
    assert "تامر حسني" in answer.question and "ثامر" not in answer.question
    assert answer.retrieved_ids[0] == "tamer#c02"
    # an earlier turn is read the same way, so a follow-up leans on the respelt name
    assert "تامر" in pipe.run("وماذا عن قضية التزوير؟", ["متى بدأ ثامر حسني مسيرته الفنية؟"]).question


def test_a_pasted_text_is_not_looked_up_word_by_word() -> None:
    from assistant.understand.respell import MAX_WORDS

    words = ["ثامر", "بلجيكيا", "الفاتتحين", "ماترن"] * 5
    got = speller(min_lift=0.0).proposals("حسني " + " ".join(words))
    assert len(got) <= MAX_WORDS
