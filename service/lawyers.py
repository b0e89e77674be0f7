"""The lawyer pool (律师库): the bureau keeps it, every institution reads it.

Changes are the bureau's commands (domain/pool_commands.py), signed by the bureau; reads come from the
pool's read model (projections/lawyer_pool.py) caught up first, and a lawyer's own page also from their
signed records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.lawyers import Lawyer
from domain.pool_commands import PoolCommand, RegisterLawyer
from infrastructure.ledger import CaseLedger
from infrastructure.principals import Principal
from projections.complaints import complaints_against_lawyers
from projections.lawyer_pool import GRADES, list_lawyers
from projections.registry import ReadModels
from service.cases import bureau_actor

NO_COMPLAINTS = {"complaints": 0, "complaints_upheld": 0}


class LawyerService:
    def __init__(self, models: ReadModels) -> None:
        self.models = models

    @property
    def ledger(self) -> CaseLedger:
        return self.models.ledger

    def register(self, principal: Principal, command: RegisterLawyer, now: datetime) -> dict[str, Any]:
        """登记入库 (the city's justice bureau)."""
        lawyer = self.ledger.register_lawyer(command, bureau_actor(principal), command.time(now))
        return lawyer_view(lawyer, command.time(now).date())

    def change(self, principal: Principal, licence_number: str, command: PoolCommand, now: datetime) -> dict[str, Any]:
        lawyer = self.ledger.change_lawyer(licence_number, command, bureau_actor(principal), command.time(now))
        return lawyer_view(lawyer, command.time(now).date())

    def lawyer(self, licence_number: str, on: date) -> dict[str, Any]:
        """A lawyer as their signed records say, with the pool's counts of their work."""
        view = lawyer_view(self.ledger.get_lawyer(licence_number), on)
        rows = self._rows(licence_number=licence_number)
        counts = {k: rows[0][k] for k in ("turns", "open_cases", *GRADES)} if rows else {}
        return {**view, **counts, **self._complaints().get(licence_number, NO_COMPLAINTS)}

    def pool(self, district: str | None, specialty: str | None, status: str | None) -> dict[str, Any]:
        """律师库: every lawyer, filtered by firm district, specialty and status."""
        if district is not None:
            self.ledger.directory().centre_for_district(district)  # UNKNOWN_DISTRICT
        complaints = self._complaints()
        lawyers = [
            {**row, **complaints.get(row["licence_number"], NO_COMPLAINTS)}
            for row in self._rows(district=district, specialty=specialty, status=status)
        ]
        return {"total": len(lawyers), "lawyers": lawyers}

    def _rows(self, **filters: str | None) -> list[dict[str, Any]]:
        return list_lawyers(self.models.store, self.models.current("lawyer_pool").current_table(), **filters)

    def _complaints(self) -> dict[str, dict[str, int]]:
        """Complaints accepted about each lawyer, and how many were upheld (投诉及成立数)."""
        return complaints_against_lawyers(self.models.store, self.models.current("complaints").current_table())


def lawyer_view(lawyer: Lawyer, on: date) -> dict[str, Any]:
    profile = lawyer.profile()
    return {
        "licence_number": profile.licence_number,
        "name": profile.name,
        "firm": profile.firm,
        "firm_district": profile.firm_district,
        "office_address": profile.office_address,
        "office_phone": profile.office_phone,
        "specialties": sorted(profile.specialties),
        "criminal_practice_since": profile.criminal_practice_since.isoformat() if profile.criminal_practice_since else None,
        "criminal_practice_years": profile.criminal_practice_years(on),
        "status": profile.status.value,
        "version": lawyer.version,
    }
