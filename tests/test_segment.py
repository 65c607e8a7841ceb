"""split_sentences: exact spans for English and Swedish, repaired abbreviations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcecheck.segment import split_sentences


def sentences(text: str, language: str | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, language)]


def test_english_basics() -> None:
    text = "Dr. Smith inspected 12 bridges in the U.S. last year. They were old! Were they safe?"
    assert sentences(text, "en") == [
        "Dr. Smith inspected 12 bridges in the U.S. last year.",
        "They were old!",
        "Were they safe?",
    ]


def test_swedish_basics() -> None:
    text = "Bron är gammal. Den renoveras 2024. Kostar det mycket?"
    assert sentences(text, "sv") == ["Bron är gammal.", "Den renoveras 2024.", "Kostar det mycket?"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Det gäller t.ex. broar i Lund.",
        "Det gäller alla broar, dvs. även de små.",
        "Det gäller d.v.s. alla broar.",
        "Vi har bl.a. broar och viadukter.",
        "Det är en s.k. fackverksbro.",
        "Andersson m.fl. skriver om broar.",
        "Broar, vägar osv. ingår i planen.",
        "Kostnaden är ca. 12 miljoner kronor.",
        "Se s. 12 i rapporten.",
        "Se sid. 12 i rapporten.",
        "Se bilaga nr. 4 i rapporten.",
        "Se kap. 3 i rapporten.",
        "Se kap. 3. Det står där.",
        "Jämför jfr. avsnitt 2 i rapporten.",
        "Enligt § 3.4.3 gäller det.",
        "Det gäller enligt avsnittet (3.4.3) i rapporten.",
    ],
)
def test_swedish_abbreviations_do_not_end_sentences(sentence: str) -> None:
    text = f"Inledning här. {sentence} Sista meningen."
    got = sentences(text, "sv")
    if sentence == "Se kap. 3. Det står där.":
        assert got == ["Inledning här.", "Se kap. 3.", "Det står där.", "Sista meningen."]
    else:
        assert got == ["Inledning här.", sentence, "Sista meningen."]


@pytest.mark.parametrize(
    "sentence",
    [
        "See p. 12 of the report.",
        "See pp. 12–13 of the report.",
        "It is stated in § 3.4.3 of the report.",
        "It is stated in the report (3.4.3) clearly.",
        "Bridges, e.g. the one in Lund, are old.",
        "Bridges, i.e. all of them, are old.",
        "The bridge (see p. 12) is old.",
        "The cost was approx. 12 million.",
    ],
)
def test_english_references_do_not_end_sentences(sentence: str) -> None:
    text = f"First one here. {sentence} Last one here."
    assert sentences(text, "en") == ["First one here.", sentence, "Last one here."]


def test_missed_boundary_is_split() -> None:
    # sentencex keeps "Han sa det. Se det." as one sentence.
    assert sentences("Han sa det. Se det.", "sv") == ["Han sa det.", "Se det."]


def test_paragraph_breaks_are_never_crossed() -> None:
    text = "A heading without a stop\n\nThe first paragraph\ncontinues here. Second.\n \nNext"
    assert sentences(text, "en") == [
        "A heading without a stop",
        "The first paragraph\ncontinues here.",
        "Second.",
        "Next",
    ]
    assert sentences("Page one ends\fPage two", "en") == ["Page one ends", "Page two"]


def test_list_bullets_split_lines() -> None:
    assert sentences("Skäl:\n- punkt ett\n- punkt två", "sv") == [
        "Skäl:",
        "- punkt ett",
        "- punkt två",
    ]


def test_quote_with_inner_stop_stays_with_its_sentence() -> None:
    text = "He said “It is unsafe.” Then he left."
    assert sentences(text, "en") == ["He said “It is unsafe.”", "Then he left."]


def test_offsets_are_exact_with_odd_whitespace() -> None:
    text = "  \u00a0Första meningen.\u2003 Andra  meningen!\t\n\n\n  Tredje.  "
    spans = split_sentences(text, "sv")
    assert [text[s:e] for s, e in spans] == ["Första meningen.", "Andra  meningen!", "Tredje."]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []
    assert sentences("no stop at all", None) == ["no stop at all"]


def test_unknown_language_falls_back() -> None:
    assert sentences("Erste Satz. Zweiter Satz.", "de") == ["Erste Satz.", "Zweiter Satz."]
    assert sentences("One. Two.", "xx") == ["One.", "Two."]


# --- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*"abc .!?\n()”“\"'§:;,-–\u00a0\u2003\t\f0123456789", "t.ex.", "dvs.", "p.", "s.", "e.g.",
     "Dr.", "U.S.", "kap.", "\n\n", " Det", " The", "(3.4.3)", "§ 3.4.3", "pp. 12–13", "osv."]
)  # fmt: skip


def _check_partition(text: str, spans: list[tuple[int, int]]) -> None:
    covered = [0] * len(text)
    previous_end = 0
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start >= previous_end
        previous_end = end
        piece = text[start:end]
        assert piece == piece.strip() and piece
        assert "\n\n" not in piece and "\f" not in piece
        for i in range(start, end):
            covered[i] += 1
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i] == 1, (i, ch)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.sampled_from([None, "en", "sv", "de"]))
def test_partition_property(text: str, language: str | None) -> None:
    _check_partition(text, split_sentences(text, language))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.sampled_from([None, "en", "sv"]))
def test_partition_property_any_text(text: str, language: str | None) -> None:
    _check_partition(text, split_sentences(text, language))
