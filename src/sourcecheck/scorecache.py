"""The persistent layers under the caches: where they live, and the score store.

Everything sourcecheck caches across runs lives under one directory,
``$SOURCECHECK_CACHE_DIR`` (default ``$XDG_CACHE_HOME/sourcecheck`` or
``~/.cache/sourcecheck``); ``SOURCECHECK_CACHE_DIR=none`` (or ``--no-cache``) turns all of
it off: ``embeddings.sqlite`` (passage and query vectors), ``scores.sqlite`` (verifier
scores by model, claim and passage) and ``corpora/`` (corpus indexes)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from sourcecheck.score import PairScore

log = logging.getLogger("sourcecheck")
ScoreKey = tuple[str, bytes, bytes]


def cache_dir() -> Path | None:
    """The cache directory the environment asks for, or None when caching is off."""
    where = os.environ.get("SOURCECHECK_CACHE_DIR")
    if where is not None and where.strip().lower() in ("", "none", "off"):
        return None
    if where:
        return Path(where)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sourcecheck"


class ScoreStore:
    """Verifier scores on disk (SQLite, WAL: several processes may share the file); the
    :class:`~sourcecheck.pipeline.ScoreStore` protocol."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS scores (model TEXT, claim_hash BLOB, passage_hash BLOB,"
            " support REAL, contradiction REAL, truncated INTEGER,"
            " PRIMARY KEY (model, claim_hash, passage_hash))"
        )
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[ScoreKey]) -> dict[ScoreKey, PairScore]:
        out: dict[ScoreKey, PairScore] = {}
        with self._lock:
            for key in keys:
                row = self._db.execute(
                    "SELECT support, contradiction, truncated FROM scores "
                    "WHERE model = ? AND claim_hash = ? AND passage_hash = ?",
                    key,
                ).fetchone()
                if row is not None:
                    out[key] = PairScore(row[0], row[1], bool(row[2]))
        return out

    def put_many(self, items: Iterable[tuple[ScoreKey, PairScore]]) -> None:
        rows = [(k[0], k[1], k[2], s.support, s.contradiction, int(s.truncated)) for k, s in items]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM scores").fetchone()[0])


def default_score_store() -> ScoreStore | None:
    """The score store in the cache directory, or None (turned off, or not writable: a
    warning says so, and everything still works, only slower)."""
    base = cache_dir()
    if base is None:
        return None
    try:
        return ScoreStore(base / "scores.sqlite")
    except (OSError, sqlite3.Error) as exc:
        log.warning("sourcecheck: score cache at %s unusable (%s); not caching", base, exc)
        return None
