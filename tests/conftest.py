"""Shared fixtures: real knowledge, the real embedding model and a real Chroma store in a temp folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.offline import enable_offline_mode
from assistant.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from tests.generate.fake_openai import FakeOpenAI

enable_offline_mode()

KNOWLEDGE = REPO_ROOT / "knowledge"


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(session_data_dir: Path) -> Settings:
    return Settings(data_dir=session_data_dir, knowledge_dir=KNOWLEDGE)


@pytest.fixture(scope="session")
def assistant(settings: Settings):  # type: ignore[no-untyped-def]
    """One real Assistant for the whole session: real model, real persistent Chroma, real knowledge."""
    from assistant import Assistant

    return Assistant.load(settings)


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    """A FAKE OpenAI-compatible server (no generative model runs here): tests/generate/fake_openai.py."""
    from tests.generate.fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture()
def fake(fake_openai: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The session's fake server, its behaviour and request log reset for one test."""
    fake_openai.mode, fake_openai.requests[:] = "grounded", []
    yield fake_openai
    fake_openai.mode = None


@pytest.fixture()
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the knowledge folder that a test may break or change."""
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest
