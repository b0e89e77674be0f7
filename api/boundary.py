"""The HTTP boundary: what every request must be before a handler sees it, and the log line each one leaves.

Refused here, with nothing recorded: a query or path with control characters (a NUL would reach a
PostgreSQL text column), a command body that is not `application/json` (415), that is not UTF-8, not
JSON or nested deeper than a command ever is (400). Every response carries an `X-Request-ID`, and every
request is logged with its method, path, status, duration, principal and request id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.web.session import APP
from domain.errors import DomainError
from domain.fields import has_control_characters

log = logging.getLogger("tongban.http")

MAX_JSON_DEPTH = 8  # the deepest command body (a lawyer inside an appointment inside a list) is 3 levels
NON_JSON_BODIES = {"/subsidies/reconciliation"}  # a CSV statement
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Litestar's before_request hook: refuse what no handler should see."""
    for name, value in request.query_params.multi_items():
        if has_control_characters(name) or has_control_characters(value):
            raise DomainError("INVALID_QUERY", f"查询参数 {name!r} 含有控制字符 (a query parameter holds control characters such as NUL).")
    if has_control_characters(request.url.path):
        raise DomainError("INVALID_QUERY", "路径含有控制字符 (the path holds control characters).")
    if request.method != "POST" or request.url.path in NON_JSON_BODIES:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.url.path.startswith(f"{APP}/"):  # the pages' forms (a file, such as a bundle to check, comes as multipart)
        if media_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise DomainError(
                "UNSUPPORTED_MEDIA_TYPE", f"表单须以 application/x-www-form-urlencoded 提交，而不是 {media_type or '无类型'} (forms only)."
            )
        return
    body = await request.body()
    if not body:  # e.g. POST /log/checkpoints: nothing to parse, whatever the type says
        return
    if media_type != "application/json":
        raise DomainError(
            "UNSUPPORTED_MEDIA_TYPE",
            f"命令须以 application/json 发送，而不是 {media_type or '无类型'} (commands take application/json bodies only).",
        )
    _check_json(body)


def _check_json(body: bytes) -> None:
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise DomainError("MALFORMED_BODY", "请求体不是 UTF-8 编码 (the body is not UTF-8).") from None
    except (ValueError, RecursionError) as exc:
        raise DomainError("MALFORMED_BODY", f"请求体不是有效的 JSON (the body is not JSON: {type(exc).__name__}).") from None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise DomainError("MALFORMED_BODY", f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层 (the body nests deeper than {MAX_JSON_DEPTH} levels).")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)


def request_id_of(scope: Scope) -> str:
    state: dict[str, Any] = scope.setdefault("state", {})
    return str(state.get("request_id", "-"))


def request_logging(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: a request id for every request (the client's `X-Request-ID` when it is sane), and
    one log line when the response has been sent."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        except Exception as exc:  # raised by a middleware (no token, no CSRF token): answered outside this one
            from api.problems import status_for  # (api.problems reads request ids from here)

            status = status_for(exc)
            raise
        finally:
            state = scope.get("state", {})
            log.info(
                "%s %s %s %.1fms principal=%s request_id=%s%s",
                scope.get("method", "-"),
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
                state.get("principal_id", "-"),
                request_id,
                f" read_from={state['read_from']}" if "read_from" in state else "",
            )

    return middleware
