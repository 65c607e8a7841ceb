"""Loading documents: PDF, HTML, DOCX, Markdown and plain text into one :class:`Document`.

Every loader produces one canonical ``Document.text``; pages, blocks and links are spans
of it (``text[start:end]``), so whatever a later stage shows a user can be traced back to
the place it came from.

    >>> doc = load_text("3.4 Metod\\n\\nRapporten bygger på inspektioner.")
    >>> [doc.text[b.start:b.end] for b in doc.blocks]
    ['3.4 Metod', 'Rapporten bygger på inspektioner.']
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path, PurePath

from sourcecheck.errors import InputError
from sourcecheck.lang import detect_language, detect_languages
from sourcecheck.load import sniff
from sourcecheck.load.assemble import Parsed
from sourcecheck.load.registry import Loader, loader_for, media_types, register
from sourcecheck.load.sniff import sniff_media_type
from sourcecheck.model import Document

__all__ = [
    "Loader",
    "load_bytes",
    "load_document",
    "load_text",
    "media_types",
    "register",
    "sniff_media_type",
]

# Enough text for a confident language guess; lang.detect_language looks at 4000 chars.
_LANGUAGE_SAMPLE = 4000


def load_document(
    path: str | os.PathLike[str], *, doc_id: str | None = None, media_type: str | None = None
) -> Document:
    """Load the file at ``path``. ``Document.id`` defaults to the file's stem.

    ``media_type`` overrides sniffing. Raises InputError (naming the file) for a missing
    file, a directory, an unreadable, empty, damaged or text-less document.
    """
    name = os.fspath(path)
    p = Path(name)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, not a document")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    return load_bytes(data, name=name, media_type=media_type, doc_id=doc_id)


def load_bytes(
    data: bytes, *, name: str, media_type: str | None = None, doc_id: str | None = None
) -> Document:
    """Load a document from memory (standard input, an HTTP upload).

    ``name`` is used in error messages and as ``Document.path``; its suffix helps tell
    the format when the content does not.
    """
    if not data:
        raise InputError(name, "is empty")
    kind = sniff.normalise_media_type(media_type) if media_type else _sniff_checked(data, name)
    loader = loader_for(kind)
    if loader is None:
        what = sniff.DESCRIPTIONS.get(kind, kind)
        raise InputError(
            name,
            f"is {what}, which sourcecheck cannot read "
            "(it reads PDF, HTML, DOCX, Markdown and plain text)",
        )
    parsed = loader(data, name)
    if not parsed.text.strip():
        raise InputError(name, "contains no text")
    languages = detect_languages([c.text for c in parsed.comments])
    comments = tuple(
        replace(c, language=lang) for c, lang in zip(parsed.comments, languages, strict=True)
    )
    return Document(
        id=doc_id or PurePath(name).stem or name,
        path=name,
        media_type=kind,
        text=parsed.text,
        sha256=hashlib.sha256(data).hexdigest(),
        language=detect_language(_language_sample(parsed)),
        title=parsed.title,
        pages=parsed.pages,
        blocks=parsed.blocks,
        links=parsed.links,
        comments=comments,
        warnings=parsed.warnings,
    )


def load_text(text: str, *, name: str = "<stdin>", media_type: str = "text/plain") -> Document:
    """Load a document given as a string (its UTF-8 bytes are what ``sha256`` hashes)."""
    return load_bytes(text.encode("utf-8"), name=name, media_type=media_type)


def _sniff_checked(data: bytes, name: str) -> str:
    """Sniff, and refuse a file whose name promises a binary format its bytes are not."""
    promised = sniff.media_type_from_suffix(name)
    if promised in (sniff.PDF, sniff.DOCX):
        content = sniff.sniff_content(data) or sniff.TEXT
        if content != promised:
            suffix = PurePath(name).suffix.lower()
            raise InputError(
                name,
                f"is named {suffix} but is not {sniff.DESCRIPTIONS[promised]} "
                f"(looks like {sniff.DESCRIPTIONS.get(content, content)})",
            )
    kind = sniff_media_type(data, name)
    # Unknown bytes get the text loader's verdict: it reads UTF-16 without a byte-order
    # mark, and says "looks like binary data, not text" for the rest.
    return sniff.TEXT if kind == sniff.BINARY else kind


def _language_sample(parsed: Parsed) -> str:
    """Body paragraphs rather than the first 4000 characters: a cover page, a table of
    contents or a run of headings says less about the language than the prose."""
    pieces: list[str] = []
    size = 0
    for block in parsed.blocks:
        if block.kind != "paragraph":
            continue
        piece = parsed.text[block.start : block.end]
        pieces.append(piece)
        size += len(piece) + 1
        if size >= _LANGUAGE_SAMPLE:
            break
    return "\n".join(pieces) if size >= 200 else parsed.text
