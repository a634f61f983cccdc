"""One answer to a message that asked several questions: each question's answer under the question itself,
in the order asked, with their sources together.

Instructions aimed at the assistant in any part refuse the whole message, as they would alone. A part the
base does not hold is said so beside the parts it does; only when no part is held is the answer a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import Answer, Citation, Section


def joined(questions: Sequence[str], answers: Sequence[Answer]) -> Answer:
    if len(answers) == 1:
        return answers[0]
    injected = next((a for a in answers if a.rule == "injection"), None)
    if injected is not None:
        return injected
    held = [a for a in answers if a.answerable]
    lead = held[0] if held else answers[0]
    texts = [a.text for a in answers]
    if not held and len(set(texts)) == 1:  # «لا تتضمن قاعدة المعرفة…» once, not once per question
        return lead.model_copy(update={"question": " ".join(a.question for a in answers)})
    sections = [Section(question=q.strip(), text=t) for q, t in zip(questions, _unrepeated(texts), strict=True)]
    text = "\n\n".join(f"«{s.question}»\n{s.text}" for s in sections)
    routes = {a.route for a in held}
    directs = [a.direct for a in held if a.direct]
    timings: dict[str, float] = {}
    for a in answers:
        for k, v in a.timings_ms.items():
            timings[k] = round(timings.get(k, 0.0) + v, 2)
    return lead.model_copy(
        update={
            "text": text,
            "sections": sections,
            "direct": "؛ ".join(directs) if directs else None,
            "route": routes.pop() if len(routes) == 1 else ("mixed" if routes else lead.route),
            "citations": _citations([c for a in answers for c in a.citations]),
            "question": " ".join(a.question for a in answers),
            "suggestions": list(dict.fromkeys(s for a in answers for s in a.suggestions))[:4] if not held else [],
            "retrieved_ids": list(dict.fromkeys(i for a in answers for i in a.retrieved_ids)),
            "timings_ms": timings,
        }
    )


def _citations(cites: list[Citation]) -> list[Citation]:
    """Each source once, in first-cited order, with the words every part highlighted in it."""
    out: dict[tuple[str, str], Citation] = {}
    for c in cites:
        key = (c.source_id, c.quote)
        if key in out:
            seen = out[key]
            out[key] = seen.model_copy(update={"highlights": list(dict.fromkeys([*seen.highlights, *c.highlights]))})
        else:
            out[key] = c
    return list(out.values())


def _unrepeated(texts: list[str]) -> list[str]:
    """Each answer without the lines an earlier one already said (an occasion's account, told once), keeping
    at least its first line."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        lines = text.split("\n")
        kept = [line for line in lines if not line.strip() or line.strip() not in seen] or lines[:1]
        seen |= {line.strip() for line in lines if line.strip()}
        out.append("\n".join(kept).strip())
    return out
