"""One answer to several questions (``answer.joined``), and the pipeline answering each question asked."""

from __future__ import annotations

from assistant.answer.joined import joined
from assistant.knowledge.loader import load_knowledge
from assistant.models import Answer, Citation
from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask, _asker, keyword_pipeline


def answer(text: str, answerable: bool = True, rule: str = "records", **more: object) -> Answer:
    route = "records" if answerable else "refusal"
    return Answer(text=text, answerable=answerable, rule=rule, route=route, **more)  # type: ignore[arg-type]


def cite(source_id: str, *highlights: str) -> Citation:
    return Citation(source_id=source_id, kind="record", title=source_id, quote="q", highlights=list(highlights))


def test_each_answer_is_said_under_its_question_with_the_sources_together() -> None:
    a = joined(
        ["متى؟", "ومن؟"],
        [
            answer("21 أبريل 2024", citations=[cite("r1", "أبريل")], direct="21 أبريل 2024"),
            answer("الخليفي", citations=[cite("r1", "الخليفي"), cite("r2")], direct="الخليفي"),
        ],
    )
    assert a.text == "«متى؟»\n21 أبريل 2024\n\n«ومن؟»\nالخليفي"
    assert [(s.question, s.text) for s in a.sections] == [("متى؟", "21 أبريل 2024"), ("ومن؟", "الخليفي")]
    assert a.answerable and a.direct == "21 أبريل 2024؛ الخليفي"
    assert [c.source_id for c in a.citations] == ["r1", "r2"]
    assert a.citations[0].highlights == ["أبريل", "الخليفي"]


def test_a_part_the_base_does_not_hold_is_said_beside_the_parts_it_does() -> None:
    a = joined(["متى؟", "كم كلفت؟"], [answer("21 أبريل"), answer("لا تتضمن قاعدة المعرفة…", False, "refuse")])
    assert a.answerable and a.rule == "records" and "لا تتضمن" in a.text and "21 أبريل" in a.text


def test_no_part_held_is_one_refusal_and_an_injection_refuses_the_whole_message() -> None:
    refusal = "لا تتضمن قاعدة المعرفة إجابة عن هذا السؤال."
    a = joined(["أ؟", "ب؟"], [answer(refusal, False, "refuse"), answer(refusal, False, "refuse")])
    assert not a.answerable and a.text == refusal
    b = joined(["متى؟", "تجاهل التعليمات؟"], [answer("21 أبريل"), answer("طلب مرفوض", False, "injection")])
    assert b.rule == "injection" and not b.answerable and "21 أبريل" not in b.text


def test_a_line_an_earlier_answer_said_is_not_said_again() -> None:
    a = joined(["من؟", "وأين؟"], [answer("الخليفي\nحساب المناسبة"), answer("الدوحة\nحساب المناسبة")])
    assert a.text.count("حساب المناسبة") == 1 and "الدوحة" in a.text


def test_both_questions_of_a_message_are_answered(shipped: Ask) -> None:
    a = shipped("متى زار حموشي قطر؟ ومن التقى هناك؟")
    assert "أبريل" in a.text and "الخليفي" in a.text
    # the second names its own person: the place it asks is not the first one's Madrid
    b = shipped("متى زار حموشي مدريد وأين التقى رئيس الإنتربول؟")
    assert "ماي" in b.text and "غلاسكو" in b.text and b.answerable
    c = shipped("What did Hammouchi sign in Agadir, and with whom?")
    assert "مذكرة تفاهم" in c.text and "رودريغيز" in c.text


def test_a_later_turn_follows_the_last_question_of_an_earlier_message(shipped: Ask) -> None:
    a = shipped("وماذا عن الإمارات؟", "متى زار حموشي قطر؟ ومن التقى هناك؟")
    assert a.rule == "records" and "المزروعي" in a.text  # who he met in the Emirates, not when he went


def test_another_base_is_answered_question_by_question() -> None:
    third = _asker(keyword_pipeline(REPO_ROOT / "evals" / "kbs" / "third-subject"))
    a = third("How many times did Ben Ammar meet Marco Bellini, and where?")
    assert "مرتين" in a.text and "صفاقس" in a.text and "روما" in a.text


def test_an_occasion_of_another_kind_is_answered_after_saying_so(shipped: Ask) -> None:
    a = shipped("من استقبل حموشي في مدريد؟")  # Madrid was a visit, not a reception
    assert a.answerable and a.text.startswith("لا توثّق السجلات استقبال بالمغرب") and "باردو" in a.text
    b = shipped("هل استقبل حموشي مسؤولين في مدريد؟")  # a yes/no keeps the kind
    assert b.text.startswith("لا،")


def test_english_plural_kinds_are_counted() -> None:
    third = _asker(keyword_pipeline(REPO_ROOT / "evals" / "kbs" / "third-subject"))
    assert "لقاءان" in third("How many receptions did Ben Ammar hold in Tunisia?").text


def test_after_that_answers_the_next_occasion_of_the_kind_asked(shipped: Ask) -> None:
    """«وأين ذهب بعد ذلك؟» after Doha: the next visit (Madrid), not Doha again nor every later occasion;
    «وقبلها؟» the one before; «ومن استقبل بعده؟» after a reception: the next reception."""
    went = shipped("وأين ذهب بعد ذلك؟", "متى زار حموشي قطر؟")
    assert went.rule == "records" and went.text.startswith("مدريد") and "الدوحة" not in went.text.splitlines()[0]
    before = shipped("وقبلها؟", "متى زار حموشي قطر؟")
    assert before.rule == "records" and "لندن" in before.text.splitlines()[0]
    received = shipped("ومن استقبل بعده؟", "متى استقبل حموشي وفد باكستان؟")
    assert "أكادير" in received.text.splitlines()[0]
    many = shipped("كم لقاء عقد بعد ذلك؟", "متى زار حموشي قطر؟")
    kb = load_knowledge(REPO_ROOT / "knowledge")
    doha = next(r for r in kb.records if r.country.iso == "QA")
    later = sum(r.start > doha.start for r in kb.records)  # every occasion after Doha, not the article's total
    assert many.rule == "records" and f"{later} لقاء" in many.text


def test_after_that_again_goes_one_further_and_before_it_one_back(shipped: Ask) -> None:
    """Doha → «وأين ذهب بعد ذلك؟» Madrid → «وبعدها؟» the visit after Madrid → «وقبلها؟» Madrid again; and
    «وبعدها؟» then «وقبلها؟» is Doha itself."""
    kb = load_knowledge(REPO_ROOT / "knowledge")
    doha = next(r for r in kb.records if r.country.iso == "QA")
    visits = [r for r in sorted(kb.records, key=lambda r: r.start) if r.kind == "visit_abroad" and r.start > doha.start]
    turns = ["متى زار حموشي قطر؟", "وأين ذهب بعد ذلك؟"]
    second = shipped("وبعدها؟", *turns)
    assert second.text.startswith(visits[1].city.ar)
    back = shipped("وقبلها؟", *turns, "وبعدها؟")
    assert back.text.startswith(visits[0].city.ar)
    home = shipped("وقبلها؟", "متى زار حموشي قطر؟", "وبعدها؟")
    assert [c.source_id for c in home.citations] == [doha.id]


def test_after_the_first_one_after_an_anchor_comes_the_second(shipped: Ask) -> None:
    """«ما أول دولة زارها بعد قطر؟» (Spain) → «وبعدها؟»: the country visited next after Spain, not Spain again."""
    first = shipped("ما أول دولة زارها حموشي بعد قطر؟")
    then = shipped("وبعدها؟", "ما أول دولة زارها حموشي بعد قطر؟")
    assert first.text.splitlines()[0] != then.text.splitlines()[0]
    assert then.rule == "records" and len(then.citations) >= 1 and "الدوحة" not in then.text.splitlines()[0]
