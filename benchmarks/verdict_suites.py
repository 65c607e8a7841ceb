"""The cases of the verdict benchmark (``benchmarks/verdicts.py``), built from data.

A case is one claim an article states, the verdicts a fact-checker accepts for it, the
citation check expected where it cites a place, and the source span that decides it. A
group is one source document with the claims checked against it (one article per claim
language), so the whole pipeline runs once per group.

Suites:

``ntrex``
    NTREX-128 news (``../shared/eval/ntrex128``): each document in one of its eight
    languages is the source; the article states English sentences of it as written
    (``stated``), the same sentences with one number (``number``), date (``date``), name
    (``name``) or negation (``negation``) changed, and sentences of other documents
    (``unrelated``). Every language of the set, English included.
``handwritten``
    The project's own cases (``benchmarks/verdict_cases/*.toml``): fictional reports in
    Swedish, German, French and English, rendered to PDFs with pages and numbered
    sections; each claim with its accepted verdicts and expected citation check.
``wice``
    WiCE dev: the claim against the web page it cites (its sentences, one paragraph each).
``vitaminc``
    VitaminC real contrastive pairs: claims sharing a ``case_id`` against the evidence
    revisions that flip their label.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sourcecheck.retrieve import same_place

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CASES = Path(__file__).resolve().parent / "verdict_cases"

NTREX_LANGS = {
    "en": "src.eng",
    "sv": "ref.swe",
    "de": "ref.deu",
    "fr": "ref.fra",
    "es": "ref.spa",
    "da": "ref.dan",
    "nb": "ref.nob",
    "fi": "ref.fin",
}

VERDICTS = ("supported", "partially_supported", "contradicted", "not_found")


@dataclass(frozen=True)
class Case:
    id: str
    claim: str
    claim_language: str
    accept: tuple[str, ...]
    kind: str  # what the case tests: stated, number, ..., or the hand-written tags
    citation: str | None = None  # expected citation check; None = not scored
    evidence: str | None = None  # the decisive source text, verbatim in the source
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    id: str
    suite: str
    language: str  # the source's language
    source_name: str  # a file name; its suffix tells the loader the format
    source: bytes
    cases: tuple[Case, ...] = field(default=())


#: Whether two spans share at least half of the shorter one (a passage holds the decisive
#: sentence, or the sentence the passage): the measure of "the same place" that search
#: uses to keep its places distinct.
overlaps = same_place


# ---------------------------------------------------------------------------------------
# NTREX-128


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NEGATABLE = re.compile(
    r"\b(is|was|are|were|has|have|had|will|would|could|should|can|did|does|do)\b(?! not\b)"
)
_NEGATED = re.compile(r"\b(?:(is|was|are|were|has|have|had|did|does|do) not|(\w+)n't)\b")
_NUMBER = re.compile(r"(?<![\w.,:/])(\d{1,3}(?:,\d{3})+|\d+)(?![\w,.:/]\d)")
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,})(?= [a-z])")


def _ntrex_lines() -> tuple[list[str], dict[str, list[str]]]:
    base = EVAL / "ntrex128"
    ids = (base / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    texts = {
        lang: (base / f"newstest2019-{name}.txt").read_text(encoding="utf-8").splitlines()
        for lang, name in NTREX_LANGS.items()
    }
    return ids, texts


def _documents(ids: list[str]) -> list[tuple[str, list[int]]]:
    docs: dict[str, list[int]] = defaultdict(list)
    for i, doc_id in enumerate(ids):
        docs[doc_id.strip()].append(i)
    return list(docs.items())


def _words(line: str) -> int:
    return len(line.split())


def _change_number(line: str, others: list[str], rng: random.Random) -> tuple[str, str] | None:
    """One number of ``line`` changed, if a number there is written as digits in every
    translation too (so the source really gives the original); (new line, kind)."""
    spots = []
    for m in _NUMBER.finditer(line):
        digits = m.group(1)
        if all(re.search(rf"(?<!\d){re.escape(digits)}(?!\d)", o) for o in others):
            spots.append(m)
    if not spots:
        return None
    m = rng.choice(spots)
    raw = m.group(1)
    value = int(raw.replace(",", ""))
    if 1900 <= value <= 2100 and "," not in raw:
        new, kind = str(value + rng.choice((-3, -2, 2, 3))), "date"
    elif value < 10:
        new, kind = str(value + 2 if value < 6 else value - 3), "number"
    else:
        lead = int(str(value)[0])
        lead = lead + 2 if lead <= 7 else lead - 3
        new_value = int(str(lead) + str(value)[1:])
        new = f"{new_value:,}" if "," in raw else str(new_value)
        kind = "number"
    return line[: m.start(1)] + new + line[m.end(1) :], kind


def _change_date_word(line: str, rng: random.Random) -> str | None:
    for names in (_MONTHS, _DAYS):
        found = [w for w in names if re.search(rf"\b{w}\b", line)]
        if found:
            old = rng.choice(found)
            new = rng.choice([w for w in names if w not in found])
            return re.sub(rf"\b{old}\b", new, line, count=1)
    return None


def _negate(line: str) -> str | None:
    """``line`` with its one negation removed or one auxiliary negated; None if it has
    several candidates (the scope would be unclear)."""
    neg = list(_NEGATED.finditer(line))
    if len(neg) == 1:
        m = neg[0]
        if m.group(1):
            return line[: m.start()] + m.group(1) + line[m.end() :]
        word = m.group(2)
        base = {"won": "will", "can": "can", "don": "do", "doesn": "does", "didn": "did"}.get(
            word, word
        )
        return line[: m.start()] + base + line[m.end() :]
    if neg:
        return None
    aux = list(_NEGATABLE.finditer(line))
    if len(aux) != 1:
        return None
    m = aux[0]
    word = "cannot" if m.group(1) == "can" else m.group(1) + " not"
    return line[: m.start()] + word + line[m.end() :]


def _change_name(line: str, doc_text: str, names: list[str], rng: random.Random) -> str | None:
    spots = [m for m in _NAME.finditer(line) if m.group(1) not in _MONTHS + _DAYS]
    pool = [n for n in names if n not in doc_text]
    if not spots or not pool:
        return None
    m = rng.choice(spots)
    return line[: m.start(1)] + rng.choice(pool) + line[m.end(1) :]


#: The benchmark reads at most this many NTREX documents, the first of a seeded order;
#: ``training/train_judge.py`` trains only on the others.
NTREX_RESERVED = 30
NTREX_SEED = 20261207


def ntrex_split() -> tuple[list[tuple[str, list[int]]], list[tuple[str, list[int]]]]:
    """(benchmark documents, training documents): each a list of (document id, line
    numbers); the benchmark's in their seeded order."""
    ids, _ = _ntrex_lines()
    documents = _documents(ids)
    order = random.Random(NTREX_SEED).sample(documents, len(documents))
    return order[:NTREX_RESERVED], order[NTREX_RESERVED:]


NtrexClaim = tuple[str, str, tuple[str, ...], int | None]  # kind, text, accept, line


def ntrex_claims(
    doc_id: str,
    lines: list[int],
    en: list[str],
    texts: dict[str, list[str]],
    pool: list[tuple[str, list[int]]],
    stated: int = 3,
    unrelated: int = 2,
    seed: int = NTREX_SEED,
) -> list[NtrexClaim]:
    """English claims about one document: ``stated`` sentences as written, one changed
    number, date, negation and name where the document allows, and ``unrelated``
    sentences of the other documents in ``pool``."""
    body = [i for i in lines[1:] if 8 <= _words(en[i]) <= 45 and "?" not in en[i]]
    if len(body) < 3:
        return []
    crng = random.Random(f"{seed}:{doc_id}")
    doc_en = " ".join(en[i] for i in lines)
    all_names = sorted(
        {m.group(1) for _, other in pool for i in other for m in _NAME.finditer(en[i])}
        - set(_MONTHS + _DAYS)
    )
    cases: list[NtrexClaim] = []
    for i in crng.sample(body, min(stated, len(body))):
        cases.append(("stated", en[i], ("supported",), i))
    made: set[str] = set()
    for i in crng.sample(body, len(body)):
        others = [texts[lang][i] for lang in NTREX_LANGS if lang != "en"]
        if "number" not in made or "date" not in made:
            changed = _change_number(en[i], others, crng)
            if changed and changed[1] not in made:
                made.add(changed[1])
                cases.append((changed[1], changed[0], ("contradicted",), i))
                continue
        if "date" not in made:
            word = _change_date_word(en[i], crng)
            if word:
                made.add("date")
                cases.append(("date", word, ("contradicted",), i))
                continue
        if "negation" not in made:
            neg = _negate(en[i])
            if neg:
                made.add("negation")
                cases.append(("negation", neg, ("contradicted",), i))
                continue
        if "name" not in made:
            named = _change_name(en[i], doc_en, all_names, crng)
            if named:
                made.add("name")
                cases.append(("name", named, ("contradicted", "not_found"), i))
    other_lines = [
        i
        for other_id, other in pool
        if other_id != doc_id
        for i in other[1:]
        if 8 <= _words(en[i]) <= 45 and "?" not in en[i]
    ]
    for i in crng.sample(other_lines, unrelated):
        cases.append(("unrelated", en[i], ("not_found",), None))
    return cases


def ntrex_source(lines: list[int], translated: list[str]) -> str:
    """A document in one language as a news page reads: the title, then paragraphs of
    three sentences."""
    paras = [translated[lines[0]]] + [
        " ".join(translated[j] for j in lines[k : k + 3]) for k in range(1, len(lines), 3)
    ]
    return "\n\n".join(paras) + "\n"


def ntrex_groups(languages: list[str] | None = None, docs: int = 10) -> Iterator[Group]:
    """For each of ``docs`` seeded documents and each language: the document in that
    language as the source, and English claims against it."""
    if docs > NTREX_RESERVED:
        raise ValueError(f"the benchmark reads at most {NTREX_RESERVED} NTREX documents")
    _, texts = _ntrex_lines()
    reserved = ntrex_split()[0]
    for doc_id, lines in reserved[:docs]:
        cases = ntrex_claims(doc_id, lines, texts["en"], texts, reserved)
        if not cases:
            continue
        for lang in languages or list(NTREX_LANGS):
            lines_l = texts[lang]
            yield Group(
                id=f"ntrex:{doc_id}:{lang}",
                suite="ntrex",
                language=lang,
                source_name=f"{doc_id}-{lang}.txt",
                source=ntrex_source(lines, lines_l).encode("utf-8"),
                cases=tuple(
                    Case(
                        id=f"{doc_id}:{n}",
                        claim=text,
                        claim_language="en",
                        accept=accept,
                        kind=kind,
                        evidence=lines_l[line] if line is not None else None,
                    )
                    for n, (kind, text, accept, line) in enumerate(cases)
                ),
            )


# ---------------------------------------------------------------------------------------
# The project's hand-written cases


#: Characters the PDF core fonts lack, written as they would be typed on a plain keyboard.
_PLAIN = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})
_PLAIN_MORE = {"€": "EUR", "‰": " per mille", "−": "-", "\u202f": " ", "\u2009": " "}


def pdf_text(text: str) -> str:
    out = text.translate(_PLAIN)
    for k, v in _PLAIN_MORE.items():
        out = out.replace(k, v)
    return out


def render_pdf(spec: dict[str, object]) -> bytes:
    """A report as a PDF: a title on page 1, numbered bold section headings, paragraphs,
    a page number at the foot of every page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 25, 25)
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
    pages = spec["pages"]
    assert isinstance(pages, list)
    for n, page in enumerate(pages, start=1):
        pdf.add_page()
        if n == 1:
            pdf.set_font("Helvetica", "B", 17)
            pdf.multi_cell(0, 9, pdf_text(str(spec["title"])), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(
                0, 6, pdf_text(str(spec.get("publisher", ""))), new_x="LMARGIN", new_y="NEXT"
            )
            pdf.ln(6)
        for section in page["sections"]:
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(
                0,
                7,
                pdf_text(f"{section['number']} {section['heading']}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(2)
            pdf.set_font("Helvetica", "", 11)
            for para in section["paragraphs"]:
                pdf.multi_cell(0, 5.5, pdf_text(para), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3.5)
        pdf.set_y(-18)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 5, str(n), align="C")
    return bytes(pdf.output())


_CITATION_HINT = re.compile(r"\(([^()]*\d[^()]*)\)\s*[.!]?\s*$")


def handwritten_groups(folder: Path = CASES) -> Iterator[Group]:
    """One group per hand-written source document, its claims split by language."""
    for path in sorted(folder.glob("*.toml")):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        pdf = render_pdf(spec)
        by_lang: dict[str, list[Case]] = defaultdict(list)
        for c in spec.get("claims", []):
            lang = c.get("language") or _claim_language(c["text"], spec["language"])
            by_lang[lang].append(
                Case(
                    id=f"{spec['id']}:{c['id']}",
                    claim=c["text"],
                    claim_language=lang,
                    accept=tuple(c["accept"]),
                    kind=(c.get("covers") or ["other"])[0],
                    citation=c.get("citation"),
                    evidence=pdf_text(c["evidence"]) if c.get("evidence") else None,
                    tags=tuple(c.get("covers", ())),
                )
            )
        for lang, cases in by_lang.items():
            yield Group(
                id=f"handwritten:{spec['id']}:{lang}",
                suite="handwritten",
                language=spec["language"],
                source_name=f"{spec['id']}.pdf",
                source=pdf,
                cases=tuple(cases),
            )


def _claim_language(text: str, default: str) -> str:
    from sourcecheck.lang import detect_language

    return detect_language(_CITATION_HINT.sub("", text)) or default


# ---------------------------------------------------------------------------------------
# Public grounded data


def wice_groups(limit: int = 30, seed: int = 7) -> Iterator[Group]:
    path = EVAL / "wice" / "entailment_retrieval" / "claim" / "dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r["evidence"]) <= 150]
    rng = random.Random(seed)
    accept = {
        "supported": ("supported",),
        "partially_supported": ("partially_supported", "not_found"),
        "not_supported": ("not_found", "contradicted"),
    }
    for n, row in enumerate(rng.sample(rows, min(limit, len(rows)))):
        sentences = [s.strip() for s in row["evidence"] if s.strip()]
        wanted = {i for group in row["supporting_sentences"] for i in group}
        decisive = " ".join(row["evidence"][i].strip() for i in sorted(wanted))
        source = "\n\n".join(sentences) + "\n"
        first = row["evidence"][min(wanted)].strip() if wanted else None
        yield Group(
            id=f"wice:{n}",
            suite="wice",
            language="en",
            source_name=f"wice-{n}.txt",
            source=source.encode("utf-8"),
            cases=(
                Case(
                    id=f"wice:{n}",
                    claim=row["claim"],
                    claim_language="en",
                    accept=accept[row["label"]],
                    kind=row["label"],
                    evidence=first if decisive else None,
                ),
            ),
        )


def vitaminc_groups(limit: int = 120, seed: int = 7) -> Iterator[Group]:
    """Contrastive cases: whole ``case_id`` sets, until ``limit`` claims."""
    path = EVAL / "vitaminc" / "vitaminc_real" / "test.jsonl"
    by_case: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            by_case[row["case_id"]].append(row)
    keys = sorted(k for k, rows in by_case.items() if len({r["label"] for r in rows}) > 1)
    rng = random.Random(seed)
    rng.shuffle(keys)
    accept = {
        "SUPPORTS": ("supported",),
        "REFUTES": ("contradicted",),
        "NOT ENOUGH INFO": ("not_found", "partially_supported"),
    }
    taken = 0
    for key in keys:
        if taken >= limit:
            break
        by_evidence: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in by_case[key]:
            by_evidence[row["evidence"].replace("\ufffd", " ")].append(row)
        for e, (evidence, rows) in enumerate(by_evidence.items()):
            taken += len(rows)
            yield Group(
                id=f"vitaminc:{key}:{e}",
                suite="vitaminc",
                language="en",
                source_name=f"vitaminc-{key}-{e}.txt",
                source=(evidence + "\n").encode("utf-8"),
                cases=tuple(
                    Case(
                        id=row["unique_id"],
                        claim=row["claim"],
                        claim_language="en",
                        accept=accept[row["label"]],
                        kind=row["label"].lower().replace(" ", "_"),
                    )
                    for row in rows
                ),
            )
