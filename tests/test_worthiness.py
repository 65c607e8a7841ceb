"""The check-worthiness model: opinion and chatter skipped with a reason, claims kept, in
English and Swedish; a sentence citing a source always kept; --all-sentences keeps all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sourcecheck.config import Options
from sourcecheck.embed import default_embedder
from sourcecheck.load import load_text
from sourcecheck.pipeline import check_documents
from sourcecheck.worthiness import default_worthiness, extra_features
from tests.conftest import make_document

SOURCE = make_document(
    "rapport",
    [
        [
            "Av kommunens 52 broar behöver 14 repareras inom två år.",
            "Reparationerna beräknas kosta 3,8 miljoner kronor.",
        ]
    ],
    sections=[["1", "1"]],
)

CLAIMS_EN = [
    "The municipality has 52 bridges, and 14 of them need repairs within two years.",
    "Unemployment rose to 8.9 percent in March, according to Statistics Sweden.",
    "The police report lists 61 areas where officers are not welcome.",
    "The new hospital in Lund opened in 2019 and cost 2.1 billion kronor.",
]
OPINIONS_EN = [
    "A win-win situation if ever I saw one!",
    "Now there's a thought worth millions.",
    "But if there is a will, there is a way.",
    "I honestly think this whole debate is a waste of everybody's time.",
]
CLAIMS_SV = [
    "Arbetslösheten steg till 8,9 procent i mars enligt SCB.",
    "Kommunen har 52 broar och 14 av dem behöver repareras inom två år.",
    "Polisens rapport pekar ut 61 områden där polisen inte är välkommen.",
]
OPINIONS_SV = [
    "Det här är ju helt otroligt dåligt skött, skäms!",
    "Där det finns en vilja finns det en väg.",
    "Jag tycker ärligt talat att hela debatten är slöseri med tid.",
]


def _probabilities(texts: list[str], language: str | None = None) -> list[float]:
    languages = None if language is None else [language] * len(texts)
    return default_worthiness().probabilities(texts, default_embedder(), languages)


@pytest.mark.parametrize(
    ("claims", "opinions", "language"),
    [(CLAIMS_EN, OPINIONS_EN, "en"), (CLAIMS_SV, OPINIONS_SV, "sv")],
)
def test_claims_are_kept_and_rank_above_opinions(
    claims: list[str], opinions: list[str], language: str
) -> None:
    """The threshold favours recall (a missed claim costs more than a checked opinion):
    every claim is kept; opinions rank below every claim, and most fall below it."""
    model = default_worthiness()
    p_claims = _probabilities(claims, language)
    p_opinions = _probabilities(opinions, language)
    for text, p in zip(claims, p_claims, strict=True):
        assert p >= model.threshold, (text, p)
    assert min(p_claims) > max(p_opinions)
    assert sum(p < model.threshold for p in p_opinions) >= len(opinions) - 1


# Written for this test (not from the training data): Swedish sentences and their English
# translations, claims and opinions.
PARALLEL = [
    ("Kommunen lade 12 miljoner kronor på nya cykelbanor förra året.",
     "The municipality spent 12 million kronor on new cycle paths last year."),
    ("Tre av fyra skolor i länet saknar behöriga speciallärare.",
     "Three out of four schools in the county lack qualified special needs teachers."),
    ("Ärligt talat orkar jag inte bry mig längre.",
     "Honestly, I can't be bothered to care any more."),
    ("Vilken underbar kväll det blev till slut!",
     "What a wonderful evening it turned out to be!"),
    ("Vi får väl se hur det går med den saken.",
     "We'll see how that goes, I suppose."),
    ("Sjukhuset tog emot 4 200 patienter under sommaren.",
     "The hospital received 4,200 patients during the summer."),
]  # fmt: skip


def test_a_swedish_sentence_scores_nearer_its_english_translation_with_the_offset() -> None:
    swedish = [sv for sv, _ in PARALLEL]
    english = _probabilities([en for _, en in PARALLEL], "en")
    raw = _probabilities(swedish)
    shifted = _probabilities(swedish, "sv")
    gap_raw = sum(abs(a - b) for a, b in zip(raw, english, strict=True))
    gap_shifted = sum(abs(a - b) for a, b in zip(shifted, english, strict=True))
    assert gap_shifted < gap_raw
    assert "sv" in default_worthiness().offsets


def test_a_language_without_an_offset_is_scored_as_it_is() -> None:
    model = default_worthiness()
    texts = ["Hospitalet tog imod 4.200 patienter.", "Het ziekenhuis ontving 4200 patiënten."]
    emb = default_embedder()
    assert model.probabilities(texts, emb, ["xx", None]) == model.probabilities(texts, emb)
    assert model.probabilities(texts, emb, ["no", "nn"]) == model.probabilities(
        texts, emb, ["nb", "nb"]
    )


def test_probabilities_are_probabilities() -> None:
    ps = _probabilities([*CLAIMS_EN, *OPINIONS_SV])
    assert all(0.0 < p < 1.0 for p in ps)
    assert _probabilities([]) == []


def test_extra_features_read_digits_length_and_questions() -> None:
    a, b = extra_features("It cost 3.8 million?"), extra_features("Nice.")
    assert a[0] == 1.0 and b[0] == 0.0
    assert a[1] > b[1]
    assert a[2] == 1.0 and b[2] == 0.0


#: The sentences of a blog post and its thread that the issue's reader met as "claims".
POST_OPINIONS = [
    "Change them one on one.",
    "A win-win situation if ever I saw one!",
    "Now there's a thought worth millions.",
    "It's a common smoke screen.",
    "But if there is a will, there is a way.",
    "Thanks for writing this, great read!",
]
POST_CLAIMS = [
    *CLAIMS_EN,
    "The report is about 55 zones where police are not welcome, and the label was "
    "invented by a newspaper column.",
]


def _article() -> str:
    mixed = [x for pair in zip(POST_CLAIMS, POST_OPINIONS, strict=False) for x in pair]
    return "\n\n".join([*mixed, POST_OPINIONS[-1], "It is a disgrace (section 1)."]) + "\n"


def test_check_skips_opinion_with_its_probability_and_keeps_claims() -> None:
    article = load_text(_article(), name="post.txt")
    report = check_documents(article, [SOURCE], options=Options(model="lexical"))
    checked = [v.claim.text for v in report.verdicts]
    assert all(text in checked for text in POST_CLAIMS)
    # It cites the source: its author points at evidence, so it is checked.
    assert "It is a disgrace (section 1)." in checked
    # At most one checked sentence in four is opinion.
    opinions = [t for t in checked if t in POST_OPINIONS]
    assert len(opinions) * 4 <= len(checked), opinions
    skipped = {s.text: s.reason for s in report.skipped}
    by_model = [t for t in POST_OPINIONS if skipped.get(t, "").startswith("not check-worthy")]
    assert len(by_model) >= 3
    for text in by_model:
        assert re.fullmatch(r"not check-worthy \(model: 0\.\d\d, below 0\.\d\d\)", skipped[text])
    # The rule filter still speaks first (a greeting is a greeting).
    assert skipped["Thanks for writing this, great read!"] == "greeting"
    assert all(t in checked or t in skipped for t in POST_OPINIONS)
    assert report.models["worthiness"] == default_worthiness().model_id
    # Skipped sentences keep their offsets into the article.
    for s in report.skipped:
        assert article.text[s.start : s.end] == s.text


def test_all_sentences_checks_what_the_model_would_skip() -> None:
    article = load_text(_article(), name="post.txt")
    report = check_documents(
        article, [SOURCE], options=Options(model="lexical", all_sentences=True)
    )
    checked = [v.claim.text for v in report.verdicts]
    rules_skipped = {s.text for s in report.skipped}
    assert all(t in checked for t in [*POST_CLAIMS, *POST_OPINIONS] if t not in rules_skipped)
    assert len(rules_skipped & set(POST_OPINIONS)) == 1
    assert report.models["worthiness"] is None
    assert not any(s.reason.startswith("not check-worthy") for s in report.skipped)


def test_a_bad_model_file_is_a_one_line_model_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from sourcecheck.errors import ModelError
    from sourcecheck.worthiness import load_worthiness

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"broken\.json: not a check-worthiness model"):
        load_worthiness(str(broken))
    other = tmp_path / "other.json"
    data = {"model_id": "x", "embedder": "some-other-embedder", "weights": [0.0],
            "bias": 0.0, "threshold": 0.5}  # fmt: skip
    other.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="trained on some-other-embedder"):
        load_worthiness(str(other))
    shipped = json.loads(
        (Path(__file__).parents[1] / "src/sourcecheck/data/worthiness.json").read_text()
    )
    shipped["language_offsets"] = {"sv": [0.1, 0.2]}
    other.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(ModelError, match="language offset"):
        load_worthiness(str(other))
    with pytest.raises(ModelError, match="missing field"):
        other.write_text(json.dumps({"embedder": "e"}), encoding="utf-8")
        load_worthiness(str(other))
