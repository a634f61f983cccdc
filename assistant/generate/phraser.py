"""Rephrases a grounded extractive answer with a generative model, without ever making it less true.

The core has already decided everything that matters: whether the base answers (a refusal stays a
refusal, a greeting a greeting), which sources the answer rests on, and the extractive text. The model sees
only those and may only restate them; the post-check rejects anything it adds, and the extractive answer
is shown instead with ``generator_status`` saying why.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence

from assistant.generate.client import ChatModel, GeneratorFailureError, GeneratorTimeoutError
from assistant.generate.postcheck import CITATION, Check, Generated, cited_ids, post_check
from assistant.generate.prompt import Prompt, evidence_of
from assistant.models import Answer, GeneratorStatus
from assistant.text.fuzzy import PhraseMatcher
from assistant.text.numbers import NumberWords

log = logging.getLogger(__name__)

# Rules the core answered by that the model must not touch, whatever it would say.
UNPHRASED_RULES = frozenset({"injection", "greeting", "out_of_scope", "unknown_name", "unmentioned", "refuse"})


def phrasable(answer: Answer) -> bool:
    """Only grounded answers with evidence are rephrased."""
    return answer.answerable and bool(answer.citations) and answer.rule not in UNPHRASED_RULES


class Phraser:
    def __init__(
        self,
        model: ChatModel,
        prompt: Prompt,
        entities: PhraseMatcher[object],
        numbers: NumberWords,
        checks: Sequence[Check],
        timeout_s: float,
    ) -> None:
        self.model = model
        self.prompt = prompt
        self.entities = entities
        self.numbers = numbers
        self.checks = tuple(checks)
        self.timeout_s = timeout_s

    def stream(self, question: str, answer: Answer) -> Iterator[str | Answer]:
        """The generated text so far, piece by piece, then the final ``Answer`` (generated and checked, or
        the extractive one with the reason)."""
        if not phrasable(answer):
            yield answer.model_copy(update={"generator_status": "skipped"})
            return
        evidence = evidence_of(answer)
        messages = self.prompt.messages(question, answer, evidence)
        started = time.perf_counter()
        parts: list[str] = []
        try:
            for piece in self.model.stream(messages, self.timeout_s):
                parts.append(piece)
                yield "".join(parts)
        except GeneratorTimeoutError as exc:
            yield self._fallback(answer, "timeout", f"انتهت المهلة / timed out: {exc}", started)
            return
        except GeneratorFailureError as exc:
            log.warning("generator failed: %s", exc)
            yield self._fallback(answer, "error", f"خطأ في الخادم / generator error: {exc}", started)
            return
        text = "".join(parts).strip()
        checked = Generated(text, evidence, answer.text, self.entities, self.numbers)
        verdict = post_check(checked, self.checks)
        if not verdict.ok:
            log.info("generated answer rejected by %s: %s", verdict.check, verdict.detail)
            yield self._fallback(answer, "rejected", f"{verdict.check}: {verdict.detail}", started)
            return
        yield answer.model_copy(
            update={
                "text": numbered(text, [c.source_id for c in answer.citations], checked.quoted),
                "extractive_text": answer.text,
                "generator_status": "used",
                "timings_ms": {**answer.timings_ms, "generate": _ms(started)},
            }
        )

    @staticmethod
    def _fallback(answer: Answer, status: GeneratorStatus, detail: str, started: float) -> Answer:
        return answer.model_copy(
            update={
                "generator_status": status,
                "generator_detail": detail,
                "timings_ms": {**answer.timings_ms, "generate": _ms(started)},
            }
        )


def numbered(text: str, source_ids: Sequence[str], quoted: frozenset[str] = frozenset()) -> str:
    """«[record-id]» → «[2]», the citation's number as every face lists the sources; brackets quoted from
    the sources stay as they are."""
    order = {sid: i for i, sid in reversed(list(enumerate(source_ids, 1)))}

    def one(m: re.Match[str]) -> str:
        ids = [i for i in cited_ids(m.group(0), quoted) if i in order]
        return "".join(f"[{order[i]}]" for i in ids) if ids else m.group(0)

    return CITATION.sub(one, text)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
