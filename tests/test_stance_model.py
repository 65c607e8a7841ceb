"""The learned stance model: what it reads, how it decides, when it is used, and how a
broken model file is reported."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sourcecheck.embed import MODEL_ID, default_embedder
from sourcecheck.errors import ModelError
from sourcecheck.model import Comment
from sourcecheck.stance import (
    CLASSES,
    READINGS,
    LinkModel,
    StanceModel,
    default_stance_model,
    load_stance_model,
    readings,
    stance_model_for,
)
from sourcecheck.thread import (
    LINK_FEATURES,
    StanceFeatures,
    analyse_thread,
    link_candidates,
)
from tests.test_thread import TableScorer, _claims

DIM = 384


def _features(**kw: object) -> StanceFeatures:
    base = StanceFeatures(
        comment="k1",
        target="c1",
        target_kind="claim",
        link="text",
        link_score=0.1,
        support=0.1,
        contradiction=0.1,
        cue=(0.25, 0.25, 0.25, 0.25),
        ends_with_question=False,
        question_share=0.0,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _model(scorer_model_id: str = "table", weight: float = 8.0) -> StanceModel:
    """Reads the verifier's contradiction as disputes, a question as asks, nothing from
    the vector: a model whose decisions a reader can predict."""
    coef = np.zeros((len(CLASSES), len(READINGS) + DIM))
    coef[CLASSES.index("disputes"), READINGS.index("contradiction")] = weight
    coef[CLASSES.index("asks"), READINGS.index("ends_with_question")] = weight
    return StanceModel(
        model_id="test-stance",
        embedder=MODEL_ID,
        scorer_model_id=scorer_model_id,
        mean=np.zeros(len(READINGS)),
        scale=np.ones(len(READINGS)),
        coef=coef,
        intercept=np.array([0.0, 0.0, 0.0, 1.0]),
    )


def test_readings_follow_their_names() -> None:
    f = _features(support=0.7, reverse_contradiction=0.4, ends_with_question=True)
    values = dict(zip(READINGS, readings(f, "Is that so?"), strict=True))
    assert values["support"] == 0.7 and values["reverse_contradiction"] == 0.4
    assert values["ends_with_question"] == 1.0 and values["target_claim"] == 1.0
    assert values["no_target"] == 0.0 and values["cue_disputes"] == 0.25
    assert len(readings(f, "x")) == len(READINGS)


def test_the_model_decides_by_its_weights() -> None:
    model = _model()
    features = [
        _features(comment="k1", contradiction=0.9),
        _features(comment="k2", ends_with_question=True),
        _features(comment="k3", target=None, target_kind=None, link="none"),
    ]
    out = model.decide(
        features, ["No, it was 2019.", "Is that so?", "Lovely weather."], ["en"] * 3,
        default_embedder(),
    )  # fmt: skip
    assert [s.stance for s in out] == ["disputes", "asks", "comments"]
    assert [s.target for s in out] == ["c1", "c1", None]
    for s in out:
        assert s.confidence is not None and 0.25 < s.confidence <= 1.0  # the most probable


def test_analyse_thread_uses_the_model_only_with_its_scorer() -> None:
    comments = [Comment("k1", "The libraries close in March? I heard June.", language="en")]
    scorer = TableScorer({("libraries", "June"): (0.05, 0.9)})
    embedder = default_embedder()
    learned = analyse_thread(_claims(), comments, scorer, embedder, model=_model("table"))
    assert learned[0].stance == "disputes" and learned[0].target == "c2"
    with pytest.raises(ModelError, match="reads other's scores"):
        analyse_thread(_claims(), comments, scorer, embedder, model=_model("other"))


def test_the_shipped_model_is_tied_to_the_shipped_verifier() -> None:
    model = default_stance_model()
    assert model is not None
    assert stance_model_for(TableScorer()) is None  # another scorer: the rules decide
    from sourcecheck.score.registry import shared_scorer

    assert stance_model_for(shared_scorer("verifier")) is model


def _write(tmp_path: Path, **changes: object) -> Path:
    data = {
        "model_id": "m",
        "embedder": MODEL_ID,
        "scorer_model_id": "s",
        "classes": list(CLASSES),
        "readings": list(READINGS),
        "mean": [0.0] * len(READINGS),
        "scale": [1.0] * len(READINGS),
        "coef": [[0.0] * (len(READINGS) + DIM)] * len(CLASSES),
        "intercept": [0.0] * len(CLASSES),
    }
    data.update(changes)
    path = tmp_path / "stance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    model = load_stance_model(str(_write(tmp_path)))
    assert model.coef.shape == (len(CLASSES), len(READINGS) + DIM)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"classes": ["agrees", "disputes"]}, "classes or readings"),
        ({"readings": ["support"]}, "classes or readings"),
        ({"mean": [0.0]}, "do not match"),
        ({"embedder": "another/model"}, "trained on 'another/model' vectors"),
    ],
)
def test_a_broken_file_is_one_clear_line(
    tmp_path: Path, changes: dict[str, object], problem: str
) -> None:
    path = _write(tmp_path, **changes)
    with pytest.raises(ModelError, match=problem) as info:
        load_stance_model(str(path))
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path)
    data = json.loads(path.read_text())
    del data["intercept"]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="missing field 'intercept'"):
        load_stance_model(str(path))


ROOT = Path(__file__).resolve().parent.parent
THREADS = ROOT / "training" / "data" / "stance_threads"


def test_the_shipped_model_records_the_threads_it_was_fitted_on() -> None:
    import hashlib

    data = json.loads((ROOT / "src/sourcecheck/data/stance.json").read_text(encoding="utf-8"))
    recorded = {k: v for k, v in data["training"]["files"].items() if "stance_threads" in k}
    present = {
        p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(THREADS.glob("*.jsonl"))
    }
    # a changed or added thread file needs `python training/train_stance.py`
    assert recorded == present


def test_no_test_thread_is_in_the_training_threads() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from stance import DEV, read_threads

    test_sentences = {s for t in read_threads() if t["id"] not in DEV for s in t["article"]} | {
        c["text"] for t in read_threads() if t["id"] not in DEV for c in t["comments"]
    }
    for path in THREADS.glob("*.jsonl"):
        for thread in read_threads(path):
            assert not thread["id"].startswith(("en-", "sv-")) or thread["id"] in DEV
            texts = set(thread["article"]) | {c["text"] for c in thread["comments"]}
            assert not texts & test_sentences, thread["id"]


def _linker(prefer: str) -> LinkModel:
    """A linker that always picks the candidate of one kind (``claim``, ``parent``,
    ``none``)."""
    coef = np.zeros(len(LINK_FEATURES))
    coef[LINK_FEATURES.index(prefer)] = 5.0
    return LinkModel(
        mean=np.zeros(len(LINK_FEATURES)), scale=np.ones(len(LINK_FEATURES)), coef=coef
    )


def test_the_learned_linker_chooses_the_targets() -> None:
    comments = [
        Comment("k1", "The libraries close in March? I heard June.", language="en"),
        Comment("k2", "June is right, it was in the paper.", parent="k1", language="en"),
    ]
    embedder = default_embedder()
    for prefer, kinds in (("none", [None, None]), ("parent", ["claim", "comment"])):
        model = replace(_model("table"), linker=_linker(prefer))
        out = analyse_thread(_claims(), comments, TableScorer(), embedder, model=model)
        assert [s.target_kind for s in out] == kinds, prefer
    # candidates: every claim, the parent of a reply, and no target
    cands = link_candidates(_claims(), comments, embedder)
    assert len(cands["k1"]) == len(_claims()) + 1 and len(cands["k2"]) == len(_claims()) + 2
    assert all(len(c.features) == len(LINK_FEATURES) for c in cands["k2"])


def test_a_broken_link_section_is_one_clear_line(tmp_path: Path) -> None:
    n = len(LINK_FEATURES)
    good = {"features": list(LINK_FEATURES), "mean": [0.0] * n, "scale": [1.0] * n}
    load_stance_model(str(_write(tmp_path, link={**good, "coef": [0.0] * n})))
    with pytest.raises(ModelError, match="link weights do not match"):
        load_stance_model(str(_write(tmp_path, link={**good, "coef": [0.0]})))
    with pytest.raises(ModelError, match="link features are not"):
        load_stance_model(str(_write(tmp_path, link={**good, "features": ["claim"]})))
