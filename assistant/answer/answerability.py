"""Two small logistic models, and the short answer's span prior and span model, fitted by
``scripts/fit_answerability.py`` and stored as data.

``ranker`` scores each candidate sentence (does it hold the answer?); ``answerable`` scores the question
given its best sentence (does the knowledge base hold the answer at all?). Both are plain dot products
at run time: no learning library is imported to answer a question.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer.direct import SpanPrior
from assistant.answer.spans import SpanModel
from assistant.errors import KnowledgeError


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, x: Mapping[str, float]) -> float:
        z = self.bias
        for name, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True):
            z += w * ((float(x.get(name, 0.0)) - m) / (s or 1.0))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        features = tuple(data["features"])
        n = len(features)
        model = cls(
            features=features,
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            mean=tuple(float(v) for v in data.get("mean", [0.0] * n)),
            scale=tuple(float(v) for v in data.get("scale", [1.0] * n)),
        )
        if not (len(model.weights) == len(model.mean) == len(model.scale) == n):
            raise ValueError("features, weights, mean and scale differ in length")
        return model


@dataclass(frozen=True)
class ModelSet:
    """A ranker, an answerability model, and the threshold and quote ratio fitted with them."""

    ranker: Logistic
    answerable: Logistic
    threshold: float
    quote_ratio: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelSet:
        return cls(
            ranker=Logistic.from_json(data["ranker"]),
            answerable=Logistic.from_json(data["answerable"]),
            threshold=float(data["threshold"]),
            quote_ratio=float(data.get("quote_ratio", 0.5)),
        )


@dataclass(frozen=True)
class AnswerModels:
    ranker: Logistic
    answerable: Logistic
    threshold: float  # answerable probability below which an article question is refused
    quote_ratio: float = 0.5  # the runner-up sentence is quoted too when it scores this share of the best
    max_unknown_share: float = 0.5  # the out_of_scope rule's limit, fitted with the threshold
    span_prior: SpanPrior = field(default_factory=SpanPrior)  # where the short answer sits in its sentence
    span_model: SpanModel | None = None  # which of a sentence's spans is the short answer (None: the prior's)
    provenance: dict[str, Any] = field(default_factory=dict)
    # questions in another script than the base («When was Naguib Mahfouz born?» of Arabic articles): their
    # lexical features are empty by construction, so they have models of their own over dense evidence and
    # transliterated names (``assistant.understand.crosslingual``); None = the models above
    cross_lingual: ModelSet | None = None
    name_min_ratio: float = 80.0  # skeleton similarity (0–100) at which a Latin-script name is the base's

    def pick(self, cross_lingual: bool = False) -> ModelSet:
        """The models for a question in the base's script, or for one in another script."""
        if cross_lingual and self.cross_lingual is not None:
            return self.cross_lingual
        return ModelSet(self.ranker, self.answerable, self.threshold, self.quote_ratio)

    @classmethod
    def load(cls, path: Path) -> AnswerModels:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                ranker=Logistic.from_json(data["ranker"]),
                answerable=Logistic.from_json(data["answerable"]),
                threshold=float(data["threshold"]),
                quote_ratio=float(data.get("quote_ratio", 0.5)),
                max_unknown_share=float(data.get("max_unknown_share", 0.5)),
                span_prior=SpanPrior.from_json(data["direct"]) if "direct" in data else SpanPrior(),
                span_model=SpanModel.from_json(data["span_model"]) if "span_model" in data else None,
                provenance=dict(data.get("provenance", {})),
                cross_lingual=ModelSet.from_json(data["cross_lingual"]) if "cross_lingual" in data else None,
                name_min_ratio=float(data.get("cross_lingual", {}).get("name_min_ratio", 80.0)),
            )
        except FileNotFoundError as exc:
            raise KnowledgeError(str(path), "file is missing (run scripts/fit_answerability.py)") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise KnowledgeError(str(path), f"not a valid answerability model ({exc})") from exc
