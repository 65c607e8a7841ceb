"""The service's routes: the web page, and the API over checks (create, follow, read,
delete). Each route reads the :class:`CheckService` the app was built with; the models
are in :mod:`.models`, the worker in :mod:`.runner`."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from sourcecheck import __version__
from sourcecheck.errors import InputError
from sourcecheck.load.fetch import check_url
from sourcecheck.report import (
    report_from_json,
    report_to_claimreview_json,
    report_to_html,
    report_to_markdown,
)
from sourcecheck.service.middleware import PAGE_CSP, TooLarge
from sourcecheck.service.models import (
    ERRORS,
    MAX_SOURCES,
    ApiError,
    CheckCreated,
    CheckList,
    CheckOut,
    CheckRequest,
    DocumentOut,
    Health,
    Progress,
    progress_fraction,
    request_body_schema,
)
from sourcecheck.service.runner import CheckService, Upload, safe_name
from sourcecheck.store import CheckRow

_META_CSP = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
STATIC = files("sourcecheck.service").joinpath("static")

router = APIRouter()


def _service(request: Request) -> CheckService:
    service: CheckService = request.app.state.service
    return service


Service = Annotated[CheckService, Depends(_service)]


def _row_or_404(service: CheckService, check_id: str) -> CheckRow:
    row = service.store.get_check(check_id)
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
    # store.finish writes status, stage "done", the report and its summary together
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
        summary=row.summary if row.status == "done" else None,
        links=_links(row.id),
    )


def _report_text(service: CheckService, check_id: str) -> str:
    row = _row_or_404(service, check_id)
    if row.status == "failed":
        raise ApiError(409, "check_failed", f"check {check_id} failed: {row.error}")
    text = service.store.report(check_id)
    if text is None:
        raise ApiError(409, "not_ready", f"check {check_id} is {row.status}; no report yet")
    return text


# -- pages ---------------------------------------------------------------------------------


@router.get("/", include_in_schema=False)
def index() -> Response:
    html = STATIC.joinpath("index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    if name not in ("app.js", "app.css"):
        raise ApiError(404, "not_found", f"no static file {name!r}")
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(str(STATIC.joinpath(name)), media_type=media)


# -- the API -------------------------------------------------------------------------------


@router.get("/api/health", response_model=Health)
def health(service: Service) -> Health:
    return Health(status="ok", version=__version__, model=service.options.model)


@router.post(
    "/api/checks",
    status_code=202,
    response_model=CheckCreated,
    responses={**ERRORS, 202: {"description": "queued"}},
    openapi_extra={"requestBody": request_body_schema()},
)
async def create_check(request: Request, service: Service) -> JSONResponse:
    """Create a check: multipart (one ``article`` file or ``article_text`` or
    ``article_url``, one or more ``sources`` files and/or ``source_urls``) or JSON
    (:class:`CheckRequest`). Answers 202 with the new check's id."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        article, sources, opts = await _from_json(request)
    elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        article, sources, opts = await _from_form(request)
    else:
        raise ApiError(
            415, "unsupported_media_type", "send multipart/form-data (files) or application/json"
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


def _validated(data: object, *, strict: bool, context: dict[str, str]) -> CheckRequest:
    try:
        return CheckRequest.model_validate(data, strict=strict, context=context)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def _uploads(body: CheckRequest, file: Upload | None, what: str) -> tuple[Upload, list[Upload]]:
    """The article (exactly one of the ways ``what`` lists) and the sources given as URLs."""
    given: list[Upload] = [] if file is None else [file]
    if body.article_text is not None and body.article_text.strip():
        given.append(Upload("pasted-article.txt", data=body.article_text.encode("utf-8")))
    elif body.article_text is not None:
        raise ApiError(400, "empty_document", "article_text: is empty")
    if body.article_url is not None:
        given.append(Upload(body.article_url, url=body.article_url))
    if len(given) != 1:
        raise ApiError(400, "bad_request", f"give exactly one of {what}")
    return given[0], [Upload(u, url=u) for u in body.source_urls]


def _options(body: CheckRequest) -> dict[str, Any]:
    return body.options.model_dump(exclude_none=True) if body.options else {}


async def _from_json(request: Request) -> tuple[Upload, list[Upload], dict[str, Any]]:
    try:
        raw = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "the request body is not valid JSON") from None
    body = _validated(raw, strict=True, context={"body": "json"})
    article, sources = _uploads(body, None, "article_url, article_text")
    return article, sources, _options(body)


async def _from_form(request: Request) -> tuple[Upload, list[Upload], dict[str, Any]]:
    try:
        form = await request.form(max_files=MAX_SOURCES + 1, max_fields=50)
    except TooLarge:
        raise
    except Exception as exc:  # malformed multipart
        raise ApiError(400, "bad_form", f"the form cannot be read ({exc})") from None

    def text(name: str) -> str | None:
        value = form.get(name)
        return value if isinstance(value, str) and value.strip() else None

    file: Upload | None = None
    art = form.get("article")
    if isinstance(art, UploadFile) and (art.filename or art.size):
        file = Upload(safe_name(art.filename or "", "article"), data=await art.read())
    sources: list[Upload] = []
    for i, item in enumerate(form.getlist("sources")):
        if isinstance(item, UploadFile):
            name = safe_name(item.filename or "", f"source-{i + 1}")
            sources.append(Upload(name, data=await item.read()))
        elif isinstance(item, str) and item.strip():
            raise ApiError(400, "bad_request", "sources must be files; use source_urls")
    urls = [
        u.strip()
        for item in form.getlist("source_urls")
        if isinstance(item, str)
        for u in item.splitlines()
        if u.strip()
    ]
    # The form's text fields, in CheckRequest's shape, read by the same model.
    data: dict[str, Any] = {"source_urls": urls}
    if (article_text := text("article_text")) is not None:
        data["article_text"] = article_text
    if (article_url := text("article_url")) is not None:
        data["article_url"] = article_url.strip()
    options = {k: v.strip() for k in ("top_k", "check_comments") if (v := text(k)) is not None}
    if options:
        data["options"] = options
    if not sources and not urls:
        raise ApiError(400, "no_sources", "give at least one source (sources or source_urls)")
    if len(sources) + len(urls) > MAX_SOURCES:
        raise ApiError(400, "too_many_sources", f"at most {MAX_SOURCES} sources per check")
    body = _validated(data, strict=False, context={"body": "form"})
    article, from_urls = _uploads(body, file, "article (file), article_text, article_url")
    return article, sources + from_urls, _options(body)


@router.get("/api/checks", response_model=CheckList, responses=ERRORS)
def list_checks(
    service: Service,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> CheckList:
    """Past and running checks, newest first."""
    rows, total = service.store.list_checks(limit=limit, offset=offset)
    return CheckList(checks=[_out(r) for r in rows], total=total)


@router.get("/api/checks/{check_id}", response_model=CheckOut, responses=ERRORS)
def get_check(check_id: str, service: Service) -> CheckOut:
    """A check's status (queued, running, done, failed) and progress."""
    return _out(_row_or_404(service, check_id))


@router.get(
    "/api/checks/{check_id}/events",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
async def events(check_id: str, service: Service) -> StreamingResponse:
    """Server-sent events: the check's status each time it changes, until it ends."""
    _row_or_404(service, check_id)

    async def stream() -> AsyncIterator[str]:
        last = ""
        while True:
            row = await asyncio.to_thread(service.store.get_check, check_id)
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


@router.get(
    "/api/checks/{check_id}/report.json",
    responses={**ERRORS, 200: {"content": {"application/json": {}}}},
    response_class=Response,
)
def report_json(check_id: str, service: Service) -> Response:
    """The report, schema ``sourcecheck/report/v1`` (the CLI's ``--json``)."""
    return Response(_report_text(service, check_id), media_type="application/json")


@router.get(
    "/api/checks/{check_id}/report.html",
    responses={**ERRORS, 200: {"content": {"text/html": {}}}},
    response_class=Response,
)
def report_html(check_id: str, service: Service) -> Response:
    """The report as a self-contained HTML page (the CLI's ``--html``)."""
    html = report_to_html(report_from_json(_report_text(service, check_id)))
    found = _META_CSP.search(html)
    csp = (found.group(1) if found else "default-src 'none'") + "; frame-ancestors 'self'"
    return Response(html, media_type="text/html", headers={"Content-Security-Policy": csp})


@router.get(
    "/api/checks/{check_id}/report.md",
    responses={**ERRORS, 200: {"content": {"text/markdown": {}}}},
    response_class=Response,
)
def report_md(check_id: str, service: Service) -> Response:
    """The report as Markdown."""
    text = report_to_markdown(report_from_json(_report_text(service, check_id)))
    return Response(text, media_type="text/markdown; charset=utf-8")


@router.get(
    "/api/checks/{check_id}/claimreview.json",
    responses={**ERRORS, 200: {"content": {"application/ld+json": {}}}},
    response_class=Response,
)
def claimreview(check_id: str, service: Service) -> Response:
    """schema.org ClaimReview JSON-LD, one per claim."""
    text = report_to_claimreview_json(report_from_json(_report_text(service, check_id)))
    return Response(text, media_type="application/ld+json")


@router.get("/api/checks/{check_id}/verdicts", responses=ERRORS)
def verdicts(check_id: str, service: Service) -> dict[str, Any]:
    """The verdicts decided so far (written one by one while the check runs)."""
    _row_or_404(service, check_id)
    return {"claims": service.store.verdicts(check_id)}


@router.delete("/api/checks/{check_id}", status_code=204, responses=ERRORS, response_class=Response)
def delete_check(check_id: str, service: Service) -> Response:
    """Delete a check, its verdicts and report (a running check is stopped)."""
    if not service.delete(check_id):
        raise ApiError(404, "not_found", f"no check with id {check_id!r}")
    return Response(status_code=204)
