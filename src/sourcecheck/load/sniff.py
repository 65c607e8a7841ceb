"""Telling a document's format from its bytes first and its name second.

Magic bytes cannot lie about a PDF or a ZIP, whereas a name often does: a "report.pdf"
downloaded from a site that answered with an HTML error page is the classic case, and
the loader says so instead of failing deep inside a PDF parser.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

PDF = "application/pdf"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
ZIP = "application/zip"
BINARY = "application/octet-stream"

SUFFIXES: dict[str, str] = {
    ".pdf": PDF,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".docx": DOCX,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": TEXT,
    ".text": TEXT,
}

ALIASES: dict[str, str] = {
    "application/x-pdf": PDF,
    "application/xhtml+xml": HTML,
    "text/x-markdown": MARKDOWN,
    "text/md": MARKDOWN,
}

# Readable names for "is named .pdf but is not a PDF (looks like ...)".
DESCRIPTIONS: dict[str, str] = {
    PDF: "a PDF",
    HTML: "HTML",
    DOCX: "a Word document",
    MARKDOWN: "Markdown",
    TEXT: "plain text",
    ZIP: "a ZIP archive",
    BINARY: "binary data",
}

_HTML_START = re.compile(
    r"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|title|meta|link|article|main|div|p|section|"
    r"header|nav|h[1-6]|table|ul|ol|span|a|br)\b",
    re.IGNORECASE | re.DOTALL,
)


def normalise_media_type(media_type: str) -> str:
    """``"Text/HTML; charset=utf-8"`` -> ``"text/html"``; known aliases mapped."""
    base = media_type.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def media_type_from_suffix(name: str) -> str | None:
    return SUFFIXES.get(PurePath(name).suffix.lower())


def sniff_content(data: bytes) -> str | None:
    """The media type the bytes themselves prove, or None when they prove nothing."""
    head = data[:1024]
    # The PDF spec lets junk precede the header; readers accept it within the first 1 KiB.
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(data) else ZIP
    if _HTML_START.match(_text_head(data)):
        return HTML
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return BINARY
    return None


def sniff_media_type(data: bytes, name: str) -> str:
    """The media type of ``data``: by content first (PDF and ZIP magic bytes, HTML tags),
    by the suffix of ``name`` second, plain text last.

    One exception to content-first: a ``.md`` file may start with raw HTML (Markdown
    allows it, READMEs do it), so HTML tags do not override that suffix.
    """
    by_content = sniff_content(data)
    by_name = media_type_from_suffix(name)
    if by_content == HTML and by_name == MARKDOWN:
        return MARKDOWN
    if by_content is not None:
        return by_content
    return by_name or TEXT


def _text_head(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff \t\r\n")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated DOCX still starts with PK; call it a DOCX so its loader can say
        # it is damaged rather than "unsupported type".
        return True
