"""The comment thread as a discussion: links by what a comment says, stances from the
verifier and from the comment's wording, the per-claim summary, and the thread in the
JSON, Markdown and HTML reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from sourcecheck.embed import default_embedder
from sourcecheck.model import Claim, Comment, Report, SourceInfo, Stance, Verdict
from sourcecheck.report import report_to_html, report_to_markdown
from sourcecheck.report.jsonreport import report_from_dict, report_to_dict
from sourcecheck.score import Pair, PairScore, Scorer
from sourcecheck.thread import analyse_thread, discussion, link_comments, thread_rows

ARTICLE = [
    "The council spent 4.2 million kronor on road repairs in 2023.",
    "Three of the five libraries in Norrvik will close in March.",
    "According to the audit, 41 percent of the buses arrived late last winter.",
    "The new sports hall was opened by the mayor on 12 May.",
]


def _claims(sentences: Sequence[str] = ARTICLE) -> list[Claim]:
    out, at = [], 0
    for i, s in enumerate(sentences, 1):
        out.append(Claim(id=f"c{i}", text=s, start=at, end=at + len(s), language="en"))
        at += len(s) + 1
    return out


class TableScorer(Scorer):
    """Scores from a table keyed by (a word of the claim, a word of the passage);
    0.05 / 0.05 where no row matches."""

    name = "test.table.v1"
    model_id = "table"

    def __init__(self, rows: dict[tuple[str, str], tuple[float, float]] | None = None) -> None:
        self.rows = rows or {}
        self.seen: list[Pair] = []

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        self.seen += pairs
        out = []
        for p in pairs:
            hit = next(
                (v for (a, b), v in self.rows.items() if a in p.claim and b in p.passage), None
            )
            out.append(PairScore(*hit) if hit else PairScore(0.05, 0.05))
        return out


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    return default_embedder()


def _by_id(stances: Sequence[Stance]) -> dict[str, Stance]:
    return {s.comment: s for s in stances}


def test_a_comment_quoting_a_claim_answers_that_claim(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment(
            "k1",
            'You write "three of the five libraries in Norrvik will close", but '
            "that was only a proposal.",
        ),
    ]
    links = link_comments(_claims(), comments, embedder)
    target, how, _ = links["k1"]
    assert target is not None and target.id == "c2"
    assert how == "quote"


def test_a_shared_figure_points_at_the_claim_that_has_it(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [Comment("k1", "Where does that 41 percent come from? Sounds far too high.")]
    target, how, _ = link_comments(_claims(), comments, embedder)["k1"]
    assert target is not None and target.id == "c3"
    assert how == "numbers"


def test_a_paraphrase_in_another_language_finds_its_claim(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [Comment("k1", "Bibliotekens nedläggning är ett skandalöst beslut.", language="sv")]
    target, _, _ = link_comments(_claims(), comments, embedder)["k1"]
    assert target is not None and target.id == "c2"


def test_a_reply_answers_its_parent_unless_it_quotes_the_article(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "The sports hall is a waste of money, the mayor just wanted a photo."),
        Comment("k2", "I could not disagree more, it is packed every evening.", parent="k1"),
        Comment(
            "k3",
            'Read it again: "41 percent of the buses arrived late" is about last winter only.',
            parent="k1",
        ),
    ]
    links = link_comments(_claims(), comments, embedder)
    target, how, _ = links["k2"]
    assert target is not None and (target.kind, target.id, how) == ("comment", "k1", "reply")
    target, how, _ = links["k3"]
    assert target is not None and (target.kind, target.id) == ("claim", "c3")


def test_stance_follows_the_verifier_on_the_target(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "Only one library closes in March; the other two stay open."),
        Comment("k2", "Yes, the 4.2 million for road repairs is in the 2023 accounts."),
    ]
    scorer = TableScorer(
        {("libraries", "Only one"): (0.02, 0.93), ("4.2", "accounts"): (0.9, 0.02)}
    )
    stances = _by_id(analyse_thread(_claims(), comments, scorer, embedder))
    assert (stances["k1"].stance, stances["k1"].target) == ("disputes", "c2")
    assert stances["k1"].confidence == pytest.approx(0.93)
    assert (stances["k2"].stance, stances["k2"].target) == ("agrees", "c1")
    # The comment is the passage and the target the claim.
    assert {(p.claim, p.passage) for p in scorer.seen} >= {(ARTICLE[1], comments[0].text)}


def test_wording_decides_where_the_verifier_cannot(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "The audit says 41 percent of buses were late."),
        Comment("k2", "Det där är ju inte sant.", parent="k1", language="sv"),
        Comment("k3", "Das stimmt so nicht.", parent="k1", language="de"),
        Comment("k4", "Couldn't agree more.", parent="k1"),
        Comment("k5", "Thanks, nice piece."),
    ]
    stances = _by_id(analyse_thread(_claims(), comments, TableScorer(), default_embedder()))
    assert (stances["k2"].stance, stances["k2"].target) == ("disputes", "k1")
    assert (stances["k3"].stance, stances["k3"].target) == ("disputes", "k1")
    assert (stances["k4"].stance, stances["k4"].target) == ("agrees", "k1")
    assert stances["k5"].stance == "comments"


def test_a_question_asks_unless_it_disputes(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "Was the sports hall opened on 12 May or in June?"),
        Comment("k2", "Since when is one library out of five 'three of the five libraries'?"),
    ]
    scorer = TableScorer({("libraries", "one library"): (0.02, 0.8)})
    stances = _by_id(analyse_thread(_claims(), comments, scorer, embedder))
    assert (stances["k1"].stance, stances["k1"].target) == ("asks", "c4")
    assert (stances["k2"].stance, stances["k2"].target) == ("disputes", "c2")


def _verdict(claim: Claim, label: str) -> Verdict:
    return Verdict(claim=claim, label=label, score=0.5, citation_check="none", reason="")  # type: ignore[arg-type]


def test_discussion_says_which_side_the_sources_take() -> None:
    c1, c2, c3 = _claims()[:3]
    own = Claim(id="c9", text="Only one library closes.", start=0, end=24, origin="k1")
    verdicts = [
        _verdict(c1, "supported"),
        _verdict(c2, "not_found"),
        _verdict(c3, "contradicted"),
        _verdict(own, "supported"),
    ]
    stances = [
        Stance("k1", "disputes", "c2", "claim"),
        Stance("k2", "agrees", "c2", "claim"),
        Stance("k3", "disputes", "c1", "claim"),
        Stance("k4", "disputes", "c3", "claim"),
        Stance("k5", "asks", "c1", "claim"),
        Stance("k6", "disputes", "k1", "comment"),
    ]
    talk = discussion(verdicts, stances)
    # c2 is not found in the sources, but the disputing comment's own claim is supported.
    assert talk["c2"].sources_side == "comment"
    assert talk["c2"].backed_by == ("k2",)
    assert talk["c1"].sources_side == "article"
    assert talk["c1"].asked_by == ("k5",)
    assert talk["c3"].sources_side == "comment"
    sentence = talk["c2"].sentence({"k1": "Karin"})
    assert "disputed by comment k1 (Karin)" in sentence
    assert "sources side with the comment" in sentence


def test_thread_rows_nest_replies_and_keep_orphans_on_top() -> None:
    comments = [
        Comment("k1", "a"),
        Comment("k2", "b", parent="k1"),
        Comment("k3", "c", parent="k2"),
        Comment("k4", "d", parent="gone"),
    ]
    rows = thread_rows(comments, [Stance("k2", "disputes", "k1", "comment")], [])
    assert [r.depth for r in rows] == [0, 1, 2, 0]
    assert rows[1].stance is not None and rows[1].stance.stance == "disputes"


def _report() -> Report:
    claims = _claims()
    comments = (
        Comment("k1", "Only one library closes in March.", author="Karin"),
        Comment("k2", "No, three close, it was in the council minutes.", author="Per", parent="k1"),
    )
    own = Claim(id="c5", text="Only one library closes in March.", start=0, end=33, origin="k1")
    info = SourceInfo("article", "post.html", "text/html", "en", 1, "0" * 64)
    return Report(
        schema="sourcecheck/report/v1",
        created="2026-12-07T12:00:00+00:00",
        tool_version="test",
        article=info,
        sources=(),
        verdicts=(_verdict(claims[1], "not_found"), _verdict(own, "supported")),
        skipped=(),
        options={},
        models={},
        comments=comments,
        stances=(
            Stance("k1", "disputes", "c2", "claim", 0.81, "text", 0.9),
            Stance("k2", "disputes", "k1", "comment", 0.66, "reply", 0.8),
        ),
    )


def test_stances_round_trip_through_the_json_report() -> None:
    report = _report()
    data = report_to_dict(report)
    assert data["stances"][0] == {
        "comment": "k1", "stance": "disputes", "target": "c2", "target_kind": "claim",
        "confidence": 0.81, "link": "text", "link_score": 0.9,
    }  # fmt: skip
    assert data["discussion"] == [
        {
            "claim": "c2",
            "disputed_by": ["k1"],
            "backed_by": [],
            "asked_by": [],
            "sources_side": "comment",
            "text": "c2 is disputed by comment k1 (Karin); the sources side with the comment.",
        }
    ]
    assert report_from_dict(data) == report
    # A report written before stances existed still reads.
    del data["stances"], data["discussion"]
    assert report_from_dict(data) == replace(report, stances=())


def test_markdown_and_html_show_the_thread() -> None:
    report = _report()
    md = report_to_markdown(report)
    assert "**Thread:** c2 is disputed by comment k1 (Karin)" in md
    thread = md[md.index("## Thread") :]
    assert "- **k1** (Karin) · disputes claim c2 · its claims: c5" in thread
    assert "  - **k2** (Per) · disputes comment k1" in thread
    page = report_to_html(report)
    assert 'data-filter="disputed"' in page
    assert 'data-disputed="yes"' in page
    assert '<section id="thread"' in page
    assert 'id="comment-k2"' in page
    # The reply is nested inside its parent's list item.
    k1 = page.index('id="comment-k1"')
    assert k1 < page.index('id="comment-k2"') < page.index("</li>", page.index('id="comment-k2"'))
    assert page.index('<ol class="comments">', k1) < page.index('id="comment-k2"')


def test_a_reply_with_a_figure_its_parent_lacks_goes_back_to_the_claim(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "Buses here are a joke, I gave up on them years ago."),
        Comment("k2", "41 percent late? I ride the 44 every day and it's never late.", parent="k1"),
        Comment("k3", "Same here, I drive now.", parent="k1"),
    ]
    links = link_comments(_claims(), comments, embedder)
    target, how, _ = links["k2"]
    assert target is not None and (target.id, how) == ("c3", "numbers")
    target, how, _ = links["k3"]
    assert target is not None and (target.id, how) == ("k1", "reply")


def test_a_swedish_question_about_a_claim_asks(embedder) -> None:  # type: ignore[no-untyped-def]
    comments = [
        Comment("k1", "Gäller de 41 procenten hela vintern eller bara januari?", language="sv")
    ]
    stance = analyse_thread(_claims(), comments, TableScorer(), embedder)[0]
    assert (stance.stance, stance.target, stance.target_kind) == ("asks", "c3", "claim")
