"""Running checks outside the request: a thread pool over the library's pipeline.

A check is written to the store before it is queued; the worker loads its documents
from the store (fetching URLs first), runs :func:`sourcecheck.pipeline.check` with a
score cache backed by the store, writes progress as it goes and each verdict as soon
as it is decided, then the report. On start, checks left queued or running by a
server that died are run again; their scores come back from the cache, so no model
work is repeated. A check that was interrupted :data:`MAX_ATTEMPTS` times is marked
failed instead, so one document that kills the server cannot do it forever.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sourcecheck.config import Options
from sourcecheck.embed import Embedder
from sourcecheck.errors import InputError, SourcecheckError
from sourcecheck.load import load_bytes
from sourcecheck.load.fetch import FetchPolicy, fetch
from sourcecheck.model import Document, Verdict
from sourcecheck.pipeline import check
from sourcecheck.report.jsonreport import report_to_json, summarize, verdict_to_dict
from sourcecheck.scorecache import ScoreCache
from sourcecheck.store import DocumentRef, Store

log = logging.getLogger("sourcecheck.service")

#: Starts of one check (the first plus resumptions after a crash) before it is failed.
MAX_ATTEMPTS = 3
#: Progress is written at most this often (seconds), besides every change of stage.
PROGRESS_EVERY = 0.25


class Cancelled(Exception):
    """The check was deleted while it ran."""


@dataclass(frozen=True)
class Upload:
    """A document given to the service: bytes with a name, or a URL to fetch."""

    name: str
    data: bytes | None = None
    url: str | None = None


def safe_name(name: str, fallback: str) -> str:
    """A file name as a client sent it, reduced to its last path part."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    return base[:200] or fallback


@dataclass
class CheckService:
    store: Store
    options: Options
    option_origins: dict[str, str]
    workers: int = 2
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    _pool: ThreadPoolExecutor | None = None
    _cancelled: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.cache = ScoreCache(store=self.store.scores)
        self.embedder = Embedder(store=self.store.embeddings)

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers and queue again what a previous server left unfinished."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="sourcecheck")
        for check_id in self.store.unfinished():
            log.info("resuming check %s", check_id)
            self._pool.submit(self.run, check_id)

    def stop(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None

    # -- requests -------------------------------------------------------------------
    def submit(
        self, article: Upload, sources: Sequence[Upload], options: dict[str, Any] | None = None
    ) -> str:
        refs = []
        for role, upload in [("article", article), *(("source", s) for s in sources)]:
            if upload.data is not None:
                sha = self.store.put_document(upload.data)
                refs.append(DocumentRef(role, upload.name, sha256=sha))  # type: ignore[arg-type]
            else:
                refs.append(DocumentRef(role, upload.name, url=upload.url))  # type: ignore[arg-type]
        check_id = self.store.create_check(refs, options or {})
        if self._pool is not None:
            self._pool.submit(self.run, check_id)
        return check_id

    def delete(self, check_id: str) -> bool:
        with self._lock:
            self._cancelled.add(check_id)
        return self.store.delete_check(check_id)

    # -- the work -------------------------------------------------------------------
    def run(self, check_id: str) -> None:
        row = self.store.get_check(check_id)
        if row is None or row.status in ("done", "failed"):
            return
        if row.attempts >= MAX_ATTEMPTS:
            self.store.fail(
                check_id,
                f"the server stopped during this check {row.attempts} times; not trying again",
            )
            return
        self.store.start(check_id)
        try:
            article, sources = self._documents(check_id, row.documents)
            options = self.options
            if row.options:
                from dataclasses import replace

                options = replace(options, **row.options)
            origins = {**self.option_origins, **{k: "request" for k in row.options}}
            report = check(
                article,
                sources,
                options=options,
                option_origins=origins,
                progress=self._progress(check_id),
                score_cache=self.cache,
                embedder=self.embedder,
                on_verdict=self._verdict_sink(check_id),
            )
            self._raise_if_cancelled(check_id)
            self.store.finish(check_id, report_to_json(report), summarize(report))
        except Cancelled:
            log.info("check %s cancelled", check_id)
        except SourcecheckError as exc:
            self._fail(check_id, str(exc))
        except Exception:  # a worker must never die silently
            error_id = uuid.uuid4().hex[:12]
            log.exception("check %s failed: internal error %s", check_id, error_id)
            self._fail(check_id, f"internal error {error_id}: the server's log has the details")
        finally:
            with self._lock:
                self._cancelled.discard(check_id)

    def _fail(self, check_id: str, message: str) -> None:
        if self.store.get_check(check_id) is not None:
            self.store.fail(check_id, message)

    def _raise_if_cancelled(self, check_id: str) -> None:
        with self._lock:
            if check_id in self._cancelled:
                raise Cancelled(check_id)

    def _documents(
        self, check_id: str, refs: Sequence[DocumentRef]
    ) -> tuple[Document, list[Document]]:
        docs: list[Document] = []
        for position, ref in enumerate(refs):
            self._raise_if_cancelled(check_id)
            if ref.sha256 is None:
                if ref.url is None:  # pragma: no cover - the API never stores this
                    raise InputError(ref.name, "neither content nor URL")
                self.store.progress(check_id, "fetch", position, len(refs))
                got = fetch(ref.url, self.fetch_policy)
                sha = self.store.put_document(got.data, got.media_type)
                self.store.set_fetched(check_id, position, safe_name(got.name, "document"), sha)
                data, name, media = got.data, safe_name(got.name, "document"), got.media_type
                if media in ("application/octet-stream", "text/plain"):
                    media = None  # let the content decide
            else:
                data, name, media = self.store.get_document(ref.sha256), ref.name, None
            docs.append(load_bytes(data, name=name, media_type=media))
        return docs[0], docs[1:]

    def _progress(self, check_id: str) -> Any:
        last = [("", 0.0)]

        def progress(stage: str, done: int, total: int) -> None:
            self._raise_if_cancelled(check_id)
            now = time.monotonic()
            stage_before, t_before = last[0]
            if stage == stage_before and done < total and now - t_before < PROGRESS_EVERY:
                return
            last[0] = (stage, now)
            self.store.progress(check_id, stage, done, total)

        return progress

    def _verdict_sink(self, check_id: str) -> Any:
        def sink(position: int, verdict: Verdict) -> None:
            self._raise_if_cancelled(check_id)
            self.store.add_verdict(
                check_id, position, verdict.claim.id, verdict.label, verdict_to_dict(verdict)
            )

        return sink
