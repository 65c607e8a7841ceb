"""Every option is documented in the README, with its environment variable."""

from __future__ import annotations

from dataclasses import fields

import pytest

from sourcecheck.config import ENV_PREFIX, Options
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [f.name for f in fields(Options)])
def test_option_documented(name: str) -> None:
    assert f"| `{name}` | `{ENV_PREFIX}{name.upper()}` |" in README


def test_readme_starts_with_the_two_commands() -> None:
    blocks = README.split("```bash\n")[1:3]
    assert (
        blocks[0].startswith("python3 -m venv .venv") and "sourcecheck check examples/" in blocks[0]
    )
    assert blocks[1].startswith("bash .ci/run")
