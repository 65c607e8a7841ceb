"""Checking many items: a JSONL of article/source items, in one process or on Ray.

Each line of ITEMS is an item::

    {"id": "a1", "article": "articles/a1.html", "sources": ["reports/r.pdf", "https://..."]}
    {"id": "a2", "article_text": "The report says ...", "sources": ["reports/r.pdf"]}

Paths are relative to the ITEMS file. With a corpus (:mod:`sourcecheck.corpus`) an item
may leave out ``sources`` and is checked against the whole corpus.

Output under OUT:

- ``reports/ID.json``: each item's ``sourcecheck/report/v1`` report;
- ``verdicts.jsonl``: one line per claim (item id, claim id, text, verdict, score,
  citation check, the best evidence with its locator), appended as each item finishes;
- ``items.jsonl``: the ledger, one line per finished item (done or failed, with its
  one-line error): ``resume`` skips the items it lists as done;
- ``verdicts.parquet`` and ``summary.json`` at the end.

An item's key hashes what its result depends on: the bytes of its article and sources (a
URL counts by its address: it is not fetched again to decide whether to skip), the
corpus, the options and the tool version. ``resume`` skips an item whose key the ledger
lists as done, runs a failed one again, and drops the verdict lines of an item that was
cut off before its ledger line was written, so a killed run loses nothing and repeats
nothing.

With ``ray`` the same :class:`Checker` runs as long-lived Ray actors (Ray Data
``map_batches``), the corpus index shared through the object store; the driver writes
the outputs as results arrive, so the files are the same as in one process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from sourcecheck import __version__
from sourcecheck.config import Options, resolve_options
from sourcecheck.errors import ConfigError, InputError, SourcecheckError
from sourcecheck.model import Document, Report

ItemStatus = Literal["done", "failed"]
LEDGER = "items.jsonl"
VERDICTS = "verdicts.jsonl"
#: The columns of verdicts.jsonl / verdicts.parquet, in order, with their Parquet types.
VERDICT_SCHEMA = (
    ("item", "string"),
    ("claim", "string"),
    ("origin", "string"),
    ("text", "string"),
    ("verdict", "string"),
    ("score", "float64"),
    ("confidence", "float64"),
    ("citation_check", "string"),
    ("evidence_source", "string"),
    ("evidence_text", "string"),
    ("evidence_start", "int64"),
    ("evidence_end", "int64"),
    ("evidence_page", "string"),
    ("evidence_section", "string"),
    ("evidence_paragraph", "int64"),
    ("evidence_locator", "string"),
)
VERDICT_COLUMNS = tuple(name for name, _ in VERDICT_SCHEMA)


@dataclass(frozen=True)
class BatchItem:
    """One line of ITEMS: an article (a path, a URL or text) and its sources."""

    id: str
    line: int
    article: str | None = None
    article_text: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemOutcome:
    """What checking one item gave: plain data, so a Ray worker can send it back."""

    id: str
    key: str
    status: ItemStatus
    seconds: float
    claims: int = 0
    error: str | None = None
    report_json: str | None = None
    rows: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class BatchResult:
    out_dir: Path
    total: int
    done: int
    failed: int
    #: Items a resumed run found done already and did not check again.
    skipped: int
    claims: int
    seconds: float
    verdicts: dict[str, int] = field(default_factory=dict)
    failures: tuple[tuple[str, str], ...] = ()
    mode: str = "process"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out_dir"] = str(self.out_dir)
        d["failures"] = [{"id": i, "error": e} for i, e in self.failures]
        return d


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def read_items(path: str | os.PathLike[str]) -> list[BatchItem]:
    """The items of a JSONL file; a bad line is an InputError naming the file and line."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "no such items file")
    base = p.parent
    items: list[BatchItem] = []
    seen: dict[str, int] = {}
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p}:{n}"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, f"is not JSON ({exc.msg})") from None
            if not isinstance(entry, dict):
                raise InputError(where, "is not a JSON object")
            raw_id = entry.get("id")
            if not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
                raise InputError(where, 'needs an "id" (a string)')
            item_id = str(raw_id)
            if item_id in seen:
                raise InputError(where, f"id {item_id!r} is already used on line {seen[item_id]}")
            seen[item_id] = n
            article, text = entry.get("article"), entry.get("article_text")
            if (article is None) == (text is None):
                raise InputError(where, 'needs "article" (a path or URL) or "article_text"')
            if article is not None and not isinstance(article, str):
                raise InputError(where, '"article" must be a string')
            if text is not None and (not isinstance(text, str) or not text.strip()):
                raise InputError(where, '"article_text" must be non-empty text')
            sources = entry.get("sources", [])
            if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
                raise InputError(where, '"sources" must be a list of paths or URLs')
            items.append(
                BatchItem(
                    id=item_id,
                    line=n,
                    article=_resolve(base, article) if article is not None else None,
                    article_text=text,
                    sources=tuple(_resolve(base, s) for s in sources),
                )
            )
    return items


def _resolve(base: Path, value: str) -> str:
    if _is_url(value) or Path(value).is_absolute():
        return value
    return str(base / value)


def _content_hash(ref: str) -> str:
    if _is_url(ref):
        return "url:" + ref
    try:
        return hashlib.sha256(Path(ref).read_bytes()).hexdigest()
    except OSError:
        # Unreadable now: the check will say why; the key just must not match a done one.
        return "missing:" + ref


def item_key(item: BatchItem, options: Options, corpus_key: str | None) -> str:
    """What an item's result depends on, hashed (see the module's docstring)."""
    h = hashlib.sha256()
    parts = [
        __version__,
        json.dumps(options.as_dict(), sort_keys=True),
        corpus_key or "",
        "text:" + hashlib.sha256((item.article_text or "").encode()).hexdigest()
        if item.article_text is not None
        else _content_hash(item.article or ""),
        *(_content_hash(s) for s in item.sources),
    ]
    for part in parts:
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()[:32]


def _load(ref: str, *, doc_id: str | None = None) -> Document:
    from sourcecheck.load import load_bytes, load_document

    if _is_url(ref):
        from sourcecheck.load.fetch import FetchPolicy, fetch

        # A batch runs on the user's own machine, for the user: private addresses are fine.
        got = fetch(ref, FetchPolicy(allow_private=True))
        return load_bytes(got.data, name=ref, media_type=got.media_type, doc_id=doc_id)
    return load_document(ref, doc_id=doc_id)


def verdict_rows(item_id: str, report: Report) -> list[dict[str, Any]]:
    """One flat row per claim (the columns of :data:`VERDICT_COLUMNS`)."""

    rows = []
    for v in report.verdicts:
        ev = v.evidence[0] if v.evidence else None
        rows.append(
            {
                "item": item_id,
                "claim": v.claim.id,
                "origin": v.claim.origin,
                "text": v.claim.text,
                "verdict": v.label,
                "score": v.score,
                "confidence": v.confidence,
                "citation_check": v.citation_check,
                "evidence_source": ev.source if ev else None,
                "evidence_text": ev.text if ev else None,
                "evidence_start": ev.start if ev else None,
                "evidence_end": ev.end if ev else None,
                "evidence_page": ev.locator.page if ev else None,
                "evidence_section": ev.locator.section if ev else None,
                "evidence_paragraph": ev.locator.paragraph if ev else None,
                "evidence_locator": ev.locator.describe() if ev else None,
            }
        )
    return rows


class Checker:
    """Checks items one after another with one scorer, one embedder and (optionally) one
    corpus index, loaded once: the unit a process or a Ray actor keeps alive.

    ``corpus`` is a :class:`~sourcecheck.retrieve.SourceIndex`; ``cache`` adds the
    persistent score cache."""

    def __init__(
        self,
        options: Options,
        origins: dict[str, str] | None = None,
        corpus: Any = None,
        corpus_key: str | None = None,
        cache: bool = True,
    ) -> None:
        from sourcecheck.embed import Embedder
        from sourcecheck.score.registry import shared_scorer
        from sourcecheck.scorecache import ScoreCache
        from sourcecheck.store import default_store

        self.options = options
        self.origins = dict(origins or {})
        self.corpus = corpus
        self.corpus_key = corpus_key
        self.scorer = shared_scorer(options.model)
        store = default_store() if cache else None
        self.embedder = Embedder(store=store.embeddings if store else None)
        self.cache = ScoreCache(store=store.scores if store else None)

    def __call__(self, item: BatchItem, key: str | None = None) -> ItemOutcome:
        from sourcecheck.pipeline import _free_id, _unique_ids, check_documents
        from sourcecheck.report import report_to_json

        key = key or item_key(item, self.options, self.corpus_key)
        t0 = time.perf_counter()
        try:
            if item.article_text is not None:
                from sourcecheck.load import load_text

                article = load_text(item.article_text, name=f"{item.id} (article_text)")
            else:
                article = _load(item.article or "")
            if not item.sources and self.corpus is None:
                raise InputError(f"item {item.id}", "has no sources and no --corpus is given")
            sources = _unique_ids([_load(s) for s in item.sources], article)
            if self.corpus is not None and sources:
                # Its own sources and the corpus: both searched, as one index; the
                # corpus's vectors are reused, only the item's sources are embedded.
                from sourcecheck.retrieve import extend_index

                taken = set(self.corpus.documents) | {d.id for d in sources}
                renamed = []
                for d in sources:
                    if d.id in self.corpus.documents:
                        d = replace(d, id=_free_id(d.id, taken))
                        taken.add(d.id)
                    renamed.append(d)
                index = extend_index(self.corpus, renamed, self.embedder)
                sources = []
            else:
                index = self.corpus
            report = check_documents(
                article,
                sources,
                options=self.options,
                option_origins=self.origins,
                scorer=self.scorer,
                embedder=self.embedder,
                score_cache=self.cache,
                index=index,
            )
        except SourcecheckError as exc:
            return ItemOutcome(item.id, key, "failed", time.perf_counter() - t0, error=str(exc))
        except Exception as exc:  # a bug must not sink the other items; it is recorded
            return ItemOutcome(
                item.id,
                key,
                "failed",
                time.perf_counter() - t0,
                error=f"internal error: {type(exc).__name__}: {exc}",
            )
        return ItemOutcome(
            item.id,
            key,
            "done",
            time.perf_counter() - t0,
            claims=len(report.verdicts),
            report_json=report_to_json(report),
            rows=tuple(verdict_rows(item.id, report)),
        )


def report_name(item_id: str) -> str:
    """A file name for an item's report: the id where it is safe, else the id made safe
    plus a short hash (two ids never share a file)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", item_id).strip("._") or "item"
    if safe != item_id or len(safe) > 100:
        safe = safe[:80] + "-" + hashlib.sha256(item_id.encode()).hexdigest()[:10]
    return safe + ".json"


class _Output:
    """The files under OUT, written as items finish (see the module's docstring)."""

    def __init__(self, out_dir: Path, resume: bool) -> None:
        self.dir = out_dir
        ledger = out_dir / LEDGER
        if ledger.exists() and not resume:
            raise ConfigError(
                f"{out_dir} already holds a batch ({LEDGER}): add --resume to go on with it, "
                "or give another --out"
            )
        (out_dir / "reports").mkdir(parents=True, exist_ok=True)
        self.done: dict[str, str] = {}  # item id -> key, for items done before this run
        if ledger.exists():
            for rec in _read_jsonl(ledger):
                if rec.get("status") == "done":
                    self.done[str(rec["id"])] = str(rec["key"])
                else:
                    self.done.pop(str(rec.get("id")), None)
        self._ledger = ledger.open("a", encoding="utf-8")
        self._verdicts: Any = None

    def start(self, skipping: set[str]) -> None:
        """Keep the verdict lines of the items this run skips (done before, same key), and
        drop every other: those of an item that runs again (its content or the options
        changed, or a kill came between its verdict lines and its ledger line)."""
        verdicts = self.dir / VERDICTS
        if verdicts.exists():
            kept = [r for r in _read_jsonl(verdicts) if str(r.get("item")) in skipping]
            _atomic_write(verdicts, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
        self._verdicts = verdicts.open("a", encoding="utf-8")

    def write(self, outcome: ItemOutcome) -> None:
        if outcome.status == "done" and outcome.report_json is not None:
            _atomic_write(self.dir / "reports" / report_name(outcome.id), outcome.report_json)
            self._verdicts.write(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in outcome.rows)
            )
            self._verdicts.flush()
            os.fsync(self._verdicts.fileno())
        else:
            # A report of an earlier run of this item no longer stands.
            (self.dir / "reports" / report_name(outcome.id)).unlink(missing_ok=True)
        record = {
            "id": outcome.id,
            "key": outcome.key,
            "status": outcome.status,
            "claims": outcome.claims,
            "seconds": round(outcome.seconds, 3),
            "error": outcome.error,
        }
        self._ledger.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._ledger.flush()
        os.fsync(self._ledger.fileno())

    def close(self) -> None:
        self._ledger.close()
        if self._verdicts is not None:
            self._verdicts.close()


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Lines of a JSONL file this module wrote; a torn last line (a kill mid-write) is
    skipped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                yield rec


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_parquet(out_dir: Path) -> Path:
    """verdicts.jsonl as a Parquet table (the same columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(_read_jsonl(out_dir / VERDICTS)) if (out_dir / VERDICTS).exists() else []
    schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in VERDICT_SCHEMA])
    table = pa.Table.from_pylist([{c: r.get(c) for c in VERDICT_COLUMNS} for r in rows], schema)
    target = out_dir / "verdicts.parquet"
    tmp = target.with_name(target.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    return target


Progress = Callable[[ItemOutcome], None]


def run_batch(
    items: str | os.PathLike[str] | Sequence[BatchItem],
    out_dir: str | os.PathLike[str],
    *,
    corpus: str | os.PathLike[str] | None = None,
    resume: bool = False,
    ray: str | bool | None = None,
    workers: int | None = None,
    options: Options | None = None,
    option_origins: dict[str, str] | None = None,
    cache: bool = True,
    index_dir: str | os.PathLike[str] | None = None,
    progress: bool | Progress = False,
) -> BatchResult:
    """Check every item and write the outputs under ``out_dir``; returns the summary.

    ``ray``: None/False runs in this process; True starts a local Ray instance; a string
    is the address of a running cluster ("auto", "ray://host:10001", ...). ``workers``:
    Ray actors (default: one per CPU Ray reports, at most the number of items to run).
    ``progress``: True draws a progress bar on stderr; a callable sees each outcome."""
    t0 = time.perf_counter()
    if options is None:
        options, option_origins = resolve_options()
    all_items = read_items(items) if isinstance(items, str | os.PathLike) else list(items)
    out = Path(out_dir)
    output = _Output(out, resume)
    corpus_index = None
    corpus_key = None
    try:
        if corpus is not None:
            from sourcecheck.corpus import open_corpus

            opened = open_corpus(corpus, index_dir=index_dir, store=cache)
            corpus_index, corpus_key = opened.index, opened.key
        keyed = [(item, item_key(item, options, corpus_key)) for item in all_items]
        todo = [(it, k) for it, k in keyed if output.done.get(it.id) != k]
        skipped = len(keyed) - len(todo)
        output.start({it.id for it, k in keyed if output.done.get(it.id) == k})
        bar = _bar(len(todo)) if progress is True else None
        counts: Counter[str] = Counter()
        failures: list[tuple[str, str]] = []
        n_done = n_failed = n_claims = 0
        outcomes: Iterable[ItemOutcome]
        if ray:
            outcomes = _run_ray(
                todo, options, option_origins, corpus_index, corpus_key, cache, ray, workers
            )
        else:
            checker = Checker(options, option_origins, corpus_index, corpus_key, cache)
            outcomes = (checker(it, k) for it, k in todo)
        for outcome in outcomes:
            output.write(outcome)
            if outcome.status == "done":
                n_done += 1
                n_claims += outcome.claims
                counts.update(r["verdict"] for r in outcome.rows)
            else:
                n_failed += 1
                failures.append((outcome.id, outcome.error or "failed"))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=n_failed, refresh=False)
            elif callable(progress):
                progress(outcome)
        if bar is not None:
            bar.close()
    finally:
        output.close()
    if (out / VERDICTS).exists():
        write_parquet(out)
    result = BatchResult(
        out_dir=out,
        total=len(all_items),
        done=n_done,
        failed=n_failed,
        skipped=skipped,
        claims=n_claims,
        seconds=round(time.perf_counter() - t0, 3),
        verdicts=dict(sorted(counts.items())),
        failures=tuple(failures),
        mode="ray" if ray else "process",
    )
    _atomic_write(out / "summary.json", json.dumps(result.as_dict(), indent=1) + "\n")
    return result


def _bar(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="item", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def _run_ray(
    todo: Sequence[tuple[BatchItem, str]],
    options: Options,
    origins: dict[str, str] | None,
    corpus_index: Any,
    corpus_key: str | None,
    cache: bool,
    address: str | bool,
    workers: int | None,
) -> Iterator[ItemOutcome]:
    """The items through Ray Data: ``map_batches`` over long-lived :class:`Checker`
    actors; outcomes stream back to the driver as they finish."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--ray needs Ray: pip install 'sourcecheck[ray]' (or ray[data])"
        ) from None
    if not todo:
        return
    started = False
    if not ray.is_initialized():
        if address is True:
            ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=str(address), log_to_driver=False, configure_logging=False)
        started = True
    try:
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        n = workers or max(1, int(cpus))
        n = max(1, min(n, len(todo)))
        corpus_ref = ray.put(corpus_index) if corpus_index is not None else None
        # Ray Data's own progress bars and per-dataset log lines would interleave with
        # ours: the batch's progress bar and summary say what they would.
        import ray.data

        for name in ("ray", "ray.data", *logging.root.manager.loggerDict):
            if name == "ray" or name.startswith("ray."):
                logging.getLogger(name).setLevel(logging.ERROR)
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.verbose_progress = False
        items = ray.data.from_items(
            [{"item": json.dumps(asdict(it)), "key": k} for it, k in todo],
            override_num_blocks=min(len(todo), max(n * 4, 1)),
        )
        ds = items.map_batches(
            _RayChecker,
            fn_constructor_kwargs={
                "options": options,
                "origins": origins,
                "corpus": corpus_ref,
                "corpus_key": corpus_key,
                "cache": cache,
            },
            batch_size=1,
            batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=n),
            num_cpus=1,
        )
        for row in ds.iter_rows():
            yield ItemOutcome(
                id=row["id"],
                key=row["key"],
                status=row["status"],
                seconds=float(row["seconds"]),
                claims=int(row["claims"]),
                error=row["error"] or None,
                report_json=row["report_json"] or None,
                rows=tuple(json.loads(row["rows"])),
            )
    finally:
        if started:
            ray.shutdown()


class _RayChecker:
    """A :class:`Checker` as a Ray Data callable class (one per actor)."""

    def __init__(self, *, corpus: Any = None, **kwargs: Any) -> None:
        import ray

        # The corpus index comes through the object store, once per actor.
        self.checker = Checker(corpus=ray.get(corpus) if corpus is not None else None, **kwargs)

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        out = []
        for raw, key in zip(batch["item"], batch["key"], strict=True):
            data = json.loads(raw)
            item = BatchItem(**{**data, "sources": tuple(data["sources"])})
            o = self.checker(item, key)
            out.append(
                {
                    "id": o.id,
                    "key": o.key,
                    "status": o.status,
                    "seconds": o.seconds,
                    "claims": o.claims,
                    "error": o.error or "",
                    "report_json": o.report_json or "",
                    "rows": json.dumps(list(o.rows), ensure_ascii=False),
                }
            )
        return pd.DataFrame(out)
