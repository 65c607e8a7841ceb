"""The HTTP service: a thin FastAPI layer over :class:`CheckService`.

Every error answers with one JSON shape, ``{"error": {"status", "code", "message"}}``;
every response carries a Content-Security-Policy. The web page is static files served
by the same app, with no external resources.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sourcecheck import __version__
from sourcecheck.config import resolve_options
from sourcecheck.errors import InputError
from sourcecheck.load.fetch import FetchPolicy, check_url
from sourcecheck.report import (
    report_from_json,
    report_to_claimreview_json,
    report_to_html,
    report_to_markdown,
)
from sourcecheck.service.runner import CheckService, Upload, safe_name
from sourcecheck.store import CheckRow, Store

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
_META_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
MAX_SOURCES = 20


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


# -- API models (strict: "false" is not an int here) ----------------------------------------


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class CheckOptions(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    top_k: int | None = Field(default=None, ge=1, le=100)
    check_comments: bool | None = None


class CheckFromUrls(BaseModel):
    """Create a check from URLs (and/or pasted article text)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    article_url: str | None = Field(default=None, max_length=4000)
    article_text: str | None = Field(default=None, max_length=2_000_000)
    source_urls: list[Annotated[str, Field(max_length=4000)]] = Field(
        min_length=1, max_length=MAX_SOURCES
    )
    options: CheckOptions | None = None


class Progress(BaseModel):
    stage: str | None
    done: int
    total: int
    claims_done: int
    claims_total: int | None
    fraction: float


#: The share of the progress bar each stage ends at; the stages run in this order, so the
#: bar only moves forward (scoring and checking both count claims, in separate bands).
STAGE_BANDS: dict[str, tuple[float, float]] = {
    "fetch": (0.0, 0.02),
    "load": (0.02, 0.05),
    "index": (0.05, 0.3),
    "score": (0.3, 0.9),
    "check": (0.9, 1.0),
}


def progress_fraction(stage: str | None, done: int, total: int) -> float:
    """How far a running check is, 0..1, from its current stage and that stage's count."""
    if stage == "done":
        return 1.0
    if stage not in STAGE_BANDS:
        return 0.0
    low, high = STAGE_BANDS[stage]
    share = min(done / total, 1.0) if total > 0 else 0.0
    return low + (high - low) * share


class DocumentOut(BaseModel):
    role: Literal["article", "source"]
    name: str
    sha256: str | None
    url: str | None


class CheckOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    created: str
    updated: str
    progress: Progress
    error: str | None
    attempts: int
    documents: list[DocumentOut]
    summary: dict[str, Any] | None
    links: dict[str, str]


class CheckCreated(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    links: dict[str, str]


class CheckList(BaseModel):
    checks: list[CheckOut]
    total: int


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    model: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 404, 409, 413, 415, 422)
}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}}, status_code=status
    )


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# -- the upload limit, enforced before any parsing ---------------------------------------------


class BodyLimit:
    """Answer 413 for a request body over ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._too_large(send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": {
                    "status": 413,
                    "code": "too_large",
                    "message": f"the upload is larger than the {self.limit // (1024 * 1024)} MB "
                    "limit",
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"content-security-policy", API_CSP.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class SecurityHeaders:
    """A Content-Security-Policy (unless the route set its own) and friends on every
    response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in (
                    (b"content-security-policy", API_CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ):
                    if name not in names:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


# -- the app --------------------------------------------------------------------------------


def create_app(settings: Settings) -> FastAPI:
    options, origins = resolve_options(settings.overrides)
    store = Store(settings.data_dir / "sourcecheck.sqlite")
    service = CheckService(
        store,
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
    static = files("sourcecheck.service").joinpath("static")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, "invalid_request", f"{where or 'request'}: {first.get('msg', '')}")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", f"{type(exc).__name__}: {exc}")

    def _row_or_404(check_id: str) -> CheckRow:
        row = store.get_check(check_id)
        if row is None:
            raise ApiError(404, "not_found", f"no check with id {check_id!r}")
        return row

    def _links(check_id: str) -> dict[str, str]:
        base = f"/api/checks/{check_id}"
        return {
            "self": base,
            "events": f"{base}/events",
            "report_json": f"{base}/report.json",
            "report_html": f"{base}/report.html",
            "report_markdown": f"{base}/report.md",
            "claimreview": f"{base}/claimreview.json",
        }

    def _out(row: CheckRow) -> CheckOut:
        summary = None
        if row.status == "done":
            text = store.report(row.id)
            summary = json.loads(text)["summary"] if text else None
        # store.finish writes status and stage "done" together
        fraction = progress_fraction(row.stage, row.done, row.total)
        return CheckOut(
            id=row.id,
            status=row.status,
            created=row.created,
            updated=row.updated,
            progress=Progress(
                stage=row.stage,
                done=row.done,
                total=row.total,
                claims_done=row.claims_done,
                claims_total=row.claims_total,
                fraction=round(fraction, 4),
            ),
            error=row.error,
            attempts=row.attempts,
            documents=[DocumentOut(**d.__dict__) for d in row.documents],
            summary=summary,
            links=_links(row.id),
        )

    def _report_text(check_id: str) -> str:
        row = _row_or_404(check_id)
        if row.status == "failed":
            raise ApiError(409, "check_failed", f"check {check_id} failed: {row.error}")
        text = store.report(check_id)
        if text is None:
            raise ApiError(409, "not_ready", f"check {check_id} is {row.status}; no report yet")
        return text

    # -- pages ------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> Response:
        html = static.joinpath("index.html").read_text(encoding="utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in ("app.js", "app.css"):
            raise ApiError(404, "not_found", f"no static file {name!r}")
        path = static.joinpath(name)
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(str(path), media_type=media)

    # -- API ----------------------------------------------------------------------------
    @app.get("/api/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", version=__version__, model=options.model)

    @app.post(
        "/api/checks",
        status_code=202,
        response_model=CheckCreated,
        responses={
            **_ERRORS,
            202: {"description": "queued"},
        },
        openapi_extra={
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "article": {"type": "string", "format": "binary"},
                                "article_text": {"type": "string"},
                                "article_url": {"type": "string"},
                                "sources": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                },
                                "source_urls": {"type": "array", "items": {"type": "string"}},
                                "top_k": {"type": "integer", "minimum": 1, "maximum": 100},
                                "check_comments": {"type": "boolean"},
                            },
                        }
                    },
                    "application/json": {"schema": CheckFromUrls.model_json_schema()},
                },
                "required": True,
            }
        },
    )
    async def create_check(request: Request) -> JSONResponse:
        """Create a check: multipart (one ``article`` file or ``article_text`` or
        ``article_url``, one or more ``sources`` files and/or ``source_urls``) or JSON
        (:class:`CheckFromUrls`). Answers 202 with the new check's id."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            article, sources, opts = await _from_json(request)
        elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            article, sources, opts = await _from_form(request)
        else:
            raise ApiError(
                415,
                "unsupported_media_type",
                "send multipart/form-data (files) or application/json (URLs)",
            )
        for upload in (article, *sources):
            if upload.url is not None:
                try:  # resolving the host blocks: not on the event loop
                    await asyncio.to_thread(check_url, upload.url, service.fetch_policy)
                except InputError as exc:
                    raise ApiError(400, "bad_url", str(exc)) from None
            elif not upload.data:
                raise ApiError(400, "empty_document", f"{upload.name}: is empty")
        check_id = await asyncio.to_thread(service.submit, article, sources, opts)
        return JSONResponse(
            CheckCreated(id=check_id, status="queued", links=_links(check_id)).model_dump(),
            status_code=202,
            headers={"Location": f"/api/checks/{check_id}"},
        )

    async def _from_json(request: Request) -> tuple[Upload, list[Upload], dict[str, Any]]:
        try:
            raw = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_json", "the request body is not valid JSON") from None
        try:
            body = CheckFromUrls.model_validate(raw)
        except ValueError as exc:
            raise RequestValidationError(getattr(exc, "errors", lambda: [])()) from None
        if (body.article_url is None) == (body.article_text is None):
            raise ApiError(400, "bad_request", "give exactly one of article_url, article_text")
        if body.article_text is not None:
            if not body.article_text.strip():
                raise ApiError(400, "empty_document", "article_text: is empty")
            article = Upload("pasted-article.txt", data=body.article_text.encode("utf-8"))
        else:
            article = Upload(str(body.article_url), url=body.article_url)
        sources = [Upload(u, url=u) for u in body.source_urls]
        opts = body.options.model_dump(exclude_none=True) if body.options else {}
        return article, sources, opts

    async def _from_form(request: Request) -> tuple[Upload, list[Upload], dict[str, Any]]:
        try:
            form = await request.form(max_files=MAX_SOURCES + 1, max_fields=50)
        except _TooLarge:
            raise
        except Exception as exc:  # malformed multipart
            raise ApiError(400, "bad_form", f"the form cannot be read ({exc})") from None
        article: Upload | None = None
        given = 0
        art = form.get("article")
        if isinstance(art, UploadFile) and (art.filename or art.size):
            article = Upload(safe_name(art.filename or "", "article"), data=await art.read())
            given += 1
        text = form.get("article_text")
        if isinstance(text, str) and text.strip():
            article = Upload("pasted-article.txt", data=text.encode("utf-8"))
            given += 1
        url = form.get("article_url")
        if isinstance(url, str) and url.strip():
            article = Upload(url.strip(), url=url.strip())
            given += 1
        if given != 1 or article is None:
            raise ApiError(
                400, "bad_request", "give exactly one of: article (file), article_text, article_url"
            )
        sources: list[Upload] = []
        for i, item in enumerate(form.getlist("sources")):
            if isinstance(item, UploadFile):
                sources.append(
                    Upload(
                        safe_name(item.filename or "", f"source-{i + 1}"), data=await item.read()
                    )
                )
            elif isinstance(item, str) and item.strip():
                raise ApiError(400, "bad_request", "sources must be files; use source_urls")
        for item in form.getlist("source_urls"):
            if isinstance(item, str):
                sources += [Upload(u, url=u) for u in (s.strip() for s in item.splitlines()) if u]
        if not sources:
            raise ApiError(400, "no_sources", "give at least one source (sources or source_urls)")
        if len(sources) > MAX_SOURCES:
            raise ApiError(400, "too_many_sources", f"at most {MAX_SOURCES} sources per check")
        opts: dict[str, Any] = {}
        top_k = form.get("top_k")
        if isinstance(top_k, str) and top_k.strip():
            if not top_k.strip().isdigit() or not 1 <= int(top_k) <= 100:
                raise ApiError(422, "invalid_request", "top_k: must be an integer from 1 to 100")
            opts["top_k"] = int(top_k)
        comments = form.get("check_comments")
        if isinstance(comments, str) and comments.strip():
            if comments.strip().lower() not in ("true", "false"):
                raise ApiError(422, "invalid_request", "check_comments: must be true or false")
            opts["check_comments"] = comments.strip().lower() == "true"
        return article, sources, opts

    @app.get("/api/checks", response_model=CheckList, responses=_ERRORS)
    def list_checks(
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    ) -> CheckList:
        """Past and running checks, newest first."""
        rows, total = store.list_checks(limit=limit, offset=offset)
        return CheckList(checks=[_out(r) for r in rows], total=total)

    @app.get("/api/checks/{check_id}", response_model=CheckOut, responses=_ERRORS)
    def get_check(check_id: str) -> CheckOut:
        """A check's status (queued, running, done, failed) and progress."""
        return _out(_row_or_404(check_id))

    @app.get(
        "/api/checks/{check_id}/events",
        responses={**_ERRORS, 200: {"content": {"text/event-stream": {}}}},
        response_class=StreamingResponse,
    )
    async def events(check_id: str) -> StreamingResponse:
        """Server-sent events: the check's status each time it changes, until it ends."""
        _row_or_404(check_id)

        async def stream() -> AsyncIterator[str]:
            last = ""
            while True:
                row = await asyncio.to_thread(store.get_check, check_id)
                if row is None:
                    yield "event: deleted\ndata: {}\n\n"
                    return
                data = _out(row).model_dump_json()
                if data != last:
                    yield f"data: {data}\n\n"
                    last = data
                if row.status in ("done", "failed"):
                    return
                await asyncio.sleep(0.3)

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get(
        "/api/checks/{check_id}/report.json",
        responses={**_ERRORS, 200: {"content": {"application/json": {}}}},
        response_class=Response,
    )
    def report_json(check_id: str) -> Response:
        """The report, schema ``sourcecheck/report/v1`` (the CLI's ``--json``)."""
        return Response(_report_text(check_id), media_type="application/json")

    @app.get(
        "/api/checks/{check_id}/report.html",
        responses={**_ERRORS, 200: {"content": {"text/html": {}}}},
        response_class=Response,
    )
    def report_html(check_id: str) -> Response:
        """The report as a self-contained HTML page (the CLI's ``--html``)."""
        html = report_to_html(report_from_json(_report_text(check_id)))
        found = _META_CSP.search(html)
        csp = (found.group(1) if found else "default-src 'none'") + "; frame-ancestors 'self'"
        return Response(html, media_type="text/html", headers={"Content-Security-Policy": csp})

    @app.get(
        "/api/checks/{check_id}/report.md",
        responses={**_ERRORS, 200: {"content": {"text/markdown": {}}}},
        response_class=Response,
    )
    def report_md(check_id: str) -> Response:
        """The report as Markdown."""
        text = report_to_markdown(report_from_json(_report_text(check_id)))
        return Response(text, media_type="text/markdown; charset=utf-8")

    @app.get(
        "/api/checks/{check_id}/claimreview.json",
        responses={**_ERRORS, 200: {"content": {"application/ld+json": {}}}},
        response_class=Response,
    )
    def claimreview(check_id: str) -> Response:
        """schema.org ClaimReview JSON-LD, one per claim."""
        text = report_to_claimreview_json(report_from_json(_report_text(check_id)))
        return Response(text, media_type="application/ld+json")

    @app.get("/api/checks/{check_id}/verdicts", responses=_ERRORS)
    def verdicts(check_id: str) -> dict[str, Any]:
        """The verdicts decided so far (written one by one while the check runs)."""
        _row_or_404(check_id)
        return {"claims": store.verdicts(check_id)}

    @app.delete(
        "/api/checks/{check_id}",
        status_code=204,
        responses=_ERRORS,
        response_class=Response,
    )
    def delete_check(check_id: str) -> Response:
        """Delete a check, its verdicts and report (a running check is stopped)."""
        if not service.delete(check_id):
            raise ApiError(404, "not_found", f"no check with id {check_id!r}")
        return Response(status_code=204)

    # Outside the routes: the limit holds before any parsing.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 64 * 1024)
    app.add_middleware(SecurityHeaders)
    return app
