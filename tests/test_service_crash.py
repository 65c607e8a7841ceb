"""Kill the server (SIGKILL) in the middle of a check, start it again, and show that
nothing completed was lost: the finished check and its report, the verdicts, and every
model score written before the kill; the interrupted check resumes, scoring only the
pairs that were not scored yet."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from .conftest import EXAMPLES

LAUNCHER = """
import os, sys, time
from sourcecheck.score import register
from sourcecheck.score.lexical import LexicalScorer

class Slow(LexicalScorer):
    name = "slow-lexical"

    def score_batch(self, pairs):
        time.sleep(0.25)
        with open(os.environ["SCORED_LOG"], "a") as log:
            log.write(f"{len(pairs)}\\n")
        return super().score_batch(pairs)

register("slow")(lambda arg: Slow())
from sourcecheck.cli.main import main
sys.exit(main(["serve", "--port", sys.argv[1], "--data-dir", sys.argv[2],
               "--model", "slow", "--workers", "1"]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, tmp: Path, data_dir: Path, log: Path) -> None:
        self.port = free_port()
        script = tmp / "launch.py"
        script.write_text(LAUNCHER)
        env = {**os.environ, "SCORED_LOG": str(log), "SOURCECHECK_BATCH_SIZE": "8"}
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(self.port), str(data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("server did not start")

    def get(self, path: str) -> Any:
        return httpx.get(self.url + path, timeout=10).json()

    def wait(self, check_id: str, until: Any, timeout: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body: dict[str, Any] = self.get(f"/api/checks/{check_id}")
            if until(body):
                return body
            if body["status"] == "failed":
                raise AssertionError(body["error"])
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting on {check_id}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def db_rows(path: Path) -> tuple[set[tuple[Any, ...]], dict[str, Any]]:
    db = sqlite3.connect(path)
    try:
        scores = set(db.execute("SELECT model, claim_hash, passage_hash, support FROM scores"))
        checks = {r[0]: r[1:] for r in db.execute("SELECT id, status, report FROM checks")}
        return scores, checks
    finally:
        db.close()


def scored_pairs(log: Path) -> int:
    return sum(int(line) for line in log.read_text().split()) if log.exists() else 0


def test_kill_during_a_check_loses_nothing_completed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log_a, log_b = tmp_path / "scored-a.log", tmp_path / "scored-b.log"
    server = Server(tmp_path, data_dir, log_a)
    try:
        files = {
            "article": ("note.txt", b"The bridge was built in 1931 by the city.", "text/plain"),
            "sources": ("facts.txt", b"The city built the bridge in 1931.", "text/plain"),
        }
        first = httpx.post(f"{server.url}/api/checks", files=files, timeout=30).json()["id"]
        server.wait(first, lambda b: b["status"] == "done")
        example = [
            ("article", ("article.html", (EXAMPLES / "article.html").read_bytes(), "text/html")),
            (
                "sources",
                (
                    "lindas-broar-2025.pdf",
                    (EXAMPLES / "lindas-broar-2025.pdf").read_bytes(),
                    "application/pdf",
                ),
            ),
        ]
        second = httpx.post(f"{server.url}/api/checks", files=example, timeout=30).json()["id"]
        # Kill once some claims are scored and some are not.
        server.wait(
            second,
            lambda b: b["progress"]["stage"] == "score" and b["progress"]["claims_done"] >= 1,
        )
    finally:
        server.kill()
    db_path = data_dir / "sourcecheck.sqlite"
    scores_before, checks_before = db_rows(db_path)
    assert checks_before[first][0] == "done"
    assert checks_before[second][0] == "running"
    assert scores_before, "scores written before the kill"

    server = Server(tmp_path, data_dir, log_b)
    try:
        done = server.wait(second, lambda b: b["status"] in ("done", "failed"))
        assert done["status"] == "done", done["error"]
        assert done["attempts"] == 2
        report = httpx.get(f"{server.url}/api/checks/{second}/report.json", timeout=30).json()
        verdicts = server.get(f"/api/checks/{second}/verdicts")["claims"]
        first_report = httpx.get(f"{server.url}/api/checks/{first}/report.json", timeout=30)
    finally:
        server.kill()
    scores_after, checks_after = db_rows(db_path)
    # The check finished before the kill is exactly as it was.
    assert checks_after[first] == checks_before[first]
    assert json.loads(first_report.text) == json.loads(checks_before[first][1])
    # Every score written before the kill is still there, unchanged.
    assert scores_before <= scores_after
    # The resumed check scored only what the first run had not.
    assert scored_pairs(log_b) == len(scores_after) - len(scores_before)
    assert report["claims"] == verdicts and len(report["claims"]) >= 8
