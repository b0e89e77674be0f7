"""Commands (办理): receiving an application, one endpoint per case command of domain/commands.py, and
erasing an applicant's personal data.

Commands are idempotent with an `Idempotency-Key` header and take `If-Match: "<version>"` for optimistic
concurrency (412 PRECONDITION_FAILED when the case is no longer at that version; without If-Match, a command
that lost a race to another is 409 VERSION_CONFLICT); the answer carries the case's new version as its ETag.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel, Field

from api.http_security import Services, allow
from api.openapi import COMMAND, ETAG, KEYED, REPLAYED, IdempotencyKey, IfMatch
from api.responses import CommandAnswer, Erased, Shaped
from domain.actor import SHANGHAI
from domain.commands import CASE_COMMANDS, CaseCommand
from domain.errors import DomainError
from domain.fields import Printable
from domain.vocabulary import Role
from infrastructure.idempotency import RequestKey, request_fingerprint
from infrastructure.principals import Principal
from service.cases import Answer


def expected_version(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise DomainError("INVALID_IF_MATCH", 'If-Match 应为案件版本号，如 "7" (If-Match must be a case version, e.g. "7").') from None


def request_key(request: Request[Any, Any, Any], principal: Principal, command: BaseModel, key: str | None) -> RequestKey | None:
    """The request's Idempotency-Key, bound to who sent it and what they asked (the key reused for another
    request is refused)."""
    if key is None:
        return None
    body = command.model_dump_json().encode()
    fingerprint = request_fingerprint(request.method, request.url.path + "|" + request.headers.get("if-match", ""), body)
    return RequestKey(principal.principal_id, key, fingerprint)


def answer(result: Answer, shape: type[Shaped]) -> Response[Shaped]:
    """The command's answer in its documented shape, its version as the ETag."""
    headers = {"ETag": f'"{result.body["version"]}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(shape.model_validate(result.body), status_code=result.status, headers=headers)


class Erasure(BaseModel):
    reason: Printable = Field(
        min_length=1,
        max_length=2000,
        description="删除理由 Why the applicant's personal data is erased, e.g. 依《个人信息保护法》第四十七条请求删除",
    )


class ApplicantController(Controller):
    path = "/applicants"
    tags = ("commands",)

    @post(
        "/{applicant_id:str}/erasure",
        summary="删除个人信息 Erase an applicant's personal data (bureau only)",
        status_code=200,
        responses=KEYED,
        guards=[allow(Role.BUREAU)],
        sync_to_thread=True,
    )
    def erase_personal_data(self, applicant_id: str, data: Erasure, principal: Principal, services: Services) -> Erased:
        cases = services.cases.erase_personal_data(principal, applicant_id, data.reason, datetime.now(SHANGHAI))
        return Erased(applicant_id=applicant_id, cases=cases)


def case_command_handlers() -> list[HTTPRouteHandler]:
    """POST /cases/{case_id}/<path> for each command of the table, its body the command's own model."""
    return [_handler(command) for command in CASE_COMMANDS.values()]


def _handler(command: type[CaseCommand]) -> HTTPRouteHandler:
    def handler(
        request: Request[Any, Any, Any],
        case_id: UUID,
        data: CaseCommand,
        principal: Principal,
        services: Services,
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CommandAnswer]:
        result = services.cases.act(
            principal,
            case_id,
            data,
            datetime.now(SHANGHAI),
            expected_version=expected_version(if_match),
            request=request_key(request, principal, data, idempotency_key),
        )
        return answer(result, CommandAnswer)

    description = (command.__doc__ or command.name).strip()
    handler.__name__ = f"case_{command.name}"
    handler.__doc__ = description
    handler.__annotations__ = {**handler.__annotations__, "data": command}  # the body is documented and parsed as this command
    return post(
        f"/cases/{{case_id:uuid}}/{command.path}",
        summary=description.split("\n")[0],
        tags=["commands"],
        operation_id=f"case_{command.name}",
        status_code=200,
        responses=COMMAND,
        response_headers=[ETAG, REPLAYED],
        sync_to_thread=True,
    )(handler)
