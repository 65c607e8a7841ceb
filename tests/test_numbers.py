"""find_numbers and numbers_equal: numbers in the served languages, offsets, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcecheck.model import NumberMention
from sourcecheck.numbers import find_numbers, numbers_equal


def found(text: str, language: str | None = None) -> list[tuple[str, float, str | None, str]]:
    mentions = find_numbers(text, language)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.text, m.value, m.unit, m.kind) for m in mentions]


def one(text: str, language: str | None = None) -> NumberMention:
    mentions = find_numbers(text, language)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --- digits and separators --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("1,200", "en", 1200.0),
        ("1,200,000", "en", 1_200_000.0),
        ("1,200.50", "en", 1200.5),
        ("3.5", "en", 3.5),
        ("1.200", "en", 1.2),
        ("1 200", "sv", 1200.0),
        ("1\u00a0200", "sv", 1200.0),
        ("1\u202f200\u202f000", "sv", 1_200_000.0),
        ("1\u2009200", "en", 1200.0),
        ("1 200 000", "en", 1_200_000.0),
        ("1 200,50", "sv", 1200.5),
        ("1.200", "sv", 1200.0),
        ("1.200.000", "sv", 1_200_000.0),
        ("1.200,5", "sv", 1200.5),
        ("3,5", "sv", 3.5),
        ("3,5", None, 3.5),
        ("1,200", "sv", 1.2),
        ("0,125", "en", 0.125),
        ("3.5", "sv", 3.5),
        ("42", None, 42.0),
    ],
)
def test_separators(text: str, language: str | None, value: float) -> None:
    m = one(f"Värdet är {text} enligt rapporten", language)
    assert m.text == text
    assert m.value == value
    assert m.kind == "number"


def test_negative_numbers_and_ranges() -> None:
    assert found("It fell to -4 and then −4,5 (-3%).", "en") == [
        ("-4", -4.0, None, "number"),
        ("−4,5", -4.5, None, "number"),
        ("-3%", -3.0, "%", "percent"),
    ]
    # A dash between numbers is a range, not a minus sign.
    assert [m.value for m in find_numbers("12-13 and 12–13 and 12 - 13")] == [12, 13] * 3
    assert found("2020–2023", "en") == [
        ("2020", 2020.0, None, "year"),
        ("2023", 2023.0, None, "year"),
    ]


def test_range_shares_scale_and_unit() -> None:
    assert found("12–13 procent", "sv") == [
        ("12", 12.0, "%", "percent"),
        ("13 procent", 13.0, "%", "percent"),
    ]
    assert [m.value for m in find_numbers("3–4 miljoner kronor", "sv")] == [3e6, 4e6]
    assert [m.value for m in find_numbers("between 2 and 3 million", "en")] == [2e6, 3e6]
    assert found("12 000–13 000 kr", "sv")[0] == ("12 000", 12000.0, "SEK", "money")


def test_not_numbers() -> None:
    assert find_numbers("Road E4, 4G networks, CO2 and v1.2", "en") == []
    # A dotted section number is no quantity.
    assert find_numbers("See 3.4.3 for details", "en") == []


def test_comma_list_is_several_numbers() -> None:
    assert [m.value for m in find_numbers("items 1,2,3", "en")] == [1, 2, 3]


# --- scales, percentages, units, money --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value", "unit", "kind"),
    [
        ("4.2 million", "en", 4_200_000.0, None, "number"),
        ("4.2 million kronor", "en", 4_200_000.0, "SEK", "money"),
        ("4.2 million Swedish kronor", "en", 4_200_000.0, "SEK", "money"),
        ("3,8 miljoner kronor", "sv", 3_800_000.0, "SEK", "money"),
        ("3,8 miljoner", "sv", 3_800_000.0, None, "number"),
        ("2 miljarder", "sv", 2e9, None, "number"),
        ("2 billion", "en", 2e9, None, "number"),
        ("5 thousand", "en", 5000.0, None, "number"),
        ("5 tusen", "sv", 5000.0, None, "number"),
        ("45 mnkr", "sv", 45e6, "SEK", "money"),
        ("3 mdkr", "sv", 3e9, "SEK", "money"),
        ("5 Mkr", "sv", 5e6, "SEK", "money"),
        ("5 MSEK", "sv", 5e6, "SEK", "money"),
        ("5 tkr", "sv", 5000.0, "SEK", "money"),
        ("3 milj. kronor", "sv", 3e6, "SEK", "money"),
        ("2 mdr kr", "sv", 2e9, "SEK", "money"),
        ("SEK 4.2 million", "en", 4_200_000.0, "SEK", "money"),
        ("$5m", "en", 5e6, "USD", "money"),
        ("€3bn", "en", 3e9, "EUR", "money"),
        ("US$ 12", "en", 12.0, "USD", "money"),
        ("£7", "en", 7.0, "GBP", "money"),
        ("5 €", "sv", 5.0, "EUR", "money"),
        ("5 euros", "en", 5.0, "EUR", "money"),
        ("100 dollars", "en", 100.0, "USD", "money"),
        ("12 kr", "sv", 12.0, "SEK", "money"),
        ("12 SEK", "en", 12.0, "SEK", "money"),
        ("12%", "en", 12.0, "%", "percent"),
        ("12 %", "sv", 12.0, "%", "percent"),
        ("12\u00a0%", "sv", 12.0, "%", "percent"),
        ("12 percent", "en", 12.0, "%", "percent"),
        ("12 per cent", "en", 12.0, "%", "percent"),
        ("12 procent", "sv", 12.0, "%", "percent"),
        ("2 procentenheter", "sv", 2.0, "pp", "percent"),
        ("2 %-enheter", "sv", 2.0, "pp", "percent"),
        ("2 percentage points", "en", 2.0, "pp", "percent"),
        ("50 km", "sv", 50.0, "km", "number"),
        ("12km", "en", 12.0, "km", "number"),
        ("300 m", "en", 300.0, "m", "number"),
        ("40 ton", "sv", 40.0, "t", "number"),
        ("40 tonnes", "en", 40.0, "t", "number"),
        ("8 kg", "en", 8.0, "kg", "number"),
        ("10 år", "sv", 10.0, "year", "number"),
        ("10 years", "en", 10.0, "year", "number"),
    ],
)
def test_scales_units_money(
    text: str, language: str, value: float, unit: str | None, kind: str
) -> None:
    m = one(f"It was {text} at the time", language)
    assert (m.text, m.value, m.unit, m.kind) == (text, value, unit, kind)


def test_english_claim_and_swedish_source_compare() -> None:
    claim = one("The repair cost 4.2 million kronor.", "en")
    source = one("Reparationen kostade 3,8 miljoner kronor.", "sv")
    assert (claim.value, claim.unit) == (4_200_000.0, "SEK")
    assert (source.value, source.unit) == (3_800_000.0, "SEK")
    assert not numbers_equal(claim, source)
    assert numbers_equal(one("4,2 miljoner kr", "sv"), claim)


# --- number words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("twelve", "en", 12),
        ("tolv", "sv", 12),
        ("twenty-one", "en", 21),
        ("twenty one", "en", 21),
        ("tjugoen", "sv", 21),
        ("tjugoett", "sv", 21),
        ("two hundred", "en", 200),
        ("two hundred and fifty", "en", 250),
        ("tvåhundra", "sv", 200),
        ("tvåhundrafemtio", "sv", 250),
        ("ettusen", "sv", 1000),
        ("tre tusen", "sv", 3000),
        ("en miljon", "sv", 1_000_000),
        ("three million", "en", 3_000_000),
        ("one hundred thousand", "en", 100_000),
        ("a hundred", "en", 100),
        ("a dozen", "en", 12),
        ("nineteen hundred", "en", 1900),
        ("hundra", "sv", 100),
        ("sexton", "sv", 16),
        ("nine", None, 9),
        ("nio", None, 9),
    ],
)
def test_number_words(text: str, language: str | None, value: int) -> None:
    m = one(f"Vi såg {text} broar", language)
    assert (m.text, m.value, m.kind) == (text, float(value), "number")


def test_number_words_with_units() -> None:
    assert found("twelve percent", "en") == [("twelve percent", 12.0, "%", "percent")]
    assert found("tre miljoner kronor", "sv") == [("tre miljoner kronor", 3e6, "SEK", "money")]


def test_one_as_pronoun_is_not_a_number() -> None:
    assert found("one of the bridges", "en") == [("one", 1.0, None, "number")]
    for text in (
        "No one saw it",
        "no-one saw it",
        "someone saw it",
        "anyone can see",
        "everyone knows",
        "One could argue otherwise",
        "this one is old",
        "one's own view",
    ):
        assert find_numbers(text, "en") == [], text


def test_swedish_articles_are_not_numbers() -> None:
    assert find_numbers("Det är en bro och ett hus.", "sv") == []
    assert find_numbers("En bro, ett hus, entré, enligt, ettan", "sv") == []
    assert find_numbers("a bridge and an hour", "en") == []


def test_language_picks_the_number_words() -> None:
    # "sex" is English too: only counted as Swedish when the language says so.
    assert find_numbers("sex broar", "sv")[0].value == 6
    assert find_numbers("sex broar", None) == []
    assert find_numbers("sex broar", "en") == []
    assert find_numbers("tre broar", "en") == []
    assert find_numbers("three bridges", "sv") == []


def test_ordinals() -> None:
    assert found("the third bridge, the 3rd, 1st and 12th", "en") == [
        ("third", 3.0, None, "ordinal"),
        ("3rd", 3.0, None, "ordinal"),
        ("1st", 1.0, None, "ordinal"),
        ("12th", 12.0, None, "ordinal"),
    ]
    assert found("första, tredje, tolfte och 3:e", "sv") == [
        ("första", 1.0, None, "ordinal"),
        ("tredje", 3.0, None, "ordinal"),
        ("tolfte", 12.0, None, "ordinal"),
        ("3:e", 3.0, None, "ordinal"),
    ]
    assert [m.value for m in find_numbers("first second third twelfth", "en")] == [1, 2, 3, 12]
    # "andra" is "other" as often as "second"; "a second" is time.
    assert find_numbers("de andra broarna", "sv") == []
    assert find_numbers("wait a second", "en") == []


# --- dates and years --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("12 March 2024", "en", 20240312.0),
        ("12th of March 2024", "en", 20240312.0),
        ("March 12, 2024", "en", 20240312.0),
        ("Sept. 3 2024", "en", 20240903.0),
        ("12 mars 2024", "sv", 20240312.0),
        ("12:e mars 2024", "sv", 20240312.0),
        ("1 januari 2023", "sv", 20230101.0),
        ("2024-03-12", None, 20240312.0),
        ("12.3.2024", "sv", 20240312.0),
        ("mars 2024", "sv", 20240300.0),
        ("March 2024", "en", 20240300.0),
        ("May 2024", "en", 20240500.0),
        ("12 mars", "sv", 312.0),
    ],
)
def test_dates(text: str, language: str | None, value: float) -> None:
    m = one(f"Beslutet kom {text} till slut", language)
    assert (m.text, m.value, m.kind) == (text, value, "date")


def test_years() -> None:
    assert found("In 2023 it rose.", "en") == [("2023", 2023.0, None, "year")]
    assert found("the 1990s and 1990-talet", None) == [
        ("1990s", 1990.0, None, "year"),
        ("1990-talet", 1990.0, None, "year"),
    ]
    # Not years: outside 1800-2100, with separators, or with a unit.
    assert one("1750", "en").kind == "number"
    assert one("2,000", "en").kind == "number"
    assert one("2000 kronor", "sv").kind == "money"
    # "may" as a verb is no month.
    assert found("prices may 2024", "en") == [("2024", 2024.0, None, "year")]


# --- numbers_equal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "la", "b", "lb", "equal"),
    [
        ("about 3.8 million", "en", "3 812 000", "sv", True),
        ("3.8 million", "en", "3 861 000", "sv", False),
        ("4 million", "en", "3 812 000", "sv", True),
        ("3 800 000", "sv", "3 812 000", "sv", False),
        ("4.2 million", "en", "4,2 miljoner kronor", "sv", True),
        ("4.2 million kronor", "en", "3,8 miljoner kronor", "sv", False),
        ("12 km", "en", "12 kg", "en", False),
        ("12", "en", "12 kr", "sv", True),
        ("12 USD", "en", "12 kr", "sv", False),
        ("twelve", "en", "tolv", "sv", True),
        ("three million", "en", "3 200 000", "sv", True),
        ("0.5", "en", "0,5", "sv", True),
        ("0.50", "en", "0,52", "sv", False),
        ("12%", "en", "12 procent", "sv", True),
        ("12%", "en", "12 procentenheter", "sv", False),
        ("12%", "en", "12", "sv", False),
        ("2024", "en", "12 mars 2024", "sv", True),
        ("2023", "en", "12 mars 2024", "sv", False),
        ("March 2024", "en", "2024-03-12", None, True),
        ("April 2024", "en", "2024-03-12", None, False),
        ("12 mars", "sv", "2024-03-12", None, True),
        ("12 mars", "sv", "2024", None, False),
        ("third", "en", "3:e", "sv", True),
        ("3", "en", "third", "en", False),
        ("2024", "en", "2024 broar", "sv", True),
    ],
)
def test_numbers_equal(a: str, la: str | None, b: str, lb: str | None, equal: bool) -> None:
    ma, mb = find_numbers(a, la)[-1], find_numbers(b, lb)[0]
    assert numbers_equal(ma, mb) is equal
    assert numbers_equal(mb, ma) is equal


# --- properties -------------------------------------------------------------------------

_PIECES = ["kr", "miljoner", "million", "procent", "mars", "March", "2024", "tjugo", "one",
           "twenty", "-", "en", "ett", "hundra", "tusen", "3:e", "3rd"]  # fmt: skip
_ALPHABET = st.sampled_from([*"0123456789 ,.-–%$€:\u00a0\u202f\nabcekmrståä", *_PIECES])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_ALPHABET, max_size=40).map("".join),
    st.sampled_from([None, "en", "sv", "de", "fr", "es", "da", "nb", "fi"]),
)
def test_offsets_property(text: str, language: str | None) -> None:
    mentions = find_numbers(text, language)
    previous_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert 0 <= m.start < m.end <= len(text)
        assert m.start >= previous_end
        previous_end = m.end
        assert m.value == m.value  # not NaN


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "en", "sv", "de", "fr", "da", "fi"]))
def test_offsets_property_any_text(text: str, language: str | None) -> None:
    for m in find_numbers(text, language):
        assert text[m.start : m.end] == m.text


def test_line_break_between_number_and_scale() -> None:
    # PDF text breaks lines anywhere; never inside a number, though.
    assert found("kosta 61\nmiljoner kronor", "sv") == [
        ("61\nmiljoner kronor", 61e6, "SEK", "money")
    ]
    assert found("den 1\nmars 2025", "sv") == [("1\nmars 2025", 20250301.0, None, "date")]
    assert [m.value for m in find_numbers("1\n200", "sv")] == [1.0, 200.0]


# --- the other served languages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value", "unit"),
    [
        # Scales with decimal commas: the same 5.5 million in six languages.
        ("FN anslår, at mere end 5,5 mio. syrere er flygtet", "da", 5_500_000.0, None),
        ("FN anslår at mer enn 5,5 millioner syrere har flyktet", "nb", 5_500_000.0, None),
        ("Die UNO schätzt, dass über 5,5 Millionen Syrer", "de", 5_500_000.0, None),
        ("plus de 5,5 millions de Syriens ont fui", "fr", 5_500_000.0, None),
        ("más de 5,5 millones de sirios han huido", "es", 5_500_000.0, None),
        ("yli 5,5 miljoonaa syyrialaista on paennut", "fi", 5_500_000.0, None),
        # A billion is 10**9 in English, a Billion 10**12 in German.
        ("a budget of 2 billion dollars", "en", 2e9, "USD"),
        ("ein Schuldenberg von 2 Billionen Euro", "de", 2e12, "EUR"),
        ("Die Stadt zahlt 1,2 Milliarden Euro", "de", 1.2e9, "EUR"),
        # Currencies written out, after "de" in French and Spanish.
        ("ein Lifestyle-Label im Wert von 11 Millionen Pfund", "de", 11e6, "GBP"),
        ("une marque évaluée à 11 millions de livres sterling", "fr", 11e6, "GBP"),
        ("una inversión de 3 millones de dólares", "es", 3e6, "USD"),
        ("et brand til 11 millioner pund", "da", 11e6, "GBP"),
        ("billetten koster 40 kroner", "nb", 40.0, "NOK"),
        ("billetten koster 40 kroner", "da", 40.0, "DKK"),
        ("arvioitu 3 miljoonaa euroa", "fi", 3e6, "EUR"),
        # Spanish "mil" is a thousand; Swedish "mil" ten kilometres.
        ("asistieron 5 mil personas", "es", 5000.0, None),
        ("12 Prozent der Befragten", "de", 12.0, "%"),
        ("22 pour cent des votants", "fr", 22.0, "%"),
    ],
)
def test_scales_and_units_in_other_languages(
    text: str, language: str, value: float, unit: str | None
) -> None:
    m = [x for x in find_numbers(text, language) if x.kind != "year"]
    assert len(m) == 1, m
    assert (m[0].value, m[0].unit) == (value, unit)
    assert text[m[0].start : m[0].end] == m[0].text


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Sieben Mitarbeiter wurden verletzt", "de", 7),
        ("seit fünfundzwanzig Jahren", "de", 25),
        ("sept personnes ont été hospitalisées", "fr", 7),
        ("quatre-vingt-dix maisons", "fr", 90),
        ("siete personas resultaron heridas", "es", 7),
        ("treinta y cinco años", "es", 35),
        ("syv personer blev kørt på hospitalet", "da", 7),
        ("halvtreds huse", "da", 50),
        ("sju personer ble fraktet til sykehus", "nb", 7),
        ("tjuefem hus brant", "nb", 25),
        ("seitsemän ihmistä vietiin sairaalaan", "fi", 7),
        ("kaksikymmentäviisi taloa", "fi", 25),
        ("kolmesataa asukasta", "fi", 300),
    ],
)
def test_number_words_in_other_languages(text: str, language: str, value: int) -> None:
    assert one(text, language).value == value


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ein Mann und eine Frau", "de"),
        ("un homme et une femme", "fr"),
        ("un hombre y una mujer", "es"),
        ("en mand og et hus", "da"),
        ("en mann, ei bok og ett hus", "nb"),
    ],
)
def test_articles_are_not_numbers_in_other_languages(text: str, language: str) -> None:
    assert find_numbers(text, language) == []


def test_a_translated_figure_compares_equal() -> None:
    claim = one("More than 5.5 million Syrians have fled.", "en")
    for text, lang in [
        ("mere end 5,5 mio. syrere", "da"),
        ("über 5,5 Millionen Syrer", "de"),
        ("plus de 5,5 millions de Syriens", "fr"),
    ]:
        assert numbers_equal(claim, one(text, lang)), text
    seven = one("Seven members of staff were hurt", "en")
    for text, lang in [
        ("sieben Mitarbeiter", "de"),
        ("sept employés", "fr"),
        ("syv ansatte", "da"),
    ]:
        assert numbers_equal(seven, one(text, lang)), text


def test_spanish_dates_with_de() -> None:
    assert one("el 5 de mayo de 2024", "es").value == 20240505.0


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Around two thirds of the cases were confirmed", "en", 66.67),
        ("more than two-thirds of insured losses", "en", 66.67),
        ("a third of the budget went on staff", "en", 33.33),
        ("three quarters of voters", "en", 75.0),
        ("half of the schools closed", "en", 50.0),
        ("två tredjedelar av eleverna", "sv", 66.67),
        ("hälften av kommunerna", "sv", 50.0),
        ("en fjärdedel av budgeten", "sv", 25.0),
        ("Bei knapp zwei Dritteln der Fälle", "de", 66.67),
        ("die Hälfte der Befragten", "de", 50.0),
        ("un tiers des votes", "fr", 33.33),
        ("la moitié des élèves", "fr", 50.0),
        ("dos tercios de los votos", "es", 66.67),
        ("to tredjedeler av elevene", "nb", 66.67),
        ("kaksi kolmasosaa kouluista", "fi", 66.67),
    ],
)
def test_fractions_are_shares(text: str, language: str, value: float) -> None:
    m = one(text, language)
    assert (m.value, m.unit, m.kind) == (value, "%", "percent")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("for a third time in a row", "en"),
        ("profits fell in the third quarter", "en"),
        ("in the first half of the year", "en"),
        ("under första hälften av året", "sv"),
        ("in der ersten Hälfte des Jahres", "de"),
    ],
)
def test_ordinals_and_periods_are_not_fractions(text: str, language: str) -> None:
    assert all(m.kind != "percent" for m in find_numbers(text, language))


def test_a_fraction_is_a_round_share() -> None:
    two_thirds = one("two thirds", "en")
    assert numbers_equal(two_thirds, one("66 procent", "sv"))
    assert numbers_equal(two_thirds, one("zwei Drittel", "de"))
    assert not numbers_equal(two_thirds, one("60 %", "fr"))
    assert not numbers_equal(one("hälften", "sv"), one("40 %", "en"))


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Roughly one in three pupils is entitled to school transport", "en", 33.33),
        ("one voter in five stayed at home", "en", 20.0),
        ("3 out of 10 residents", "en", 30.0),
        ("var tredje elev har rätt till skolskjuts", "sv", 33.33),
        ("varannan kommun", "sv", 50.0),
        ("jeder dritte Befragte", "de", 33.33),
        ("un élève sur trois", "fr", 33.33),
        ("uno de cada tres alumnos", "es", 33.33),
        ("hver tredje elev", "da", 33.33),
        ("joka kolmas oppilas", "fi", 33.33),
    ],
)
def test_ratios_are_shares(text: str, language: str, value: float) -> None:
    m = one(text, language)
    assert (m.value, m.kind) == (value, "percent")


def test_ratio_matches_the_fraction_it_translates() -> None:
    assert numbers_equal(one("one in three pupils", "en"), one("en tredjedel av eleverna", "sv"))
    assert not numbers_equal(one("one in three pupils", "en"), one("en fjärdedel", "sv"))
    # no ratio: a year, or a count over a period
    assert [m.kind for m in find_numbers("one school in 2024", "en")] == ["number", "year"]
    assert all(m.kind != "percent" for m in find_numbers("two schools in three years", "en"))


def test_one_after_the_superlative_is_a_pronoun() -> None:
    assert find_numbers("Tallåsen is the only one whose pupil numbers grew", "en") == []
    assert find_numbers("the largest one in the region", "en") == []
    assert one("only one school closed", "en").value == 1


@pytest.mark.parametrize(
    ("claim", "cl", "source", "sl", "consistent"),
    [
        # a bound the other figure falls inside
        ("More than three-quarters of households", "en", "78 percent said so", "en", True),
        ("nearly 40 people", "en", "38 personer", "sv", True),
        ("41 pupils", "en", "drygt 40 elever", "sv", True),
        ("about 180,000 euros", "en", "rund 180.000 Euro", "de", True),
        ("around 175,000 euros", "en", "rund 180.000 Euro", "de", True),
        ("less than a third of the budget", "en", "29 Prozent des Budgets", "de", True),
        # outside the bound, or the same bound on another value
        ("More than three-quarters of households", "en", "70 percent said so", "en", False),
        ("more than 7.5 million Syrians", "en", "über 5,5 Millionen Syrer", "de", False),
        ("more than 3.5 million Syrians", "en", "5,5 Millionen Syrer", "de", False),
        ("nearly 40 people", "en", "44 personer", "sv", False),
        ("97 million kronor", "en", "87 miljoner kronor", "sv", False),
    ],
)
def test_bounded_figures_are_compared_with_their_bound(
    claim: str, cl: str, source: str, sl: str, consistent: bool
) -> None:
    from sourcecheck.numbers import numbers_consistent

    a, b = one(claim, cl), one(source, sl)
    assert numbers_consistent(a, b) is consistent
    assert numbers_consistent(b, a) is consistent  # the same read from the source's side


def test_qualifiers_in_the_served_languages() -> None:
    got = [
        (m.text, m.qualifier)
        for text, lang in [
            ("drygt 40 elever, knappt 30 procent, cirka 5 miljoner kronor", "sv"),
            ("plus de 5,5 millions de Syriens, près de 40 %", "fr"),
            ("under the plan 5 schools close", "en"),
        ]
        for m in find_numbers(text, lang)
    ]
    assert got == [
        ("40", "over"), ("30 procent", "under"), ("5 miljoner kronor", "about"),
        ("5,5 millions", "over"), ("40 %", "under"), ("5", None),
    ]  # fmt: skip


def test_changes_from_one_figure_to_another() -> None:
    from sourcecheck.numbers import changes

    def got(text: str, lang: str) -> list[tuple[str, str]]:
        return [(a.text, b.text) for a, b in changes(text, lang)]

    assert got("The share fell from 6.8 percent in 2023 to 4.1 percent in 2024.", "en") == [
        ("6.8 percent", "4.1 percent")
    ]
    assert got("Andelen steg från 4,1 procent 2023 till 6,8 procent 2024.", "sv") == [
        ("4,1 procent", "6,8 procent")
    ]
    assert got("Die Mieten stiegen von 8,20 auf 9,10 Euro.", "de") == [("8,20", "9,10 Euro")]
    assert got("La part est passée de 4,1 % à 6,8 %.", "fr") == [("4,1 %", "6,8 %")]
    assert got("From 2019 to 2023 costs rose by 4 percent.", "en") == []
