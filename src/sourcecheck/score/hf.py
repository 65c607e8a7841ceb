"""``hf:MODEL``: any Hugging Face sequence-classification NLI or fact-checking model.

MiniCheck-style binary checkers, DeBERTa/RoBERTa MNLI three-way models, single-logit
consistency scorers: the premise is the passage, the hypothesis the claim
(``tokenizer(passage, claim)``), and what each output means is read from the model's own
``config.id2label``, never from a table kept here.

Passages longer than the model's window are not cut: they are scored in overlapping
windows of tokens (the tokenizer's own ``return_overflowing_tokens`` with ``stride``), planned
and aggregated by :mod:`.windows` (the maximum over windows, separately for support and for
contradiction; see there why). ``PairScore.truncated`` is set only when text was really
dropped: a claim so long that it would leave less than half the window for the passage is
cut to that half.

transformers and torch are imported lazily, so ``import sourcecheck`` never needs them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcecheck.errors import ConfigError, ModelError, one_line
from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.score.labels import label_map_from_config
from sourcecheck.score.windows import aggregate_windows, plan_windows

if TYPE_CHECKING:
    import torch

INSTALL_HINT = "the hf: models need transformers and torch: pip install 'sourcecheck[hf]'"

_TRUTHY = {"1", "true", "yes", "on"}
# A tokenizer without a configured limit reports a huge sentinel (VERY_LARGE_INTEGER).
_NO_LIMIT = 10**9


def _offline() -> bool:
    return any(
        os.environ.get(var, "").strip().lower() in _TRUTHY
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", ".\\", "..\\")) or (
        len(model) > 1 and model[1] == ":"  # a Windows drive
    )


def _import_backend() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    return torch, transformers


class HFScorer(Scorer):
    """A Hugging Face sequence-classification model as a verifier.

    ``model``: a hub id or a local directory. ``revision``: branch, tag or commit on the hub.
    ``local_files_only``: None = True when HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE is set or
    ``model`` is a local directory. ``overlap``: fraction of each window's passage tokens
    repeated in the next window. ``max_length``: window override (default: the tokenizer's
    ``model_max_length`` capped by the model's position embeddings).
    """

    name = "sourcecheck.hf.v1"

    def __init__(
        self,
        model: str,
        *,
        revision: str | None = None,
        cache_folder: str | None = None,
        local_files_only: bool | None = None,
        trust_remote_code: bool = False,
        batch_size: int = 16,
        overlap: float = 0.25,
        max_length: int | None = None,
        device: str | None = None,
    ) -> None:
        if not model:
            raise ConfigError("hf: needs a model id or a local directory, e.g. hf:path/to/model")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
        if not 0.0 <= overlap < 1.0:
            raise ConfigError(f"overlap must be in [0, 1), not {overlap}")
        if max_length is not None and max_length < 8:
            raise ConfigError(f"max_length must be at least 8, not {max_length}")
        torch, transformers = _import_backend()
        self._torch = torch

        path = Path(model).expanduser()
        is_local = path.is_dir()
        if not is_local and _looks_like_path(model):
            raise ModelError(f"hf model {model!r}: no such directory")
        if is_local and revision is not None:
            raise ConfigError(
                f"hf model {model!r} is a local directory; a revision (@{revision}) applies "
                "only to models on the hub"
            )
        source = str(path) if is_local else model
        if local_files_only is None:
            local_files_only = is_local or _offline()

        self.model_id = model
        self.revision = revision
        #: The hub commit the files came from (None for a local directory).
        self.commit: str | None = None
        self.batch_size = batch_size
        self.overlap = overlap
        self.local_files_only = local_files_only
        self.trust_remote_code = trust_remote_code
        load_kwargs: dict[str, Any] = {
            "revision": revision,
            "cache_dir": cache_folder,
            "local_files_only": local_files_only,
            "trust_remote_code": trust_remote_code,
        }
        try:
            config = transformers.AutoConfig.from_pretrained(source, **load_kwargs)
        except (OSError, ValueError) as exc:
            if is_local or not local_files_only:
                where = one_line(exc)
            elif _offline():
                where = (
                    "not in the local cache and HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE is set; "
                    "pass a local directory, or go online once to download it"
                )
            else:
                where = "not in the local cache (local_files_only); pass a local directory"
            raise ModelError(f"hf model {model!r}: {where}") from exc
        commit = getattr(config, "_commit_hash", None)
        self.commit = commit if isinstance(commit, str) and not is_local else None
        # Read before loading any weights, so a model we cannot interpret fails fast.
        self.labels = label_map_from_config(
            getattr(config, "id2label", None) or {}, int(config.num_labels), model
        )
        try:
            self._tokenizer: Any = transformers.AutoTokenizer.from_pretrained(source, **load_kwargs)
            self._model: Any = transformers.AutoModelForSequenceClassification.from_pretrained(
                source, config=config, **load_kwargs
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"hf model {model!r}: {one_line(exc)}") from exc

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self._model.to(self.device)
        self._model.eval()
        self._window: int = max_length or self._read_window(config)
        self.max_length = self._window
        self._specials = int(self._tokenizer.num_special_tokens_to_add(pair=True))
        if self._window - self._specials < 2:
            raise ConfigError(
                f"hf model {model!r}: window of {self.max_length} tokens is too small"
            )

    def _read_window(self, config: Any) -> int:
        """The longest input: the tokenizer's limit, capped by the position embeddings."""
        limits = []
        tok_max = getattr(self._tokenizer, "model_max_length", None)
        if isinstance(tok_max, int) and 0 < tok_max < _NO_LIMIT:
            limits.append(tok_max)
        positions = getattr(config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 0:
            # RoBERTa-style embeddings number positions after the padding index; read that from
            # the model itself instead of a list of architectures.
            embeddings = getattr(getattr(self._model, "base_model", None), "embeddings", None)
            pos_emb = getattr(embeddings, "position_embeddings", None)
            padding_idx = getattr(pos_emb, "padding_idx", None)
            offset = padding_idx + 1 if isinstance(padding_idx, int) else 0
            limits.append(positions - offset)
        return min(limits) if limits else 512

    def describe(self) -> dict[str, object]:
        info = super().describe()
        info.update(
            revision=self.revision,
            commit=self.commit,
            labels=self.labels.describe(),
            label_assumption=self.labels.assumption,
            overlap=self.overlap,
            batch_size=self.batch_size,
            device=self.device,
            trust_remote_code=self.trust_remote_code,
        )
        return info

    # -- scoring ---------------------------------------------------------------------------

    def _features(self, pair: Pair) -> tuple[list[dict[str, list[int]]], bool]:
        """Model inputs for one pair (one per window) and whether text was dropped."""
        tok = self._tokenizer
        window = self._window
        claim = pair.claim
        # verbose=False: a passage longer than the window is expected here, not a mistake.
        passage_len = len(tok(pair.passage, add_special_tokens=False, verbose=False)["input_ids"])
        claim_len = len(tok(claim, add_special_tokens=False, verbose=False)["input_ids"])
        if passage_len + claim_len + self._specials <= window:
            enc = tok(pair.passage, claim, truncation=False)
            return [self._keep(enc, None)], False
        if not getattr(tok, "is_fast", False):
            # Slow tokenizers cannot return the overflowing windows of a pair: score the first
            # window only and say so.
            enc = tok(pair.passage, claim, truncation="longest_first", max_length=window)
            return [self._keep(enc, None)], True

        plan = plan_windows(
            passage_len, claim_len, window=window, specials=self._specials, overlap=self.overlap
        )
        if plan.claim_cut:
            # Cut the claim at a token boundary by slicing the original text.
            offsets = tok(
                claim, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )["offset_mapping"]
            claim = claim[: offsets[plan.claim_tokens - 1][1]]
            claim_len = len(tok(claim, add_special_tokens=False, verbose=False)["input_ids"])
        budget = window - self._specials - claim_len
        if budget < 1:
            raise ModelError(f"hf model {self.model_id!r}: claim leaves no room for the passage")
        # The tokenizer requires stride < budget (it panics otherwise).
        stride = min(int(budget * self.overlap), budget - 1)
        enc = tok(
            pair.passage,
            claim,
            truncation="only_first",
            max_length=window,
            stride=stride,
            return_overflowing_tokens=True,
        )
        return [self._keep(enc, i) for i in range(len(enc["input_ids"]))], plan.claim_cut

    def _keep(self, enc: Any, index: int | None) -> dict[str, list[int]]:
        names = getattr(self._tokenizer, "model_input_names", ["input_ids", "attention_mask"])
        return {k: list(enc[k] if index is None else enc[k][index]) for k in names if k in enc}

    def _probabilities(self, logits: torch.Tensor) -> list[tuple[float, float | None]]:
        torch = self._torch
        roles = self.labels.roles
        if len(roles) == 1:
            support = torch.sigmoid(logits[:, 0])
            return [(float(s), None) for s in support.tolist()]
        probs = torch.softmax(logits, dim=-1)
        sup_idx = [i for i, r in enumerate(roles) if r == "support"]
        con_idx = [i for i, r in enumerate(roles) if r == "contradiction"]
        support = probs[:, sup_idx].sum(dim=-1).tolist()
        if not con_idx:
            return [(float(s), None) for s in support]
        contradiction = probs[:, con_idx].sum(dim=-1).tolist()
        return [(float(s), float(c)) for s, c in zip(support, contradiction, strict=True)]

    def score_features(
        self, features: Sequence[dict[str, list[int]]]
    ) -> list[tuple[float, float | None]]:
        """(support, contradiction) for ready-made model inputs, in batches."""
        torch = self._torch
        tok = self._tokenizer
        # Shortest first, so each batch pads little; results are put back in order.
        order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
        can_pad = getattr(tok, "pad_token_id", None) is not None
        step = self.batch_size if can_pad else 1
        out: list[tuple[float, float | None]] = [(math.nan, None)] * len(features)
        with torch.inference_mode():
            for start in range(0, len(order), step):
                chunk = order[start : start + step]
                if can_pad:
                    padded = tok.pad([features[i] for i in chunk], return_tensors="pt")
                else:  # one feature per step: nothing to pad, and pad() would refuse
                    padded = {k: torch.tensor([v]) for k, v in features[chunk[0]].items()}
                batch = {k: v.to(self.device) for k, v in padded.items()}
                try:
                    logits = self._model(**batch).logits.float()
                except RuntimeError as exc:
                    raise ModelError(f"hf model {self.model_id!r}: {one_line(exc)}") from exc
                for i, result in zip(chunk, self._probabilities(logits), strict=True):
                    out[i] = result
        return out

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        features: list[dict[str, list[int]]] = []
        owners: list[int] = []
        truncated: list[bool] = []
        for n, pair in enumerate(pairs):
            feats, cut = self._features(pair)
            features.extend(feats)
            owners.extend([n] * len(feats))
            truncated.append(cut)
        return aggregate_windows(
            len(pairs),
            owners,
            self.score_features(features),
            truncated,
            has_contradiction=self.labels.has_contradiction,
        )


def parse_hf_arg(arg: str) -> tuple[str, str | None]:
    """``path/or/id`` or ``org/model@revision`` -> (model, revision)."""
    arg = arg.strip()
    if not arg:
        raise ConfigError("hf: needs a model id or a local directory, e.g. hf:path/to/model")
    if Path(arg).expanduser().exists() or "@" not in arg:
        return arg, None
    model, _, revision = arg.rpartition("@")
    if not model or not revision:
        raise ConfigError(f"hf:{arg}: expected hf:MODEL or hf:MODEL@REVISION")
    return model, revision


def make_hf_scorer(arg: str) -> HFScorer:
    """Factory for ``--model hf:MODEL[@REVISION]``."""
    model, revision = parse_hf_arg(arg)
    return HFScorer(model, revision=revision)
