"""sourcecheck as an HTTP service with a web page: ``sourcecheck serve``.

:func:`create_app` builds the FastAPI app over a :class:`~sourcecheck.store.Store`
(SQLite) and a :class:`~sourcecheck.service.runner.CheckService` (a worker pool running
the library's pipeline).
"""

from __future__ import annotations

from sourcecheck.service.app import Settings, create_app

__all__ = ["Settings", "create_app"]
