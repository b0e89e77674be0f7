"""The case index folds a batch's records of one case in memory and stores the case once per batch: the index
rebuilt in one large batch is, row for row, the index caught up one record at a time."""

from __future__ import annotations

from typing import Any

from domain.commands import AppointLawyer
from infrastructure.ledger import CaseLedger
from projections.registry import ReadModels
from projections.runner import ProjectionRunner
from tests.walkthrough import receive, walk, walk_whole_case


def rows(runner: ProjectionRunner) -> list[tuple[Any, ...]]:
    return runner.store.fetchall(f"SELECT * FROM {runner.current_table()('cases')} ORDER BY case_id")


def test_the_index_rebuilt_in_one_batch_is_the_index_caught_up_one_record_at_a_time(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)
    walk(ledger, until=AppointLawyer)
    receive(ledger)
    runner = models.runners["case_index"]
    runner.batch_size = 1
    runner.catch_up()
    one_at_a_time = rows(runner)

    runner.rebuild()

    assert len(one_at_a_time) == 3 and rows(runner) == one_at_a_time
