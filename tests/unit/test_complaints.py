"""Complaints (投诉, LAL 55–56), as specifications: the bureau that set up the institution complained of (or
the city's bureau) accepts a complaint about an institution or a lawyer of the case, investigates it and
decides it once, telling the complainant. Pure domain tests; after every refusal nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.actor import SHANGHAI, Actor
from domain.complaints import CaseFacts, Complainant, Complaint, ComplaintFiling, ComplaintOutcome, RespondentKind
from domain.errors import DomainError
from tests.unit.lawyers import LAWYER
from tests.unit.test_case_rules import BUREAU, COUNTY_BUREAU, DIRECTORY, STAFF

AT = datetime(2026, 5, 11, 10, 0, tzinfo=SHANGHAI)
# A case received in Kundulun and handled in Qingshan, whose lawyer was LAWYER.
CASE = CaseFacts(uuid4(), frozenset({"kundulun", "qingshan"}), "qingshan", frozenset({LAWYER}))
ABOUT_THE_LAWYER = ComplaintFiling(
    number="包司投〔2026〕12号",
    received_on=date(2026, 5, 8),
    complainant=Complainant.RECIPIENT,
    respondent_kind=RespondentKind.LAWYER,
    respondent=LAWYER,
    facts="律师两个月未与受援人联系",
    request="更换律师",
)


def accepted(by: Actor = COUNTY_BUREAU["qingshan"], filing: ComplaintFiling = ABOUT_THE_LAWYER) -> Complaint:
    return Complaint.accept(by, AT, "baotou", filing, CASE, DIRECTORY)


def refused_code(action: Callable[[], Any], complaint: Complaint | None = None) -> str:
    """The refusal's code; the complaint (if there is one yet) recorded nothing."""
    before = complaint.version if complaint else None
    pending = len(complaint.pending_events) if complaint else 0
    with pytest.raises(DomainError) as refusal:
        action()
    if complaint is not None:
        assert (complaint.version, len(complaint.pending_events)) == (before, pending)
    assert refusal.value.message
    return refusal.value.code


def test_the_bureau_over_the_institution_that_appointed_the_lawyer_accepts_a_complaint_about_them() -> None:
    complaint = accepted()
    (event,) = complaint.collect_events()
    assert type(event).__name__ == "Accepted"
    assert (event.respondent, event.answerable_institution, event.bureau, event.case_id) == (  # type: ignore[attr-defined]
        LAWYER,
        "qingshan",
        "qingshan-bureau",
        str(CASE.case_id),
    )
    assert event.received_on == "2026-05-08" and event.complainant == "recipient"  # type: ignore[attr-defined]


def test_the_citys_bureau_may_accept_any_complaint() -> None:
    assert accepted(BUREAU).bureau == "bureau"


@pytest.mark.parametrize("by", [COUNTY_BUREAU["kundulun"], STAFF["qingshan"]])
def test_another_districts_bureau_or_a_centre_may_not(by: Actor) -> None:
    """属地管理: Kundulun's bureau did not set up the Qingshan centre; a centre does not judge complaints."""
    assert refused_code(lambda: accepted(by)) == "NOT_COMPETENT_BUREAU"


def test_a_complaint_about_an_institution_goes_to_the_bureau_that_set_it_up() -> None:
    about_kundulun = replace(ABOUT_THE_LAWYER, respondent_kind=RespondentKind.INSTITUTION, respondent="kundulun")
    assert accepted(COUNTY_BUREAU["kundulun"], about_kundulun).answerable_institution == "kundulun"
    assert refused_code(lambda: accepted(COUNTY_BUREAU["qingshan"], about_kundulun)) == "NOT_COMPETENT_BUREAU"


@pytest.mark.parametrize(
    "changes",
    [
        {"respondent_kind": RespondentKind.INSTITUTION, "respondent": "donghe"},  # no part in the case
        {"respondent": "11502202410000009"},  # never appointed in the case
    ],
)
def test_a_complaint_names_someone_who_acted_in_the_case(changes: dict[str, Any]) -> None:
    assert refused_code(lambda: accepted(filing=replace(ABOUT_THE_LAWYER, **changes))) == "NOT_OF_THIS_CASE"


def test_a_complaint_is_received_before_it_is_accepted() -> None:
    tomorrow = replace(ABOUT_THE_LAWYER, received_on=date(2026, 5, 12))
    assert refused_code(lambda: accepted(filing=tomorrow)) == "RECEIVED_AFTER_ACCEPTANCE"


def test_the_accepting_bureau_investigates_as_often_as_needed_and_decides_once() -> None:
    complaint = accepted()
    complaint.investigate(COUNTY_BUREAU["qingshan"], AT + timedelta(days=3), "调阅卷宗，律师会见记录缺失")
    complaint.investigate(COUNTY_BUREAU["qingshan"], AT + timedelta(days=5), "询问律师，承认未及时联系")
    assert refused_code(lambda: complaint.investigate(BUREAU, AT + timedelta(days=6), "x"), complaint) == "NOT_HANDLING_BUREAU"
    complaint.decide(
        COUNTY_BUREAU["qingshan"], AT + timedelta(days=20), ComplaintOutcome.SUBSTANTIATED, "批评教育，更换律师", "青司投复〔2026〕3号"
    )
    assert [type(e).__name__ for e in complaint.collect_events()] == ["Accepted", "Investigated", "Investigated", "Decided"]
    assert complaint.outcome is ComplaintOutcome.SUBSTANTIATED
    again = lambda: complaint.decide(COUNTY_BUREAU["qingshan"], AT + timedelta(days=21), ComplaintOutcome.UNSUBSTANTIATED, "", "R")  # noqa: E731
    assert refused_code(again, complaint) == "COMPLAINT_ALREADY_DECIDED"


def test_a_complaint_upheld_says_what_was_done() -> None:
    complaint = accepted()
    upheld = lambda: complaint.decide(COUNTY_BUREAU["qingshan"], AT, ComplaintOutcome.PARTLY_SUBSTANTIATED, " ", "R")  # noqa: E731
    assert refused_code(upheld, complaint) == "MEASURES_REQUIRED"
    complaint.decide(COUNTY_BUREAU["qingshan"], AT, ComplaintOutcome.UNSUBSTANTIATED, "", "青司投复〔2026〕4号")
    assert complaint.outcome is ComplaintOutcome.UNSUBSTANTIATED


def test_a_step_cannot_predate_the_complaints_last() -> None:
    complaint = accepted()
    earlier = lambda: complaint.investigate(COUNTY_BUREAU["qingshan"], AT - timedelta(hours=1), "x")  # noqa: E731
    assert refused_code(earlier, complaint) == "TIME_BEFORE_PREVIOUS_ACTION"
