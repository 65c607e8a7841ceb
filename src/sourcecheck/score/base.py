"""The scoring seam: one abstract batch method, backends registered by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sourcecheck.errors import ConfigError


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


ScorerFactory = Callable[[str], Scorer]
_REGISTRY: dict[str, ScorerFactory] = {}


def register(prefix: str) -> Callable[[ScorerFactory], ScorerFactory]:
    """Register a factory for model names ``prefix`` or ``prefix:ARG``."""

    def wrap(factory: ScorerFactory) -> ScorerFactory:
        _REGISTRY[prefix] = factory
        return factory

    return wrap


def known_scorers() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get_scorer(name: str) -> Scorer:
    """Build the scorer named ``name`` (``baseline``, ``lexical``, ``hf:MODEL``, ...)."""
    _load_builtins()
    prefix, _, arg = name.partition(":")
    factory = _REGISTRY.get(prefix)
    if factory is None:
        known = ", ".join(f"{k}:..." if k in _TAKES_ARG else k for k in sorted(_REGISTRY))
        raise ConfigError(f"unknown model {name!r}; known: {known}")
    return factory(arg)


_TAKES_ARG = {"hf", "llm"}


def _load_builtins() -> None:
    # Imported for their @register side effect; kept lazy so heavy deps load on use.
    from sourcecheck.score import builtin  # noqa: F401
