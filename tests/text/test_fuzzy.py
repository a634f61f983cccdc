"""PhraseMatcher: clitics, article, spelling variants and typos match; short look-alikes never do."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.text import Match, PhraseMatcher


def _article_path() -> Path:
    """The shared source article (beside the repo here and in CI), else the repo's curated copy."""
    repo = Path(__file__).resolve().parents[2]
    shared = repo.parent / "shared" / "knowledge" / "article-anfaspress-2025-02-06.md"
    return shared if shared.is_file() else repo / "knowledge" / "articles" / "anfaspress-2025-02-06.md"


ARTICLE = _article_path().read_text(encoding="utf-8")

COUNTRIES: list[tuple[str, str]] = [
    ("المغرب", "MA"),
    ("إسبانيا", "ES"),
    ("فرنسا", "FR"),
    ("ألمانيا", "DE"),
    ("إيطاليا", "IT"),
    ("السعودية", "SA"),
    ("المملكة العربية السعودية", "SA"),
    ("الإمارات", "AE"),
    ("الإمارات العربية المتحدة", "AE"),
    ("قطر", "QA"),
    ("باكستان", "PK"),
    ("البرازيل", "BR"),
    ("تركيا", "TR"),
    ("البرتغال", "PT"),
    ("مصر", "EG"),
    ("روسيا", "RU"),
    ("المملكة المتحدة", "GB"),
    ("Qatar", "QA"),
    ("Saudi Arabia", "SA"),
]
PEOPLE: list[tuple[str, str]] = [
    ("عبد اللطيف حموشي", "hammouchi"),
    ("حموشي", "hammouchi"),
    ("Abdellatif Hammouchi", "hammouchi"),
    ("الإنتربول", "interpol"),
    ("كأس العالم 2030", "wc2030"),
    ("الأمن السيبراني", "cyber"),
]


@pytest.fixture(scope="module")
def matcher() -> PhraseMatcher[str]:
    return PhraseMatcher(COUNTRIES + PEOPLE)


def found(matcher: PhraseMatcher[str], text: str) -> list[tuple[str, str]]:
    return [(m.payload, text[m.start : m.end]) for m in matcher.find(text)]


POSITIVES: list[tuple[str, list[tuple[str, str]]]] = [
    # exact, spelling variants folded by normalisation
    ("زار قطر", [("QA", "قطر")]),
    ("السعوديه", [("SA", "السعوديه")]),
    ("اسبانيا وألمانيا وايطاليا", [("ES", "اسبانيا"), ("DE", "وألمانيا"), ("IT", "وايطاليا")]),
    ("السَّعُودِيَّة", [("SA", "السَّعُودِيَّة")]),
    ("الـسـعـوديـة", [("SA", "الـسـعـوديـة")]),
    # proclitics
    ("وقطر", [("QA", "وقطر")]),
    ("بقطر", [("QA", "بقطر")]),
    ("لقطر", [("QA", "لقطر")]),
    ("فقطر", [("QA", "فقطر")]),
    ("والإمارات", [("AE", "والإمارات")]),
    ("وبالسعودية", [("SA", "وبالسعودية")]),
    ("للسعودية", [("SA", "للسعودية")]),
    ("كباكستان", [("PK", "كباكستان")]),
    ("بمصر", [("EG", "بمصر")]),
    # the article on either side
    ("الباكستان", [("PK", "الباكستان")]),
    ("سعودية", [("SA", "سعودية")]),
    ("برازيل", [("BR", "برازيل")]),
    # typos in words of 5+ letters
    ("أمريكا اللاتينية كالبرزايل", [("BR", "كالبرزايل")]),
    ("البرزايل", [("BR", "البرزايل")]),
    ("اسبانيه", [("ES", "اسبانيه")]),
    ("البرتقال", [("PT", "البرتقال")]),
    ("met Abdellatif Hamouchi", [("hammouchi", "Abdellatif Hamouchi")]),
    # multi-word phrases, longest wins
    ("الإمارات العربية المتحدة", [("AE", "الإمارات العربية المتحدة")]),
    ("لعبد اللطيف حموشي", [("hammouchi", "لعبد اللطيف حموشي")]),
    ("والمملكة العربية السعودية", [("SA", "والمملكة العربية السعودية")]),
    ("كأس العالم 2030 مع البرتغال", [("wc2030", "كأس العالم 2030"), ("PT", "البرتغال")]),
    ("الامن السيبرانى", [("cyber", "الامن السيبرانى")]),
    ("للأنتربول", [("interpol", "للأنتربول")]),
    ("Qatar and SAUDI ARABIA", [("QA", "Qatar"), ("SA", "SAUDI ARABIA")]),
    # several in one question, in text order
    (
        "هل التقى حموشي بمسؤولين من قطر والإمارات والسعودية سنة ٢٠٢٤؟",
        [("hammouchi", "حموشي"), ("QA", "قطر"), ("AE", "والإمارات"), ("SA", "والسعودية")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds(matcher: PhraseMatcher[str], text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text) == expected


NEGATIVES: list[str] = [
    "ركب القطار",
    "القطار السريع",
    "قطار",
    "في عصر ذلك اليوم",
    "عصر",
    "مصير",
    "سوريا",  # 5 letters, 2 edits from روسيا
    "البرلمان",  # 3 edits from البرتغال
    "كأس العالم 2026",  # numbers never fuzzy
    "المملكة",  # a prefix of a phrase is not the phrase
    "عبد اللطيف",
    "",
    "😀 ؟! ...",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_does_not_find(matcher: PhraseMatcher[str], text: str) -> None:
    assert matcher.find(text) == []


def test_scores(matcher: PhraseMatcher[str]) -> None:
    (exact,) = matcher.find("وبالسعودية")
    assert exact.score == 100.0
    (typo,) = matcher.find("البرزايل")
    assert 70.0 <= typo.score < 100.0
    assert typo.phrase == "البرازيل"
    assert matcher.find("البرزايل", min_score=90.0) == []
    assert matcher.find("وبالسعودية", min_score=100.0) == [exact]


def test_fuzzy_can_be_switched_off() -> None:
    strict = PhraseMatcher(COUNTRIES, fuzzy=False)
    assert strict.find("البرزايل") == []
    assert [m.payload for m in strict.find("وبالسعودية")] == ["SA"]


def test_match_fields_and_spans() -> None:
    text = "  وقد التقى «عبد اللطيف حمّوشي» بنظيره في قطرَ."
    (person, country) = PhraseMatcher(PEOPLE + COUNTRIES).find(text)
    assert person == Match("hammouchi", "عبد اللطيف حموشي", text.index("عبد"), text.index("»"), 100.0)
    assert text[country.start : country.end] == "قطرَ"
    assert country.phrase == "قطر"


def test_whole_article(matcher: PhraseMatcher[str]) -> None:
    payloads = {m.payload for m in matcher.find(ARTICLE)}
    assert payloads == {
        "MA",
        "ES",
        "FR",
        "DE",
        "IT",
        "SA",
        "AE",
        "QA",
        "PK",
        "BR",
        "TR",
        "PT",
        "hammouchi",
        "interpol",
        "cyber",
        "wc2030",
    }
    matches = matcher.find(ARTICLE)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
    brazil = next(m for m in matches if m.payload == "BR")
    assert ARTICLE[brazil.start : brazil.end] == "كالبرزايل"


def test_duplicate_phrase_keeps_first_payload() -> None:
    m = PhraseMatcher([("قطر", "first"), ("قَطَر", "second"), ("القطر", "third")])
    assert len(m) == 1
    assert [x.payload for x in m.find("بقطر")] == ["first"]


def test_phrase_without_words_is_rejected() -> None:
    with pytest.raises(ValueError, match="no word"):
        PhraseMatcher([("قطر", 1), ("؟!", 2)])


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str


def test_generic_payload() -> None:
    qatar = Entity("qatar", "country")
    m: PhraseMatcher[Entity] = PhraseMatcher([("قطر", qatar), ("Qatar", qatar)])
    assert [x.payload for x in m.find("Qatar و لقطر")] == [qatar, qatar]


def test_many_phrases_still_exact() -> None:
    """~1,900 phrases (the article's 1- to 4-grams): exact hits stay exact and leftmost-longest."""
    w = [x for x in ARTICLE.split() if any(c.isalnum() for c in x)]
    grams = [" ".join(w[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(w) - n + 1)]
    big = PhraseMatcher((p, i) for i, p in enumerate(dict.fromkeys(grams)))
    assert len(big) > 1500
    for text in ["لقاءات بارزة في السعودية", "الجريمة المنظمة العابرة للحدود"]:
        matches = big.find(text)
        assert matches and all(m.score == 100.0 for m in matches)
        assert matches[0].start == 0


def test_large_input(matcher: PhraseMatcher[str]) -> None:
    big = (ARTICLE + "\n") * (100_000 // len(ARTICLE) + 1)
    matches = matcher.find(big)
    per_copy = len(matcher.find(ARTICLE))
    assert len(matches) == per_copy * big.count(ARTICLE)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))


# Words of the real article and meeting notes that sit one or two edits from a real place name.
LOOK_ALIKES = PhraseMatcher(
    [
        ("ألمانية", "DE"),
        ("المنامة", "BH"),
        ("تركيا", "TR"),
        ("الأتراك", "TR"),
        ("اليمنيين", "YE"),
        ("يمنية", "YE"),
        ("أنفرس", "BE"),
        ("مراكش", "MA"),
        ("بروكسل", "BE"),
        ("Munich", "DE"),
        ("Croatian", "HR"),
        ("Emirates", "AE"),
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        *("الأمنية", "المنظمة", "التركيز", "تركيزًا", "إدراك", "أمنيين"),
        *("الزمنية", "أنفاس", "مراكز", "Münch", "creation"),
    ],
)
def test_neighbouring_words_are_not_typos(text: str) -> None:
    assert LOOK_ALIKES.find(text) == []


@pytest.mark.parametrize(
    ("text", "payload"),
    [
        *(("تركيه", "TR"), ("بمراكش", "MA"), ("بروكسيل", "BE")),
        *(("المنامه", "BH"), ("Emirats", "AE"), ("Munnich", "DE")),
    ],
)
def test_spelling_variants_are_typos(text: str, payload: str) -> None:
    assert [m.payload for m in LOOK_ALIKES.find(text)] == [payload]


def test_word_beginning_with_al_matches_as_written_but_never_fuzzily() -> None:
    m = PhraseMatcher([("الألمان", "DE"), ("الألماني", "DE")])
    assert [x.payload for x in m.find("مسؤولين ألمان")] == ["DE"]
    assert m.find("التعاون الأمني") == []


def test_misspelt_candidates_are_one_typo_shaped_edit_away() -> None:
    from assistant.text.fuzzy import misspelt_candidates

    assert misspelt_candidates("ثامر", ["تامر", "ثامن", "عامر"]) == ("تامر",)  # ت/ث sound alike, even first
    assert misspelt_candidates("بلجيكيا", ["بلجيكا"]) == ("بلجيكا",)  # a long vowel too many
    assert misspelt_candidates("الفاتتحين", ["الفاتحين"]) == ("الفاتحين",)  # a doubled letter
    # a first long vowel for another makes another word (a clitic), not a typo
    assert misspelt_candidates("اتهامه", ["وتهامه"]) == ()
    assert misspelt_candidates("تامر", ["تامر"]) == ()  # the word itself is no candidate
    assert misspelt_candidates("المغرب", ["المعرب"]) == ()  # غ/ع is no sound-alike pair
