"""Follow-ups: an elliptical turn («وماذا عن قطر؟», «ومتى كان ذلك؟») borrows what it leaves out from the
turns before it. Entities the new turn names replace the old ones of the same family; the rest carry over.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.models import Intent
from assistant.understand.lexicon import Entity
from assistant.understand.question import Frame, Relation

FAMILIES = {
    "country": "place",
    "region": "place",
    "city": "place",
    "month": "time",
    "person": "who",
    "agency": "who",
    "topic": "topic",
    "kind": "kind",
    "subject": "subject",
    "event": "event",
}
ASKED = {"where": "place", "when": "time", "who": "who"}  # the family a question of this intent asks for
UNANCHORED = frozenset({"kind"})  # «وأين زار؟» names the event kind, not a new thing to anchor on


def _own_question(frame: Frame) -> bool:
    """A turn that asks for a thing of its own («كم اتفاقية…», "how many officials…") within an anchor of its
    own (a place, a person, a year) and points back at nothing («هناك», "there"): not elliptical, though it
    opens with «و» ("and"). One that asks about occasions («وكم مرة في شتنبر؟») still borrows what they were."""
    return (
        frame.intent != "unknown"
        and frame.target not in {None, "meeting"}
        and bool(frame.filters or frame.years)
        and "ref" not in frame.flags
    )


def _next_to(current: Frame, previous: Frame) -> Frame:
    """«متى زار قطر؟» → «وأين ذهب بعد ذلك؟», «وقبلها؟»: the occasions after (before) the one the earlier turn
    was about, its names the anchor; the nearest one, unless the question counts or lists. A turn that asks
    nothing of its own asks the earlier question again."""
    assert current.relation is not None
    prior = previous.relation
    if prior is not None and _landed(previous, prior):  # «وبعدها؟» again: from where the last one landed
        return _further(current, previous, prior)
    anchor = previous.filters
    if not any(e.type != "kind" for e in anchor):  # the earlier turn named no occasion: nothing to be next to
        return merge(current.with_(relation=None), previous)
    intent = _asked(current, previous)
    relation = replace(current.relation, anchor=anchor, nearest=intent not in {"count", "list"})
    return _stepped(current, previous, current.filters, relation, current.order)


def _asked(current: Frame, previous: Frame) -> Intent:
    """What a turn next to an earlier occasion asks: its own question, or the earlier one («وقبلها؟»)."""
    return current.intent if current.intent != "unknown" else previous.intent


def _stepped(
    current: Frame, previous: Frame, filters: tuple[Entity, ...], relation: Relation, order: str | None
) -> Frame:
    """``current`` asked next to an occasion: whose it is and what the earlier turn asked carry over."""
    return current.with_(
        intent=_asked(current, previous),
        target=current.target or (previous.target if current.intent == "unknown" else None),
        entities=tuple(current.of("subject") or previous.of("subject")) + filters,
        relation=relation,
        order=order,
        years=current.years or previous.years,
        flags=current.flags | (previous.flags & {"meeting"}),
        followup=True,
    )


def _landed(previous: Frame, prior: Relation) -> bool:
    """The earlier turn answered one occasion next to its anchor: «بعد ذلك» («أين ذهب بعد ذلك؟»), «مباشرة بعد»,
    or the first after («أول دولة زارها بعد قطر») or the last before it."""
    return prior.nearest or previous.order == ("first" if prior.after else "last")


def _further(current: Frame, previous: Frame, prior: Relation) -> Frame:
    """A step on from the occasion the earlier «بعد ذلك» landed on: one further the same way, one back the
    other way (back to the anchor itself: its own occasion)."""
    assert current.relation is not None
    steps = prior.steps + (1 if current.relation.after == prior.after else -1)
    if steps == 0:
        subject = tuple(current.of("subject") or previous.of("subject"))
        return current.with_(
            intent=_asked(current, previous), entities=subject + prior.anchor, relation=None, followup=True
        )
    # «وأين ذهب بعد ذلك؟» → «وبعدها؟»: the next visit again (not the anchor's own names: «بعد قطر» is no filter)
    kept = current.filters or tuple(e for e in previous.filters if e not in prior.anchor or e.type == "kind")
    return _stepped(current, previous, kept, replace(prior, steps=steps, nearest=True), None)


def merge(current: Frame, previous: Frame | None) -> Frame:
    """Resolve ``current`` against the already-resolved ``previous`` frame."""
    back = current.relation is not None and current.relation.back
    if previous is None:  # «بعد ذلك» with nothing before it: after nothing
        return current.with_(relation=None) if back else current
    if back:
        return _next_to(current, previous)
    elliptical = current.followup or (
        not current.filters and current.intent in {"unknown", "when", "where", "who", "why"}
    )
    if not elliptical:
        return current
    named = {FAMILIES.get(e.type, e.type) for e in current.entities}
    if current.intent in ASKED and any(e.type not in UNANCHORED for e in current.filters):
        # «متى زار مدريد؟ وأين التقى رئيس الإنتربول؟»: a turn that names its own anchor asks its place, time
        # or person afresh; the earlier turn's would narrow it to nothing
        named.add(ASKED[current.intent])
    own = _own_question(current)
    if (current.what_about and current.filters) or own:
        # «وماذا عن الجمعية العامة للإنتربول؟» asks the same question of new things: old filters go; and
        # «متى كان اجتماع القاهرة؟ وكم اتفاقية وقعت سنة 2022؟» asks its own question in its own scope: only
        # whose it is carries over (the earlier turn's occasion would narrow 2022 to Cairo)
        named |= {FAMILIES.get(e.type, e.type) for e in previous.filters}
    kept: list[Entity] = [e for e in previous.entities if FAMILIES.get(e.type, e.type) not in named]
    intent = current.intent
    swapped = current.filters or current.of("subject")  # «وماذا عن سلمى الإدريسي؟» swaps the subject
    if intent in {"unknown", "what"} and swapped and previous.intent != "unknown":
        intent = previous.intent  # «وماذا عن قطر؟» asks the previous question about Qatar
    return current.with_(
        intent=intent,
        target=current.target or previous.target,
        entities=tuple(kept) + current.entities,
        years=current.years or previous.years,
        named_years=current.named_years or previous.named_years,
        days=current.days or (previous.days if not (current.filters or own) else ()),
        order=current.order if current.order else (previous.order if not (current.filters or own) else None),
        flags=current.flags | (previous.flags & {"meeting", "article"}),
        followup=True,
        # what the earlier turns were about, not what they asked: «كم دولة…؟ وكم لقاء يذكره المقال؟» asks meetings
        text=f"{previous.context} {current.text}".strip(),
        context=f"{previous.context} {current.context}".strip(),
        # «وماذا عن أوروبا؟» after «ما دول الخليج التي لم يزرها؟» asks the same complement of Europe
        negation=current.negation or (previous.negation if current.what_about else None),
    )
