"""Complaints (投诉): the bureaus accept, investigate and decide them; the bureau and auditors read them.

Commands are the bureau's (domain/complaint_commands.py), signed by the bureau that acts; the list and
each complaint's figures come from the complaints read model caught up first, its findings from its
signed records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.complaint_commands import AcceptComplaint, ComplaintCommand
from infrastructure.principals import Principal
from projections.complaints import list_complaints
from projections.registry import ReadModels
from service.cases import bureau_actor


class ComplaintService:
    def __init__(self, models: ReadModels) -> None:
        self.models = models

    def accept(self, principal: Principal, command: AcceptComplaint, now: datetime) -> dict[str, Any]:
        """受理投诉 (a justice bureau)."""
        complaint = self.models.ledger.accept_complaint(command, bureau_actor(principal), command.time(now))
        return self.complaint(complaint.number)

    def act(self, principal: Principal, number: str, command: ComplaintCommand, now: datetime) -> dict[str, Any]:
        self.models.ledger.act_on_complaint(number, command, bureau_actor(principal), command.time(now))
        return self.complaint(number)

    def complaint(self, number: str) -> dict[str, Any]:
        """One complaint: the read model's row, with the findings and version from its signed records."""
        complaint = self.models.ledger.get_complaint(number)  # COMPLAINT_NOT_FOUND
        (row,) = self._rows(number=number)
        return {**row, "findings": list(complaint.findings), "version": complaint.version}

    def complaints(self, respondent_kind: str | None, respondent: str | None, bureau: str | None) -> dict[str, Any]:
        """投诉列表, newest first: about a kind of respondent, one respondent, or handled by one bureau."""
        if bureau is not None:
            self.models.ledger.directory().get(bureau)  # UNKNOWN_INSTITUTION
        rows = self._rows(respondent_kind=respondent_kind, respondent=respondent, bureau=bureau)
        return {"total": len(rows), "complaints": rows}

    def _rows(self, **filters: str | None) -> list[dict[str, Any]]:
        return list_complaints(self.models.store, self.models.current("complaints").current_table(), **filters)
