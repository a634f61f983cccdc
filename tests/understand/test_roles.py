"""A counterpart's office names the one person the records give it to («رئيس الإنتربول» → al-Raisi), in
either language; an office several people hold names nobody."""

from __future__ import annotations

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from assistant.understand.lexicon import Lexicon, load_question_words, unique_roles

SHIPPED = REPO_ROOT / "knowledge"
TWO_SUBJECTS = REPO_ROOT / "evals" / "kbs" / "two-subjects"


def test_a_role_one_person_holds_names_that_person() -> None:
    roles = unique_roles(load_knowledge(SHIPPED))
    assert roles["رئيس الإنتربول"] == ("Ahmed Naser Al-Raisi", "أحمد ناصر الريسي")
    assert roles["President of INTERPOL"][0] == "Ahmed Naser Al-Raisi"
    # an Arabic title's rank and office, apart; a one-word rank («اللواء») is no role
    assert roles["القائد العام لشرطة أبوظبي"][0] == "Faris Khalaf Al Mazrouei"
    assert "اللواء" not in roles
    # asides dropped: «المدير العام للاستخبارات (حسب وصف المصادر)»
    assert roles["المدير العام للاستخبارات"][0] == "Selami Yıldız"


def test_a_role_several_people_hold_names_nobody() -> None:
    roles = unique_roles(load_knowledge(SHIPPED))
    # France's and Spain's national police chiefs share the title; «المدير العام» is a dozen people's
    assert "المدير العام للشرطة الوطنية" not in roles
    assert "المدير العام" not in roles
    assert "Director General" not in roles


def test_an_english_title_keeps_its_commas() -> None:
    roles = unique_roles(load_knowledge(TWO_SUBJECTS))
    assert "Migration and Asylum" not in roles
    assert any(r.startswith("President of the Portuguese Agency for Integration") for r in roles)


def test_the_lexicon_reads_a_role_as_its_holder() -> None:
    kb = load_knowledge(SHIPPED)
    lex = Lexicon(kb, load_question_words(SHIPPED))
    for q in ("هل التقى حموشي رئيس الإنتربول؟", "Did Hammouchi meet the President of INTERPOL?"):
        people = [m.payload.value for m in lex.entities.find(q) if m.payload.type == "person"]
        assert people == ["Ahmed Naser Al-Raisi"], q
