"""The built-in scorer backends, declared in ``pyproject.toml`` under the
``sourcecheck.scorers`` entry-point group exactly as a third-party package declares its own.

Each factory imports its module on use, so ``--model baseline`` never imports torch (nor does
``verifier``, which runs on onnxruntime; ``verifier-bf16`` runs the same model by torch).
"""

from __future__ import annotations

from sourcecheck.score.base import Scorer
from sourcecheck.score.registry import ScorerPlugin


def _baseline(argument: str) -> Scorer:
    from sourcecheck.score.baseline import BaselineScorer

    return BaselineScorer()


def _verifier(argument: str) -> Scorer:
    from sourcecheck.score.verifier import VerifierScorer

    return VerifierScorer(argument or None)


def _verifier_bf16(argument: str) -> Scorer:
    from sourcecheck.score.verifier import VerifierScorer

    return VerifierScorer(argument or None, runtime="torch-bf16")


def _lexical(argument: str) -> Scorer:
    from sourcecheck.score.lexical import LexicalScorer

    return LexicalScorer()


def _hf(argument: str) -> Scorer:
    from sourcecheck.score.hf import make_hf_scorer

    return make_hf_scorer(argument)


def _llm(argument: str) -> Scorer:
    from sourcecheck.score.llm import LLMScorer

    return LLMScorer(argument)


VERIFIER = ScorerPlugin(
    _verifier,
    argument="PATH",
    summary="the shipped verifier (int8 ONNX); verifier:PATH = a directory of that format",
)
VERIFIER_BF16 = ScorerPlugin(
    _verifier_bf16,
    argument="PATH",
    summary="the same model, its weights run by PyTorch in bfloat16 (fast on CPUs with AMX)",
)
BASELINE = ScorerPlugin(_baseline, summary="the shipped logistic baseline over pair features")
LEXICAL = ScorerPlugin(_lexical, summary="word overlap only: a floor, no model")
HF = ScorerPlugin(
    _hf,
    argument="MODEL",
    argument_required=True,
    argument_help="a model id or local path, e.g. hf:./my-nli-model",
    summary="a Hugging Face NLI or fact-checking model (pip install 'sourcecheck[hf]')",
)
LLM = ScorerPlugin(
    _llm,
    argument="MODEL",
    argument_required=True,
    argument_help="a model name served by an OpenAI-compatible server",
    summary="a model behind an OpenAI-compatible server",
)
