"""What an institution's month-by-month streams share (consultation registers 咨询登记簿, duty rosters 值班排班表):
finding one by institution and month, and recording on one while others do."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import DomainError
from infrastructure.ledger import CaseLedger
from projections.periods import check_month

# Each round of a race over one stream records at least one change, so as many attempts as clerks writing at
# once land every change; a short random pause spreads the losers out.
_ATTEMPTS = 16

T = TypeVar("T")
Monthly = TypeVar("Monthly", bound=Aggregate)


def until_recorded(attempt: Callable[[], T]) -> T:
    """Run a change that lost a race to another change of its stream again: it is read afresh, checked against
    the winner and recorded after it."""
    for _ in range(_ATTEMPTS):
        try:
            return attempt()
        except DomainError as lost:
            if lost.code != "VERSION_CONFLICT":
                raise
            time.sleep(random.uniform(0, 0.01))  # noqa: S311 - a pause, not a secret
    raise DomainError(
        "REGISTER_BUSY", "登记簿同时写入过多，未记录，请重试 (too many lines at once in this register; nothing recorded, retry)."
    )


def changed_after_races(ledger: CaseLedger, read: Callable[[], Monthly], change: Callable[[Monthly], None]) -> Monthly:
    """Read a month's stream, change it and save it; when another change of the stream won the race, all three
    again (until_recorded)."""

    def attempt() -> Monthly:
        monthly = read()
        change(monthly)
        ledger.save(monthly)
        return monthly

    return until_recorded(attempt)


def find_monthly(
    ledger: CaseLedger, kind: type[Monthly], stream: Callable[[str, str, str], UUID], institution: str, month: str, missing: DomainError
) -> Monthly:
    """An institution's stream of a month (written 2026-11), or the refusal `missing`."""
    check_month(month)
    ledger.directory().get(institution)  # UNKNOWN_INSTITUTION
    found = ledger.find(stream(ledger.policy.city, institution, month), kind)
    if found is None:
        raise missing
    return found
