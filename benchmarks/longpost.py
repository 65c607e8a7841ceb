"""A long blog post with its comment thread against the 30-page report it cites.

    python benchmarks/longpost.py [--json OUT] [--runs default,all-sentences]

The case (``benchmarks/longpost_cases/``, written for the project, eval only): an English
post of about 1,500 words with a 30-comment nested thread, on a Swedish regional report
of 30 pages; every sentence of the post and the comments is labelled ``source`` (a fact
the report could confirm or refute), ``world`` (a fact it cannot settle) or ``opinion``
(rhetoric, questions, jokes, insults, anecdotes, predictions, intentions). The post is
rendered as a WordPress page (comments nested in ``ol.children``) and the report as a PDF
with numbered sections and page numbers, so both go through the loaders a user's files
go through.

Each run is the CLI, ``sourcecheck check POST.html -s REPORT.pdf --json``, in a new
process with an empty cache directory (cold: models loaded, the report indexed, every
score computed), once as shipped and once with ``--all-sentences`` (the rule filter
alone: what ``check`` did before the check-worthiness model). Figures per run:

- sentences checked, and of those the share labelled opinion (target: at most one in
  four) and the counts per label;
- ``source`` sentences skipped (target: none), listed;
- wall time of the command (target: 20 s cold on two cores), the report's own stage
  timings and its count of claim and statement pairs the verifier read;
- "checkable here": a verdict's ``coverage`` (how far the sources speak to the claim)
  at or above the unsure level the report records (``models.thresholds.partial``, the
  judge's 0.5), against the labels (``source`` is checkable
  here, ``world`` and ``opinion`` are not): the share of each flagged, and balanced
  accuracy;
- verdicts over the checked ``source`` sentences: the share accepted (a correct sentence
  is accepted as ``supported`` or ``partially_supported``; the post's eight and the
  thread's two deliberately wrong ones carry their own accepted verdicts, and the
  misplaced page its expected citation check, in ``post.json``), and flips (a wrong
  sentence called ``supported``, a correct one ``contradicted``).

A checked claim is matched to the labelled sentence it lies in (the loader's sentence
splitter and the labels' need not cut a sentence the same way: the claim is assigned to
the labelled sentence that shares most of its words).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verdict_suites import pdf_text

CASES = Path(__file__).resolve().parent / "longpost_cases"
RUNS = {"default": [], "all-sentences": ["--all-sentences"]}
CORRECT = ["supported", "partially_supported"]


def _share(flags: list[bool]) -> float:
    return round(100 * sum(flags) / max(1, len(flags)), 1)


_WORD = re.compile(r"\w+")


def read_case(folder: Path = CASES) -> tuple[dict[str, Any], dict[str, Any]]:
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return post, report


def labelled_sentences(post: dict[str, Any]) -> list[dict[str, Any]]:
    """Every labelled sentence: where (``post`` or a comment id), text, label."""
    places = [("post", s) for para in post["paragraphs"] for s in para] + [
        (c["id"], s) for c in post["comments"] for s in c["sentences"]
    ]
    return [
        {
            "where": where,
            "text": s["text"],
            "label": s["label"],
            "accept": s.get("accept", CORRECT),
            "wrong": "accept" in s,
            "citation": s.get("citation"),
        }
        for where, s in places
    ]


def post_html(post: dict[str, Any]) -> str:
    """The post as a WordPress page, comments nested as replies."""
    e = html.escape
    children: dict[str | None, list[dict[str, Any]]] = {}
    for c in post["comments"]:
        children.setdefault(c.get("parent"), []).append(c)

    def items(parent: str | None) -> str:
        out = []
        for c in children.get(parent, []):
            sub = items(c["id"])
            text = " ".join(s["text"] for s in c["sentences"])
            out.append(
                f'<li id="comment-{e(c["id"])}" class="comment">'
                f'<article class="comment-body"><footer class="comment-meta">'
                f'<div class="comment-author vcard"><b class="fn">{e(c["author"])}</b>'
                f"</div></footer>"
                f'<div class="comment-content"><p>{e(text)}</p></div></article>'
                + (f'<ol class="children">{sub}</ol>' if sub else "")
                + "</li>"
            )
        return "".join(out)

    body = "".join(
        "<p>" + e(" ".join(s["text"] for s in para)) + "</p>" for para in post["paragraphs"]
    )
    return (
        f'<!DOCTYPE html><html lang="{e(post["language"])}"><head><meta charset="utf-8">'
        f"<title>{e(post['title'])}</title></head><body><main>"
        f'<article class="post"><h1 class="entry-title">{e(post["title"])}</h1>'
        f'<p class="byline">{e(post.get("author", ""))}</p>'
        f'<div class="entry-content">{body}</div></article>'
        f'<section id="comments" class="comments-area"><ol class="comment-list">'
        f"{items(None)}</ol></section></main></body></html>"
    )


def report_pdf(report: dict[str, Any]) -> bytes:
    """The report as a PDF: one PDF page per page of the case, bold headings, the page
    number at the foot."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(22, 20, 22)
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
    for n, page in enumerate(report["pages"], start=1):
        pdf.add_page()
        if n == 1:
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(0, 8, pdf_text(report["title"]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        for block in page["blocks"]:
            if block["type"] == "heading":
                pdf.set_font("Helvetica", "B", 12)
                pdf.multi_cell(0, 6.5, pdf_text(block["text"]), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
            else:
                pdf.set_font("Helvetica", "", 10)
                pdf.multi_cell(0, 5, pdf_text(block["text"]), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2.5)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 5, str(n), align="C")
    return bytes(pdf.output())


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def match(claim_text: str, origin: str, sentences: list[dict[str, Any]]) -> int | None:
    """The labelled sentence a checked claim lies in: same place (post or comment), most
    words shared (at least half of the claim's)."""
    words = _words(claim_text)
    best, best_share = None, 0.0
    for i, s in enumerate(sentences):
        if (s["where"] == "post") != (origin == "article"):
            continue
        share = len(words & _words(s["text"])) / max(1, len(words))
        if share > best_share:
            best, best_share = i, share
    return best if best_share >= 0.5 else None


def run(name: str, flags: list[str], article: Path, source: Path, out: Path) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="sourcecheck-longpost-"))
    env = {**os.environ, "SOURCECHECK_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "sourcecheck", "check", str(article), "-s", str(source),
           "--json", str(out), "--quiet", *flags]  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{name}: sourcecheck check failed ({proc.returncode}): {proc.stderr}")
    report = json.loads(out.read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 1), "report": report}


def figures(report: dict[str, Any], sentences: list[dict[str, Any]]) -> dict[str, Any]:
    checked: list[int] = []
    unmatched = 0
    verdicts: Counter[str] = Counter()
    accepted = flips = 0
    wrong: list[str] = []
    here: dict[str, list[bool]] = {"source": [], "other": []}
    unsure = report["models"]["thresholds"]["partial"]  # the level the verdicts use
    for claim in report["claims"]:
        i = match(claim["text"], claim["origin"], sentences)
        if i is None:
            unmatched += 1
            continue
        checked.append(i)
        s = sentences[i]
        if claim.get("coverage") is not None:
            side = "source" if s["label"] == "source" else "other"
            here[side].append(claim["coverage"] >= unsure)
        if s["label"] != "source":
            continue
        verdict = claim["verdict"]
        verdicts[verdict] += 1
        ok = verdict in s["accept"] and (
            s["citation"] is None or claim["citation_check"] == s["citation"]
        )
        accepted += ok
        flips += (s["wrong"] and verdict == "supported" and "supported" not in s["accept"]) or (
            not s["wrong"] and verdict == "contradicted"
        )
        if s["wrong"]:
            wrong.append(
                f"{'ok' if ok else 'MISSED'}: {verdict}, citation {claim['citation_check']} "
                f"(accepted {'/'.join(s['accept'])}"
                + (f", citation {s['citation']}" if s["citation"] else "")
                + f"): {s['text']}"
            )
    by_label = Counter(sentences[i]["label"] for i in checked)
    n = len(report["claims"])
    checked_set = set(checked)
    skipped_source = [
        f"{s['where']}: {s['text']}"
        for i, s in enumerate(sentences)
        if s["label"] == "source" and i not in checked_set
    ]
    return {
        "checked": n,
        "matched": len(checked),
        "unmatched": unmatched,
        "by_label": dict(by_label),
        "opinion_share": round(100 * by_label["opinion"] / max(1, len(checked)), 1),
        "source_total": sum(s["label"] == "source" for s in sentences),
        "source_skipped": skipped_source,
        "verdicts_on_source": dict(verdicts),
        "source_checked": sum(verdicts.values()),
        "checkable_here": {
            "source_flagged": _share(here["source"]),
            "other_flagged": _share(here["other"]),
            "balanced_accuracy": None
            if not here["source"] or not here["other"]
            else round((_share(here["source"]) + 100 - _share(here["other"])) / 2, 1),
        },
        "source_accepted": accepted,
        "source_flips": flips,
        "wrong_sentences": wrong,
        "timings": report.get("timings", {}),
        "verifier_pairs": report.get("models", {}).get("verifier_pairs"),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# Long post with its thread ({result['sentences']} labelled sentences: "
        + ", ".join(f"{k} {v}" for k, v in sorted(result["labels"].items()))
        + f"; report {result['pages']} pages)\n",
        "| run | wall s (cold) | checked | opinion % of checked | source | world | opinion "
        "| source skipped | source accepted | source flips | verdicts on source sentences "
        "| checkable here: source / other flagged, BA |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in result["runs"].items():
        f = r["figures"]
        lab = f["by_label"]
        lines.append(
            f"| {name} | {r['wall_s']} | {f['checked']} | {f['opinion_share']} | "
            f"{lab.get('source', 0)} | {lab.get('world', 0)} | {lab.get('opinion', 0)} | "
            f"{len(f['source_skipped'])} of {f['source_total']} | "
            f"{f['source_accepted']} of {f['source_checked']} | {f['source_flips']} | "
            + ", ".join(f"{k} {v}" for k, v in sorted(f["verdicts_on_source"].items()))
            + f" | {f['checkable_here']['source_flagged']} / "
            f"{f['checkable_here']['other_flagged']}, {f['checkable_here']['balanced_accuracy']} |"
        )
    lines.append("")
    for name, r in result["runs"].items():
        t = r["figures"]["timings"]
        lines.append(
            f"- {name}: stages "
            + ", ".join(f"{k} {v:.1f} s" for k, v in t.items() if isinstance(v, (int, float)))
            + f"; {r['figures']['verifier_pairs']} claim and statement pairs read by the verifier"
        )
        for s in r["figures"]["source_skipped"]:
            lines.append(f"  - skipped source sentence: {s}")
        for s in r["figures"]["wrong_sentences"]:
            lines.append(f"  - deliberately wrong, {s}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", default="default,all-sentences")
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--keep", type=Path, help="keep the page, the PDF and the reports here")
    args = ap.parse_args(argv)
    post, report = read_case()
    sentences = labelled_sentences(post)
    work = args.keep or Path(tempfile.mkdtemp(prefix="longpost-"))
    work.mkdir(parents=True, exist_ok=True)
    article, source = work / "post.html", work / "rapport.pdf"
    article.write_text(post_html(post), encoding="utf-8")
    source.write_bytes(report_pdf(report))
    result: dict[str, Any] = {
        "sentences": len(sentences),
        "labels": dict(Counter(s["label"] for s in sentences)),
        "pages": len(report["pages"]),
        "runs": {},
    }
    for name in args.runs.split(","):
        if name not in RUNS:
            raise SystemExit(f"unknown run {name!r}; known: {', '.join(RUNS)}")
        r = run(name, RUNS[name], article, source, work / f"report-{name}.json")
        result["runs"][name] = {"wall_s": r["wall_s"], "figures": figures(r["report"], sentences)}
        print(f"{name}: {r['wall_s']} s", file=sys.stderr)
    sys.stdout.write(markdown(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
