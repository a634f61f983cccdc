"""Question understanding: intents and entities across MSA, dialects and English; follow-up resolution."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.understand.followup import merge
from assistant.understand.lexicon import Lexicon, accusatives, load_question_words
from assistant.understand.question import Frame, parse
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(load_knowledge(KNOWLEDGE), load_question_words(KNOWLEDGE))


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("كم لقاءً عقد في شتنبر؟", "count"),
        ("أشحال من لقاء دار حموشي؟", "count"),
        ("قديش لقاء عمل؟", "count"),
        ("How many meetings were there?", "count"),
        ("متى زار قطر؟", "when"),
        ("إمتى مشى لتركيا؟", "when"),
        ("وقتاش زار ألمانيا؟", "when"),
        ("أين استقبل البرازيليين؟", "where"),
        ("فين تلاقى مع الإيطاليين؟", "where"),
        ("وين صار اللقاء؟", "where"),
        ("من استقبل في أكادير؟", "who"),
        ("شكون لي تلاقى معاه ف لندن؟", "who"),
        ("مين قابل في باريس؟", "who"),
        ("Who did he meet in Paris?", "who"),
        ("هل زار إيطاليا؟", "yesno"),
        ("واش زار قطر؟", "yesno"),
        ("Did he visit Italy?", "yesno"),
        ("لماذا زار تركيا؟", "why"),
        ("علاش مشى للسعودية؟", "why"),
        ("ما هي دول الخليج التي زارها حموشي؟", "list"),
        ("Which Gulf countries did he visit?", "list"),
        ("ماذا ناقش في ألمانيا؟", "what"),
        ("شنو دار ف فرنسا؟", "what"),
        # a year or a century asked for is a date; «how long/old/far…» asks for a number, «how» alone why
        ("في أي عام توفي صلاح الدين الأيوبي؟", "when"),
        ("في اي سنة زار قطر؟", "when"),
        ("In what year did he visit Qatar?", "when"),
        ("How long did the visit last?", "count"),
        ("What percentage of the meetings were in Europe?", "count"),
        ("ما نسبة اللقاءات التي جرت في أوروبا؟", "count"),  # a share is a number, in Arabic as in English
        ("How did he travel?", "why"),
        # English asks with its first word; a later one joins a clause
        ("What did he discuss when the Brazilian police chief came to Agadir?", "what"),
        ("Who handed him the flag in Glasgow, and which city was it meant for?", "who"),
        ("How many trips did he make when he was in Europe?", "count"),
        # Arabic asks with «متى» wherever it stands
        ("من هو المسؤول القطري الذي التقاه؟ ومتى كان ذلك؟", "who"),
        ("زار حموشي الرياض متى؟", "when"),
        # Egyptian and Levantine ask yes or no with a pronoun first, unless a question word asks otherwise
        ("هو حموشي زار قطر؟", "yesno"),
        ("هي الزيارة كانت في ماي؟", "yesno"),
        ("هو فين اتقابلوا؟", "where"),
        ("هو مين اللي استقبله في أكادير؟", "who"),
    ],
)
def test_intent(lex: Lexicon, question: str, intent: str) -> None:
    assert parse(question, lex).intent == intent


@pytest.mark.parametrize(
    ("question", "kind", "value"),
    [
        ("ما هي دول الخليج التي زارها؟", "region", "gulf"),
        ("زيارات دول مجلس التعاون", "region", "gulf"),
        ("متى زار السعوديه", "country", "SA"),
        ("وبالسعودية؟", "country", "SA"),
        ("زيارة البرزايل", "country", "BR"),
        ("الشرطة الإسبانية", "country", "ES"),
        ("Which meetings in the UAE?", "country", "AE"),
        ("كم لقاء في شتنبر", "month", "9"),
        ("كم لقاء في أيلول", "month", "9"),
        ("لقاءات ماي", "month", "5"),
        ("لقاءات يوليوز", "month", "7"),
        ("في دجنبر", "month", "12"),
        ("من استقبل في أكادير", "city", "Agadir"),
        ("الإرهاب", "topic", "counter_terrorism"),
        ("الهجرة غير الشرعية", "topic", "irregular_migration"),
    ],
)
def test_entities(lex: Lexicon, question: str, kind: str, value: str) -> None:
    found = {(e.type, e.value) for e in parse(question, lex).entities}
    assert (kind, value) in found, found


def test_short_words_do_not_fuzzy_match(lex: Lexicon) -> None:
    assert not any(e.type == "country" for e in parse("ركبت القطار إلى العصر", lex).entities)


def test_years_and_arabic_indic_digits(lex: Lexicon) -> None:
    assert parse("كم لقاء في ٢٠٢٤؟", lex).years == (2024,)


def _resolve(turns: list[str], lex: Lexicon) -> Frame:
    frame = None
    for t in turns:
        frame = merge(parse(t, lex), frame)
    assert frame is not None
    return frame


def test_followup_replaces_the_place_and_keeps_the_intent(lex: Lexicon) -> None:
    f = _resolve(["متى زار حموشي السعودية؟", "وماذا عن قطر؟"], lex)
    assert f.intent == "when" and [e.value for e in f.of("country")] == ["QA"]


def test_followup_keeps_the_place_and_changes_the_intent(lex: Lexicon) -> None:
    f = _resolve(["من استقبل في أكادير؟", "ومتى كان ذلك؟"], lex)
    assert f.intent == "when" and [e.value for e in f.of("city")] == ["Agadir"]
    g = _resolve(["متى زار باريس؟", "ومن التقى هناك؟"], lex)
    assert g.intent == "who" and g.of("city")


def test_a_denial_word_before_the_subject_denies_nothing(lex: Lexicon) -> None:
    gulf = parse("شكثر زيارة سوى حموشي برا المغرب؟", lex)  # «سوّى»: made
    assert gulf.intent == "count" and gulf.negation is None
    assert parse("ما الدول التي زارها حموشي سوى قطر؟", lex).negation is not None  # «سوى»: except


def test_a_followup_naming_its_own_anchor_asks_its_own_place_or_time(lex: Lexicon) -> None:
    f = _resolve(["متى زار حموشي مدريد؟", "وأين التقى رئيس الإنتربول؟"], lex)
    assert f.intent == "where" and not f.of("city") and f.of("person")
    g = _resolve(["من استقبل حموشي في ماي؟", "ومتى استقبل المسؤول الباكستاني؟"], lex)
    assert g.intent == "when" and not g.of("month")
    h = _resolve(["هل زار حموشي قطر؟", "وأين زار؟"], lex)  # an event word is no new anchor: Qatar still
    assert [e.value for e in h.of("country")] == ["QA"]


def test_a_followup_borrows_what_the_earlier_turn_was_about_not_what_it_asked(lex: Lexicon) -> None:
    assert parse("كم دولة زار حموشي سنة 2024؟", lex).context == "زار حموشي 2024"
    f = _resolve(["كم دولة زار حموشي سنة 2024؟", "وكم لقاء يذكر المقال؟"], lex)
    assert "دولة" not in f.text and "حموشي" in f.text and f.target == "meeting"


def test_a_new_full_question_does_not_inherit(lex: Lexicon) -> None:
    f = _resolve(["متى زار حموشي السعودية؟", "كم لقاء عقد في شتنبر؟"], lex)
    assert f.intent == "count" and not f.of("country")


def test_close_but_different_words_are_not_names(lex: Lexicon) -> None:
    # «الداخلي» (internal) is one letter from «الداخلة» (Dakhla); «مشتركة» is not «مشاركة»
    found = {(e.type, e.value) for e in parse("جهاز الأمن الداخلي وخطة عمل مشتركة", lex).entities}
    assert ("city", "Dakhla") not in found and ("kind", "multilateral") not in found


def test_framing_phrases_are_blanked_where_they_frame_and_their_words_kept_elsewhere(lex: Lexicon) -> None:
    from assistant.text import analyze

    # «في أي عام» frames the question; «العامة» in «النسبية العامة» is what it is about
    kept = analyze(lex.without_framing("في أي عام طرح أينشتاين النسبية العامة؟"))
    assert "طرح" in kept and "نسب" in kept
    assert kept.count("عام") == 1, "the framing «عام» is gone, the content one stays"
    # a verb of saying frames with its object pronoun too: «يذكره» was read as a word the base never uses
    assert analyze(lex.content_text("كم لقاء يذكره المقال؟")) == analyze(lex.content_text("كم لقاء يذكر المقال؟"))
    # «ما سبب» frames; the same word inside the content («بسبب») would stay
    assert "سبب" not in analyze(lex.without_framing("ما سبب سقوط الدولة؟"))
    assert "سبب" in analyze(lex.without_framing("متى سقطت الدولة بسبب الحرب؟"))


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("على كم بلدا توزعت اللقاءات؟", "country"),
        ("كم محوراً يحدده المقال؟", "axis"),
        ("كم مسؤولاً استقبل؟", "person"),
    ],
)
def test_a_counted_noun_matches_in_the_accusative(lex: Lexicon, question: str, target: str) -> None:
    frame = parse(question, lex)
    assert frame.target == target
    assert frame.uncountable is None


def test_accusatives_only_for_nouns_that_take_the_alif() -> None:
    assert accusatives(["بلد", "دولة", "لقاء", "مرة", "country", "مذكرة تفاهم"]) == ["بلدا", "لقاءا"]


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("كم يتقاضى حموشي من أجر شهري؟", "يتقاضى"),  # the subject's name is passed over, not counted
        ("كم عدد أفراد الشرطة في المغرب؟", "أفراد"),
        ("كم مرة زار حموشي مدريد؟", None),
        ("كم سافر حموشي في 2024؟", None),  # an event word counts events
        ("كم زار حموشي من دولة؟", None),
        ("How many foreign officials did Hammouchi meet?", None),
        ("كم كلفت زيارات حموشي؟", "كلفت"),  # «زيارات» is what cost, not what is counted: no «من» before it
        ("كم من مرة زار حموشي إسبانيا؟", None),
        ("How much did Hammouchi's trips cost?", "How much"),  # an amount, never a number of trips
    ],
)
def test_what_a_count_counts(lex: Lexicon, question: str, counted: str | None) -> None:
    assert parse(question, lex).uncountable == counted


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("ما الهدايا التي تبادلها حموشي مع نظرائه؟", "الهدايا"),
        ("ما تكلفة الزيارات التي قام بها حموشي؟", "تكلفة"),  # the head of «تكلفة الزيارات», not the event
        ("ما هو الطقس في الرياض أثناء زيارة حموشي؟", "الطقس"),  # «هو» is passed over
        ("ماذا قال حموشي في لندن؟", None),  # framing verbs and names are passed over: nothing is asked for
        ("ما هي الدول التي زارها حموشي؟", None),  # a target the records list
        ("ما المواضيع التي ناقشها حموشي؟", None),
        ("ما اللقاءات التي عقدها حموشي في شتنبر؟", None),  # an event word
        ("What gifts did Hammouchi exchange?", None),  # English words are no evidence of an Arabic base
        ("كم كلفت زيارات حموشي؟", None),  # a count: ``uncountable`` says it
    ],
)
def test_what_a_what_question_asks_for(lex: Lexicon, question: str, asked: str | None) -> None:
    assert parse(question, lex).unlisted == asked


@pytest.mark.parametrize(
    ("question", "years", "named"),
    [
        ("كم لقاء عقد حموشي سنة 2024؟", (2024,), (2024,)),
        ("لقاءات حموشي 2024", (2024,), (2024,)),  # after an event word, the subject's name between them
        ("متى زار حموشي مدريد في 5 ماي 2024؟", (2024,), (2024,)),
        ("كم لقاء بين 2023 و2024؟", (2023, 2024), (2023, 2024)),  # joined to a year that says when
        ("شحال من لقاء دار حموشي فـ2024؟", (2024,), (2024,)),  # a clitic «ف» before the digits
        ("How many meetings in 2023?", (2023,), (2023,)),
        ("هل ناقش حموشي تنظيم كأس العالم 2030 مع إسبانيا؟", (), (2030,)),  # part of a name
        ("ما خطة العمل 2025-2026 التي وقعها حموشي مع بلجيكا؟", (), (2025, 2026)),
        ("ما الذي تسلمه حموشي في غلاسكو استعدادا لاستضافة مراكش دورة 2025 للإنتربول؟", (), (2025,)),
    ],
)
def test_a_year_says_when_only_in_a_time_position(
    lex: Lexicon, question: str, years: tuple[int, ...], named: tuple[int, ...]
) -> None:
    frame = parse(question, lex)
    assert (frame.years, frame.named_years) == (years, named)


def test_without_year_cues_every_year_says_when() -> None:
    """An older questions file has no ``year_cues``: every year filters, as before they existed."""
    words = load_question_words(KNOWLEDGE).model_copy(update={"year_cues": []})
    old = Lexicon(load_knowledge(KNOWLEDGE), words)
    assert parse("هل ناقش حموشي كأس العالم 2030؟", old).years == (2030,)


def test_a_collections_own_event_nouns_count_in_the_accusative(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new collection's event nouns («حفل») count what «كم» asks about in the accusative too («كم حفلاً»),
    with no change to the global question words."""
    import shutil

    import yaml

    kb_dir = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb_dir, symlinks=True)
    path = kb_dir / "records" / "meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["event_words"] = ["حفل", "حفلات", "أحيا"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    concerts = Lexicon(load_knowledge(kb_dir), load_question_words(kb_dir))
    frame = parse("كم حفلاً أحيا حموشي؟", concerts)
    assert "meeting" in frame.flags
    assert frame.uncountable is None


def test_an_event_verbs_accusative_form_is_no_event_outside_a_count(lex: Lexicon) -> None:
    """«حل» is an event word («حل بالرياض»); «حلا» is a solution, and only a count reads it as a counted noun."""
    assert "meeting" not in parse("هل وجد المغرب حلا لمشكلة الهجرة؟", lex).flags


def test_a_regions_adjective_names_the_region_not_a_country_inside_it(lex: Lexicon) -> None:
    """«Latin American» is the region (the longest match), not «American», the United States."""
    cases = {
        "Which Latin American country does the article mention?": "أمريكا اللاتينية",
        "ما هي الدولة الأمريكية اللاتينية التي ذكرها المقال؟": "أمريكا اللاتينية",
        "Which Middle Eastern countries did Hammouchi visit?": "الشرق الأوسط",
        "كم دولة عربية زارها حموشي؟": "الدول العربية",  # the singular qualifies the count too
    }
    for question, region in cases.items():
        frame = parse(question, lex)
        assert ([e.label for e in frame.of("region")], frame.of("country")) == ([region], []), question


@pytest.mark.parametrize(
    ("question", "months", "order"),
    [
        ("كم لقاء عقد حموشي في النصف الثاني من السنة؟", ["7", "8", "9", "10", "11", "12"], None),
        ("How many meetings did Hammouchi hold in the first half of 2024?", ["1", "2", "3", "4", "5", "6"], None),
        ("من التقى حموشي في الربع الأخير من 2024؟", ["10", "11", "12"], None),  # «الأخير» names the quarter
        ("ما هو أول لقاء في النصف الثاني من السنة؟", ["7", "8", "9", "10", "11", "12"], "first"),
        ("ما التكريم الذي حظي به حموشي في باريس صيف 2024؟", ["6", "7", "8"], None),
    ],
)
def test_a_part_of_the_year_is_its_months(lex: Lexicon, question: str, months: list[str], order: str | None) -> None:
    """``periods`` in months.yaml: a half, a quarter or a season filters by its months, and an order word in its
    name orders nothing; a year after it still says when («صيف 2024»)."""
    frame = parse(question, lex)
    assert [e.value for e in frame.of("month")] == months and frame.order == order
    assert not frame.of("period")
    if "2024" in question:
        assert frame.years == (2024,)


def test_a_noun_made_of_a_cue_word_is_no_cue(lex: Lexicon) -> None:
    """«دار نشر» is a publisher (``compound_nouns``): the question asks no publication date of an article."""
    frame = parse("كم دار نشر شاركت في معرض الكتاب؟", lex)
    assert frame.intent == "count" and frame.target != "metadata" and "publication" not in frame.flags
    assert "publication" in parse("متى نشر المقال؟", lex).flags


def test_a_reason_asked_of_a_number_is_a_why(lex: Lexicon) -> None:
    """«لماذا زاد عدد…؟»: the reason is asked, «عدد» is its noun; a count that asks why afterwards stays one."""
    assert parse("لماذا يختلف عدد اللقاءات بين المقال والسجلات؟", lex).intent == "why"
    assert parse("ليش زاد عدد زوار المعرض هالسنة؟", lex).intent == "why"
    assert parse("كم عدد زوار المعرض؟", lex).intent == "count"
    assert parse("بماذا فسر رئيس الاتحاد ارتفاع عدد الزوار؟", lex).intent == "why"  # a why-phrasing, as data


@pytest.mark.parametrize(
    ("question", "denied"),
    [
        ("أي الشهور لم يعقد فيها حموشي أي لقاء؟", []),
        ("ما هي دول الخليج التي لم يزرها حموشي؟", []),
        ("Which months of 2024 had no meetings?", []),
        ("شنو هوما الشهور اللي ما دار فيها حموشي حتى لقاء؟", []),
        ("ما الدول التي زارها حموشي ولم يوقع فيها اتفاقية مع قطر؟", ["QA"]),
        ("Which cities did Hammouchi visit without meeting the Belgians?", ["BE"]),
    ],
)
def test_a_denied_event_and_what_the_denial_names(lex: Lexicon, question: str, denied: list[str]) -> None:
    negation = parse(question, lex).negation
    assert negation is not None
    assert [e.value for e in negation.entities if e.type == "country"] == denied


@pytest.mark.parametrize(
    "question",
    [
        "ما الذي لم يذكره المقال عن زيارة قطر؟",  # a negated framing verb denies no event
        "هو حموشي سافر البرازيل ولا مدير الشرطة البرازيلية هو اللي جه المغرب؟",  # «ولا» is «or» in dialect
        "وأيها لم يزرها حموشي بل جاء مسؤولها إلى المغرب؟",  # «not X but Y» asks Y
        "ما الدول التي زارها حموشي؟",
    ],
)
def test_no_denied_event(lex: Lexicon, question: str) -> None:
    assert parse(question, lex).negation is None


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        # a thing of its own («كم اتفاقية»), in a scope of its own (2024), pointing back at nothing: a new question
        (["متى زار حموشي قطر؟", "وكم اتفاقية وقع سنة 2024؟"], set()),
        (["When did Hammouchi visit Doha?", "and how many agreements did he sign in 2024?"], set()),
        (["متى زار حموشي قطر؟", "وكم مسؤولا التقى هناك؟"], {"QA"}),  # «هناك» points back
        (["متى زار حموشي قطر؟", "وكم اتفاقية وقع؟"], {"QA"}),  # no scope of its own: the earlier one's
        (["كم مرة زار حموشي فرنسا؟", "وكم مرة في شتنبر؟"], {"FR"}),  # occasions again: France in September
    ],
)
def test_a_followup_with_its_own_thing_and_scope_starts_afresh(lex: Lexicon, turns: list[str], kept: set[str]) -> None:
    f = _resolve(turns, lex)
    assert {e.value for e in f.of("country")} == kept and f.of("subject")


@pytest.mark.parametrize(
    ("turns", "after", "nearest"),
    [
        (["متى زار حموشي قطر؟", "وأين ذهب بعد ذلك؟"], True, True),
        (["متى زار حموشي قطر؟", "وقبلها؟"], False, True),
        (["When did Hammouchi visit Qatar?", "Where did he go next?"], True, True),
        (["متى زار حموشي قطر؟", "كم لقاء عقد بعد ذلك؟"], True, False),  # a count: every one after, not the next
    ],
)
def test_after_that_is_next_to_the_occasion_an_earlier_turn_was_about(
    lex: Lexicon, turns: list[str], after: bool, nearest: bool
) -> None:
    f = _resolve(turns, lex)
    assert f.relation is not None and f.relation.after is after and f.relation.nearest is nearest
    assert [e.value for e in f.relation.anchor if e.type == "country"] == ["QA"] and not f.of("country")


def test_after_that_with_nothing_before_it_is_after_nothing(lex: Lexicon) -> None:
    assert _resolve(["ماذا فعل حموشي بعد ذلك؟"], lex).relation is None


def test_what_about_keeps_the_denial(lex: Lexicon) -> None:
    first = parse("ما هي دول الخليج التي لم يزرها حموشي؟", lex)
    second = merge(parse("وماذا عن أوروبا؟", lex), first)
    assert second.negation is not None
    assert [e.value for e in second.of("region")] == ["europe"]


@pytest.mark.parametrize(
    ("question", "after", "anchor", "nearest"),
    [
        ("ما أول دولة زارها حموشي بعد قطر؟", True, ["QA"], False),
        ("ما آخر لقاء عقده حموشي قبل الصيف؟", False, ["6", "7", "8"], False),
        ("ما الزيارة التي جاءت مباشرة بعد زيارة لندن؟", True, ["visit_abroad", "London"], True),
        ("What did Hammouchi do right after visiting Doha?", True, ["Doha"], True),
    ],
)
def test_occasions_relative_to_an_anchor(
    lex: Lexicon, question: str, after: bool, anchor: list[str], nearest: bool
) -> None:
    relation = parse(question, lex).relation
    assert relation is not None
    assert (relation.after, relation.nearest) == (after, nearest)
    assert [e.value for e in relation.anchor] == anchor


def test_a_year_after_a_relative_cue_bounds_and_filters_nothing(lex: Lexicon) -> None:
    frame = parse("هل التقى حموشي بمسؤولين أوروبيين بعد 2020؟", lex)
    assert frame.relation is not None and frame.relation.year == 2020 and frame.relation.after
    assert frame.years == ()


def test_no_anchor_no_relation(lex: Lexicon) -> None:
    assert parse("ما الدول التي زارها حموشي؟", lex).relation is None
    back = parse("ماذا فعل حموشي بعد ذلك؟", lex).relation  # its anchor is an earlier turn's (``merge``)
    assert back is not None and back.back and back.anchor == ()


@pytest.mark.parametrize(
    ("question", "order"),
    [("ما أطول زيارة قام بها حموشي؟", "longest"), ("Which was the shortest trip?", "shortest")],
)
def test_orders_by_duration(lex: Lexicon, question: str, order: str) -> None:
    assert parse(question, lex).order == order


@pytest.mark.parametrize(
    "question",
    ["حموشي زار فرنسا بس ما زار إيطاليا، صح؟", "He visited France, right?", "زار حموشي قطر، أليس كذلك؟"],
)
def test_a_yes_no_tag_at_the_end(lex: Lexicon, question: str) -> None:
    assert parse(question, lex).intent == "yesno"


@pytest.mark.parametrize("question", ["حموشي زار كام دولة في أوروبا؟", "هل كلم حموشي الوزير الإسباني؟"])
def test_a_short_cue_inside_a_longer_word_is_none(lex: Lexicon, question: str) -> None:
    frame = parse(question, lex)  # «كام» holds no «أم», «كلم» no «لم»
    assert "versus" not in frame.flags and frame.negation is None
