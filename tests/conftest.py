"""Shared fixtures: no network, a temp config dir, and small documents built in code."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from sourcecheck.model import Block, Document, Page

# One embedding cache for the whole test session, never the user's ~/.cache.
os.environ["SOURCECHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="sourcecheck-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def load_script(relative: str, name: str) -> ModuleType:
    """A script that is not part of the package (``training/``, ``benchmarks/``) as a
    module named ``name``."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _isolated(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Never read the user's config, never reach a model hub."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("SOURCECHECK_CONFIG", raising=False)
    for key in ("SOURCECHECK_MODEL", "SOURCECHECK_TOP_K"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    yield


def make_document(
    doc_id: str,
    paragraphs: list[list[str]],
    *,
    language: str = "sv",
    sections: list[list[str | None]] | None = None,
) -> Document:
    """A paged document: ``paragraphs[i]`` are the paragraphs of page i+1, joined by blank
    lines; ``sections[i][j]`` is the section number of paragraph j on page i."""
    text = ""
    pages, blocks = [], []
    section_counts: dict[str | None, int] = {}
    for p_i, paras in enumerate(paragraphs):
        page_start = len(text)
        for b_i, para in enumerate(paras):
            if text:
                text += "\n\n"
            start = len(text)
            text += para
            section = sections[p_i][b_i] if sections else None
            section_counts[section] = section_counts.get(section, 0) + 1
            blocks.append(
                Block(
                    "paragraph",
                    start,
                    len(text),
                    page=p_i + 1,
                    section=section,
                    paragraph_in_page=b_i + 1,
                    paragraph_in_section=section_counts[section],
                )
            )
        pages.append(Page(p_i + 1, str(p_i + 1), page_start, len(text)))
    return Document(
        id=doc_id,
        path=f"{doc_id}.pdf",
        media_type="application/pdf",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        language=language,
        pages=tuple(pages),
        blocks=tuple(blocks),
    )
