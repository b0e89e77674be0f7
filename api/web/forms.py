"""The case page's forms (办理表单): one per case command, its fields read from the command's own model
(domain/commands.py), so a new command gets its form with no page code; the command checks what is typed in, and
the case checks the rules, exactly as over the API."""

from __future__ import annotations

import types
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from api.words import word
from domain.commands import CASE_COMMANDS, CaseCommand, Command, ReceiveApplication
from domain.errors import DomainError
from domain.vocabulary import Role

C = TypeVar("C", bound=Command)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, lines (one item a line), number, checkbox, select, choices (tick any)
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Form:
    path: str
    title: str  # the command's first line: 转交, with the applicant's consent...
    fields: tuple[Field, ...]
    for_head: bool
    for_bureau: bool


# What usually comes next at each status (办理进程): offered first on the case page, then the other actions the case
# would take now (domain/availability.py). The case, not this list, decides what is allowed.
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


def _fields(model: type[BaseModel], prefix: str = "", group_required: bool = True) -> tuple[Field, ...]:
    """A model's fields as a form's; a nested model (the applicant, the hardship basis) as its fields named
    `applicant.name`, each required only where its group is."""
    fields: list[Field] = []
    for name, info in model.model_fields.items():
        if name == "at":
            continue
        optional = get_origin(info.annotation) in (Union, types.UnionType)
        inner = next((a for a in get_args(info.annotation) if a is not type(None)), info.annotation) if optional else info.annotation
        required = group_required and info.is_required()
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            fields += _fields(inner, f"{prefix}{name}.", required)
        else:
            fields.append(_field(prefix + name, inner, info.description, required and not optional))
    return tuple(fields)


def _field(name: str, inner: Any, description: str | None, required: bool) -> Field:
    label = f"{description or word(name.rsplit('.', 1)[-1])} ({name})"
    if isinstance(inner, type) and issubclass(inner, Enum):
        return Field(name, label, "select", tuple((m.value, word(m.value)) for m in inner), required)
    if get_origin(inner) is list:
        (item,) = get_args(inner)
        if isinstance(item, type) and issubclass(item, Enum):  # key groups: tick those that apply
            return Field(name, label, "choices", tuple((m.value, word(m.value)) for m in item), required=False)
        return Field(name, label + " 每行一项 one a line", "lines", required=required)
    if inner is bool:
        return Field(name, label, "checkbox", required=False)
    if inner is int:
        return Field(name, label, "number", required=required)
    return Field(name, label, "text", required=required)


def form_of(command: type[Command], path: str) -> Form:
    title = (command.__doc__ or path).strip().split("\n")[0]
    acts_as, bureau = getattr(command, "acts_as", None), getattr(command, "bureau", False)
    return Form(path, title, _fields(command), acts_as is Role.HEAD, bureau)


FORMS = {path: form_of(command, path) for path, command in CASE_COMMANDS.items()}
RECEIVE_FORM = form_of(ReceiveApplication, "receive")


def command_from(path: str, data: Any) -> CaseCommand:
    """The command a submitted form asks for; what the form's fields cannot be read as is refused (INVALID_FORM)."""
    command = CASE_COMMANDS.get(path)
    if command is None:
        raise DomainError("ACTION_NOT_FOUND", f"没有这项操作：{path} (no such action).")
    return parsed(command, FORMS[path], data)


def parsed(command: type[C], form: Form, data: Any) -> C:
    """A form's values as the command's model reads them: dotted names nested, an optional group left out when
    none of its fields was filled in."""
    values: dict[str, Any] = {}
    for field in form.fields:
        raw = data.get(field.name)
        if field.kind == "checkbox":
            value: Any = raw is not None
        elif field.kind == "choices":
            value = [str(v) for v in data.getall(field.name, [])]
        elif field.kind == "lines":
            value = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        elif raw in (None, ""):
            continue
        else:
            value = raw
        *groups, name = field.name.split(".")
        target = values
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    for name, group in list(values.items()):  # a nested group with nothing filled in is absent (a notice has no hardship)
        if isinstance(group, dict) and not any(v not in (False, []) for v in group.values()):
            del values[name]
    try:
        return command.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise DomainError("INVALID_FORM", f"表单填写有误 (the form is not valid): {problems}") from None
