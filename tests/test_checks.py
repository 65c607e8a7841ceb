from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sourcecheck.checks.normalise import fold
from sourcecheck.checks.quotes import check_quote
from sourcecheck.model import Quote
from tests.conftest import make_document

SOURCE = make_document(
    "rapport",
    [
        ["Kommunen har infört tillfälliga begränsningar för tung trafik på tre broar."],
        [
            "Skicket är på många håll bristfälligt och infra-\nstrukturen åldras.",
            "Den “ﬁnala” rapporten.",
        ],
    ],
)


def quote(text: str) -> Quote:
    return Quote(text=text, start=0, end=len(text))


def test_fold_maps_back_to_original_offsets() -> None:
    f = fold("Den “ﬁnala”  Rapporten – infra-\nstrukturen")
    assert f.text == 'den "finala" rapporten - infrastrukturen'
    at = f.text.find("infrastrukturen")
    s, e = f.span(at, at + len("infrastrukturen"))
    assert "Den “ﬁnala”  Rapporten – infra-\nstrukturen"[s:e] == "infra-\nstrukturen"


@given(st.text(alphabet=st.sampled_from(list("abcAB -\n\t“”’ﬁ\u00adåÖ")), max_size=60))
def test_fold_origin_is_monotone_and_in_bounds(text: str) -> None:
    f = fold(text)
    assert len(f.origin) == len(f.text) + 1
    assert all(0 <= o <= len(text) for o in f.origin)
    assert list(f.origin) == sorted(f.origin)


def test_quote_verbatim() -> None:
    r = check_quote(quote("tillfälliga begränsningar"), [SOURCE], [])
    assert r.status == "verbatim"
    assert r.start is not None and r.end is not None
    assert SOURCE.text[r.start : r.end] == r.source_text == "tillfälliga begränsningar"
    assert r.page == "1"


def test_quote_normalised_case_hyphenation_ligature() -> None:
    r = check_quote(quote("Infrastrukturen åldras"), [SOURCE], [])
    assert r.status == "normalised"
    assert r.start is not None and r.end is not None
    assert SOURCE.text[r.start : r.end] == r.source_text == "infra-\nstrukturen åldras"
    r2 = check_quote(quote('den "finala" rapporten'), [SOURCE], [])
    assert r2.status == "normalised"
    assert r2.page == "2"


def test_quote_near_shows_the_sources_own_words() -> None:
    from sourcecheck.retrieve import make_passages

    passages = make_passages(SOURCE)
    r = check_quote(quote("tillfälliga begränsning för tung trafik"), [SOURCE], passages)
    assert r.status == "near"
    assert r.start is not None and r.end is not None
    assert SOURCE.text[r.start : r.end] == r.source_text
    assert "begränsningar för tung trafik" in (r.source_text or "")


def test_quote_absent_gives_nearest_wording() -> None:
    from sourcecheck.retrieve import make_passages

    passages = [p for p in make_passages(SOURCE) if "bristfälligt" in p.text]
    r = check_quote(quote("total collapse"), [SOURCE], passages)
    assert r.status == "absent"
    assert r.source_text and r.start is not None and r.end is not None
    assert SOURCE.text[r.start : r.end] == r.source_text


def test_quote_in_translation_shows_the_sources_wording() -> None:
    """An English article quoting a Swedish report in translation: no word-for-word check
    is possible, and the result points at the source's own words for the quote."""
    from sourcecheck.retrieve import make_passages

    source = make_document(
        "rapport",
        [
            [
                "Kommunikationen från Donggala var helt förlamad utan någon information, "
                "sade Nugroho.",
                "Räddningsarbetet pågick hela natten.",
            ]
        ],
    )
    passages = make_passages(source)
    r = check_quote(
        quote("were totally crippled with no information"), [source], passages, language="en"
    )
    assert r.status == "translated"
    assert r.start is not None and r.end is not None
    assert source.text[r.start : r.end] == r.source_text
    assert "förlamad" in (r.source_text or "")
    # The same quote in the source's own language is checked word for word: a wrong
    # Swedish quotation stays a wrong quotation.
    wrong = check_quote(quote("helt lamslagen av brist på el"), [source], passages, language="sv")
    assert wrong.status == "absent"
    # Without the claim's language nothing is assumed.
    assert check_quote(quote("were totally crippled"), [source], passages).status == "absent"


def test_polarity_finds_the_denial_across_languages() -> None:
    from sourcecheck.checks.polarity import best_sentence
    from sourcecheck.retrieve import make_passages

    source = make_document(
        "rapport",
        [
            [
                "Kommunen har infört tillfälliga begränsningar för tung trafik på tre broar. "
                "Storåbron har inte stängts för trafik.",
                "Av kommunens 52 broar behöver 14 repareras inom två år.",
            ]
        ],
    )
    passages = make_passages(source)
    docs = {source.id: source}
    closed = best_sentence("The Storå bridge has been closed to all traffic.", "en", passages, docs)
    assert closed is not None and closed.conflict
    assert closed.text == "Storåbron har inte stängts för trafik."
    assert source.text[closed.start : closed.end] == closed.text
    agrees = best_sentence("The Storå bridge has not been closed to traffic.", "en", passages, docs)
    assert agrees is not None and not agrees.conflict
    repairs = best_sentence("14 of 52 bridges need repairs within two years.", "en", passages, docs)
    assert repairs is not None and not repairs.conflict
    assert best_sentence("The council plans a new tunnel.", "en", passages, docs) is None


def test_strip_attribution() -> None:
    from sourcecheck.claims import strip_attribution

    assert (
        strip_attribution("The report says that the bridge is closed.") == "The bridge is closed."
    )
    assert (
        strip_attribution("That's wrong, the report says the bridge is closed to traffic.")
        == "The bridge is closed to traffic."
    )
    assert (
        strip_attribution("Costs rose by 4 percent, the report says.") == "Costs rose by 4 percent."
    )
    assert strip_attribution("Rapporten visar att kostnaderna har ökat.") == "Kostnaderna har ökat."
    # content verbs stay: recommending is a claim about the report itself
    assert strip_attribution("The report recommends a new tunnel.") == (
        "The report recommends a new tunnel."
    )
    assert strip_attribution("The report says so.") == "The report says so."


def test_strip_attribution_assertive_frames_only() -> None:
    """A frame that commits the source to X ("admits", "is clear that", "acknowledged",
    with where it says so) gives X; one that does not (denies, recommends, hopes) stays,
    since checking X alone would check the opposite or a wish."""
    from sourcecheck.claims import strip_attribution

    stripped = {
        "And the report admits on page 20 that two patients died while waiting.": (
            "Two patients died while waiting."
        ),
        "The review is refreshingly clear that bed shortages are the main cause.": (
            "Bed shortages are the main cause."
        ),
        "The audit acknowledged that maintenance costs had doubled since 2019.": (
            "Maintenance costs had doubled since 2019."
        ),
        "The report literally says the region is not the worst of the four.": (
            "The region is not the worst of the four."
        ),
        "Rapporten medger att väntetiderna har ökat kraftigt.": "Väntetiderna har ökat kraftigt.",
    }
    for text, core in stripped.items():
        assert strip_attribution(text) == core
    for kept in (
        "The report denies that costs rose last year.",
        "The report recommends that the council build a tunnel.",
        "The report hopes that waiting times will fall next year.",
        "The report that was published in May shows costs rose.",
    ):
        assert strip_attribution(kept) == kept


def test_a_number_differs_only_from_its_counterpart() -> None:
    """A claim number "differs" where the passage gives the same quantity another value;
    a passage number that is the counterpart of another claim number, or of another order
    of magnitude, is not its rival."""
    from sourcecheck.checks.numbers import check_numbers
    from sourcecheck.model import NumberMention
    from sourcecheck.numbers import find_numbers
    from sourcecheck.retrieve import make_passages

    source = make_document(
        "rapport",
        [
            [
                "Vid utgången av 2023 hade regionen 1 012 vårdplatser, jämfört med 1 086 "
                "vid utgången av 2019. Minskningen uppgår alltså till 74 vårdplatser."
            ]
        ],
    )
    passage = max(make_passages(source), key=lambda p: len(p.text))
    docs = {source.id: source}

    def results(claim: str) -> dict[str, str]:
        nums: list[NumberMention] = find_numbers(claim, "en")
        return {r.text: r.status for r in check_numbers(nums, [passage], docs)}

    # 74 is the counterpart of the claim's own 74; 1,086 is no rival of 61
    assert results("The region had 1,012 beds, 74 fewer than in 2019, and 61 of the closures "
                   "were down to a lack of nurses.") == {
        "1,012": "matches", "74": "matches", "2019": "matches", "61": "absent"
    }  # fmt: skip
    # a changed figure of the same quantity still differs
    assert results("The region had 1,012 beds, 84 fewer than in 2019.")["84"] == "differs"
    assert results("The region had 1,112 beds at the end of 2023.")["1,112"] == "differs"


def test_a_translated_quote_is_found_in_the_middle_of_a_long_passage() -> None:
    """The nearest wording is searched coarse to fine: the translated phrase must be found
    wherever it falls in a long passage, not only at a coarse step."""
    from sourcecheck.retrieve import make_passages

    filler = (
        "Rapporten beskriver hur kommunen under året har arbetat med underhåll av vägar, "
        "broar och gångbanor i samtliga tätorter, och hur arbetet har finansierats."
    )
    for lead in ("", "Enligt revisorerna ", "Enligt revisorerna i regionen "):
        source = make_document(
            "rapport",
            [[f"{filler} {lead}var kostnaderna för vinterväghållningen kraftigt underskattade "
              f"i budgeten. {filler}"]],
        )  # fmt: skip
        passages = make_passages(source)
        r = check_quote(
            quote("the costs of winter road maintenance were badly underestimated"),
            [source],
            passages,
            language="en",
        )
        assert r.status == "translated"
        assert r.start is not None and r.end is not None
        assert source.text[r.start : r.end] == r.source_text
        assert "vinterväghållningen" in (r.source_text or ""), r.source_text
