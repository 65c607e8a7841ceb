"""``sourcecheck evaluate`` on users' own JSONL data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcecheck.cli.main import main

SUPPORTED = [
    ("The bridge was built in 1964.", "The bridge was built in 1964 and repaired in 2001."),
    ("Unemployment fell to 7.4 percent.", "Unemployment in the region fell to 7.4 percent."),
    ("The museum closes in September.", ["The museum will be closed from September.", "x"]),
    (
        "Bussbiljetterna blir dyrare i januari.",
        "Länstrafiken höjer priserna på bussbiljetter i januari.",
    ),
]
UNSUPPORTED = [
    ("The bridge was built in 1990.", "The bridge was built in 1964 and repaired in 2001."),
    ("The factory will hire 500 people.", "The library opens at eight in the evening."),
    ("Unemployment rose sharply.", "The harvest was smaller than usual after the dry summer."),
    ("Vargar har setts i staden.", "Hamnen ska muddras så att större fartyg kan lägga till."),
]


def _lines(rows: list[tuple[str, object]], label: int) -> list[str]:
    return [json.dumps({"claim": c, "document": d, "label": label}) for c, d in rows]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.jsonl"
    lines = _lines(SUPPORTED, 1) + _lines(UNSUPPORTED, 0)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_fields(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCECHECK_MODEL", "baseline")  # the configured model is the default
    assert main(["evaluate", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("balanced_accuracy", "auc", "threshold", "n", "pairs_per_second"):
        assert key in out
    assert out["n"] == 8
    assert out["model"] == "sourcecheck.baseline.v1"
    assert out["claim_scoring"].startswith("mean over the claim's sentences")
    assert out["threshold_from"] == "the scorer's shipped threshold"
    assert out["auc"] >= 0.75  # these pairs are easy: a broken scorer would sit near 0.5
    c = out["confusion"]
    assert c["tp"] + c["fn"] == 4 and c["tn"] + c["fp"] == 4


def test_dev_threshold_and_side_by_side(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = tmp_path / "dev.jsonl"
    dev.write_text(data.read_text(encoding="utf-8"), encoding="utf-8")
    code = main(
        ["evaluate", str(data), "--dev", str(dev), "-m", "baseline", "-m", "lexical", "--json"]
    )
    assert code == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in results] == ["sourcecheck.baseline.v1", "sourcecheck.lexical.v1"]
    assert all(r["threshold_from"].startswith("dev") for r in results)
    # the threshold chosen on this very data separates it as well as it can
    assert all(r["balanced_accuracy"] >= 0.75 for r in results)
    assert main(["evaluate", str(data), "-m", "lexical"]) == 0
    assert "| sourcecheck.lexical.v1 | 8 |" in capsys.readouterr().out


def test_default_model_is_the_shipped_verifier_and_whole_claims_is_recorded(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCECHECK_MODEL", raising=False)
    monkeypatch.setenv("SOURCECHECK_CONFIG", str(data.parent / "no-config.toml"))
    assert main(["evaluate", str(data), "--json", "--whole-claims"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "sourcecheck.verifier.v1"
    assert out["claim_scoring"] == "the whole claim's best passage"
    assert out["auc"] >= 0.75


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("not json\n", "line 1 is not JSON"),
        ('{"claim": "x", "document": 3, "label": 1}\n', "'document' must be"),
        ('{"claim": "x y z", "document": "a b", "label": 2}\n', "'label' must be"),
        ('{"claim": "x y z", "document": "a b", "label": 1}\n', "both labels"),
    ],
)
def test_bad_data_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    assert main(["evaluate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl" in err and needle in err and "Traceback" not in err
