"""The source index: extending a corpus's index with an item's own sources."""

from __future__ import annotations

import numpy as np
import pytest

from sourcecheck.embed import default_embedder
from sourcecheck.retrieve import build_index, extend_index, search
from tests.conftest import make_document

CORPUS = [
    make_document(
        "rapport",
        [
            ["Av kommunens 52 broar behöver 14 repareras inom två år.", "Broarna är gamla."],
            ["Storåbron har inte stängts för trafik. Ekbron är avstängd sedan mars."],
        ],
    ),
    make_document(
        "budget", [["Budgeten för underhåll var 3,8 miljoner kronor 2024."]], language="sv"
    ),
]
OWN = make_document(
    "notes",
    [["The council inspected the Ekbron bridge in April and found corrosion."]],
    language="en",
)


def test_extended_index_is_the_index_of_both() -> None:
    """The corpus's vectors are reused, the item's sources embedded, BM25 rebuilt over
    all: the result searches exactly as an index built over everything at once."""
    embedder = default_embedder()
    corpus = build_index(CORPUS, embedder)
    extended = extend_index(corpus, [OWN], embedder)
    whole = build_index([*CORPUS, OWN], embedder)
    assert [(p.doc_id, p.start, p.end) for p in extended.passages] == [
        (p.doc_id, p.start, p.end) for p in whole.passages
    ]
    assert np.allclose(extended.vectors, whole.vectors, atol=1e-5)
    assert extended.passages_of("notes") == whole.passages_of("notes")
    for query, lang in [("Was the Ekbron bridge inspected?", "en"), ("underhåll budget", "sv")]:
        a = search(extended, query, lang, top_k=4, embedder=embedder)
        b = search(whole, query, lang, top_k=4, embedder=embedder)
        assert [c.index for c in a] == [c.index for c in b]
    # the corpus index itself is left as it was
    assert "notes" not in corpus.documents and len(corpus.vectors) == len(corpus.passages)


def test_extending_with_a_taken_id_is_refused() -> None:
    corpus = build_index(CORPUS, default_embedder())
    with pytest.raises(ValueError, match="rapport"):
        extend_index(corpus, [CORPUS[0]])


def test_a_candidate_carries_its_passage_language_and_vector() -> None:
    """Nothing after retrieval reads the index again: a candidate brings what it found."""
    embedder = default_embedder()
    index = build_index([*CORPUS, OWN], embedder)
    found = search(index, "Was the Ekbron bridge inspected?", "en", top_k=5, embedder=embedder)
    assert found
    for c in found:
        assert c.passage == index.passages[c.index]
        assert c.language == index.documents[c.passage.doc_id].language
        assert np.array_equal(c.vector, index.vectors[c.index])
        assert c.cited().retrieval == "cited" and c.cited().passage == c.passage
    assert {c.language for c in found} >= {"en", "sv"}
