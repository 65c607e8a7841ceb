"""The scoring seam: one abstract batch method (the registry, :mod:`.registry`, finds backends
by name)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """One claim against one passage. Languages are ISO 639-1 codes when known."""

    claim: str
    passage: str
    claim_language: str | None = None
    passage_language: str | None = None


@dataclass(frozen=True)
class PairScore:
    """``support``: calibrated probability that the passage supports the claim.
    ``contradiction``: probability that it contradicts it, where the backend can tell
    (None where it cannot). ``truncated``: the input did not fit the model's window."""

    support: float
    contradiction: float | None = None
    truncated: bool = False


class Scorer(ABC):
    """A verifier backend. ``name`` is the registry name with its version
    (``"sourcecheck.baseline.v1"``); ``model_id`` what the report records."""

    name: str = "abstract"
    model_id: str = ""
    #: Longest input (in the backend's own tokens) scored without chunking; None = no limit.
    max_length: int | None = None
    #: Calibrated decision thresholds the backend ships with (its card says how chosen).
    support_threshold: float = 0.5
    partial_threshold: float = 0.3
    contradiction_threshold: float = 0.5

    @abstractmethod
    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        """Score every pair; the result is aligned with ``pairs``."""

    def describe(self) -> dict[str, object]:
        """What the report records about this scorer."""
        return {
            "name": self.name,
            "model_id": self.model_id,
            "max_length": self.max_length,
            "support_threshold": self.support_threshold,
            "partial_threshold": self.partial_threshold,
            "contradiction_threshold": self.contradiction_threshold,
        }
