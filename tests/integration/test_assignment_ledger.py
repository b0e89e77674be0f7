"""Appointments from the pool on the real ledger, both backends: rotation through the read model gives each
qualified lawyer a share within one of equal, each record says how its lawyer was chosen, and the pool's
read model always equals a recount from the signed records."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.closing_commands import Close, ReviewClosingFile, SubmitClosingFile
from domain.commands import AppointLawyer, ChangeLawyer, GrantAid
from domain.lawyers import LawyerStatus
from domain.pool_commands import ChangeLawyerStatus
from domain.vocabulary import FileGrade
from infrastructure.ledger import CaseLedger
from projections.lawyer_pool import PoolReader, list_lawyers
from tests.walkthrough import BUREAU, FIRST_RECEIVING, HANDLING, LAWYER, POOL, RECEIVED_AT, register_pool, staff, walk

LATER = RECEIVED_AT + timedelta(days=3)
QINGSHAN = [lawyer.licence_number for lawyer in POOL if lawyer.firm_district == "qingshan"]


def granted(ledger: CaseLedger) -> UUID:
    return walk(ledger, until=GrantAid)


def appointments(ledger: CaseLedger) -> list[dict[str, Any]]:
    """Every appointment and change of lawyer as recorded: the lawyer and how they were chosen."""
    found = []
    for n in ledger.all_records():
        body = json.loads(n.state)["body"]
        if body["type"] in ("Case.LawyerAppointed", "Case.LawyerChanged"):
            found.append({"licence": body["payload"]["lawyer"]["licence_number"], **body["payload"]["assignment"]})
    return found


def test_rotation_through_the_read_model_shares_the_cases_and_records_each_turn(ledger: CaseLedger) -> None:
    for _ in range(6):
        ledger.act(granted(ledger), AppointLawyer(), staff(HANDLING), LATER)
    recorded = appointments(ledger)
    assert Counter(r["licence"] for r in recorded) == dict.fromkeys(QINGSHAN, 3)  # a Qingshan court: Qingshan firms, 3 each
    taken: Counter[str] = Counter()
    for record in recorded:  # each record's turns are what the signed records before it say
        assert record["method"] == "rotation" and record["rotation"]["district"] == "qingshan"
        assert record["rotation"]["turns_before"] == taken[record["licence"]]
        taken[record["licence"]] += 1


def recount(ledger: CaseLedger) -> dict[str, dict[str, Any]]:
    """The pool's figures counted from the signed records alone, written apart from the projection."""
    lawyers: dict[str, dict[str, Any]] = {}
    lawyer_of: dict[str, str | None] = {}
    open_case: dict[str, bool] = {}
    for n in ledger.all_records():
        body = json.loads(n.state)["body"]
        kind, payload, case = body["type"], body["payload"], body["case_id"]
        if kind == "Lawyer.Registered":
            lawyers[payload["licence_number"]] = {"status": "active", "turns": 0, "open_cases": 0, **dict.fromkeys(FileGrade, 0)}
            lawyers[payload["licence_number"]]["stream"] = case
        elif kind == "Lawyer.StatusChanged":
            next(v for v in lawyers.values() if v["stream"] == case)["status"] = payload["status"]
        elif kind in ("Case.LawyerAppointed", "Case.LawyerChanged"):
            if open_case.get(case) and lawyer_of.get(case):
                lawyers[lawyer_of[case]]["open_cases"] -= 1  # type: ignore[index]
            lawyer_of[case] = payload["lawyer"]["licence_number"]
            lawyers[lawyer_of[case]]["turns"] += 1  # type: ignore[index]
            lawyers[lawyer_of[case]]["open_cases"] += 1  # type: ignore[index]
            open_case[case] = True
        elif kind in ("Case.CaseClosed", "Case.AidTerminated") and open_case.get(case):
            lawyers[lawyer_of[case]]["open_cases"] -= 1  # type: ignore[index]
            open_case[case] = False
        elif kind == "Case.ClosingFileReviewed" and lawyer_of.get(case):
            lawyers[lawyer_of[case]][FileGrade(payload["grade"])] += 1  # type: ignore[index]
    return {licence: {k: v for k, v in figures.items() if k != "stream"} for licence, figures in lawyers.items()}


HOURS = itertools.count(1)
STEPS = st.lists(st.sampled_from(["rotation", "choice", "change", "close", "review", "suspend", "restore"]), min_size=1, max_size=8)


@hypothesis_settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS, grades=st.lists(st.sampled_from(list(FileGrade)), min_size=8, max_size=8))
def test_the_pool_read_model_equals_a_recount_of_the_records(ledger: CaseLedger, steps: list[str], grades: list[FileGrade]) -> None:
    register_pool(ledger)
    cases: list[UUID] = []
    for n, step in enumerate(steps):
        t = LATER + timedelta(hours=next(HOURS))  # later than anything an earlier example recorded on the same ledger
        if step in ("rotation", "choice"):
            cases.append(granted(ledger))
            ledger.act(cases[-1], AppointLawyer(client_choice=LAWYER if step == "choice" else None), staff(HANDLING), t)
        elif step == "change" and cases and not ledger.get_case(cases[-1]).closed:
            ledger.act(cases[-1], ChangeLawyer(reason="受援人要求"), staff(HANDLING), t)
        elif step in ("close", "review") and cases and not ledger.get_case(cases[-1]).closed:
            ledger.act(cases[-1], Close(outcome="调解结案"), staff(HANDLING), t)
            if step == "review":
                ledger.act(cases[-1], SubmitClosingFile(pages=10), staff(FIRST_RECEIVING), t)
                ledger.act(cases[-1], ReviewClosingFile(reviewer="审查员", grade=grades[n]), staff(FIRST_RECEIVING), t)
        elif step in ("suspend", "restore"):
            status = LawyerStatus.SUSPENDED if step == "suspend" else LawyerStatus.ACTIVE
            if ledger.get_lawyer(POOL[0].licence_number).status is not status:
                ledger.change_lawyer(POOL[0].licence_number, ChangeLawyerStatus(status=status, reason="调查"), BUREAU, t)
    pool = ledger.lawyer_pool  # the read models the ledger chooses lawyers from (tests/conftest.py)
    assert isinstance(pool, PoolReader)
    store, runner = pool.store, pool.runner
    runner.catch_up()
    rows = list_lawyers(store, runner.current_table())
    projected = {r["licence_number"]: {k: r[k] for k in ("status", "turns", "open_cases", *FileGrade)} for r in rows}
    assert projected == recount(ledger)
    rebuilt = runner.rebuild()
    assert rebuilt.position == runner.status().head
    assert {r["licence_number"]: r["turns"] for r in list_lawyers(store, runner.current_table())} == {
        licence: figures["turns"] for licence, figures in recount(ledger).items()
    }
