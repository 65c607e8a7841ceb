"""The comment thread as a discussion: what each comment answers, and how.

Each comment of the article's thread gets a :class:`~sourcecheck.model.Stance`: the
article claim or the parent comment it answers (its *target*) and whether it ``agrees``,
``disputes``, ``asks`` about it or only ``comments``.

**Linking** goes by what the comment says, not only by where it sits. Every article claim
is a candidate: a comment that quotes it, repeats its numbers or says the same thing in
other words (the multilingual-e5 cosine of the two, relative to the comment's closeness to
the article as a whole) points at it. A reply answers its parent unless it points at an
article claim clearly more than at the parent (it quotes the article to settle the
argument, or repeats a claim's figure that the parent does not have).

**Stance** is read from the comment's wording and by the verifier, the same
cross-encoder that checks claims against sources: the comment is the passage and the
target the claim (:func:`stance_features`). The learned stance model
(:mod:`sourcecheck.stance`) decides from these readings and the comment's vector when it
was trained on the scorer in use; otherwise the rules of :func:`decide_stance` do: where
the comment entails the target it agrees, where it says the opposite it disputes, a
comment that ends in a question and does not contradict its target asks, anything else
comments.

:func:`discussion` then gathers, for each article claim, the comments that dispute,
back or ask about it and which side the sources take: the claim's own verdict, and the
verdicts of the disputing comments' claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import numpy as np

from sourcecheck.embed import Embedder
from sourcecheck.errors import ModelError
from sourcecheck.lang import detect_language
from sourcecheck.model import Claim, Comment, LinkKind, Stance, StanceLabel, Verdict
from sourcecheck.numbers import find_numbers
from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.segment import split_sentences
from sourcecheck.tokens import negation_count

if TYPE_CHECKING:
    from sourcecheck.stance import LinkModel, StanceModel

#: The version of the linking and stance rules, recorded in the report (``models.thread``).
THREAD_RULES = "thread-v1"


@dataclass(frozen=True)
class ThreadThresholds:
    """The numbers the rules use. The stance thresholds (``disputes``, ``agrees``,
    ``cue``, ``question_share``) were chosen by a grid search on the 7 development threads
    of the stance set (``benchmarks/stance.py --split dev``), never on its test threads;
    the linking numbers were set before any measurement and not tuned."""

    #: A comment's best claim must stand out from the article by this much (cosine to the
    #: claim minus the comment's mean cosine to all the article's claims) to be linked to
    #: it by its words alone.
    salience: float = 0.02
    #: A reply is linked to an article claim instead of its parent when the claim's link
    #: score beats the parent's cosine by this margin.
    reply_margin: float = 0.03
    #: Bonus to the link score for a quote of the claim, and for each shared number.
    quote_bonus: float = 0.2
    number_bonus: float = 0.06
    #: The verifier's contradiction probability from which a comment disputes its target.
    disputes: float = 0.25
    #: The verifier's support probability from which a comment agrees with its target.
    agrees: float = 0.5
    #: The stance cue's probability (its wording, :func:`stance_cues`) from which it alone
    #: says disputes or agrees.
    cue: float = 0.55
    #: Softmax temperature over the cue's cosines (e5 cosines are close together).
    cue_temperature: float = 0.02
    #: A comment asks when it ends in a question or this share of its words is in
    #: questions (and it disputes nothing).
    question_share: float = 0.3


DEFAULT_THRESHOLDS = ThreadThresholds()

_QUOTE = re.compile(r"[\"“”„«»‘’']([^\"“”„«»]{12,}?)[\"“”„«»‘’']")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class LinkTarget:
    id: str
    kind: Literal["claim", "comment"]
    text: str
    language: str | None


def _claim_target(claim: Claim) -> LinkTarget:
    return LinkTarget(claim.id, "claim", claim.text, claim.language)


def _numbers(text: str, language: str | None) -> set[float]:
    return {round(m.value, 6) for m in find_numbers(text, language) if m.kind != "ordinal"}


def _quotes_claim(comment: str, claim: str) -> bool:
    """The comment quotes (four words or more of) the claim."""
    words = [w.lower() for w in _WORD.findall(claim)]
    if len(words) < 4:
        return False
    grams = {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}
    for m in _QUOTE.finditer(comment):
        q = [w.lower() for w in _WORD.findall(m.group(1))]
        if any(" ".join(q[i : i + 4]) in grams for i in range(max(0, len(q) - 3))):
            return True
    return False


CUE_LABELS: tuple[StanceLabel, ...] = ("agrees", "disputes", "asks", "comments")


@cache
def _seeds() -> tuple[tuple[str, ...], tuple[int, ...]]:
    raw = json.loads(
        resources.files("sourcecheck").joinpath("data/stance-seeds.json").read_text("utf-8")
    )
    texts: list[str] = []
    labels: list[int] = []
    for k, label in enumerate(CUE_LABELS):
        for text in raw["seeds"][label]:
            texts.append(text)
            labels.append(k)
    return tuple(texts), tuple(labels)


def stance_cues(
    comments: Sequence[Comment],
    embedder: Embedder,
    th: ThreadThresholds = DEFAULT_THRESHOLDS,
) -> np.ndarray:
    """For each comment, a probability per stance (``CUE_LABELS`` order) from its wording
    alone: each sentence of the comment is compared with the seed sentences
    (``data/stance-seeds.json``) by the multilingual-e5 cosine; per stance the closest seed
    to any sentence counts, and a softmax turns the four into probabilities."""
    seeds, labels = _seeds()
    sv = np.asarray(embedder.queries(list(seeds)), dtype=np.float32)
    owner: list[int] = []
    sentences: list[str] = []
    for i, c in enumerate(comments):
        spans = split_sentences(c.text, c.language) or [(0, len(c.text))]
        for a, b in spans:
            if c.text[a:b].strip():
                owner.append(i)
                sentences.append(c.text[a:b].strip())
    out = np.full((len(comments), len(CUE_LABELS)), -1.0, dtype=np.float32)
    if sentences:
        qv = np.asarray(embedder.queries(sentences), dtype=np.float32)
        sims = qv @ sv.T
        lab = np.asarray(labels)
        for row, i in enumerate(owner):
            for k in range(len(CUE_LABELS)):
                out[i, k] = max(out[i, k], float(sims[row, lab == k].max()))
    z = (out - out.max(axis=1, keepdims=True)) / th.cue_temperature
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def comment_languages(comments: Sequence[Comment]) -> dict[str, str | None]:
    """Each comment's language: the loader's, else detected from its text."""
    return {c.id: c.language or detect_language(c.text) for c in comments}


def _closeness(
    claims: Sequence[Claim], comments: Sequence[Comment], embedder: Embedder
) -> tuple[np.ndarray, np.ndarray, list[set[float]]]:
    """The comments' e5 query vectors, their cosines to the claims (a row per comment;
    the embedder's rows are unit vectors) and each claim's figures."""
    cv = np.asarray(embedder.queries([c.text for c in comments]), dtype=np.float32)
    if not claims:
        return cv, np.zeros((len(comments), 0), dtype=np.float32), []
    av = np.asarray(embedder.queries([c.text for c in claims]), dtype=np.float32)
    return cv, cv @ av.T, [_numbers(c.text, c.language) for c in claims]


def _claim_link(
    text: str,
    numbers: set[float],
    claim: Claim,
    claim_numbers: set[float],
    cosine: float,
    th: ThreadThresholds,
) -> tuple[LinkKind, float, int, bool]:
    """How a comment (its ``text`` and figures) points at one article claim by the rules,
    and the link score: the cosine, plus a bonus per shared figure (two at most) and for a
    quote of the claim. Also the count of shared figures and whether it quotes."""
    shared = len(numbers & claim_numbers)
    quote = _quotes_claim(text, claim.text)
    how: LinkKind = "quote" if quote else "numbers" if shared else "text"
    score = cosine + th.number_bonus * min(shared, 2) + (th.quote_bonus if quote else 0.0)
    return how, score, shared, quote


def link_comments(
    claims: Sequence[Claim],
    comments: Sequence[Comment],
    embedder: Embedder,
    th: ThreadThresholds = DEFAULT_THRESHOLDS,
    engaged: frozenset[str] = frozenset(),
    langs: Mapping[str, str | None] | None = None,
) -> dict[str, tuple[LinkTarget | None, LinkKind, float]]:
    """For each comment id: (its target or None, how it was found, the link score).

    How: ``quote`` (it quotes the claim), ``numbers`` (it shares a figure with the
    claim), ``text`` (its words are closest to the claim), ``reply`` (it answers its
    parent), ``none``. ``langs``: :func:`comment_languages`, when the caller has them.
    The embedder's rows are unit vectors, so their dot products are cosines."""
    by_id = {c.id: c for c in comments}
    langs = langs if langs is not None else comment_languages(comments)
    out: dict[str, tuple[LinkTarget | None, LinkKind, float]] = {}
    if not comments:
        return out
    cv, sims, claim_numbers = _closeness(claims, comments, embedder)
    row = {c.id: i for i, c in enumerate(comments)}
    for comment in comments:
        i = row[comment.id]
        best: tuple[float, int, LinkKind] | None = None
        mine = _numbers(comment.text, langs[comment.id])
        if claims:
            mean = float(sims[i].mean())
            for j, claim in enumerate(claims):
                how, score, _, _ = _claim_link(
                    comment.text, mine, claim, claim_numbers[j], float(sims[i, j]), th
                )
                if best is None or score > best[0]:
                    best = (score, j, how)
            assert best is not None
            salient = best[2] != "text" or best[0] - mean >= th.salience
        parent = by_id.get(comment.parent or "")
        if parent is not None:
            parent_sim = float(cv[i] @ cv[row[parent.id]])
            if best is not None and salient and best[2] != "text":
                parent_numbers = _numbers(parent.text, langs[parent.id])
                # It quotes the article, or repeats a claim's figure the parent lacks.
                own = best[2] == "quote" or not (mine & claim_numbers[best[1]] <= parent_numbers)
                if own and best[0] >= parent_sim + th.reply_margin:
                    out[comment.id] = (_claim_target(claims[best[1]]), best[2], best[0])
                    continue
            target = LinkTarget(parent.id, "comment", parent.text, langs[parent.id])
            out[comment.id] = (target, "reply", parent_sim)
        elif best is not None and (salient or comment.id in engaged):
            out[comment.id] = (_claim_target(claims[best[1]]), best[2], best[0])
        else:
            out[comment.id] = (None, "none", best[0] if best else 0.0)
    return out


#: What a candidate target of a comment is described by, for the learned linker
#: (:class:`sourcecheck.stance.LinkModel`). Each kind of candidate (an article claim, the
#: comment's parent, no target) has features of its own, so one linear score ranks them.
LINK_FEATURES = (
    "claim",
    "claim_cosine",
    "claim_above_mean",
    "claim_below_best",
    "claim_best",
    "claim_numbers",
    "claim_new_numbers",
    "claim_quote",
    "claim_of_reply",
    "claim_above_parent",
    "claim_position",
    "parent",
    "parent_cosine",
    "parent_numbers",
    "parent_asks",
    "parent_best_gap",
    "none",
    "none_of_reply",
    "none_best_above_mean",
    "none_engaged",
    "none_has_numbers",
)


@dataclass(frozen=True)
class LinkCandidate:
    """One thing a comment may answer: an article claim, its parent comment, or nothing
    (``target`` None); how the rules would name the link and its score (the cosine plus
    the quote and number bonuses); its :data:`LINK_FEATURES`."""

    target: LinkTarget | None
    how: LinkKind
    score: float
    features: tuple[float, ...]


def link_candidates(
    claims: Sequence[Claim],
    comments: Sequence[Comment],
    embedder: Embedder,
    th: ThreadThresholds = DEFAULT_THRESHOLDS,
    engaged: frozenset[str] = frozenset(),
    langs: Mapping[str, str | None] | None = None,
) -> dict[str, list[LinkCandidate]]:
    """For each comment id, every target it may answer, described for the learned linker:
    each article claim, its parent (a reply), and no target."""
    by_id = {c.id: c for c in comments}
    langs = langs if langs is not None else comment_languages(comments)
    out: dict[str, list[LinkCandidate]] = {}
    if not comments:
        return out
    cv, sims, claim_numbers = _closeness(claims, comments, embedder)
    row = {c.id: i for i, c in enumerate(comments)}
    index = {name: k for k, name in enumerate(LINK_FEATURES)}

    def vector(**values: float) -> tuple[float, ...]:
        v = [0.0] * len(LINK_FEATURES)
        for name, value in values.items():
            v[index[name]] = float(value)
        return tuple(v)

    for comment in comments:
        i = row[comment.id]
        mine = _numbers(comment.text, langs[comment.id])
        parent = by_id.get(comment.parent or "")
        parent_sim = float(cv[i] @ cv[row[parent.id]]) if parent is not None else 0.0
        parent_numbers = _numbers(parent.text, langs[parent.id]) if parent is not None else set()
        reply = 1.0 if parent is not None else 0.0
        best = float(sims[i].max()) if claims else 0.0
        mean = float(sims[i].mean()) if claims else 0.0
        options: list[LinkCandidate] = []
        for j, claim in enumerate(claims):
            cos = float(sims[i, j])
            how, score, shared, quote = _claim_link(
                comment.text, mine, claim, claim_numbers[j], cos, th
            )
            options.append(
                LinkCandidate(
                    _claim_target(claim),
                    how,
                    score,
                    vector(
                        claim=1,
                        claim_cosine=cos,
                        claim_above_mean=cos - mean,
                        claim_below_best=cos - best,
                        claim_best=1.0 if cos >= best else 0.0,
                        claim_numbers=min(shared, 2) / 2,
                        claim_new_numbers=1.0 if mine & (claim_numbers[j] - parent_numbers) else 0,
                        claim_quote=1.0 if quote else 0.0,
                        claim_of_reply=reply,
                        claim_above_parent=(cos - parent_sim) if parent is not None else 0.0,
                        claim_position=j / max(1, len(claims) - 1),
                    ),
                )
            )
        if parent is not None:
            asks = _question_shape(parent.text, langs[parent.id])[0]
            options.append(
                LinkCandidate(
                    LinkTarget(parent.id, "comment", parent.text, langs[parent.id]),
                    "reply",
                    parent_sim,
                    vector(
                        parent=1,
                        parent_cosine=parent_sim,
                        parent_numbers=1.0 if mine & parent_numbers else 0.0,
                        parent_asks=1.0 if asks else 0.0,
                        parent_best_gap=parent_sim - best,
                    ),
                )
            )
        options.append(
            LinkCandidate(
                None,
                "none",
                best,
                vector(
                    none=1,
                    none_of_reply=reply,
                    none_best_above_mean=best - mean,
                    none_engaged=1.0 if comment.id in engaged else 0.0,
                    none_has_numbers=1.0 if mine else 0.0,
                ),
            )
        )
        out[comment.id] = options
    return out


@dataclass(frozen=True)
class StanceFeatures:
    """What the stance of one comment is decided from (:func:`decide_stance`)."""

    comment: str
    target: str | None
    target_kind: Literal["claim", "comment"] | None
    link: LinkKind
    link_score: float
    #: The verifier's calibrated support and contradiction of the target by the comment.
    support: float
    contradiction: float
    #: The wording cue, per stance in ``CUE_LABELS`` order.
    cue: tuple[float, float, float, float]
    #: The comment ends in a question; the share of its words in questions.
    ends_with_question: bool
    question_share: float
    #: The verifier read the other way round: the target as the passage, the comment as
    #: the claim (a comment that restates its target is supported by it).
    reverse_support: float = 0.0
    reverse_contradiction: float = 0.0
    #: The multilingual-e5 cosine of the comment and its target (0 without a target).
    target_cosine: float = 0.0
    #: Of the comment's figures, the share its target has too and the share it lacks (a
    #: reply that gives another figure usually disputes it); 0 where it has none.
    numbers_shared: float = 0.0
    numbers_new: float = 0.0
    #: The comment has a negation cue of its language.
    negated: bool = False
    #: The target is a comment that ends in a question (a reply answers it).
    target_asks: bool = False


def _question_shape(text: str, language: str | None) -> tuple[bool, float]:
    spans = split_sentences(text, language) or [(0, len(text))]
    sentences = [text[a:b].strip() for a, b in spans if text[a:b].strip()] or [text.strip()]
    words = [len(_WORD.findall(x)) for x in sentences]
    asked = sum(w for x, w in zip(sentences, words, strict=True) if x.endswith("?"))
    last = sentences[-1].rstrip(" )\"'”»🙂😅😂🙄")
    return last.endswith("?"), asked / max(1, sum(words))


ScoreFn = Callable[[Sequence[Pair]], list[PairScore]]


def stance_features(
    claims: Sequence[Claim],
    comments: Sequence[Comment],
    scorer: Scorer,
    embedder: Embedder,
    th: ThreadThresholds = DEFAULT_THRESHOLDS,
    score: ScoreFn | None = None,
    linker: LinkModel | None = None,
) -> list[StanceFeatures]:
    """Each comment's target and the readings its stance is decided from. ``score``
    scores pairs in place of ``scorer.score_batch`` (the pipeline passes its score cache).
    ``linker``: the learned linker chooses each comment's target (the rules of
    :func:`link_comments` otherwise)."""
    if not comments:
        return []
    cues = stance_cues(comments, embedder, th)
    engaged = frozenset(
        c.id
        for c, p in zip(comments, cues, strict=True)
        if CUE_LABELS[int(p.argmax())] != "comments"
    )
    langs = comment_languages(comments)
    article = [c for c in claims if c.origin == "article"]
    if linker is None:
        links = link_comments(article, comments, embedder, th, engaged, langs)
    else:
        candidates = link_candidates(article, comments, embedder, th, engaged, langs)
        links = {cid: linker.choose(options) for cid, options in candidates.items()}
    pairs: list[Pair] = []
    order: list[str] = []
    for comment in comments:
        target, _, _ = links[comment.id]
        if target is not None:
            pairs.append(Pair(target.text, comment.text, target.language, langs[comment.id]))
            pairs.append(Pair(comment.text, target.text, langs[comment.id], target.language))
            order.append(comment.id)
    scores = (score or scorer.score_batch)(pairs) if pairs else []
    scored = {cid: (scores[2 * k], scores[2 * k + 1]) for k, cid in enumerate(order)}
    by_id = {c.id: c for c in comments}
    targets = {cid: t for cid, (t, _, _) in links.items() if t is not None}
    cosine: dict[str, float] = {}
    if targets:
        ids = list(targets)
        cv = np.asarray(embedder.queries([by_id[c].text for c in ids]), dtype=np.float32)
        tv = np.asarray(embedder.queries([targets[c].text for c in ids]), dtype=np.float32)
        cosine = {c: float(v) for c, v in zip(ids, (cv * tv).sum(axis=1), strict=True)}
    out = []
    for comment, cue in zip(comments, cues, strict=True):
        target, how, link_score = links[comment.id]
        s, r = scored.get(comment.id, (None, None))
        ends, share = _question_shape(comment.text, langs[comment.id])
        mine = _numbers(comment.text, langs[comment.id])
        theirs = _numbers(target.text, target.language) if target else set()
        shared = len(mine & theirs) / len(mine) if mine else 0.0
        new = len(mine - theirs) / len(mine) if mine and target else 0.0
        target_asks = (
            target is not None
            and target.kind == "comment"
            and _question_shape(target.text, target.language)[0]
        )
        out.append(
            StanceFeatures(
                comment=comment.id,
                target=target.id if target else None,
                target_kind=target.kind if target else None,
                link=how,
                link_score=link_score,
                support=s.support if s else 0.0,
                contradiction=(s.contradiction or 0.0) if s else 0.0,
                cue=(float(cue[0]), float(cue[1]), float(cue[2]), float(cue[3])),
                ends_with_question=ends,
                question_share=share,
                reverse_support=r.support if r else 0.0,
                reverse_contradiction=(r.contradiction or 0.0) if r else 0.0,
                target_cosine=cosine.get(comment.id, 0.0),
                numbers_shared=shared,
                numbers_new=new,
                negated=negation_count(comment.text, langs[comment.id]) > 0,
                target_asks=target_asks,
            )
        )
    return out


def decide_stance(f: StanceFeatures, th: ThreadThresholds = DEFAULT_THRESHOLDS) -> Stance:
    """The stance from its readings: the verifier's (does the comment entail or contradict
    its target?) and the wording cue (does it say, in any words, that it disputes, backs
    or asks?). Either can make a comment dispute or agree; a comment that is mostly a
    question and disputes nothing asks."""
    cue_agrees, cue_disputes, cue_asks, cue_comments = f.cue
    top = CUE_LABELS[max(range(4), key=lambda k: f.cue[k])]
    # The verifier read both ways: a reply that restates its target is supported by it
    # rather than supporting it.
    contradiction = max(f.contradiction, f.reverse_contradiction)
    support = max(f.support, f.reverse_support)
    disputes = max(contradiction, cue_disputes if top == "disputes" else 0.0)
    agrees = max(support, cue_agrees if top == "agrees" else 0.0)
    question = f.ends_with_question or f.question_share >= th.question_share
    label: StanceLabel
    if (contradiction >= th.disputes or (top == "disputes" and cue_disputes >= th.cue)) and (
        disputes >= agrees
    ):
        label, confidence = "disputes", disputes
    elif question:
        label, confidence = "asks", cue_asks
    elif support >= th.agrees or (top == "agrees" and cue_agrees >= th.cue):
        label, confidence = "agrees", agrees
    else:
        label, confidence = "comments", cue_comments
    return Stance(
        comment=f.comment,
        stance=label,
        target=f.target,
        target_kind=f.target_kind,
        confidence=round(float(confidence), 4),
        link=f.link,
        link_score=round(f.link_score, 4),
    )


def analyse_thread(
    claims: Sequence[Claim],
    comments: Sequence[Comment],
    scorer: Scorer,
    embedder: Embedder,
    th: ThreadThresholds = DEFAULT_THRESHOLDS,
    score: ScoreFn | None = None,
    model: StanceModel | None = None,
) -> tuple[Stance, ...]:
    """A stance for every comment, in thread order. ``claims``: the article's checked
    claims (comment claims are not targets: a comment answers the article or a comment).
    ``model``: the learned stance (:mod:`sourcecheck.stance`), which must have been
    trained on this scorer's readings, and its learned linker chooses the targets;
    without it the rules do both."""
    if model is None:
        features = stance_features(claims, comments, scorer, embedder, th, score)
        return tuple(decide_stance(f, th) for f in features)
    if model.scorer_model_id != scorer.model_id:
        raise ModelError(
            f"the stance model {model.model_id} reads {model.scorer_model_id}'s scores, "
            f"not {scorer.model_id}'s"
        )
    features = stance_features(claims, comments, scorer, embedder, th, score, model.linker)
    langs = comment_languages(comments)
    return model.decide(
        features, [c.text for c in comments], [langs[c.id] for c in comments], embedder
    )


@dataclass(frozen=True)
class ClaimDiscussion:
    """What the thread says of one article claim, and which side the sources take."""

    claim: str
    disputed_by: tuple[str, ...]
    backed_by: tuple[str, ...]
    asked_by: tuple[str, ...]
    #: ``article``: the sources back the claim; ``comment``: they side with a disputing
    #: comment (the claim is contradicted, or a disputing comment's own claim is
    #: supported while the article's is not); ``unsettled``: the sources settle neither.
    sources_side: str | None

    def sentence(self, author: Mapping[str, str | None] | None = None) -> str:
        """ "c6 is disputed by comment c7 (Karin); the sources side with the comment."."""

        def who(ids: Sequence[str]) -> str:
            names = [
                ("" if c.lower().startswith("comment") else "comment ")
                + c
                + (f" ({author[c]})" if author and author.get(c) else "")
                for c in ids
            ]
            return ", ".join(names)

        parts = []
        if self.disputed_by:
            parts.append(f"disputed by {who(self.disputed_by)}")
        if self.backed_by:
            parts.append(f"backed by {who(self.backed_by)}")
        if self.asked_by:
            parts.append(f"questioned by {who(self.asked_by)}")
        text = f"{self.claim} is " + "; ".join(parts) if parts else f"{self.claim}: no replies"
        side = {
            "article": "the sources side with the article",
            "comment": "the sources side with the comment",
            "unsettled": "the sources settle neither",
        }.get(self.sources_side or "")
        return text + (f"; {side}." if side and self.disputed_by else ".")


def discussion(
    verdicts: Sequence[Verdict], stances: Sequence[Stance]
) -> dict[str, ClaimDiscussion]:
    """Per article claim that a comment answers: who disputes, backs or asks about it."""
    by_claim = {v.claim.id: v for v in verdicts if v.claim.origin == "article"}
    by_origin: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_origin.setdefault(v.claim.origin, []).append(v)
    out: dict[str, ClaimDiscussion] = {}
    for claim_id, verdict in by_claim.items():
        mine = [s for s in stances if s.target == claim_id and s.target_kind == "claim"]
        if not mine:
            continue
        disputed = tuple(s.comment for s in mine if s.stance == "disputes")
        side: str | None = None
        if disputed:
            own = [v.label for c in disputed for v in by_origin.get(c, ())]
            if verdict.label == "contradicted" or (
                "supported" in own and verdict.label != "supported"
            ):
                side = "comment"
            elif verdict.label == "supported":
                side = "article"
            else:
                side = "unsettled"
        out[claim_id] = ClaimDiscussion(
            claim=claim_id,
            disputed_by=disputed,
            backed_by=tuple(s.comment for s in mine if s.stance == "agrees"),
            asked_by=tuple(s.comment for s in mine if s.stance == "asks"),
            sources_side=side,
        )
    return out


@dataclass(frozen=True)
class ThreadRow:
    """One comment as the thread shows it: nested under its parent, with its stance and
    the verdicts of its own claims."""

    comment: Comment
    depth: int
    stance: Stance | None
    verdicts: tuple[Verdict, ...]


def thread_rows(
    comments: Sequence[Comment], stances: Sequence[Stance], verdicts: Sequence[Verdict]
) -> list[ThreadRow]:
    """The comments in page order, each with its nesting depth (a comment whose parent is
    not in the thread counts as top-level)."""
    ids = {c.id for c in comments}
    depth: dict[str, int] = {}
    for c in comments:
        depth[c.id] = depth.get(c.parent, -1) + 1 if c.parent in ids else 0
    stance = {s.comment: s for s in stances}
    own: dict[str, list[Verdict]] = {}
    for v in verdicts:
        own.setdefault(v.claim.origin, []).append(v)
    return [ThreadRow(c, depth[c.id], stance.get(c.id), tuple(own.get(c.id, ()))) for c in comments]
