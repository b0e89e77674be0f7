"""The case page's forms (办理表单): one per case command, its fields read from the command's own model
(domain/commands.py), so a new command gets its form with no page code; the command checks what is typed in, and
the case checks the rules, exactly as over the API."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import ValidationError

from api.words import word
from domain.commands import CASE_COMMANDS, CaseCommand
from domain.errors import DomainError
from domain.vocabulary import Role


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, lines (one item a line), number, checkbox, select
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Form:
    path: str
    title: str  # the command's first line: 转交, with the applicant's consent...
    fields: tuple[Field, ...]
    for_head: bool
    for_bureau: bool


# What usually comes next at each status (办理进程): offered first on the case page; every other action the
# principal's role allows is offered below them. The case, not this list, decides what is allowed.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "received": ("review-opinion", "review-sign-off", "platform-entry", "grant", "refusal", "transfer", "missing-materials-notice"),
    "awaiting_materials": ("materials-supplemented", "withdrawal"),
    "transfer_requested": ("materials-dispatch",),
    "materials_in_transit": ("materials-receipt",),
    "granted": ("appointment",),
    "refused": ("objection",),
    "appointed": ("authority-reply", "closure", "quality-check", "lawyer-change"),
    "closed": ("closing-file", "closing-file-review", "subsidy-payment", "archiving"),
    "terminated": ("objection",),
}


def _field(name: str, annotation: Any, description: str | None, required: bool) -> Field:
    label = f"{description or word(name)} ({name})"
    optional = get_origin(annotation) in (Union, types.UnionType)
    inner = next((a for a in get_args(annotation) if a is not type(None)), annotation) if optional else annotation
    if isinstance(inner, type) and issubclass(inner, Enum):
        return Field(name, label, "select", tuple((m.value, word(m.value)) for m in inner), required)
    if inner is bool:
        return Field(name, label, "checkbox", required=False)
    if inner is int:
        return Field(name, label, "number", required=required)
    if get_origin(inner) is list:
        return Field(name, label + " 每行一项 one a line", "lines", required=required)
    return Field(name, label, "text", required=required and not optional)


def form_of(command: type[CaseCommand]) -> Form:
    fields = tuple(
        _field(name, info.annotation, info.description, info.is_required()) for name, info in command.model_fields.items() if name != "at"
    )
    title = (command.__doc__ or command.name).strip().split("\n")[0]
    return Form(command.path, title, fields, command.acts_as is Role.HEAD, command.bureau)


FORMS = {path: form_of(command) for path, command in CASE_COMMANDS.items()}


def command_from(path: str, data: Mapping[str, Any]) -> CaseCommand:
    """The command a submitted form asks for; what the form's fields cannot be read as is refused (INVALID_FORM)."""
    command = CASE_COMMANDS.get(path)
    if command is None:
        raise DomainError("ACTION_NOT_FOUND", f"没有这项操作：{path} (no such action).")
    values: dict[str, Any] = {}
    for field in FORMS[path].fields:
        raw = data.get(field.name)
        if field.kind == "checkbox":
            values[field.name] = raw is not None
        elif field.kind == "lines":
            values[field.name] = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        elif raw not in (None, ""):
            values[field.name] = raw
    try:
        return command.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise DomainError("INVALID_FORM", f"表单填写有误 (the form is not valid): {problems}") from None
