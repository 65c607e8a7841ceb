"""onnxruntime as sourcecheck runs it: how many threads, and a CPU session set up the same
way for the verifier, the embedder, training's checks and the benchmarks."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sourcecheck.errors import ConfigError

THREADS_ENV = "SOURCECHECK_THREADS"


def resolve_threads(threads: int | None = None) -> int:
    """``threads``, else ``$SOURCECHECK_THREADS``, else the cores this process may use."""
    if threads is None:
        text = os.environ.get(THREADS_ENV, "").strip()
        if text:
            try:
                threads = int(text)
            except ValueError:
                raise ConfigError(f"{THREADS_ENV} must be a whole number, not {text!r}") from None
            origin = THREADS_ENV
        else:
            affinity = getattr(os, "sched_getaffinity", None)
            return max(1, len(affinity(0)) if affinity else os.cpu_count() or 1)
    else:
        origin = "threads"
    if threads < 1:
        raise ConfigError(f"{origin} must be at least 1, not {threads}")
    return threads


def onnx_session(
    path: Path | bytes,
    threads: int,
    external: tuple[Sequence[str], Sequence[Any]] | None = None,
) -> Any:
    """An onnxruntime CPU session for ``path`` (or a serialized model) as the verifier runs
    it: ``threads`` intra-op threads that sleep rather than spin between calls, sequential
    execution, all graph optimisations (benchmarks use the same). ``external``: names and
    ``OrtValue``s of initializers the graph leaves out (its weights, supplied from
    memory)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    if external is not None:
        options.add_external_initializers(list(external[0]), list(external[1]))
    # The verifier's and the embedder's sessions take turns on the same cores: a pool
    # that spins after its call steals them from the other (150 batch items on two
    # cores: 54.5-56.4 s with spinning, 46.7-47.7 s without).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    model = path if isinstance(path, bytes) else str(path)
    return ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
