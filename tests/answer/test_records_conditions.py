"""Questions that ask one thing of the records under a condition on another: where agreements (of a kind,
or described) were signed, people of a region received at home, an agency by its short name, a topic the
occasions of a place never had, a named event — on the shipped base and two bases of other subjects."""

from __future__ import annotations

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from tests.answer.conftest import Ask, _asker, keyword_pipeline

SUBJECT = REPO_ROOT / "evals" / "kbs" / "heldout-subject"
THIRD = REPO_ROOT / "evals" / "kbs" / "third-subject"


@pytest.fixture(scope="module")
def subject() -> Ask:
    return _asker(keyword_pipeline(SUBJECT))


@pytest.fixture(scope="module")
def third() -> Ask:
    return _asker(keyword_pipeline(THIRD))


def test_a_thing_asked_where_agreements_were_signed_is_of_those_occasions(shipped: Ask) -> None:
    """«في أي المدن وقع مذكرات تفاهم؟» asks the cities of the signings, not every city of the year."""
    a = shipped("في أي المدن وقّع حموشي مذكرات تفاهم خلال سنة 2024؟")
    kb = load_knowledge(REPO_ROOT / "knowledge")
    signed = {r.id for r in kb.records if any("مذكرة تفاهم" in x.ar for x in r.agreements)}
    assert signed and {c.source_id for c in a.citations} == signed


def test_a_region_of_people_received_at_home_is_whose_they_are(shipped: Ask) -> None:
    """«المسؤولون الأوروبيون الذين استقبلهم بالمغرب»: the home says where, the region whose people."""
    a = shipped("من هم المسؤولون الأوروبيون الذين استقبلهم حموشي بالمغرب سنة 2024؟")
    kb = load_knowledge(REPO_ROOT / "knowledge")
    europe = set(next(r for r in kb.reference.regions if r.id == "europe").members)
    received = {r.id for r in kb.records if r.kind == "reception" and r.country.iso in europe}
    assert received and {c.source_id for c in a.citations} == received


@pytest.mark.parametrize(
    ("question", "city"),
    [("هو حموشي كان فين لما قابل مدير جهاز MI5؟", "لندن"), ("متى التقى حموشي بمسؤولي BKA؟", "برلين")],
)
def test_an_agency_is_named_by_its_bracketed_short_name(shipped: Ask, question: str, city: str) -> None:
    a = shipped(question)
    assert a.answerable and city in a.text.splitlines()[0]


def test_a_short_name_other_agencies_share_names_none_of_them(shipped: Ask) -> None:
    """The German agency's "Federal Police" is in "Federal Police of Brazil" too: not the German one."""
    a = shipped("What did Morocco and Brazil sign when the head of Brazil's Federal Police came to Agadir in 2024?")
    assert a.answerable and "مذكرة تفاهم" in a.text and "الألمانية" not in a.text


def test_a_topic_no_occasion_of_the_place_had_is_no_answer(shipped: Ask) -> None:
    """Cybercrime was not discussed with Spain: not every Spanish occasion. A topic word inside a title the
    question quotes («المفوض العام للاستعلامات») still names the person."""
    assert not shipped("إمتى تكلم حموشي مع المسؤولين الإسبان على الجريمة الإلكترونية؟").answerable
    titled = shipped("من هو المفوض العام للاستعلامات الذي التقاه حموشي؟")
    assert titled.answerable and "بيريرو" in titled.text


@pytest.mark.parametrize(
    ("question", "city"),
    [
        ("في أي مدينة وقعت الرواشدة البرنامج التنفيذي للتبادل الشبابي؟", "العقبة"),  # «وقعت»: a feminine subject
        ("وين وقعت الرواشدة اتفاق المتطوعين؟", "عمّان"),  # the agreement its own words describe
        ("Where did Al-Rawashdeh sign the youth exchange programme?", "العقبة"),
        ("في أي مدينة تم توقيع الاتفاق الخاص بالمتطوعين الأردنيين؟", "عمّان"),  # a signing, no subject named
    ],
)
def test_where_an_agreement_described_was_signed(subject: Ask, question: str, city: str) -> None:
    a = subject(question)
    assert a.rule == "records" and a.text.startswith(city) and len(a.citations) == 1


def test_a_city_of_the_records_outranks_a_country_none_of_them_involves(subject: Ask) -> None:
    """«عمّان» (Amman) and «عمان» (Oman) are one word once diacritics go; no record is of Oman."""
    a = subject("من هم المسؤولون الذين التقتهم الرواشدة في عمّان؟")
    assert a.answerable and a.citations and all("amman" in c.source_id for c in a.citations)


@pytest.mark.parametrize(
    ("question", "record"),
    [
        ("من التقى بن عمار في سوق السفر العالمي؟", "bna-2023-07-london"),
        ("Who did Ben Ammar meet at the World Travel Market?", "bna-2023-07-london"),
        ("متى شارك بن عمار في معرض فيتور؟", "bna-2023-01-madrid"),  # the quoted part; «معرض» is no kind here
        ("When was Ben Ammar at FITUR?", "bna-2023-01-madrid"),  # an acronym of the English name
    ],
)
def test_a_named_event_says_which_occasion(third: Ask, question: str, record: str) -> None:
    a = third(question)
    assert a.answerable and [c.source_id for c in a.citations] == [record]
    assert not a.text.startswith("لا توثّق")


def test_an_event_named_by_its_beginning_or_its_acronym(shipped: Ask) -> None:
    assert [c.source_id for c in shipped("متى زار حموشي معرض IGEF؟").citations] == ["mtg-2024-12-ankara"]
    assert shipped("ماذا فعل حموشي في معرض الدفاع العالمي؟").citations[0].source_id == "mtg-2024-01-riyadh"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("كم مرة سافر بن عمار إلى الخارج؟", "5 مرات"),  # the noun the question counts by
        ("كم زيارة قام بها بن عمار لإيطاليا؟", "زيارة واحدة"),
        ("How many times did Ben Ammar meet Marco Bellini?", "مرتين"),
        ("كم استقبالا أجرى بن عمار؟", "استقبالان"),
        ("كم لقاء عقد بن عمار سنة 2023؟", "7 لقاءات"),
    ],
)
def test_a_count_of_occasions_is_said_after_the_noun_asked(third: Ask, question: str, said: str) -> None:
    assert said in third(question).text.splitlines()[0]
