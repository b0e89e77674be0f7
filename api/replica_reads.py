"""Reads from a hot standby (`tongban serve --read-db URL`, 读写分离): commands go to the primary, every read
(case reads, read models, proofs) to the PostgreSQL streaming replica, unless the asker has just written
something the replica does not show yet (read-your-writes).

A command's answer carries the ledger's position after it: the header `X-Ledger-Position` and a cookie of
the same meaning, which a browser's next page sends back. A read that sends a position is answered from the
replica once every projection there has applied it (the standby replayed the command's records and the
leader's projection of them: the primary commits them in that order), and from the primary otherwise,
which catches its projections up itself. Without a replica every read is the primary's and nothing is added.

Authentication always asks the primary, so a revoked token stops working at once; a read that may write
(the log's consistency proof integrates the log, an audit bundle may sign a checkpoint) is marked
`opt=WRITES` and always goes to the primary.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.http_security import Services
from domain.errors import DomainError

POSITION_HEADER = "X-Ledger-Position"
POSITION_COOKIE = "ledger_position"
WRITES = {"writes": True}  # a GET handler's opt: it may write, so the primary answers it
READS = ("GET", "HEAD")


def _asked_position(request: Request[Any, Any, Any]) -> int:
    """The position the asker has written up to: the header (refused if malformed), else the cookie (ignored if so)."""
    given = request.headers.get(POSITION_HEADER)
    if given is not None:
        if (position := _whole(given.strip())) is None:
            raise DomainError(
                "INVALID_POSITION",
                f"{POSITION_HEADER} 应为命令应答中给出的台账位置（非负整数）"
                f"({POSITION_HEADER} must be the ledger position a command answered with, a whole number; got {given[:40]!r}).",
            )
        return position
    return _whole(request.cookies.get(POSITION_COOKIE, "")) or 0


def _whole(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 18 else None


async def provide_services(request: Request[Any, Any, Any]) -> Services:
    """The primary's services, or the replica's for a read it can answer (the request's log line says which)."""
    primary: Services = request.app.state.services
    replica: Services | None = request.app.state.get("replica")
    if replica is None or request.method not in READS or request.route_handler.opt.get("writes"):
        return primary
    asked = _asked_position(request)
    behind = asked > 0 and await anyio.to_thread.run_sync(replica.models.position) < asked
    request.scope.setdefault("state", {})["read_from"] = "primary" if behind else "replica"
    return primary if behind else replica


def position_after_commands(app: ASGIApp) -> ASGIApp:
    """ASGI middleware (only with a replica): a command that succeeded answers with the ledger's position after it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] in (*READS, "OPTIONS"):
            await app(scope, receive, send)
            return

        async def send_with_position(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                primary: Services = scope["app"].state.services
                position = await anyio.to_thread.run_sync(primary.ledger.recorder.max_notification_id) or 0
                headers = MutableScopeHeaders.from_message(message)
                headers[POSITION_HEADER] = str(position)
                headers.add("Set-Cookie", f"{POSITION_COOKIE}={position}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        await app(scope, receive, send_with_position)

    return middleware
