"""The judge's training script: the threshold rule, and the shipped weights match the
package's features and record how they were made."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from sourcecheck.judge import CLASSES, FEATURES, JudgeModel
from tests.conftest import load_script

train_judge = load_script("training/train_judge.py", "train_judge")


def test_threshold_is_the_lowest_reaching_the_precision() -> None:
    p = np.array([0.555] * 10 + [0.705] * 10 + [0.905] * 10)
    positive = np.array([False] * 10 + [True, False] * 5 + [True] * 10)
    # >= 0.56: 15 of 20 positive (0.75); >= 0.71: 10 of 10.
    assert train_judge._threshold_for_precision(p, positive, 0.7) == 0.56
    assert train_judge._threshold_for_precision(p, positive, 0.8) == 0.71
    assert train_judge._threshold_for_precision(p, ~positive & (p > 1), 0.5) == 0.99


def test_shipped_judge_matches_the_features_and_records_its_recipe() -> None:
    text = resources.files("sourcecheck").joinpath("data/judge.json").read_text("utf-8")
    data = json.loads(text)
    model = JudgeModel.from_dict(data)
    assert data["features"] == list(FEATURES) and data["classes"] == list(CLASSES)
    assert model.weights.shape == (len(CLASSES), len(FEATURES))
    recipe = data["training"]
    assert recipe["command"].startswith("python training/train_judge.py")
    assert len(recipe["rows_sha256"]) == 64
    assert data["model_id"] == train_judge.judge_id(recipe["rows_sha256"])
    probs = model.probabilities([list(model.mean)])
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1.0) < 1e-9
