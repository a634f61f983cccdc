"""A collection that lists no event words of its own reads questions with the default meeting vocabulary
(``default_event_words`` in questions.yaml); one that lists its own keeps them alone."""

from __future__ import annotations

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from assistant.understand.lexicon import Lexicon, english_forms, load_question_words, verb_forms
from assistant.understand.question import parse

THIRD = REPO_ROOT / "evals" / "kbs" / "third-subject"  # its collection has no event_words


def test_a_collection_without_event_words_gets_the_default_vocabulary() -> None:
    kb = load_knowledge(THIRD)
    assert not kb.collections[0].event_words
    words = load_question_words(THIRD)
    lex = Lexicon(kb, words)
    assert set(words.default_event_words) <= set(lex.event_words) and "لقاءات" in lex.event_words
    assert "meeting" in parse("ما هي اللقاءات التي تناولت التراث الثقافي؟", lex).flags


def test_a_collection_with_its_own_event_words_keeps_them() -> None:
    root = REPO_ROOT / "knowledge"
    kb = load_knowledge(root)
    lex = Lexicon(kb, load_question_words(root))
    own = list(dict.fromkeys(w for c in kb.collections for w in c.event_words))
    assert lex.event_words[: len(own)] == own
    derived = {f for w in own for f in (*verb_forms(w), *english_forms(w))}
    assert set(lex.event_words[len(own) :]) <= derived  # then their forms with a pronoun, English inflections
    assert {"زارهم", "التقاه", "visited"} <= set(lex.event_words)


def test_an_event_verb_counts_with_its_object_pronoun_and_as_a_kind(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A collection's event verbs match with the pronoun Arabic writes onto them («زاره», «التقاه»), a kind's
    with those that cannot be «him» («زارتها»); a feminine subject's verbs in the feminine too."""
    root = REPO_ROOT / "knowledge"
    lex = Lexicon(load_knowledge(root), load_question_words(root))
    frame = parse("ما هي أول دولة أوروبية زارها حموشي في 2024؟", lex)
    assert [e.value for e in frame.of("kind")] == ["visit_abroad"] and "meeting" in frame.flags
    # «زاره» is an event, and no kind: «الوفد البريطاني الذي زاره» visited him
    frame = parse("ماذا ناقش حموشي مع الوفد البريطاني الذي زاره في الرباط؟", lex)
    assert frame.of("kind") == [] and "meeting" in frame.flags
    assert verb_forms("التقى") == ["التقاه", "التقاها", "التقاهم", "التقاهما"]
    assert verb_forms("زيارة") == [] and verb_forms("حل") == [] and verb_forms("حل", feminine=True) == ["حلت"]
    assert verb_forms("زار", feminine=True)[:2] == ["زارت", "زاره"] and "زارته" in verb_forms("زار", feminine=True)


def test_an_english_event_word_counts_in_its_regular_inflections(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A collection that lists «host» reads «hosts», «hosted», «hosting» as its events too; irregular forms
    are the data's own («met»)."""
    import shutil

    import yaml

    kb_dir = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", kb_dir, symlinks=True)
    path = kb_dir / "records" / "meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["event_words"] = ["زار", "host", "receive"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lex = Lexicon(load_knowledge(kb_dir), load_question_words(kb_dir))
    for question in ("Who is Hammouchi hosting in Rabat?", "Who hosted Hammouchi?", "Who received Hammouchi?"):
        assert "meeting" in parse(question, lex).flags, question
    assert "meeting" not in parse("Who met Hammouchi?", lex).flags  # «met» is no inflection of these


def test_english_forms() -> None:
    assert english_forms("visit") == ["visits", "visited", "visiting"]
    assert english_forms("receive") == ["receives", "received", "receiving"]
    assert english_forms("discuss") == ["discusses", "discussed", "discussing"]
    assert english_forms("carry") == ["carries", "carried", "carrying"]
    assert english_forms("زار") == [] and english_forms("take part") == []


def test_a_feminine_subjects_verbs_name_the_kind_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """«زارت» is a visit abroad for a subject of feminine gender, as «زار» is for the shipped one: the kinds'
    cues agree with the subject as the collection's event words do."""
    import shutil

    import yaml

    kb_dir = tmp_path / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", kb_dir, symlinks=True)
    path = kb_dir / "records" / "meetings-2024.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["collection"]["subject"]["gender"] = "f"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lex = Lexicon(load_knowledge(kb_dir), load_question_words(kb_dir))
    for question in ("ما الدول التي زارت حموشي؟", "ما الدول التي زارتها حموشي؟"):
        assert [e.value for e in parse(question, lex).of("kind")] == ["visit_abroad"], question
