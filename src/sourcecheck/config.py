"""Layered configuration: package defaults < user file < environment < explicit flags.

Everything resolves into one frozen :class:`Options` that every report records, together
with where each value came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from sourcecheck.errors import ConfigError

ENV_PREFIX = "SOURCECHECK_"
#: The named rule sets ``sourcecheck.verdict`` decides by (option ``decision``), newest first.
DECISIONS = ("v2", "v1")


@dataclass(frozen=True)
class Options:
    #: Verifier backend: ``verifier`` (the model shipped in the package),
    #: ``verifier:PATH``, ``verifier-bf16[:PATH]`` (the same model run by PyTorch in
    #: bfloat16), ``baseline``, ``lexical``, ``hf:MODEL``, ``llm:MODEL``.
    model: str = "verifier"
    #: Passages of the whole source the verifier reads per claim, each a distinct place
    #: (the cited place's passages come on top).
    top_k: int = 3
    #: Passages of the cited place the verifier reads per claim at most.
    cited_k: int = 3
    #: Searched candidates each statement of a compound claim ("A, and B") is read
    #: against (the claim's closest to the statement in meaning; the cited place's come
    #: on top); 0 = all of them.
    part_k: int = 2
    #: Evidence items kept in the report per claim.
    max_evidence: int = 3
    #: Support probability at or above which a claim counts as supported; None = the
    #: scorer's own calibrated threshold.
    support_threshold: float | None = None
    #: Support probability at or above which a claim counts as partially supported.
    partial_threshold: float | None = None
    #: Contradiction probability at or above which a claim counts as contradicted.
    contradiction_threshold: float | None = None
    #: Check the claims made in a web page's comment thread too.
    check_comments: bool = True
    #: Claim–passage pairs per scorer call.
    batch_size: int = 64
    #: Check every sentence the rule filter keeps, not only those the check-worthiness
    #: model (``sourcecheck.worthiness``) calls claims.
    all_sentences: bool = False
    #: The decision rules (``sourcecheck.verdict``): ``v2`` (the evidence decides) or
    #: ``v1`` (the rules of 0.1.0, for comparison).
    decision: str = "v2"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = {f.name: f for f in fields(Options)}


def _coerce(name: str, value: object, origin: str) -> object:
    default = getattr(Options(), name)
    kind = _FIELDS[name].type
    try:
        if isinstance(value, str):
            if "bool" in str(kind):
                low = value.strip().lower()
                if low not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError(value)
                return low in {"1", "true", "yes", "on"}
            if "int" in str(kind) and "float" not in str(kind):
                return int(value)
            if "float" in str(kind):
                return None if value.strip().lower() in {"", "none", "auto"} else float(value)
            return value
        if value is None or isinstance(value, type(default)):
            return value
        if isinstance(value, int | float) and "float" in str(kind):
            return float(value)
    except ValueError:
        pass
    raise ConfigError(f"{origin}: option {name!r} cannot be {value!r}")


def default_config_path() -> Path:
    if os.environ.get("SOURCECHECK_CONFIG"):
        return Path(os.environ["SOURCECHECK_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sourcecheck" / "config.toml"


def cache_dir() -> Path | None:
    """Where everything cached across runs lives (``store.sqlite``: scores and
    embeddings, :mod:`sourcecheck.store`; ``corpora/``): ``$SOURCECHECK_CACHE_DIR`` (default
    ``$XDG_CACHE_HOME/sourcecheck`` or ``~/.cache/sourcecheck``); None when
    ``SOURCECHECK_CACHE_DIR`` is ``none``, ``off`` or empty."""
    where = os.environ.get("SOURCECHECK_CACHE_DIR")
    if where is not None and where.strip().lower() in ("", "none", "off"):
        return None
    if where:
        return Path(where)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sourcecheck"


def resolve_options(
    overrides: Mapping[str, object] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> tuple[Options, dict[str, str]]:
    """Resolve options through every layer; returns them and each value's origin."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    origins = {name: "default" for name in _FIELDS}
    path = config_path or default_config_path()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: not a valid TOML config file ({exc})") from exc
        table = data.get("check", data)
        for key, value in table.items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise ConfigError(f"{path}: unknown option {key!r}; known: {', '.join(_FIELDS)}")
            values[name] = _coerce(name, value, str(path))
            origins[name] = f"file:{path}"
    for name in _FIELDS:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key], key)
            origins[name] = f"env:{key}"
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in _FIELDS:
            raise ConfigError(f"unknown option {name!r}; known: {', '.join(_FIELDS)}")
        values[name] = _coerce(name, value, "argument")
        origins[name] = "argument"
    options = replace(Options(), **values)  # type: ignore[arg-type]
    _validate(options)
    return options, origins


def _validate(options: Options) -> None:
    for name in ("support_threshold", "partial_threshold", "contradiction_threshold"):
        value = getattr(options, name)
        if value is not None and not 0.0 <= value <= 1.0:
            raise ConfigError(f"option {name!r} must be between 0 and 1 (got {value})")
    for name in ("top_k", "cited_k", "max_evidence", "batch_size"):
        if getattr(options, name) < 1:
            raise ConfigError(f"option {name!r} must be at least 1")
    if options.part_k < 0:
        raise ConfigError(f"option 'part_k' must be 0 (all) or more (got {options.part_k})")
    if options.decision not in DECISIONS:
        raise ConfigError(
            f"option 'decision' cannot be {options.decision!r}; known: {', '.join(DECISIONS)}"
        )
