"""`sourcecheck batch`: items in, reports and verdict tables out; resume; Ray; a corpus."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sourcecheck.batch import (
    VERDICT_COLUMNS,
    BatchItem,
    ItemOutcome,
    read_items,
    report_name,
    run_batch,
)
from sourcecheck.config import Options
from sourcecheck.corpus import load_corpus, open_corpus
from sourcecheck.errors import ConfigError, InputError
from sourcecheck.report import report_from_json

LEXICAL = Options(model="lexical")

REPORT_SV = (
    "Broarna i Lindås\n\n"
    "Av kommunens 52 broar behöver 14 repareras inom två år. "
    "Reparationerna beräknas kosta 3,8 miljoner kronor.\n\n"
    "Ingen bro har stängts under 2024. Trafiken över Storbron ökade med en fjärdedel."
)
REPORT_EN = (
    "Harbour survey 2025\n\n"
    "The harbour authority counted 310 ships in 2024, up from 280 the year before. "
    "Most of the ships were ferries.\n\n"
    "The new quay opened in March and cost 12 million euros."
)
ARTICLES = [
    "The report says 14 of the 52 bridges need repairs within two years.",
    "Repairs will cost 3.8 million kronor, the report says.",
    "According to the survey, 310 ships called at the harbour in 2024.",
    "The new quay opened in May, the survey says.",
    "No bridge was closed in 2024, according to the report.",
    "Traffic over Storbron rose by a quarter.",
]


def _sources(tmp: Path) -> tuple[Path, Path]:
    sv, en = tmp / "lindas.txt", tmp / "harbour.txt"
    sv.write_text(REPORT_SV, encoding="utf-8")
    en.write_text(REPORT_EN, encoding="utf-8")
    return sv, en


def _items(tmp: Path, n: int | None = None) -> Path:
    """Items with relative paths (read relative to the items file), one as article_text,
    the others as article files."""
    _sources(tmp)
    lines = []
    for i, text in enumerate(ARTICLES[:n] if n else ARTICLES):
        source = "harbour.txt" if "harbour" in text or "survey" in text else "lindas.txt"
        if i == 0:
            lines.append({"id": f"item-{i}", "article_text": text, "sources": [source]})
        else:
            (tmp / f"article-{i}.md").write_text(text + "\n", encoding="utf-8")
            lines.append({"id": f"item-{i}", "article": f"article-{i}.md", "sources": [source]})
    path = tmp / "items.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "verdicts.jsonl").read_text().splitlines()]


def _ledger(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]


# -- reading items ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "is not JSON"),
        ('["a"]', "is not a JSON object"),
        ('{"article": "a.md", "sources": []}', 'needs an "id"'),
        ('{"id": "x", "sources": ["s.pdf"]}', 'needs "article"'),
        ('{"id": "x", "article": "a.md", "article_text": "t", "sources": []}', 'needs "article"'),
        ('{"id": "x", "article": "a.md", "sources": "s.pdf"}', '"sources" must be a list'),
        ('{"id": "x", "article_text": "  ", "sources": []}', "non-empty"),
    ],
)
def test_a_bad_items_line_is_an_error_naming_file_and_line(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = tmp_path / "items.jsonl"
    good = '{"id": "ok", "article_text": "Fine.", "sources": ["s.txt"]}'
    path.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_items(path)
    assert err.value.path == f"{path}:3"
    assert problem in err.value.problem


def test_items_resolve_paths_relative_to_the_items_file_and_keep_urls(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "items.jsonl"
    path.parent.mkdir()
    path.write_text(
        json.dumps({"id": 7, "article": "a.html", "sources": ["r/x.pdf", "https://e.org/r"]}) + "\n"
    )
    (item,) = read_items(path)
    assert item.id == "7"
    assert item.article == str(tmp_path / "sub" / "a.html")
    assert item.sources == (str(tmp_path / "sub" / "r" / "x.pdf"), "https://e.org/r")


def test_a_repeated_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    line = json.dumps({"id": "a", "article_text": "x", "sources": ["s"]})
    path.write_text(line + "\n" + line + "\n")
    with pytest.raises(InputError, match="already used on line 1"):
        read_items(path)


def test_report_names_are_safe_and_distinct() -> None:
    assert report_name("item-1") == "item-1.json"
    a, b = report_name("a/b"), report_name("a:b")
    assert a != b and "/" not in a and ":" not in b
    assert report_name("..").endswith(".json") and not report_name("..").startswith(".")


# -- one process ------------------------------------------------------------------------


def test_batch_writes_reports_verdicts_parquet_and_summary(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    items = _items(tmp_path)
    bad = {"id": "broken", "article": "missing.md", "sources": ["lindas.txt"]}
    with items.open("a") as fh:
        fh.write(json.dumps(bad) + "\n")
    out = tmp_path / "out"
    result = run_batch(items, out, options=LEXICAL)

    assert (result.total, result.done, result.failed, result.skipped) == (7, 6, 1, 0)
    # The failed item is recorded with its one-line error, and the others still ran.
    ledger = {r["id"]: r for r in _ledger(out)}
    assert ledger["broken"]["status"] == "failed"
    assert "missing.md: no such file" in ledger["broken"]["error"]
    assert "\n" not in ledger["broken"]["error"]
    assert result.failures == (("broken", ledger["broken"]["error"]),)

    rows = _rows(out)
    assert len(rows) == result.claims == sum(r["claims"] for r in ledger.values())
    for item_id in (f"item-{i}" for i in range(6)):
        report = report_from_json((out / "reports" / f"{item_id}.json").read_text())
        mine = [r for r in rows if r["item"] == item_id]
        assert [r["claim"] for r in mine] == [v.claim.id for v in report.verdicts]
        assert [r["verdict"] for r in mine] == [v.label for v in report.verdicts]
        for r, v in zip(mine, report.verdicts, strict=True):
            if v.evidence:
                src = Path(tmp_path / f"{r['evidence_source']}.txt").read_text()
                # The evidence is a verbatim slice at its offsets, with its locator.
                assert src[r["evidence_start"] : r["evidence_end"]] == r["evidence_text"]
                assert r["evidence_locator"]
    assert not (out / "reports" / "broken.json").exists()

    table = pq.read_table(out / "verdicts.parquet")
    assert table.column_names == list(VERDICT_COLUMNS)
    assert table.to_pylist() == [{c: r[c] for c in VERDICT_COLUMNS} for r in rows]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["done"] == 6 and summary["failed"] == 1
    assert sum(summary["verdicts"].values()) == len(rows)


def test_a_second_run_into_the_same_folder_needs_resume(tmp_path: Path) -> None:
    items = _items(tmp_path, 2)
    run_batch(items, tmp_path / "out", options=LEXICAL)
    with pytest.raises(ConfigError, match="--resume"):
        run_batch(items, tmp_path / "out", options=LEXICAL)


def test_resume_skips_done_items_and_reruns_changed_and_failed_ones(tmp_path: Path) -> None:
    items = _items(tmp_path, 3)
    with items.open("a") as fh:
        fh.write(json.dumps({"id": "late", "article": "later.md", "sources": ["lindas.txt"]}))
        fh.write("\n")
    out = tmp_path / "out"
    first = run_batch(items, out, options=LEXICAL)
    assert (first.done, first.failed) == (3, 1)

    # The missing article appears, and item-1's article changes: those two run again.
    (tmp_path / "later.md").write_text("No bridge was closed in 2024.\n")
    (tmp_path / "article-1.md").write_text("Repairs will cost 9 million kronor.\n")
    seen: list[str] = []
    second = run_batch(
        items, out, options=LEXICAL, resume=True, progress=lambda o: seen.append(o.id)
    )
    assert sorted(seen) == ["item-1", "late"]
    assert (second.done, second.failed, second.skipped) == (2, 0, 2)
    rows = _rows(out)
    # Each item's claims appear once: item-1's old verdicts replaced, not repeated.
    assert sorted({r["item"] for r in rows}) == ["item-0", "item-1", "item-2", "late"]
    by_item: dict[str, int] = {}
    for r in rows:
        by_item[r["item"]] = by_item.get(r["item"], 0) + 1
    assert by_item["item-1"] == 1
    assert [r["text"] for r in rows if r["item"] == "item-1"] == [
        "Repairs will cost 9 million kronor."
    ]
    # Other options are another result: everything runs again.
    third = run_batch(items, out, options=Options(model="lexical", top_k=5), resume=True)
    assert third.done == 4 and third.skipped == 0


def test_resume_drops_verdicts_of_an_item_cut_off_before_its_ledger_line(tmp_path: Path) -> None:
    items = _items(tmp_path, 2)
    out = tmp_path / "out"
    run_batch(items, out, options=LEXICAL)
    clean = _rows(out)
    # A kill between writing item-1's verdict lines and its ledger line: the ledger loses
    # the line (and a torn half line is left behind).
    ledger = (out / "items.jsonl").read_text().splitlines()
    (out / "items.jsonl").write_text(ledger[0] + "\n" + '{"id": "item-1", "ke')
    result = run_batch(items, out, options=LEXICAL, resume=True)
    assert (result.done, result.skipped) == (1, 1)
    assert sorted(map(json.dumps, _rows(out))) == sorted(map(json.dumps, clean))


def test_a_batch_killed_halfway_resumes_without_losing_or_repeating(tmp_path: Path) -> None:
    items = _items(tmp_path)
    # Twice the items, so the kill lands mid-run.
    lines = items.read_text().splitlines()
    extra = [json.dumps({**json.loads(x), "id": json.loads(x)["id"] + "-b"}) for x in lines]
    items.write_text("\n".join(lines + extra) + "\n")
    out = tmp_path / "out"
    env = {**os.environ, "SOURCECHECK_MODEL": "lexical"}
    cmd = [sys.executable, "-m", "sourcecheck", "batch", str(items), "--out", str(out), "-q"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    ledger = out / "items.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if ledger.exists() and ledger.read_text().count("\n") >= 2:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = {r["id"] for r in _ledger(out) if r["status"] == "done"}
    assert 2 <= len(done_before) < 12, "the kill should land mid-run"

    seen: list[str] = []
    run_batch(items, out, options=LEXICAL, resume=True, progress=lambda o: seen.append(o.id))
    assert not set(seen) & done_before  # nothing repeated
    reference = tmp_path / "reference"
    run_batch(items, reference, options=LEXICAL)
    assert sorted(map(json.dumps, _rows(out))) == sorted(map(json.dumps, _rows(reference)))
    assert sorted(p.name for p in (out / "reports").iterdir()) == sorted(
        p.name for p in (reference / "reports").iterdir()
    )


# -- Ray --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_ray() -> Any:
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
        configure_logging=False,
    )
    yield ray
    ray.shutdown()


def test_ray_gives_the_same_verdicts_as_one_process(tmp_path: Path, local_ray: Any) -> None:
    """The shipped verifier, two actors on a local Ray instance on loopback."""
    items = _items(tmp_path)
    one = run_batch(items, tmp_path / "one", options=Options(), cache=False)
    ray_run = run_batch(
        items, tmp_path / "ray", options=Options(), cache=False, ray=True, workers=2
    )
    assert ray_run.mode == "ray" and ray_run.done == one.done == len(ARTICLES)
    assert sorted(map(json.dumps, _rows(tmp_path / "ray"))) == sorted(
        map(json.dumps, _rows(tmp_path / "one"))
    )
    for name in os.listdir(tmp_path / "one" / "reports"):
        a = report_from_json((tmp_path / "one" / "reports" / name).read_text())
        b = report_from_json((tmp_path / "ray" / "reports" / name).read_text())
        assert a.verdicts == b.verdicts


def test_ray_resumes_a_process_run_and_records_failures(tmp_path: Path, local_ray: Any) -> None:
    items = _items(tmp_path)
    lines = items.read_text().splitlines()
    items.write_text("\n".join(lines[:3]) + "\n")
    run_batch(items, tmp_path / "out", options=LEXICAL)
    bad = json.dumps({"id": "bad", "article": "nothing.md", "sources": ["lindas.txt"]})
    items.write_text("\n".join([*lines, bad]) + "\n")
    result = run_batch(items, tmp_path / "out", options=LEXICAL, resume=True, ray=True)
    assert (result.done, result.failed, result.skipped) == (3, 1, 3)
    assert "nothing.md: no such file" in dict(result.failures)["bad"]
    assert len({r["item"] for r in _rows(tmp_path / "out")}) == len(ARTICLES)


# -- a corpus ---------------------------------------------------------------------------


def _corpus(tmp: Path) -> Path:
    path = tmp / "corpus.jsonl"
    docs = [
        {"id": "lindas", "text": REPORT_SV, "title": "Broarna i Lindås"},
        {"id": "harbour", "text": REPORT_EN},
        {"id": "weather", "text": "It rained on 40 days in Bergen in October 2024."},
    ]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_a_corpus_is_indexed_once_then_loaded(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    first = open_corpus(corpus, index_dir=tmp_path / "idx")
    second = open_corpus(corpus, index_dir=tmp_path / "idx")
    assert first.built and not second.built
    assert first.key == second.key and second.documents == 3
    assert [p.text for p in second.index.passages] == [p.text for p in first.index.passages]
    assert (second.index.vectors == first.index.vectors).all()
    assert second.index.documents["lindas"].title == "Broarna i Lindås"
    # Changed bytes are another corpus.
    corpus.write_text(corpus.read_text().replace("40 days", "41 days"))
    assert open_corpus(corpus, index_dir=tmp_path / "idx").built


def test_an_unreadable_stored_index_is_rebuilt(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    first = open_corpus(corpus, index_dir=tmp_path / "idx")
    assert first.path is not None
    (first.path / "index.pkl").write_bytes(b"garbage")
    again = open_corpus(corpus, index_dir=tmp_path / "idx")
    assert again.built and len(again.index.passages) == len(first.index.passages)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "a"}', 'needs "text"'),
        ('{"text": "Something."}', 'needs an "id"'),
        ('{"id": "harbour", "text": "Again."}', "already used by"),
    ],
)
def test_bad_corpus_lines_name_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    corpus = _corpus(tmp_path)
    corpus.write_text(corpus.read_text() + line + "\n")
    with pytest.raises(InputError) as err:
        load_corpus(corpus)
    assert err.value.path.endswith("corpus.jsonl:4") and problem in err.value.problem


def test_a_corpus_folder_reads_every_document_with_ids_from_paths(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "sv").mkdir(parents=True)
    (root / "sv" / "lindas.txt").write_text(REPORT_SV)
    (root / "harbour.md").write_text(REPORT_EN)
    (root / ".hidden.txt").write_text("not me")
    docs = load_corpus(root)
    assert sorted(d.id for d in docs) == ["harbour", "sv/lindas"]


def test_items_without_sources_are_checked_against_the_corpus(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    path = tmp_path / "items.jsonl"
    lines = [{"id": f"i{n}", "article_text": t} for n, t in enumerate(ARTICLES)]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "out"
    result = run_batch(path, out, corpus=corpus, options=LEXICAL, index_dir=tmp_path / "idx")
    assert result.done == len(ARTICLES) and result.failed == 0
    rows = {r["item"]: r for r in _rows(out)}
    assert rows["i2"]["evidence_source"] == "harbour"
    assert rows["i0"]["evidence_source"] == "lindas"
    report = report_from_json((out / "reports" / "i2.json").read_text())
    # The report lists the corpus documents it draws on, not the whole corpus.
    assert "harbour" in {s.id for s in report.sources}
    assert "weather" not in {s.id for s in report.sources}


def test_an_items_own_sources_are_searched_beside_the_corpus(tmp_path: Path) -> None:
    """An item that names its own sources with --corpus is checked against both; its
    source may carry an id the corpus already uses (it is renamed, not merged)."""
    corpus = _corpus(tmp_path)
    own = tmp_path / "weather.txt"
    own.write_text("The ferry to Askøy was cancelled on 12 November 2024 because of storms.")
    path = tmp_path / "items.jsonl"
    items = [
        {"id": "ferry", "article_text": "The ferry to Askøy was cancelled on 12 November 2024.",
         "sources": ["weather.txt"]},
        {"id": "rain", "article_text": "It rained on 40 days in Bergen in October 2024."},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(x) + "\n" for x in items))
    out = tmp_path / "out"
    result = run_batch(path, out, corpus=corpus, options=LEXICAL, index_dir=tmp_path / "idx")
    assert result.done == 2 and result.failed == 0
    rows = {r["item"]: r for r in _rows(out)}
    ferry = report_from_json((out / "reports" / "ferry.json").read_text())
    (verdict,) = ferry.verdicts
    # the item's own "weather" source, renamed beside the corpus's "weather"
    assert verdict.evidence[0].source.startswith("weather") and "Askøy" in verdict.evidence[0].text
    assert verdict.evidence[0].source != "weather"
    assert verdict.evidence[0].source in {s.id for s in ferry.sources}
    assert rows["rain"]["evidence_source"] == "weather"  # the corpus's own document


def test_without_a_corpus_an_item_needs_sources(tmp_path: Path) -> None:
    item = BatchItem(id="x", line=1, article_text="Something happened.")
    result = run_batch([item], tmp_path / "out", options=LEXICAL)
    assert result.failed == 1 and "no sources" in result.failures[0][1]


def test_an_outcome_carries_plain_data() -> None:
    """What a Ray worker returns must pickle and JSON-encode without the nouns."""
    o = ItemOutcome("a", "k", "done", 0.1, claims=1, report_json="{}", rows=({"item": "a"},))
    assert json.loads(json.dumps(o.rows[0])) == {"item": "a"}


def test_a_corpus_searches_each_sentence_with_its_documents_title(tmp_path: Path) -> None:
    """In a corpus the title says which document a sentence is about: two abstracts with
    the same sentence about "the bridge", each titled with its bridge's name. Search
    finds the sentence of the bridge the query names, and shows its own words (the
    title is context for BM25, never part of the evidence). The vectors are the
    passages' own, so the verifier's dense feature finds them embedded already."""
    from sourcecheck.retrieve import build_index, search

    path = tmp_path / "corpus.jsonl"
    docs = [
        {"id": "a", "title": "Repairs to Storbron", "text": "The bridge closed in March 2024. "
         "Traffic moved to the ferry."},
        {"id": "b", "title": "Repairs to Ekbron", "text": "The bridge closed in March 2024. "
         "Cyclists used the old road."},
        {"id": "c", "title": "Harbour dues", "text": "The harbour raised its dues by 4 percent."},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    corpus = open_corpus(path, index_dir=tmp_path / "idx")
    assert corpus.index.title_context
    for bridge, doc in (("Ekbron", "b"), ("Storbron", "a")):
        (top,) = search(corpus.index, f"{bridge} closed in March 2024", "en", top_k=1)
        passage = corpus.index.passages[top.index]
        assert passage.doc_id == doc
        assert passage.text == "The bridge closed in March 2024."
        assert corpus.index.documents[doc].text[passage.start : passage.end] == passage.text
    # A check's own sources are searched without titles: the two sentences tie there.
    plain = build_index(list(corpus.index.documents.values()))
    assert not plain.title_context
    scores = {
        plain.passages[c.index].doc_id: c.dense
        for c in search(plain, "Ekbron closed in March 2024", "en", top_k=6)
        if plain.passages[c.index].text == "The bridge closed in March 2024."
    }
    assert scores["a"] == pytest.approx(scores["b"], abs=1e-6)
    by_place = {(p.doc_id, p.start, p.end): i for i, p in enumerate(plain.passages)}
    for i, p in enumerate(corpus.index.passages):
        j = by_place[(p.doc_id, p.start, p.end)]
        np.testing.assert_allclose(corpus.index.vectors[i], plain.vectors[j], atol=1e-6)
