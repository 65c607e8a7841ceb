"""The accuracy gate: the default scorer's balanced accuracy on small pinned subsets of
evaluation sets must not fall below the floors recorded in tests/gate/floors.json (made by
tests/gate/make_floor.py). The data is read from ../shared/eval; its hash must match the
one the floor was recorded on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from sourcecheck.evaluate import datasets as ds
from tests.gate.make_floor import SETS, measure

FLOORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "gate" / "floors.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(FLOORS["sets"]))
def test_balanced_accuracy_floor(name: str) -> None:
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
    value = measure(examples, FLOORS["model"])
    assert value >= spec["floor"], f"{name}: balanced accuracy {value:.4f} < floor {spec['floor']}"
