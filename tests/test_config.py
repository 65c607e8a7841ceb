from __future__ import annotations

from pathlib import Path

import pytest

from sourcecheck.config import Options, resolve_options
from sourcecheck.errors import ConfigError


def test_defaults() -> None:
    options, origins = resolve_options(env={}, config_path=Path("/nonexistent"))
    assert options == Options()
    assert set(origins.values()) == {"default"}


def test_layers_file_env_argument(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[check]\nmodel = "lexical"\ntop-k = 5\nmax_evidence = 2\n', encoding="utf-8")
    options, origins = resolve_options(
        {"top_k": 11}, env={"SOURCECHECK_MAX_EVIDENCE": "4"}, config_path=cfg
    )
    assert options.model == "lexical" and origins["model"].startswith("file:")
    assert options.max_evidence == 4 and origins["max_evidence"] == "env:SOURCECHECK_MAX_EVIDENCE"
    assert options.top_k == 11 and origins["top_k"] == "argument"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SOURCECHECK_TOP_K": "many"}, "top_k"),
        ({"SOURCECHECK_SUPPORT_THRESHOLD": "1.5"}, "between 0 and 1"),
        ({"SOURCECHECK_CHECK_COMMENTS": "perhaps"}, "check_comments"),
    ],
)
def test_bad_values_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_options(env=env, config_path=Path("/nonexistent"))


def test_unknown_option_in_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[check]\nspeed = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown option 'speed'"):
        resolve_options(env={}, config_path=cfg)
