"""Property-based tests of every operation in the OpenAPI document (schemathesis over ASGI).

Requests are generated from the schema, valid and invalid ones, plus the schema's examples and
its boundary values; no response may be a server error, and each must match its documented status
codes, media types and (JSON) schemas.

schemathesis runs an application's lifespan again for every operation; loading the knowledge base
37 times would take most of a minute, so the requests go to the app the shared ``api_client``
has already started, through a front whose own lifespan does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from musclekb_api.app import create_app

MAX_EXAMPLES = 25
_target: dict[str, Any] = {"app": create_app()}  # replaced by the started app before any request


async def front(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    await _target["app"](scope, receive, send)


@pytest.fixture(scope="module", autouse=True)
def _started_app(api_client: TestClient) -> Iterator[None]:
    _target["app"] = api_client.app
    yield


@schemathesis.serializer("application/sparql-query")
def _sparql_query(ctx: Any, value: Any) -> dict[str, Any]:
    """A SPARQL query body is the text itself."""
    return {"data": value.encode("utf-8") if isinstance(value, str) else str(value).encode()}


schema = schemathesis.openapi.from_asgi("/openapi.json", front)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
