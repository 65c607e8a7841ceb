"""The built-in scorer backends, registered exactly as a plug-in would register its own.

Each factory imports its module on use, so ``--model baseline`` never imports torch (nor does
``verifier``, which runs on onnxruntime; ``verifier-bf16`` runs the same model by torch).
"""

from __future__ import annotations

from sourcecheck.errors import ConfigError
from sourcecheck.score.base import Scorer, register


def _no_arg(name: str, arg: str) -> None:
    if arg:
        raise ConfigError(f"model {name!r} takes no argument (got {name}:{arg})")


@register("baseline")
def _baseline(arg: str) -> Scorer:
    _no_arg("baseline", arg)
    from sourcecheck.score.baseline import BaselineScorer

    return BaselineScorer()


@register("verifier")
def _verifier(arg: str) -> Scorer:
    from sourcecheck.score.verifier import VerifierScorer

    # verifier = the model shipped in the package; verifier:PATH = a directory of that format
    return VerifierScorer(arg or None)


@register("verifier-bf16")
def _verifier_bf16(arg: str) -> Scorer:
    from sourcecheck.score.verifier import VerifierScorer

    # the same model, its weights run by PyTorch in bfloat16 (fast on CPUs with AMX)
    return VerifierScorer(arg or None, runtime="torch-bf16")


@register("lexical")
def _lexical(arg: str) -> Scorer:
    _no_arg("lexical", arg)
    from sourcecheck.score.lexical import LexicalScorer

    return LexicalScorer()


@register("hf")
def _hf(arg: str) -> Scorer:
    if not arg:
        raise ConfigError("hf: needs a model id or local path, e.g. hf:./my-nli-model")
    from sourcecheck.score.hf import make_hf_scorer

    return make_hf_scorer(arg)


@register("llm")
def _llm(arg: str) -> Scorer:
    if not arg:
        raise ConfigError("llm: needs a model name served by an OpenAI-compatible server")
    from sourcecheck.score.llm import LLMScorer

    return LLMScorer(arg)
