"""Which actions a case allows now (现在可办理的操作), so a page offers those and says why it does not offer the others.

Each command is tried on a copy of the case with stand-in values for what a person would type; nothing is recorded.
An action is held back only when the case refuses it with a refusal that turns on the case's state or on who acts,
never on what is typed in (STATE_REFUSALS): such an action is refused whatever the form holds. Any other outcome
offers the action, and the case still decides when the form is sent.
"""

from __future__ import annotations

import copy
import types
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from domain.actor import Actor
from domain.case import Case
from domain.commands import CaseCommand, Context
from domain.errors import DomainError

# Refusals raised before anything typed in is looked at, or about the case alone: each raise site checks the case's
# state, the actor's institution or role, and nothing of the command's fields (domain/guards.py, intake, transfer,
# decision, closing). NOT_CLOSED is left out: a quality check's kind decides it.
STATE_REFUSALS = frozenset(
    {
        "ALREADY_APPOINTED",
        "ALREADY_ARCHIVED",
        "ALREADY_DECIDED",
        "ALREADY_DISPATCHED",
        "ALREADY_ON_PLATFORM",
        "ALREADY_SIGNED_OFF",
        "AUTHORITY_ALREADY_INFORMED",
        "CASE_ARCHIVED",
        "CASE_CLOSED",
        "CASE_TERMINATED",
        "CASE_WITHDRAWN",
        "FILE_ALREADY_REVIEWED",
        "FILE_ALREADY_SUBMITTED",
        "FILE_NOT_REVIEWED",
        "FILE_NOT_SUBMITTED",
        "MATERIALS_OUTSTANDING",
        "NO_MATERIALS_OUTSTANDING",
        "NO_OBJECTION_PENDING",
        "NO_REVIEW",
        "NO_TRANSFER_REQUESTED",
        "NOT_AN_AUTHORITY_NOTICE",
        "NOT_APPOINTED",
        "NOT_BUREAU",
        "NOT_FIRST_RECEIVING_INSTITUTION",
        "NOT_GRANTED",
        "NOT_HANDLING_INSTITUTION",
        "NOT_HEAD",
        "NOT_INVOLVED",
        "NOT_ON_PLATFORM",
        "NOT_READY_TO_ARCHIVE",
        "NOT_SUPERVISING_BUREAU",
        "NOT_TRANSFER_TARGET",
        "NOT_TRANSFERRING_INSTITUTION",
        "NOTHING_IN_TRANSIT",
        "NOTHING_TO_OBJECT_TO",
        "NOTIFIED_DEFENCE_NOT_REVIEWED",
        "OBJECTION_PENDING",
        "ONE_NOTICE_ONLY",
        "REVIEW_NOT_SIGNED_OFF",
        "TRANSFER_PENDING",
    }
)


def refused_now(case: Case, command: type[CaseCommand], actor: Actor, at: datetime, context: Context) -> DomainError | None:
    """Why the case refuses `command` from `actor` at `at` whatever is typed in, or None when it may be taken."""
    try:
        stand_in(command).run(copy.deepcopy(case), actor, at, context)
    except DomainError as refusal:
        return refusal if refusal.code in STATE_REFUSALS else None
    return None


def stand_in(model: type[BaseModel]) -> Any:
    """The model with a plausible value in each field (unvalidated: only `run` reads it); optional fields empty."""
    return model.model_construct(**{name: _value(info.annotation) for name, info in model.model_fields.items() if info.is_required()})


def _value(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        return None
    if get_origin(annotation) is list:
        return [_value(get_args(annotation)[0])]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return stand_in(annotation)
    if annotation is bool:
        return True
    if annotation is int:
        return 1
    if annotation is date:
        return date(2000, 1, 1)
    return "-"  # a text: the pydantic-typed Text and Printable are strings with constraints
