"""``verifier``: the project's own cross-encoder, shipped in the package, run by onnxruntime.

A model directory (the packaged ``sourcecheck/data/verifier/`` by default, or any directory
of the same format with ``verifier:PATH``) holds:

``model.onnx``
    inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]), output ``logits``
    (float32, [batch, n_labels]).
``tokenizer.json``
    a ``tokenizers`` tokenizer whose post-processor adds the pair template.
``verifier.json``
    ``name`` (``"sourcecheck.verifier"``), ``version``, ``model_id``, ``labels`` (what each
    logit means, in order), ``max_length`` (the window, special tokens included),
    ``pair_order`` (``["passage", "claim"]``: premise first), ``calibration`` (Platt
    scaling of the support and contradiction margins), ``thresholds`` (support, partial,
    contradiction), ``stack`` (null, or a logistic regression over the support margin and
    :mod:`.features`) and ``training`` (what the model was trained on).
``verifier-card.md``
    the model card.

Scores. For a role (support or contradiction) the *margin* of one window is
``logsumexp(logits of that role) - logsumexp(logits of every other label)``; which logit has
which role is read from ``labels``, never assumed. The calibrated probability is
``sigmoid(a * margin + b)`` with the role's Platt ``a`` and ``b``. Where ``stack`` is set,
support is instead ``sigmoid(coef_margin * margin + coef . features + intercept)``, the
features computed for the whole pair exactly as the ``baseline`` scorer computes them.

Long passages are scored in overlapping token windows and aggregated as
:mod:`.windows` describes (maximum over windows, separately for support and contradiction);
``PairScore.truncated`` is set only when the claim itself had to be cut.

The model is loaded once per process (per resolved directory and thread count). The thread
count is ``threads=``, else ``$SOURCECHECK_THREADS``, else every core this process may use.
Windows are sorted by length and run in batches of ``batch_size``, each padded only to its
longest member. The default batch is one window: the shipped model is int8 with *dynamic*
activation quantization, whose scale is taken over the whole input tensor, so in a batch a
pair's score would depend on the other pairs and the padding beside it (measured: up to 0.19
support between batches of 32 and 1 on FRANK pairs), and batching did not make onnxruntime
faster on this 2-core CPU (27.6 vs 30.6 pairs/s at 128 tokens, 10.9 vs 12.4 at 256, one
thread, batch 16 vs 1). A float model batches deterministically: pass ``batch_size``.

``runtime="torch-bf16"`` (the ``verifier-bf16`` backend) runs the same weights through
PyTorch in bfloat16 instead (:mod:`.torch_runtime`), 16 windows a batch by default; the
default runtime, ``onnx``, never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sourcecheck.errors import ConfigError, ModelError, one_line
from sourcecheck.onnxrt import onnx_session, resolve_threads
from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.score.labels import LabelMap, label_map_from_config, margins
from sourcecheck.score.windows import aggregate_windows, plan_windows

if TYPE_CHECKING:
    from sourcecheck.score.features import TextEmbedder

FORMAT_NAME = "sourcecheck.verifier"
FORMAT_VERSIONS = ("1",)
MODEL_FILES = ("model.onnx", "tokenizer.json", "verifier.json")
INSTALL_HINT = "the verifier needs onnxruntime and tokenizers: pip install sourcecheck"
PAIR_ORDERS = (("passage", "claim"), ("claim", "passage"))
_PAD_TOKENS = ("<pad>", "[PAD]", "<PAD>")

FloatArray = npt.NDArray[np.float64]


def default_model_dir() -> Path:
    """The verifier shipped inside the package."""
    return Path(str(resources.files("sourcecheck") / "data" / "verifier"))


# -- verifier.json ------------------------------------------------------------------------


@dataclass(frozen=True)
class Platt:
    """``sigmoid(a * margin + b)``."""

    a: float
    b: float

    def __call__(self, margin: FloatArray) -> FloatArray:
        return _sigmoid(self.a * margin + self.b)


@dataclass(frozen=True)
class Stack:
    """Support as a logistic regression over the support margin and named features."""

    features: tuple[str, ...]
    coef_margin: float
    coef: FloatArray
    intercept: float


@dataclass(frozen=True)
class VerifierConfig:
    """The parsed ``verifier.json``."""

    version: str
    model_id: str
    labels: LabelMap
    max_length: int
    pair_order: tuple[str, str]
    support: Platt
    contradiction: Platt | None
    thresholds: dict[str, float]
    stack: Stack | None
    raw: dict[str, Any]


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))
    return out


def _number(value: object, what: str, where: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(f"{where}: {what} must be a finite number, not {value!r}")
    return float(value)


def _platt(spec: object, what: str, where: Path) -> Platt:
    if not isinstance(spec, dict):
        raise ModelError(f"{where}: calibration.{what} is missing")
    if spec.get("method") != "platt":
        raise ModelError(
            f"{where}: calibration.{what}.method is {spec.get('method')!r}; "
            "this version reads only 'platt'"
        )
    return Platt(
        _number(spec.get("a"), f"calibration.{what}.a", where),
        _number(spec.get("b"), f"calibration.{what}.b", where),
    )


def _stack(spec: object, where: Path) -> Stack | None:
    if spec is None:
        return None
    from sourcecheck.score.features import FEATURE_NAMES

    if not isinstance(spec, dict):
        raise ModelError(f"{where}: stack must be null or an object")
    names = spec.get("features")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ModelError(f"{where}: stack.features must be a list of feature names")
    unknown = [n for n in names if n not in FEATURE_NAMES]
    if unknown:
        raise ModelError(
            f"{where}: stack uses features this version does not compute: {', '.join(unknown)} "
            f"(known: {', '.join(FEATURE_NAMES)})"
        )
    coef = spec.get("coef")
    if not isinstance(coef, list) or len(coef) != len(names):
        raise ModelError(f"{where}: stack.coef must have one value per feature ({len(names)})")
    return Stack(
        features=tuple(names),
        coef_margin=_number(spec.get("coef_margin"), "stack.coef_margin", where),
        coef=np.asarray([_number(c, "stack.coef", where) for c in coef], dtype=np.float64),
        intercept=_number(spec.get("intercept"), "stack.intercept", where),
    )


def read_config(path: Path) -> VerifierConfig:
    """Read and check ``verifier.json``; any problem is a one-line :class:`ModelError`."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("name") != FORMAT_NAME:
        name = raw.get("name") if isinstance(raw, dict) else None
        raise ModelError(f"{path}: not a {FORMAT_NAME} file (name={name!r})")
    version = str(raw.get("version"))
    if version not in FORMAT_VERSIONS:
        raise ModelError(
            f"{path}: format version {version!r}; this sourcecheck reads "
            f"{', '.join(FORMAT_VERSIONS)} (upgrade sourcecheck)"
        )
    labels = raw.get("labels")
    if (
        not isinstance(labels, list)
        or len(labels) < 2
        or any(not isinstance(x, str) for x in labels)
    ):
        raise ModelError(f"{path}: labels must be a list of at least two label names")
    try:
        label_map = label_map_from_config(dict(enumerate(labels)), len(labels), str(path))
    except ConfigError as exc:
        raise ModelError(str(exc)) from exc
    max_length = raw.get("max_length")
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 8:
        raise ModelError(f"{path}: max_length must be a whole number of at least 8")
    order = raw.get("pair_order", ["passage", "claim"])
    pair_order = tuple(order) if isinstance(order, list) else ()
    if pair_order not in PAIR_ORDERS:
        raise ModelError(f'{path}: pair_order must be ["passage", "claim"] or the reverse')
    calibration = raw.get("calibration")
    if not isinstance(calibration, dict):
        raise ModelError(f"{path}: calibration is missing")
    support = _platt(calibration.get("support"), "support", path)
    contradiction = (
        _platt(calibration.get("contradiction"), "contradiction", path)
        if label_map.has_contradiction
        else None
    )
    thresholds = raw.get("thresholds")
    if not isinstance(thresholds, dict):
        raise ModelError(f"{path}: thresholds is missing")
    th = {}
    for key in ("support", "partial", "contradiction"):
        value = _number(thresholds.get(key), f"thresholds.{key}", path)
        if not 0.0 <= value <= 1.0:
            raise ModelError(f"{path}: thresholds.{key} must be between 0 and 1")
        th[key] = value
    return VerifierConfig(
        version=version,
        model_id=str(raw.get("model_id") or "unnamed"),
        labels=label_map,
        max_length=max_length,
        pair_order=(pair_order[0], pair_order[1]),
        support=support,
        contradiction=contradiction,
        thresholds=th,
        stack=_stack(raw.get("stack"), path),
        raw=raw,
    )


# -- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedVerifier:
    """Everything read from one model directory; shared by every scorer on it."""

    directory: Path
    config: VerifierConfig
    session: Any
    tokenizer: Any
    #: SHA-256 of model.onnx.
    sha256: str
    #: SHA-256 over all of MODEL_FILES: it changes when the weights, the tokenizer, the
    #: calibration, the stack or the thresholds change (scores are cached under it).
    fingerprint: str
    input_names: tuple[str, ...]
    pad_id: int
    specials: int
    threads: int
    #: ``onnx`` (onnxruntime runs model.onnx) or ``torch-bf16`` (:mod:`.torch_runtime`).
    runtime: str = "onnx"


_LOADED: dict[tuple[Path, int, str], LoadedVerifier] = {}
_LOAD_LOCK = threading.Lock()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load_verifier(
    directory: str | Path | None = None, threads: int | None = None, runtime: str = "onnx"
) -> LoadedVerifier:
    """Load (once per process) the model directory ``directory`` (the packaged one by
    default) for ``threads`` threads of ``runtime`` (one of ``torch_runtime.RUNTIMES``)."""
    from sourcecheck.score.torch_runtime import RUNTIMES

    if runtime not in RUNTIMES:
        raise ConfigError(f"unknown verifier runtime {runtime!r}; known: {', '.join(RUNTIMES)}")
    packaged = directory is None
    where = default_model_dir() if directory is None else Path(directory).expanduser()
    n_threads = resolve_threads(threads)
    if not where.is_dir():
        if packaged:
            raise ModelError(
                f"the packaged verifier is not installed ({where} is missing); reinstall "
                "sourcecheck, or choose another model (--model baseline)"
            )
        raise ModelError(f"verifier model {str(where)!r}: no such directory")
    key = (where.resolve(), n_threads, runtime)
    with _LOAD_LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _load(key[0], n_threads, runtime)
            _LOADED[key] = loaded
        return loaded


def _load(where: Path, threads: int, runtime: str = "onnx") -> LoadedVerifier:
    missing = [name for name in MODEL_FILES if not (where / name).is_file()]
    if missing:
        raise ModelError(
            f"verifier model {str(where)!r}: missing {', '.join(missing)} "
            f"(a model directory holds {', '.join(MODEL_FILES)})"
        )
    config = read_config(where / "verifier.json")
    try:
        import onnxruntime  # noqa: F401  (only to fail here, with the install hint)
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    try:
        tokenizer = Tokenizer.from_file(str(where / "tokenizer.json"))
    except Exception as exc:  # the tokenizers library raises plain Exception on bad files
        raise ModelError(
            f"{where / 'tokenizer.json'}: not a tokenizer file ({one_line(exc)})"
        ) from exc
    # Windows and padding are done here, not by settings saved in the file.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    model_path = where / "model.onnx"
    if runtime != "onnx":
        from sourcecheck.score.torch_runtime import torch_session

        session: Any = torch_session(model_path, runtime, threads)
    else:
        try:
            session = onnx_session(model_path, threads)
        except Exception as exc:  # onnxruntime's errors share no base class short of Exception
            raise ModelError(
                f"{model_path}: cannot be loaded by onnxruntime ({one_line(exc)})"
            ) from exc
    inputs = (
        tuple(session.input_names)
        if runtime != "onnx"
        else tuple(i.name for i in session.get_inputs())
    )
    unknown = [n for n in inputs if n not in ("input_ids", "attention_mask", "token_type_ids")]
    if unknown or "input_ids" not in inputs:
        raise ModelError(
            f"{model_path}: expected inputs input_ids and attention_mask, found {', '.join(inputs)}"
        )
    outputs = ["logits"] if runtime != "onnx" else [o.name for o in session.get_outputs()]
    if "logits" not in outputs:
        raise ModelError(f"{model_path}: no output named 'logits' (found {', '.join(outputs)})")
    digests = {name: _sha256(where / name) for name in MODEL_FILES}  # each file read once
    pad_id = next((i for t in _PAD_TOKENS if (i := tokenizer.token_to_id(t)) is not None), 0)
    specials = int(tokenizer.num_special_tokens_to_add(True))
    if config.max_length - specials < 2:
        raise ModelError(f"{where / 'verifier.json'}: max_length {config.max_length} is too small")
    return LoadedVerifier(
        directory=where,
        config=config,
        session=session,
        tokenizer=tokenizer,
        sha256=digests["model.onnx"],
        fingerprint=hashlib.sha256(
            "".join(f"{name}:{digests[name]}\n" for name in MODEL_FILES).encode()
        ).hexdigest(),
        input_names=inputs,
        pad_id=int(pad_id),
        specials=specials,
        threads=threads,
        runtime=runtime,
    )


# -- the scorer -----------------------------------------------------------------------------


def _trained_on(training: object) -> dict[str, object] | None:
    """The training sets ``verifier.json`` names: rows per set (``training.sets``), or the
    data files per set (``training.data.files``); the card has the rest."""
    if not isinstance(training, dict):
        return None
    sets = training.get("sets")
    if isinstance(sets, dict):
        return {
            str(name): spec.get("rows") if isinstance(spec, dict) else spec
            for name, spec in sets.items()
        }
    data = training.get("data")
    files = data.get("files") if isinstance(data, dict) else None
    if isinstance(files, dict):
        return {
            str(name): sorted(paths) if isinstance(paths, dict) else paths
            for name, paths in files.items()
        }
    return None


@dataclass(frozen=True)
class _Window:
    """The model input of one window and the pair it belongs to."""

    owner: int
    ids: list[int]


def _native_bf16() -> bool | None:
    from sourcecheck.score.torch_runtime import cpu_has_bf16

    return cpu_has_bf16()


class VerifierScorer(Scorer):
    """The shipped verifier (or another directory of the same format) as a :class:`Scorer`.

    ``directory``: the model directory (default: the packaged one). ``threads``: onnxruntime
    (or torch) threads (default ``$SOURCECHECK_THREADS`` or all cores). ``runtime``: ``onnx``,
    ``torch-bf16`` or ``torch-fp32`` (:mod:`.torch_runtime`). ``batch_size``: windows per
    model call (default 1 for ``onnx``, see the module docstring for why; 16 for the torch
    runtimes). ``overlap``: fraction of a window's passage tokens repeated in the next.
    ``embedder``: for a stacked model's dense features (default: the process-wide one).
    """

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        threads: int | None = None,
        runtime: str = "onnx",
        batch_size: int | None = None,
        overlap: float = 0.25,
        embedder: TextEmbedder | None = None,
    ) -> None:
        if batch_size is None:
            batch_size = 1 if runtime == "onnx" else 16
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
        if not 0.0 <= overlap < 1.0:
            raise ConfigError(f"overlap must be in [0, 1), not {overlap}")
        self.loaded = load_verifier(directory, threads, runtime)
        config = self.loaded.config
        self.runtime = runtime
        self.batch_size = batch_size
        self.overlap = overlap
        self.embedder = embedder
        suffix = {"onnx": "", "torch-bf16": "-bf16"}.get(runtime, "-" + runtime)
        self.name = f"sourcecheck.verifier{suffix}.v{config.version}"
        # The fingerprint keeps apart two directories that share a model_id, and a model
        # whose calibration or stack changed (the score caches are keyed by model_id); the
        # runtime, scores that differ in rounding.
        self.model_id = f"{config.model_id}@{self.loaded.fingerprint[:12]}"
        if runtime != "onnx":
            self.model_id += f"+{runtime}"
        self.max_length = config.max_length
        self.support_threshold = config.thresholds["support"]
        self.partial_threshold = config.thresholds["partial"]
        self.contradiction_threshold = config.thresholds["contradiction"]
        self._cross_map: Any = None
        if config.stack is not None:
            from sourcecheck.score.features import shipped_cross_map

            # The stack was fitted on the shipped pair features, cross map included.
            self._cross_map = shipped_cross_map()

    def describe(self) -> dict[str, object]:
        info = super().describe()
        config = self.loaded.config
        training = config.raw.get("training")
        info.update(
            version=config.version,
            directory=str(self.loaded.directory),
            model_sha256=self.loaded.sha256,
            labels=config.labels.describe(),
            pair_order=list(config.pair_order),
            calibration=config.raw.get("calibration"),
            stack=list(config.stack.features) if config.stack else None,
            windows={"overlap": self.overlap, "aggregate": "max over windows"},
            threads=self.loaded.threads,
            runtime=self.runtime,
            batch_size=self.batch_size,
            native_bf16=_native_bf16() if self.runtime == "torch-bf16" else None,
            trained_on=_trained_on(training),
        )
        return info

    # -- inputs ----------------------------------------------------------------------------

    def windows(self, pairs: Sequence[Pair]) -> tuple[list[_Window], list[bool]]:
        """Model inputs for ``pairs`` (one or more windows each) and, per pair, whether
        the claim had to be cut."""
        loaded = self.loaded
        tok = loaded.tokenizer
        passages = tok.encode_batch([p.passage for p in pairs], add_special_tokens=False)
        claims = tok.encode_batch([p.claim for p in pairs], add_special_tokens=False)
        claim_first = loaded.config.pair_order[0] == "claim"
        out: list[_Window] = []
        truncated: list[bool] = []
        for n, (passage, claim) in enumerate(zip(passages, claims, strict=True)):
            plan = plan_windows(
                len(passage.ids),
                len(claim.ids),
                window=loaded.config.max_length,
                specials=loaded.specials,
                overlap=self.overlap,
            )
            if plan.claim_cut:
                claim.truncate(plan.claim_tokens)
            pieces = [passage]
            if not plan.fits:
                passage.truncate(plan.budget, stride=plan.stride)
                pieces = [passage, *passage.overflowing]
            for piece in pieces:
                first, second = (claim, piece) if claim_first else (piece, claim)
                enc = tok.post_process(first, second, add_special_tokens=True)
                out.append(_Window(n, list(enc.ids)))
            truncated.append(plan.claim_cut)
        return out, truncated

    def logits(self, windows: Sequence[_Window]) -> FloatArray:
        """The model's logits for each window, shortest first in padded batches."""
        loaded = self.loaded
        n_labels = len(loaded.config.labels.roles)
        out = np.zeros((len(windows), n_labels), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            width = max(len(windows[i].ids) for i in chunk)
            ids = np.full((len(chunk), width), loaded.pad_id, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                seq = windows[i].ids
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            try:
                (result,) = loaded.session.run(
                    ["logits"], {k: v for k, v in feeds.items() if k in loaded.input_names}
                )
            except Exception as exc:  # onnxruntime's own error types
                raise ModelError(
                    f"verifier model {str(loaded.directory)!r}: {one_line(exc)}"
                ) from exc
            batch = np.asarray(result, dtype=np.float64)
            if batch.shape != (len(chunk), n_labels):
                raise ModelError(
                    f"verifier model {str(loaded.directory)!r}: logits of shape {batch.shape}, "
                    f"expected ({len(chunk)}, {n_labels}) for the labels in verifier.json"
                )
            out[chunk] = batch
        return out

    # -- scores ----------------------------------------------------------------------------

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        if not pairs:
            return []
        config = self.loaded.config
        windows, truncated = self.windows(pairs)
        owners = np.asarray([w.owner for w in windows], dtype=np.int64)
        support_margin, contradiction_margin = margins(self.logits(windows), config.labels)
        if config.stack is None:
            support = config.support(support_margin)
        else:
            support = _sigmoid(
                config.stack.coef_margin * support_margin + self._stack_terms(pairs)[owners]
            )
        if contradiction_margin is not None and config.contradiction is not None:
            contradiction: list[float | None] = [
                float(c) for c in config.contradiction(contradiction_margin)
            ]
        else:
            contradiction = [None] * len(windows)
        return aggregate_windows(
            len(pairs),
            owners.tolist(),
            [(float(s), c) for s, c in zip(support, contradiction, strict=True)],
            truncated,
            has_contradiction=config.contradiction is not None,
        )

    def _stack_terms(self, pairs: Sequence[Pair]) -> FloatArray:
        """``coef . features + intercept`` per pair (features of the whole pair)."""
        from sourcecheck.score.features import FEATURE_NAMES, pair_features

        stack = self.loaded.config.stack
        if stack is None:
            raise RuntimeError("_stack_terms is only for a stacked model")
        matrix, _ = pair_features(pairs, self.embedder, self._cross_map)
        columns = [FEATURE_NAMES.index(name) for name in stack.features]
        terms: FloatArray = matrix[:, columns] @ stack.coef + stack.intercept
        return terms
