"""The named API endpoint through ``gradio_client``: the same Answer JSON as ``assistant ask --json``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant import Answer
from assistant.answer.examples import examples
from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from tests.ui.conftest import UIServer

EXAMPLES = examples(load_knowledge(REPO_ROOT / "knowledge"))

pytestmark = pytest.mark.slow

GULF = "ما هي دول الخليج التي زارها حموشي؟"


@pytest.fixture(scope="module")
def client(ui_server: UIServer) -> Any:
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_server_prints_its_local_url(ui_server: UIServer) -> None:
    assert ui_server.url.startswith("http://127.0.0.1:")
    assert any(f"ready: {ui_server.url}" in line for line in ui_server.output)


def test_ask_is_the_only_documented_endpoint(client: Any) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}
    params = [p["parameter_name"] for p in api["named_endpoints"]["/ask"]["parameters"]]
    assert params == ["question", "history_json"]


def test_ask_returns_the_cli_answer_json(client: Any, assistant: Any) -> None:
    got = client.predict(GULF, "[]", api_name="/ask")
    expected = json.loads(assistant.ask(GULF).to_json())  # what `assistant ask --json` prints
    assert comparable(got) == comparable(expected)
    answer = Answer.model_validate(got)
    assert answer.answerable and answer.route != "invalid"
    assert {"mtg-2024-01-riyadh", "mtg-2024-04-doha", "mtg-2024-13-abu-dhabi"} <= {
        c.source_id for c in answer.citations
    }


def test_ask_takes_the_history_as_json(client: Any, assistant: Any) -> None:
    first = client.predict(GULF, "[]", api_name="/ask")
    history = [{"role": "user", "content": GULF}, {"role": "assistant", "content": first["text"]}]
    got = client.predict("ومتى زار قطر؟", json.dumps(history, ensure_ascii=False), api_name="/ask")
    expected = json.loads(assistant.ask("ومتى زار قطر؟", history).to_json())
    assert comparable(got) == comparable(expected)
    assert "mtg-2024-04-doha" in {c["source_id"] for c in got["citations"]}


@pytest.mark.parametrize("question", EXAMPLES)
def test_every_example_question_is_answered_with_sources(client: Any, question: str) -> None:
    got = client.predict(question, "[]", api_name="/ask")
    assert got["answerable"], got["text"]
    assert got["citations"]


@pytest.mark.parametrize("question", ["", "   ", "ما " * 50_000], ids=["empty", "blank", "100KB"])
def test_unusable_questions_come_back_as_invalid_answers(client: Any, question: str) -> None:
    got = client.predict(question, "[]", api_name="/ask")
    answer = Answer.model_validate(got)
    assert answer.route == "invalid" and not answer.answerable
    assert answer.text.strip()


def test_malformed_history_is_an_error_not_a_crash(client: Any) -> None:
    with pytest.raises(Exception, match="history_json"):
        client.predict(GULF, "{not json", api_name="/ask")
    assert client.predict(GULF, "", api_name="/ask")["answerable"]  # still serving
