"""Build the bundled example source: ``examples/lindas-broar-2025.pdf``.

A fictional Swedish municipal report, "Broinspektion 2025 - Lindås kommun". The
municipality, its bridges, roads, people and figures are all invented for sourcecheck;
the text was written for the project and is released under CC0 1.0 (like the rest of
``examples/``).

The PDF is built to exercise the loader:

* physical page 1-2 are front matter labelled "i", "ii" (real /PageLabels), the body
  pages are labelled "1".."8", so printed page "4" is physical page 6;
* every body page has a running header and a "Sida N" footer that must be stripped;
* numbered Swedish section headings (1, 2, 2.1, 3, 3.1 ... 3.4.3, 4, 5);
* words hyphenated at line ends ("infra-" / "strukturen");
* one paragraph that continues from page "2" onto page "3".

Run ``python examples/build_example.py``; the output is byte-for-byte reproducible
(fixed dates, fixed file identifier). The script asserts that the key facts land on the
pages and in the sections that ``examples/expected.json`` relies on.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject

HERE = Path(__file__).resolve().parent
OUT = HERE / "lindas-broar-2025.pdf"

FRONT_PAGES = 2  # title page "i" and contents page "ii"
HEADER_TEXT = "Lindås kommun · Broinspektion 2025"
FIXED_DATE = datetime(2025, 10, 15, 9, 0, 0, tzinfo=UTC)
PDF_DATE = "D:20251015090000+00'00'"

FONT = "Helvetica"
BODY_SIZE = 11
LINE_H = 6.0
MARGIN_X = 30.0
MARGIN_TOP = 28.0
MARGIN_BOTTOM = 25.0

# A "|" inside a word marks a permitted hyphenation point: if the word does not fit at
# the end of a line but the part before a "|" (plus "-") does, the word is split there
# and printed as "infra-" / "strukturen". Words without "|" are never split.
SOFT = "|"


@dataclass(frozen=True)
class H:
    """A numbered heading. ``new_page`` starts it on a fresh page."""

    number: str
    title: str
    new_page: bool = False


@dataclass(frozen=True)
class P:
    """A paragraph. ``key`` names a paragraph whose placement the script asserts."""

    text: str
    key: str | None = None


# ---------------------------------------------------------------------------------------
# The report. Every sentence is fictional. Key facts (see expected.json):
#   a  page 4, 2.1:   "Av kommunens 52 broar behöver 14 repareras inom två år."
#   b  page 7, 3.4.3: "Storåbron har inte stängts för trafik. Sedan den 1 mars 2025
#                      gäller i stället en tillfällig viktbegränsning på 3,5 ton."
#   c  page 8, 4:     "Inspektionerna kostade 3,8 miljoner kronor under 2025."
#   d  page 7, 3.4.3: "Kommunen har infört tillfälliga begränsningar för tung trafik
#                      på tre broar."
#   e  nothing about tunnels, a new bridge, or the European Union anywhere.
# ---------------------------------------------------------------------------------------
BODY: list[H | P] = [
    # ---- printed page 1 -------------------------------------------------------------
    H("1", "Sammanfattning", new_page=True),
    P(
        "Lindås kommun ansvarar för drift och underhåll av broarna längs det kommunala "
        "vägnätet. Under 2025 genomförde tekniska förvaltningen en huvudinspektion av "
        "samtliga kommunala broar, vilket enligt kommunens under|hålls|plan ska ske vart "
        "sjätte år. Den här rapporten redovisar resultatet av inspektionerna och de "
        "åtgärder som förvaltningen föreslår."
    ),
    P(
        "Inspektionerna visar att flera av broarna har åldrats snabbare än vad som "
        "förutsågs när de byggdes. Det gäller framför allt betongbroar från 1960-talet "
        "och början av 1970-talet, där salt från vinterväghållningen under lång tid har "
        "trängt in i konstruktionen. Skadorna har i de flesta fall utvecklats långsamt "
        "och har därför inte upptäckts vid de enklare årliga kontrollerna."
    ),
    P(
        "Rapporten beskriver först hur inventeringen gick till och i vilket skick "
        "broarna befinner sig. Därefter redovisas förvaltningens förslag till åtgärder, "
        "de beslut om trafiken som redan har fattats och vad inspektionerna kostade. "
        "Rapporten avslutas med en plan för det fortsatta arbetet fram till nästa "
        "huvudinspektion."
    ),
    P(
        "Förvaltningen bedömer att kommunens broar kan hållas i drift med god säkerhet "
        "om de föreslagna reparationerna genomförs i den takt som anges i avsnitt 3. "
        "Ett fortsatt eftersatt underhåll skulle däremot leda till högre kostnader och "
        "fler störningar för trafikanterna på längre sikt."
    ),
    # ---- printed page 2 (last paragraph continues on page 3) ------------------------
    H("2", "Inventering", new_page=True),
    P(
        "Inventeringen omfattar samtliga broar som kommunen äger, från mindre broar för "
        "fotgängare och cyklister till de större vägbroarna över Storån och "
        "Lindåsbäcken. Broar som ägs av staten eller av enskilda vägföreningar ingår "
        "inte, även om de ligger inom kommunens gränser."
    ),
    P(
        "Broarna utgör tillsammans med gator och vägar en viktig del av den kommunala "
        "infra|strukturen. Många av dem ligger "
        "på vägar som används av skolskjutsar, busslinjer och räddningstjänstens fordon, "
        "och för flera byar finns det ingen rimlig omväg om en bro inte kan användas. "
        "Därför har kommunen ett särskilt ansvar för att hålla broarna i ett skick som "
        "motsvarar den trafik de är avsedda för.",
        key="hyphenation",
    ),
    P(
        "Varje bro besöktes av två inspektörer med behörighet för broinspektion. "
        "Inspektörerna undersökte brobanan, kantbalkarna, räckena, lagren, stöden och "
        "grundläggningen. Där det behövdes togs borrkärnor ur betongen för att mäta "
        "kloridhalten och bedöma risken för korrosion på armeringen. Stöden i vatten "
        "undersöktes från båt och, vid två av broarna, av dykare."
    ),
    P(
        "Inför inspektionerna gick förvaltningen igenom ritningar, tidigare "
        "inspektionsprotokoll och uppgifter om utförda reparationer för varje bro. För "
        "de äldsta broarna saknades delvis ritningar, och där mättes konstruktionen upp "
        "på plats. Uppgifterna användes för att planera i vilken ordning broarna skulle "
        "besökas och vilka delar som behövde undersökas särskilt noga."
    ),
    P(
        "Skadorna klassades enligt en fyrgradig skala. Klass 0 innebär att ingen åtgärd "
        "behövs. Klass 1 avser skador som bör åtgärdas inom tio år, klass 2 skador som "
        "bör åtgärdas inom fem år och klass 3 skador som måste åtgärdas inom två år. "
        "Varje skada fotograferades och mättes, och inspektörerna angav för varje bro "
        "den högsta skadeklass som förekom."
    ),
    P(
        "De flesta av kommunens broar är byggda av armerad betong. Ett mindre antal är "
        "stålbroar med en farbana av betong, och de två broarna i naturreservatet vid "
        "Lindåsbäcken är träbroar som enbart används av gående och cyklister. Träbroarna "
        "inspekterades med samma metod men bedömdes mot de krav som gäller för trä."
    ),
    P(
        "Inspektionerna utfördes enligt de anvisningar för broinspektion som kommunen har "
        "tagit fram tillsammans med grannkommunerna. Anvisningarna beskriver hur varje del "
        "av en bro ska undersökas, vilka mätningar som ska göras och hur resultaten ska "
        "dokumenteras."
    ),
    P(
        "Inspektörerna gick igenom varje bro enligt samma protokoll för att resultaten "
        "skulle gå att jämföra mellan broarna och med tidigare inspektioner. För varje "
        "del av konstruktionen noterades materialets tillstånd, eventuella sprickor och "
        "deras bredd, tecken på fukt och urlakning samt skador som orsakats av påkörning "
        "eller skadegörelse. Protokollen granskades därefter av en erfaren "
        "brokonstruktör, som vid behov begärde kompletterande mätningar innan "
        "skadeklassen fastställdes. Arbetet pågick från april till september, eftersom "
        "betongytorna måste vara torra och fria från snö och is för att sprickor och "
        "avskalningar ska kunna upptäckas och mätas på ett tillförlitligt sätt.",
        key="across_pages",
    ),
    # ---- printed page 3 -------------------------------------------------------------
    P(
        "Uppgifterna från inspektionerna har förts in i kommunens förvaltningssystem för "
        "broar. Där finns nu för varje bro en beskrivning av konstruktionen, fotografier "
        "av alla registrerade skador, den fastställda skadeklassen och en bedömning av "
        "när nästa åtgärd behövs. Systemet gör det möjligt att följa hur skadorna "
        "utvecklas mellan inspektionerna."
    ),
    P(
        "Den förra huvudinspektionen gjordes 2019. En jämförelse med den visar att "
        "antalet registrerade skador har ökat, särskilt på broar där avvattningen inte "
        "fungerar och vatten blir stående på brobanan. Förvaltningen har därför lagt "
        "större vikt vid avvattning och tätskikt i årets bedömningar än vid tidigare "
        "inspektioner."
    ),
    # ---- printed page 4 -------------------------------------------------------------
    H("2.1", "Broarnas skick", new_page=True),
    P(
        "Inspektionerna visar att skicket är på många håll bristfälligt. De vanligaste "
        "skadorna är sprickor i betongen, frostskador på kantbalkarna och korrosion på "
        "armeringen där vatten har trängt in genom ett skadat tätskikt. På flera broar "
        "har betongen lossnat i flagor så att armeringen ligger fri.",
        key="condition",
    ),
    P(
        "Av kommunens 52 broar behöver 14 repareras inom två år. Dessa broar har minst en "
        "skada i klass 3, vilket innebär att bärigheten eller trafiksäkerheten kan "
        "försämras om skadan inte åtgärdas. Ytterligare 21 broar har skador i klass 2 "
        "och bör repareras inom fem år.",
        key="fact_a",
    ),
    P(
        "Sämst skick har Storåbron, som för väg 612 över Storån. Där fann inspektörerna "
        "sprickor på brobanans undersida och blottad armering med kraftig korrosion vid "
        "två av stöden. Även de två vägbroarna över Lindåsbäcken vid Kvarnbacken har "
        "omfattande skador på stöden, där isen under flera vintrar har nött bort betong "
        "i vattenlinjen."
    ),
    P(
        "Övriga broar är i huvudsak i gott eller godtagbart skick. Skadorna på dessa "
        "broar består främst av missfärgningar, mindre avskalningar och slitna räcken, "
        "och de påverkar varken bärigheten eller säkerheten. Sådana skador åtgärdas inom "
        "det vanliga underhållet."
    ),
    # ---- printed page 5: priorities for other bridges, no traffic measures ----------
    H("3", "Åtgärder", new_page=True),
    P(
        "Förvaltningen föreslår att reparationerna genomförs i en bestämd ordning, där de "
        "mest angelägna objekten åtgärdas först. Ordningen bygger på skadeklass, hur "
        "många som använder bron och vilken betydelse bron har för kollektivtrafik och "
        "räddningstjänst."
    ),
    H("3.1", "Prioriteringsgrunder"),
    P(
        "Högst prioritet får broar där skadorna kan påverka konstruktionens hållfasthet. "
        "Därefter kommer broar som används av skolskjutsar och busslinjer, och sist broar "
        "på vägar med liten trafik. Inom varje grupp går broar med snabbt växande skador "
        "före broar där skadorna har varit oförändrade sedan 2019."
    ),
    P(
        "Förvaltningen har också tagit hänsyn till hur arbetena kan samordnas. Broar som "
        "ligger nära varandra repareras om möjligt av samma entreprenör under samma "
        "säsong, vilket sänker kostnaderna för etablering och minskar störningarna för "
        "de boende."
    ),
    H("3.2", "Reparationer under 2026"),
    P(
        "Under 2026 planeras reparationer av Kvarnbacksbron, Ekbackens bro och bron vid "
        "Norra hamnen. Arbetena omfattar byte av fuktisolering, gjutning av nya "
        "kantbalkar och lagning av skadad betong. Arbetet på Kvarnbacksbron utförs under "
        "sommarlovet så att skolskjutsarna inte påverkas.",
        key="page5_repairs",
    ),
    P(
        "Vid Ekbackens bro och bron vid Norra hamnen ska dessutom räckena bytas ut, "
        "eftersom de inte uppfyller dagens krav. Förvaltningen räknar med att kunna "
        "upphandla entreprenörer för dessa arbeten under vintern, så att byggstart kan "
        "ske i maj."
    ),
    # ---- printed page 6 -------------------------------------------------------------
    H("3.3", "Löpande underhåll", new_page=True),
    P(
        "Utöver reparationerna behöver det löpande underhållet förbättras. Rensning av "
        "brunnar och avvattningsrör, borttagning av växtlighet och tvätt av broarna varje "
        "vår minskar risken för nya skador. Förvaltningen föreslår att dessa arbeten "
        "samlas i ett gemensamt avtal för samtliga broar."
    ),
    H("3.4", "Trafikbegränsningar"),
    P(
        "När en inspektion visar att en bro inte längre klarar den trafik som den är "
        "dimensionerad för kan kommunen besluta om trafikbegränsningar. Sådana beslut "
        "fattas av trafiknämnden efter förslag från tekniska förvaltningen och gäller "
        "tills bron har reparerats."
    ),
    H("3.4.1", "Beslutsordning"),
    P(
        "Ett förslag om begränsningar grundar sig på en bärighets|beräkning som utförs "
        "av en konsult med särskild behörighet. Beräkningen tar hänsyn till de skador "
        "som har registrerats vid inspektionen och till hur konstruktionen ursprungligen "
        "dimensionerades. Trafiknämnden kan fatta beslut med kort varsel när säkerheten "
        "kräver det."
    ),
    H("3.4.2", "Information till trafikanter"),
    P(
        "Begränsningarna skyltas vid bron och på anslutande vägar. Information publiceras "
        "också på kommunens webbplats och skickas till åkerier, räddningstjänsten och "
        "kollektivtrafikens huvudman, så att omledningar kan planeras i god tid."
    ),
    # ---- printed page 7: the only place the weight limit is mentioned ---------------
    H("3.4.3", "Tillfälliga begränsningar", new_page=True),
    P(
        "Kommunen har infört tillfälliga begränsningar för tung trafik på tre broar. "
        "Begränsningarna gäller tills de planerade reparationerna är klara och omprövas "
        "efter varje ny inspektion.",
        key="fact_d",
    ),
    P(
        "Storåbron har inte stängts för trafik. Sedan den 1 mars 2025 gäller i stället en "
        "tillfällig viktbegränsning på 3,5 ton. Personbilar och lätta lastbilar kan "
        "därmed fortsätta att använda bron, medan bussar och tunga fordon leds om via "
        "väg 610 över Berga.",
        key="fact_b",
    ),
    P(
        "På de två vägbroarna över Lindåsbäcken vid Kvarnbacken får tung trafik endast "
        "köra i ett körfält i taget, och hastigheten är sänkt till 30 kilometer i timmen. "
        "Förvaltningen kontrollerar varannan vecka att skyltningen är på plats och att "
        "skadorna inte har förvärrats."
    ),
    # ---- printed page 8 -------------------------------------------------------------
    H("4", "Kostnader", new_page=True),
    P(
        "Inspektionerna kostade 3,8 miljoner kronor under 2025. Kostnaden omfattar arvoden "
        "till inspektörerna, provtagning och laboratorieanalyser samt avspärrningar och "
        "skyltning under arbetet.",
        key="fact_c",
    ),
    P(
        "Reparationerna av de broar som har skador i klass 3 beräknas kosta sammanlagt "
        "61 miljoner kronor under 2026 och 2027. Kostnaderna för reparationer i klass 2 "
        "har ännu inte beräknats i detalj. Reparationerna finansieras genom kommunens "
        "investeringsbudget, som kommunfullmäktige beslutar om i december."
    ),
    H("5", "Fortsatt arbete"),
    P(
        "Nästa huvudinspektion ska göras 2031. Fram till dess genomförs årliga "
        "översiktliga inspektioner av samtliga broar, och de broar som har skador i "
        "klass 3 inspekteras två gånger per år tills de har reparerats."
    ),
    P(
        "Förvaltningen kommer att redovisa hur reparationerna fortskrider i en "
        "lägesrapport till tekniska nämnden hösten 2026."
    ),
]

# Where each heading must land (printed page label), also printed on the contents page.
EXPECTED_HEADING_PAGES = {
    "1": "1",
    "2": "2",
    "2.1": "4",
    "3": "5",
    "3.1": "5",
    "3.2": "5",
    "3.3": "6",
    "3.4": "6",
    "3.4.1": "6",
    "3.4.2": "6",
    "3.4.3": "7",
    "4": "8",
    "5": "8",
}

# Where each key paragraph must start and end (printed labels).
EXPECTED_KEYS = {
    "hyphenation": ("2", "2"),
    "across_pages": ("2", "3"),
    "condition": ("4", "4"),
    "fact_a": ("4", "4"),
    "page5_repairs": ("5", "5"),
    "fact_d": ("7", "7"),
    "fact_b": ("7", "7"),
    "fact_c": ("8", "8"),
}

FORBIDDEN = ("tunnel", "tunnl", "ny bro", "nya bro", "europeiska", " eu", "eu-", "kollaps")


class Report(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)

    def label(self) -> str:
        return str(self.page_no() - FRONT_PAGES)

    def on_body_page(self) -> bool:
        return self.page_no() > FRONT_PAGES

    def header(self) -> None:
        if not self.on_body_page():
            return
        self.set_font(FONT, size=9)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN_X, 12)
        self.cell(0, 5, HEADER_TEXT, align="L")
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN_X, 18.5, self.w - MARGIN_X, 18.5)
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN_X, MARGIN_TOP)

    def footer(self) -> None:
        if not self.on_body_page():
            return
        self.set_font(FONT, size=9)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN_X, self.h - 15)
        self.cell(0, 5, f"Sida {self.label()}", align="C")
        self.set_text_color(0, 0, 0)


def wrap(pdf: FPDF, text: str, width: float) -> tuple[list[str], list[str]]:
    """Greedy line breaking with optional hyphenation at ``SOFT`` points.
    Returns the lines and the words that were hyphenated (as "pre-|post")."""
    lines: list[str] = []
    hyphenated: list[str] = []
    line = ""
    for word in text.split(" "):
        clean = word.replace(SOFT, "")
        candidate = f"{line} {clean}" if line else clean
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        # Try the right-most hyphenation point whose head still fits on this line.
        parts = word.split(SOFT)
        split_done = False
        for k in range(len(parts) - 1, 0, -1):
            head = "".join(parts[:k]) + "-"
            cand = f"{line} {head}" if line else head
            if line and pdf.get_string_width(cand) <= width:
                lines.append(cand)
                tail = "".join(parts[k:])
                hyphenated.append(f"{head}|{tail}")
                line = tail
                split_done = True
                break
        if not split_done:
            if line:
                lines.append(line)
            line = clean
    if line:
        lines.append(line)
    return lines, hyphenated


def build_pdf_bytes() -> tuple[bytes, dict[str, object]]:
    pdf = Report()
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title("Broinspektion 2025 - Lindås kommun")
    pdf.set_author("Lindås kommun, tekniska förvaltningen (fiktiv)")
    pdf.set_subject("Huvudinspektion av kommunens broar 2025. Fiktivt exempel för sourcecheck.")
    pdf.set_keywords("broinspektion, Lindås, exempel, sourcecheck")
    pdf.set_creator("sourcecheck examples/build_example.py")
    pdf.set_producer("fpdf2 + pypdf")
    pdf.set_lang("sv-SE")
    text_w = pdf.w - 2 * MARGIN_X

    # ---- page i: title page ---------------------------------------------------------
    pdf.add_page()
    pdf.set_font(FONT, size=12)
    pdf.set_xy(MARGIN_X, 40)
    pdf.cell(0, 7, "Lindås kommun", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, "Tekniska förvaltningen", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(MARGIN_X, 100)
    pdf.set_font(FONT, style="B", size=28)
    pdf.cell(0, 14, "Broinspektion 2025", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=15)
    pdf.cell(0, 9, "Huvudinspektion av kommunens broar", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(MARGIN_X, 130)
    pdf.set_font(FONT, size=12)
    pdf.cell(
        0, 7, "Rapport från tekniska förvaltningen, oktober 2025", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_xy(MARGIN_X, 250)
    pdf.set_font(FONT, style="I", size=9)
    pdf.multi_cell(
        text_w,
        4.5,
        "Fiktivt exempel. Lindås kommun och allt innehåll i rapporten är påhittat och "
        "skrivet för projektet sourcecheck. Texten får användas fritt (CC0 1.0).",
    )

    # ---- page ii: contents ----------------------------------------------------------
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=16)
    pdf.cell(0, 10, "Innehåll", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for item in BODY:
        if not isinstance(item, H):
            continue
        depth = item.number.count(".")
        pdf.set_font(FONT, style="B" if depth == 0 else "", size=11)
        indent = 8 * depth
        pdf.set_x(MARGIN_X + indent)
        pdf.cell(text_w - indent - 15, 7, f"{item.number} {item.title}")
        pdf.cell(
            15, 7, EXPECTED_HEADING_PAGES[item.number], align="R", new_x="LMARGIN", new_y="NEXT"
        )

    # ---- body -----------------------------------------------------------------------
    heading_pages: dict[str, str] = {}
    key_pages: dict[str, tuple[str, str]] = {}
    hyphenated: list[tuple[str, str]] = []
    for item in BODY:
        if isinstance(item, H):
            depth = item.number.count(".")
            size = {0: 15, 1: 13}.get(depth, 11.5)
            if item.new_page:
                pdf.add_page()
            else:
                pdf.ln(3)
                # keep a heading together with at least three lines of its paragraph
                if pdf.get_y() + 8 + 3 * LINE_H > pdf.h - MARGIN_BOTTOM:
                    pdf.add_page()
            pdf.set_font(FONT, style="B", size=size)
            pdf.cell(
                0,
                8 if depth == 0 else 7,
                f"{item.number} {item.title}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(1.5)
            heading_pages[item.number] = pdf.label()
        else:
            pdf.set_font(FONT, size=BODY_SIZE)
            lines, hy = wrap(pdf, item.text, text_w)
            first = None
            for line in lines:
                if pdf.get_y() + LINE_H > pdf.h - MARGIN_BOTTOM:
                    pdf.add_page()  # paragraph continues on the next page
                if first is None:
                    first = pdf.label()
                pdf.cell(text_w, LINE_H, line, new_x="LMARGIN", new_y="NEXT")
            hyphenated.extend((pdf.label(), w) for w in hy)
            if item.key:
                key_pages[item.key] = (first or pdf.label(), pdf.label())
            pdf.ln(2.8)

    info = {
        "heading_pages": heading_pages,
        "key_pages": key_pages,
        "hyphenated": hyphenated,
        "physical_pages": pdf.page_no(),
    }
    return bytes(pdf.output()), info


def add_labels_and_metadata(raw: bytes, n_pages: int) -> bytes:
    reader = PdfReader(io.BytesIO(raw))
    writer = PdfWriter(clone_from=reader)
    writer.set_page_label(0, FRONT_PAGES - 1, style="/r", start=1)
    writer.set_page_label(FRONT_PAGES, n_pages - 1, style="/D", start=1)
    writer.add_metadata(
        {
            "/Title": "Broinspektion 2025 — Lindås kommun",
            "/Author": "Lindås kommun, tekniska förvaltningen (fiktiv)",
            "/Subject": "Huvudinspektion av kommunens broar 2025. Fiktivt exempel för "
            "sourcecheck (CC0 1.0).",
            "/Creator": "sourcecheck examples/build_example.py",
            "/Producer": "fpdf2 + pypdf",
            "/CreationDate": PDF_DATE,
            "/ModDate": PDF_DATE,
        }
    )
    # A fixed file identifier, derived from the content, so rebuilds are identical.
    fid = ByteStringObject(hashlib.md5(raw).digest())
    writer._ID = ArrayObject([fid, fid])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def check(pdf_bytes: bytes, info: dict[str, object]) -> None:
    heading_pages = info["heading_pages"]
    key_pages = info["key_pages"]
    assert heading_pages == EXPECTED_HEADING_PAGES, heading_pages
    for key, want in EXPECTED_KEYS.items():
        assert key_pages[key] == want, (key, key_pages[key], want)
    hyphenated = info["hyphenated"]
    assert ("2", "infra-|strukturen.") in hyphenated, hyphenated

    reader = PdfReader(io.BytesIO(pdf_bytes))
    labels = list(reader.page_labels)
    assert labels == ["i", "ii"] + [str(i) for i in range(1, len(labels) - 1)], labels
    assert labels.index("4") == 5  # printed "4" is physical page 6
    texts = {lab: page.extract_text() for lab, page in zip(labels, reader.pages, strict=True)}
    for lab, text in texts.items():
        if lab in ("i", "ii"):
            assert HEADER_TEXT not in text and "Sida" not in text, lab
        else:
            assert text.startswith(HEADER_TEXT), lab
            assert text.rstrip().endswith(f"Sida {lab}"), lab
    flat = {lab: " ".join(t.split()) for lab, t in texts.items()}
    assert "Av kommunens 52 broar behöver 14 repareras inom två år." in flat["4"]
    assert "skicket är på många håll bristfälligt" in flat["4"]
    assert (
        "Storåbron har inte stängts för trafik. Sedan den 1 mars 2025 gäller i stället en "
        "tillfällig viktbegränsning på 3,5 ton." in flat["7"]
    )
    assert (
        "Kommunen har infört tillfälliga begränsningar för tung trafik på tre broar." in flat["7"]
    )
    assert "Inspektionerna kostade 3,8 miljoner kronor under 2025." in flat["8"]
    assert "infra-\nstrukturen" in texts["2"]
    everything = " ".join(flat.values()).lower()
    for word in ("viktbegränsning", " ton.", " ton ", "3,5", "1 mars", "mars"):
        assert everything.count(word) <= 1, word
    for word in ("storå", "viktbegr", " ton", "mars", "begränsning"):
        assert word not in flat["5"].lower(), word
    # no standalone 4,2 / 4.2 (the section number "3.4.2" is not a quantity)
    assert not re.search(r"(?<![\d.,])4[.,]2(?![\d.,])", everything)
    assert "stäng" not in everything.replace("har inte stängts", "")
    for word in FORBIDDEN:
        assert word not in everything, word
    assert "kollaps" not in everything and "collapse" not in everything


def main() -> int:
    raw, info = build_pdf_bytes()
    final = add_labels_and_metadata(raw, int(info["physical_pages"]))  # type: ignore[call-overload]
    check(final, info)
    OUT.write_bytes(final)
    print(
        f"wrote {OUT.relative_to(HERE.parent)}: {len(final)} bytes, "
        f"{info['physical_pages']} pages, sha256 {hashlib.sha256(final).hexdigest()[:16]}"
    )
    print("headings:", info["heading_pages"])
    print("key paragraphs:", info["key_pages"])
    print("hyphenated:", info["hyphenated"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
