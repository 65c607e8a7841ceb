"""The shipped verifier's vocabulary: every served language splits into the pieces e5
splits it into, and every word row is e5's own (the rows were never trained, which is
what lets ``training/extend_vocab.py`` add languages without training)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
from tokenizers import Tokenizer

from sourcecheck.e5 import _decode_blocks, read_e5_file, shared_model

FOLDER = resources.files("sourcecheck").joinpath("data/verifier")
SENTENCES = {
    "en": "The regional council postponed the decision on the ferry contract until spring.",
    "sv": "Kommunfullmäktige sköt upp beslutet om färjeavtalet till våren.",
    "da": "Regionsrådet udskød beslutningen om færgekontrakten til foråret.",
    "nb": "Fylkestinget utsatte vedtaket om fergekontrakten til våren.",
    "fi": "Aluevaltuusto lykkäsi lauttasopimusta koskevan päätöksen kevääseen.",
    "nl": "De provinciale raad stelde het besluit over het veerbootcontract uit tot het voorjaar.",
    "de": "Der Kreistag vertagte die Entscheidung über den Fährvertrag auf das Frühjahr.",
    "fr": "Le conseil régional a reporté la décision sur le contrat du ferry au printemps.",
    "es": "El consejo regional aplazó la decisión sobre el contrato del ferry a la primavera.",
}


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer.from_str(FOLDER.joinpath("tokenizer.json").read_text("utf-8"))


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_served_language_splits_as_e5_splits_it(tokenizer: Tokenizer, language: str) -> None:
    text = SENTENCES[language]
    ours = tokenizer.encode(text, add_special_tokens=False).tokens
    e5 = shared_model().tokenizer.encode(text, add_special_tokens=False).tokens
    # a pruned vocabulary splits a word it lacks into more, smaller pieces
    assert len(ours) <= len(e5) + 1, (ours, e5)


def test_the_word_rows_are_e5s_own(tokenizer: Tokenizer) -> None:
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(FOLDER.joinpath("model.onnx")))
    init = {i.name: i for i in model.graph.initializer}
    name = "inner.bert.embeddings.word_embeddings.weight"
    table = numpy_helper.to_array(init[name + "_quantized"])
    scale = float(numpy_helper.to_array(init[name + "_scale"]))
    zero = int(numpy_helper.to_array(init[name + "_zero_point"]))
    f = read_e5_file()
    index = {p: i for i, (p, _) in enumerate(f.pieces)}
    vocab = json.loads(FOLDER.joinpath("tokenizer.json").read_text("utf-8"))["model"]["vocab"]
    assert table.shape[0] == len(vocab)
    rng = np.random.default_rng(0)
    rows = sorted(rng.choice(len(vocab), 300, replace=False))
    e5_ids = [index[vocab[r][0]] for r in rows]
    blocks = np.asarray(f.raw("emb.word"), dtype=np.uint8).reshape(-1, table.shape[1] // 32, 18)
    theirs = _decode_blocks(blocks[e5_ids]).reshape(len(rows), -1)
    ours = (table[rows].astype(np.float32) - zero) * scale
    assert np.abs(ours - theirs).max() <= scale / 2 + 1e-6
