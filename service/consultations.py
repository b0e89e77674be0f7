"""Consultations (咨询): an institution's staff record the day's consultations in its register of the month and
strike out a line entered wrongly; the counts per institution and day come from the consultations read model
caught up first, a register's lines from its signed records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.actor import Actor
from domain.consultation_commands import RecordConsultations, StrikeConsultationLine
from domain.consultations import ConsultationRegister, month_of, register_stream_id
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.idempotency import IdempotencyStore, RequestKey, RequestOutcome, StoredResponse
from infrastructure.ledger import CaseLedger
from infrastructure.principals import Principal
from projections.registry import ReadModels
from service.cases import Answer, actor_for, once
from service.registers import changed_after_races, find_monthly, until_recorded


def record_consultations(
    ledger: CaseLedger, command: RecordConsultations, actor: Actor, at: datetime, request: RequestKey | None = None
) -> Answer:
    """咨询登记: a line in the actor's register for the month of its day, opened by its first line; the answer
    names the line. With a request key, the answer is stored in the same transaction as the line."""
    line = command.line(at)
    stream = register_stream_id(ledger.policy.city, actor.institution_id, month_of(line.day))
    register = ledger.find(stream, ConsultationRegister)
    register = register or ConsultationRegister.open(actor, at, ledger.policy.city, line.day, ledger.directory())
    number = register.record(actor, at, line)
    answer = StoredResponse(
        201, {"institution": register.institution, "month": register.month, "line": number, "version": register.version}
    )
    ledger.save(register, **({"request_outcome": RequestOutcome(request, answer)} if request else {}))
    return Answer.of(answer)


def strike_line(ledger: CaseLedger, command: StrikeConsultationLine, actor: Actor, at: datetime) -> ConsultationRegister:
    """更正: strike out a line of the actor's own register; a strike that lost a race to another line of the
    register is checked again against the winner (a line struck meanwhile: LINE_ALREADY_STRUCK)."""
    return changed_after_races(
        ledger,
        lambda: get_register(ledger, actor.institution_id, command.month),
        lambda register: register.strike(actor, at, command.line, command.reason),
    )


def get_register(ledger: CaseLedger, institution: str, month: str) -> ConsultationRegister:
    missing = DomainError("REGISTER_NOT_FOUND", f"{institution} 没有 {month} 的咨询登记 (no consultations recorded that month).")
    return find_monthly(ledger, ConsultationRegister, register_stream_id, institution, month, missing)


def register_view(register: ConsultationRegister) -> dict[str, Any]:
    """A register as its signed records say: each line numbered, those struck out marked."""
    lines = [
        {
            "line": n,
            "day": line.day.isoformat(),
            "channel": line.channel.value,
            "topic": line.topic.value,
            "count": line.count,
            "told_how_to_apply": line.told_how_to_apply,
            "struck": n in register.struck,
        }
        for n, line in enumerate(register.lines, 1)
    ]
    return {
        "institution": register.institution,
        "month": register.month,
        "version": register.version,
        "counted": register.counted,
        "lines": lines,
    }


class ConsultationService:
    def __init__(self, models: ReadModels, idempotency: IdempotencyStore) -> None:
        self.models = models
        self.idempotency = idempotency

    def record(self, principal: Principal, command: RecordConsultations, now: datetime, request: RequestKey | None = None) -> Answer:
        """咨询登记, by the principal's institution (staff, its head or the bureau; auditors and finance read), once
        per request key."""
        actor, at = actor_for(principal, Role.STAFF), command.time(now)
        return until_recorded(
            lambda: once(self.idempotency, request, lambda key: record_consultations(self.models.ledger, command, actor, at, key))
        )

    def strike(self, principal: Principal, command: StrikeConsultationLine, now: datetime) -> dict[str, Any]:
        return register_view(strike_line(self.models.ledger, command, actor_for(principal, Role.STAFF), command.time(now)))

    def register(self, institution: str, month: str) -> dict[str, Any]:
        return register_view(get_register(self.models.ledger, institution, month))
