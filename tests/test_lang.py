"""Language identification of single texts and of a page's comments together."""

from __future__ import annotations

from sourcecheck.lang import detect_language, detect_languages

COMMENTS = [
    "Read before you post.",
    "Enligt rapporten hade hälften av besöken kunnat skötas någon annanstans.",
    "It didn't.",
    "Das stimmt so nicht, die Zahl steht auf Seite 12.",
    "Ce n'est pas ce que dit le rapport.",
    "",
    "42 %",
    "Ok",
    "Hyvä kirjoitus, kiitos tästä.",
    "Det er ikke rigtigt, tallet er et andet.",
]


def test_comments_read_together_get_the_languages_they_get_one_by_one() -> None:
    assert detect_languages(COMMENTS) == [detect_language(t) for t in COMMENTS]


def test_languages_of_clear_sentences_and_of_texts_without_words() -> None:
    found = detect_languages(COMMENTS)
    assert found[1] == "sv" and found[3] == "de" and found[4] == "fr" and found[8] == "fi"
    # nothing to tell from: empty, a bare number, two letters
    assert found[5] is None and found[6] is None and found[7] is None
    assert detect_languages([]) == []
