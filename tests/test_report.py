"""Reports: JSON schema and round trip, Markdown, the HTML page (and its escaping), and
schema.org ClaimReview."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

import pytest
from markupsafe import Markup

from sourcecheck.errors import InputError
from sourcecheck.model import REPORT_SCHEMA, VERDICTS, NumberResult, QuoteResult, Report
from sourcecheck.report import (
    citation_counts,
    report_from_dict,
    report_from_json,
    report_to_claimreview,
    report_to_claimreview_json,
    report_to_dict,
    report_to_html,
    report_to_json,
    report_to_markdown,
    verdict_counts,
)
from sourcecheck.report.claimreview import RATINGS
from sourcecheck.report.html import highlight_shared, mark_spans, safe_url
from sourcecheck.report.jsonreport import jsonable
from sourcecheck.report.markdown import md_escape
from sourcecheck.report.text import verdict_label
from tests.report_fixtures import (
    ATTR,
    COMMENT_ID,
    JS_URL,
    NEWS_TEXT,
    PAYLOADS,
    SCRIPT,
    SOURCE_TEXT,
    TEMPLATE,
    TEXTAREA,
    hostile_report,
    sample_report,
)


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def hostile() -> Report:
    return hostile_report()


# -- the fixture itself ---------------------------------------------------------------------


def test_fixture_offsets_hold(report: Report) -> None:
    texts = {"s1": SOURCE_TEXT, "s2": NEWS_TEXT}
    for v in report.verdicts:
        for e in v.evidence:
            assert texts[e.source][e.start : e.end] == e.text
        results: list[QuoteResult | NumberResult] = [*v.quotes, *v.numbers]
        for r in results:
            if r.source and r.start is not None and r.source_text is not None:
                assert texts[r.source][r.start : r.end] == r.source_text
    assert {v.label for v in report.verdicts} == set(VERDICTS)
    assert any(v.claim.origin == COMMENT_ID for v in report.verdicts)


# -- JSON ------------------------------------------------------------------------------------

TOP_KEYS = {"schema", "created", "tool", "article", "sources", "summary", "claims", "skipped",
            "options", "models", "timings", "comments", "stances", "discussion"}
SOURCE_KEYS = {"id", "path", "media_type", "language", "pages", "sha256", "title", "characters",
               "warnings"}
CLAIM_KEYS = {"id", "text", "origin", "start", "end", "language", "verdict", "score",
              "confidence", "citation_check", "citation_note", "reason", "citations",
              "evidence", "quotes", "numbers", "parts"}
PART_KEYS = {"text", "verdict", "confidence", "evidence"}
CITATION_KEYS = {"raw", "start", "end", "kind", "page", "page_end", "section", "paragraph",
                 "footnote", "target"}
EVIDENCE_KEYS = {"source", "page", "page_index", "section", "section_title", "paragraph",
                 "section_paragraph", "start", "end", "text", "score", "retrieval", "language"}
QUOTE_KEYS = {"text", "status", "source", "page", "start", "end", "source_text", "similarity"}
NUMBER_KEYS = {"text", "value", "unit", "status", "source_value", "source_text", "source", "page",
               "start", "end"}
SKIPPED_KEYS = {"text", "start", "end", "origin", "reason"}


def test_json_field_names(report: Report) -> None:
    d = report_to_dict(report)
    assert set(d) == TOP_KEYS
    assert d["schema"] == REPORT_SCHEMA == "sourcecheck/report/v1"
    assert d["tool"] == {"name": "sourcecheck", "version": "0.1.0"}
    assert set(d["article"]) == SOURCE_KEYS
    assert all(set(s) == SOURCE_KEYS for s in d["sources"])
    for claim in d["claims"]:
        # the named fields, plus the one documented extension
        assert set(claim) - {"mentions"} == CLAIM_KEYS
        assert all(set(c) == CITATION_KEYS for c in claim["citations"])
        assert all(set(e) == EVIDENCE_KEYS for e in claim["evidence"])
        assert all(set(q) == QUOTE_KEYS for q in claim["quotes"])
        assert all(set(n) == NUMBER_KEYS for n in claim["numbers"])
        assert all(set(p) == PART_KEYS for p in claim["parts"])
    assert all(set(s) == SKIPPED_KEYS for s in d["skipped"])
    assert d["options"]["top_k"] == 5
    assert d["models"]["embedder"] == "intfloat/multilingual-e5-small"


def test_json_summary_counts(report: Report) -> None:
    summary = report_to_dict(report)["summary"]
    assert summary == {
        "claims": 8,
        "supported": 4,
        "partially_supported": 1,
        "contradicted": 1,
        "not_found": 2,
        "skipped": 2,
        "citation_check": {"confirmed": 4, "wrong_location": 1, "unresolved": 1, "none": 2},
    }
    assert verdict_counts(report) == {
        "supported": 4, "partially_supported": 1, "contradicted": 1, "not_found": 2
    }
    assert list(verdict_counts(report)) == list(VERDICTS)
    assert citation_counts(report)["wrong_location"] == 1


def test_json_claim_content(report: Report) -> None:
    claims = {c["id"]: c for c in report_to_dict(report)["claims"]}
    c3 = claims["c3"]
    assert c3["verdict"] == "contradicted"
    assert c3["citation_check"] == "wrong_location"
    assert c3["citation_note"] == "support is on p. 14, not p. 12"
    top = c3["evidence"][0]
    assert (top["page"], top["page_index"], top["section"]) == ("14", 3, "3.2")
    assert SOURCE_TEXT[top["start"] : top["end"]] == top["text"]
    assert c3["numbers"][0]["status"] == "differs"
    assert c3["numbers"][0]["source_text"] == "3,8 miljoner kronor"
    assert c3["citations"][0]["page"] == "12"
    assert claims["c7"]["origin"] == COMMENT_ID
    assert claims["c5"]["quotes"][0]["status"] == "absent"


def test_json_scores_are_rounded(report: Report) -> None:
    v = report.verdicts[0]
    e = replace(v.evidence[0], score=0.123456789)
    odd = replace(report, verdicts=(replace(v, score=2 / 3, evidence=(e,)),),
                  timings={"score": 1 / 3})
    d = report_to_dict(odd)
    assert d["claims"][0]["score"] == 0.6667
    assert d["claims"][0]["evidence"][0]["score"] == 0.1235
    assert d["timings"] == {"score": 0.3333}


def test_json_text(report: Report) -> None:
    text = report_to_json(report)
    assert "Befolkningen i Exempelstad ökade" in text  # ensure_ascii=False
    assert text.startswith('{\n  "schema": "sourcecheck/report/v1",')  # indent 2, schema first
    assert json.loads(text) == report_to_dict(report)


def test_json_round_trip(report: Report) -> None:
    assert report_from_dict(report_to_dict(report)) == report
    assert report_from_json(report_to_json(report)) == report


def test_json_round_trip_with_confidence_and_parts(report: Report) -> None:
    from dataclasses import replace

    from sourcecheck.model import PartResult

    first = report.verdicts[0]
    part = PartResult("One part.", "supported", 0.81, first.evidence[0])
    other = PartResult("Another part.", "not_found", 0.7, None)
    verdict = replace(first, confidence=0.8123, parts=(part, other))
    changed = replace(report, verdicts=(verdict, *report.verdicts[1:]))
    d = report_to_dict(changed)
    assert d["claims"][0]["confidence"] == 0.8123
    assert [p["verdict"] for p in d["claims"][0]["parts"]] == ["supported", "not_found"]
    assert set(d["claims"][0]["parts"][0]) == PART_KEYS
    assert report_from_dict(d) == changed


def test_json_round_trip_hostile(hostile: Report) -> None:
    back = report_from_json(report_to_json(hostile))
    assert report_to_dict(back) == report_to_dict(hostile)
    assert back.verdicts == hostile.verdicts


def test_json_read_errors(report: Report) -> None:
    d = report_to_dict(report)
    with pytest.raises(InputError, match="unsupported report schema"):
        report_from_dict({**d, "schema": "sourcecheck/report/v9"}, path="old.json")
    broken = json.loads(json.dumps(d))
    del broken["claims"][2]["verdict"]
    with pytest.raises(InputError, match=r"claims\[2\]\.verdict is missing"):
        report_from_dict(broken)
    broken = json.loads(json.dumps(d))
    broken["claims"][0]["verdict"] = "true"
    with pytest.raises(InputError, match="expected one of supported"):
        report_from_dict(broken)
    broken = json.loads(json.dumps(d))
    broken["claims"][0]["evidence"][0]["start"] = "7"
    with pytest.raises(InputError, match=r"evidence\[0\]\.start should be int"):
        report_from_dict(broken)
    with pytest.raises(InputError, match="not JSON"):
        report_from_json("{", path="x.json")


def test_jsonable_makes_plain_data() -> None:
    assert jsonable({"a": (1, 2), "p": PurePosixPath("/x"), "n": math.nan, 3: {2, 1}}) == {
        "a": [1, 2], "p": "/x", "n": None, "3": [1, 2]
    }


# -- Markdown --------------------------------------------------------------------------------


def test_markdown_has_every_claim_and_verdict(report: Report) -> None:
    md = report_to_markdown(report)
    assert md.startswith("# Source check: Exempelstad keeps growing\n")
    for i, v in enumerate(report.verdicts, 1):
        assert md_escape(v.claim.text) in md
        assert f"### {i}. {verdict_label(v.label)}" in md
    for label in ("✓ supported", "◐ partially supported", "✗ contradicted", "? not found"):
        assert label in md
    assert "(from comment c-3 by Karin L.)" in md
    assert "support is on p. 14, not p. 12" in md
    assert "> Den genomsnittliga byggkostnaden var 3,8 miljoner kronor per lägenhet." in md
    assert "(s1, p. 14, § 3.2, ¶ 1, score 0.87, found by search)" in md
    assert "differs: source says 3,8 miljoner kronor (s1, p. 14)" in md
    assert "verbatim in s1, p. 13" in md
    assert "not in the source; the source says: “Kostnaderna steg med 9 procent”" in md
    assert "- “Is that realistic?”: question" in md
    assert "| s1 | Bostadsrapport 2023 – Exempelstad kommun |" in md
    assert "**8 claims checked:** ✓ 4 supported" in md


def test_markdown_escapes_untrusted_text(hostile: Report) -> None:
    md = report_to_markdown(hostile)
    for payload in (SCRIPT, ATTR, TEXTAREA):  # quotes alone cannot open a tag here
        assert payload not in md
    assert "<" not in md and ">" not in md.replace("\n> ", "\n")
    # every table row still has exactly five cells
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert rows
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 7, row  # empty before the first and after the last bar


def test_md_escape() -> None:
    assert md_escape("a | b") == r"a \| b"
    assert md_escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert md_escape("*x* _y_ [l](javascript:x) `c`") == r"\*x\* \_y\_ \[l\](javascript:x) \`c\`"
    assert md_escape("two\n\nlines") == "two lines"
    assert md_escape("# not a heading", line_start=True) == r"\# not a heading"
    assert md_escape("1. not a list", line_start=True) == r"1\. not a list"
    assert md_escape("version 1.2") == "version 1.2"


# -- HTML ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects every tag with its attributes, the claim cards and the script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cards: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "article" and "claim" in (a.get("class") or "").split():
            self.cards.append(a)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_html_has_claims_badges_pages_and_filters(report: Report) -> None:
    page = report_to_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for v in report.verdicts:
        # the claim text is there, though its quotes and numbers are wrapped in <mark>
        plain = re.sub(r"<[^>]+>", "", page)
        assert str(Markup.escape(v.claim.text)) in plain
    for words in ("supported", "partially supported", "contradicted", "not found"):
        assert f'</span> {words}</span>' in page  # badge: icon plus the words, not colour only
    for label in ("p. 12", "p. 13", "p. 14", "§ 3.2 Kostnader", "¶ 1"):
        assert label in page
    assert "support is on p. 14, not p. 12" in page
    assert "cited place confirmed" in page
    assert "from comment c-3" in page
    assert "source says 3,8 miljoner kronor" in page
    assert 'class="check bad"' in page and ">3,8 miljoner kronor</mark>" in page
    assert '<mark class="shared">Exempelstad</mark>' in page
    assert "<details" in page and "2 sentences not checked" in page
    assert "intfloat/multilingual-e5-small" in page
    tags = _parse(page).tags
    buttons = [a for t, a in tags if t == "button"]
    assert [a["data-value"] for a in buttons if a.get("data-filter") == "verdict"] == list(
        VERDICTS
    )
    assert {a.get("data-filter") for a in buttons} == {"verdict", "citation", "comments", "all"}
    assert all(a.get("aria-pressed") == "false" for a in buttons if a["data-filter"] != "all")


def test_html_one_card_per_claim(report: Report) -> None:
    parsed = _parse(report_to_html(report))
    assert len(parsed.cards) == len(report.verdicts)
    assert [c["data-verdict"] for c in parsed.cards] == [v.label for v in report.verdicts]
    origins = [c["data-origin"] for c in parsed.cards]
    assert origins.count("comment") == 1
    problems = [c["data-citation"] for c in parsed.cards].count("problem")
    assert problems == 2
    assert not any("hidden" in c for c in parsed.cards)  # without JS everything shows


def test_html_is_self_contained(report: Report) -> None:
    page = report_to_html(report)
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed"}
        assert "src" not in attrs
    assert "@import" not in page and "url(" not in page
    assert "https://news.example.org/exempelstad-vaxer" in page  # a link, not a resource
    # one inline script, allowed by its hash in the Content-Security-Policy
    assert len(parsed.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(parsed.scripts[0].encode()).digest()).decode()
    csp = next(a["content"] for t, a in parsed.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert 30 <= parsed.scripts[0].count("\n") <= 50


def test_html_escapes_every_payload(hostile: Report) -> None:
    page = report_to_html(hostile)
    for payload in PAYLOADS:
        assert payload not in page
    assert "<img" not in page and TEXTAREA not in page
    assert TEMPLATE in page  # shown as text, never evaluated
    parsed = _parse(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "div", "header", "p", "h1",
               "h2", "section", "table", "thead", "tbody", "tr", "th", "td", "strong", "br",
               "span", "a", "nav", "button", "main", "article", "ul", "li", "mark", "figure",
               "figcaption", "blockquote", "details", "summary", "footer", "dl", "dt", "dd",
               "script", "ol"}
    for tag, attrs in parsed.tags:
        assert tag in allowed, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {"class", "id", "href", "title", "lang", "rel", "type", "hidden",
                            "aria-pressed", "aria-hidden", "aria-label", "aria-labelledby",
                            "role", "scope", "charset", "name", "content", "http-equiv",
                            "data-filter", "data-value", "data-verdict", "data-citation",
                            "data-origin", "data-disputed", "data-stance"}, (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith(("#", "https://", "http://")), value
            if name == "lang":
                assert value is not None and re.fullmatch(r"[a-z]{2}", value), value
    assert len(parsed.scripts) == 1 and "alert" not in parsed.scripts[0]
    assert not any(a.get("href") == JS_URL for _, a in parsed.tags)
    # untrusted text is present, as text
    assert str(Markup.escape(SCRIPT)) in page and str(Markup.escape(ATTR)) in page
    assert len(parsed.cards) == len(hostile.verdicts)


_FAKE_DOM = r"""
const cards = CARDS.map((d) => ({ dataset: d, hidden: false }));
const buttons = BUTTONS.map((a) => ({
  dataset: a.data, attrs: a.attrs, hidden: a.hidden,
  getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
  setAttribute(n, v) { this.attrs[n] = String(v); },
  closest() { return this; },
}));
let onClick = null;
const bar = {
  classList: { add() {} },
  querySelectorAll() { return buttons.filter((b) => "aria-pressed" in b.attrs); },
  querySelector() { return buttons.find((b) => b.dataset.filter === "all"); },
  addEventListener(type, f) { onClick = f; },
  contains(b) { return buttons.includes(b); },
};
const status = { hidden: true, textContent: "" };
globalThis.document = {
  getElementById(id) { return id === "filters" ? bar : id === "filter-status" ? status : null; },
  querySelectorAll(sel) { return sel.startsWith("article") ? cards : []; },
};
globalThis.window = { addEventListener() {} };
eval(SCRIPT);
const find = (f, v) =>
  buttons.findIndex((b) => b.dataset.filter === f && (b.dataset.value || null) === v);
const shown = () => cards.filter((c) => !c.hidden).length;
const log = [[shown(), status.textContent, status.hidden]];
for (const [f, v] of STEPS) {
  onClick({ target: buttons[find(f, v)] });
  log.push([shown(), status.textContent, buttons.map((b) => b.attrs["aria-pressed"] || "")]);
}
console.log(JSON.stringify(log));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_html_filter_script_runs(report: Report) -> None:
    parsed = _parse(report_to_html(report))
    cards = [{k[5:]: v for k, v in c.items() if k.startswith("data-")} for c in parsed.cards]
    buttons = [
        {"data": {k[5:]: v for k, v in a.items() if k.startswith("data-")},
         "attrs": {k: v for k, v in a.items() if k == "aria-pressed"},
         "hidden": "hidden" in a}
        for t, a in parsed.tags if t == "button"
    ]
    steps = [["verdict", "supported"], ["verdict", "contradicted"], ["citation", None],
             ["all", None], ["comments", None]]
    program = (
        f"const CARDS = {json.dumps(cards)}; const BUTTONS = {json.dumps(buttons)};"
        f"const STEPS = {json.dumps(steps)}; const SCRIPT = {json.dumps(parsed.scripts[0])};"
        + _FAKE_DOM
    )
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    log = json.loads(done.stdout)
    assert log[0] == [8, "Showing all 8 claims.", False]
    assert [entry[0] for entry in log[1:]] == [4, 5, 1, 8, 1]
    assert log[2][1] == "Showing 5 of 8 claims."
    assert log[2][2][:4] == ["true", "false", "true", "false"]
    assert set(log[4][2]) == {"false", ""}  # "show all" released every button


def test_html_without_claims(report: Report) -> None:
    page = report_to_html(replace(report, verdicts=(), skipped=()))
    assert "No checkable claims were found." in page
    assert _parse(page).cards == []


def test_highlight_shared_words_and_numbers() -> None:
    claim = "Riksbank raised the rate to 3.8 percent; 1,240 homes (the city)."
    passage = "Riksbanken höjde räntan till 3,8 procent. 1 240 bostäder i staden."
    marked = str(highlight_shared(passage, claim))
    assert '<mark class="shared">Riksbanken</mark>' in marked
    assert '<mark class="shared">3,8</mark>' in marked
    assert '<mark class="shared">1 240</mark>' in marked
    assert "staden" in marked and '"shared">staden' not in marked  # no 4-char stem shared
    assert '"shared">till' not in marked


def test_highlight_escapes_pieces() -> None:
    passage = "<b>Riksbanken</b> & co"
    marked = str(highlight_shared(passage, "Riksbank"))
    assert marked == '&lt;b&gt;<mark class="shared">Riksbanken</mark>&lt;/b&gt; &amp; co'
    spans = [(0, 3, "a", 'x" onclick="y'), (1, 2, "b", ""), (5, 9, "c", "")]
    assert str(mark_spans("<i>&hello", spans)) == (
        '<mark class="a" title="x&#34; onclick=&#34;y">&lt;i&gt;</mark>&amp;h<mark class="c">ello'
        "</mark>"
    )


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url(JS_URL) == ""
    assert safe_url(" JavaScript:alert(1)") == ""
    assert safe_url("data:text/html,<script>") == ""
    assert safe_url('https://x.org/"><img') == ""
    assert safe_url("sources/report.pdf") == ""


# -- ClaimReview -----------------------------------------------------------------------------


def _validate_claimreview(obj: dict[str, Any]) -> None:
    assert obj["@context"] == "https://schema.org"
    assert obj["@type"] == "ClaimReview"
    assert isinstance(obj["claimReviewed"], str) and obj["claimReviewed"]
    rating = obj["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["worstRating"], rating["bestRating"]) == (1, 4)
    assert isinstance(rating["ratingValue"], int)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert isinstance(rating["alternateName"], str) and rating["alternateName"]
    item = obj["itemReviewed"]
    assert item["@type"] == "Claim"
    assert isinstance(item["appearance"], list) and item["appearance"]
    for work in (*item["appearance"], item["firstAppearance"]):
        assert work["@type"] in {"CreativeWork", "Comment"}
        assert work.get("name") or work.get("identifier")
    assert obj["author"] == {"@type": "Organization", "name": "sourcecheck"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", obj["datePublished"])
    for work in (*obj["citation"], *obj["isBasedOn"]):
        assert work["@type"] == "CreativeWork" and work["name"]
        assert not str(work.get("url", "https://")).lower().startswith("javascript")


def test_claimreview_objects_validate(report: Report) -> None:
    reviews = report_to_claimreview(report)
    assert len(reviews) == len(report.verdicts)
    for review, verdict in zip(reviews, report.verdicts, strict=True):
        _validate_claimreview(review)
        assert review["claimReviewed"] == verdict.claim.text
        assert review["reviewRating"]["ratingValue"] == RATINGS[verdict.label][0]
    assert json.loads(report_to_claimreview_json(report)) == reviews
    by_id = dict(zip((v.claim.id for v in report.verdicts), reviews, strict=True))
    assert by_id["c3"]["citation"][0]["name"] == (
        "Bostadsrapport 2023 – Exempelstad kommun, p. 14, § 3.2, ¶ 1"
    )
    assert by_id["c3"]["reviewRating"]["alternateName"] == "Contradicted by its sources"
    comment = by_id["c7"]["itemReviewed"]["appearance"][0]
    assert comment == {"@type": "Comment", "identifier": COMMENT_ID,
                       "isPartOf": by_id["c1"]["itemReviewed"]["appearance"][0]}
    assert by_id["c1"]["datePublished"] == "2024-05-02"
    assert {"@type": "CreativeWork", "name": "Exempelstad växer så det knakar",
            "url": "https://news.example.org/exempelstad-vaxer",
            "inLanguage": "sv"} in by_id["c1"]["isBasedOn"]


def test_claimreview_rating_order() -> None:
    value = {label: RATINGS[label][0] for label in VERDICTS}
    assert (value["supported"] > value["partially_supported"] > value["not_found"]
            > value["contradicted"])
    assert set(value.values()) == {1, 2, 3, 4}


def test_claimreview_hostile_urls(hostile: Report) -> None:
    for review in report_to_claimreview(replace(hostile, created="2024-05-02T09:30:00Z")):
        _validate_claimreview(review)
        assert JS_URL not in json.dumps([w.get("url") for w in review["isBasedOn"]])


def test_html_names_the_original_language_of_cross_language_evidence(report: Report) -> None:
    from sourcecheck.report.html import original_note

    assert original_note("sv", "en") == "Swedish original"
    assert original_note("en", "en") == ""
    assert original_note(None, "en") == ""
    cross = [
        v for v in report.verdicts
        if v.evidence and v.claim.language and v.evidence[0].language
        and v.evidence[0].language != v.claim.language
    ]  # fmt: skip
    assert cross, "the fixture has an English claim with Swedish evidence"
    html = report_to_html(report)
    assert '<span class="original">Swedish original</span>' in html


def test_reports_show_the_passage_the_verdict_rests_on_first(report: Report) -> None:
    """A contradiction rests on the passage that says otherwise, which may score lower on
    support than a merely related one: the reports must not re-rank it out of first place."""
    contra = next(v for v in report.verdicts if v.label == "contradicted")
    deciding, other = contra.evidence[0], contra.evidence[1]
    swapped = (replace(deciding, score=0.11), replace(other, score=0.52))
    verdicts = tuple(
        replace(v, evidence=swapped) if v is contra else v for v in report.verdicts
    )
    changed = replace(report, verdicts=verdicts)
    md = report_to_markdown(changed)
    section = md[md.index(f"**Claim {contra.claim.id}**") :].split("\n### ")[0]
    assert f"> {md_escape(deciding.text, line_start=True)}" in section
    assert f"> {md_escape(other.text, line_start=True)}" not in section  # listed lower down
    page = report_to_html(changed)
    card = page[page.index('data-verdict="contradicted"') :]
    main, _, more = card.partition("<details>")
    assert str(Markup.escape(deciding.text))[:30] in re.sub(r"<[^>]+>", "", main)
    more_text = re.sub(r"<[^>]+>", "", more.split("</article>")[0])
    assert str(Markup.escape(other.text))[:30] in more_text


def test_every_renderer_shows_the_evidence_in_the_order_the_decision_gave(
    report: Report,
) -> None:
    """The order is decided once, in verdict.py: the renderers show it as it is, even where
    the later passages' support scores would sort them otherwise."""
    v = next(v for v in report.verdicts if len(v.evidence) >= 2)
    first = v.evidence[0]
    extra = tuple(
        replace(first, text=f"Passage {k} of the source.", start=first.start, score=s)
        for k, s in ((1, 0.05), (2, 0.95), (3, 0.50))
    )
    verdicts = tuple(replace(x, evidence=(first, *extra)) if x is v else x for x in report.verdicts)
    changed = replace(report, verdicts=verdicts)
    md = report_to_markdown(changed)
    section = md[md.index(f"**Claim {v.claim.id}**") :].split("\n### ")[0]
    positions = [section.index(f"Passage {k} of the source.") for k in (1, 2, 3)]
    assert positions == sorted(positions)
    page = re.sub(r"<[^>]+>", "", report_to_html(changed))
    positions = [page.index(f"Passage {k} of the source.") for k in (1, 2, 3)]
    assert positions == sorted(positions)
    review = report_to_claimreview_json(changed)
    assert review.index("Passage 1 of") < review.index("Passage 2 of") or "Passage 2" not in review
