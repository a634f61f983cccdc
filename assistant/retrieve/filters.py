"""Metadata filters: the subset of Chroma's ``where`` syntax that the answer path uses, evaluated in Python.

Dense search hands ``where`` to Chroma; keyword search evaluates the very same predicate here, so both sides
of hybrid retrieval narrow to the same documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda v, a: v == a,
    "$ne": lambda v, a: v != a,
    "$in": lambda v, a: v in a,
    "$gte": lambda v, a: v is not None and v >= a,
    "$lte": lambda v, a: v is not None and v <= a,
}


def matches(metadata: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Equality, $eq/$ne/$in/$gte/$lte per key, $and/$or over sub-filters; several keys are all required."""
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(matches(metadata, c) for c in cond):
                return False
            continue
        if key == "$or":
            if not any(matches(metadata, c) for c in cond):
                return False
            continue
        if not value_matches(metadata.get(key), cond):
            return False
    return True


def value_matches(value: Any, cond: Any) -> bool:
    """One key's condition against its value (``None`` when the document lacks the key)."""
    if isinstance(cond, dict):
        return all(_OPS[op](value, arg) for op, arg in cond.items())
    return bool(value == cond)
