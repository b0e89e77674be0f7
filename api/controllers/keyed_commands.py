"""The bureau's commands on a thing named by a key in its path (a lawyer by licence number, a complaint by
its number): one POST route per command of a table, its body the command's own model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from inspect import Parameter, Signature
from typing import Any

from litestar import post
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel

from api.http_security import Services, allow
from api.openapi import KEYED
from domain.actor import SHANGHAI
from domain.vocabulary import Role
from infrastructure.principals import Principal

Act = Callable[[Services, Principal, str, Any, datetime], dict[str, Any]]


def keyed_command_routes(resource: str, key: str, commands: Iterable[Any], act: Act, shape: type[BaseModel]) -> list[HTTPRouteHandler]:
    """POST /{resource}/{key}/<command.path> for each command, for the bureau only; each answers the thing as `shape`."""
    return [_route(resource, key, command, act, shape) for command in commands]


def _route(resource: str, key: str, command: Any, act: Act, shape: type[BaseModel]) -> HTTPRouteHandler:
    def handler(data: Any, principal: Principal, services: Services, **path: str) -> BaseModel:
        return shape.model_validate(act(services, principal, path[key], data, datetime.now(SHANGHAI)))

    # Litestar reads the handler's signature: the path key under its own name, the body as the command's model.
    handler.__signature__ = Signature(  # type: ignore[attr-defined]
        [
            Parameter(key, Parameter.KEYWORD_ONLY, annotation=str),
            Parameter("data", Parameter.KEYWORD_ONLY, annotation=command),
            Parameter("principal", Parameter.KEYWORD_ONLY, annotation=Principal),
            Parameter("services", Parameter.KEYWORD_ONLY, annotation=Services),
        ],
        return_annotation=shape,
    )
    handler.__annotations__ = {key: str, "data": command, "principal": Principal, "services": Services, "return": shape}
    singular = resource.removesuffix("s")
    handler.__name__ = f"{singular}_{command.path}"
    return post(
        f"/{resource}/{{{key}:str}}/{command.path}",
        summary=(command.__doc__ or command.path).strip().split("\n")[0] + " (bureau)",
        tags=[resource],
        operation_id=f"{singular}_{command.path}",
        guards=[allow(Role.BUREAU)],
        status_code=200,
        responses=KEYED,
        sync_to_thread=True,
    )(handler)
