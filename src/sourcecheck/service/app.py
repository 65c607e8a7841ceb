"""The HTTP service: a thin FastAPI layer over :class:`CheckService`.

:func:`create_app` puts the pieces together: the store and the worker pool
(:mod:`.runner`), the routes (:mod:`.routes`), the request and response models
(:mod:`.models`), the upload limit and security headers (:mod:`.middleware`). Every error
answers with one JSON shape, ``{"error": {"status", "code", "message"}}``; an unexpected
one answers 500 with an id to look up in the server's log, never the exception's text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sourcecheck import __version__
from sourcecheck.config import resolve_options
from sourcecheck.load.fetch import FetchPolicy
from sourcecheck.service.middleware import BodyLimit, SecurityHeaders
from sourcecheck.service.models import ApiError, error_response
from sourcecheck.service.routes import router
from sourcecheck.service.runner import CheckService
from sourcecheck.store import Store

log = logging.getLogger("sourcecheck.service")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    workers: int = 2
    max_upload_bytes: int = 50 * 1024 * 1024
    allow_private_urls: bool = False
    fetch_timeout: float = 20.0
    #: Option overrides for every check (e.g. the model), as the CLI's flags would give.
    overrides: dict[str, object] | None = None
    start_workers: bool = True


def create_app(settings: Settings) -> FastAPI:
    options, origins = resolve_options(settings.overrides)
    service = CheckService(
        Store(settings.data_dir / "sourcecheck.sqlite"),
        options,
        origins,
        workers=settings.workers,
        fetch_policy=FetchPolicy(
            max_bytes=settings.max_upload_bytes,
            timeout=settings.fetch_timeout,
            allow_private=settings.allow_private_urls,
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.start_workers:
            service.start()
        yield
        service.stop(wait=False)

    app = FastAPI(
        title="sourcecheck",
        version=__version__,
        description="Does the source actually say that? Check an article's claims against "
        "the sources it cites. Create a check, follow its progress, read its report.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    app.include_router(router)
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)
    # Outside the routes: the limit holds before any parsing.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 64 * 1024)
    app.add_middleware(SecurityHeaders)
    return app


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return error_response(exc.status_code, "http_error", str(exc.detail))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return error_response(422, "invalid_request", f"{where or 'request'}: {first.get('msg', '')}")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    log.error(
        "internal error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc
    )
    return error_response(
        500, "internal_error", f"internal error {error_id}: the server's log has the details"
    )
