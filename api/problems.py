"""Errors as RFC 9457 problem details: every refusal carries the domain's stable code, a message in Chinese
and English, and the HTTP status its code calls for (CODES_BY_STATUS)."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import Enum
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.types import ExceptionHandlersMap

from api.boundary import request_id_of
from domain.errors import DomainError

PROBLEM = "application/problem+json"
log = logging.getLogger("tongban.http")

# Every refusal code the code raises, under the HTTP status it answers with; tests/unit/test_problem_statuses.py
# fails when a code is raised that is not listed here (so none silently becomes 422) or listed but never raised.
CODES_BY_STATUS: dict[int, tuple[str, ...]] = {
    400: (  # the request cannot be read
        "INVALID_IDEMPOTENCY_KEY",
        "INVALID_IF_MATCH",
        "INVALID_POSITION",
        "INVALID_QUERY",
        "MALFORMED_BODY",
        "UNREADABLE_STATEMENT",
    ),
    401: (  # no valid token
        "UNAUTHENTICATED",
    ),
    403: (  # not this principal's to do or see
        "NOT_A_LEGAL_AID_CENTRE",
        "NOT_BUREAU",
        "NOT_COMPETENT_BUREAU",
        "NOT_FIRST_RECEIVING_INSTITUTION",
        "NOT_HANDLING_BUREAU",
        "NOT_HANDLING_INSTITUTION",
        "NOT_HEAD",
        "NOT_INVOLVED",
        "NOT_SUPERVISING_BUREAU",
        "NOT_TRANSFERRING_INSTITUTION",
        "NOT_TRANSFER_TARGET",
        "NOT_YOUR_CASE",
        "NOT_YOUR_INSTITUTION",
        "NOT_YOUR_REGISTER",
        "NOT_YOUR_ROSTER",
        "ROLE_NOT_ALLOWED",
    ),
    404: (  # no such thing
        "ACTION_NOT_FOUND",
        "APPLICANT_NOT_FOUND",
        "CASE_NOT_FOUND",
        "COMPLAINT_NOT_FOUND",
        "LAWYER_NOT_ON_ROLL",
        "LINE_NOT_FOUND",
        "NO_CHECKPOINT",
        "REGISTER_NOT_FOUND",
        "ROSTER_NOT_FOUND",
    ),
    409: (  # the case (or register) changed while the command was being recorded: read again and retry
        "REGISTER_BUSY",
        "VERSION_CONFLICT",
    ),
    412: (  # If-Match named a version the case is no longer at (RFC 9110 13.1.1)
        "PRECONDITION_FAILED",
    ),
    415: (  # a body of another type
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    422: (  # refused by a rule, or a value that is not valid
        "ABOVE_BAND_NOT_APPROVED",
        "ALREADY_APPOINTED",
        "ALREADY_ARCHIVED",
        "ALREADY_DECIDED",
        "ALREADY_ON_DUTY",
        "ALREADY_DISPATCHED",
        "ALREADY_ERASED",
        "APPLICANT_ERASED",
        "ALREADY_ON_PLATFORM",
        "ALREADY_PAID",
        "ALREADY_SIGNED_OFF",
        "AUTHORITY_ALREADY_INFORMED",
        "BAD_CHECKPOINT",
        "BAD_TREE_SIZE",
        "BELOW_BAND",
        "CASE_ARCHIVED",
        "CASE_CLOSED",
        "CASE_TERMINATED",
        "CASE_WITHDRAWN",
        "COMPLAINT_ALREADY_ACCEPTED",
        "COMPLAINT_ALREADY_DECIDED",
        "CONSULTED_IN_FUTURE",
        "CONTROL_CHARACTER",
        "DATE_OUT_OF_RANGE",
        "EXEMPTION_NOT_FOR_MATTER",
        "FILE_ALREADY_REVIEWED",
        "FILE_ALREADY_SUBMITTED",
        "FILE_NOT_REVIEWED",
        "FILE_NOT_SUBMITTED",
        "HARDSHIP_REQUIRED",
        "IDEMPOTENCY_KEY_REUSED",
        "INSTITUTION_EXISTS",
        "INVALID_AMOUNT",
        "INVALID_CALENDAR",
        "INVALID_FORM",
        "INVALID_FORMAT",
        "INVALID_HARDSHIP_STATEMENT",
        "INVALID_INPUT",
        "INVALID_NAME",
        "INVALID_PAGES",
        "INVALID_PERIOD",
        "INVALID_ROOT_KEY",
        "INVALID_SETTING",
        "INVALID_STATEMENT",
        "INVALID_WORKING_DAYS",
        "KEY_ALREADY_REVOKED",
        "KEY_EXISTS",
        "KEY_USED_AFTER_REVOCATION",
        "LAWYER_ALREADY_ON_ROLL",
        "LAWYER_CONFLICT",
        "LAWYER_NOT_ACTIVE",
        "LAWYER_NOT_QUALIFIED",
        "LAWYER_NOT_QUALIFIED_FOR_MINORS",
        "LAWYER_STATUS_UNCHANGED",
        "LAWYER_WRONG_SPECIALTY",
        "LINE_ALREADY_STRUCK",
        "MALFORMED_BUNDLE",
        "MATERIALS_OUTSTANDING",
        "MEASURES_REQUIRED",
        "MISSING_FIELD",
        "MORE_TOLD_THAN_CONSULTED",
        "NOTHING_IN_TRANSIT",
        "NOTHING_TO_OBJECT_TO",
        "NOTICE_DETAILS_REQUIRED",
        "NOTICE_NOT_CRIMINAL",
        "NOTIFIED_DEFENCE_NOT_REVIEWED",
        "NOT_AN_AUTHORITY_NOTICE",
        "NOT_APPOINTED",
        "NOT_A_BUNDLE",
        "NOT_A_CRIMINAL_CASE",
        "NOT_CLOSED",
        "NOT_DEEMED_WITHDRAWN",
        "NOT_ELIGIBLE",
        "NOT_GRANTED",
        "NOT_OF_THIS_CASE",
        "NOT_ON_DUTY",
        "NOT_ON_PLATFORM",
        "NOT_READY_TO_ARCHIVE",
        "NOT_REQUESTED",
        "NOT_THIS_MONTH",
        "NO_APPLICANT_CONSENT",
        "NO_BUREAU",
        "NO_DUTY_STATION",
        "NO_HARDSHIP_REVIEW_ON_NOTICE",
        "NO_LAWYER_ON_DUTY",
        "NO_MATERIALS_OUTSTANDING",
        "NO_MISSING_ITEMS",
        "NO_OBJECTION_PENDING",
        "NO_QUALIFIED_LAWYER",
        "NO_REVIEW",
        "NO_ROLES",
        "NO_TRANSFER_REQUESTED",
        "OBJECTION_PENDING",
        "ONE_NOTICE_ONLY",
        "ON_DUTY_ELSEWHERE",
        "PRACTICE_DATE_IN_FUTURE",
        "PRINCIPAL_ALREADY_REVOKED",
        "PRINCIPAL_EXISTS",
        "RECEIVED_AFTER_ACCEPTANCE",
        "RECORD_NOT_LOGGED",
        "REVIEW_NOT_SIGNED_OFF",
        "SAME_LAWYER",
        "TIME_BEFORE_PREVIOUS_ACTION",
        "TIME_OUT_OF_RANGE",
        "TIME_WITHOUT_ZONE",
        "TRANSFER_PENDING",
        "TRANSFER_TO_SELF",
        "UNKNOWN_DISTRICT",
        "UNKNOWN_EXEMPTION",
        "UNKNOWN_HARDSHIP_BASIS",
        "UNKNOWN_INSTITUTION",
        "UNKNOWN_KEY",
        "UNKNOWN_NOTICE_GROUND",
        "UNKNOWN_POLICY",
        "UNKNOWN_PRINCIPAL",
        "UNKNOWN_PROJECTION",
        "UNKNOWN_ROLE",
        "UNKNOWN_RULE",
        "UNKNOWN_STATION",
        "UNREADABLE_FILE",
        "UNSUPPORTED_DATABASE_URL",
        "WRONG_SUBSIDY_KIND",
        "WRONG_TRANSFER_TARGET",
    ),
    503: (  # the server cannot serve now: its database, keys or log need an operator
        "DATABASE_CORRUPT",
        "DATABASE_UNREACHABLE",
        "DATA_KEY_INVALID",
        "FOREIGN_KEYSTORE",
        "GUARDS_OUTDATED",
        "LAWYER_POOL_UNAVAILABLE",
        "LOG_DAMAGED",
        "MISSING_KEY",
        "MISSING_MASTER_KEY",
        "NETWORK_BUSY",
        "NETWORK_STREAM_BROKEN",
        "NO_LEDGER",
        "NO_LOG_KEY",
        "NO_NETWORK",
        "NO_VALID_SIGNING_KEY",
        "READ_DB_NOT_A_REPLICA",
        "SUPERVISING_BUREAU_NOT_REGISTERED",
        "WRONG_PASSPHRASE",
    ),
}
STATUS_OF = {code: status for status, codes in CODES_BY_STATUS.items() for code in codes}

# Refusals the framework raises (a path no route has, a body too large, a value its parser refuses), as we answer them.
_FRAMEWORK = {
    400: ("BAD_REQUEST", "请求有误"),
    401: ("UNAUTHENTICATED", "未认证"),
    403: ("FORBIDDEN", "无权访问"),
    404: ("NOT_FOUND", "没有这个地址"),
    405: ("METHOD_NOT_ALLOWED", "不支持此方法"),
    413: ("BODY_TOO_LARGE", "请求体过大"),
}
FRAMEWORK_CODES: dict[int, tuple[str, ...]] = {
    **{status: (code,) for status, (code, _) in _FRAMEWORK.items() if code not in STATUS_OF},
    422: ("INVALID_REQUEST",),
    500: ("INTERNAL_ERROR",),
}


def problem(request: Request[Any, Any, Any], status: int, code: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    titles = {
        400: "Bad request",
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        412: "Precondition failed",
        413: "Too large",
        415: "Unsupported media type",
        422: "Refused",
        500: "Internal error",
        503: "Service unavailable",
    }
    body = {
        "type": f"https://tongban.invalid/problems/{code.lower().replace('_', '-')}",
        "title": titles.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    # The request id rides on every answer; a refusal raised by a middleware is answered outside the one that adds it.
    return Response(body, status_code=status, media_type=PROBLEM, headers={"X-Request-ID": request_id_of(request.scope)})


def status_for(exc: Exception) -> int:
    """The status the handlers below answer an exception with (the request log names it too)."""
    if isinstance(exc, DomainError):
        return STATUS_OF.get(exc.code, 422)  # 422: a code raised by a plugin, not by us
    if isinstance(exc, ValidationException):
        return 422
    return exc.status_code if isinstance(exc, HTTPException) else 500


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    return problem(request, status_for(exc), exc.code, exc.message)


def invalid_request(request: Request[Any, Any, Any], exc: ValidationException) -> tuple[str, list[dict[str, str]]]:
    """What a request the framework could not parse got wrong: the reason in words, and each field with its own."""
    fields = [
        {"field": e.get("key") or e.get("source", ""), "message": _with_hint(request, e.get("key"), e.get("message", ""))}
        for e in (exc.extra or [])
        if isinstance(e, dict)
    ]
    return "请求内容不符合要求 (the request is not valid): " + "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    detail, fields = invalid_request(request, exc)
    return problem(request, 422, "INVALID_REQUEST", detail, errors=fields)


def _with_hint(request: Request[Any, Any, Any], key: str | None, message: str) -> str:
    """A value outside a closed vocabulary (format=pdf): say which values there are. A time typed into a URL with its
    offset unencoded (as_of=...T15:03:00+08:00) arrives with a space for the +: say how to write it."""
    parameter = request.route_handler.parsed_fn_signature.parameters.get(key or "")
    if parameter is None:
        return message
    for kind in (parameter.annotation, *(inner.annotation for inner in parameter.inner_types)):
        if isinstance(kind, type) and issubclass(kind, Enum):
            choices = ", ".join(str(member.value) for member in kind)
            return f"{message}; 可选 (one of): {choices}"
        if kind is datetime and " " in request.query_params.get(key or "", ""):
            return f"{message}; URL 中的 + 须写作 %2B (a + in a URL reads as a space: write it as %2B, e.g. +08:00 as %2B08:00)"
    return message


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code, chinese = _FRAMEWORK.get(exc.status_code, ("HTTP_ERROR", "请求未完成"))
    return problem(request, exc.status_code, code, f"{chinese} ({exc.detail})")


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    request_id = request_id_of(request.scope)
    log.error("unexpected %s on %s %s, request_id=%s", type(exc).__name__, request.method, request.url.path, request_id, exc_info=exc)
    return problem(
        request,
        500,
        "INTERNAL_ERROR",
        f"内部错误，未记录任何操作，请求编号 {request_id} (internal error; nothing was recorded; the server log has request {request_id}).",
        request_id=request_id,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error_handler,
    ValidationException: validation_handler,
    NotFoundException: http_error_handler,  # named, or Litestar's own 404 page would answer
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
