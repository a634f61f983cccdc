"""The chat with a generative model, in a real browser against a real chat server whose model is the FAKE
OpenAI-compatible server of tests/generate/fake_openai.py (no generative model runs here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.generate.fake_openai import FakeOpenAI
from tests.ui.conftest import SCREENSHOTS, UIServer, launch_ui
from tests.ui.test_browser import FINAL, ask, open_chat

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "من استقبل في أكادير؟"
# every text the chat shows for the last answer, while it streams and when it is final
WATCH_JS = """() => {
  const chat = document.querySelector('#chat');
  window.__seen = [];
  new MutationObserver(() => {
    const s = chat.querySelector('.answer.streaming .answer-text');
    if (s) window.__seen.push(s.textContent);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def generator_ui(ui_server: UIServer, fake_openai: FakeOpenAI) -> Iterator[UIServer]:
    env = {
        "ASSISTANT_GENERATOR": "openai",
        "ASSISTANT_GENERATOR_URL": fake_openai.url,
        "ASSISTANT_GENERATOR_MODEL": "fake",
        "ASSISTANT_GENERATOR_TIMEOUT": "10",
    }
    with launch_ui(ui_server.data_dir, **env) as server:  # the first server's index, read-only
        yield server


@pytest.fixture()
def page(browser: Any, generator_ui: UIServer, fake_openai: FakeOpenAI) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="en-US")
    page = context.new_page()
    open_chat(page, generator_ui.url)
    page.evaluate(WATCH_JS)
    yield page
    fake_openai.mode = None
    context.close()


def test_tokens_stream_in_then_the_checked_answer_with_its_note(page: Any, fake_openai: FakeOpenAI) -> None:
    fake_openai.mode = "paced"
    answer = ask(page, QUESTION)
    seen = page.evaluate("window.__seen")
    assert len({s for s in seen if s.strip()}) >= 3  # grew piece by piece
    assert "gen-used" in (answer.get_attribute("class") or "")
    assert "بحسب المصدر" in answer.locator(".answer-text").inner_text()
    assert answer.locator(".generator-note").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-generator.png"), full_page=True)


def test_a_rejected_answer_is_replaced_by_the_extracted_one(page: Any, fake_openai: FakeOpenAI) -> None:
    fake_openai.mode = "ungrounded"
    answer = ask(page, QUESTION)
    assert any("987" in s for s in page.evaluate("window.__seen"))  # the model's text was streamed…
    text = answer.locator(".answer-text").inner_text()
    assert "987" not in text  # …and replaced
    assert "gen-rejected" in (answer.get_attribute("class") or "")
    assert answer.locator(".generator-note.replaced").is_visible()


def test_a_refusal_is_not_sent_to_the_model(page: Any, fake_openai: FakeOpenAI) -> None:
    fake_openai.mode, fake_openai.requests[:] = "ungrounded", []
    answer = ask(page, "ما عدد سكان المغرب؟")
    assert "refusal" in (answer.get_attribute("class") or "")
    assert fake_openai.requests == []
    assert page.locator(FINAL).count() == 1
    assert json.dumps(page.evaluate("window.__seen"), ensure_ascii=False).count("987") == 0
