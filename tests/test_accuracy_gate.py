"""The accuracy gate: each gated scorer's balanced accuracy (at its own shipped threshold)
on small pinned subsets of evaluation sets must not fall below the floors recorded in
tests/gate/floors.json (made by tests/gate/make_floor.py). The data is read from
../shared/eval; its hash must match the one the floors were recorded on."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sourcecheck.evaluate import datasets as ds
from tests.gate.make_floor import SETS, measure

FLOORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "gate" / "floors.json").read_text(encoding="utf-8")
)
CASES = [(model, name) for model in FLOORS["floors"] for name in sorted(FLOORS["floors"][model])]


@cache
def _examples(name: str) -> list[ds.Example]:
    spec = FLOORS["sets"][name]
    path = ds.data_file(spec["file"])
    if not path.is_file():
        pytest.skip(f"{path} is not here (the evaluation data lives in ../shared/eval)")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == spec["sha256"], (
        f"{spec['file']} changed since the floor was recorded: rerun tests/gate/make_floor.py"
    )
    wanted = set(spec["ids"])
    examples = [e for e in SETS[name][1]() if e.id in wanted]
    assert len(examples) == len(wanted)
    return examples


@pytest.mark.parametrize(("model", "name"), CASES, ids=[f"{m}-{n}" for m, n in CASES])
def test_balanced_accuracy_floor(model: str, name: str) -> None:
    examples = _examples(name)
    floor = FLOORS["floors"][model][name]["floor"]
    value = measure(examples, model)
    assert value >= floor, f"{model} {name}: balanced accuracy {value:.4f} < floor {floor}"


def test_the_default_model_is_gated() -> None:
    from sourcecheck.config import Options

    assert Options().model in FLOORS["floors"]
