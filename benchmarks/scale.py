"""Checking at scale: a corpus, a long PDF, and a thousand items through ``batch``.

    OMP_NUM_THREADS=2 python benchmarks/scale.py [--workloads scifact,pdf,batch]
        [--scifact-docs 0] [--scifact-claims 300] [--pages 300] [--claims 200]
        [--items 1000] [--json OUT]

Workloads, each on this machine, cold (a fresh cache directory per workload):

1. **scifact**: the SciFact open corpus (``../shared/eval/scifact/corpus.jsonl``, 5,183
   abstracts; ``--scifact-docs N`` keeps the abstracts the claims cite plus random others
   up to N, 0 = all) indexed once, then the validation claims checked against the whole
   corpus with ``sourcecheck batch --corpus`` (each claim an item without sources).
   Figures: index time; retrieval recall@3 (a rationale sentence among the 3 places
   search ranks first, distinct as the pipeline takes them) and evidence recall@3 (among
   the report's evidence), for claims with rationales; verdict accuracy (SUPPORT →
   supported or partially supported, CONTRADICT → contradicted, no evidence →
   not_found); claims per second after indexing; verifier pairs per claim.
2. **pdf**: a generated PDF of ``--pages`` pages (Swedish, as ``speed.py`` makes) and an
   English article of ``--claims`` claims, in a child process: the first check (loading and
   embedding the source), the same check again in a new process (the source's vectors and
   the scores come from the disk cache), claims per second once indexed, and the child's
   peak memory.
3. **batch**: ``--items`` generated article/source items (short Swedish sources, English
   articles of three claims) through ``sourcecheck batch``: items per minute in one
   process and with ``--ray`` on a local Ray instance of this machine, each cold, whether
   both give the same verdicts, and a one-process run killed (SIGKILL) halfway then
   ``--resume``d: whether anything was lost or checked twice.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_PRIOR_CACHE = os.environ.get("SOURCECHECK_CACHE_DIR")
from speed import _EN, _SV, _values, make_corpus  # noqa: E402

# speed.py points the cache at a fresh folder when imported; the child process of the PDF
# workload must keep the one its parent chose.
if _PRIOR_CACHE is not None:
    os.environ["SOURCECHECK_CACHE_DIR"] = _PRIOR_CACHE

ROOT = HERE.parent
SCIFACT = ROOT.parent / "shared" / "eval" / "scifact"


REUSE: Path | None = None


def _fresh_cache() -> Path:
    path = REUSE or Path(tempfile.mkdtemp(prefix="sourcecheck-scale-"))
    os.environ["SOURCECHECK_CACHE_DIR"] = str(path)
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcecheck", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def _rows(out: Path) -> list[str]:
    """The verdict lines of a batch, as sorted JSON (the same verdicts, whatever order)."""
    lines = (out / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted(lines)


def _compare(a: Path, b: Path) -> dict[str, Any]:
    """Two batches claim by claim: verdicts, citation checks and evidence equal, and how
    far the scores differ (the int8 verifier quantizes activations per batch, so a pair
    scored beside other pairs can move in the third decimal)."""

    def load(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
        rows = [json.loads(x) for x in (out / "verdicts.jsonl").read_text("utf-8").splitlines()]
        return {(r["item"], r["claim"]): r for r in rows}

    ra, rb = load(a), load(b)
    fields = [f for f in ("verdict", "citation_check", "evidence_source", "evidence_start")]
    same = ra.keys() == rb.keys() and all(all(ra[k][f] == rb[k][f] for f in fields) for k in ra)
    diffs = [abs(ra[k]["score"] - rb[k]["score"]) for k in ra if k in rb]
    return {
        "claims": len(ra),
        "same_verdicts_and_evidence": same,
        "scores_differing": sum(d > 0 for d in diffs),
        "max_score_difference": round(max(diffs, default=0.0), 4),
    }


# ---------------------------------------------------------------------------------------
# 1. SciFact


def _scifact_claims(limit: int) -> list[dict[str, Any]]:
    claims: dict[str, dict[str, Any]] = {}
    with (SCIFACT / "claims_validation.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            c = claims.setdefault(
                row["id"],
                {"id": row["id"], "claim": row["claim"], "label": "NEI", "rationales": []},
            )
            cited = re.findall(r"\d+", row["cited_doc_ids"] or "")
            c.setdefault("cited", set()).update(str(d) for d in cited)
            if row["evidence_doc_id"]:
                c["label"] = row["evidence_label"]
                sents = [int(x) for x in row["evidence_sentences"].strip("[]").split()]
                c["rationales"].append((row["evidence_doc_id"], sents))
    out = list(claims.values())
    return out[:limit] if limit else out


def scifact(docs_limit: int, claims_limit: int) -> dict[str, Any]:
    from sourcecheck.batch import run_batch
    from sourcecheck.config import Options
    from sourcecheck.corpus import open_corpus
    from sourcecheck.retrieve import search

    _fresh_cache()
    claims = _scifact_claims(claims_limit)
    abstracts = [
        json.loads(line) for line in (SCIFACT / "corpus.jsonl").read_text("utf-8").splitlines()
    ]
    if docs_limit:
        needed = {d for c in claims for d in c["cited"]} | {
            d for c in claims for d, _ in c["rationales"]
        }
        rng = random.Random(7)
        rest = [a for a in abstracts if str(a["doc_id"]) not in needed]
        rng.shuffle(rest)
        keep = [a for a in abstracts if str(a["doc_id"]) in needed]
        abstracts = keep + rest[: max(0, docs_limit - len(keep))]
    tmp = Path(tempfile.mkdtemp(prefix="scale-scifact-"))
    corpus = tmp / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for a in abstracts:
            text = " ".join(s.strip() for s in a["abstract"])
            fh.write(
                json.dumps(
                    {"id": str(a["doc_id"]), "text": text, "title": a["title"], "language": "en"}
                )
                + "\n"
            )
    sentences = {str(a["doc_id"]): a["abstract"] for a in abstracts}

    t = time.perf_counter()
    opened = open_corpus(corpus)
    index_s = time.perf_counter() - t if opened.built else opened.build_seconds
    t = time.perf_counter()
    again = open_corpus(corpus)
    reload_s = time.perf_counter() - t
    index = opened.index

    def rationale_spans(c: dict[str, Any]) -> list[tuple[str, int, int]]:
        spans = []
        for doc_id, ids in c["rationales"]:
            doc = index.documents.get(doc_id)
            if doc is None:
                continue
            for i in ids:
                if i >= len(sentences[doc_id]):
                    continue
                at = doc.text.find(sentences[doc_id][i].strip())
                if at >= 0:
                    spans.append((doc_id, at, at + len(sentences[doc_id][i].strip())))
        return spans

    def hit(spans: list[tuple[str, int, int]], doc: str, s: int, e: int) -> bool:
        return any(d == doc and s < end and start < e for d, start, end in spans)

    with_rationale = [c for c in claims if c["rationales"]]
    retrieval_hits = 0
    for c in with_rationale:
        spans = rationale_spans(c)
        top = search(index, c["claim"], "en", top_k=3, distinct=True)
        p = [index.passages[x.index] for x in top]
        retrieval_hits += any(hit(spans, q.doc_id, q.start, q.end) for q in p)

    items = tmp / "items.jsonl"
    items.write_text(
        "".join(json.dumps({"id": c["id"], "article_text": c["claim"]}) + "\n" for c in claims),
        encoding="utf-8",
    )
    t = time.perf_counter()
    result = run_batch(items, tmp / "out", corpus=corpus, options=Options())
    check_s = time.perf_counter() - t
    pairs = 0
    correct = evidence_hits = 0
    labels = {"SUPPORT": ("supported", "partially_supported"), "CONTRADICT": ("contradicted",)}
    for c in claims:
        report_path = tmp / "out" / "reports" / f"{c['id']}.json"
        if not report_path.exists():
            continue
        report = json.loads(report_path.read_text(encoding="utf-8"))
        verdicts = report["claims"]
        pairs += int(report.get("models", {}).get("verifier_pairs", 0) or 0)
        said = [v["verdict"] for v in verdicts]
        accept = labels.get(c["label"], ("not_found",))
        correct += bool(said) and all(s in accept for s in said)
        if c["rationales"]:
            spans = rationale_spans(c)
            evidence_hits += any(
                hit(spans, e["source"], e["start"], e["end"])
                for v in verdicts
                for e in v.get("evidence", [])[:3]
            )
    n = len(claims)
    return {
        "documents": len(abstracts),
        "passages": len(index.passages),
        "claims": n,
        "claims_with_rationale": len(with_rationale),
        "index_seconds": round(index_s, 1),
        "index_reload_seconds": round(reload_s, 2),
        "reloaded": not again.built,
        "retrieval_recall_at_3": round(retrieval_hits / max(1, len(with_rationale)), 3),
        "evidence_recall_at_3": round(evidence_hits / max(1, len(with_rationale)), 3),
        "verdict_accuracy": round(correct / max(1, n), 3),
        "claims_per_second": round(result.claims / check_s, 2) if check_s else None,
        "verifier_pairs_per_claim": round(pairs / max(1, result.claims), 2),
        "failed": result.failed,
    }


# ---------------------------------------------------------------------------------------
# 2. A long PDF, in a child process (its own peak memory)


def pdf_child(pages: int, claims: int, tmp: Path) -> dict[str, Any]:
    import sourcecheck
    from sourcecheck.config import Options
    from sourcecheck.pipeline import ScoreCache

    article, source = tmp / "article.txt", tmp / "rapport.pdf"
    if not source.exists():
        make_corpus(tmp, pages, claims)
    t = time.perf_counter()
    report = sourcecheck.check(article, [source], options=Options(), score_cache=ScoreCache())
    total = time.perf_counter() - t
    after_index = sum(v for k, v in report.timings.items() if k not in ("load", "index"))
    return {
        "seconds": round(total, 1),
        "load_seconds": report.timings.get("load"),
        "index_seconds": report.timings.get("index"),
        "claims": len(report.verdicts),
        "claims_per_second_indexed": round(len(report.verdicts) / after_index, 2),
        "verifier_pairs_per_claim": round(
            int(report.models["verifier_pairs"]) / max(1, len(report.verdicts)),
            2,  # type: ignore[call-overload]
        ),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def pdf(pages: int, claims: int) -> dict[str, Any]:
    _fresh_cache()
    tmp = Path(tempfile.mkdtemp(prefix="scale-pdf-"))
    make_corpus(tmp, pages, claims)
    runs = {}
    for name in ("first", "second"):
        proc = subprocess.run(
            [sys.executable, __file__, "--pdf-child", str(tmp), "--pages", str(pages)],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ),
        )
        runs[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"pages": pages, **runs}


# ---------------------------------------------------------------------------------------
# 3. Items through batch


def make_items(directory: Path, n: int, seed: int = 11) -> Path:
    """``n`` items over n/10 short Swedish sources; each article states three facts of
    its source in English, one of them with a number changed."""
    rng = random.Random(seed)
    sources = []
    # The first five Swedish templates of speed.py state what the English ones do.
    pairs = list(zip(_SV[:5], _EN[:5], strict=True))
    for s in range(max(1, n // 10)):
        facts = [(rng.randrange(len(pairs)), _values(rng, 1)) for _ in range(8)]
        text = "\n\n".join(
            " ".join(pairs[k][0].format(**v) for k, v in facts[i : i + 2]) for i in range(0, 8, 2)
        )
        path = directory / "sources" / f"rapport-{s}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(".0 ton", " ton") + "\n", encoding="utf-8")
        sources.append((path.relative_to(directory), facts))
    lines = []
    for i in range(n):
        path, facts = rng.choice(sources)
        chosen = rng.sample(facts, 3)
        k, v = chosen[2]
        chosen[2] = (k, {**v, "n": int(v["n"]) + rng.randint(1, 9)})  # type: ignore[call-overload]
        claims = [
            pairs[k][1].format(**v).replace(" (page 1)", "").replace(".0 tonnes", " tonnes")
            for k, v in chosen
        ]
        lines.append(
            {"id": f"item-{i:05d}", "article_text": " ".join(claims), "sources": [str(path)]}
        )
    items = directory / "items.jsonl"
    items.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return items


def batch(n: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="scale-batch-"))
    items = make_items(tmp, n)
    out: dict[str, Any] = {"items": n}
    for mode, extra in (("process", []), ("ray", ["--ray"])):
        cache = _fresh_cache()
        t = time.perf_counter()
        proc = _cli("batch", str(items), "--out", str(tmp / mode), "-q", *extra)
        seconds = time.perf_counter() - t
        summary = json.loads((tmp / mode / "summary.json").read_text())
        print(f"batch, {mode}: {seconds:.0f} s", file=sys.stderr)
        out[mode] = {
            "seconds": round(seconds, 1),
            "items_per_minute": round(summary["done"] / seconds * 60, 1),
            "done": summary["done"],
            "failed": summary["failed"],
            "claims": summary["claims"],
            "exit": proc.returncode,
        }
        shutil.rmtree(cache, ignore_errors=True)
    out["same_verdicts"] = _compare(tmp / "process", tmp / "ray")

    # Killed halfway, then resumed (cold cache, so the kill lands while items run).
    _fresh_cache()
    target = tmp / "killed"
    proc_p = subprocess.Popen(
        [sys.executable, "-m", "sourcecheck", "batch", str(items), "--out", str(target), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ledger = target / "items.jsonl"
    while proc_p.poll() is None:
        if ledger.exists() and ledger.read_text().count("\n") >= n // 2:
            proc_p.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc_p.wait()
    done_before = {json.loads(x)["id"] for x in ledger.read_text().splitlines() if '"done"' in x}
    _cli("batch", str(items), "--out", str(target), "--resume", "-q")
    summary = json.loads((target / "summary.json").read_text())
    out["resume"] = {
        "done_before_kill": len(done_before),
        "skipped_on_resume": summary["skipped"],
        "checked_on_resume": summary["done"],
        "nothing_repeated": summary["skipped"] == len(done_before)
        and summary["done"] + summary["skipped"] == n,
        "nothing_lost": _rows(target) == _rows(tmp / "process"),
    }
    return out


# ---------------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    lines = ["# Scale benchmark\n"]
    if "scifact" in results:
        s = results["scifact"]
        lines += [
            f"## SciFact open corpus ({s['documents']} abstracts, {s['passages']} passages, "
            f"{s['claims']} claims)\n",
            "| index (s) | reload (s) | retrieval recall@3 | evidence recall@3 | verdict accuracy "
            "| claims/s | pairs/claim |",
            "|---|---|---|---|---|---|---|",
            f"| {s['index_seconds']} | {s['index_reload_seconds']} | "
            f"{s['retrieval_recall_at_3']} | {s['evidence_recall_at_3']} | "
            f"{s['verdict_accuracy']} | {s['claims_per_second']} | "
            f"{s['verifier_pairs_per_claim']} |\n",
        ]
    if "pdf" in results:
        p = results["pdf"]
        lines += [
            f"## A {p['pages']}-page PDF\n",
            "| run | total (s) | load (s) | index (s) | claims | claims/s indexed | pairs/claim "
            "| peak MB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name in ("first", "second"):
            r = p[name]
            lines.append(
                f"| {name} | {r['seconds']} | {r['load_seconds']} | {r['index_seconds']} | "
                f"{r['claims']} | {r['claims_per_second_indexed']} | "
                f"{r['verifier_pairs_per_claim']} | {r['peak_memory_mb']} |"
            )
        lines.append("")
    if "batch" in results:
        b = results["batch"]
        lines += [
            f"## {b['items']} items through batch\n",
            "| mode | seconds | items/min | done | failed | claims |",
            "|---|---|---|---|---|---|",
        ]
        for mode in ("process", "ray"):
            r = b[mode]
            lines.append(
                f"| {mode} | {r['seconds']} | {r['items_per_minute']} | {r['done']} | "
                f"{r['failed']} | {r['claims']} |"
            )
        r = b["resume"]
        lines += [
            "",
            f"One process against Ray: same verdicts, citation checks and evidence for all "
            f"{b['same_verdicts']['claims']} claims: "
            f"{b['same_verdicts']['same_verdicts_and_evidence']}; scores differing: "
            f"{b['same_verdicts']['scores_differing']} (at most "
            f"{b['same_verdicts']['max_score_difference']}). Killed after "
            f"{r['done_before_kill']} items, resumed: {r['skipped_on_resume']} skipped, "
            f"{r['checked_on_resume']} checked; nothing repeated: {r['nothing_repeated']}, "
            f"nothing lost: {r['nothing_lost']}.\n",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workloads", default="scifact,pdf,batch")
    ap.add_argument("--scifact-docs", type=int, default=0)
    ap.add_argument("--scifact-claims", type=int, default=300)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--claims", type=int, default=200)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--json", dest="json_out")
    ap.add_argument(
        "--cache-dir",
        help="use this cache directory instead of a fresh one per workload (a corpus index "
        "built there before is loaded: its build time comes from its manifest)",
    )
    ap.add_argument("--pdf-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    global REUSE
    REUSE = Path(args.cache_dir) if args.cache_dir else None
    if args.pdf_child:
        print(json.dumps(pdf_child(args.pages, args.claims, Path(args.pdf_child))))
        return 0
    results: dict[str, Any] = {}
    for workload in args.workloads.split(","):
        t = time.perf_counter()
        if workload == "scifact":
            results["scifact"] = scifact(args.scifact_docs, args.scifact_claims)
        elif workload == "pdf":
            results["pdf"] = pdf(args.pages, args.claims)
        elif workload == "batch":
            results["batch"] = batch(args.items)
        else:
            raise SystemExit(f"unknown workload {workload!r}; known: scifact, pdf, batch")
        print(f"{workload}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print(markdown(results))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
