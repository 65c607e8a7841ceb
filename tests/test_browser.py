"""The web page in a real browser: headless Chromium (the Debian package, driven by
Playwright with its executable path set; never a downloaded browser).

Upload the bundled example, watch the progress, open the report, filter by verdict,
go to a claim and see its evidence with its page number; a screenshot is saved under
``test-artifacts/``. CI installs Chromium and sets SOURCECHECK_REQUIRE_BROWSER=1, so
there a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcecheck.service import Settings, create_app

from .conftest import EXAMPLES, ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("SOURCECHECK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_browser() -> str:
    path = chromium_path()
    if path is None:
        message = "no Chromium: install the Debian package (apt-get install chromium)"
        if os.environ.get("SOURCECHECK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("browser"), workers=2))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


def test_upload_progress_report_filter_and_evidence(server: str) -> None:
    executable = require_browser()
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "console",
                lambda msg: errors.append(msg.text) if msg.type == "error" else None,
            )
            page.goto(server + "/")
            page.set_input_files("#article-file", str(EXAMPLES / "article.html"))
            page.set_input_files("#source-files", str(EXAMPLES / "lindas-broar-2025.pdf"))
            # Keyboard: the submit button is reachable and works with Enter.
            page.focus("#submit")
            page.keyboard.press("Enter")

            # Progress: the bar appears and moves through the stages.
            page.wait_for_selector("#run:not([hidden])")
            texts: set[str] = set()
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                texts.add(page.inner_text("#progress-text"))
                if page.is_visible("#report-frame") or page.is_visible("#run-error"):
                    break
                time.sleep(0.05)
            # The page writes "Done" and shows the report in one task: a poll can read the
            # text just before it and the frame just after, so read the final text again.
            texts.add(page.inner_text("#progress-text"))
            assert not page.is_visible("#run-error"), page.inner_text("#run-error")
            assert page.is_visible("#report-frame"), f"no report; progress seen: {texts}"
            assert "Done" in texts
            assert len(texts) >= 2, texts
            assert page.get_attribute("#progress-bar", "value") == "1"
            assert page.get_attribute("#dl-json", "href", timeout=1000).endswith("/report.json")

            report = page.frame_locator("#report-frame")
            report.locator("article.claim").first.wait_for()
            total = report.locator("article.claim").count()
            assert total >= 8

            # Filter by verdict: only contradicted claims stay visible.
            report.locator("button[data-filter=verdict][data-value=contradicted]").click()
            visible = report.locator("article.claim:visible")
            assert visible.count() >= 1
            assert visible.count() < total
            for i in range(visible.count()):
                assert visible.nth(i).get_attribute("data-verdict") == "contradicted"
            report.locator("button[data-filter=all]").click()
            assert report.locator("article.claim:visible").count() == total

            # Open the claim that the source supports on another page than cited,
            # and read its evidence with the page number.
            claim = report.locator("article.claim", has_text="weight limit of 3.5 tonnes").first
            claim.locator("a.permalink").click()
            caption = claim.locator("figure.passage figcaption").first
            caption.wait_for()
            assert "p. 7" in caption.inner_text()
            assert "Swedish original" in caption.inner_text()
            assert "page 7" in claim.inner_text() or "p. 7" in claim.inner_text()
            assert claim.locator("blockquote").first.inner_text().strip()
            claim.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser-report.png"), full_page=False)

            # The thread: the comments nested as on the page, each with a stance badge; a
            # reply sits inside its parent, and a stance that answers a claim links to it.
            thread = report.locator("section#thread")
            thread.scroll_into_view_if_needed()
            assert thread.is_visible()
            comments = thread.locator("li.comment")
            assert comments.count() == 4
            assert thread.locator("li.comment li.comment").count() >= 1
            for i in range(comments.count()):
                assert comments.nth(i).locator(".stance").first.inner_text().strip()
            linked = thread.locator(".stance a[href^='#claim-']")
            if linked.count():
                href = linked.first.get_attribute("href")
                linked.first.click()
                assert report.locator(f"article{href}").is_visible()
            page.screenshot(path=str(ARTIFACTS / "browser-thread.png"), full_page=False)

            # "Disputed claims" keeps exactly the claims a comment disputes (the chip's count).
            chip = report.locator("button[data-filter=disputed]")
            disputed = int(chip.locator(".n").inner_text())
            chip.click()
            visible = report.locator("article.claim:visible")
            assert visible.count() == disputed
            for i in range(visible.count()):
                assert visible.nth(i).get_attribute("data-disputed") == "yes"
                assert "disputed by" in visible.nth(i).inner_text()
            report.locator("button[data-filter=all]").click()
            assert report.locator("article.claim:visible").count() == total

            # The past-checks table lists the check as done.
            assert "done" in page.inner_text("#history-table")
            assert not errors, errors
        finally:
            browser.close()
