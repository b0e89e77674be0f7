"""The projections this deployment keeps, wired to a ledger and its database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infrastructure.bootstrap import open_ledger
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.sql_store import SqlStore
from infrastructure.working_days import WorkingDayCalendar
from projections.case_index import CaseIndexProjection
from projections.complaints import ComplaintProjection
from projections.consultations import ConsultationProjection
from projections.deadlines import DeadlineProjection
from projections.duty_rosters import DutyRosterProjection
from projections.institution_ledger import InstitutionLedgerProjection
from projections.lawyer_pool import LawyerPoolProjection, PoolReader
from projections.quality import QualityProjection
from projections.runner import ProjectionRunner


def calendar_for(settings: Settings) -> WorkingDayCalendar:
    return WorkingDayCalendar(Path(settings.calendar_file))


@dataclass
class ReadModels:
    """The ledger, the projection store and one runner per projection (the ledger must outlive them)."""

    ledger: CaseLedger
    store: SqlStore
    calendar: WorkingDayCalendar
    runners: dict[str, ProjectionRunner]

    def current(self, name: str) -> ProjectionRunner:
        """A projection caught up with the ledger, ready to read."""
        runner = self.runners[name]
        runner.catch_up()
        return runner

    def close(self) -> None:
        self.store.close()
        self.ledger.close()


def build_read_models(settings: Settings, ledger: CaseLedger | None = None) -> ReadModels:
    ledger = ledger or open_ledger(settings)
    database = Database(settings.db_url)
    store = SqlStore(database)
    calendar = calendar_for(settings)
    deadlines = DeadlineProjection(ledger.policy, calendar)
    projections = (
        deadlines,
        InstitutionLedgerProjection(),
        CaseIndexProjection(),
        LawyerPoolProjection(),
        QualityProjection(),
        ComplaintProjection(),
        ConsultationProjection(),
        DutyRosterProjection(),
    )
    with database.schema_lock():
        runners = {p.name: ProjectionRunner(ledger.recorder, store, p) for p in projections}
    ledger.lawyer_pool = PoolReader(ledger, store, runners["lawyer_pool"], runners["duty_rosters"])  # what appointments choose from
    return ReadModels(ledger, store, calendar, runners)
