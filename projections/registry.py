"""The projections this deployment keeps, wired to a ledger and its database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.errors import DomainError
from infrastructure.bootstrap import open_ledger, open_replica
from infrastructure.config import Settings
from infrastructure.database import POSTGRES_EVENTS_TABLE, Database
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
from projections.runner import STATE_TABLE, ProjectionRunner


def calendar_for(settings: Settings) -> WorkingDayCalendar:
    return WorkingDayCalendar(Path(settings.calendar_file))


@dataclass
class ReadModels:
    """The ledger, the projection store and one runner per projection (the ledger must outlive them).
    On a replica (`serve --read-db`) they are read as the standby holds them: the primary's leader keeps them current."""

    ledger: CaseLedger
    store: SqlStore
    calendar: WorkingDayCalendar
    runners: dict[str, ProjectionRunner]

    @property
    def on_replica(self) -> bool:
        return self.store.database.replica

    def current(self, name: str) -> ProjectionRunner:
        """A projection caught up with the ledger, ready to read (a standby cannot be written: as replayed there)."""
        runner = self.runners[name]
        if not self.on_replica:
            runner.catch_up()
        return runner

    def position(self) -> int:
        """How far every projection has read the ledger: the lowest notification id they have all applied."""
        names = [runner.projection.stored_name for runner in self.runners.values()]
        row = self.store.fetchone(f"SELECT MIN(position) FROM {STATE_TABLE} WHERE name IN ({', '.join('?' * len(names))})", names)
        return int(row[0]) if row and row[0] is not None else 0

    def close(self) -> None:
        self.store.close()
        self.ledger.close()


def build_replica_models(settings: Settings) -> ReadModels:
    """The read models as the hot standby at settings.read_db_url holds them, refused unless it replicates db_url's ledger."""
    replica, primary = open_replica(settings), Database(settings.db_url)
    try:
        with SqlStore(primary) as store:
            founded = store.fetchone(f"SELECT state FROM {POSTGRES_EVENTS_TABLE} ORDER BY notification_id LIMIT 1")
        if founded is None or replica.recorder.select_notifications(start=1, limit=1)[0].state != bytes(founded[0]):
            raise DomainError(
                "READ_DB_NOT_A_REPLICA",
                f"读库 {settings.read_db_url} 不是主库台账的副本 (the read database does not hold this ledger: its first record, "
                "the network's founding, differs from the primary's; give a streaming replica of TONGBAN_DB).",
            )
    except BaseException:
        replica.close()
        raise
    return build_read_models(settings, replica)


def build_read_models(settings: Settings, ledger: CaseLedger | None = None) -> ReadModels:
    ledger = ledger or open_ledger(settings)
    database = ledger.database
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
