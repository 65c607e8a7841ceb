"""A locator becomes text in one place (``Locator.parts``), a citation in another
(``Citation.describe``): the table of what readers see."""

from __future__ import annotations

import pytest

from sourcecheck.model import Citation, Locator
from sourcecheck.verdict import describe_place

L = Locator


@pytest.mark.parametrize(
    ("locator", "options", "expected"),
    [
        (L(page="14", section="3.2", paragraph=4, section_paragraph=1), {}, "p. 14, § 3.2, ¶ 1"),
        (L(page="14", paragraph=4), {}, "p. 14, ¶ 4"),
        (L(page_index=3, paragraph=2), {}, "file page 3, ¶ 2"),
        (L(page_index=3, paragraph=2), {"file_page": False}, "¶ 2"),
        (L(page="iv", section="2", section_title="Method"), {"title": True}, "p. iv, § 2 Method"),
        (L(page="iv", section="2", section_title="Method"), {}, "p. iv, § 2"),
        (L(page="7", section="3.4.3", section_paragraph=2), {"paragraph": False}, "p. 7, § 3.4.3"),
        (L(section="4", paragraph=9), {}, "§ 4, ¶ 9"),  # no paragraph count in the section
        (L(), {}, ""),
    ],
)
def test_locator_text(locator: Locator, options: dict[str, bool], expected: str) -> None:
    assert locator.describe(**options) == expected
    assert ", ".join(locator.parts(**options)) == expected


def test_a_reason_names_page_and_section_only() -> None:
    from sourcecheck.model import Evidence

    ev = Evidence(
        "report", 0, 4, "Text", 0.9, L(page="12", page_index=14, section="3.4", paragraph=2)
    )
    assert describe_place(ev) == "report, p. 12, § 3.4"
    assert describe_place(Evidence("report", 0, 4, "Text", 0.9, L(page_index=2))) == "report"


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        (Citation("(p. 12-13)", 0, 10, "page", page="12", page_end="13"), "p. 12–13"),
        (Citation("(s. 4, avsnitt 3.2)", 0, 9, "page", page="4", section="3.2"), "p. 4, § 3.2"),
        (Citation("(¶ 3)", 0, 5, "paragraph", paragraph=3), "¶ 3"),
        (Citation("[1]", 0, 3, "footnote", footnote="1"), "[1]"),
    ],
)
def test_citation_text(citation: Citation, expected: str) -> None:
    assert citation.describe() == expected


def test_the_spelled_out_locator() -> None:
    loc = L(page="iv", page_index=6, section="2", section_title="Method", paragraph=3,
            section_paragraph=1)  # fmt: skip
    assert loc.details() == [
        "printed page iv",
        "page 6 of the file",
        "section 2 “Method”",
        "paragraph 3 on the page",
        "paragraph 1 of section 2",
    ]
    assert L(paragraph=2, section_paragraph=5).details() == ["paragraph 2 on the page"]
