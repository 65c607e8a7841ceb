"""The small models shipped as JSON in ``sourcecheck/data/`` (check-worthiness, stance),
read from the package or from a path the caller gives."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

from sourcecheck.errors import ModelError

M = TypeVar("M")


def load_json_model(
    path: str | None, packaged: str, what: str, build: Callable[[dict[str, Any]], M]
) -> tuple[M, str]:
    """``build`` over the JSON of ``path``, or of ``data/<packaged>`` in the package when
    ``path`` is None; returns the model and where it was read (for later messages). A file
    that cannot be read, is not JSON, lacks a field or holds a value ``build`` refuses
    (``ValueError``, ``KeyError``, ``TypeError``) is one :class:`ModelError`:
    "WHERE: not a WHAT (PROBLEM)"."""
    where = path or f"sourcecheck/data/{packaged}"
    try:
        if path is None:
            text = resources.files("sourcecheck").joinpath(f"data/{packaged}").read_text("utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        return build(json.loads(text)), where
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ModelError(f"{where}: not a {what} ({problem})") from None
