"""Passages longer than a cross-encoder's window: how to cut them, and how to put the
scores of the pieces back together. Shared by ``hf:`` (:mod:`.hf`) and the shipped
verifier (:mod:`.verifier`), so both cut and aggregate the same way.

The passage is never truncated: it is scored in overlapping windows of tokens, each
window holding the whole claim. Only a claim so long that it would leave less than half of
the window for the passage is cut (to that half), and only then is the pair reported as
truncated.

Windows are aggregated by taking the maximum, separately for support and for
contradiction. Max for support because a claim is supported when *some* part of the passage
says it. Max (over all windows, not only the best-supporting one) for contradiction because
a contradiction anywhere in the passage must not be hidden behind a neutral window that
happens to score a little higher on support; the two numbers may therefore come from
different windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sourcecheck.score.base import PairScore


@dataclass(frozen=True)
class WindowPlan:
    """How one pair is fed to a model with a window of ``window`` tokens.

    ``fits``: the whole pair fits in one window (nothing else below matters then).
    ``claim_tokens``: claim tokens kept; ``claim_cut``: the claim had more (text dropped).
    ``budget``: passage tokens per window. ``stride``: passage tokens that each window
    repeats from the one before (always less than ``budget``)."""

    fits: bool
    claim_tokens: int
    claim_cut: bool
    budget: int
    stride: int


def plan_windows(
    passage_tokens: int, claim_tokens: int, *, window: int, specials: int, overlap: float
) -> WindowPlan:
    """The window plan for a passage and a claim of the given lengths (in tokens, without
    special tokens); ``specials`` is what the pair template adds, ``overlap`` the fraction
    of each window's passage tokens repeated in the next."""
    room = window - specials
    if room < 2:
        raise ValueError(f"a window of {window} tokens leaves no room for a claim and a passage")
    if passage_tokens + claim_tokens <= room:
        return WindowPlan(True, claim_tokens, False, room - claim_tokens, 0)
    claim_cap = room // 2
    kept = min(claim_tokens, claim_cap)
    budget = room - kept
    # The tokenizers require stride < budget (they panic otherwise).
    stride = max(0, min(int(budget * overlap), budget - 1))
    return WindowPlan(False, kept, claim_tokens > claim_cap, budget, stride)


def aggregate_windows(
    n_pairs: int,
    owners: Sequence[int],
    scores: Sequence[tuple[float, float | None]],
    truncated: Sequence[bool],
    *,
    has_contradiction: bool,
) -> list[PairScore]:
    """One :class:`PairScore` per pair from the (support, contradiction) of its windows:
    ``owners[i]`` is the pair window ``i`` belongs to; the maximum of each is kept."""
    support = [0.0] * n_pairs
    contradiction: list[float | None] = [0.0 if has_contradiction else None] * n_pairs
    for owner, (s, c) in zip(owners, scores, strict=True):
        support[owner] = max(support[owner], s)
        prev = contradiction[owner]
        if c is not None and prev is not None:
            contradiction[owner] = max(prev, c)
    return [
        PairScore(support=s, contradiction=c, truncated=t)
        for s, c, t in zip(support, contradiction, truncated, strict=True)
    ]
