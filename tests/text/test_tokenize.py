"""Tokens, spans, light stems, clitic candidates, stopwords, the BM25 analyser and sentence spans."""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

import pytest

from assistant.text import (
    analyze,
    is_stopword,
    light_stem,
    normalize,
    split_sentences,
    stopwords,
    strip_clitics,
    tokenize,
    tokens_with_spans,
)


def _article_path() -> Path:
    """The shared source article (beside the repo here and in CI), else the repo's curated copy."""
    repo = Path(__file__).resolve().parents[2]
    shared = repo.parent / "shared" / "knowledge" / "article-anfaspress-2025-02-06.md"
    return shared if shared.is_file() else repo / "knowledge" / "articles" / "anfaspress-2025-02-06.md"


ARTICLE = _article_path().read_text(encoding="utf-8")

TOKENIZE_CASES: list[tuple[str, list[str]]] = [
    ("", []),
    ("؟!،", []),
    ("فـي سنة 2024... 13 دولة", ["في", "سنه", "2024", "13", "دوله"]),
    ("عزز المغرب دوره، مستنداً إلى رؤية", ["عزز", "المغرب", "دوره", "مستندا", "الي", "رويه"]),
    ("امتدت على 20 لقاءً في 13 دولة.", ["امتدت", "علي", "20", "لقاء", "في", "13", "دوله"]),
    ("النسبة ٢٫٥٪ من ٢٠٬٠٠٠", ["النسبه", "2.5", "من", "20000"]),
    ("3.14 و 1,000,000 و 2024,2025", ["3.14", "و", "1000000", "و", "2024", "2025"]),
    ("كأس العالم 2030", ["كاس", "العالم", "2030"]),
    ("سنة 2024م", ["سنه", "2024", "م"]),
    ("MI5 and Al-Raisi (INTERPOL)", ["mi", "5", "and", "al", "raisi", "interpol"]),
    ("Céline Berthon's visit", ["celine", "berthon", "s", "visit"]),
    ("قطر 🇶🇦 😀 ❤️ #الأمن @dgsn", ["قطر", "الامن", "dgsn"]),
    ("https://anfaspress.com/index.php", ["https", "anfaspress", "com", "index", "php"]),
    ("شنو\u200f هي\u200c الدول؟؟", ["شنو", "هي", "الدول"]),
    ("ﻻ ﷲ", ["لا", "الله"]),
    ("Straße  ΑΘΗΝΑ  Москва", ["strasse", "αθηνα", "москва"]),
]


@pytest.mark.parametrize(("text", "expected"), TOKENIZE_CASES)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize("text", [t for t, _ in TOKENIZE_CASES] + [ARTICLE])
def test_spans_slice_back_to_tokens(text: str) -> None:
    spans = tokens_with_spans(text)
    assert [t for t, _, _ in spans] == tokenize(text)
    previous_end = 0
    for token, start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert tokenize(text[start:end]) == [token]
        previous_end = end


def test_spans_cover_diacritics_and_tatweel() -> None:
    text = "فـي سنةٍ «الإمارات»، مصرَ\u200f."
    spans = {token: text[s:e] for token, s, e in tokens_with_spans(text)}
    assert spans == {"في": "فـي", "سنه": "سنةٍ", "الامارات": "الإمارات", "مصر": "مصرَ\u200f"}


def test_spans_of_digits_and_ligatures() -> None:
    text = "في ٢٠٢٤ ﻻ"
    assert tokens_with_spans(text) == [("في", 0, 2), ("2024", 3, 7), ("لا", 8, 9)]


STEM_CASES: list[tuple[str, str]] = [
    # short words are never stemmed
    ("قطر", "قطر"),
    ("مصر", "مصر"),
    ("بلد", "بلد"),
    ("كاس", "كاس"),
    # article and its combinations
    ("المغرب", "مغرب"),
    ("الارهاب", "ارهاب"),
    ("والمغرب", "مغرب"),
    ("بالمغرب", "مغرب"),
    ("كالمغرب", "مغرب"),
    ("فالمغرب", "مغرب"),
    ("للمغرب", "مغرب"),
    ("وبالمغرب", "مغرب"),
    ("للحدود", "حدود"),
    ("البر", "بر"),
    # single-letter proclitics keep a 3-letter stem
    ("وقطر", "قطر"),
    ("بقطر", "قطر"),
    ("لقطر", "قطر"),
    ("وبقطر", "قطر"),
    ("بوضوح", "وضوح"),
    ("كفاعل", "فاعل"),
    ("ليون", "يون"),  # a 4-letter word may lose a proclitic-like letter: a consistent key, not linguistics
    # bare and definite forms reach the same key
    ("الوطني", "طني"),
    ("وطني", "طني"),
    ("البلاد", "لاد"),
    ("بلاد", "لاد"),
    # suffixes
    ("لقاءات", "قاء"),
    ("اللقاءات", "قاء"),
    ("لقاء", "قاء"),
    ("الشرطه", "شرط"),
    ("السعوديه", "سعود"),
    ("وبالسعوديه", "سعود"),
    ("الامنيه", "امن"),
    ("الامنيين", "امن"),
    ("الدولي", "دول"),
    ("الدول", "دول"),
    ("دوله", "دول"),
    ("مسوولين", "مسوول"),
    ("حموشي", "حموش"),
    ("دورها", "دور"),
    ("اسبانيا", "اسبان"),
    ("الاسبانيه", "اسبان"),
    ("ايطاليا", "ايطال"),
    ("تهديدات", "تهديد"),
    ("مكافحه", "مكافح"),
    ("الشراكات", "شراك"),
    # suffix would leave fewer than 3 letters
    ("سنه", "سنه"),
    ("عمان", "عمان"),
    ("صفات", "صفات"),
    # unnormalised input is normalised first
    ("الإسبانيّة", "اسبان"),
    ("بِقَطَرَ", "قطر"),
    # not Arabic: unchanged
    ("interpol", "interpol"),
    ("INTERPOL", "interpol"),
    ("meetings", "meetings"),
    ("2024", "2024"),
    ("2.5", "2.5"),
]


@pytest.mark.parametrize(("token", "stem"), STEM_CASES)
def test_light_stem(token: str, stem: str) -> None:
    assert light_stem(token) == stem


def test_light_stem_never_shorter_than_two_letters() -> None:
    for token in tokenize(ARTICLE):
        stem = light_stem(token)
        assert len(stem) >= min(2, len(token))
        assert token.endswith(stem) or stem in token


CLITIC_CASES: list[tuple[str, list[str]]] = [
    ("وبالسعودية", ["وبالسعوديه", "بالسعوديه", "السعوديه", "سعوديه"]),
    ("والإمارات", ["والامارات", "الامارات", "امارات"]),
    ("وقطر", ["وقطر", "قطر"]),
    ("بقطر", ["بقطر", "قطر"]),
    ("لقطر", ["لقطر", "قطر"]),
    ("كباكستان", ["كباكستان", "باكستان"]),
    ("كالبرزايل", ["كالبرزايل", "البرزايل", "برزايل"]),
    ("للسعودية", ["للسعوديه", "السعوديه", "سعوديه"]),
    ("وللسعودية", ["وللسعوديه", "للسعوديه", "السعوديه", "سعوديه"]),
    ("فبإسبانيا", ["فباسبانيا", "باسبانيا", "اسبانيا"]),
    ("البرازيل", ["البرازيل", "برازيل"]),
    ("قطر", ["قطر"]),
    ("مصر", ["مصر"]),
    ("الي", ["الي"]),
    ("Qatar", ["qatar"]),
    ("2024", ["2024"]),
    ("", []),
]


@pytest.mark.parametrize(("token", "forms"), CLITIC_CASES)
def test_strip_clitics(token: str, forms: list[str]) -> None:
    assert strip_clitics(token) == forms


def test_stopwords_are_normalised() -> None:
    words = stopwords()
    for word in ["في", "من", "علي", "الي", "عن", "مع", "هل", "ما", "ماذا", "التي", "الذي", "هذا", "هذه"]:
        assert word in words, word
    for word in ["ذلك", "كان", "تم", "قد", "شنو", "اشنو", "واش", "ايش", "شو", "وش", "ايه", "ديال", "تاع"]:
        assert word in words, word
    for word in ["the", "of", "what", "when", "is"]:
        assert word in words, word
    assert all(w == normalize(w) for w in words)
    for content in ["قطر", "المغرب", "ماي", "may", "عام", "سنه", "دول", "2024", "حموشي"]:
        assert content not in words, content


def test_stopwords_from_another_knowledge_dir(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "stopwords.txt").write_text(
        "# comment line\nإلى  # trailing comment\n\nلو سمحت\nTHE\n", encoding="utf-8"
    )
    assert stopwords(tmp_path) == frozenset({"الي", "لو", "سمحت", "the"})
    assert analyze("ذهب إلى قطر لو سمحت", knowledge_dir=tmp_path) == ["ذهب", "قطر"]


def test_default_knowledge_dir_is_the_repo() -> None:
    module = importlib.import_module("assistant.text.tokenize")  # the package re-exports the function
    assert (module.KNOWLEDGE_DIR / "reference" / "stopwords.txt").is_file()


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("في", True),
        ("وفي", True),
        ("فهل", True),
        ("والتي", True),
        ("قطر", False),
        ("وقطر", False),
        ("و", True),
    ],
)
def test_is_stopword(token: str, expected: bool) -> None:
    assert is_stopword(token, stopwords()) is expected


ANALYZE_CASES: list[tuple[str, list[str]]] = [
    ("متى التقى حموشي بمسؤولين من قطر؟", ["تقي", "حموش", "مسوول", "قطر"]),
    ("واش حموشي مشى لقطر فشهر شتنبر ديال 2024؟", ["حموش", "مشي", "قطر", "شهر", "شتنبر", "2024"]),
    ("شنو هي الدول اللي زارها؟", ["دول", "زار"]),
    (
        "What did Hammouchi discuss with the Spanish police in May?",
        ["hammouchi", "discuss", "spanish", "police", "may"],
    ),
    ("ما هي اللقاءات مع الإمارات والسعودية وقطر؟", ["قاء", "امار", "سعود", "قطر"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), ANALYZE_CASES)
def test_analyze(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


def test_analyze_matches_question_and_article_forms() -> None:
    """Query words written differently from the article still meet it in BM25 key space."""
    article_terms = set(analyze(ARTICLE))
    for question_word in [
        "السعوديه",
        "بالسعودية",
        "والإمارات",
        "لقطر",
        "لقاء",
        "اللقاءات",
        "الأمنية",
        "إسبانيا",
    ]:
        assert set(analyze(question_word)) <= article_terms, question_word


# --- sentences -------------------------------------------------------------------------------------

PARAGRAPH = ARTICLE[ARTICLE.index("في السنوات الأخيرة") : ARTICLE.index("من حيث التوزيع الزمني")].strip()


def test_split_article_paragraphs_into_sentences() -> None:
    spans = split_sentences(PARAGRAPH)
    sentences = [PARAGRAPH[s:e] for s, e in spans]
    assert len(sentences) == 5
    assert sentences[0].startswith("في السنوات الأخيرة،")
    assert sentences[0].endswith("والتحديات الأمنية المشتركة.")
    assert sentences[1].startswith("وقد تجسد هذا الدور")
    assert sentences[1].endswith("خلال سنة 2024.")
    assert sentences[2].startswith("تُظهر الكرونولوجيا")
    assert sentences[2].endswith("امتدت على 20 لقاءً في 13 دولة.")
    assert sentences[4].endswith("في أمريكا اللاتينية كالبرزايل.")
    # spans slice back to trimmed sentences and cover every word of the paragraph, in order
    assert all(s == s.strip() for s in sentences)
    assert tokenize(" ".join(sentences)) == tokenize(PARAGRAPH)
    assert spans == sorted(spans)


def test_split_whole_article() -> None:
    spans = split_sentences(ARTICLE)
    sentences = [ARTICLE[s:e] for s, e in spans]
    title = "فـي سنة 2024... 13 دولة تدخل للرادار الديبلوماسي لعبد اللطيف حموشي"
    assert any(title in s for s in sentences)  # no split at «...»
    assert "مكافحة الإرهاب والجريمة المنظمة" in [s.lstrip("# ") for s in sentences]  # a heading line
    assert sentences[-1].startswith("فالمملكة لا تكتفي")
    assert sentences[-1].endswith("للتحديات الأمنية المعاصرة.")
    assert any(s.startswith("url: https://anfaspress.com/index.php") for s in sentences)  # no split in URL
    assert all("\n" not in s for s in sentences)
    assert all(e <= s2 for (_, e), (s2, _) in itertools.pairwise(spans))


SENTENCE_CASES: list[tuple[str, list[str]]] = [
    ("", []),
    ("   \n\n  ", []),
    ("جملة واحدة بلا نقطة", ["جملة واحدة بلا نقطة"]),
    ("هل حضر؟ نعم، حضر.", ["هل حضر؟", "نعم، حضر."]),
    ("بلغت النسبة 2.5 في المئة. ثم ارتفعت!", ["بلغت النسبة 2.5 في المئة.", "ثم ارتفعت!"]),
    ("قال د. أحمد إن اللقاء تم. انتهى", ["قال د. أحمد إن اللقاء تم.", "انتهى"]),
    (
        "He met Dr. Smith and Maj. Gen. Faris in the U.S. today. Then left.",
        ["He met Dr. Smith and Maj. Gen. Faris in the U.S. today.", "Then left."],
    ),
    ("زار الموقع anfaspress.com أمس. وقرأ", ["زار الموقع anfaspress.com أمس.", "وقرأ"]),
    ("قال: «هل أتيت؟» فأجاب", ["قال: «هل أتيت؟»", "فأجاب"]),
    ("ماذا؟! حقا", ["ماذا؟!", "حقا"]),
    ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
    ("انتظر... ثم تكلم", ["انتظر... ثم تكلم"]),
    ("وانتهى الأمر...\nبداية", ["وانتهى الأمر...", "بداية"]),
    ("الإسبانية، الفرنسية، والألمانية", ["الإسبانية، الفرنسية، والألمانية"]),
    ("---\n...\n😀", []),
    ("version 1.2.3 released. ok", ["version 1.2.3 released.", "ok"]),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_stopwords_loaded_once() -> None:
    assert stopwords() is stopwords()


def test_large_input_everywhere() -> None:
    big = (ARTICLE + "\n😀 ٢٠٢٤\u200f،\n") * (100_000 // len(ARTICLE) + 1)
    assert len(big) > 100_000
    tokens = tokenize(big)
    spans = tokens_with_spans(big)
    assert [t for t, _, _ in spans] == tokens
    assert tokens.count("2024") >= big.count("٢٠٢٤")
    assert len(analyze(big)) < len(tokens)
    sentences = split_sentences(big)
    assert len(sentences) >= len(split_sentences(ARTICLE)) * big.count(ARTICLE)
    assert all(big[s:e].strip() == big[s:e] for s, e in sentences)
