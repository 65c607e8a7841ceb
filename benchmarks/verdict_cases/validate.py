"""Validate the hand-written verdict cases (one TOML file per source document).

Usage: python validate.py [FOLDER]   (FOLDER defaults to the folder of this script)

Checks the structure of every document, the verbatim evidence of every claim, the expected
citation check against the places the claim text cites, and prints totals per verdict,
language, phenomenon tag and citation check. Exits 1 if any problem is found.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES = ("sv", "de", "fr", "en")
VERDICTS = ("supported", "partially_supported", "contradicted", "not_found")
CITATIONS = ("confirmed", "wrong_location", "unresolved", "none")
TAGS = (
    "negation-scope",
    "negative-true",
    "quantifier",
    "direction",
    "number-word",
    "date",
    "hedge",
    "attribution",
    "compound",
    "paraphrase",
    "translation",
    "unrelated",
    "citation-right",
    "citation-wrong",
    "citation-disagree",
    "citation-missing",
)
MIN_TAG_COUNT = 6
MIN_CLAIMS, MAX_CLAIMS = 16, 20
MIN_PAGES, MAX_PAGES = 3, 5

SECTION_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*$")
CLAIM_ID_RE = re.compile(r"^[a-z0-9]+-\d{2}$")
DOC_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAREN_RE = re.compile(r"\(([^()]*)\)")
PAGE_RE = re.compile(r"(?<!\w)(?:pages?|pp|p|sida|seite|s)\.?\s*(\d+)\b", re.IGNORECASE)
SECTION_RE = re.compile(
    r"(?<!\w)(?:sections?|avsnitt|abschnitt|sect\.|§)\s*(\d+(?:\.\d+)*)", re.IGNORECASE
)
# Rough sentence splitter for the paragraph-length warning: a full stop after a one- or
# two-digit number or a single capital letter ("14. Januar", "M. Pélissier") ends no sentence.
SENTENCE_END_RE = re.compile(
    r"(?<![\s(]\d)(?<![\s(]\d\d)(?<!\b[A-Z])[.!?»”]+\s+(?=[«“„A-ZÅÄÖÉÈÀÂÎÔÇ0-9])"
)


@dataclass
class Document:
    path: Path
    doc_id: str
    language: str
    page_count: int = 0
    section_page: dict[str, int] = field(default_factory=dict)
    # (page, section number, paragraph text)
    paragraphs: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")


def section_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def count_sentences(text: str) -> int:
    return len(SENTENCE_END_RE.split(text.strip()))


def cited_places(text: str) -> tuple[list[int], list[str]]:
    """Pages and sections cited in parentheses in a claim text."""
    pages: list[int] = []
    sections: list[str] = []
    for group in PAREN_RE.findall(text):
        sections.extend(SECTION_RE.findall(group))
        without_sections = SECTION_RE.sub(" ", group)
        pages.extend(int(page) for page in PAGE_RE.findall(without_sections))
    return pages, sections


def load_document(path: Path, data: dict[str, Any], report: Report) -> Document:
    where = path.name
    doc_id = str(data.get("id", ""))
    if doc_id != path.stem:
        report.error(where, f"id {doc_id!r} does not match the file name")
    if not DOC_ID_RE.match(doc_id):
        report.error(where, f"id {doc_id!r} is not kebab-case")
    language = str(data.get("language", ""))
    if language not in LANGUAGES:
        report.error(where, f"language {language!r} not in {LANGUAGES}")
    for key in ("title", "publisher"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            report.error(where, f"missing {key}")
    doc = Document(path=path, doc_id=doc_id, language=language)
    pages = data.get("pages", [])
    if not isinstance(pages, list) or not MIN_PAGES <= len(pages) <= MAX_PAGES:
        report.error(where, f"needs {MIN_PAGES} to {MAX_PAGES} pages")
        return doc
    doc.page_count = len(pages)
    previous: tuple[int, ...] = ()
    for page_number, page in enumerate(pages, start=1):
        sections = page.get("sections", [])
        if not 1 <= len(sections) <= 3:
            report.error(where, f"page {page_number} has {len(sections)} sections (1 to 3)")
        for section in sections:
            number = str(section.get("number", ""))
            place = f"{where} p.{page_number} §{number}"
            if not SECTION_NUMBER_RE.match(number):
                report.error(place, "bad section number")
                continue
            if number in doc.section_page:
                report.error(place, "duplicate section number")
            key = section_key(number)
            if key <= previous:
                report.error(place, "section numbers out of order")
            previous = key
            doc.section_page[number] = page_number
            if not str(section.get("heading", "")).strip():
                report.error(place, "missing heading")
            paragraphs = section.get("paragraphs", [])
            if not isinstance(paragraphs, list) or not 1 <= len(paragraphs) <= 3:
                report.error(place, "needs 1 to 3 paragraphs")
                continue
            for paragraph in paragraphs:
                text = str(paragraph)
                sentences = count_sentences(text)
                if not 2 <= sentences <= 5:
                    report.warn(place, f"paragraph of {sentences} sentences: {text[:60]!r}")
                doc.paragraphs.append((page_number, number, text))
    return doc


def check_claim(
    doc: Document, claim: dict[str, Any], report: Report, seen_ids: set[str]
) -> tuple[str, str, list[str]] | None:
    claim_id = str(claim.get("id", ""))
    where = f"{doc.path.name} {claim_id}"
    if not CLAIM_ID_RE.match(claim_id):
        report.error(where, "claim id should look like 'sv1-01'")
    if claim_id in seen_ids:
        report.error(where, "duplicate claim id")
    seen_ids.add(claim_id)
    text = str(claim.get("text", ""))
    accept = claim.get("accept", [])
    citation = str(claim.get("citation", ""))
    evidence = str(claim.get("evidence", ""))
    covers = claim.get("covers", [])
    if not text.strip():
        report.error(where, "empty text")
    if not str(claim.get("note", "")).strip():
        report.error(where, "missing note")
    if (
        not isinstance(accept, list)
        or not accept
        or len(set(accept)) != len(accept)
        or any(verdict not in VERDICTS for verdict in accept)
    ):
        report.error(where, f"bad accept {accept!r}")
        return None
    if citation not in CITATIONS:
        report.error(where, f"bad citation {citation!r}")
        return None
    if not isinstance(covers, list) or not covers:
        report.error(where, "covers must be a non-empty list")
        covers = []
    for tag in covers:
        if tag not in TAGS:
            report.error(where, f"unknown tag {tag!r}")

    # Evidence: verbatim in exactly one paragraph; empty only when the source is silent.
    located: tuple[int, str] | None = None
    if accept == ["not_found"] and evidence:
        report.error(where, "not_found claim must have empty evidence")
    if "not_found" not in accept and not evidence:
        report.error(where, "evidence is empty")
    if evidence:
        hits = [(page, number) for page, number, text_ in doc.paragraphs if evidence in text_]
        if len(hits) != 1:
            report.error(where, f"evidence found in {len(hits)} paragraphs: {evidence[:60]!r}")
        else:
            located = hits[0]

    # Citation: compare the cited places with the place of the evidence.
    pages, sections = cited_places(text)
    cited = bool(pages or sections)
    page_exists = [1 <= page <= doc.page_count for page in pages]
    section_exists = [number in doc.section_page for number in sections]
    all_exist = all(page_exists) and all(section_exists)
    none_exist = not any(page_exists) and not any(section_exists)
    disagree = any(
        doc.section_page.get(number) not in (None, page) for page in pages for number in sections
    )
    holds = (
        located is not None
        and not disagree
        and all(page == located[0] for page in pages)
        and all(number == located[1] for number in sections)
    )
    if citation == "none" and cited:
        report.error(where, f"cites p.{pages} §{sections} but citation is 'none'")
    elif citation != "none" and not cited:
        report.error(where, f"citation is {citation!r} but no page/section found in text")
    elif citation == "confirmed" and not (all_exist and holds):
        report.error(where, f"'confirmed' but p.{pages} §{sections} vs evidence at {located}")
    elif citation == "wrong_location" and not (all_exist and not holds):
        report.error(where, f"'wrong_location' but p.{pages} §{sections} vs {located}")
    elif citation == "unresolved" and not none_exist:
        report.error(where, f"'unresolved' but p.{pages} §{sections} exist in the document")

    expected_tag_citation = {
        "citation-right": "confirmed",
        "citation-wrong": "wrong_location",
        "citation-disagree": "wrong_location",
        "citation-missing": "unresolved",
    }
    for tag, expected in expected_tag_citation.items():
        if tag in covers and citation != expected:
            report.error(where, f"tag {tag} needs citation {expected!r}")
    if "citation-disagree" in covers and not disagree:
        report.error(where, "tag citation-disagree but cited page and section agree")
    return str(accept[0]), citation, [str(tag) for tag in covers]


def print_counter(title: str, counter: Counter[str], order: tuple[str, ...], total: int) -> None:
    print(f"\n{title}")
    for key in order:
        value = counter.get(key, 0)
        print(f"  {key:<22}{value:>4}  {100 * value / max(total, 1):5.1f}%")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    files = sorted(folder.glob("*.toml"))
    report = Report()
    if not files:
        report.error(str(folder), "no .toml files")
    seen_claims: set[str] = set()
    seen_docs: set[str] = set()
    primary: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    docs_by_language: Counter[str] = Counter()
    by_tag: Counter[str] = Counter()
    by_citation: Counter[str] = Counter()
    rows: list[str] = []
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            report.error(path.name, f"does not parse: {exc}")
            continue
        doc = load_document(path, data, report)
        if doc.doc_id in seen_docs:
            report.error(path.name, "duplicate document id")
        seen_docs.add(doc.doc_id)
        docs_by_language[doc.language] += 1
        claims = data.get("claims", [])
        if not isinstance(claims, list) or not MIN_CLAIMS <= len(claims) <= MAX_CLAIMS:
            report.error(path.name, f"needs {MIN_CLAIMS} to {MAX_CLAIMS} claims")
            claims = claims if isinstance(claims, list) else []
        doc_verdicts: Counter[str] = Counter()
        for claim in claims:
            result = check_claim(doc, claim, report, seen_claims)
            if result is None:
                continue
            verdict, citation, tags = result
            primary[verdict] += 1
            accepted.update(claim["accept"])
            doc_verdicts[verdict] += 1
            by_language[doc.language] += 1
            by_citation[citation] += 1
            by_tag.update(tags)
        counts = " ".join(f"{v[:4]}={doc_verdicts.get(v, 0)}" for v in VERDICTS)
        rows.append(f"  {path.name:<44}{doc.language}  {len(claims):>3} claims  {counts}")

    total = sum(primary.values())
    print(f"{len(files)} documents, {total} claims")
    print("\nPer document (first accepted verdict)")
    print("\n".join(rows))
    print_counter("Claims per verdict (first accepted verdict)", primary, VERDICTS, total)
    print_counter("Claims whose accept list contains the verdict", accepted, VERDICTS, total)
    print_counter("Claims per document language", by_language, LANGUAGES, total)
    print_counter("Documents per language", docs_by_language, LANGUAGES, len(files))
    print_counter("Claims per citation check", by_citation, CITATIONS, total)
    print_counter("Claims per phenomenon tag", by_tag, TAGS, total)
    for tag in TAGS:
        if by_tag.get(tag, 0) < MIN_TAG_COUNT:
            report.error("totals", f"tag {tag} used {by_tag.get(tag, 0)} times (< {MIN_TAG_COUNT})")

    for warning in report.warnings:
        print(f"WARNING {warning}")
    for error in report.errors:
        print(f"ERROR {error}")
    print(f"\n{len(report.errors)} errors, {len(report.warnings)} warnings")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
