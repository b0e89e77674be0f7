"""Writers racing on one case, on SQLite and PostgreSQL: every accepted write takes the next version, and
the ledger still verifies afterwards. A write that loses a race records nothing and leaves no trace."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from uuid import UUID

import psycopg.errors
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.actor import SHANGHAI
from domain.commands import ChangeLawyer
from domain.errors import DomainError
from infrastructure.bootstrap import build_ledger
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.network_setup import rotate_key
from infrastructure.verification import verify_ledger
from projections.registry import build_read_models
from tests.raw_store import RawStore
from tests.walkthrough import HANDLING, POOL, RECEIVED_AT, appointed_case, receive, staff

WRITERS = 8
SECONDS = 2.0


def change(n: int) -> ChangeLawyer:
    """A change to another lawyer of the pool, the applicant's choice; choosing the lawyer already acting
    leaves the choice to rotation, so both ways of choosing race here."""
    return ChangeLawyer(client_choice=POOL[1 + n % 2].licence_number, reason="当事人要求更换")


def change_lawyer_until(ledger: CaseLedger, case_id: UUID, deadline: float, accepted: list[int], *, if_match: bool) -> None:
    n = 0
    while time.monotonic() < deadline:
        n += 1
        expected = ledger.get_case(case_id).version if if_match else None
        try:
            accepted.append(
                ledger.act(
                    case_id,
                    change(n),
                    staff(HANDLING),
                    RECEIVED_AT + timedelta(days=30),
                    expected_version=expected,
                )
            )
        except DomainError as refusal:
            assert refusal.code == ("PRECONDITION_FAILED" if if_match else "VERSION_CONFLICT"), refusal


def race(ledgers: list[CaseLedger], case_id: UUID) -> list[int]:
    accepted: list[int] = []
    deadline = time.monotonic() + SECONDS
    threads = [
        threading.Thread(
            target=change_lawyer_until, args=(ledgers[n % len(ledgers)], case_id, deadline, accepted), kwargs={"if_match": n % 2 == 0}
        )
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted


def assert_consecutive_and_verified(ledger: CaseLedger, case_id: UUID, first_version: int, accepted: list[int]) -> None:
    assert len(accepted) > WRITERS, "the race produced too few writes to mean anything"
    assert sorted(accepted) == list(range(first_version + 1, first_version + 1 + len(accepted)))
    assert ledger.get_case(case_id).version == first_version + len(accepted)
    report = verify_ledger(ledger, processes=1)
    assert report.ok, report.problems[:3]


def test_eight_threads_changing_one_cases_lawyer_leave_a_ledger_that_verifies(ledger: CaseLedger) -> None:
    case_id = appointed_case(ledger)
    first_version = ledger.get_case(case_id).version

    accepted = race([ledger], case_id)

    assert_consecutive_and_verified(ledger, case_id, first_version, accepted)


def test_two_ledgers_on_one_database_racing_on_one_case_leave_a_ledger_that_verifies(ledger: CaseLedger, settings: Settings) -> None:
    """Two processes' worth of state (mapper caches, network views) writing to one database."""
    case_id = appointed_case(ledger)
    first_version = ledger.get_case(case_id).version
    other_desk = build_read_models(settings, build_ledger(settings))  # with its own read of the lawyer pool

    accepted = race([ledger, other_desk.ledger], case_id)

    assert_consecutive_and_verified(ledger, case_id, first_version, accepted)
    other_desk.close()


# ------------------------------------------------------------------ random interleavings
COMMANDS = st.sampled_from(["receive", "change_lawyer", "change_lawyer", "rotate_handling_key", "read"])


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(programs=st.lists(st.lists(COMMANDS, min_size=1, max_size=6), min_size=2, max_size=4))
def test_any_interleaving_of_commands_from_several_threads_and_desks_leaves_a_ledger_that_verifies(
    ledger: CaseLedger, settings: Settings, programs: list[list[str]]
) -> None:
    """Threads of two desks (each with its own caches and network view) receive cases, change a lawyer
    and rotate the handling centre's key in any order; whatever was accepted, everything verifies."""
    other_desk = build_read_models(settings, build_ledger(settings))
    desks = [ledger, other_desk.ledger]
    case_id = appointed_case(ledger)
    failures: list[BaseException] = []

    def run(desk: CaseLedger, program: list[str]) -> None:
        try:
            for n, command in enumerate(program):
                try:
                    if command == "receive":
                        receive(desk)
                    elif command == "change_lawyer":
                        desk.act(
                            case_id,
                            change(n),
                            staff(HANDLING),
                            RECEIVED_AT + timedelta(days=30),
                        )
                    elif command == "rotate_handling_key":
                        rotate_key(desk, HANDLING, datetime.now(SHANGHAI))
                    else:
                        desk.get_case(case_id)
                except DomainError as refusal:
                    assert refusal.code in ("VERSION_CONFLICT", "NETWORK_BUSY"), refusal
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(desks[n % 2], program)) for n, program in enumerate(programs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other_desk.close()

    assert failures == []
    report = verify_ledger(ledger, processes=1)
    assert report.ok, report.problems[:3]


def test_a_record_chained_to_anything_but_the_stored_record_is_refused_in_its_transaction(ledger: CaseLedger, database_url: str) -> None:
    """The bug this file began with, forced: the signer believes a wrong hash for the previous record.
    The transaction itself refuses it, so nothing that verify would reject is stored."""
    case_id = appointed_case(ledger)
    case = ledger.get_case(case_id)
    version = case.version
    ledger.chain_heads.remember(case_id, version, "f" * 64)  # what an old cache kept from a write that lost a race
    change(1).run(case, staff(HANDLING), RECEIVED_AT + timedelta(days=30), ledger.context())
    raw = RawStore(database_url)
    before = raw.rows()

    with pytest.raises(DomainError) as refused:
        ledger.save(case)

    assert refused.value.code == "VERSION_CONFLICT"
    assert raw.rows() == before
    raw.close()
    assert (
        ledger.act(case_id, change(1), staff(HANDLING), RECEIVED_AT + timedelta(days=30)) == version + 1
    )  # the cache is not trusted again: the retry reads the record
    report = verify_ledger(ledger, processes=1)
    assert report.ok, report.problems


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_write_whose_pipeline_only_says_aborted_is_reported_for_what_the_database_holds(
    ledger: CaseLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load psycopg may end a lost race with PipelineAborted rather than the unique violation (seen in CI):
    the write is then a conflict when its version is taken, and an operational error otherwise, never a 503 for a
    race."""
    case_id = receive(ledger)
    (written,) = ledger.recorder.select_events(case_id)
    free = StoredEvent(written.originator_id, 2, written.topic, written.state)

    def aborted(self: object, stored_events: object, **kwargs: object) -> None:
        raise OperationalError("pipeline aborted") from psycopg.errors.PipelineAborted()

    monkeypatch.setattr(PostgresApplicationRecorder, "insert_events", aborted)
    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events([written])  # version 1 is taken: the write lost a race
    with pytest.raises(OperationalError):
        ledger.recorder.insert_events([free])  # nothing explains it: the database's own trouble
    assert [r.originator_version for r in ledger.recorder.select_events(case_id)] == [1]
