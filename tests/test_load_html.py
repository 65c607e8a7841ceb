"""HTML loading: main text without boilerplate, links, and comment threads kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcecheck.errors import InputError
from sourcecheck.load import load_bytes, load_document
from sourcecheck.load.assemble import offset_problems
from sourcecheck.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "load"


def load_fixture(name: str) -> Document:
    doc = load_document(FIXTURES / name)
    assert offset_problems(doc) == []
    return doc


def assert_no_comment_in_text(doc: Document) -> None:
    assert doc.comments
    for comment in doc.comments:
        for paragraph in comment.text.split("\n\n"):
            assert paragraph not in doc.text


def test_wordpress_main_text_blocks_and_links() -> None:
    doc = load_fixture("wordpress.html")
    assert doc.media_type == "text/html"
    assert doc.title == "Var femte bro i dåligt skick"
    assert doc.language == "sv"
    # Navigation, the ad, the comment form and the site footer are gone.
    for boilerplate in ("Inrikes", "Annons", "bilförsäkring", "Lämna ett svar", "rättigheter"):
        assert boilerplate not in doc.text
    assert doc.text.startswith("Var femte bro i dåligt skick\n\nEnligt Trafikverkets rapport")
    heading = next(b for b in doc.blocks if b.kind == "heading" and b.section)
    assert (heading.section, heading.section_title, heading.heading_level) == ("3.4", "Metod", 2)
    items = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "list_item"]
    assert items == [
        "Broar i klass fyra ska åtgärdas inom ett år.",
        "Broar i klass tre ska åtgärdas inom fem år.",
    ]
    located = doc.locate(doc.text.index("Inspektionerna gjordes"))
    assert (located.section, located.section_paragraph) == ("3.4", 1)
    anchors = {doc.text[link.start : link.end]: link.target for link in doc.links}
    assert anchors == {
        # Relative links resolve against <base href>.
        "Trafikverkets rapport": "https://nyhetsbladet.example/2024/03/trafikverket-rapport.pdf",
        "Trafikverkets metodbeskrivning": "https://www.trafikverket.se/metod",
    }


def test_wordpress_comment_thread() -> None:
    doc = load_fixture("wordpress.html")
    assert [(c.id, c.author, c.time, c.parent) for c in doc.comments] == [
        ("comment-101", "Anna Lind", "2024-03-05T10:12:00+01:00", None),
        ("comment-102", "Bertil Ek", "2024-03-05T11:30:00+01:00", "comment-101"),
        ("comment-103", "Cecilia", "2024-03-06T08:00:00+01:00", None),
    ]
    first = doc.comments[0]
    assert first.text == (
        "Det här stämmer inte, rapporten säger 30 procent på sidan 12.\n\nLäs den själva."
    )
    assert "Svara" not in first.text and "skriver" not in first.text
    assert [c.language for c in doc.comments] == ["sv", "sv", "en"]
    assert_no_comment_in_text(doc)
    assert "30 procent" not in doc.text


def test_schema_org_microdata_comments() -> None:
    doc = load_fixture("microdata.html")
    assert doc.language == "en"
    assert [(c.id, c.author, c.time, c.parent) for c in doc.comments] == [
        ("c-1", "Jonas", "2024-03-07T09:15:00Z", None),
        ("comment-1", "Maria", "2024-03-07T10:00:00Z", "c-1"),
    ]
    assert doc.comments[0].text == "Page 14 of the report actually says 18 percent, not 20."
    assert_no_comment_in_text(doc)
    assert "Contact" not in doc.text


def test_disqus_like_thread_three_levels_deep() -> None:
    doc = load_fixture("disqus.html")
    assert [(c.id, c.author, c.parent) for c in doc.comments] == [
        ("post-9001", "Kalle K", None),
        ("post-9002", "Lisa", "post-9001"),
        ("post-9003", "Kalle K", "post-9002"),
        ("post-9004", "Olle", None),
    ]
    # "för 2 timmar sedan" is what is shown; the title attribute holds the date.
    assert doc.comments[0].time == "tisdag 5 mars 2024 10:12"
    assert doc.comments[0].text == "12 miljarder räcker inte långt."
    assert "Gilla" not in doc.comments[0].text
    assert_no_comment_in_text(doc)


def test_drupal_replies_in_following_indented_block() -> None:
    doc = load_fixture("drupal.html")
    assert [(c.id, c.author, c.time, c.parent) for c in doc.comments] == [
        ("comment-7", "Per", "12 september 2024", None),
        ("comment-8", "Eva", "13 september 2024", "comment-7"),
        ("comment-9", "Nils", None, None),
    ]
    assert_no_comment_in_text(doc)
    assert "1,2 miljarder kronor" in doc.text


def test_comment_section_without_comment_classes() -> None:
    page = (
        "<html><body><article><h1>Broar</h1><p>Huvudtexten handlar om broar och vägar i "
        "Sverige och är tillräckligt lång för att räknas.</p></article>"
        '<div id="comments"><ol><li>Det här är en kommentar utan klasser alls.'
        "<ol><li>Och här är ett svar på den kommentaren.</li></ol></li></ol></div>"
        "</body></html>"
    )
    doc = load_bytes(page.encode(), name="bare.html")
    assert [(c.id, c.text, c.parent) for c in doc.comments] == [
        ("comment-1", "Det här är en kommentar utan klasser alls.", None),
        ("comment-2", "Och här är ett svar på den kommentaren.", "comment-1"),
    ]
    assert "kommentar" not in doc.text


def test_wrapper_named_comments_around_the_article_is_not_removed() -> None:
    # WordPress puts "comments-open" on <body>; some themes wrap everything in a
    # container with a comment-ish name. The article must survive.
    page = (
        '<html><body class="comments-open"><div class="comments-wrapper"><article>'
        "<h1>Rubrik</h1><p>Artikeltexten om broarnas skick i landet är det som ska "
        "kontrolleras mot källan, och den får inte försvinna.</p>"
        "<p>Ett andra stycke med mer text om samma sak för att ge sidan lite tyngd.</p>"
        "</article></div></body></html>"
    )
    doc = load_bytes(page.encode(), name="wrap.html")
    assert "Artikeltexten om broarnas skick" in doc.text
    assert doc.comments == ()


def test_table_and_nested_list() -> None:
    page = (
        "<html><body><article><h2>Kostnader</h2><p>Tabellen visar kostnaderna för "
        "underhåll av broar per år i miljoner kronor enligt myndigheten.</p>"
        "<table><tr><th>År</th><th>Kostnad</th></tr><tr><td>2022</td><td>345</td></tr>"
        "<tr><td>2023</td><td>410</td></tr></table>"
        "<ul><li>Norrland<ul><li>Luleå</li></ul></li><li>Svealand</li></ul>"
        "</article></body></html>"
    )
    doc = load_bytes(page.encode(), name="t.html")
    assert offset_problems(doc) == []
    tables = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "table"]
    assert tables == ["År | Kostnad\n2022 | 345\n2023 | 410"]
    items = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "list_item"]
    assert items == ["Norrland", "Luleå", "Svealand"]


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><p>Text <b>unclosed <div>mer text h\xc3\xa4r<p>och <a href=x>l\xc3\xa4nk",
        b"<p>Hej och v\xc3\xa4lkommen",
        b"<html><head><title>t</title></head><body><table><tr><td>cell<p>para</table>",
        b"</p></div><p>Felaktig ordning </b>men text \xc3\xa4nd\xc3\xa5.</i>",
    ],
)
def test_bad_markup_does_not_crash(markup: bytes) -> None:
    doc = load_bytes(markup, name="bad.html")
    assert doc.text
    assert offset_problems(doc) == []


def test_html_errors() -> None:
    with pytest.raises(InputError, match=r"tom\.html: contains no text"):
        load_bytes(b"<html><body><script>var x = 1;</script></body></html>", name="tom.html")
    with pytest.raises(InputError, match=r"bin\.html: looks like binary data"):
        load_bytes(b"<html>\x00\x01\x02\xff</html>", name="bin.html")


def test_comments_only_trafilatura_recognises_come_flat() -> None:
    # No markup rule here matches "comment-page"; trafilatura's does. Its comments have
    # no authors or threads, but they are still kept out of the main text.
    page = (
        "<html><body><article><h1>Broar</h1><p>Huvudtexten handlar om broar och vägar i "
        "Sverige och är tillräckligt lång för att räknas som artikel.</p></article>"
        '<div class="comment-page"><p>Första läsarkommentaren om broarna.</p>'
        "<p>Andra läsarkommentaren om vägarna.</p></div></body></html>"
    )
    doc = load_bytes(page.encode(), name="flat.html")
    assert [(c.id, c.text, c.author, c.parent) for c in doc.comments] == [
        ("comment-1", "Första läsarkommentaren om broarna.", None, None),
        ("comment-2", "Andra läsarkommentaren om vägarna.", None, None),
    ]
    assert "läsarkommentaren" not in doc.text
