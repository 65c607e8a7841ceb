"""The service's request and response models, and its one error shape.

``CheckRequest`` serves both ways of creating a check: a JSON body is validated against it
strictly ("false" is not a number there); a multipart form's text fields are gathered into
the same shape and validated by the same model, leniently (a form sends "3" and "true").
The form's OpenAPI schema is derived from it, not written beside it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

MAX_SOURCES = 20


# -- errors: one shape ---------------------------------------------------------------------


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(status: int, code: str, message: str) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status)


class ApiError(Exception):
    """Raised by a route: answered as ``{"error": {status, code, message}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


#: The error answers every route documents.
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 404, 409, 413, 415, 422)
}


# -- creating a check ----------------------------------------------------------------------


class CheckOptions(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    top_k: int | None = Field(default=None, ge=1, le=100)
    check_comments: bool | None = None


class CheckRequest(BaseModel):
    """Create a check: the article as ``article_url`` or ``article_text`` (or, in a form, an
    ``article`` file), its sources as ``source_urls`` (and, in a form, ``sources`` files),
    and the options. Validate a JSON body with ``context={"body": "json"}``: it has no
    files, so it must give at least one source URL."""

    model_config = ConfigDict(strict=True, extra="forbid")
    article_url: str | None = Field(default=None, max_length=4000)
    article_text: str | None = Field(default=None, max_length=2_000_000)
    source_urls: list[Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=list, max_length=MAX_SOURCES
    )
    options: CheckOptions | None = None

    @model_validator(mode="after")
    def _a_json_body_names_its_sources(self, info: ValidationInfo) -> Self:
        if (info.context or {}).get("body") == "json" and not self.source_urls:
            raise ValueError("source_urls: give at least one source URL")
        return self


#: The form fields that are files, beside ``CheckRequest``'s text fields.
FORM_FILES = {
    "article": {"type": "string", "format": "binary"},
    "sources": {"type": "array", "items": {"type": "string", "format": "binary"}},
}


def multipart_schema() -> dict[str, Any]:
    """The form's schema: ``CheckRequest``'s fields with the options flat and the files."""
    request = CheckRequest.model_json_schema()
    options = CheckOptions.model_json_schema()["properties"]
    fields = {k: v for k, v in request["properties"].items() if k != "options"}
    return {"type": "object", "properties": {**FORM_FILES, **fields, **options}}


def request_body_schema() -> dict[str, Any]:
    """The OpenAPI request body of ``POST /api/checks``: form or JSON."""
    return {
        "content": {
            "multipart/form-data": {"schema": multipart_schema()},
            "application/json": {"schema": CheckRequest.model_json_schema()},
        },
        "required": True,
    }


class CheckCreated(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    links: dict[str, str]


# -- reading checks ------------------------------------------------------------------------


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


class CheckList(BaseModel):
    checks: list[CheckOut]
    total: int


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    model: str
