"""The shapes of the API's answers, as the document states them and the handlers return them."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel, Field


class Received(BaseModel):
    """受理 The new case, at version 1."""

    case_id: UUID
    version: int = Field(description="案件版本 The case's version (its ETag)")


class CommandAnswer(BaseModel):
    """办理 A command recorded: the case's new version and the command's name."""

    case_id: UUID
    version: int = Field(description="案件版本 The case's version after the command (its ETag)")
    action: str = Field(description="The command recorded, e.g. grant_aid")


class ConsultationsRecorded(BaseModel):
    """咨询登记 The line written in the institution's register of the month."""

    institution: str
    month: str = Field(description="e.g. 2026-03")
    line: int = Field(description="行号 The line's number in the register (to strike it out)")
    version: int


class Erased(BaseModel):
    """删除个人信息 The applicant's data key destroyed; the cases it sealed."""

    applicant_id: str
    cases: list[UUID]


Shaped = TypeVar("Shaped", Received, CommandAnswer, ConsultationsRecorded)
