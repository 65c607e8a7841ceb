"""The verdict benchmark: whole-pipeline verdicts, citation checks and evidence, scored
against what a fact-checker accepts. Markdown to stdout (``--json OUT`` for the figures).

    OMP_NUM_THREADS=2 python benchmarks/verdicts.py [--suites ntrex,handwritten,wice,vitaminc]
        [--decisions v1,v2] [--ntrex-docs 10] [--languages en,sv,...] [--wice 30]
        [--vitaminc 120] [--model verifier] [--json OUT] [--cases OUT.jsonl]

Each group (one source document and the claims made about it, see ``verdict_suites.py``)
runs through ``check_documents`` once per decision rule set; the verifier's scores are
cached in the process, so the rule sets are compared on the same scores in one run, today's
(``v1``) first. Per suite and source language:

- accuracy: the verdict is among the accepted ones (a claim the tool skipped, or split so
  that none of its parts gets an accepted verdict, counts as wrong);
- precision and recall of ``supported``, ``contradicted``, ``not_found`` (the truth is the
  first accepted verdict);
- flips: ``supported`` where the truth is contradicted or absent, ``contradicted`` where
  it is supported;
- per kind of case (stated, number, date, negation, name, unrelated; the hand-written
  tags): the share of accepted verdicts, and of ``supported``;
- evidence recall: the decisive source sentence overlaps an evidence item shown (cases
  whose truth is supported or contradicted); candidate recall: it overlaps one of the
  passages the verifier scored;
- citation-check accuracy where a case expects one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verdict_suites import (
    Case,
    Group,
    handwritten_groups,
    ntrex_groups,
    overlaps,
    vitaminc_groups,
    wice_groups,
)

from sourcecheck.config import DECISIONS, resolve_options
from sourcecheck.embed import default_embedder
from sourcecheck.load import load_bytes
from sourcecheck.model import Document, Verdict
from sourcecheck.pipeline import check_documents
from sourcecheck.score.registry import shared_scorer
from sourcecheck.verdict import ClaimEvidence

LABELS = ("supported", "contradicted", "not_found")


@dataclass(frozen=True)
class Outcome:
    """One case under one rule set."""

    suite: str
    group: str
    language: str
    case: str
    kind: str
    tags: tuple[str, ...]
    decision: str
    claim: str
    accept: tuple[str, ...]
    verdict: str  # a verdict, or "skipped"
    score: float | None
    citation_expected: str | None
    citation: str | None
    evidence_hit: bool | None  # None: the case names no decisive passage
    candidate_hit: bool | None
    reason: str
    #: The scored candidates of the case's first claim, best support first (for reading
    #: what the decision saw): support, contradiction, dense cosine, retrieval, text.
    candidates: tuple[tuple[float, float | None, float, str, str], ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict in self.accept

    @property
    def truth(self) -> str:
        return self.accept[0]

    @property
    def flip(self) -> bool:
        if self.verdict == "supported":
            return not ({"supported", "partially_supported"} & set(self.accept))
        if self.verdict == "contradicted":
            return "supported" in self.accept and "contradicted" not in self.accept
        return False


def _find_span(doc: Document, text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    at = doc.text.find(text.strip())
    if at < 0:
        # PDFs and text loaders fold whitespace; search with runs of spaces equalised.
        pattern = r"\s+".join(re.escape(w) for w in text.split())
        m = re.search(pattern, doc.text)
        return (m.start(), m.end()) if m else None
    return at, at + len(text.strip())


def run_group(group: Group, decisions: Sequence[str], model: str) -> list[Outcome]:
    source = load_bytes(group.source, name=group.source_name, doc_id=group.id.split(":")[1])
    outcomes: list[Outcome] = []
    by_lang: dict[str, list[Case]] = defaultdict(list)
    for case in group.cases:
        by_lang[case.claim_language].append(case)
    for lang, cases in by_lang.items():
        # One paragraph per claim, so that each claim's sentences map back to its case.
        text = "\n\n".join(c.claim for c in cases) + "\n"
        article = load_bytes(text.encode("utf-8"), name=f"article-{lang}.txt", doc_id="article")
        spans = []
        at = 0
        for c in cases:
            # The loader may fold whitespace: find each paragraph by its first words.
            start = article.text.find(c.claim.split()[0], at)
            spans.append(start)
            at = start + 1
        bounds = [*spans[1:], len(article.text) + 1]
        for decision in decisions:
            options, origins = resolve_options({"model": model, "decision": decision})
            traces: dict[int, ClaimEvidence] = {}

            def keep(
                item: ClaimEvidence, verdict: Verdict, into: dict[int, ClaimEvidence] = traces
            ) -> None:
                into[item.claim.start] = item

            report = check_documents(
                article, [source], options=options, option_origins=origins, trace=keep
            )
            for k, case in enumerate(cases):
                mine = [
                    v
                    for v in report.verdicts
                    if v.claim.origin == "article" and spans[k] <= v.claim.start < bounds[k]
                ]
                outcomes.append(_outcome(group, case, decision, mine, traces, source))
    return outcomes


def _outcome(
    group: Group,
    case: Case,
    decision: str,
    verdicts: list[Verdict],
    traces: dict[int, ClaimEvidence],
    source: Document,
) -> Outcome:
    span = _find_span(source, case.evidence)
    if not verdicts:
        verdict, score, citation, reason = "skipped", None, None, "no claim extracted"
        ev_hit = cand_hit = False if span else None
    else:
        # A case the tool split into several claims: the first part whose verdict is not
        # accepted speaks for it (a case is right only when every part is).
        wrong = [v for v in verdicts if v.label not in case.accept]
        v = wrong[0] if wrong else verdicts[0]
        verdict, score, citation, reason = v.label, v.score, v.citation_check, v.reason
        ev_hit = cand_hit = None
        if span is not None and case.accept[0] in ("supported", "contradicted"):
            ev_hit = any(overlaps(span, (e.start, e.end)) for w in verdicts for e in w.evidence)
            cand_hit = any(
                overlaps(span, (c.passage.start, c.passage.end))
                for w in verdicts
                if w.claim.start in traces
                for c in traces[w.claim.start].candidates
            )
    seen = traces.get(verdicts[0].claim.start) if verdicts else None
    cands = tuple(
        sorted(
            (
                (
                    round(c.support, 3),
                    None if c.score.contradiction is None else round(c.score.contradiction, 3),
                    round(c.dense, 3),
                    c.retrieval,
                    c.passage.text[:160],
                )
                for c in (seen.candidates if seen else ())
            ),
            key=lambda t: -t[0],
        )
    )
    return Outcome(
        suite=group.suite,
        group=group.id,
        language=group.language,
        case=case.id,
        kind=case.kind,
        tags=case.tags,
        decision=decision,
        claim=case.claim,
        accept=case.accept,
        verdict=verdict,
        score=score,
        citation_expected=case.citation,
        citation=citation,
        evidence_hit=ev_hit,
        candidate_hit=cand_hit,
        reason=reason,
        candidates=cands,
    )


# ---------------------------------------------------------------------------------------
# Figures


def _share(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def figures(outs: Sequence[Outcome]) -> dict[str, object]:
    n = len(outs)
    fig: dict[str, object] = {
        "n": n,
        "accuracy": _share(sum(o.correct for o in outs), n),
        "flips": _share(sum(o.flip for o in outs), n),
        "flip_count": sum(o.flip for o in outs),
        "skipped": sum(o.verdict == "skipped" for o in outs),
    }
    for label in LABELS:
        said = [o for o in outs if o.verdict == label]
        true = [o for o in outs if o.truth == label]
        fig[f"{label}_precision"] = _share(sum(label in o.accept for o in said), len(said))
        fig[f"{label}_recall"] = _share(sum(o.verdict == label for o in true), len(true))
    ev = [o for o in outs if o.evidence_hit is not None]
    fig["evidence_recall"] = _share(sum(bool(o.evidence_hit) for o in ev), len(ev))
    fig["candidate_recall"] = _share(sum(bool(o.candidate_hit) for o in ev), len(ev))
    cit = [o for o in outs if o.citation_expected is not None and o.verdict != "skipped"]
    fig["citation_n"] = len(cit)
    fig["citation_accuracy"] = _share(sum(o.citation == o.citation_expected for o in cit), len(cit))
    kinds: dict[str, dict[str, object]] = {}
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outs:
        for tag in o.tags or (o.kind,):
            by_kind[tag].append(o)
    for kind, items in sorted(by_kind.items()):
        counts = Counter(o.verdict for o in items)
        kinds[kind] = {
            "n": len(items),
            "accepted": _share(sum(o.correct for o in items), len(items)),
            **{label: _share(counts[label], len(items)) for label in (*LABELS, "skipped")},
            "partially_supported": _share(counts["partially_supported"], len(items)),
        }
    fig["kinds"] = kinds
    return fig


def _fmt(x: object) -> str:
    return "–" if x is None else f"{x}"


def markdown(results: dict[str, dict[str, dict[str, object]]], decisions: Sequence[str]) -> str:
    """results[suite/language][decision] -> figures."""
    out = []
    cols = [
        ("n", "n"),
        ("accuracy", "accepted %"),
        ("flips", "flips %"),
        ("supported_precision", "sup P"),
        ("supported_recall", "sup R"),
        ("contradicted_precision", "con P"),
        ("contradicted_recall", "con R"),
        ("not_found_precision", "nf P"),
        ("not_found_recall", "nf R"),
        ("evidence_recall", "evidence R"),
        ("candidate_recall", "candidates R"),
        ("citation_accuracy", "citation %"),
    ]
    out.append("| suite / source language | rules | " + " | ".join(c[1] for c in cols) + " |")
    out.append("|---|---|" + "---|" * len(cols))
    for key, per in results.items():
        for d in decisions:
            if d in per:
                f = per[d]
                out.append(f"| {key} | {d} | " + " | ".join(_fmt(f.get(c[0])) for c in cols) + " |")
    out.append("")
    out.append("Per kind of case (share accepted; share called supported / contradicted /")
    out.append("not_found):")
    out.append("")
    out.append("| suite / source language | kind | n | " + " | ".join(decisions) + " |")
    out.append("|---|---|---|" + "---|" * len(decisions))
    for key, per in results.items():
        kinds: dict[str, object] = per[decisions[0]]["kinds"]  # type: ignore[assignment]
        for kind in kinds:
            cells = []
            for d in decisions:
                k = per[d]["kinds"][kind]  # type: ignore[index]
                cells.append(
                    f"{_fmt(k['accepted'])} ({_fmt(k['supported'])} / "
                    f"{_fmt(k['contradicted'])} / {_fmt(k['not_found'])})"
                )
            n = kinds[kind]["n"]  # type: ignore[index]
            out.append(f"| {key} | {kind} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def groups_for(args: argparse.Namespace) -> Iterable[Group]:
    for suite in args.suites.split(","):
        if suite == "ntrex":
            langs = args.languages.split(",") if args.languages else None
            yield from ntrex_groups(langs, docs=args.ntrex_docs)
        elif suite == "handwritten":
            yield from handwritten_groups()
        elif suite == "wice":
            yield from wice_groups(args.wice)
        elif suite == "vitaminc":
            yield from vitaminc_groups(args.vitaminc)
        else:
            raise SystemExit(f"unknown suite {suite!r}; known: ntrex, handwritten, wice, vitaminc")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suites", default="ntrex,handwritten,wice,vitaminc")
    ap.add_argument("--decisions", default=",".join(reversed(DECISIONS)))
    ap.add_argument("--ntrex-docs", type=int, default=10)
    ap.add_argument("--languages", default="")
    ap.add_argument("--wice", type=int, default=30)
    ap.add_argument("--vitaminc", type=int, default=120)
    ap.add_argument("--model", default="verifier")
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--cases", help="write every case's outcome here (JSON lines)")
    args = ap.parse_args(argv)
    decisions = args.decisions.split(",")
    shared_scorer(args.model)
    default_embedder()
    t0 = time.perf_counter()
    outcomes: list[Outcome] = []
    groups = 0
    for group in groups_for(args):
        outcomes.extend(run_group(group, decisions, args.model))
        groups += 1
        print(f"{group.id}: {len(outcomes)} outcomes", file=sys.stderr)
    wall = time.perf_counter() - t0
    buckets: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        buckets[f"{o.suite} / all"].append(o)
        buckets[f"{o.suite} / {o.language}"].append(o)
    results: dict[str, dict[str, dict[str, object]]] = {}
    for key in sorted(buckets, key=lambda k: (k.split(" / ")[0], k.split(" / ")[1] != "all", k)):
        results[key] = {d: figures([o for o in buckets[key] if o.decision == d]) for d in decisions}
    print(
        f"# Verdict benchmark ({groups} groups, {len(outcomes) // len(decisions)} cases, "
        f"model {args.model}, {wall:.0f} s for {len(decisions)} rule sets)\n"
    )
    print(markdown(results, decisions))
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps({"model": args.model, "results": results}, indent=1), encoding="utf-8"
        )
    if args.cases:
        with open(args.cases, "w", encoding="utf-8") as fh:
            for o in outcomes:
                fh.write(json.dumps(asdict(o), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
