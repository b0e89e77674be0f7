"""Hostile and malformed requests, on SQLite and PostgreSQL: each is refused at the boundary with an RFC 9457
problem and a stable code, never a 5xx, and leaves the stored events and the read models as they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.actor import SHANGHAI
from infrastructure.ledger import CaseLedger
from tests.http_client import APPLICATION, APPOINTMENT, Api, received
from tests.raw_store import RawStore
from tests.walkthrough import HANDLING, LAWYER

DEEP = "[" * 1000 + "]" * 1000
FUTURE = (datetime.now(SHANGHAI) + timedelta(days=365 * 73)).isoformat(timespec="seconds")  # a time in 2099
CSV = {"Content-Type": "text/csv"}

# (name, method, path, request keyword arguments, expected status, expected code); {case} is a received case
MALFORMED: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "invalid UTF-8 body",
        "POST",
        "/cases",
        {"content": b'{"channel": "\xff\xfe"}', "headers": {"Content-Type": "application/json"}},
        400,
        "MALFORMED_BODY",
    ),
    (
        "JSON that is not JSON",
        "POST",
        "/cases",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        400,
        "MALFORMED_BODY",
    ),
    (
        "JSON nested 1,000 deep",
        "POST",
        "/cases",
        {"content": DEEP.encode(), "headers": {"Content-Type": "application/json"}},
        400,
        "MALFORMED_BODY",
    ),
    (
        "JSON sent as text/plain",
        "POST",
        "/cases",
        {"content": json.dumps(APPLICATION).encode(), "headers": {"Content-Type": "text/plain"}},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    ("a command with no content type", "POST", "/cases/{case}/withdrawal", {"content": b'{"reason": "x"}'}, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (
        "a time at the end of year 9999 west of Greenwich",
        "POST",
        "/cases/{case}/withdrawal",
        {"json": {"reason": "撤回", "at": "9999-12-31T23:00:00-12:00"}},
        422,
        "TIME_OUT_OF_RANGE",
    ),
    ("a time in 2099", "POST", "/cases/{case}/withdrawal", {"json": {"reason": "撤回", "at": FUTURE}}, 422, "TIME_OUT_OF_RANGE"),
    (
        "a time before the case",
        "POST",
        "/cases/{case}/withdrawal",
        {"json": {"reason": "撤回", "at": "2026-03-01T09:00:00+08:00"}},
        422,
        "TIME_BEFORE_PREVIOUS_ACTION",
    ),
    (
        "an income of 10^30 fen",
        "POST",
        "/cases",
        {"json": {**APPLICATION, "hardship": {"basis": "hardship_statement", "household_monthly_income_fen": 10**30, "household_size": 3}}},
        422,
        "INVALID_REQUEST",
    ),
    (
        "a NUL in a name",
        "POST",
        "/cases",
        {"json": {**APPLICATION, "applicant": {**APPLICATION["applicant"], "name": "张\x00三"}}},
        422,
        "INVALID_REQUEST",
    ),
    (
        "a NUL in a payee",
        "POST",
        "/cases/{case}/subsidy-payment",
        {"json": {"kind": "civil_administrative_case", "amount_fen": 150000, "payee": "张律师\x00", "reference": "PAY-1"}},
        422,
        "INVALID_REQUEST",
    ),
    ("a bell and an escape in a summary", "POST", "/cases", {"json": {**APPLICATION, "summary": "\x07\x1b[31m"}}, 422, "INVALID_REQUEST"),
    (
        "a reason for a change of lawyer of 100,000 characters",
        "POST",
        "/cases/{case}/lawyer-change",
        {"json": {"client_choice": LAWYER, "reason": "张" * 100_000}},
        422,
        "INVALID_REQUEST",
    ),
    ("page 10^20", "GET", "/cases?page=100000000000000000000", {}, 422, "INVALID_REQUEST"),
    ("period 0000", "GET", "/cases?period=0000", {}, 422, "INVALID_PERIOD"),
    ("period 9999", "GET", "/ledger?period=9999", {}, 422, "INVALID_PERIOD"),
    ("a NUL in a query", "GET", "/cases?status=received%00", {}, 400, "INVALID_QUERY"),
    ("a NUL in an institution", "GET", "/ledger?institution=baotou%00", {}, 400, "INVALID_QUERY"),
    ("as_of in year 9999", "GET", "/cases/{case}?as_of=9999-12-31T23:00:00-12:00", {}, 422, "TIME_OUT_OF_RANGE"),
    ("a worklist on 9999-12-31", "GET", "/worklist?on=9999-12-31", {}, 422, "DATE_OUT_OF_RANGE"),
    (
        "a body of 2 MB",
        "POST",
        "/cases",
        {"content": b'{"summary": "' + b"x" * 2_000_000 + b'"}', "headers": {"Content-Type": "application/json"}},
        413,
        "BODY_TOO_LARGE",
    ),
    (
        "a UTF-16 statement",
        "POST",
        "/subsidies/reconciliation",
        {"content": "date,reference,payee,amount\n".encode("utf-16"), "headers": CSV},
        400,
        "UNREADABLE_STATEMENT",
    ),
    (
        "a statement that is binary",
        "POST",
        "/subsidies/reconciliation",
        {"content": bytes(range(256)), "headers": CSV},
        400,
        "UNREADABLE_STATEMENT",
    ),
    (
        "an If-Match that is no version",
        "POST",
        "/cases/{case}/withdrawal",
        {"json": {"reason": "x"}, "headers": {"If-Match": "abc"}},
        400,
        "INVALID_IF_MATCH",
    ),
    (
        "an Idempotency-Key of 300 characters",
        "POST",
        "/cases",
        {"json": APPLICATION, "headers": {"Idempotency-Key": "k" * 300}},
        400,
        "INVALID_IDEMPOTENCY_KEY",
    ),
]


@pytest.fixture
def raw(ledger: CaseLedger, database_url: str) -> Iterator[RawStore]:
    store = RawStore(database_url)
    yield store
    store.close()


@pytest.mark.parametrize(("name", "method", "path", "sent", "status", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_request_is_refused_at_the_boundary_and_changes_nothing(
    api: Api,
    raw: RawStore,
    name: str,
    method: str,
    path: str,
    sent: dict[str, Any],
    status: int,
    code: str,
) -> None:
    case_id = received(api)
    who = "kundulun_finance" if "reconciliation" in path else "qingshan_staff" if "lawyer" in path else "kundulun_staff"
    events_before = raw.rows()
    ledger_before = api.get("bureau", "/ledger").json()

    response = api.call(method, who, path.format(case=case_id), **sent)

    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (status, "application/problem+json"), response.text
    problem = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status and problem["title"] and problem["type"]
    assert raw.rows() == events_before
    assert api.get("bureau", "/ledger").json() == ledger_before


def test_a_post_without_a_body_needs_no_content_type(api: Api) -> None:
    signed = api.call("POST", "auditor", "/log/checkpoints")  # no body, no Content-Type, as curl -X POST sends it
    assert signed.status_code == 201, signed.text


def test_no_text_field_of_any_command_takes_a_nul(api: Api, raw: RawStore) -> None:
    """Every text a command takes is refused with a NUL in it: on PostgreSQL one would be stored, signed, and
    then jam every read model that copies it into a text column."""
    case_id = received(api)
    before = raw.rows()
    bodies = {
        "/cases": APPLICATION,
        f"/cases/{case_id}/transfer": {"to_institution": HANDLING, "applicant_consent": True},
        f"/cases/{case_id}/missing-materials-notice": {"items": ["户口簿"]},
        f"/cases/{case_id}/withdrawal": {"reason": "撤回"},
        f"/cases/{case_id}/review-opinion": {"reviewer": "审查员", "opinion": "齐全", "recommendation": "grant"},
        f"/cases/{case_id}/refusal": {"document_number": "1", "reasons": "r", "legal_basis": "b"},
        f"/cases/{case_id}/closure": {"outcome": "调解"},
        f"/cases/{case_id}/subsidy-payment": {"kind": "civil_administrative_case", "amount_fen": 1, "payee": "p", "reference": "r"},
        f"/cases/{case_id}/materials-supplemented": {"items": ["户口簿"]},
        f"/cases/{case_id}/jurisdiction-designation": {"institution_id": HANDLING, "reason": "指定"},
        f"/cases/{case_id}/materials-dispatch": {"method": "courier", "reference": "SF1"},
        f"/cases/{case_id}/platform-entry": {"platform_number": "NMG-1"},
        f"/cases/{case_id}/grant": {"document_number": "1"},
        f"/cases/{case_id}/appointment": APPOINTMENT,
        f"/cases/{case_id}/lawyer-change": {**APPOINTMENT, "reason": "r"},
        f"/cases/{case_id}/termination": {"ground": "deception", "document_number": "1", "facts": "f"},
        f"/cases/{case_id}/objection": {"grounds": "g"},
        f"/cases/{case_id}/objection-decision": {"ruling": "upheld", "reasons": "r"},
        f"/cases/{case_id}/archiving": {"archive_number": "a"},
        f"/cases/{case_id}/above-band-approval": {
            "kind": "civil_administrative_case",
            "amount_fen": 1,
            "ground": "difficult_or_complex",
            "reason": "r",
        },
    }
    tried = 0
    for path, body in bodies.items():
        for field_path in _text_fields(body):
            poisoned = _with(body, field_path, "a\x00b")
            response = api.post("kundulun_staff", path, poisoned)
            assert (response.status_code, response.json()["code"]) == (422, "INVALID_REQUEST"), (path, field_path, response.text)
            tried += 1
    assert tried >= 40
    assert raw.rows() == before


def _text_fields(body: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(body, dict):
        for key, value in body.items():
            yield from _text_fields(value, (*prefix, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from _text_fields(value, (*prefix, index))
    elif isinstance(body, str):
        yield prefix


def _with(body: Any, path: tuple[Any, ...], value: str) -> Any:
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def test_a_failure_nobody_foresaw_is_a_500_problem_whose_request_id_is_in_the_log(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from service import queries

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(queries, "list_cases", broken)
    with caplog.at_level("ERROR", logger="tongban.http"):
        response = api.get("auditor", "/cases", headers={"X-Request-ID": "trace-me-42"})

    assert (response.status_code, response.json()["code"]) == (500, "INTERNAL_ERROR")
    assert response.headers["x-request-id"] == response.json()["request_id"] == "trace-me-42"
    assert "RuntimeError" not in response.text  # the client learns the request id, not the server's internals
    assert any("trace-me-42" in r.getMessage() and r.exc_info for r in caplog.records)


def test_the_request_log_says_the_status_a_refused_token_or_form_was_answered_with(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    """Refusals raised by a middleware (no token, a form without its CSRF token) are logged as answered, not as 500."""
    with caplog.at_level("INFO", logger="tongban.http"):
        no_token = api.client.get("/worklist")
        forged = api.client.post("/app/sign-in", data={"token": "x"})

    assert (no_token.status_code, forged.status_code) == (401, 403)
    lines = [r.getMessage() for r in caplog.records if r.name == "tongban.http"]
    assert any(line.startswith("GET /worklist 401 ") for line in lines), lines
    assert any(line.startswith("POST /app/sign-in 403 ") for line in lines), lines
