"""The command line: outputs, exit codes, and bad input giving one clear line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from sourcecheck.cli.main import main
from tests.conftest import EXAMPLES

SOURCE_SV = (
    "Kommunen har 52 broar. Av kommunens 52 broar behöver 14 repareras inom två år.\n\n"
    "Inspektionerna kostade 3,8 miljoner kronor under 2025.\n"
)
ARTICLE_EN = (
    "Bridges in Lindås\n\n"
    "The report found that 14 of the municipality's 52 bridges need repairs within two years.\n\n"
    "Who will pay for it?\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / "rapport.txt"
    src.write_text(SOURCE_SV, encoding="utf-8")
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE_EN, encoding="utf-8")
    return {"source": src, "article": art, "dir": tmp_path}


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_to_stdout(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", files["article"], "--source", files["source"], "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["schema"] == "sourcecheck/report/v1"
    assert [s["id"] for s in report["sources"]] == ["rapport"]
    assert report["sources"][0]["language"] == "sv"
    claim = next(c for c in report["claims"] if "14 of" in c["text"])
    assert claim["origin"] == "article"
    assert ARTICLE_EN[claim["start"] : claim["end"]] == claim["text"]
    for ev in claim["evidence"]:
        assert SOURCE_SV[ev["start"] : ev["end"]] == ev["text"]
    numbers = {n["text"]: n["status"] for n in claim["numbers"]}
    assert numbers == {"14": "matches", "52": "matches", "two years": "matches"}
    assert any(s["reason"] == "question" for s in report["skipped"])
    assert report["options"]["model"] == "verifier"
    assert report["models"]["scorer"]["name"] == "sourcecheck.verifier.v1"
    assert "sourcecheck: " in err  # progress on stderr, not stdout


def test_all_outputs_to_files(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    d = files["dir"]
    code, out, _ = run(
        capsys,
        "check",
        files["article"],
        "-s",
        files["source"],
        "--json",
        d / "r.json",
        "--markdown",
        d / "r.md",
        "--html",
        d / "r.html",
        "--claimreview",
        d / "cr.json",
        "--quiet",
    )
    assert code == 0
    assert "claims checked" in out  # the plain summary when nothing else goes to stdout
    assert json.loads((d / "r.json").read_text(encoding="utf-8"))["claims"]
    assert "14 of the municipality" in (d / "r.md").read_text(encoding="utf-8")
    html = (d / "r.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    reviews = json.loads((d / "cr.json").read_text(encoding="utf-8"))
    assert reviews[0]["@type"] == "ClaimReview"


def test_stdin_article(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class FakeStdin:
        buffer = io.BytesIO(ARTICLE_EN.encode("utf-8"))

    monkeypatch.setattr("sys.stdin", FakeStdin())
    code, out, _ = run(capsys, "check", "-", "-s", files["source"], "--json", "-q")
    assert code == 0
    assert json.loads(out)["article"]["path"] == "<stdin>"


def test_fail_on(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    art = files["dir"] / "wrong.txt"
    art.write_text(
        "Inspections cost 4.2 million kronor in 2025, according to the report.\n",
        encoding="utf-8",
    )
    code, _, err = run(
        capsys, "check", art, "-s", files["source"], "-q", "--fail-on", "number_differs"
    )
    assert code == 3
    assert "--fail-on met" in err
    code, _, _ = run(capsys, "check", art, "-s", files["source"], "-q", "--fail-on", "unresolved")
    assert code == 0


def test_usage_errors_exit_2(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(files["article"])])  # no --source
    assert exc.value.code == 2
    assert main([]) == 2


def test_unknown_model_and_condition(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", files["article"], "-s", files["source"], "-m", "magic")
    assert code == 1
    assert "unknown model 'magic'" in err and "baseline" in err
    code, _, err = run(
        capsys, "check", files["article"], "-s", files["source"], "--fail-on", "wrongish"
    )
    assert code == 1 and "known:" in err


def _one_line_error(err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.startswith("sourcecheck: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]


def _pdf_bytes(pages: int, text: str | None = "Sida {n}. Broarna är i dåligt skick.") -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text.format(n=n))
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("name", "make", "needle"),
    [
        ("missing.pdf", None, "no such file"),
        ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
        ("junk.pdf", lambda p: p.write_bytes(b"\x00\x01\x02binary" * 50), "not a PDF"),
        ("junk.txt", lambda p: p.write_bytes(bytes(range(256)) * 8), "binary"),
        ("broken.pdf", lambda p: p.write_bytes(_pdf_bytes(2)[:300]), "broken.pdf"),
        ("scanned.pdf", lambda p: p.write_bytes(_pdf_bytes(2, None)), "no text layer"),
    ],
)
def test_bad_source_one_line(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: object,
    needle: str,
) -> None:
    path = files["dir"] / name
    if callable(make):
        make(path)
    code, out, err = run(capsys, "check", files["article"], "-s", path, "-q")
    assert code == 1
    assert out == ""
    _one_line_error(err, name, needle)


def test_encrypted_pdf(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf_bytes(1))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="hemligt", owner_password="hemligt")
    path = files["dir"] / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    code, _, err = run(capsys, "check", files["article"], "-s", path, "-q")
    assert code == 1
    _one_line_error(err, "locked.pdf", "encrypted")


def test_wrong_encoding_is_read_honestly(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A Latin-1 Swedish source is decoded, not garbled and not refused."""
    src = files["dir"] / "latin1.txt"
    src.write_bytes(SOURCE_SV.encode("latin-1"))
    code, out, _ = run(capsys, "check", files["article"], "-s", src, "--json", "-q")
    assert code == 0
    claim = json.loads(out)["claims"][0]
    assert any("två år" in ev["text"] for ev in claim["evidence"])


def test_no_checkable_claims_is_an_honest_report(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    art = files["dir"] / "greeting.md"
    art.write_text("# Hello\n\nThanks for reading!\n\nWhat do you think?\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", art, "-s", files["source"], "--json", "-q")
    assert code == 0
    report = json.loads(out)
    assert report["claims"] == []
    assert report["summary"]["claims"] == 0
    assert {s["reason"] for s in report["skipped"]} >= {"greeting", "question"}


def test_debug_shows_traceback(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "check", files["article"], "-s", files["dir"] / "nope.pdf", "--debug"
    )
    assert code == 1
    assert "Traceback" in err


@pytest.mark.slow
def test_thousand_page_pdf_source(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    big = files["dir"] / "big.pdf"
    big.write_bytes(_pdf_bytes(1000, "Avsnitt {n}. Bro nummer {n} inspekterades under året."))
    code, out, err = run(capsys, "check", files["article"], "-s", big, "--json", "-q")
    assert code == 0, err
    assert json.loads(out)["sources"][0]["pages"] == 1000


def test_example_cli_matches_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The README's first command, as the tests can run it."""
    out_html = tmp_path / "example.html"
    code, out, err = run(
        capsys,
        "check",
        EXAMPLES / "article.html",
        "--source",
        EXAMPLES / "lindas-broar-2025.pdf",
        "--html",
        out_html,
    )
    assert code == 0, err
    assert "claims checked" in out
    assert "Storå" in out_html.read_text(encoding="utf-8")
