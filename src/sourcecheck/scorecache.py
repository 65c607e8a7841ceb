"""The score store under :class:`~sourcecheck.pipeline.ScoreCache`: verifier scores by
model, claim hash and passage hash, in ``scores.sqlite`` in the cache directory
(:func:`sourcecheck.config.cache_dir`, beside ``embeddings.sqlite`` and ``corpora/``).
The service keeps the same ``scores`` table in its own database and reads and writes it
with :func:`select_scores` and :func:`insert_scores`."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from sourcecheck.config import cache_dir
from sourcecheck.score import PairScore

log = logging.getLogger("sourcecheck")
#: (model, claim hash, passage hash).
ScoreKey = tuple[str, bytes, bytes]


#: The ``scores`` table, as both stores create it.
SCORES_TABLE = (
    "CREATE TABLE IF NOT EXISTS scores (model TEXT, claim_hash BLOB, passage_hash BLOB,"
    " support REAL, contradiction REAL, truncated INTEGER,"
    " PRIMARY KEY (model, claim_hash, passage_hash))"
)


def select_scores(db: sqlite3.Connection, keys: Sequence[ScoreKey]) -> dict[ScoreKey, PairScore]:
    out: dict[ScoreKey, PairScore] = {}
    for key in keys:
        row = db.execute(
            "SELECT support, contradiction, truncated FROM scores "
            "WHERE model = ? AND claim_hash = ? AND passage_hash = ?",
            key,
        ).fetchone()
        if row is not None:
            out[key] = PairScore(row[0], row[1], bool(row[2]))
    return out


def insert_scores(db: sqlite3.Connection, items: Iterable[tuple[ScoreKey, PairScore]]) -> None:
    """Within the caller's transaction."""
    rows = [(k[0], k[1], k[2], s.support, s.contradiction, int(s.truncated)) for k, s in items]
    db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)", rows)


class ScoreStore:
    """Verifier scores on disk (SQLite, WAL: several processes may share the file); the
    :class:`~sourcecheck.pipeline.ScoreStore` protocol."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute(SCORES_TABLE)
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[ScoreKey]) -> dict[ScoreKey, PairScore]:
        with self._lock:
            return select_scores(self._db, keys)

    def put_many(self, items: Iterable[tuple[ScoreKey, PairScore]]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            insert_scores(self._db, items)
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
