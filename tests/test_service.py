"""The HTTP service through its API, in process: create, follow, read, list, delete,
errors in one shape, limits, hostile input, persistence and the score cache."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sourcecheck.config import resolve_options
from sourcecheck.load import load_bytes
from sourcecheck.load.fetch import FetchPolicy, check_url, fetch, is_public
from sourcecheck.pipeline import check
from sourcecheck.report import report_to_dict
from sourcecheck.score import Pair, PairScore, Scorer
from sourcecheck.scorecache import ScoreCache
from sourcecheck.service import Settings, create_app
from sourcecheck.service.models import progress_fraction
from sourcecheck.service.runner import CheckService, Upload, safe_name
from sourcecheck.store import MIGRATIONS, Store, StoreError

from .conftest import EXAMPLES

ARTICLE = EXAMPLES / "article.html"
SOURCE = EXAMPLES / "lindas-broar-2025.pdf"
VOLATILE = ("created", "timings")


def wait_done(client: TestClient, check_id: str, timeout: float = 300) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/checks/{check_id}").json()
        seen.append(body)
        if body["status"] in ("done", "failed"):
            body["_seen"] = seen
            return body
        time.sleep(0.1)
    raise AssertionError(f"check {check_id} did not finish: {seen[-1]}")


def stable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in VOLATILE}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("service"), workers=2))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def example_check(client: TestClient) -> dict[str, Any]:
    files = [
        ("article", ("article.html", ARTICLE.read_bytes(), "text/html")),
        ("sources", ("lindas-broar-2025.pdf", SOURCE.read_bytes(), "application/pdf")),
    ]
    r = client.post("/api/checks", files=files)
    assert r.status_code == 202, r.text
    created = r.json()
    assert r.headers["location"] == f"/api/checks/{created['id']}"
    return wait_done(client, created["id"])


def test_example_check_completes_with_progress(example_check: dict[str, Any]) -> None:
    assert example_check["status"] == "done", example_check["error"]
    assert example_check["progress"]["fraction"] == 1.0
    assert example_check["summary"]["claims"] >= 8
    assert [d["role"] for d in example_check["documents"]] == ["article", "source"]
    assert example_check["documents"][0]["name"] == "article.html"
    fractions = [b["progress"]["fraction"] for b in example_check["_seen"]]
    assert fractions == sorted(fractions), "progress never goes back"


def test_progress_fraction_only_moves_forward_through_the_stages() -> None:
    # The order the pipeline reports in: scoring reaches every claim before checking
    # starts again from the first one; both count claims, so a fraction taken from the
    # claim count alone fell back from 0.86 to 0.37 (a CI failure).
    events = [("fetch", 0, 2), ("load", 1, 2), ("load", 2, 2), ("index", 0, 40)]
    events += [("index", 20, 40), ("index", 40, 40), ("score", 0, 10), ("score", 8, 10)]
    events += [("score", 10, 10), ("check", 1, 10), ("check", 10, 10), ("done", 10, 10)]
    fractions = [progress_fraction(*e) for e in events]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert progress_fraction("score", 8, 10) < progress_fraction("check", 1, 10)
    assert progress_fraction(None, 0, 0) == 0.0
    assert progress_fraction("index", 0, 0) == progress_fraction("index", 0, 10)


def test_report_is_the_libraries_report(client: TestClient, example_check: dict[str, Any]) -> None:
    got = client.get(f"/api/checks/{example_check['id']}/report.json")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")
    options, origins = resolve_options()
    expected = check(
        load_bytes(ARTICLE.read_bytes(), name="article.html"),
        [load_bytes(SOURCE.read_bytes(), name="lindas-broar-2025.pdf")],
        options=options,
        option_origins=origins,
    )
    assert stable(got.json()) == stable(report_to_dict(expected))


def test_verdicts_are_stored_one_by_one(client: TestClient, example_check: dict[str, Any]) -> None:
    claims = client.get(f"/api/checks/{example_check['id']}/verdicts").json()["claims"]
    report = client.get(f"/api/checks/{example_check['id']}/report.json").json()
    assert claims == report["claims"]


def test_html_markdown_and_claimreview(client: TestClient, example_check: dict[str, Any]) -> None:
    base = f"/api/checks/{example_check['id']}"
    html = client.get(f"{base}/report.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    csp = html.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'none'" in csp
    assert "sha256-" in csp  # the report's own inline script, by hash
    assert "Lindas" in html.text or "lindas" in html.text
    md = client.get(f"{base}/report.md")
    assert md.status_code == 200 and md.text.startswith("#")
    cr = client.get(f"{base}/claimreview.json")
    assert cr.status_code == 200 and json.loads(cr.text)[0]["@type"] == "ClaimReview"


def test_listing_and_deleting(client: TestClient) -> None:
    r = client.post(
        "/api/checks",
        files=[
            ("article", ("note.txt", b"The bridge was built in 1931.", "text/plain")),
            ("sources", ("facts.txt", b"The bridge was built in 1931 by the city.", "text/plain")),
        ],
    )
    check_id = r.json()["id"]
    listed = client.get("/api/checks", params={"limit": 500}).json()
    assert check_id in [c["id"] for c in listed["checks"]]
    assert listed["total"] >= 1
    wait_done(client, check_id)
    assert client.delete(f"/api/checks/{check_id}").status_code == 204
    gone = client.get(f"/api/checks/{check_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert client.delete(f"/api/checks/{check_id}").status_code == 404


def test_pasted_text_and_options(client: TestClient) -> None:
    r = client.post(
        "/api/checks",
        data={"article_text": "The bridge was built in 1931.", "top_k": "3"},
        files=[("sources", ("facts.txt", b"The bridge was built in 1931.", "text/plain"))],
    )
    assert r.status_code == 202, r.text
    done = wait_done(client, r.json()["id"])
    assert done["status"] == "done"
    assert done["documents"][0]["name"] == "pasted-article.txt"
    report = client.get(f"/api/checks/{done['id']}/report.json").json()
    assert report["options"]["top_k"] == 3
    assert report["options"]["origins"]["top_k"] == "request"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"files": [("sources", ("a.txt", b"x", "text/plain"))]}, 400, "bad_request"),
        ({"data": {"article_text": "A claim of 12 people."}}, 400, "no_sources"),
        (
            {
                "data": {"article_text": "Twelve people."},
                "files": [("sources", ("a.txt", b"", "text/plain"))],
            },
            400,
            "empty_document",
        ),
        ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, None),
        ({"json": {"article_url": "http://127.0.0.1/x", "source_urls": []}}, 422, None),
        ({"json": {"article_text": "x", "source_urls": ["http://127.0.0.1/a"]}}, 400, "bad_url"),
        ({"json": {"article_text": "x", "source_urls": ["file:///etc/passwd"]}}, 400, "bad_url"),
        ({"json": {"article_text": "x", "source_urls": ["http://h/"], "extra": 1}}, 422, None),
        ({"json": {"source_urls": ["http://h/"], "options": {"top_k": False}}}, 422, None),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, None),
    ],
)
def test_bad_requests_share_one_error_shape(
    client: TestClient, kwargs: dict[str, Any], status: int, code: str | None
) -> None:
    r = client.post("/api/checks", **kwargs)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["status"] == status
    assert error["message"]
    if code:
        assert error["code"] == code


def test_report_of_unfinished_or_unknown_check(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/api/checks/nope/report.json").status_code == 404
    app = create_app(Settings(data_dir=tmp_path, start_workers=False))
    with TestClient(app) as c:
        r = c.post(
            "/api/checks",
            data={"article_text": "The bridge opened in 1931."},
            files=[("sources", ("a.txt", b"The bridge opened in 1931.", "text/plain"))],
        )
        check_id = r.json()["id"]
        assert c.get(f"/api/checks/{check_id}").json()["status"] == "queued"
        r = c.get(f"/api/checks/{check_id}/report.json")
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_ready"


def test_upload_over_the_limit_is_413(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, max_upload_bytes=1024, start_workers=False))
    with TestClient(app) as c:
        big = b"word " * 100_000
        r = c.post(
            "/api/checks",
            data={"article_text": "The bridge."},
            files=[("sources", ("big.txt", big, "text/plain"))],
        )
        assert r.status_code == 413
        assert "limit" in r.json()["error"]["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"article_text": "'
            for _ in range(100):
                yield b"x" * 1000
            yield b'", "source_urls": ["http://example.org/"]}'

        r = c.post("/api/checks", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_input_is_escaped(client: TestClient) -> None:
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    comment = (
        '<li class="comment depth-1" id="comment-9"><article class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<span class="fn">{escaped}</span></div></footer>'
        '<div class="comment-content"><p>The council repaired 40 bridges, not 12. '
        f"{escaped}</p></div></article></li>"
    )
    article = (
        "<html><head><title>T</title></head><body><article><h1>News</h1>"
        f"<p>The council said 40 bridges were repaired {escaped}.</p>"
        "<p>It spent 12 million kronor on the work last year, the report says.</p>"
        '</article><section id="comments" class="comments-area">'
        f'<ol class="comment-list">{comment}</ol></section></body></html>'
    ).encode()
    source = f"The council repaired 40 bridges. It spent 12 million kronor. {HOSTILE}".encode()
    r = client.post(
        "/api/checks",
        files=[
            ("article", (f"{HOSTILE}.html", article, "text/html")),
            ("sources", ("<b>src</b>.txt", source, "text/plain")),
        ],
    )
    assert r.status_code == 202, r.text
    done = wait_done(client, r.json()["id"])
    assert done["status"] == "done", done["error"]
    report = client.get(f"/api/checks/{done['id']}/report.json").json()
    assert [c["author"] for c in report["comments"]] == [HOSTILE], "the payload reached the report"
    assert any(c["origin"] != "article" for c in report["claims"])
    html = client.get(f"/api/checks/{done['id']}/report.html").text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js"' in page.text
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js
    listed = client.get("/api/checks", params={"limit": 500}).json()
    assert safe_name(HOSTILE + ".html", "x") in [
        c["documents"][0]["name"] for c in listed["checks"]
    ]
    md = client.get(f"/api/checks/{done['id']}/report.md").text
    assert "<script>" not in md


def test_deleting_a_running_check_stops_it(tmp_path: Path) -> None:
    import threading

    gate, entered = threading.Event(), threading.Event()

    class Blocking(CountingScorer):
        def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
            entered.set()
            gate.wait(30)
            return super().score_batch(pairs)

    options, origins = resolve_options({"model": "lexical"})
    store = Store(tmp_path / "db.sqlite")
    service = CheckService(store, options, origins, workers=1)
    from sourcecheck.score import ScorerPlugin, register

    blocking = Blocking()
    register("lexical-blocking", ScorerPlugin(lambda argument: blocking))
    try:
        service.options = options.__class__(**{**options.as_dict(), "model": "lexical-blocking"})
        service.start()
        text = b"The bridge was built in 1931."
        check_id = service.submit(Upload("a.txt", data=text), [Upload("s.txt", data=text)])
        assert entered.wait(60), "the check reached the scorer"
        assert store.get_check(check_id).status == "running"  # type: ignore[union-attr]
        assert service.delete(check_id)
        gate.set()
        service.stop(wait=True)
        assert store.get_check(check_id) is None
        assert store.verdicts(check_id) == []
    finally:
        gate.set()


def test_openapi_and_health(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/checks",
        "/api/checks/{check_id}",
        "/api/checks/{check_id}/report.json",
        "/api/checks/{check_id}/report.html",
    ):
        assert path in schema["paths"]
    assert "delete" in schema["paths"]["/api/checks/{check_id}"]
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.get("/static/../store.py").status_code == 404


def test_events_stream_ends_with_the_final_status(
    client: TestClient, example_check: dict[str, Any]
) -> None:
    with client.stream("GET", f"/api/checks/{example_check['id']}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    last = [line for line in body.splitlines() if line.startswith("data: ")][-1]
    assert json.loads(last[6:])["status"] == "done"


# -- the store -------------------------------------------------------------------------------


def test_migrations_bring_an_old_file_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO checks(id, created, updated, status, options) "
        "VALUES ('a', 't', 't', 'done', '{}')"
    )
    db.commit()
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    row = store.get_check("a")
    assert row is not None and row.attempts == 0
    store.close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_store_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite"):
        Store(path)


class CountingScorer(Scorer):
    name = "counting"
    model_id = "counting-v1"

    def __init__(self) -> None:
        self.seen = 0

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        self.seen += len(pairs)
        return [PairScore(0.5 if p.claim in p.passage else 0.1, 0.0) for p in pairs]


def test_score_cache_survives_the_process(tmp_path: Path) -> None:
    pairs = [Pair("claim one", "passage one"), Pair("claim two", "passage two claim two")]
    scorer = CountingScorer()
    first = ScoreCache(store=Store(tmp_path / "s.sqlite").scores).score(scorer, pairs, 8)
    assert scorer.seen == 2
    again = ScoreCache(store=Store(tmp_path / "s.sqlite").scores).score(scorer, pairs, 8)
    assert scorer.seen == 2, "the second cache read the first one's scores from disk"
    assert again == first


def test_unfinished_check_is_resumed_and_a_crashing_one_given_up(tmp_path: Path) -> None:
    options, origins = resolve_options({"model": "lexical"})
    store = Store(tmp_path / "db.sqlite")
    service = CheckService(store, options, origins, workers=1)
    text = b"The bridge was built in 1931."
    resumed = service.submit(Upload("a.txt", data=text), [Upload("s.txt", data=text)])
    store.start(resumed)  # as if the server died while running it
    doomed = service.submit(Upload("a.txt", data=text), [Upload("s.txt", data=text)])
    for _ in range(3):
        store.start(doomed)
    service.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and store.unfinished():
        time.sleep(0.05)
    service.stop(wait=True)
    row = store.get_check(resumed)
    assert row is not None and row.status == "done" and row.attempts == 2
    gave_up = store.get_check(doomed)
    assert gave_up is not None and gave_up.status == "failed"
    assert "3 times" in (gave_up.error or "")


def test_a_bad_document_fails_the_check_with_its_name(client: TestClient) -> None:
    r = client.post(
        "/api/checks",
        data={"article_text": "The bridge was built in 1931."},
        files=[("sources", ("report.pdf", b"not a pdf at all", "application/pdf"))],
    )
    done = wait_done(client, r.json()["id"])
    assert done["status"] == "failed"
    assert done["error"].startswith("report.pdf: ")
    r = client.get(f"/api/checks/{done['id']}/report.json")
    assert r.status_code == 409 and "report.pdf" in r.json()["error"]["message"]


# -- fetching by URL -------------------------------------------------------------------------


def resolver(table: dict[str, list[str]]) -> Any:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("unknown host")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254", "::1",
     "fe80::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(address)
    with pytest.raises(Exception, match="non-public"):
        check_url("http://example.org/x", FetchPolicy(), resolver({"example.org": [address]}))


def test_public_addresses_and_the_allow_flag() -> None:
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1::1")
    check_url(
        "https://example.org/r.pdf", FetchPolicy(), resolver({"example.org": ["93.184.216.34"]})
    )
    check_url("http://127.0.0.1/x", FetchPolicy(allow_private=True))
    for url in ("ftp://example.org/x", "http:///x", "http://u:p@example.org/"):
        with pytest.raises(Exception, match=r"example\.org|host|http"):
            check_url(url, FetchPolicy(), resolver({"example.org": ["93.184.216.34"]}))


def test_fetch_rechecks_redirects_limits_size_and_type() -> None:
    table = {"good.org": ["93.184.216.34"], "evil.org": ["10.0.0.5"]}

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/redirect-private":
            return httpx.Response(302, headers={"location": "http://evil.org/secret"})
        if path == "/redirect-ok":
            return httpx.Response(301, headers={"location": "/doc.txt"})
        if path == "/doc.txt":
            plain = {"content-type": "text/plain; charset=utf-8"}
            return httpx.Response(200, text="The bridge opened in 1931.", headers=plain)
        if path == "/big":
            return httpx.Response(200, content=b"x" * 5000, headers={"content-type": "text/plain"})
        if path == "/image":
            return httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"})
        if path == "/loop":
            return httpx.Response(302, headers={"location": "/loop"})
        return httpx.Response(404)

    transport = httpx.MockTransport(handler)
    policy = FetchPolicy(max_bytes=1000)
    kw: dict[str, Any] = {"resolve": resolver(table), "transport": transport}
    got = fetch("http://good.org/redirect-ok", policy, **kw)
    assert got.data == b"The bridge opened in 1931." and got.name == "doc.txt"
    assert got.url == "http://good.org/doc.txt"
    for path, message in [
        ("/redirect-private", "non-public"),
        ("/big", "limit"),
        ("/image", "image/png"),
        ("/loop", "redirects"),
        ("/missing", "404"),
    ]:
        with pytest.raises(Exception, match=message) as info:
            fetch(f"http://good.org{path}", policy, **kw)
        assert str(info.value).startswith(f"http://good.org{path}: ")


def test_safe_name_keeps_only_the_last_part() -> None:
    assert safe_name("../../etc/passwd", "x") == "passwd"
    assert safe_name("C:\\Users\\me\\report.pdf", "x") == "report.pdf"
    assert safe_name("", "fallback") == "fallback"


def test_a_finished_checks_summary_is_stored_beside_its_report(
    client: TestClient, example_check: dict[str, Any]
) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    row = service.store.get_check(example_check["id"])
    report = json.loads(service.store.report(example_check["id"]))
    assert row.summary == report["summary"] == example_check["summary"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        # The form's text fields and the JSON body are read by one model (CheckRequest):
        # the same field, the same rule, the same answer.
        ({"data": {"article_text": "x", "source_urls": "http://h/", "top_k": "0"}}, "top_k"),
        ({"data": {"article_text": "x", "source_urls": "http://h/", "top_k": "many"}}, "top_k"),
        ({"json": {"article_text": "x", "source_urls": ["http://h/"], "options": {"top_k": 0}}},
         "top_k"),
        ({"data": {"article_text": "x", "source_urls": "http://h/", "check_comments": "maybe"}},
         "check_comments"),
        ({"json": {"article_text": "x", "source_urls": ["http://h/"],
                   "options": {"check_comments": "true"}}}, "check_comments"),
        ({"data": {"article_url": "u" * 4001, "source_urls": "http://h/"}}, "article_url"),
        ({"json": {"article_url": "u" * 4001, "source_urls": ["http://h/"]}}, "article_url"),
    ],
)  # fmt: skip
def test_form_and_json_are_validated_by_one_model(
    client: TestClient, kwargs: dict[str, Any], field: str
) -> None:
    r = client.post("/api/checks", **kwargs)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


def test_an_unexpected_error_answers_500_with_an_id_not_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(data_dir=tmp_path, start_workers=False))

    def broken(**_: Any) -> None:
        raise RuntimeError("secret path /srv/data/sourcecheck.sqlite")

    with TestClient(app, raise_server_exceptions=False) as c:
        monkeypatch.setattr(app.state.service.store, "list_checks", broken)
        r = c.get("/api/checks")
    assert r.status_code == 500
    error = r.json()["error"]
    assert error["code"] == "internal_error"
    assert "secret" not in r.text and "RuntimeError" not in r.text
    error_id = error["message"].split()[2].rstrip(":")
    assert len(error_id) == 12
    logged = [rec for rec in caplog.records if error_id in rec.getMessage()]
    assert logged and logged[0].exc_info is not None  # the log has the traceback
