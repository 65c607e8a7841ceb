"""The verdict gate: a pinned slice of the verdict benchmark, through the whole pipeline
with the default model and decision rules, must keep its share of accepted verdicts
above the floor and its flips below the ceiling recorded in tests/gate/verdict_floors.json
(made by tests/gate/make_verdict_floor.py). A change to the decision, the judge, the
checks or retrieval that breaks verdicts fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcecheck.config import Options
from tests.gate import make_verdict_floor as gate

RECORD = json.loads((Path(__file__).parent / "gate" / "verdict_floors.json").read_text("utf-8"))


def test_the_gate_runs_the_defaults() -> None:
    assert RECORD["slice"]["model"] == Options().model
    assert RECORD["slice"]["decision"] == Options().decision


def test_verdict_floor() -> None:
    for path in gate.data_files():
        if not path.is_file():
            pytest.skip(f"{path} is not here (the evaluation data lives in ../shared/eval)")
    assert gate.hashes() == RECORD["sha256"], (
        "the gate's data changed since the floor was recorded: rerun "
        "tests/gate/make_verdict_floor.py"
    )
    figures = gate.measure()
    assert figures["n"] == RECORD["measured"]["n"]
    assert figures["accuracy"] >= RECORD["floor_accuracy"], figures
    assert figures["flips"] <= RECORD["ceiling_flips"], figures
