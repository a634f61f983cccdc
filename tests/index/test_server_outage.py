"""A Chroma server that stops mid-session: article questions get the project's clear store error (in the
API too), meeting questions are still answered, and all recovers when the server is back (issue 8, 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import StoreUnavailableError
from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.index.test_generations import ARTICLE, QATAR
from tests.servers import free_port, start_chroma, stop

pytestmark = pytest.mark.server


def test_a_server_that_stops_gives_the_store_error_and_recovers(tmp_path: Path) -> None:
    gr = pytest.importorskip("gradio")
    from ui.app import api_answer

    port = free_port()
    server = start_chroma(tmp_path / "chroma-server", port)
    try:
        settings = Settings(
            data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE, chroma_host="127.0.0.1", chroma_port=port
        )
        Assistant.load(settings)  # builds the index on the server
        bot = Assistant.load(settings)  # serves it: knowledge from the generation's snapshot on the server
        assert bot.kb.files == load_knowledge(KNOWLEDGE).files and bot.info()["stale"] is False
        assert bot.ask(ARTICLE).answerable
        stop(server)

        with pytest.raises(StoreUnavailableError) as info:
            bot.ask(ARTICLE)
        assert f"127.0.0.1:{port}" in info.value.message_en and info.value.message_ar
        with pytest.raises(gr.Error) as api_error:  # what an API caller receives, message and all
            api_answer(bot, ARTICLE, "[]")
        assert "cannot reach the Chroma vector store" in str(api_error.value.message)
        assert bot.ask(QATAR).answerable  # meeting questions need no vectors

        server = start_chroma(tmp_path / "chroma-server", port)
        assert bot.ask(ARTICLE).answerable
        assert api_answer(bot, ARTICLE, "[]")["answerable"]
    finally:
        if server.poll() is None:
            stop(server)
