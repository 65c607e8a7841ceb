"""The one storage room: one file, numbered migrations, scores and embeddings beside the
service's documents, checks and verdicts."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import numpy as np

from sourcecheck.score import PairScore
from sourcecheck.store import MIGRATIONS, Store


def _open(path: str) -> int:
    store = Store(path)
    store.embeddings.put_many([(b"k" * 16, np.ones(4, dtype=np.float32))])
    version = store.version
    store.close()
    return version


def test_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        versions = pool.map(_open, [path] * 8)
    assert versions == [len(MIGRATIONS)] * 8
    assert Store(path).embeddings.count() == 1


def test_a_file_of_the_previous_schema_gains_the_caches_and_keeps_its_checks(
    tmp_path: Path,
) -> None:
    path = tmp_path / "service.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "\nPRAGMA user_version = 2;")
    db.execute(
        "INSERT INTO checks(id, created, updated, status, options) "
        "VALUES ('old', 't', 't', 'done', '{}')"
    )
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    assert store.get_check("old") is not None
    key = ("model", b"c" * 16, b"p" * 16)
    store.scores.put_many([(key, PairScore(0.7, 0.1, False))])
    vec = np.arange(384, dtype=np.float32)
    store.embeddings.put_many([(b"e" * 16, vec)])
    again = Store(path)
    assert again.scores.get_many([key]) == {key: (0.7, 0.1, False)}
    assert np.array_equal(again.embeddings.get_many([b"e" * 16, b"x" * 16])[b"e" * 16], vec)
    assert again.scores.count() == 1 and again.embeddings.count() == 1


def test_migration_4_fills_the_summary_of_checks_finished_before_it(tmp_path: Path) -> None:
    path = tmp_path / "before-4.sqlite"
    db = sqlite3.connect(path)
    db.executescript("".join(MIGRATIONS[:3]) + "\nPRAGMA user_version = 3;")
    db.execute(
        "INSERT INTO checks(id, created, updated, status, options, report) "
        "VALUES ('done', 't', 't', 'done', '{}', ?)",
        ('{"schema": "sourcecheck/report/v1", "summary": {"claims": 3, "supported": 2}}',),
    )
    db.execute(
        "INSERT INTO checks(id, created, updated, status, options) "
        "VALUES ('queued', 't', 't', 'queued', '{}')"
    )
    db.commit()
    db.close()
    store = Store(path)
    done = store.get_check("done")
    assert done is not None and done.summary == {"claims": 3, "supported": 2}
    queued = store.get_check("queued")
    assert queued is not None and queued.summary is None
    store.finish("queued", '{"summary": {"claims": 0}}', {"claims": 0})
    again = store.get_check("queued")
    assert again is not None and again.summary == {"claims": 0} and again.status == "done"
