"""The report's JSON, byte for byte: ``sourcecheck/report/v1`` must not move when the code
that writes it does. The goldens were written by the hand-kept converter this one replaced
(``python -m tests.test_report_golden`` rewrites them, for a deliberate schema change)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sourcecheck.errors import InputError
from sourcecheck.model import NumberMention, PartResult, Report
from sourcecheck.report import report_from_dict, report_from_json, report_to_dict, report_to_json
from tests.report_fixtures import hostile_report, sample_report

FIXTURES = Path(__file__).parent / "fixtures"


def rich_report() -> Report:
    """The sample report with what it lacks: a compound claim's parts, coverage, a number
    mention with a qualifier, unrounded scores."""
    report = sample_report()
    v = report.verdicts[0]
    claim = replace(
        v.claim,
        numbers=(
            *v.claim.numbers,
            NumberMention("more than 40", 0, 12, 40.0, None, "number", "over"),
        ),
    )
    parts = (
        PartResult("The first part.", "supported", 0.812345678, v.evidence[0]),
        PartResult("The second part.", "not_found", 0.4, None),
    )
    rich = replace(v, claim=claim, parts=parts, coverage=0.73456789, confidence=0.912345)
    return replace(report, verdicts=(rich, *report.verdicts[1:]))


GOLDENS = {
    "report-v1-sample.json": sample_report,
    "report-v1-hostile.json": hostile_report,
    "report-v1-rich.json": rich_report,
}


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_the_json_is_the_golden_byte_for_byte(name: str) -> None:
    assert report_to_json(GOLDENS[name]()) == (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_the_golden_reads_back_to_the_same_report(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    back = report_from_json(text)
    assert report_to_json(back) == text
    assert report_to_dict(back) == json.loads(text)


if __name__ == "__main__":  # pragma: no cover
    for file, make in GOLDENS.items():
        (FIXTURES / file).write_text(report_to_json(make()), encoding="utf-8")


BAD_FIELDS = [
    (lambda d: d["claims"][0]["evidence"][0].update(page=14),
     r"evidence\[0\]\.page should be str, not int"),
    (lambda d: d["claims"][0]["evidence"][0].pop("score"), r"evidence\[0\]\.score is missing"),
    (lambda d: d["claims"][0]["mentions"]["numbers"][0].update(qualifier="around"),
     r"mentions\.numbers\[0\]\.qualifier is 'around'; expected one of over, under, about"),
    (lambda d: d["claims"][1].update(parts={}), r"claims\[1\]\.parts should be a list"),
    (lambda d: d["tool"].pop("version"), r"report\.tool\.version is missing"),
    (lambda d: d["timings"].update(load="fast"),
     r"report\.timings\.load should be float, not str"),
    (lambda d: d["stances"].append({"comment": "c-9", "stance": "shouts"}),
     r"stances\[\d+\]\.stance is 'shouts'"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "message"), BAD_FIELDS)
def test_a_bad_field_is_named(edit: Any, message: str) -> None:
    data = json.loads((FIXTURES / "report-v1-rich.json").read_text(encoding="utf-8"))
    edit(data)
    with pytest.raises(InputError, match=message):
        report_from_dict(data, path="r.json")


def test_an_evidence_item_without_a_locator_reads_as_an_empty_one() -> None:
    data = json.loads((FIXTURES / "report-v1-sample.json").read_text(encoding="utf-8"))
    item = data["claims"][0]["evidence"][0]
    for key in ("page", "page_index", "section", "section_title", "paragraph",
                "section_paragraph"):  # fmt: skip
        item.pop(key)
    report = report_from_dict(data)
    assert report.verdicts[0].evidence[0].locator.describe() == ""
    data["claims"][0].pop("id")
    with pytest.raises(InputError, match=r"claims\[0\]\.id is missing"):
        report_from_dict(data)
