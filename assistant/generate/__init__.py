"""The optional generative model (``ASSISTANT_GENERATOR=openai``): phrasing only, post-checked.

Nothing here is imported unless a generator is configured; with the default (``none``) answers are
extractive and no model client is ever loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.generate.postcheck import default_checks
from assistant.generate.prompt import SHIPPED_PROMPT, Prompt
from assistant.text.numbers import NUMBERS_FILE, NumberWords

if TYPE_CHECKING:
    from assistant.generate.client import ChatModel
    from assistant.generate.phraser import Phraser
    from assistant.settings import Settings
    from assistant.text.fuzzy import PhraseMatcher

__all__ = ["build_phraser"]


def build_phraser(settings: Settings, entities: PhraseMatcher[object], model: ChatModel | None = None) -> Phraser:
    """A phraser over the configured OpenAI-compatible server (or ``model``: tests and benchmarks)."""
    from assistant.generate.phraser import Phraser

    if model is None:
        from assistant.generate.client import OpenAIChat

        model = OpenAIChat(settings)
    own = settings.knowledge_dir / NUMBERS_FILE
    numbers = NumberWords.load(settings.knowledge_dir if own.is_file() else SHIPPED_PROMPT.parents[1])
    return Phraser(
        model,
        Prompt.load(settings.generator_prompt, settings.knowledge_dir),
        entities,
        numbers,
        default_checks(settings.generator_max_chars, settings.generator_min_arabic_share),
        settings.generator_timeout,
    )
