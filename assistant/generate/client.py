"""An OpenAI-compatible chat model through LangChain's ``ChatOpenAI``: Ollama's ``/v1``, vLLM, llama.cpp's
server, LM Studio and hosted APIs all speak it.

Only this module imports ``langchain_openai`` (and ``openai``), and only when a generator is configured.
Every failure of the model becomes one of two exceptions the phraser turns into a fallback, so no client
error reaches a reader: ``GeneratorTimeoutError`` (the server was slower than ``generator_timeout`` in total,
streaming included) and ``GeneratorFailureError`` (unreachable, an HTTP error, a malformed response).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from assistant.settings import Settings


class GeneratorTimeoutError(Exception):
    pass


class GeneratorFailureError(Exception):
    pass


class ChatModel(Protocol):
    def stream(self, messages: Sequence[tuple[str, str]], timeout_s: float) -> Iterator[str]:
        """Text pieces as they arrive; raises GeneratorTimeoutError or GeneratorFailureError."""
        ...


class OpenAIChat:
    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        key = settings.generator_api_key.get_secret_value() if settings.generator_api_key else "not-needed"
        self.model = ChatOpenAI(
            model=settings.generator_model or "default",
            base_url=settings.generator_url,
            api_key=key,  # type: ignore[arg-type]  # local servers ignore it; the client insists on one
            timeout=settings.generator_timeout,
            max_retries=0,  # a retry would double the wait; the extractive answer is the fallback
            temperature=settings.generator_temperature,
            max_tokens=settings.generator_max_tokens,
        )

    def stream(self, messages: Sequence[tuple[str, str]], timeout_s: float) -> Iterator[str]:
        import openai

        deadline = time.monotonic() + timeout_s
        try:
            for chunk in self.model.stream(list(messages)):
                if time.monotonic() > deadline:
                    raise GeneratorTimeoutError(f"more than {timeout_s:g} s")
                piece = _text_of(chunk.content)
                if piece:
                    yield piece
        except GeneratorTimeoutError:
            raise
        except openai.APITimeoutError as exc:
            raise GeneratorTimeoutError(f"no reply within {timeout_s:g} s") from exc
        except openai.APIConnectionError as exc:
            raise GeneratorFailureError(f"unreachable: {type(exc.__cause__ or exc).__name__}") from exc
        except openai.APIStatusError as exc:
            raise GeneratorFailureError(f"HTTP {exc.status_code}") from exc
        except Exception as exc:  # a malformed reply surfaces as whatever the parser tripped on
            raise GeneratorFailureError(f"malformed reply: {type(exc).__name__}") from exc


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return ""
