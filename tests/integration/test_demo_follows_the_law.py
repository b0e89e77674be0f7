"""Every demo ledger obeys the law it demonstrates: no notified defence is means-tested, reviewed or
decided; every exemption fits its matter; no application arrives at night, at a weekend or on a holiday;
objections are heard by the bureau that set up the centre that decided. Read back from the signed
records, judged by rules written here from RULES.md, not by the demo's own code."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.demo import DemoGenerator
from domain.policy.baotou import BAOTOU
from infrastructure.ledger import CaseLedger
from infrastructure.working_days import WorkingDayCalendar

CALENDAR = WorkingDayCalendar()
DECIDING = {"ReviewOpinionRecorded", "ReviewSignedOff", "AidGranted", "AidRefused", "MissingMaterialsNotified"}
WINDOW = (time(8, 30), time(17, 30))  # a legal aid window's working hours


def cases_of(ledger: CaseLedger) -> dict[Any, list[Any]]:
    cases: dict[Any, list[Any]] = defaultdict(list)
    for notification in ledger.all_records():
        if ":Case." in notification.topic:  # not the network's or the lawyer pool's records
            cases[notification.originator_id].append(ledger.mapper.to_domain_event(notification))
    return cases


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10**6), cases=st.integers(min_value=20, max_value=80))
def test_every_demo_ledger_obeys_the_rules_it_demonstrates(ledger: CaseLedger, seed: int, cases: int) -> None:
    DemoGenerator(ledger, seed).run(range(cases), cases)
    for events in cases_of(ledger).values():
        received, kinds = events[0], {type(e).__name__ for e in events}
        matter, hardship = received.matter_kind, received.hardship
        if received.channel.startswith("notified_by_"):  # LAL 25, 28, 36
            assert hardship == {"basis": "authority_notice"} and matter == "criminal"
            assert not kinds & DECIDING, kinds
        else:
            assert hardship["basis"] != "authority_notice"
        if hardship["basis"] == "exemption":
            fits = BAOTOU.exemptions[hardship["exemption"]].matters  # empty: a status that covers any matter
            assert not fits or matter in {m.value for m in fits}, (hardship, matter)
        at = datetime.fromisoformat(received.at)
        assert CALENDAR.is_working_day(at.date())[0] and WINDOW[0] <= at.time() <= WINDOW[1], at
        for objection in (e for e in events if type(e).__name__ in ("ObjectionFiled", "ObjectionDecided")):
            handling = [e.by["institution"] for e in events if type(e).__name__ in ("AidRefused", "AidTerminated")][-1]
            expected = "baotou-bureau" if handling == "baotou-municipal" else f"{handling}-bureau"
            assert objection.by["institution"] == expected
