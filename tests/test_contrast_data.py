"""The second verifier round's pairs (training/contrast_data.py): nothing the verdict
benchmark or the judge reads is trained on, and the cross-language pairs are what they
say they are. Needs ../shared/eval (skipped where it is not)."""

from __future__ import annotations

import random
import sys
from types import ModuleType

import pytest

from tests.conftest import ROOT, load_script


@pytest.fixture(scope="module")
def cd() -> ModuleType:
    sys.path.insert(0, str(ROOT / "training"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    module = load_script("training/contrast_data.py", "contrast_data_under_test")
    if not (module.EVAL / "ntrex128" / "DOCUMENT_IDS.tsv").is_file():
        pytest.skip("../shared/eval is not here")
    return module


def test_ntrex_pairs_never_use_the_benchmark_or_judge_documents(cd: ModuleType) -> None:
    pairs = cd.ntrex_pairs(4, 0.15, random.Random(1))
    bench, train = cd.ntrex_split()
    used = {p.group.removeprefix("ntrex:") for p in pairs}
    assert used
    assert not used & {d for d, _ in bench}
    assert not used & {d for d, _ in train[: cd.NTREX_DOCS]}
    _, texts = cd._ntrex_lines()
    english = set(texts["en"])
    for p in pairs:
        if p.source == "xl_ntrex" and p.language == "en":
            # an English sentence (or its first clause) against a window in another language
            assert p.label == 0
            assert p.passage not in english
        if p.source.startswith("xl_ntrex_") and p.source != "xl_ntrex_other":
            assert p.label == 2
            assert p.claim.strip() not in english  # edited, not the sentence as written


def test_vitaminc_pairs_leave_out_the_benchmark_cases(cd: ModuleType) -> None:
    pairs = cd.vitaminc_pairs(500, random.Random(1))
    banned = cd._vitaminc_bench_cases()
    assert banned and pairs
    assert not {p.group.removeprefix("vitaminc:") for p in pairs} & banned
    assert {p.label for p in pairs} == {0, 1, 2}


def test_fm2_pairs_leave_out_the_judges_claims(cd: ModuleType) -> None:
    judged = {it["id"] for it in cd.fm2_sample(cd.FM2_CLAIMS)}
    assert len(judged) == cd.FM2_CLAIMS
    pairs = cd.fm2_pairs(random.Random(1))
    assert pairs
    assert not {p.group.removeprefix("fm2:") for p in pairs} & judged


@pytest.fixture(scope="module")
def pd(cd: ModuleType) -> ModuleType:
    return load_script("training/parts_data.py", "parts_data_under_test")


def test_part_pairs_use_only_the_training_documents(cd: ModuleType, pd: ModuleType) -> None:
    """The third round's parts of sentences come from the same 28 NTREX documents as the
    second round's pairs: none the verdict benchmark or the judge reads."""
    pairs = pd.part_pairs(2, 0.3, random.Random(1)) + pd.negasym_pairs(20, random.Random(1))
    bench, train = cd.ntrex_split()
    used = {p.group.removeprefix("ntrex:") for p in pairs if p.group.startswith("ntrex:")}
    assert used
    assert not used & {d for d, _ in bench}
    assert not used & {d for d, _ in train[: cd.NTREX_DOCS]}


def test_a_part_is_supported_by_the_sentence_it_is_cut_from(pd: ModuleType) -> None:
    pairs = pd.part_pairs(2, 0.0, random.Random(1))
    same = [p for p in pairs if p.source == "part_same"]
    assert same and all(p.label == 0 for p in same)
    for p in same:
        # the part's words (but its end) stand in the passage, in order: a cut, not an edit
        assert p.claim.rstrip(".").split()[0].lower() in p.passage.lower()
        assert len(p.claim) < len(p.passage)
    edits = [p for p in pairs if p.source.startswith("part_same_")]
    assert edits and all(p.label == 2 for p in edits)
    # a negation on one side only: the translation is still support
    asym = pd.negasym_pairs(20, random.Random(1))
    assert asym and all(p.label == 0 for p in asym)
