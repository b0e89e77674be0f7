"""Errors as RFC 9457 problem details: every refusal carries the domain's stable code, a message in Chinese
and English, and the HTTP status its code calls for (422 when none is listed here)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.types import ExceptionHandlersMap

from api.boundary import request_id_of
from domain.errors import DomainError

PROBLEM = "application/problem+json"
log = logging.getLogger("tongban.http")

STATUS_OF = {
    "CASE_NOT_FOUND": 404,
    "APPLICANT_NOT_FOUND": 404,
    "NO_CHECKPOINT": 404,
    "VERSION_CONFLICT": 409,
    "INVALID_IDEMPOTENCY_KEY": 400,
    "INVALID_IF_MATCH": 400,
    "NO_VALID_SIGNING_KEY": 503,
    "NETWORK_BUSY": 503,
    "FOREIGN_KEYSTORE": 503,
    "NETWORK_STREAM_BROKEN": 503,
    "LOG_DAMAGED": 503,
    "NO_LOG_KEY": 503,
    "MALFORMED_BODY": 400,
    "INVALID_QUERY": 400,
    "UNREADABLE_STATEMENT": 400,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "UNAUTHENTICATED": 401,
    **dict.fromkeys(
        (
            "NOT_HANDLING_INSTITUTION",
            "NOT_FIRST_RECEIVING_INSTITUTION",
            "NOT_BUREAU",
            "NOT_HEAD",
            "NOT_TRANSFERRING_INSTITUTION",
            "NOT_TRANSFER_TARGET",
            "NOT_INVOLVED",
            "NOT_A_LEGAL_AID_CENTRE",
            "NOT_YOUR_CASE",
            "ROLE_NOT_ALLOWED",
            "NOT_YOUR_INSTITUTION",
        ),
        403,
    ),
}


def problem(status: int, code: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    titles = {
        400: "Bad request",
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
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
    return Response(body, status_code=status, media_type=PROBLEM)


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    return problem(STATUS_OF.get(exc.code, 422), exc.code, exc.message)


def validation_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    fields = [
        {"field": e.get("key") or e.get("source", ""), "message": e.get("message", "")} for e in (exc.extra or []) if isinstance(e, dict)
    ]
    return problem(
        422,
        "INVALID_REQUEST",
        "请求内容不符合要求 (the request is not valid): " + "; ".join(f"{f['field']}: {f['message']}" for f in fields),
        errors=fields,
    )


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code, chinese = {
        400: ("BAD_REQUEST", "请求有误"),
        401: ("UNAUTHENTICATED", "未认证"),
        403: ("FORBIDDEN", "无权访问"),
        404: ("NOT_FOUND", "没有这个地址"),
        405: ("METHOD_NOT_ALLOWED", "不支持此方法"),
        413: ("BODY_TOO_LARGE", "请求体过大"),
    }.get(exc.status_code, ("HTTP_ERROR", "请求未完成"))
    return problem(exc.status_code, code, f"{chinese} ({exc.detail})")


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    request_id = request_id_of(request.scope)
    log.error("unexpected %s on %s %s, request_id=%s", type(exc).__name__, request.method, request.url.path, request_id, exc_info=exc)
    return problem(
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
