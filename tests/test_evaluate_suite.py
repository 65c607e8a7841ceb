"""The benchmark suite (``benchmarks/eval_suite.py``): sampling, dev → test thresholds,
the table, and ``benchmarks/evaluate.py`` end to end on a tiny eval folder."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from sourcecheck.evaluate import datasets as ds
from sourcecheck.score.base import Pair, PairScore, Scorer
from tests.conftest import ROOT


def _load_suite():  # type: ignore[no-untyped-def]
    """``benchmarks/eval_suite.py``: a benchmark harness, not a part of the package."""
    spec = importlib.util.spec_from_file_location(
        "eval_suite", ROOT / "benchmarks" / "eval_suite.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_suite"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


suite = _load_suite()


class _WordScorer(Scorer):
    """Support 0.9 when the passage contains the claim's last word, else 0.1."""

    name = "test.word.v1"
    support_threshold = 0.95  # a shipped threshold that is badly placed on purpose

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        return [PairScore(0.9 if p.claim.split()[-1] in p.passage.split() else 0.1) for p in pairs]


def _example(k: int, label: int, split: str = "dev") -> ds.Example:
    word = f"w{k}"
    passages = (f"filler {k}", f"text with {word}") if label else (f"filler {k}", "other")
    return ds.Example(
        id=f"x{k}", claim=f"claim {word}", passages=passages, label=label, split=split,
        set_name="toy",
    )  # fmt: skip


def test_sample_is_seeded_stratified_and_ordered() -> None:
    rows = [_example(k, int(k % 10 == 0)) for k in range(200)]
    a = suite.sample(rows, 50)
    assert a == suite.sample(rows, 50)
    assert len(a) == 50 and sum(e.label for e in a) == 5  # the 10% share kept
    assert [e.id for e in a] == sorted((e.id for e in a), key=lambda i: int(i[1:]))
    assert suite.sample(rows, None) == rows and suite.sample(rows[:3], 10) == rows[:3]
    rare = [_example(k, int(k == 0)) for k in range(100)]
    assert sum(e.label for e in suite.sample(rare, 10)) == 1  # a rare class is never lost


def test_slice_split_partitions() -> None:
    pick, rest = suite.slice_split(101)
    assert len(pick) == 20 and len(rest) == 81
    assert sorted([*pick, *rest]) == list(range(101))


def test_evaluate_set_threshold_from_dev_applied_to_test() -> None:
    dev = tuple(_example(k, k % 2) for k in range(20))
    test = tuple(_example(k, int(k % 3 == 0), "test") for k in range(100, 130))
    evalset = suite.EvalSet("toy", "Toy", dev, test, "toy dev")
    result = suite.evaluate_set(_WordScorer(), evalset)
    assert 0.1 < result.threshold < 0.9
    assert result.balanced_accuracy == 1.0 and result.auc == 1.0
    assert result.balanced_accuracy_shipped == 0.5  # 0.95 calls everything unsupported
    assert result.n == 30 and result.positives == 10
    assert result.pairs == 2 * (20 + 30)
    assert result.threshold_from == "toy dev"
    table = suite.markdown([evalset], {"word": {"toy": result}})
    assert "| Toy (30 / 20) | toy dev | 100.0 [100.0–100.0] · AUC 100.0 |" in table


def test_every_set_is_known_and_unknown_names_are_refused() -> None:
    assert {"wice", "frank", "swenli", "xnli_en_de", "xnli_en_fr", "xnli_en_es"} <= set(suite.SETS)
    assert {f"summac_{n}" for n in ds.SUMMAC_SETS} <= set(suite.SETS)
    with pytest.raises(ValueError, match="unknown set"):
        suite.load_sets(["nope"])


def test_benchmark_command_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """benchmarks/evaluate.py on a tiny SweNLI file, lexical scorer, JSON written."""
    eval_dir = tmp_path / "eval"
    (eval_dir / "superlim2" / "swenli").mkdir(parents=True)
    rows = []
    for k in range(100):
        entail = k % 2 == 0
        rows.append(
            {
                "id": k,
                "premise": f"Katten sitter på mattan nummer {k}.",
                "hypothesis": f"Katten sitter på mattan nummer {k}."
                if entail
                else "Hunden springer.",
                "label": "entailment" if entail else "neutral",
            }
        )
    (eval_dir / "superlim2" / "swenli" / "swenli_dev.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    monkeypatch.setenv("SOURCECHECK_EVAL_DIR", str(eval_dir))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "SOURCECHECK_THREADS"):
        monkeypatch.setenv(var, "1")  # the script sets them; restored after the test
    spec = importlib.util.spec_from_file_location(
        "bench_evaluate", ROOT / "benchmarks" / "evaluate.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    held = sum(ds.swenli_heldout(r["premise"]) for r in rows)  # only these are measured
    n_dev = round(suite.DEV_SHARE * held)
    n_test = min(30, held - n_dev)
    out = tmp_path / "out.json"
    args = ["--models", "lexical", "--sets", "swenli", "--limit", "30", "--json", str(out)]
    assert bench.main([*args, "--no-cache", "--speed-pairs", "10"]) == 0
    printed = capsys.readouterr().out
    assert (
        f"| SweNLI dev (sv), held-out premises ({n_test} / {n_dev}) "
        "| seeded 20% of SweNLI dev (held out) |"
    ) in printed
    assert "8 pairs of SweNLI dev (sv), held-out premises in the speed probe" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    result = data["results"]["lexical"]["swenli"]
    for key in ("balanced_accuracy", "auc", "threshold", "n", "pairs_per_second", "ece"):
        assert key in result
    assert result["n"] == n_test and data["sets"]["swenli"]["n_dev"] == n_dev
    assert result["auc"] > 0.9
    # no probe asked for: said so, never a made-up rate
    assert bench.main([*args, "--no-cache", "--speed-pairs", "0"]) == 0
    printed = capsys.readouterr().out
    assert "no speed probe" in printed and "| lexical |" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["speed_probe_pairs_per_second"] == {
        "lexical": None
    }


def test_speed_needs_more_than_the_warm_up_pairs() -> None:
    with pytest.raises(ValueError, match="more than 2 pairs"):
        suite.speed(_WordScorer(), [Pair("a", "b")] * 2)


def test_summac_sets_hold_only_documents_the_verifier_never_trained_on(tmp_path: Path) -> None:
    """SummaC is a training set of the verifier: the suite measures only its held-out
    documents, split by a seeded hash of the document (all summaries of one go one way)."""
    folder = tmp_path / "summac_pr15"
    folder.mkdir()
    rows = {
        f"r{k}": {"document": f"Document number {k // 2}. It has text.", "claim": f"c{k}",
                  "label": k % 2}
        for k in range(200)
    }  # fmt: skip
    (folder / "factcc.json").write_text(json.dumps(rows), encoding="utf-8")
    every = list(ds.summac("factcc", tmp_path))
    held = list(ds.summac("factcc", tmp_path, heldout_only=True))
    assert len(every) == 200
    assert 0 < len(held) < len(every)
    kept_docs = {rows[e.id]["document"] for e in held}
    assert all(ds.summac_heldout(d) for d in kept_docs)
    dropped = {rows[e.id]["document"] for e in every} - kept_docs
    assert dropped and not any(ds.summac_heldout(d) for d in dropped)
    # both summaries of each kept document are kept
    assert len(held) == 2 * len(kept_docs)


def test_summac_held_out_counts_match_the_verifiers_training_split() -> None:
    """The held-out documents are those the verifier's data builder leaves out of training
    (counts measured when the rule moved here from training/verifier_data.py, whose own
    rule gave the same split of all 1,530 SummaC summaries)."""
    if not ds.data_file("summac_pr15/factcc.json").is_file():
        pytest.skip("../shared/eval is not here")
    counts = {n: sum(1 for _ in ds.summac(n, heldout_only=True)) for n in ds.SUMMAC_SETS}
    assert counts == {"factcc": 89, "polytope": 203, "summeval": 28, "xsumfaith": 146}


def test_swenli_holds_out_whole_premises(tmp_path: Path) -> None:
    """SweNLI dev trains the verifier on half of its premises: the suite measures the other
    half, and every hypothesis of one premise goes the same way."""
    folder = tmp_path / "superlim2" / "swenli"
    folder.mkdir(parents=True)
    labels = ("entailment", "neutral", "contradiction")
    rows = [
        {"id": k, "premise": f"Premiss nummer {k // 3}.", "hypothesis": f"h{k}",
         "label": labels[k % 3]}
        for k in range(300)
    ]  # fmt: skip
    (folder / "swenli_dev.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    every = list(ds.swenli_dev(tmp_path))
    held = list(ds.swenli_dev(tmp_path, heldout_only=True))
    assert len(every) == 300
    assert 0.3 * 300 < len(held) < 0.7 * 300
    kept = {e.passages[0] for e in held}
    assert all(ds.swenli_heldout(p) for p in kept)
    assert not any(ds.swenli_heldout(e.passages[0]) for e in every if e.passages[0] not in kept)
    assert len(held) == 3 * len(kept)


def test_swenli_in_the_suite_is_only_the_held_out_half() -> None:
    if not ds.data_file("superlim2/swenli/swenli_dev.jsonl").is_file():
        pytest.skip("../shared/eval is not here")
    every = list(ds.swenli_dev())
    held = list(ds.swenli_dev(heldout_only=True))
    dev, test, _ = suite.SETS["swenli"][1]()
    assert sorted(e.id for e in [*dev, *test]) == sorted(e.id for e in held)
    assert 0.4 * len(every) < len(held) < 0.6 * len(every)
