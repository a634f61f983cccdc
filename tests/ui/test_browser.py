"""The chat in a real browser (Debian's chromium, driven by playwright) against the real server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.conftest import SCREENSHOTS, UIServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GULF = "ما هي دول الخليج التي زارها حموشي؟"
GULF_RECORDS = {"mtg-2024-01-riyadh", "mtg-2024-04-doha", "mtg-2024-13-abu-dhabi"}
FEEDBACK_FIELDS = {"timestamp", "session", "question", "answer", "route", "rating", "comment", "turn"}
FINAL = "#chat .answer:not(.thinking):not(.streaming)"
TIMING_JS = """() => {
  const chat = document.querySelector('#chat');
  const box = document.querySelector('#question textarea');
  const n0 = chat.querySelectorAll('.answer:not(.thinking):not(.streaming)').length;
  const t = window.__timing = {};
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && t.t0 === undefined) t.t0 = performance.now();
  }, {capture: true, once: true});
  const obs = new MutationObserver(() => {
    if (t.t0 === undefined) return;
    const streaming = chat.querySelector('.answer.streaming .answer-text');
    const finals = chat.querySelectorAll('.answer:not(.thinking):not(.streaming)').length;
    if (t.first === undefined && ((streaming && streaming.textContent.trim()) || finals > n0))
      t.first = performance.now() - t.t0;
    if (finals > n0) { t.full = performance.now() - t.t0; obs.disconnect(); }
  });
  obs.observe(chat, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture()
def page(browser: Any, ui_server: UIServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1300}, locale="en-US")
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    open_chat(page, ui_server.url)
    yield page
    context.close()


def open_chat(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")
    page.locator("#question textarea").wait_for(state="visible", timeout=60_000)


def ask(page: Any, question: str, timeout_ms: int = 60_000) -> Any:
    """Type, press Enter, wait for the answer to be complete; returns the last answer's locator."""
    before = page.locator(FINAL).count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll({json.dumps(FINAL)}).length > {before}", timeout=timeout_ms)
    return page.locator(FINAL).last


def show_from(page: Any, element: Any) -> None:
    """Scroll the chat so a screenshot starts at ``element`` (the chat scrolls itself to the bottom)."""
    element.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def source_ids(answer: Any) -> set[str]:
    classes = answer.locator("details.source").evaluate_all("els => els.map(e => Array.from(e.classList))")
    return {c.removeprefix("sid-") for names in classes for c in names if c.startswith("sid-")}


def test_gulf_question_streams_three_countries_with_sources(page: Any, measurements: dict[str, Any]) -> None:
    page.evaluate(TIMING_JS)
    answer = ask(page, GULF)
    timing = page.evaluate("window.__timing")
    measurements["gulf_enter_to_first_words_ms"] = round(timing["first"])
    measurements["gulf_enter_to_full_answer_ms"] = round(timing["full"])
    text = answer.locator(".answer-text").inner_text()
    for country in ("السعودية", "قطر", "الإمارات"):
        assert country in text
    assert "refusal" not in (answer.get_attribute("class") or "")
    assert source_ids(answer) >= GULF_RECORDS
    first = answer.locator("details.source").first
    assert first.locator("summary .src-title").inner_text().strip()
    assert "2024" in first.locator("summary").inner_text()  # the date, in the title or beside it
    assert not first.locator("blockquote").is_visible()  # collapsed until the reader opens it
    first.locator("summary").click()
    assert first.locator("blockquote").is_visible()
    assert first.locator("blockquote").inner_text().strip()
    links = first.locator(".src-links a").evaluate_all("els => els.map(a => a.href)")
    assert links
    assert all(link.startswith(("http://", "https://")) for link in links)
    assert answer.locator("details.source mark").count() >= 1
    show_from(page, page.locator("#chat .question").last)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)


def test_follow_up_uses_the_conversation(page: Any) -> None:
    ask(page, GULF)
    follow = ask(page, "ومتى زار قطر؟")
    text = follow.locator(".answer-text").inner_text()
    assert "refusal" not in (follow.get_attribute("class") or "")
    assert "أبريل" in text or "2024-04" in text
    assert "mtg-2024-04-doha" in source_ids(follow)
    assert page.locator("#chat .question").count() == 2
    show_from(page, page.locator("#chat .question").last)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-follow-up.png"), full_page=True)


def test_each_question_of_a_message_is_a_heading_over_its_answer(page: Any) -> None:
    answer = ask(page, "متى زار حموشي قطر؟ ومن التقى هناك؟")
    headings = answer.locator("h4.asked")
    assert headings.count() == 2 and "ومن التقى هناك" in headings.nth(1).inner_text()
    text = answer.locator(".answer-text").inner_text()
    assert text.index("أبريل") < text.index("ومن التقى") < text.index("الخليفي")
    show_from(page, page.locator("#chat .question").last)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-two-questions.png"), full_page=True)


def test_refusal_looks_different_and_offers_questions(page: Any) -> None:
    answer = ask(page, "ما هو عدد سكان المغرب؟")
    assert "refusal" in (answer.get_attribute("class") or "")
    assert "لا تتضمن قاعدة المعرفة" in answer.inner_text()
    assert answer.locator("details.source").count() == 0
    show_from(page, page.locator("#chat .question").last)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-refusal.png"), full_page=True)


def test_chat_text_is_right_to_left(page: Any) -> None:
    answer = ask(page, GULF)
    assert answer.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert (
        answer.locator(".answer-text p, .answer-text li").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    )
    assert page.locator("#question textarea").evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # Gradio's own labels follow the Arabic locale even in an English browser
    assert "الإعدادات" in page.locator("footer").inner_text()


def test_two_browsers_never_see_each_other(browser: Any, ui_server: UIServer) -> None:
    contexts = [browser.new_context(locale="ar") for _ in range(2)]
    try:
        first, second = (c.new_page() for c in contexts)
        open_chat(first, ui_server.url)
        open_chat(second, ui_server.url)
        ask(first, GULF)
        ask(second, "متى زار حموشي لندن؟")
        assert page_questions(first) == [GULF]
        assert page_questions(second) == ["متى زار حموشي لندن؟"]
        # the second conversation's follow-up resolves against its own history, not the first one's
        follow = ask(second, "ومع من التقى هناك؟")
        assert "mtg-2024-03-london" in source_ids(follow)
        assert not GULF_RECORDS & source_ids(follow)
        open_chat(first, ui_server.url)  # a reload starts a new session with an empty chat
        assert page_questions(first) == []
    finally:
        for c in contexts:
            c.close()


def page_questions(page: Any) -> list[str]:
    return [q.strip() for q in page.locator("#chat .question").all_inner_texts()]


def test_markup_in_a_question_is_shown_as_text(page: Any) -> None:
    hostile = "<img src=x onerror=alert(1)> <script>alert(2)</script> من زار قطر؟"
    ask(page, hostile)
    time.sleep(0.5)  # give a would-be onerror handler the chance to fire
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.locator("#chat img[src='x'], #chat script").count() == 0
    shown = page.locator("#chat .question").last.inner_text()
    assert "<img src=x onerror=alert(1)>" in shown
    assert "<script>alert(2)</script>" in shown


@pytest.mark.parametrize(
    ("question", "expect"),
    [
        ("", "فارغ"),
        ("   \n\t ", "فارغ"),
        ("ما " * 50_000, "طويل"),
        ("\x00\x01\x02\x07\x1b\x7f", "فارغ"),
    ],
    ids=["empty", "whitespace", "100KB", "control-chars"],
)
def test_bad_input_gets_a_message_and_the_app_carries_on(page: Any, question: str, expect: str) -> None:
    notice = ask(page, question)
    assert "notice" in (notice.get_attribute("class") or "")
    assert notice.locator(".answer-text").inner_text().strip()
    assert expect in notice.inner_text()
    answer = ask(page, GULF)  # still up, still answering
    assert source_ids(answer) >= GULF_RECORDS


def test_control_characters_inside_a_question_are_dropped(page: Any) -> None:
    answer = ask(page, "ما هي دول\x00 الخليج\x07 التي \u202eزارها حموشي؟")
    assert source_ids(answer) >= GULF_RECORDS
    assert page_questions(page) == [GULF]


def test_new_conversation_clears_the_chat(page: Any) -> None:
    ask(page, GULF)
    page.locator("#new-chat").click()
    page.wait_for_function("document.querySelectorAll('#chat .question').length === 0")
    answer = ask(page, "ومتى كان ذلك؟")  # no history any more: not a follow-up of the Gulf question
    assert not GULF_RECORDS & source_ids(answer)


def test_the_chatbot_bin_button_also_forgets_the_history(page: Any) -> None:
    ask(page, GULF)
    page.locator("#chat button[aria-label='مسح المحادثة']").click()  # «clear conversation»
    page.wait_for_function("document.querySelectorAll('#chat .question').length === 0")
    answer = ask(page, "ومتى كان ذلك؟")  # «and when was that?»: a follow-up only if history survived
    assert page_questions(page) == ["ومتى كان ذلك؟"]
    assert not GULF_RECORDS & source_ids(answer)
    likes = page.locator("#chat button[aria-label='إعجاب']")
    assert likes.count() == 1  # one answer on screen, so feedback indices match the session's turns


def test_example_questions_are_clickable(page: Any) -> None:
    before = page.locator(FINAL).count()
    page.locator("#examples button", has_text=GULF).first.click()
    page.wait_for_function(f"document.querySelectorAll({json.dumps(FINAL)}).length > {before}")
    assert page_questions(page) == [GULF]


def test_feedback_is_appended_to_the_data_folder(page: Any, ui_server: UIServer) -> None:
    log = ui_server.data_dir / "feedback.jsonl"
    before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    ask(page, GULF)
    page.locator("#chat button[aria-label='إعجاب']").last.click()  # «like», in Gradio's Arabic locale
    comment = page.locator("#comment textarea")
    comment.wait_for(state="visible")
    comment.fill("جواب دقيق")
    page.locator("#send-comment").click()
    comment.wait_for(state="hidden")
    deadline = time.monotonic() + 10
    entries: list[dict[str, Any]] = []
    while time.monotonic() < deadline and len(entries) < 2:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        entries = [json.loads(line) for line in lines[len(before) :]]
        time.sleep(0.2)
    assert [e["rating"] for e in entries] == ["useful", "useful"]
    assert entries[-1]["comment"] == "جواب دقيق"
    assert entries[-1]["question"] == GULF
    assert entries[-1]["route"] != "invalid"
    assert "قطر" in entries[-1]["answer"]
    assert entries[0]["session"] and entries[0]["session"] == entries[1]["session"]
    assert set(entries[0]) == FEEDBACK_FIELDS


def test_meetings_tab_table_filters_and_charts(page: Any) -> None:
    page.get_by_role("tab", name="اللقاءات").click()
    table = page.locator("#meetings-table")
    table.wait_for(state="visible")
    rows = table.locator("[role=row].virtual-row")  # Gradio 6 draws body rows as virtual div rows
    page.wait_for_function("document.querySelectorAll('#meetings-table .virtual-row').length > 0", timeout=30_000)
    assert rows.count() == 17
    for plot in ("#month-plot", "#country-plot", "#region-plot"):
        page.locator(f"{plot} svg .mark-rect path, {plot} svg .mark-rect").first.wait_for(timeout=30_000)
    month_labels = page.locator("#month-plot svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert "ماي" in month_labels and "شتنبر" in month_labels
    assert table.locator("[role=gridcell]").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "meetings.png"), full_page=True)
    header = table.locator("[role=columnheader]").first  # «التاريخ»
    header.click()
    header.locator("button.cell-menu-button").click()
    page.get_by_text("فرز تنازلي").click()  # «sort descending», in Gradio's Arabic locale
    first_date = table.locator(".virtual-row [role=gridcell][data-col='0']").first
    page.wait_for_function(
        "document.querySelector(\"#meetings-table .virtual-row [role=gridcell][data-col='0']\")"
        ".innerText.trim() === '2024-12-05'"
    )
    assert first_date.inner_text().strip() == "2024-12-05"
    page.locator("#f-region input").click()
    page.get_by_role("option", name="الخليج").click()
    page.keyboard.press("Escape")
    page.wait_for_function("document.querySelectorAll('#meetings-table .virtual-row').length === 3")
    countries = table.locator(".virtual-row [role=gridcell][data-col='3']").all_inner_texts()
    assert sorted(c.strip() for c in countries) == sorted(["السعودية", "قطر", "الإمارات"])
    assert "3" in page.locator("#count").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "meetings-gulf.png"), full_page=True)


def test_sources_tab_shows_the_article_and_reports(page: Any) -> None:
    page.get_by_role("tab", name="المصادر").click()
    article = page.locator("#article .article-card")
    article.wait_for(state="visible")
    assert "13 دولة" in article.locator(".article-meta").inner_text()
    assert "anfaspress.com" in article.locator(".article-meta a").get_attribute("href")
    assert "20 لقاءً في 13 دولة" in article.locator(".article-body").inner_text()
    # The table is drawn after the article card: wait for its virtual rows, don't count them at once.
    page.wait_for_function("document.querySelectorAll('#reports-table .virtual-row').length >= 10", timeout=30_000)
    reports = page.locator("#reports-table .virtual-row")
    assert reports.count() >= 10
    cells = page.locator("#reports-table .virtual-row [role=gridcell][data-col='3']").all_inner_texts()
    counts = [int(c.strip()) for c in cells]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sources.png"), full_page=True)
