"""Which loader reads which media type.

Built-in loaders are named, not imported, so that ``import sourcecheck.load`` stays
cheap: pypdf, trafilatura and python-docx are imported only when a document of their
format is loaded. Third-party code can :func:`register` more.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sourcecheck.load import sniff
from sourcecheck.load.assemble import Parsed

Loader = Callable[[bytes, str], Parsed]
"""``loader(data, name) -> Parsed``; raises InputError(name, ...) for bad input."""

_BUILTIN: dict[str, str] = {
    sniff.PDF: "sourcecheck.load.pdf:load_pdf",
    sniff.HTML: "sourcecheck.load.html:load_html",
    sniff.DOCX: "sourcecheck.load.docx:load_docx",
    sniff.MARKDOWN: "sourcecheck.load.markdown:load_markdown",
    sniff.TEXT: "sourcecheck.load.text:load_plain_text",
}

_registered: dict[str, Loader] = {}


def register(media_type: str, loader: Loader) -> None:
    """Use ``loader`` for ``media_type`` (replacing a built-in one)."""
    _registered[sniff.normalise_media_type(media_type)] = loader


def media_types() -> tuple[str, ...]:
    """Every media type a loader is known for."""
    return tuple(sorted({*_BUILTIN, *_registered}))


def loader_for(media_type: str) -> Loader | None:
    media_type = sniff.normalise_media_type(media_type)
    if media_type in _registered:
        return _registered[media_type]
    target = _BUILTIN.get(media_type)
    if target is None:
        return None
    module_name, _, attr = target.partition(":")
    loader: Loader = getattr(importlib.import_module(module_name), attr)
    return loader
