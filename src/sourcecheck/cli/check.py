"""``sourcecheck check ARTICLE --source FILE ...``"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from sourcecheck.model import CITATION_PROBLEMS, VERDICTS, Report

FAIL_ON_CHOICES = (*VERDICTS, *CITATION_PROBLEMS, "quote_absent", "number_differs")


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="check an article's claims against its sources",
        description="Check every checkable claim of ARTICLE against the --source files.",
    )
    p.add_argument(
        "article", metavar="ARTICLE", help="article file (HTML, PDF, DOCX, MD, TXT) or - for stdin"
    )
    p.add_argument(
        "-s",
        "--source",
        dest="sources",
        action="append",
        metavar="FILE",
        required=True,
        help="a source the article cites (repeat for several)",
    )
    out = p.add_argument_group("output (default: a plain summary on stdout)")
    out.add_argument(
        "--json", nargs="?", const="-", metavar="OUT", help="JSON report to OUT (stdout if omitted)"
    )
    out.add_argument(
        "--markdown",
        nargs="?",
        const="-",
        metavar="OUT",
        help="Markdown report to OUT (stdout if omitted)",
    )
    out.add_argument("--html", metavar="OUT", help="self-contained HTML report to OUT")
    out.add_argument("--claimreview", metavar="OUT", help="schema.org ClaimReview JSON-LD to OUT")
    p.add_argument(
        "-m",
        "--model",
        help="the scorer: verifier (default, the shipped model; verifier:DIR for another "
        "model directory), baseline, lexical, hf:MODEL, llm:MODEL, or a plug-in's name "
        "(`sourcecheck models` lists them)",
    )
    p.add_argument(
        "--fail-on",
        metavar="LIST",
        help="exit 3 if any claim has one of these (comma-separated): "
        + ", ".join(FAIL_ON_CHOICES),
    )
    add_check_options(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def add_check_options(p: argparse.ArgumentParser) -> None:
    """The options ``check`` and ``batch`` share (see :func:`check_options`)."""
    p.add_argument(
        "--no-comments", action="store_true", help="do not check claims in comment threads"
    )
    p.add_argument(
        "--top-k",
        type=int,
        help="passages of the whole source the verifier reads per claim (default 3)",
    )
    p.add_argument(
        "--all-sentences",
        action="store_true",
        help="check every sentence, not only those the check-worthiness model calls claims",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the caches on disk (scores, vectors, corpus indexes)",
    )


def check_options(args: argparse.Namespace) -> dict[str, object]:
    """The command line's layer of the options (None: not given, the next layer decides)."""
    return {
        "model": args.model,
        "check_comments": False if args.no_comments else None,
        "all_sentences": True if args.all_sentences else None,
        "top_k": args.top_k,
    }


def _parse_fail_on(value: str | None) -> set[str]:
    if not value:
        return set()
    wanted = {v.strip() for v in value.split(",") if v.strip()}
    unknown = wanted - set(FAIL_ON_CHOICES)
    if unknown:
        from sourcecheck.errors import ConfigError

        raise ConfigError(
            f"--fail-on: unknown condition(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(FAIL_ON_CHOICES)}"
        )
    return wanted


def fail_on_hits(report: Report, conditions: set[str]) -> list[str]:
    """The claim ids meeting any of ``conditions``."""
    hits = []
    for v in report.verdicts:
        marks: set[str] = {v.label, v.citation_check}
        if any(q.status == "absent" for q in v.quotes):
            marks.add("quote_absent")
        if any(n.status == "differs" for n in v.numbers):
            marks.add("number_differs")
        if marks & conditions:
            hits.append(v.claim.id)
    return hits


class _Progress:
    """Progress on stderr: a live line on a terminal, a line per stage elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = ("", 0.0)
        self.t0 = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        finished = done >= total
        if not self.tty and not finished and now - self.last[1] < 5 and self.last[0] == stage:
            return
        line = f"sourcecheck: {stage} {done}/{total} ({now - self.t0:.1f}s)"
        if self.tty:
            self.stream.write("\r\033[K" + line + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.last = (stage, now)


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        Path(target).write_text(text, encoding="utf-8")


def summary_text(report: Report) -> str:
    lines = [f"{report.article.path}: {len(report.verdicts)} claims checked"]
    for v in report.verdicts:
        where = ""
        if v.evidence:
            place = v.evidence[0].locator.parts(paragraph=False, file_page=False)
            where = f" [{', '.join([v.evidence[0].source, *place])}]"
        cit = "" if v.citation_check == "none" else f" (citation: {v.citation_check})"
        origin = "" if v.claim.origin == "article" else f" <{v.claim.origin}>"
        lines.append(f"  {v.claim.id:>4} {v.label:<20} {v.score:.2f}{cit}{origin}{where}")
        lines.append(f"       {v.claim.text[:110]}")
        lines.append(f"       → {v.reason}")
    counts: dict[str, int] = {}
    for v in report.verdicts:
        counts[v.label] = counts.get(v.label, 0) + 1
    lines.append("  " + ", ".join(f"{k}: {counts.get(k, 0)}" for k in VERDICTS))
    if report.skipped:
        lines.append(f"  skipped {len(report.skipped)} sentences (not checkable)")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from sourcecheck.config import resolve_options
    from sourcecheck.embed import Embedder
    from sourcecheck.load import load_bytes
    from sourcecheck.pipeline import check
    from sourcecheck.report import (
        report_to_claimreview_json,
        report_to_html,
        report_to_json,
        report_to_markdown,
    )
    from sourcecheck.scorecache import ScoreCache
    from sourcecheck.store import default_store

    conditions = _parse_fail_on(args.fail_on)
    options, origins = resolve_options(check_options(args))
    if args.json == "-" and args.markdown == "-":
        from sourcecheck.errors import ConfigError

        raise ConfigError("--json and --markdown cannot both go to stdout; give one a file")
    article: Any = args.article
    if args.article == "-":
        article = load_bytes(sys.stdin.buffer.read(), name="<stdin>")
    progress = None if args.quiet else _Progress(sys.stderr)
    # Scores and vectors persist across runs in the cache directory (checking a second
    # article against the same report reads neither again), unless --no-cache.
    store = None if args.no_cache else default_store()
    report = check(
        article,
        args.sources,
        options=options,
        option_origins=origins,
        progress=progress,
        score_cache=ScoreCache(store=store.scores if store else None),
        embedder=Embedder(store=store.embeddings if store else None),
    )

    wrote_stdout = False
    if args.json:
        _write(args.json, report_to_json(report))
        wrote_stdout |= args.json == "-"
    if args.markdown:
        _write(args.markdown, report_to_markdown(report))
        wrote_stdout |= args.markdown == "-"
    if args.html:
        _write(args.html, report_to_html(report))
    if args.claimreview:
        _write(args.claimreview, report_to_claimreview_json(report))
    if not wrote_stdout:
        sys.stdout.write(summary_text(report))
    for target in (args.html, args.claimreview, args.json, args.markdown):
        if target and target != "-" and not args.quiet:
            print(f"sourcecheck: wrote {target}", file=sys.stderr)

    hits = fail_on_hits(report, conditions)
    if hits:
        print(
            f"sourcecheck: --fail-on met by {len(hits)} claim(s): {', '.join(hits)}",
            file=sys.stderr,
        )
        return 3
    return 0
