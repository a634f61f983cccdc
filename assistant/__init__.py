"""Arabic-first, grounded question answering over articles and event records.

    from assistant import Assistant
    answer = Assistant.load().ask("ما هي دول الخليج التي زارها حموشي؟")

Names are resolved lazily so that `import assistant` stays cheap (no torch, chromadb or langchain).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.assistant import Assistant
    from assistant.errors import AssistantError, InputError, KnowledgeError
    from assistant.index.ingest import IngestReport
    from assistant.models import Answer, Citation, Section
    from assistant.settings import Settings

_EXPORTS = {
    "Assistant": "assistant.assistant",
    "Answer": "assistant.models",
    "Citation": "assistant.models",
    "Section": "assistant.models",
    "Settings": "assistant.settings",
    "AssistantError": "assistant.errors",
    "InputError": "assistant.errors",
    "KnowledgeError": "assistant.errors",
    "IngestReport": "assistant.index.ingest",
}
__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "IngestReport",
    "InputError",
    "KnowledgeError",
    "Section",
    "Settings",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
