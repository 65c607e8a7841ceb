"""Load test of ``sourcecheck serve``: N concurrent checks against a local server.

Starts the server in a subprocess (fresh database and embedding cache), submits N checks
at once from N client threads, follows each to its end, and prints throughput and p50 /
p95 / max latency (submit → report ready). Inputs cycle over the bundled example and
K generated article/report pairs (``benchmarks/speed.py``'s generator); each check's
report is compared with the CLI's report for the same input (``sourcecheck check
--json``, run beforehand), ignoring only ``created`` and ``timings``.

    python benchmarks/load.py [--checks 20] [--distinct 4] [--workers 2] [--pages 6]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import make_corpus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
VOLATILE = ("created", "timings")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def inputs(work: Path, distinct: int, pages: int, claims: int) -> list[tuple[Path, Path]]:
    """(article, source) pairs, each in its own directory under its bare file name."""
    out = []
    d = work / "input-0"
    d.mkdir(parents=True)
    for name in ("article.html", "lindas-broar-2025.pdf"):
        shutil.copy(EXAMPLES / name, d / name)
    out.append((d / "article.html", d / "lindas-broar-2025.pdf"))
    for i in range(1, distinct):
        d = work / f"input-{i}"
        d.mkdir()
        article, source = make_corpus(d, pages, claims, seed=100 + i)
        out.append((article, source))
    return out


def cli_report(article: Path, source: Path, env: dict[str, str]) -> dict[str, Any]:
    got = subprocess.run(
        [sys.executable, "-m", "sourcecheck", "check", article.name, "-s", source.name,
         "--json", "-q"],
        cwd=article.parent, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if got.returncode not in (0, 3):
        raise SystemExit(f"CLI failed on {article}: {got.stderr.strip()}")
    return dict(json.loads(got.stdout))


def stable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in VOLATILE}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--checks", type=int, default=20, help="concurrent checks (default 20)")
    ap.add_argument("--distinct", type=int, default=4, help="distinct inputs (default 4)")
    ap.add_argument("--workers", type=int, default=2, help="server worker threads (default 2)")
    ap.add_argument("--pages", type=int, default=6, help="pages per generated report")
    ap.add_argument("--claims", type=int, default=8, help="claims per generated article")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sourcecheck-load-"))
    env = {**os.environ, "SOURCECHECK_CACHE_DIR": str(work / "cli-cache")}
    pairs = inputs(work, args.distinct, args.pages, args.claims)
    t = time.perf_counter()
    expected = [stable(cli_report(a, s, env)) for a, s in pairs]
    print(f"CLI reports for {len(pairs)} inputs: {time.perf_counter() - t:.1f} s")

    port = free_port()
    server_env = {**os.environ, "SOURCECHECK_CACHE_DIR": str(work / "server-cache")}
    server = subprocess.Popen(
        [sys.executable, "-m", "sourcecheck", "serve", "--port", str(port),
         "--data-dir", str(work / "data"), "--workers", str(args.workers)],
        env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start") from None
                time.sleep(0.1)

        results: list[dict[str, Any]] = [{} for _ in range(args.checks)]
        barrier = threading.Barrier(args.checks)

        def one(i: int) -> None:
            try:
                attempt(i)
            except Exception as exc:  # recorded, not hidden: the check counts as failed
                results[i] = {
                    "status": "client-error",
                    "error": f"{type(exc).__name__}: {exc}",
                    "latency": float("nan"),
                    "identical": False,
                }

        def attempt(i: int) -> None:
            article, source = pairs[i % len(pairs)]
            with httpx.Client(base_url=url, timeout=60) as client:
                barrier.wait()
                t0 = time.perf_counter()
                files = [
                    ("article", (article.name, article.read_bytes())),
                    ("sources", (source.name, source.read_bytes())),
                ]
                check_id = client.post("/api/checks", files=files).json()["id"]
                while True:
                    status = client.get(f"/api/checks/{check_id}").json()
                    if status["status"] in ("done", "failed"):
                        break
                    time.sleep(0.1)
                latency = time.perf_counter() - t0
                report = None
                if status["status"] == "done":
                    report = client.get(f"/api/checks/{check_id}/report.json").json()
                results[i] = {
                    "status": status["status"],
                    "error": status["error"],
                    "latency": latency,
                    "identical": report is not None
                    and stable(report) == expected[i % len(pairs)],
                }

        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.checks)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
    finally:
        server.terminate()
        _, server_log = server.communicate(timeout=30)

    latencies = sorted(r["latency"] for r in results if r["status"] == "done")
    done = sum(r["status"] == "done" for r in results)
    same = sum(bool(r["identical"]) for r in results)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"{args.checks} concurrent checks over {len(pairs)} distinct inputs, "
        f"{args.workers} server workers, {os.cpu_count()} CPUs"
    )
    print("| checks | completed | identical to CLI | wall s | checks/min | p50 s | p95 s | max s |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.checks} | {done} | {same} | {wall:.1f} | {60 * args.checks / wall:.1f} | "
        f"{statistics.median(latencies):.1f} | {p95:.1f} | {latencies[-1]:.1f} |"
    )
    for i, r in enumerate(results):
        if r["status"] != "done" or not r["identical"]:
            print(f"check {i}: {r['status']} identical={r['identical']} {r['error'] or ''}")
    if done != args.checks and server_log:
        print("server stderr:", server_log.decode(errors="replace")[-3000:])
    shutil.rmtree(work, ignore_errors=True)
    if done != args.checks or same != args.checks:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
