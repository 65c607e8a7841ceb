"""Metrics against scikit-learn, dataset readers on tiny files in the real formats."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import (
    balanced_accuracy,
    best_threshold,
    bootstrap_ci,
    claim_parts,
    confusion,
    document_score,
    document_scores,
    expected_calibration_error,
    roc_auc,
    score_documents,
)
from sourcecheck.score.base import Pair, PairScore, Scorer

# -- metrics ----------------------------------------------------------------------------


def _random(seed: int, n: int = 300, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = rng.random(n) + 0.3 * y
    if ties:
        s = np.round(s, 1)
    return y, s


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_metrics_match_sklearn(seed: int, ties: bool) -> None:
    sk = pytest.importorskip("sklearn.metrics")
    y, s = _random(seed, ties=ties)
    assert roc_auc(y, s) == pytest.approx(sk.roc_auc_score(y, s), abs=1e-12)
    for t in (0.2, 0.5, 0.8):
        pred = (s >= t).astype(int)
        assert balanced_accuracy(y, s, t) == pytest.approx(sk.balanced_accuracy_score(y, pred))
        tn, fp, fn, tp = sk.confusion_matrix(y, pred, labels=[0, 1]).ravel()
        c = confusion(y, s, t)
        assert (c.tn, c.fp, c.fn, c.tp) == (tn, fp, fn, tp)


@pytest.mark.parametrize("seed", range(5))
def test_best_threshold_is_optimal(seed: int) -> None:
    y, s = _random(seed, n=120, ties=seed % 2 == 0)
    t = best_threshold(y, s)
    brute = max(balanced_accuracy(y, s, c) for c in np.unique(s))
    assert balanced_accuracy(y, s, t) == pytest.approx(brute)


def test_auc_edge_cases() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert roc_auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert np.isnan(roc_auc([1, 1], [0.1, 0.2]))
    with pytest.raises(ValueError):
        roc_auc([0, 1], [0.1])
    with pytest.raises(ValueError):
        roc_auc([0, 2], [0.1, 0.2])


def test_bootstrap_ci_brackets_the_value() -> None:
    y, s = _random(1, n=400)
    ci = bootstrap_ci(roc_auc, y, s, n=200)
    assert ci.low <= ci.value <= ci.high
    assert ci.high - ci.low < 0.2


def test_expected_calibration_error() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(20_000)
    y = (rng.random(20_000) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(np.zeros(100), np.full(100, 0.9)) == pytest.approx(0.9)


class _EchoScorer(Scorer):
    """Support = length of the passage / 100: max over passages is easy to predict."""

    name = "test.echo.v1"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        self.batches.append(len(pairs))
        return [PairScore(support=len(p.passage) / 100) for p in pairs]


def test_document_score_is_max_over_passages_in_one_batch() -> None:
    scorer = _EchoScorer()
    assert document_score(scorer, "claim", ["aa", "aaaaa", "a"]) == pytest.approx(0.05)
    assert scorer.batches == [3]
    assert document_score(scorer, "claim", []) == 0.0
    many = document_scores(scorer, [("c", ["a" * 10, "a"]), ("d", ["a" * 3])], batch_size=2)
    assert many == pytest.approx([0.10, 0.03])


class _MentionScorer(Scorer):
    """Support 1.0 when every word of the claim is in the passage, else 0.0."""

    name = "test.mention.v1"

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        def words(text: str) -> set[str]:
            return set(text.lower().replace(".", " ").split())

        return [PairScore(float(words(p.claim) <= words(p.passage))) for p in pairs]


def test_a_claim_of_several_sentences_scores_the_mean_of_its_sentences() -> None:
    passages = ["The bridge opened in 1964.", "Its tolls ended in 2001.", "Nothing else."]
    claim = "The bridge opened in 1964. Its tolls ended in 2001. It was painted red."
    scorer = _MentionScorer()
    # each sentence finds its own passage; the third finds none: 2 of 3 sentences hold
    scores, pairs = score_documents(scorer, [(claim, passages)])
    assert scores == pytest.approx([2 / 3]) and pairs == 9
    # whole, no one passage holds all of it
    assert score_documents(scorer, [(claim, passages)], per_sentence=False) == ([0.0], 3)
    # one sentence: the same either way
    one = [("Its tolls ended in 2001.", passages)]
    assert document_scores(scorer, one) == document_scores(scorer, one, per_sentence=False)
    assert document_scores(scorer, one) == [1.0]
    # a Swedish claim is cut with its own abbreviations ("bl.a." ends no sentence)
    sv = "Bron öppnade bl.a. för bussar 1964. Avgifterna slopades 2001."
    sv_passages = ["Bron öppnade bl.a. för bussar 1964.", "Avgifterna slopades 2001."]
    assert document_scores(scorer, [(sv, sv_passages)], claim_language="sv") == [1.0]
    # lower-cased summaries (FRANK, SummaC) are cut too
    lower = "the bridge opened in 1964 . its tolls ended in 2001 ."
    assert claim_parts(lower) == ["the bridge opened in 1964 .", "its tolls ended in 2001 ."]


# -- passages ---------------------------------------------------------------------------


def test_split_passages_are_slices_with_overlap() -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i} at some length here." for i in range(12)
    ]
    text = " ".join(sentences)
    passages = ds.split_passages(text)
    assert len(passages) > 1
    for p in passages:
        assert p in text
        assert len(p) <= ds.WINDOW_MAX_CHARS
    # consecutive windows share a sentence
    assert passages[0].split(". ")[-1].rstrip(".") in passages[1]
    assert ds.split_passages("Short text.") == ("Short text.",)
    assert ds.split_passages("   ") == ()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abc defgh.\n", min_size=1, max_size=120), max_size=25))
def test_split_passages_property(chunks: list[str]) -> None:
    text = " ".join(chunks)
    passages = ds.split_passages(text)
    for p in passages:
        assert p in text
        assert len(p) <= ds.WINDOW_MAX_CHARS
    covered = "".join(passages)
    # every word of the text is in some passage
    for word in text.split():
        assert word in covered


def test_window_sentences_cuts_long_sentences() -> None:
    long = "word " * 200
    windows = ds.window_sentences(["First.", long, "Last."])
    assert all(len(w) <= ds.WINDOW_MAX_CHARS for w in windows)
    assert windows[0].startswith("First.")
    assert windows[-1].endswith("Last.")


# -- readers ----------------------------------------------------------------------------


def _jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture()
def eval_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "eval"
    _jsonl(
        root / "wice/entailment_retrieval/claim/dev.jsonl",
        [
            {
                "label": "supported",
                "supporting_sentences": [[1]],
                "claim": "A is B.",
                "evidence": ["Title", "A is B.", "Other."],
                "meta": {"id": "dev001"},
            },
            {
                "label": "partially_supported",
                "supporting_sentences": [],
                "claim": "C is D.",
                "evidence": ["C is."],
                "meta": {"id": "dev002"},
            },
        ],
    )
    _jsonl(
        root / "wice/non_supported_tokens/train.jsonl",
        [
            {
                "label": "partially_supported",
                "supporting_sentences": [[1]],
                "claim": "X.",
                "evidence": ["a", "X is here.", "b"],
                "claim_tokens": ["X"],
                "non_supported_spans": [True],
            }
        ],
    )
    _jsonl(
        root / "frank/frank_joined.jsonl",
        [
            {
                "hash": "h1",
                "dataset": "cnndm",
                "model_name": "bart",
                "split": "test",
                "doc": "The doc.",
                "claim": "Summary.",
                "factuality": 1.0,
                "label": 1,
            },
            {
                "hash": "h1",
                "dataset": "cnndm",
                "model_name": "pgn",
                "split": "valid",
                "doc": "The doc.",
                "claim": "Bad summary.",
                "factuality": 0.67,
                "label": 0,
            },
        ],
    )
    (root / "summac_pr15").mkdir(parents=True)
    (root / "summac_pr15/factcc.json").write_text(
        json.dumps({"factcc_0": {"claim": "c", "label": 1, "document": "d.", "id": "x"}}),
        encoding="utf-8",
    )
    _jsonl(
        root / "factcheck_gpt/subtasks/subtask3_claim_evidence_stance.jsonl",
        [
            {"claim": "c", "evidence": "e", "stance": "completely-support"},
            {"claim": "c", "evidence": "f", "stance": "refute"},
        ],
    )
    _jsonl(
        root / "superlim2/swenli/swenli_dev.jsonl",
        [
            {
                "id": "0",
                "premise": "Katten sover.",
                "hypothesis": "Ett djur sover.",
                "label": "entailment",
            },
            {
                "id": "1",
                "premise": "Katten sover.",
                "hypothesis": "Katten springer.",
                "label": "contradiction",
            },
        ],
    )
    _jsonl(
        root / "snli/snli_1.0_dev.jsonl",
        [
            {"gold_label": "entailment", "sentence1": "p", "sentence2": "h", "pairID": "1"},
            {"gold_label": "-", "sentence1": "p", "sentence2": "h2", "pairID": "2"},
        ],
    )
    (root / "xnli").mkdir(parents=True)
    (root / "xnli/dev-en.tsv").write_text(
        "P en\tH en\tentailment\nQ en\tI en\tneutral\n", encoding="utf-8"
    )
    (root / "xnli/dev-de.tsv").write_text(
        'P "de\tH de\tentailment\nQ de\tI de\tneutral\n', encoding="utf-8"
    )
    _jsonl(
        root / "covidfact/COVIDFACT_dataset.jsonl",
        [
            {
                "claim": "c",
                "label": "REFUTED",
                "evidence": ["s1", "s2"],
                "gold_source": "",
                "flair": "",
            }
        ],
    )
    (root / "healthver").mkdir(parents=True)
    with (root / "healthver/healthver_dev.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "evidence", "claim", "label", "topic_ip", "question"])
        writer.writerow(["7", "Evidence, with comma.", "Claim", "Supports", "1", "q"])
    _jsonl(
        root / "climate_fever/climate-fever.jsonl",
        [
            {
                "claim_id": "0",
                "claim": "c",
                "claim_label": "SUPPORTS",
                "evidences": [{"evidence": "e1", "evidence_label": "SUPPORTS"}, {"evidence": "e2"}],
            }
        ],
    )
    _jsonl(
        root / "scifact/corpus.jsonl", [{"doc_id": 11, "title": "t", "abstract": ["s1.", "s2."]}]
    )
    with (root / "scifact/claims_validation.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "claim",
                "evidence_doc_id",
                "evidence_label",
                "evidence_sentences",
                "cited_doc_ids",
            ]
        )
        writer.writerow(["1", "claim one", "11", "SUPPORT", "[0]", "[11]"])
        writer.writerow(["1", "claim one", "11", "SUPPORT", "[1]", "[11]"])
        writer.writerow(["2", "claim two", "", "", "[]", "[11 12]"])
    monkeypatch.setenv("SOURCECHECK_EVAL_DIR", str(root))
    return root


def test_eval_dir_override(eval_root: Path) -> None:
    assert ds.eval_dir() == eval_root


def test_readers(eval_root: Path) -> None:
    wice = list(ds.wice_dev())
    assert [e.label for e in wice] == [1, 0]
    assert wice[0].id == "dev001" and wice[0].passages == ("Title A is B. Other.",)
    assert wice[1].gold == "partially_supported"
    assert [e.label for e in ds.wice_train_partial()] == [0]

    frank = list(ds.frank())
    assert [(e.split, e.label) for e in frank] == [("test", 1), ("valid", 0)]
    assert [e.split for e in ds.frank("valid")] == ["valid"]

    (summac,) = ds.summac("factcc")
    assert summac.label == 1 and summac.passages == ("d.",) and summac.set_name == "summac_factcc"
    with pytest.raises(ValueError):
        list(ds.summac("nope"))

    assert [e.label for e in ds.factcheck_gpt_stance()] == [1, 0]
    assert [e.gold for e in ds.factcheck_gpt_stance()] == ["completely-support", "refute"]

    swenli = list(ds.swenli_dev())
    assert [e.label for e in swenli] == [1, 0]
    assert swenli[0].language == "sv" and swenli[0].premise_language == "sv"
    assert swenli[0].claim == "Ett djur sover." and swenli[0].passages == ("Katten sover.",)

    assert [e.claim for e in ds.snli("dev")] == ["h"]

    xnli = list(ds.xnli("de", "en"))
    assert [(e.claim, e.passages, e.label) for e in xnli] == [
        ("H en", ('P "de',), 1),
        ("I en", ("Q de",), 0),
    ]
    assert xnli[0].language == "en" and xnli[0].premise_language == "de"

    (covid,) = ds.covidfact()
    assert covid.label == 0 and covid.passages == ("s1 s2",)
    (health,) = ds.healthver_dev()
    assert health.label == 1 and health.passages == ("Evidence, with comma.",)
    (climate,) = ds.climate_fever()
    assert climate.label == 1 and climate.passages == ("e1", "e2")
    sci = list(ds.scifact("validation"))
    assert [(e.claim, e.label) for e in sci] == [("claim one", 1), ("claim two", 0)]
    assert sci[0].passages == ("s1. s2.",)


def test_examples_are_frozen(eval_root: Path) -> None:
    example = next(ds.snli("dev"))
    with pytest.raises(AttributeError):
        example.label = 0  # type: ignore[misc]
