"""The verifier's training-pair generator (training/verifier_data.py): the long-window
copies of short pairs."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.conftest import load_script


@pytest.fixture(scope="module")
def vd() -> ModuleType:
    return load_script("training/verifier_data.py", "verifier_data_under_test")


def _docs() -> dict[str, list[tuple[str, str]]]:
    en = [
        (
            f"doc{g}",
            " ".join(
                f"Sentence {i} of document {g} talks about topic number {g * 100 + i} at length."
                for i in range(30)
            ),
        )
        for g in range(6)
    ]
    return {"en": en, "sv": []}


def test_long_windows_keep_claim_label_and_passage_inside_other_documents(
    vd: ModuleType,
) -> None:
    pairs = [
        vd.TrainPair("snli", f"A man rides {i}.", f"A man is riding {i}.", i % 3, "en", "doc0")
        for i in range(20)
    ]
    long = vd.long_windows(pairs, _docs(), share=1.0)
    assert len(long) == len(pairs)
    for original, copy in zip(pairs, long, strict=True):
        assert copy.source == "syn_long"
        assert (copy.claim, copy.label, copy.language, copy.group) == (
            original.claim, original.label, original.language, original.group,
        )  # fmt: skip
        assert original.passage in copy.passage
        filler = copy.passage.replace(original.passage, " ")
        assert "document 0 " not in filler, "filler never comes from the pair's own document"
        assert "document" in filler
        words = len(copy.passage.split())
        assert 20 < words <= 150
        # claim + passage fit the 256-token training window at ~1.6 tokens a word
        assert 1.6 * (words + len(copy.claim.split())) <= 256
    assert vd.long_windows(pairs, _docs(), share=1.0) == long, "seeded"


def test_long_windows_skip_long_translated_and_unsampled_pairs(vd: ModuleType) -> None:
    long_passage = " ".join(["word"] * 70)
    pairs = [
        vd.TrainPair("frank", "A claim.", long_passage, 3, "en", "doc1"),
        vd.TrainPair("xl_django", "Save", "Spara", 0, "sv", "django"),
        vd.TrainPair("snli", "Swedish pair with no Swedish filler.", "En man.", 0, "sv", "x"),
    ]
    assert vd.long_windows(pairs, _docs(), share=1.0) == []
    short = [vd.TrainPair("snli", f"Claim {i}.", f"Passage {i}.", 0, "en", "d") for i in range(400)]
    assert vd.long_windows(short, _docs(), share=0.0) == []
    some = vd.long_windows(short, _docs(), share=0.1)
    assert 15 <= len(some) <= 65, "about a tenth, chosen by the pair's hash"
