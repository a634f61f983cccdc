"""Web hardening (issue 8, finding 11): security headers on every response, a policy that keeps Gradio
working in a real browser, and login throttling on a real Gradio server with a login."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.ui.conftest import UIServer, free_port
from ui.security import HEADERS

pytestmark = pytest.mark.slow


def test_every_response_carries_the_security_headers(ui_server: UIServer) -> None:
    for path in ("", "config", "gradio_api/info", "no-such-page"):
        response = httpx.get(ui_server.url + path, timeout=30)
        for name, value in HEADERS.items():
            assert response.headers.get(name.decode()) == value.decode(), (path, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.browser
def test_the_policy_keeps_the_chat_and_charts_working(browser: Any, ui_server: UIServer) -> None:
    from tests.ui.test_browser import ask, open_chat

    context = browser.new_context(locale="ar")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None,
    )
    try:
        open_chat(page, ui_server.url)
        answer = ask(page, "ما هي دول الخليج التي زارها حموشي؟")
        assert "قطر" in answer.inner_text()
        page.get_by_role("tab", name="اللقاءات").click()
        page.locator("#month-plot svg .mark-rect path, #month-plot svg .mark-rect").first.wait_for(timeout=60_000)
    finally:
        context.close()
    assert violations == []


@pytest.fixture()
def login_server() -> Iterator[str]:
    """A real Gradio server with a login and the project's middleware (a tiny page: the login is the point)."""
    import gradio as gr

    from ui.app import launch_options

    settings = Settings(
        auth_user="reader", auth_password="right", port=free_port(), login_max_failures=3, login_lockout_s=2
    )
    with gr.Blocks() as demo:
        gr.Markdown("مرحبا")
    demo.launch(prevent_thread_lock=True, **launch_options(settings))
    try:
        yield f"http://127.0.0.1:{settings.port}/"
    finally:
        demo.close()


def login(url: str, password: str, source: str = "127.0.0.1") -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=30) as client:
        return client.post(url + "login", data={"username": "reader", "password": password})


def test_failed_logins_lock_the_client_out_for_a_while(login_server: str) -> None:
    assert [login(login_server, "wrong").status_code for _ in range(3)] == [400, 400, 400]
    refused = login(login_server, "right")  # locked: even the right password is refused
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "too many failed logins" in refused.json()["detail"]
    assert login(login_server, "right", source="127.0.0.2").status_code == 200  # another client is not
    time.sleep(2.5)  # the lockout ends
    assert login(login_server, "right").status_code == 200
