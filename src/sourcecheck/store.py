"""The one storage room: a SQLite file (WAL mode) with numbered migrations.

What it keeps: documents by content hash, checks (runs) with their status and progress,
each verdict as soon as it is decided, the finished report, model scores by model +
claim hash + passage hash (:attr:`Store.scores`), and embeddings by content key
(:attr:`Store.embeddings`). The service keeps all of it in its database; the command line
and ``batch`` keep the scores and embeddings in :func:`default_store` (``store.sqlite`` in
the cache directory), so a second check against the same report embeds and scores
nothing twice. Every write is its own committed transaction, so a process that dies keeps
everything it had finished. Nothing here knows the pipeline: the caches above it
(:class:`sourcecheck.scorecache.ScoreCache`, :class:`sourcecheck.embed.Embedder`) read and
write through the two tables' ``get_many`` / ``put_many``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from sourcecheck.config import cache_dir
from sourcecheck.errors import SourcecheckError

log = logging.getLogger("sourcecheck")
#: A cached score: (model, claim hash, passage hash).
ScoreKey = tuple[str, bytes, bytes]


class StoredScore(NamedTuple):
    """A score as stored: the fields of :class:`sourcecheck.score.PairScore`."""

    support: float
    contradiction: float | None
    truncated: bool


class ScoreLike(Protocol):
    @property
    def support(self) -> float: ...
    @property
    def contradiction(self) -> float | None: ...
    @property
    def truncated(self) -> bool: ...


#: The file :func:`default_store` opens in the cache directory.
DEFAULT_FILE = "store.sqlite"

Status = Literal["queued", "running", "done", "failed"]
STATUSES: tuple[Status, ...] = ("queued", "running", "done", "failed")

#: Each entry moves the schema one version up; ``PRAGMA user_version`` says where a file
#: stands. Never edit a released entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: documents, checks, their sources, verdicts, the score cache
    """
    CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        media_type TEXT,
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE checks (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        status TEXT NOT NULL,
        stage TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        claims_done INTEGER NOT NULL DEFAULT 0,
        claims_total INTEGER,
        options TEXT NOT NULL,
        error TEXT,
        report TEXT
    );
    CREATE INDEX checks_created ON checks(created);
    CREATE TABLE check_documents (
        check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        url TEXT,
        sha256 TEXT REFERENCES documents(sha256),
        PRIMARY KEY (check_id, position)
    );
    CREATE TABLE verdicts (
        check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        claim_id TEXT NOT NULL,
        label TEXT NOT NULL,
        verdict TEXT NOT NULL,
        PRIMARY KEY (check_id, position)
    );
    CREATE TABLE scores (
        model TEXT NOT NULL,
        claim_hash BLOB NOT NULL,
        passage_hash BLOB NOT NULL,
        support REAL NOT NULL,
        contradiction REAL,
        truncated INTEGER NOT NULL,
        PRIMARY KEY (model, claim_hash, passage_hash)
    ) WITHOUT ROWID;
    """,
    # 2: how many times a check was started (a resumed check counts again)
    """
    ALTER TABLE checks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    """,
    # 3: embeddings by content key (the embedder's id, query or passage, the text)
    """
    CREATE TABLE embeddings (
        key BLOB PRIMARY KEY,
        vector BLOB NOT NULL
    ) WITHOUT ROWID;
    """,
    # 4: a finished check's summary beside its report, so reading a check's status never
    # parses the whole report
    """
    ALTER TABLE checks ADD COLUMN summary TEXT;
    UPDATE checks SET summary = json_extract(report, '$.summary') WHERE report IS NOT NULL;
    """,
)


class StoreError(SourcecheckError):
    """The database file cannot be used (newer schema, not a database, ...)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class DocumentRef:
    """One document of a check: its role, the name it was given, and its content hash —
    or, for a document still to be fetched, its URL (the hash comes once fetched)."""

    role: Literal["article", "source"]
    name: str
    sha256: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CheckRow:
    id: str
    created: str
    updated: str
    status: Status
    stage: str | None
    done: int
    total: int
    claims_done: int
    claims_total: int | None
    options: dict[str, Any]
    error: str | None
    attempts: int
    documents: tuple[DocumentRef, ...]
    has_report: bool
    #: The finished report's summary (verdict and citation counts), None before.
    summary: dict[str, Any] | None = None


class Store:
    """Thread-safe access to one SQLite file of this schema."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from None
        self._lock = threading.RLock()
        self.migrate()

    # -- schema ---------------------------------------------------------------------
    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the file up to the newest schema in one transaction. Several processes may
        open a new file at once (``batch`` workers sharing the cache): the version is read
        again under the write lock, so each step runs once."""
        with self._lock:
            self._check_version(self.version)
            if self.version == len(MIGRATIONS):
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                current = self.version
                self._check_version(current)
                for version in range(current, len(MIGRATIONS)):
                    for statement in MIGRATIONS[version].split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _check_version(self, version: int) -> None:
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this sourcecheck "
                f"knows ({len(MIGRATIONS)}); upgrade sourcecheck"
            )

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- documents ------------------------------------------------------------------
    def put_document(self, data: bytes, media_type: str | None = None) -> str:
        sha = hashlib.sha256(data).hexdigest()
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO documents(sha256, media_type, size, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (sha, media_type, len(data), data, _now()),
            )
        return sha

    def set_fetched(self, check_id: str, position: int, name: str, sha256: str) -> None:
        """Record what a URL gave: the document's name and content hash."""
        with self._tx() as db:
            db.execute(
                "UPDATE check_documents SET name = ?, sha256 = ? "
                "WHERE check_id = ? AND position = ?",
                (name, sha256, check_id, position),
            )

    def get_document(self, sha256: str) -> bytes:
        with self._lock:
            row = self._db.execute("SELECT data FROM documents WHERE sha256 = ?", (sha256,))
            found = row.fetchone()
        if found is None:
            raise KeyError(sha256)
        return bytes(found[0])

    # -- checks ---------------------------------------------------------------------
    def create_check(self, documents: Sequence[DocumentRef], options: dict[str, Any]) -> str:
        check_id = uuid.uuid4().hex
        now = _now()
        with self._tx() as db:
            db.execute(
                "INSERT INTO checks(id, created, updated, status, total, options) "
                "VALUES (?, ?, ?, 'queued', ?, ?)",
                (check_id, now, now, len(documents), json.dumps(options)),
            )
            db.executemany(
                "INSERT INTO check_documents(check_id, position, role, name, url, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(check_id, i, d.role, d.name, d.url, d.sha256) for i, d in enumerate(documents)],
            )
        return check_id

    def _row(self, r: sqlite3.Row | tuple[Any, ...]) -> CheckRow:
        (cid, created, updated, status, stage, done, total, cdone, ctotal, options, error,
         attempts, has_report, summary) = r  # fmt: skip
        docs = self._db.execute(
            "SELECT role, name, sha256, url FROM check_documents WHERE check_id = ? "
            "ORDER BY position",
            (cid,),
        ).fetchall()
        return CheckRow(
            id=cid,
            created=created,
            updated=updated,
            status=status,
            stage=stage,
            done=done,
            total=total,
            claims_done=cdone,
            claims_total=ctotal,
            options=json.loads(options),
            error=error,
            attempts=attempts,
            documents=tuple(DocumentRef(role, name, sha, url) for role, name, sha, url in docs),
            has_report=bool(has_report),
            summary=None if summary is None else json.loads(summary),
        )

    _COLUMNS = (
        "id, created, updated, status, stage, done, total, claims_done, claims_total, "
        "options, error, attempts, report IS NOT NULL, summary"
    )

    def get_check(self, check_id: str) -> CheckRow | None:
        with self._lock:
            r = self._db.execute(
                f"SELECT {self._COLUMNS} FROM checks WHERE id = ?", (check_id,)
            ).fetchone()
            return None if r is None else self._row(r)

    def list_checks(self, *, limit: int = 50, offset: int = 0) -> tuple[list[CheckRow], int]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {self._COLUMNS} FROM checks ORDER BY created DESC, id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
            total = int(self._db.execute("SELECT COUNT(*) FROM checks").fetchone()[0])
            return [self._row(r) for r in rows], total

    def unfinished(self) -> list[str]:
        """Checks that were queued or running: after a restart they are run again."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM checks WHERE status IN ('queued', 'running') ORDER BY created"
            ).fetchall()
        return [r[0] for r in rows]

    def start(self, check_id: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE checks SET status = 'running', attempts = attempts + 1, updated = ?, "
                "error = NULL WHERE id = ?",
                (_now(), check_id),
            )

    def progress(self, check_id: str, stage: str, done: int, total: int) -> None:
        claims = stage in ("score", "check")
        with self._tx() as db:
            db.execute(
                "UPDATE checks SET stage = ?, done = ?, total = ?, updated = ?"
                + (", claims_done = ?, claims_total = ?" if claims else "")
                + " WHERE id = ?",
                (stage, done, total, _now(), *((done, total) if claims else ()), check_id),
            )

    def add_verdict(
        self, check_id: str, position: int, claim_id: str, label: str, verdict: dict[str, Any]
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO verdicts(check_id, position, claim_id, label, verdict) "
                "VALUES (?, ?, ?, ?, ?)",
                (check_id, position, claim_id, label, json.dumps(verdict, ensure_ascii=False)),
            )

    def verdicts(self, check_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT verdict FROM verdicts WHERE check_id = ? ORDER BY position", (check_id,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def finish(self, check_id: str, report_json: str, summary: dict[str, Any]) -> None:
        """The check is done: its report, and the report's summary (read with the status)."""
        with self._tx() as db:
            db.execute(
                "UPDATE checks SET status = 'done', report = ?, summary = ?, updated = ?, "
                "stage = 'done' WHERE id = ?",
                (report_json, json.dumps(summary, ensure_ascii=False), _now(), check_id),
            )

    def fail(self, check_id: str, message: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE checks SET status = 'failed', error = ?, updated = ? WHERE id = ?",
                (message, _now(), check_id),
            )

    def report(self, check_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT report FROM checks WHERE id = ?", (check_id,))
            found = row.fetchone()
        return None if found is None else found[0]

    def delete_check(self, check_id: str) -> bool:
        """Delete a check with its verdicts; documents no other check uses go too."""
        with self._tx() as db:
            shas = [
                r[0]
                for r in db.execute(
                    "SELECT sha256 FROM check_documents WHERE check_id = ?", (check_id,)
                )
            ]
            gone = db.execute("DELETE FROM checks WHERE id = ?", (check_id,)).rowcount > 0
            for sha in set(shas):
                db.execute(
                    "DELETE FROM documents WHERE sha256 = ? AND NOT EXISTS "
                    "(SELECT 1 FROM check_documents WHERE sha256 = ?)",
                    (sha, sha),
                )
        return gone

    # -- caches ---------------------------------------------------------------------------
    @property
    def scores(self) -> ScoreTable:
        """Model scores by (model, claim hash, passage hash)."""
        return ScoreTable(self)

    @property
    def embeddings(self) -> EmbeddingTable:
        """Vectors by content key."""
        return EmbeddingTable(self)


@dataclass(frozen=True)
class ScoreTable:
    """The store's ``scores`` table: what :class:`sourcecheck.scorecache.ScoreCache`
    keeps across processes."""

    store: Store

    def get_many(self, keys: Sequence[ScoreKey]) -> dict[ScoreKey, StoredScore]:
        out: dict[ScoreKey, StoredScore] = {}
        with self.store._lock:
            for key in keys:
                row = self.store._db.execute(
                    "SELECT support, contradiction, truncated FROM scores "
                    "WHERE model = ? AND claim_hash = ? AND passage_hash = ?",
                    key,
                ).fetchone()
                if row is not None:
                    out[key] = StoredScore(row[0], row[1], bool(row[2]))
        return out

    def put_many(self, items: Iterable[tuple[ScoreKey, ScoreLike]]) -> None:
        rows = [(k[0], k[1], k[2], s.support, s.contradiction, int(s.truncated)) for k, s in items]
        with self.store._tx() as db:
            db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)", rows)

    def count(self) -> int:
        with self.store._lock:
            return int(self.store._db.execute("SELECT COUNT(*) FROM scores").fetchone()[0])


@dataclass(frozen=True)
class EmbeddingTable:
    """The store's ``embeddings`` table: what :class:`sourcecheck.embed.Embedder` keeps
    across processes (float32 rows)."""

    store: Store

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float32]]:
        found: dict[bytes, npt.NDArray[np.float32]] = {}
        with self.store._lock:
            for at in range(0, len(keys), 500):
                chunk = list(keys[at : at + 500])
                marks = ",".join("?" * len(chunk))
                rows = self.store._db.execute(
                    f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, blob in rows:
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: Iterable[tuple[bytes, npt.NDArray[np.float32]]]) -> None:
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items]
        with self.store._tx() as db:
            db.executemany("INSERT OR IGNORE INTO embeddings VALUES (?, ?)", rows)

    def count(self) -> int:
        with self.store._lock:
            return int(self.store._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])


_opened: dict[Path, Store] = {}
_opened_lock = threading.Lock()


def default_store() -> Store | None:
    """The store in the cache directory (:func:`sourcecheck.config.cache_dir`), one per
    process, or None: turned off (``SOURCECHECK_CACHE_DIR=none``), or not usable — then a
    warning says so, and everything still works, only slower."""
    base = cache_dir()
    if base is None:
        return None
    path = (base / DEFAULT_FILE).resolve()
    with _opened_lock:
        if path not in _opened:
            try:
                _opened[path] = Store(path)
            except (OSError, sqlite3.Error, StoreError) as exc:
                log.warning("sourcecheck: cache at %s unusable (%s); not caching", path, exc)
                return None
        return _opened[path]
