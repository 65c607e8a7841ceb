"""What a classifier's outputs mean: each logit's role (support, contradiction, other),
read from the label *names* a model's config gives, never from a table of indices; and the
support and contradiction margins computed from those roles.

One module for the runtime backends (``hf:``, the shipped verifier) and for training,
which writes the labels a model is exported with and reads its margins back the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from sourcecheck.errors import ConfigError

FloatArray = npt.NDArray[np.float64]

#: The three labels the project's own models are trained and exported with, in logit order.
VERIFIER_LABELS = ("supported", "neutral", "contradicted")

Role = Literal["support", "contradiction", "other"]

# Label *names* (normalised: lower case, runs of non-alphanumerics -> "_"), not indices:
# the index of each comes from the model's config.
_SUPPORT_NAMES = frozenset(
    {
        "entailment",
        "entailed",
        "entails",
        "supported",
        "support",
        "supports",
        "consistent",
        "factual",
        "true",
        "yes",
    }
)
_CONTRADICTION_NAMES = frozenset(
    {
        "contradiction",
        "contradicted",
        "contradicts",
        "contradictory",
        "refuted",
        "refutes",
        "refute",
        "inconsistent",
        "false",
    }
)
_GENERIC_LABEL = re.compile(r"label_?\d+")


@dataclass(frozen=True)
class LabelMap:
    """What each output of the classifier means. ``roles[i]`` is the role of logit ``i``;
    a single role means one logit read through a sigmoid. ``assumption`` says in words what
    was assumed rather than read from the config (None when nothing was)."""

    names: tuple[str, ...]
    roles: tuple[Role, ...]
    assumption: str | None = None

    @property
    def has_contradiction(self) -> bool:
        return "contradiction" in self.roles

    def describe(self) -> dict[str, str]:
        return {name: role for name, role in zip(self.names, self.roles, strict=True)}


def _normalise(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", label.strip().lower()).strip("_")


def label_map_from_config(id2label: Mapping[Any, str], num_labels: int, model: str) -> LabelMap:
    """Read the meaning of each output from ``config.id2label``.

    Named labels are matched case-insensitively (entailment/supported/... -> support,
    contradiction/refuted/... -> contradiction, anything else -> other). Two generic labels
    (``LABEL_0``/``LABEL_1``) follow the MiniCheck/HHEM convention, index 1 = supported, and the
    assumption is recorded. Three or more generic labels cannot be read: ConfigError.
    """
    names = tuple(
        str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}"))) for i in range(num_labels)
    )
    if num_labels == 1:
        return LabelMap(names, ("support",), None)
    normalised = [_normalise(n) for n in names]
    if all(_GENERIC_LABEL.fullmatch(n) for n in normalised):
        if num_labels == 2:
            return LabelMap(
                names,
                ("other", "support"),
                "config names no labels; assumed index 1 = supported "
                "(the MiniCheck/HHEM binary convention)",
            )
        raise ConfigError(
            f"model {model!r} has {num_labels} outputs named only {', '.join(names)}, so which one "
            "means 'supported' is unknown; use a model whose config.id2label names its labels "
            "(e.g. entailment/neutral/contradiction)"
        )
    roles: tuple[Role, ...] = tuple(
        "support"
        if n in _SUPPORT_NAMES
        else "contradiction"
        if n in _CONTRADICTION_NAMES
        else "other"
        for n in normalised
    )
    if "support" not in roles:
        raise ConfigError(
            f"model {model!r}: none of its labels ({', '.join(names)}) means 'supported' "
            "(expected a name such as entailment, supported, consistent); "
            "it does not look like an NLI or fact-checking model"
        )
    return LabelMap(names, roles, None)


def margins(logits: FloatArray, labels: LabelMap) -> tuple[FloatArray, FloatArray | None]:
    """Support and contradiction margins of each row of ``logits``:
    ``logsumexp(the role's logits) - logsumexp(all other logits)``."""

    def margin(role: str) -> FloatArray:
        mine = [i for i, r in enumerate(labels.roles) if r == role]
        rest = [i for i, r in enumerate(labels.roles) if r != role]
        return _logsumexp(logits[:, mine]) - _logsumexp(logits[:, rest])

    return margin("support"), margin("contradiction") if labels.has_contradiction else None


def _logsumexp(x: FloatArray) -> FloatArray:
    top = np.max(x, axis=1, keepdims=True)
    out: FloatArray = (top + np.log(np.sum(np.exp(x - top), axis=1, keepdims=True)))[:, 0]
    return out
