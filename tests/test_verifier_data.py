"""The verifier's training-pair generator (training/verifier_data.py): the long-window
copies of short pairs, and the supported claims made from WiCE's partly supported ones."""

from __future__ import annotations

import json
import re
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


def _tokens(claim: str, bad: set[str]) -> tuple[list[str], list[bool]]:
    tokens = re.findall(r"\w+|[^\w\s]", claim)
    return tokens, [t in bad for t in tokens]


@pytest.mark.parametrize(
    ("claim", "bad", "expected"),
    [
        ("The audience consists of Australian ex-pats.", {"Australian"},
         "The audience consists of ex-pats."),
        ("Raza made his debut for Pakistan against Zimbabwe on 24 October 1996.",
         {"on", "24", "October", "1996"}, "Raza made his debut for Pakistan against Zimbabwe."),
        ("In January 2010 the network had 26 stations.", {"In", "January", "2010"}, None),
        ("Books published in English are eligible for the 2018 prize.",
         {"the", "2018", "prize"}, None),  # ends in "for": the object went with the words
        ("He has three older brothers.", {"three", "older"}, None),  # under 4 words left
        ("The grid has space in between columns, called gutters.", set(), None),  # nothing out
        ("Cage was married to the composer John Cage from 1935 to 1945.",
         {"Cage", "from"}, None),  # two separate runs
        ("She ran for the seat in the 2018 election with the party.",
         {"in", "the", "2018", "election", "with", "party"}, None),  # over 40% taken out
    ],
)  # fmt: skip
def test_reduced_claim_keeps_what_the_evidence_supports(
    vd: ModuleType, claim: str, bad: set[str], expected: str | None
) -> None:
    tokens, unsupported = _tokens(claim, bad)
    assert vd.reduced_claim(claim, tokens, unsupported) == expected


def test_reduced_claim_needs_the_tokens_in_order(vd: ModuleType) -> None:
    claim = "The audience consists of Australian ex-pats."
    tokens, unsupported = _tokens(claim, {"Australian"})
    assert vd.reduced_claim(claim, list(reversed(tokens)), unsupported) is None
    assert vd.reduced_claim(claim, tokens, unsupported[:-1]) is None


def test_summary_sentences_are_sentences_of_consistent_summaries(vd: ModuleType) -> None:
    from sourcecheck.evaluate import datasets as ds
    from sourcecheck.evaluate.metrics import claim_parts

    if not ds.data_file("frank/frank_joined.jsonl").is_file():
        pytest.skip("the evaluation data lives in ../shared/eval")
    plain = vd.real_pairs({"en": [], "sv": []})
    docs: dict[str, list[tuple[str, str]]] = {"en": [], "sv": []}
    more = vd.real_pairs(docs, summary_sentences=True, wice_reduced=True)
    added = [p for p in more if p.source in ("summary_sentence", "wice_train_reduced")]
    assert len(more) == len(plain) + len(added), "the other rows stay as they were"
    sentences = [p for p in added if p.source == "summary_sentence"]
    reduced = [p for p in added if p.source == "wice_train_reduced"]
    assert len(sentences) > 500 and len(reduced) > 100
    assert {p.label for p in added} == {0}
    consistent = [e.claim for e in ds.frank("valid") if e.label == 1] + [
        e.claim for name in ds.SUMMAC_SETS for e in ds.summac(name) if e.label == 1
    ]
    parts = {part for claim in consistent for part in claim_parts(claim, "en")}
    assert all(p.claim in parts for p in sentences), "sentences of consistent summaries only"
    doc_text = dict(docs["en"])
    assert all(p.passage in doc_text[p.group] for p in sentences), "their own document's"
    partial = {p.passage for p in more if p.source == "wice_train_partial"}
    assert all(p.passage in partial for p in reduced), "the partly supported claim's evidence"


def test_distill_pairs_are_unlabelled_windows_of_training_documents(vd: ModuleType) -> None:
    """``--distill-windows``: every summary sentence / WiCE claim of the training documents
    against at most N windows of its own document, the best-covering one first, no label,
    and nothing from the held-out groups, FRANK test or the SummaC documents kept for
    evaluation."""
    from sourcecheck.evaluate import datasets as ds

    if not ds.data_file("frank/frank_joined.jsonl").is_file():
        pytest.skip("the evaluation data lives in ../shared/eval")
    docs: dict[str, list[tuple[str, str]]] = {"en": [], "sv": []}
    vd.real_pairs(docs)
    doc_text = dict(docs["en"])
    pairs = vd.distill_pairs(3, 0.08)
    assert {p.label for p in pairs} == {vd.UNLABELLED}
    assert {p.source for p in pairs} == {"distill_summary", "distill_wice"}
    assert not [p for p in pairs if vd._unit("held:" + p.group) < 0.08]
    summaries = [p for p in pairs if p.source == "distill_summary"]
    assert len(summaries) > 5000
    assert all(p.passage in doc_text[p.group] for p in summaries), "its own document's windows"
    evaluated = vd.frank_test_docs() | {
        row["document"]
        for name in ds.SUMMAC_SETS
        for row in json.loads(
            ds.data_file(f"summac_pr15/{name}.json").read_text(encoding="utf-8")
        ).values()
        if vd.summac_heldout(row["document"])
    }
    assert not [p for p in summaries if doc_text[p.group] in evaluated]
    by_claim: dict[tuple[str, str], list[str]] = {}
    for p in pairs:
        by_claim.setdefault((p.group, p.claim), []).append(p.passage)
    assert max(len(v) for v in by_claim.values()) == 3
    assert sum(len(v) > 1 for v in by_claim.values()) > 1000, "other windows, not only the best"
    group, claim = next(k for k, v in by_claim.items() if len(v) == 3 and k[0].startswith("doc:"))
    windows = ds.split_passages(doc_text[group])
    best = ds.best_passage(ds.Example("", claim, windows, 0, "", ""))
    assert by_claim[group, claim][0] == best
    assert len(set(by_claim[group, claim])) == 3
    assert vd.distill_pairs(3, 0.08) == pairs, "seeded"
