"""Client–server: a real `chroma run` on 127.0.0.1, started by a fixture; ingest and ask through it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import StoreUnavailableError
from assistant.settings import Settings
from tests import servers
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with servers.chroma_server(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


def test_ingest_and_ask_through_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, knowledge_dir=KNOWLEDGE, chroma_host="127.0.0.1", chroma_port=chroma_server)
    assistant = Assistant.load(settings)
    info = assistant.info()
    assert info["store"] == "server" and info["indexed_documents"] > 17
    assert not (tmp_path / "chroma").exists(), "server mode must not create a local index"
    answer = assistant.ask("ما هي دول الخليج التي زارها حموشي؟")
    assert answer.answerable and "قطر" in answer.text
    assert assistant.ingest().embedded == 0


def test_dead_server_gives_a_clear_error(tmp_path: Path) -> None:
    port = servers.free_port()
    settings = Settings(data_dir=tmp_path, knowledge_dir=KNOWLEDGE, chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(StoreUnavailableError) as info:
        Assistant.load(settings)
    assert "Chroma" in str(info.value) and "127.0.0.1" in info.value.message_en


def test_every_instance_serves_the_same_keyword_index_and_follows_the_swap(
    chroma_server: int, tmp_path: Path, knowledge_copy: Path
) -> None:
    """Two app hosts (two data folders) on one server: the one that did not ingest rebuilds the generation's
    keyword index from the generation's Chroma documents, keeps it, and follows another host's swap."""
    from assistant.index import keywords
    from tests.index.test_keywords import PAWN, WORD, add_word, keyword_ids

    common = {"knowledge_dir": knowledge_copy, "chroma_host": "127.0.0.1", "chroma_port": chroma_server}
    a_settings = Settings(data_dir=tmp_path / "a", collection="kwshare", **common)
    b_settings = Settings(data_dir=tmp_path / "b", collection="kwshare", **common)
    a = Assistant.load(a_settings)
    first = a._generation
    assert first and keywords.folder(a_settings, first).is_dir()

    b = Assistant.load(b_settings, ingest_if_missing=False)
    assert b._generation == first and keywords.folder(b_settings, first).is_dir()  # rebuilt from the server
    for query in ("التعاون الأمني مع قطر", "كأس العالم 2030", "الإنتربول في ليون"):
        assert keyword_ids(b, query) == keyword_ids(a, query)

    add_word(knowledge_copy)
    a.ingest()
    assert keyword_ids(a, WORD) == [PAWN]
    assert b.ask("ماذا قال المقال عن كأس العالم 2030؟").answerable  # the dropped generation: b reloads
    assert b._generation == a._generation != first
    assert keyword_ids(b, WORD) == [PAWN]
    assert [p.name for p in keywords.root(b_settings).iterdir()] == [b._generation]  # b's old folder reclaimed
