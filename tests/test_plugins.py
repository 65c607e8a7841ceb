"""Scorer backends come through the ``sourcecheck.scorers`` entry-point group: the built-ins
as a plug-in's would. A throwaway package is installed (pip, into a folder of its own) and
checked from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sourcecheck.errors import ConfigError
from sourcecheck.score import Pair, PairScore, Scorer, ScorerPlugin, get_scorer, register
from sourcecheck.score.registry import backends, known_scorers

PLUGIN_MODULE = '''
"""A throwaway scorer: a passage supports a claim it contains word for word."""
from sourcecheck.score import PairScore, Scorer, ScorerPlugin


class Echo(Scorer):
    name = "echo.v1"
    model_id = "echo-test"

    def __init__(self, argument):
        self.argument = argument

    def score_batch(self, pairs):
        out = []
        for p in pairs:
            inside = p.claim.lower().rstrip(".") in p.passage.lower()
            out.append(PairScore(support=0.99 if inside else 0.01, contradiction=0.0))
        return out


PLUGIN = ScorerPlugin(lambda argument: Echo(argument), argument="TAG", summary="echo for tests")
NOT_A_PLUGIN = 42
'''

PLUGIN_PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "sourcecheck-echo-plugin"
version = "0.1"

[project.entry-points."sourcecheck.scorers"]
echo = "sc_echo:PLUGIN"
verifier = "sc_echo:PLUGIN"
broken = "sc_missing:PLUGIN"
notaplugin = "sc_echo:NOT_A_PLUGIN"

[tool.setuptools]
py-modules = ["sc_echo"]
"""


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plug-in package, installed by pip into a folder of its own."""
    root = tmp_path_factory.mktemp("plugin")
    package = root / "package"
    package.mkdir()
    (package / "pyproject.toml").write_text(textwrap.dedent(PLUGIN_PYPROJECT), encoding="utf-8")
    (package / "sc_echo.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    site = root / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(site),
            str(package),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert list(site.glob("sourcecheck_echo_plugin-0.1.dist-info/entry_points.txt"))
    return site


def cli(site: Path, *argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "SOURCECHECK_CACHE_DIR": "none"}
    return subprocess.run(
        [sys.executable, "-m", "sourcecheck", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_an_installed_plugin_checks_an_article_from_the_cli(
    plugin_site: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source.txt"
    source.write_text(
        "The bridge over the Ljusnan river was closed in March.\n\n"
        "Repairs are expected to take two years.\n",
        encoding="utf-8",
    )
    article = tmp_path / "article.txt"
    article.write_text(
        "Repairs are expected to take two years.\n\nThe mayor resigned on the same day.\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    done = cli(
        plugin_site, "check", article, "--source", source, "--model", "echo:x", "--json", out,
        "-q", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["options"]["model"] == "echo:x"
    assert report["models"]["scorer"]["name"] == "echo.v1"
    assert report["models"]["scorer"]["model_id"] == "echo-test"
    verdicts = {c["text"]: c["verdict"] for c in report["claims"]}
    assert verdicts["Repairs are expected to take two years."] == "supported"
    assert verdicts["The mayor resigned on the same day."] == "not_found"


def test_models_lists_plugins_and_keeps_the_builtin_names(
    plugin_site: Path, tmp_path: Path
) -> None:
    done = cli(plugin_site, "models", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {r["name"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert rows["echo"]["usage"] == "echo[:TAG]"
    assert rows["echo"]["origin"] == "sourcecheck-echo-plugin"
    assert rows["echo"]["problem"] is None
    # A plug-in cannot take a built-in's name: sourcecheck's own wins and the clash shows.
    assert rows["verifier"]["origin"].startswith("sourcecheck ")
    assert "sourcecheck-echo-plugin" in rows["verifier"]["origin"]
    assert "sc_missing" in rows["broken"]["problem"]
    assert "int" in rows["notaplugin"]["problem"]
    # A broken plug-in does not stop the others.
    assert {"baseline", "hf", "llm", "lexical", "verifier-bf16"} <= set(rows)


def test_a_broken_plugin_is_one_line_naming_it(plugin_site: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The bridge was closed in March.\n", encoding="utf-8")
    done = cli(
        plugin_site, "check", "a.txt", "--source", "a.txt", "--model", "broken", "-q",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'broken'" in lines[0] and "sourcecheck-echo-plugin" in lines[0]
    assert "Traceback" not in done.stderr


def test_builtins_come_from_the_entry_point_group() -> None:
    found = {b.name: b for b in backends()}
    for name in ("verifier", "verifier-bf16", "baseline", "lexical", "hf", "llm"):
        assert found[name].origin == "sourcecheck", name
    assert "hf:MODEL" in known_scorers() and "baseline" in known_scorers()


def test_names_and_arguments_are_checked_before_anything_loads() -> None:
    with pytest.raises(ConfigError, match=r"unknown model 'magic'; known: .*baseline"):
        get_scorer("magic")
    with pytest.raises(ConfigError, match="takes no argument"):
        get_scorer("baseline:extra")
    with pytest.raises(ConfigError, match=r"hf:MODEL needs a model id or local path"):
        get_scorer("hf")


class _Fixed(Scorer):
    name = "fixed.v1"

    def __init__(self, support: float) -> None:
        self.support = support

    def score_batch(self, pairs: list[Pair]) -> list[PairScore]:  # type: ignore[override]
        return [PairScore(self.support) for _ in pairs]


def test_register_adds_a_backend_from_code() -> None:
    register("fixed-test", ScorerPlugin(lambda a: _Fixed(float(a or 0.5)), argument="P"))
    scorer = get_scorer("fixed-test:0.25")
    assert isinstance(scorer, _Fixed) and scorer.support == 0.25
    assert "fixed-test[:P]" in known_scorers()
    register("fixed-bad", ScorerPlugin(lambda a: object()))  # type: ignore[arg-type,return-value]
    with pytest.raises(ConfigError, match=r"built a object, not a sourcecheck\.score\.Scorer"):
        get_scorer("fixed-bad")
