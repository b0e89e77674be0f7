"""Schemathesis against the API's own OpenAPI document: whatever it sends, the server never answers 5xx, and
every answer is one the document declares: its status, its media type, its body's schema and its headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from api.http_app import create_app
from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, response_headers_conformance]


@pytest.fixture
def app_and_token(ledger: CaseLedger, settings: Settings) -> Iterator[tuple[Litestar, str]]:
    token = principal_store(ledger, settings).add("fuzz", "baotou-kundulun", {Role.STAFF, Role.HEAD})[1]
    yield create_app(settings, background=False), token


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_request_makes_the_server_fail_or_answer_what_the_document_does_not_say(app_and_token: tuple[Litestar, str]) -> None:
    app, token = app_and_token
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    failures: list[str] = []
    statuses: list[int] = []
    for operation in schema.get_all_operations():
        assert isinstance(operation, Ok), operation  # the API document itself is valid
        op = operation.ok()

        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def probe(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as failure:  # names each check that failed
                failures.append(f"{op.method.upper()} {op.path}: {response.status_code} {response.text[:200]}: {failure}")

        probe()
    assert failures == []
    assert len(statuses) > 40  # it really called every operation, several times
    assert any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses)
