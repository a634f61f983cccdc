"""normalize / normalize_keep_offsets: every folding rule, odd Unicode, offsets back to the display text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.text import fold_char, normalize, normalize_keep_offsets


def _article_path() -> Path:
    """The shared source article (beside the repo here and in CI), else the repo's curated copy."""
    repo = Path(__file__).resolve().parents[2]
    shared = repo.parent / "shared" / "knowledge" / "article-anfaspress-2025-02-06.md"
    return shared if shared.is_file() else repo / "knowledge" / "articles" / "anfaspress-2025-02-06.md"


ARTICLE_PATH = _article_path()

CASES: list[tuple[str, str, str]] = [
    # (what, input, expected key)
    ("empty", "", ""),
    ("only spaces", " \t\n  ", ""),
    ("plain Arabic unchanged", "المغرب", "المغرب"),
    ("fatha damma kasra", "كَتَبَ الدَّرْسُ", "كتب الدرس"),
    ("tanwin", "نشاطاً دبلوماسياً لقاءٍ عملٌ", "نشاطا دبلوماسيا لقاء عمل"),
    ("shadda and sukun", "الشَّرْطَة", "الشرطه"),
    ("superscript alef", "هٰذا", "هذا"),
    ("Quranic marks (dagger alef dropped)", "ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَۛ فِيهِۛ", "ذلك الكتب لا ريب فيه"),
    ("small high marks", "الصلاة ﷺ علىؐ", "الصلاه صلي الله عليه وسلم علي"),
    ("tatweel", "فـــي سنـة", "في سنه"),
    ("alef hamza above", "أمن", "امن"),
    ("alef hamza below", "إسبانيا", "اسبانيا"),
    ("alef madda", "آسيا", "اسيا"),
    ("alef wasla", "ٱلله", "الله"),
    ("hamza on waw", "مسؤول", "مسوول"),
    ("hamza on yaa", "رئيسي", "رييسي"),
    ("standalone hamza kept", "لقاء", "لقاء"),
    ("ta marbuta", "السعودية", "السعوديه"),
    ("alef maqsura", "إلى مستشفى", "الي مستشفي"),
    ("Persian keheh", "کتاب", "كتاب"),
    ("Persian yeh", "ایران", "ايران"),
    ("Kurdish ae", "ئەو", "يهو"),
    ("heh with yeh above", "خانۀ", "خانه"),
    ("Moroccan gaf", "أڭادير", "اكادير"),
    ("ve", "ڤيكتور", "فيكتور"),
    ("pe", "پاکستان", "باكستان"),
    ("combining hamza above", "ا\u0654من", "امن"),
    ("decomposed madda", "ا\u0653سيا", "اسيا"),
    ("Arabic-Indic digits", "٢٠٢٤", "2024"),
    ("Persian digits", "۱۴۰۳", "1403"),
    ("Arabic decimal separator", "٢٫٥", "2.5"),
    ("Arabic thousands separator", "٢٠٬٠٠٠", "20000"),
    ("Arabic comma", "إسبانيا، فرنسا", "اسبانيا, فرنسا"),
    ("Arabic semicolon", "أولا؛ ثانيا", "اولا; ثانيا"),
    ("Arabic question mark", "متى؟", "متي?"),
    ("guillemets", "«نعم»", '"نعم"'),
    ("Arabic percent", "٥٠٪", "50%"),
    ("curly quotes and dashes", "“a”—‘b’", "\"a\"-'b'"),
    ("ZWNJ and ZWJ", "می\u200cخواهم ب\u200dا", "ميخواهم با"),
    ("LRM and RLM", "\u200eحموشي\u200f", "حموشي"),
    ("bidi embeddings", "\u202bقطر\u202c \u202aQatar\u202c \u202eRLO\u202c", "قطر qatar rlo"),
    ("bidi isolates", "\u2067قطر\u2069 \u2066x\u2069 \u2068y\u2069", "قطر x y"),
    ("Arabic letter mark", "\u061cقطر", "قطر"),
    ("BOM", "\ufeffقطر", "قطر"),
    ("soft hyphen", "Ham\u00admouchi", "hammouchi"),
    ("Latin casefold", "INTERPOL Interpol", "interpol interpol"),
    ("German sharp s", "Straße", "strasse"),
    ("Latin accents", "Céline Berthon, Frédéric Veaux", "celine berthon, frederic veaux"),
    ("Turkish letters", "Münir Karaloğlu Selami Yıldız İstanbul", "munir karaloglu selami yildiz istanbul"),
    ("decomposed accent", "Ce\u0301line", "celine"),
    ("fullwidth Latin", "ＩＮＴＥＲＰＯＬ２０２４", "interpol2024"),
    ("lam-alef ligature", "ﻻ ﻷ", "لا لا"),
    ("presentation forms", "ﺍﻟﻤﻐﺮﺏ", "المغرب"),
    ("Allah ligature", "ﷲ", "الله"),
    ("superscript digit", "m²", "m2"),
    ("whitespace collapsed", "  عزز \n\n المغرب\t\tدوره \u00a0 ", "عزز المغرب دوره"),
    ("ideographic and thin spaces", "a\u3000b\u2009c", "a b c"),
    ("emoji pass through", "قطر 🇶🇦 😀!", "قطر 🇶🇦 😀!"),
    ("emoji ZWJ sequence and VS16", "❤️ 👨\u200d👩\u200d👧", "❤ 👨👩👧"),
    ("CJK untouched", "東京", "東京"),
    ("control characters dropped", "a\x00b\x07c\x7f", "abc"),
    (
        "mixed question",
        "هَلْ إلتقى حمّوشي بمسؤولين من ٱلسعودية في ٢٠٢٤؟",
        "هل التقي حموشي بمسوولين من السعوديه في 2024?",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[c[0] for c in CASES])
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", [t for _, t, _ in CASES], ids=[c[0] for c in CASES])
def test_offsets_agree_with_normalize(text: str) -> None:
    key, offsets = normalize_keep_offsets(text)
    assert key == normalize(text)
    assert len(offsets) == len(key)
    assert offsets == sorted(offsets)
    assert all(0 <= i < len(text) for i in offsets)


@pytest.mark.parametrize("text", [t for _, t, _ in CASES], ids=[c[0] for c in CASES])
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_offsets_point_at_the_source_characters() -> None:
    text = "  فـي سنةِ ٢٠٢٤،  «الإمارات»"
    key, offsets = normalize_keep_offsets(text)
    assert key == 'في سنه 2024, "الامارات"'
    # every non-space output character comes from a source character that folds to it
    for out_char, src in zip(key, offsets, strict=True):
        if out_char != " ":
            assert out_char in fold_char(text[src])
    # a word's span maps back to the written word, diacritics and tatweel included
    start = key.index("سنه")
    assert text[offsets[start] : offsets[start + 2] + 1] == "سنة"
    digits = key.index("2024")
    assert text[offsets[digits] : offsets[digits + 3] + 1] == "٢٠٢٤"
    assert text[offsets[key.index("ف")]] == "ف"


def test_collapsed_whitespace_points_at_first_space() -> None:
    text = "قطر \u200f \n  مصر"
    key, offsets = normalize_keep_offsets(text)
    assert key == "قطر مصر"
    assert offsets[3] == 3
    assert offsets[4] == text.index("م")


def test_expansion_maps_every_character_to_the_ligature() -> None:
    text = "صلاة ﷺ"
    key, offsets = normalize_keep_offsets(text)
    lig = text.index("ﷺ")
    expanded = key[key.index(" ") + 1 :]
    assert expanded == "صلي الله عليه وسلم"
    assert offsets[-len(expanded) :] == [lig] * len(expanded)


def test_lone_surrogate_and_private_use_do_not_crash() -> None:
    text = "a\ud800b \ue000 \U0010fffd"
    key, offsets = normalize_keep_offsets(text)
    assert key == normalize(text) == "a\ud800b \ue000 \U0010fffd"
    assert len(offsets) == len(key)


def test_large_input() -> None:
    article = Path(ARTICLE_PATH).read_text(encoding="utf-8")
    big = (article + " ٢٠٢٤ 😀\u200f ") * (100_000 // len(article) + 1)
    assert len(big) > 100_000
    key = normalize(big)
    assert key.count("2024") >= big.count("٢٠٢٤")
    assert "\u200f" not in key and "  " not in key
    key2, offsets = normalize_keep_offsets(big)
    assert key2 == key
    assert len(offsets) == len(key)


def test_random_strings_offsets_consistent() -> None:
    rng = random.Random(20250206)
    alphabet = [chr(c) for c in [*range(0x20, 0x7F), *range(0x0600, 0x0700)]] + list(
        "\u200c\u200d\u200f\ufeff\u202b\u2067\ufefb\ufdfa\ufe70\U0001f600\ufe0f\u3000\n\t\u0301éßİ가가"
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        key, offsets = normalize_keep_offsets(text)
        assert key == normalize(text), repr(text)
        assert len(offsets) == len(key)
        assert offsets == sorted(offsets)


BLOCKS = [
    (0x0000, 0x0250),
    (0x0370, 0x0530),  # Greek, Cyrillic, Armenian
    (0x0590, 0x0800),  # Hebrew, Arabic, Syriac, Arabic supplement, Thaana
    (0x08A0, 0x0900),
    (0x1E00, 0x2200),  # Latin extended additional, Greek extended, punctuation, letterlike, number forms
    (0x2460, 0x2500),  # enclosed alphanumerics
    (0xFB00, 0xFF00),  # ligatures, Arabic presentation forms A and B
    (0xFF00, 0xFFF0),  # fullwidth forms
]


def test_character_keys_are_already_folded() -> None:
    """fold(fold(c)) == fold(c) per character: what makes the chained replacements order-independent."""
    for lo, hi in BLOCKS:
        for cp in range(lo, hi):
            key = fold_char(chr(cp))
            assert all(fold_char(k) == k for k in key), hex(cp)
