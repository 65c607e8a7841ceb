"""How long a check takes, and where the time goes.

Measures, in one run on this machine:
1. the bundled example (cold: first check in the process, models loading; then warm);
2. a generated 100-page Swedish PDF report with an English article of N claims.

Prints claims per second and the pipeline's own stage timings (report.timings).
``--decisions v1,v2`` then checks the 100-page report once more per decision rule set,
side by side, after its passages are embedded and with a fresh score cache each, so the
rows compare what a claim costs after indexing.

    python benchmarks/speed.py [--pages 100] [--claims 40] [--model NAME (default: the default)]
        [--decisions v1,v2]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

# A fresh on-disk embedding cache, so "cold" means cold (set before sourcecheck loads).
os.environ["SOURCECHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="sourcecheck-speed-")

from fpdf import FPDF

import sourcecheck
from sourcecheck.config import Options
from sourcecheck.model import Report
from sourcecheck.pipeline import ScoreCache

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

_TOWNS = ["Lindås", "Storvik", "Ekeby", "Norrköping", "Åsa", "Bergby", "Sjövik", "Hammarby"]
_SV = [
    "Bron i {t} inspekterades under {y} och {n} skador hittades.",
    "Kostnaden för reparationen i {t} beräknas till {n} miljoner kronor.",
    "Trafiken över bron i {t} ökade med {p} procent mellan {y} och {y2}.",
    "Kommunen i {t} har beslutat att sänka hastigheten till {n} km/h.",
    "I {t} har {n} av kommunens broar en viktbegränsning på {w} ton.",
    "Inspektörerna i {t} bedömer att skicket är tillfredsställande.",
    "Underhållet i {t} har skjutits upp flera år i rad på grund av brist på medel.",
]
_EN = [
    "The bridge in {t} was inspected in {y} and {n} defects were found (page {pg}).",
    "Repairs in {t} are estimated to cost {n} million kronor (page {pg}).",
    "Traffic over the bridge in {t} rose by {p} percent between {y} and {y2}.",
    "The municipality of {t} has decided to lower the speed limit to {n} km/h.",
    "In {t}, {n} of the bridges have a weight limit of {w} tonnes.",
]


def _values(rng: random.Random, page: int) -> dict[str, object]:
    y = rng.randint(2015, 2024)
    return {
        "t": rng.choice(_TOWNS),
        "y": y,
        "y2": y + 1,
        "n": rng.randint(2, 90),
        "p": rng.randint(2, 40),
        "w": rng.choice([3.5, 7, 12]),
        "pg": page,
    }


def make_corpus(directory: Path, pages: int, claims: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    facts: list[tuple[int, dict[str, object]]] = []
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, f"{page} Avsnitt om broar, del {page}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for _ in range(4):
            sentences = []
            for _ in range(4):
                values = _values(rng, page)
                facts.append((page, values))
                sentences.append(rng.choice(_SV).format(**values).replace(".0 ton", " ton"))
            pdf.multi_cell(0, 5, " ".join(sentences), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        pdf.set_y(-15)
        pdf.cell(0, 5, f"Sida {page}", align="C")
    source = directory / "rapport.pdf"
    pdf.output(str(source))
    lines = ["Bridges report", ""]
    for _ in range(claims):
        page, values = rng.choice(facts)
        lines.append(rng.choice(_EN).format(**values).replace(".0 tonnes", " tonnes"))
        lines.append("")
    article = directory / "article.txt"
    article.write_text("\n".join(lines), encoding="utf-8")
    return article, source


def _line(name: str, report: Report, seconds: float) -> str:
    n = len(report.verdicts)
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    return f"| {name} | {n} | {seconds:.2f} | {n / seconds:.2f} | {stages} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--model", default=Options().model)
    parser.add_argument("--decisions", default="")
    args = parser.parse_args()
    options = Options(model=args.model)
    print(f"model: {args.model}")
    print("| run | claims | seconds | claims/s | stages (report.timings) |")
    print("|---|---|---|---|---|")
    article, source = EXAMPLES / "article.html", EXAMPLES / "lindas-broar-2025.pdf"
    t = time.perf_counter()
    report = sourcecheck.check(article, [source], options=options)
    print(_line("example, cold (models load)", report, time.perf_counter() - t))
    t = time.perf_counter()
    report = sourcecheck.check(article, [source], options=options)
    print(_line("example, warm (same process)", report, time.perf_counter() - t))
    with tempfile.TemporaryDirectory() as tmp:
        art, src = make_corpus(Path(tmp), args.pages, args.claims)
        t = time.perf_counter()
        report = sourcecheck.check(art, [src], options=options)
        seconds = time.perf_counter() - t
        print(_line(f"{args.pages}-page PDF, {args.claims} claims", report, seconds))
        for decision in [d for d in args.decisions.split(",") if d]:
            opts = replace(options, decision=decision)
            t = time.perf_counter()
            report = sourcecheck.check(art, [src], options=opts, score_cache=ScoreCache())
            seconds = time.perf_counter() - t
            print(_line(f"same, indexed, rules {decision}, cold scores", report, seconds))
        print(f"\n{args.pages}-page PDF: {report.sources[0].characters} characters")


if __name__ == "__main__":
    main()
