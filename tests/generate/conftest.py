"""The generator tests' servers: a FAKE OpenAI-compatible server (no generative model runs here, so this
stands in for one: tests/generate/fake_openai.py), and a real one when ``ASSISTANT_TEST_GENERATOR_URL`` (with
``ASSISTANT_TEST_GENERATOR_MODEL``, optionally ``ASSISTANT_TEST_GENERATOR_API_KEY``) names it."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.settings import Settings

TEST_TIMEOUT_S = 2.0  # fake «slow» waits 3 s, «trickle» streams for 20 s: both past it


def generator_settings(data_dir: Path, url: str, model: str, timeout: float = TEST_TIMEOUT_S, **kw: object) -> Settings:
    from tests.conftest import KNOWLEDGE

    values: dict[str, object] = {"knowledge_dir": KNOWLEDGE, **kw}
    return Settings(
        data_dir=data_dir,
        generator="openai",
        generator_url=url,
        generator_model=model,
        generator_timeout=timeout,
        **values,  # type: ignore[arg-type]
    )


REAL_URL = os.environ.get("ASSISTANT_TEST_GENERATOR_URL")
REAL_MODEL = os.environ.get("ASSISTANT_TEST_GENERATOR_MODEL", "")
REAL_KEY = os.environ.get("ASSISTANT_TEST_GENERATOR_API_KEY")
