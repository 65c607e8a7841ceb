"""Verifier backends behind one seam: :class:`Scorer`, found by name in the registry."""

from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.score.registry import ScorerPlugin, get_scorer, known_scorers, register

__all__ = [
    "Pair",
    "PairScore",
    "Scorer",
    "ScorerPlugin",
    "get_scorer",
    "known_scorers",
    "register",
]
