"""Answer → chat HTML: escaping, bidi isolation, highlights, refusals and streaming prefixes."""

from __future__ import annotations

import itertools
import re

from assistant import Answer, Citation
from ui import render

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو"]
MONTHS += ["يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"]


def doha(**overrides: object) -> Citation:
    data: dict[str, object] = {
        "source_id": "mtg-2024-04-doha",
        "kind": "record",
        "title": "الدوحة — قطر (Doha)",
        "quote": "زيارة عمل إلى الدوحة ولقاء Abdullah Al-Khulaifi رئيس جهاز أمن الدولة.",
        "date": "2024-04-21",
        "highlights": ["الدوحة", "al-khulaifi"],
        "sources": ["https://fr.le360.ma/politique/qatar", "https://www.lereporter.ma/x"],
    }
    data.update(overrides)
    return Citation.model_validate(data)


def gulf_answer(**overrides: object) -> Answer:
    data: dict[str, object] = {
        "text": "زار حموشي في 2024 ثلاث دول خليجية:\n- **السعودية** (الرياض، 2024-02-04)\n- **قطر**\n- **الإمارات**",
        "answerable": True,
        "route": "records",
        "citations": [doha()],
    }
    data.update(overrides)
    return Answer.model_validate(data)


def test_question_markup_is_escaped_never_rendered() -> None:
    out = render.render_question('<img src=x onerror=alert(1)> <script>alert("x")</script> من زار قطر؟')
    assert "<img" not in out and "<script" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;script&gt;" in out


def test_knowledge_text_is_escaped_too() -> None:
    cit = doha(title="<b>عنوان</b>", quote="نص <script>alert(1)</script> هنا", highlights=[])
    out = render.render_answer(gulf_answer(citations=[cit], text="جواب <iframe src=x>"))
    assert "<script" not in out and "<iframe" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "&lt;iframe src=x&gt;" in out


def test_answer_markdown_becomes_list_and_bold() -> None:
    out = render.text_block(gulf_answer().text)
    assert out.count("<li>") == 3
    assert "<strong>السعودية</strong>" in out
    assert "**" not in out


def test_article_headings_become_headings() -> None:
    assert render.text_block("## مكافحة الإرهاب\nنص") == "<h4>مكافحة الإرهاب</h4><p>نص</p>"
    assert render.text_block("#وسم") == "<p>#وسم</p>"  # a hashtag is not a heading


def test_each_question_of_a_message_heads_its_own_answer() -> None:
    sections = [
        {"question": "متى زار قطر؟", "text": "21 أبريل"},
        {"question": "<b>ومن</b> التقى؟", "text": "- الخليفي"},
    ]
    out = render.render_answer(gulf_answer(text="«متى زار قطر؟»\n21 أبريل", sections=sections))
    assert out.count('<h4 class="asked">') == 2 and "<li>" in out and "«" not in out
    assert out.index("متى زار قطر؟") < out.index("أبريل") < out.index("التقى؟") and "<b>" not in out
    rewritten = render.render_answer(gulf_answer(sections=sections, generator_status="used"))
    assert 'class="asked"' not in rewritten  # a model's own text is shown as it wrote it


def test_output_is_one_html_block_without_newlines() -> None:
    """A newline would let the chat's Markdown renderer re-read knowledge text as Markdown."""
    out = render.render_answer(gulf_answer())
    assert "\n" not in out
    assert "\n" not in render.render_question("سطر\nسطر آخر")
    assert "<br>" in render.render_question("سطر\nسطر آخر")


def test_latin_runs_urls_and_numbers_are_isolated() -> None:
    spans = lambda t: [t[a:b] for a, b, _ in render.ltr_spans(t)]  # noqa: E731
    assert spans("أبوظبي (23–26 شتنبر 2024)") == ["23–26", "2024"]
    assert spans("معرض World Defense Show 2024 في الرياض") == ["World Defense Show 2024"]
    assert spans("في 2024 3 دول") == ["2024", "3"]  # numbers never merge: their order would flip
    assert spans("التقى MI5.") == ["MI5"]  # the full stop stays in the Arabic flow
    assert spans("(الرياض، 2024-02-04)") == ["2024-02-04"]  # the unbalanced bracket stays outside
    assert spans("(Riyadh)") == ["(Riyadh)"]
    assert spans("انظر https://fr.le360.ma/a/b ، ثم") == ["https://fr.le360.ma/a/b"]
    assert spans("لـMI5 وRiyadh, Doha & Abu Dhabi") == ["MI5", "Riyadh, Doha & Abu Dhabi"]
    assert render.bidi("Euro 2024 في ألمانيا") == '<bdi dir="ltr">Euro 2024</bdi> في ألمانيا'
    # a number range keeps the paragraph's direction: Arabic readers start from the right
    assert render.bidi("(23–26 شتنبر)") == "(<bdi>23–26</bdi> شتنبر)"
    assert spans("٢٠٢٤ والخليج") == []  # Arabic-Indic digits are already right-to-left friendly


def test_bidi_is_linear_on_huge_input() -> None:
    out = render.bidi("!" * 100_000 + " a" * 20_000)
    assert out.startswith("!" * 10)


def test_highlights_are_marked_inside_the_quote() -> None:
    out = render.render_citation(1, doha())
    assert "<mark>الدوحة</mark>" in out
    assert '<mark><bdi dir="ltr">Al-Khulaifi</bdi></mark>' in out  # case-insensitive match, original case shown
    assert out.count("<mark>") == 2


def test_highlight_spans_do_not_overlap() -> None:
    spans = render.highlight_spans("أمن الدولة وأمن الدولة", ["أمن الدولة", "الدولة", ""])
    assert spans == [(0, 10), (12, 22)]


def test_sources_show_title_date_kind_and_report_links() -> None:
    out = render.render_answer(gulf_answer(), MONTHS)
    assert '<details class="source source-record sid-mtg-2024-04-doha">' in out
    assert "21 أبريل 2024" in re.sub(r"</?bdi[^>]*>", "", out)
    assert "سجل لقاء" in out
    assert out.count('target="_blank"') == 2
    assert ">lereporter.ma<" in out.replace('<bdi dir="ltr">', "").replace("</bdi>", "")
    assert 'href="https://fr.le360.ma/politique/qatar"' in out
    assert "المصادر (1)" in out


def test_multi_line_quotes_keep_their_lines_without_newlines() -> None:
    out = render.render_citation(1, doha(quote="زيارة عمل إلى الدوحة.\nالتاريخ: 2024-04-21.\n"))
    assert "\n" not in out
    assert "زيارة عمل إلى <mark>الدوحة</mark>.<br>التاريخ: <bdi>2024-04-21</bdi>." in out


def test_date_is_not_repeated_when_the_title_has_it() -> None:
    dated = doha(title="زيارة عمل إلى الخارج: الدوحة، قطر — 21 أبريل 2024")
    assert "src-date" not in render.render_citation(1, dated, MONTHS)
    assert "src-date" in render.render_citation(1, doha(), MONTHS)


def test_reports_from_one_site_are_numbered() -> None:
    cit = doha(sources=["https://fr.le360.ma/a", "https://www.yabiladi.com/b", "https://fr.le360.ma/c"])
    text = re.sub(r"</?bdi[^>]*>", "", render.render_citation(1, cit))
    assert ">fr.le360.ma (1)</a>" in text and ">fr.le360.ma (2)</a>" in text and ">yabiladi.com</a>" in text


def test_only_web_links_are_linked() -> None:
    cit = doha(sources=["javascript:alert(1)", "ftp://x.org/a", "https://ok.example/a"], url=None)
    assert render.citation_links(cit) == ["https://ok.example/a"]
    assert "javascript" not in render.render_citation(1, cit)


def test_refusal_looks_different_and_offers_questions() -> None:
    refusal = Answer(
        text="لا تتضمن قاعدة المعرفة جوابًا عن هذا السؤال.",
        answerable=False,
        route="refusal",
        suggestions=["ما هي دول الخليج التي زارها حموشي؟"],
    )
    out = render.render_answer(refusal)
    assert 'class="answer refusal"' in out
    assert "⊘" in out and render.REFUSAL_TITLE in out
    assert "ما هي دول الخليج التي زارها حموشي؟" in out
    assert "refusal" not in render.render_answer(gulf_answer())


def test_invalid_route_is_a_notice() -> None:
    out = render.render_answer(Answer(text="السؤال فارغ.", answerable=False, route="invalid"))
    assert 'class="answer notice notice-invalid"' in out
    assert "refusal" not in out


def test_long_question_is_cut_in_the_bubble() -> None:
    question = "ما " * 50_000
    out = render.render_question(question)
    assert len(out) < render.MAX_SHOWN_QUESTION * 2 + 300
    assert str(len(question.strip())) in out  # says how long the original was


def test_control_and_bidi_override_characters_are_dropped() -> None:
    assert render.clean_text("a\x00b\x07c\u202ed\u200fe\r\nf\tg") == "abcde\nf\tg"
    assert "empty" in render.render_question("\x00\x01 \x1b")


def test_stream_chunks_are_growing_prefixes_ending_with_the_text() -> None:
    text = "زار حموشي في 2024 ثلاث دول خليجية:\n- السعودية\n- قطر"
    chunks = render.stream_chunks(text, 2)
    assert chunks[-1] == text
    assert len(chunks) >= 4
    assert all(text.startswith(c) for c in chunks)
    assert all(len(a) < len(b) for a, b in itertools.pairwise(chunks))


def test_partial_answer_closes_open_bold() -> None:
    out = render.render_partial("زار **السعودية")
    assert "<strong>السعودية</strong>" in out
    assert "streaming" in out


def test_dates_read_in_arabic_when_months_are_known() -> None:
    assert render.format_date("2024-09-23", MONTHS) == "23 شتنبر 2024"
    assert render.format_date("2024-09-23") == "2024-09-23"
    assert render.format_date("سبتمبر", MONTHS) == "سبتمبر"
    assert render.format_date(None, MONTHS) == ""


def test_reference_data_is_labelled_as_such() -> None:
    cit = Citation(
        source_id="reference/regions.yaml#gulf",
        kind="reference",
        title="الخليج: الدول الأعضاء (بيانات مرجعية)",
        quote="السعودية، الإمارات، قطر، الكويت، البحرين، عمان",
    )
    out = render.render_citation(1, cit)
    assert "بيانات مرجعية" in out and "سجل لقاء" not in out and "الكويت" in out
