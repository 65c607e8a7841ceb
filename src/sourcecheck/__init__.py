"""sourcecheck: does the source actually say that?"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sourcecheck.pipeline import check, check_documents

__all__ = ["__version__", "check", "check_documents"]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in numpy, bm25s and the embedder: import it on first use only.
    if name in ("check", "check_documents"):
        from sourcecheck import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
