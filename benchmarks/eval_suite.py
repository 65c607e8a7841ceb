"""The benchmark suite: every grounded set in ``../shared/eval`` that
:mod:`.datasets` reads, each with a dev part (where the decision threshold is chosen, at
maximum balanced accuracy) and a test part (where that threshold is applied unchanged),
measured for several scorers side by side. ``benchmarks/evaluate.py`` is its command line.

Dev → test, per set:

* FRANK: valid → test. SciFact: train → validation.
* Sets with one split here (WiCE dev, the SummaC sets, SweNLI dev, XNLI dev, COVID-Fact,
  HealthVer dev, CLIMATE-FEVER, Factcheck-GPT): a seeded 20% of the set → the other 80%.

The SummaC sets keep only the documents the shipped verifier was not trained on
(:func:`.datasets.summac_heldout`; the ``baseline`` was trained on all of SummaC, so its
SummaC figures are not held out), and SweNLI dev only the half of its premises the
verifier was not trained on (:func:`.datasets.swenli_heldout`; the ``baseline`` never saw
SweNLI). Factcheck-GPT is a training set of both trained scorers
and is listed for comparison only.

A claim's score is the highest support over the passages of its document; a claim of
several sentences (most summaries in FRANK and SummaC polytope and summeval) is cut into
them (``sourcecheck check`` checks an article sentence by sentence), and scores the mean of
its sentences' (:func:`.metrics.score_documents`; ``per_sentence=False`` scores it
whole). Rows can be capped per part (``limit``: a seeded sample, so a quick run measures
the same rows every time).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np
import numpy.typing as npt

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import PER_SENTENCE, WHOLE_CLAIM, best_threshold, score_documents
from sourcecheck.evaluate.userdata import Result, measure
from sourcecheck.score.base import Pair, Scorer

SEED = 7
#: Share of a single-split set used to choose the threshold.
DEV_SHARE = 0.2


@dataclass(frozen=True)
class EvalSet:
    """One benchmark set: ``dev`` chooses the threshold, ``test`` is measured."""

    name: str
    title: str
    dev: tuple[ds.Example, ...]
    test: tuple[ds.Example, ...]
    threshold_from: str


def slice_split(n: int, seed: int = SEED) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A seeded DEV_SHARE / rest split of ``range(n)`` (threshold part, evaluation part)."""
    order = np.random.default_rng(seed).permutation(n)
    cut = round(DEV_SHARE * n)
    return np.sort(order[:cut]), np.sort(order[cut:])


def sample(examples: Sequence[ds.Example], limit: int | None, seed: int = SEED) -> list[ds.Example]:
    """At most ``limit`` of ``examples``: a seeded sample, stratified by label (each label
    keeps its share, and at least one row where it has any), in the original order."""
    if limit is None or len(examples) <= limit:
        return list(examples)
    rng = random.Random(seed)
    positives = [i for i, e in enumerate(examples) if e.label == 1]
    negatives = [i for i, e in enumerate(examples) if e.label != 1]
    n_pos = round(limit * len(positives) / len(examples))
    n_pos = min(len(positives), max(n_pos, 1 if positives else 0), limit - (1 if negatives else 0))
    keep = rng.sample(positives, n_pos) + rng.sample(negatives, limit - n_pos)
    return [examples[i] for i in sorted(keep)]


def _sliced(examples: Iterable[ds.Example]) -> tuple[list[ds.Example], list[ds.Example]]:
    rows = list(examples)
    pick, rest = slice_split(len(rows))
    return [rows[i] for i in pick], [rows[i] for i in rest]


SetReader = Callable[[], tuple[list[ds.Example], list[ds.Example], str]]


def _one_split(title: str, read: Callable[[], Iterable[ds.Example]]) -> SetReader:
    def build() -> tuple[list[ds.Example], list[ds.Example], str]:
        dev, test = _sliced(read())
        return dev, test, f"seeded {DEV_SHARE:.0%} of {title}"

    return build


def _frank() -> tuple[list[ds.Example], list[ds.Example], str]:
    return list(ds.frank("valid")), list(ds.frank("test")), "FRANK valid"


def _scifact() -> tuple[list[ds.Example], list[ds.Example], str]:
    return list(ds.scifact("train")), list(ds.scifact("validation")), "SciFact train"


def _xnli(language: str) -> Callable[[], Iterable[ds.Example]]:
    return lambda: ds.xnli(language, "en")


def _summac(name: str) -> Callable[[], Iterable[ds.Example]]:
    return lambda: ds.summac(name, heldout_only=True)


#: name -> (title, reader). The order is the table's.
SETS: dict[str, tuple[str, SetReader]] = {
    "wice": ("WiCE dev (claim level)", _one_split("WiCE dev", ds.wice_dev)),
    "frank": ("FRANK test", _frank),
    **{
        f"summac_{name}": (
            f"SummaC {name}, held-out documents",
            _one_split(f"SummaC {name} (held out)", _summac(name)),
        )
        for name in ds.SUMMAC_SETS
    },
    "swenli": (
        "SweNLI dev (sv), held-out premises",
        _one_split("SweNLI dev (held out)", lambda: ds.swenli_dev(heldout_only=True)),
    ),
    **{
        f"xnli_en_{lang}": (
            f"XNLI dev, en hypothesis / {lang} premise",
            _one_split(f"XNLI en/{lang}", _xnli(lang)),
        )
        for lang in ("de", "fr", "es")
    },
    "scifact": ("SciFact validation", _scifact),
    "covidfact": ("COVID-Fact", _one_split("COVID-Fact", ds.covidfact)),
    "healthver": ("HealthVer dev", _one_split("HealthVer dev", ds.healthver_dev)),
    "climate_fever": ("CLIMATE-FEVER", _one_split("CLIMATE-FEVER", ds.climate_fever)),
    "factcheck_gpt": (
        "Factcheck-GPT stance (a training set of both trained scorers)",
        _one_split("Factcheck-GPT", ds.factcheck_gpt_stance),
    ),
}


def load_sets(
    names: Sequence[str] | None = None, *, limit: int | None = None, seed: int = SEED
) -> list[EvalSet]:
    """The sets named (all of :data:`SETS` by default), each part capped at ``limit``."""
    chosen = list(SETS) if names is None else list(names)
    unknown = [n for n in chosen if n not in SETS]
    if unknown:
        raise ValueError(f"unknown set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    out = []
    for name in chosen:
        title, read = SETS[name]
        dev, test, origin = read()
        out.append(
            EvalSet(
                name=name,
                title=title,
                dev=tuple(sample(dev, limit, seed)),
                test=tuple(sample(test, limit, seed)),
                threshold_from=origin,
            )
        )
    return out


def example_scores(
    scorer: Scorer, examples: Sequence[ds.Example], *, per_sentence: bool = True
) -> tuple[list[float], int, float]:
    """Document scores of ``examples``, the number of pairs scored, and the seconds taken.
    A set's examples share their languages (the first example's are passed on)."""
    if not examples:
        return [], 0, 0.0
    started = time.perf_counter()
    scores, pairs = score_documents(
        scorer,
        [(e.claim, e.passages) for e in examples],
        claim_language=examples[0].language,
        passage_language=examples[0].premise_language,
        per_sentence=per_sentence,
    )
    return scores, pairs, time.perf_counter() - started


def evaluate_set(scorer: Scorer, evalset: EvalSet, *, per_sentence: bool = True) -> Result:
    """Threshold from the dev part (maximum balanced accuracy), measured on the test part;
    speed counts both parts."""
    dev_scores, dev_pairs, dev_seconds = example_scores(
        scorer, evalset.dev, per_sentence=per_sentence
    )
    test_scores, test_pairs, test_seconds = example_scores(
        scorer, evalset.test, per_sentence=per_sentence
    )
    threshold = best_threshold([e.label for e in evalset.dev], dev_scores)
    return measure(
        scorer,
        [e.label for e in evalset.test],
        test_scores,
        threshold=threshold,
        threshold_from=evalset.threshold_from,
        data_name=evalset.name,
        pairs=dev_pairs + test_pairs,
        seconds=dev_seconds + test_seconds,
        claims=len(evalset.dev) + len(evalset.test),
        claim_scoring=PER_SENTENCE if per_sentence else WHOLE_CLAIM,
    )


def pairs_of(examples: Iterable[ds.Example], n: int) -> list[Pair]:
    """The first ``n`` claim–passage pairs of ``examples`` (for speed runs)."""
    every = (Pair(e.claim, p, e.language, e.premise_language) for e in examples for p in e.passages)
    return list(islice(every, n))


def clear_feature_caches() -> None:
    """Forget the pair features and lexical analyses cached in this process, so that a
    speed run measures them again (embeddings are cached by the embedder, not here)."""
    from sourcecheck.score import features, lexical

    features.clear_caches()
    lexical.clear_caches()


def speed(scorer: Scorer, pairs: Sequence[Pair], clear: Callable[[], None] | None = None) -> float:
    """Pairs per second of one ``score_batch`` call over ``pairs`` (after a 2-pair warm-up
    that loads the model; ``clear`` runs just before the clock starts)."""
    if len(pairs) <= 2:
        raise ValueError(f"a speed run needs more than 2 pairs, got {len(pairs)}")
    scorer.score_batch(pairs[:2])
    if clear is not None:
        clear()
    started = time.perf_counter()
    scorer.score_batch(pairs[2:])
    return (len(pairs) - 2) / (time.perf_counter() - started)


# -- the table ----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f}"


def markdown(sets: Sequence[EvalSet], results: dict[str, dict[str, Result]]) -> str:
    """One table: a row per set, a column per model; each cell ``BAcc [95% CI] · AUC``.
    Then the per-set details (threshold, BAcc at the shipped threshold, ECE, confusion)."""
    models = list(results)
    lines = [
        "| set (n test / n dev) | threshold from | " + " | ".join(models) + " |",
        "|---|---|" + "---|" * len(models),
    ]
    for s in sets:
        cells = []
        for m in models:
            r = results[m][s.name]
            cells.append(
                f"{_pct(r.balanced_accuracy)} [{_pct(r.balanced_accuracy_low)}–"
                f"{_pct(r.balanced_accuracy_high)}] · AUC {_pct(r.auc)}"
            )
        lines.append(
            f"| {s.title} ({len(s.test)} / {len(s.dev)}) | {s.threshold_from} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "| set | model | threshold | BAcc @ dev threshold | BAcc @ shipped threshold "
        "| ECE | tp/fp/tn/fn | pairs | pairs/s | claims/s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sets:
        for m in models:
            r = results[m][s.name]
            c = r.confusion
            lines.append(
                f"| {s.name} | {m} | {r.threshold:.3f} | {_pct(r.balanced_accuracy)} "
                f"| {_pct(r.balanced_accuracy_shipped)} (t={r.shipped_threshold:.3f}) "
                f"| {r.ece:.3f} | {c['tp']}/{c['fp']}/{c['tn']}/{c['fn']} | {r.pairs} "
                f"| {r.pairs_per_second:.1f} | {r.claims_per_second:.2f} |"
            )
    return "\n".join(lines) + "\n"
