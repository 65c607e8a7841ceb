"""Property test of the API against its own OpenAPI schema (schemathesis): whatever a
client sends that the schema allows, or nearly allows, the service never answers 500,
and every error has the one JSON shape."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from sourcecheck.service import Settings, create_app

# Workers off: the property is about the HTTP layer; created checks stay queued.
app = create_app(
    Settings(data_dir=Path(tempfile.mkdtemp(prefix="sourcecheck-schema-")), start_workers=False)
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert "error" in response.json(), (
            case.method,
            case.path,
            response.status_code,
            response.text[:300],
        )
        error = response.json()["error"]
        assert error["status"] == response.status_code
        assert isinstance(error["message"], str) and error["message"]
