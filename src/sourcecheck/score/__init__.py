"""Verifier backends behind one seam: :class:`Scorer`."""

from sourcecheck.score.base import Pair, PairScore, Scorer, get_scorer, known_scorers, register

__all__ = ["Pair", "PairScore", "Scorer", "get_scorer", "known_scorers", "register"]
