"""Complaints on the signed ledger (both backends): accepted about someone who acted in the case, signed by
the bureau, verified with everything else; refusals record nothing; their deadlines reach the bureau's
compliance; the complaints read model equals a recount and each lawyer's page shows theirs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.complaint_commands import AcceptComplaint, DecideComplaint, InvestigateComplaint
from domain.complaints import ComplaintOutcome
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from infrastructure.verification import verify_ledger
from projections.complaints import complaint_figures, list_complaints
from projections.registry import ReadModels
from service.lawyers import LawyerService
from service.queries import Queries
from tests.walkthrough import BUREAU, HANDLING, LAWYER, RECEIVED_AT, walk_whole_case

QINGSHAN_BUREAU = Actor(f"{HANDLING}-bureau", "青山区司法局 法律援助科", Role.BUREAU)  # set up the handling centre
ACCEPTED_AT = RECEIVED_AT + timedelta(days=60)


def about_the_lawyer(case_id: Any, number: str = "青司投〔2026〕1号", **changes: Any) -> AcceptComplaint:
    fields = {
        "number": number,
        "case_id": case_id,
        "received_on": (ACCEPTED_AT - timedelta(days=2)).date(),
        "complainant": "recipient",
        "respondent_kind": "lawyer",
        "respondent": LAWYER,
        "facts": "律师未按时会见",
        "request": "调查处理",
    }
    return AcceptComplaint.model_validate({**fields, **changes})


def test_a_complaint_is_signed_by_the_bureau_and_verifies_with_the_ledger(ledger: CaseLedger) -> None:
    case_id = walk_whole_case(ledger)
    ledger.accept_complaint(about_the_lawyer(case_id), QINGSHAN_BUREAU, ACCEPTED_AT)
    ledger.act_on_complaint(
        "青司投〔2026〕1号", InvestigateComplaint(findings="查阅会见记录"), QINGSHAN_BUREAU, ACCEPTED_AT + timedelta(days=3)
    )
    decision = DecideComplaint(outcome=ComplaintOutcome.SUBSTANTIATED, measures="批评教育", reply_reference="青司投复〔2026〕1号")
    ledger.act_on_complaint("青司投〔2026〕1号", decision, QINGSHAN_BUREAU, ACCEPTED_AT + timedelta(days=20))

    report = verify_ledger(ledger)
    assert report.ok and report.complaints == 1
    complaint = ledger.get_complaint("青司投〔2026〕1号")
    assert (complaint.version, complaint.outcome, complaint.findings) == (3, ComplaintOutcome.SUBSTANTIATED, ["查阅会见记录"])
    with pytest.raises(DomainError) as not_a_case:
        ledger.get_case(complaint.id)
    assert not_a_case.value.code == "CASE_NOT_FOUND"


@pytest.mark.parametrize(
    ("changes", "actor", "code"),
    [
        ({"respondent": "11502209990000001"}, QINGSHAN_BUREAU, "NOT_OF_THIS_CASE"),
        ({"respondent_kind": "institution", "respondent": "baotou-donghe"}, QINGSHAN_BUREAU, "NOT_OF_THIS_CASE"),
        ({}, Actor("baotou-donghe-bureau", "东河区司法局", Role.BUREAU), "NOT_COMPETENT_BUREAU"),
        ({"received_on": date(2030, 1, 1)}, QINGSHAN_BUREAU, "RECEIVED_AFTER_ACCEPTANCE"),
    ],
)
def test_a_refused_complaint_records_nothing(ledger: CaseLedger, changes: dict[str, Any], actor: Actor, code: str) -> None:
    case_id = walk_whole_case(ledger)
    before = sum(1 for _ in ledger.all_records())
    with pytest.raises(DomainError) as refusal:
        ledger.accept_complaint(about_the_lawyer(case_id, **changes), actor, ACCEPTED_AT)
    assert refusal.value.code == code
    assert sum(1 for _ in ledger.all_records()) == before


def test_the_same_complaint_number_is_not_accepted_twice(ledger: CaseLedger) -> None:
    case_id = walk_whole_case(ledger)
    ledger.accept_complaint(about_the_lawyer(case_id), QINGSHAN_BUREAU, ACCEPTED_AT)
    with pytest.raises(DomainError) as again:
        ledger.accept_complaint(about_the_lawyer(case_id), BUREAU, ACCEPTED_AT)
    assert again.value.code == "COMPLAINT_ALREADY_ACCEPTED"


def test_complaint_deadlines_are_the_accepting_bureaus_in_its_compliance(ledger: CaseLedger, models: ReadModels) -> None:
    """Accepted within 5 working days of receipt; decided within 45 days of acceptance (法律援助投诉处理办法)."""
    case_id = walk_whole_case(ledger)  # received 2026-03-02; accepted 2026-05-01 (a holiday) ...
    late = about_the_lawyer(case_id, "青司投〔2026〕2号", received_on=date(2026, 4, 20))  # ... more than 5 working days after receipt
    ledger.accept_complaint(late, QINGSHAN_BUREAU, ACCEPTED_AT)
    ledger.accept_complaint(about_the_lawyer(case_id, "青司投〔2026〕3号"), QINGSHAN_BUREAU, ACCEPTED_AT)
    decision = DecideComplaint(outcome=ComplaintOutcome.UNSUBSTANTIATED, reply_reference="青司投复〔2026〕2号")
    ledger.act_on_complaint("青司投〔2026〕2号", decision, QINGSHAN_BUREAU, ACCEPTED_AT + timedelta(days=30))

    rules = Queries(models).compliance(QINGSHAN_BUREAU.institution_id, None, on=date(2026, 7, 1))["rules"]
    assert (rules["COMPLAINT_ACCEPT"]["met"], rules["COMPLAINT_ACCEPT"]["missed"]) == (1, 1)
    assert (rules["COMPLAINT"]["met"], rules["COMPLAINT"]["overdue"]) == (1, 1)  # the third was due 2026-06-15
    worklist = Queries(models).worklist(QINGSHAN_BUREAU.institution_id, on=date(2026, 7, 1))["items"]
    assert [(item["rule"], item["status"]) for item in worklist] == [("COMPLAINT", "overdue")]


def test_a_lawyers_page_shows_the_complaints_about_them(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = walk_whole_case(ledger)
    for number, outcome in (("青司投〔2026〕4号", ComplaintOutcome.PARTLY_SUBSTANTIATED), ("青司投〔2026〕5号", None)):
        ledger.accept_complaint(about_the_lawyer(case_id, number), QINGSHAN_BUREAU, ACCEPTED_AT)
        if outcome:
            decided = DecideComplaint(outcome=outcome, measures="责令整改", reply_reference="R-4")
            ledger.act_on_complaint(number, decided, QINGSHAN_BUREAU, ACCEPTED_AT + timedelta(days=9))

    page = LawyerService(models).lawyer(LAWYER, date(2026, 7, 1))
    assert (page["complaints"], page["complaints_upheld"]) == (2, 1)
    assert Queries(models).statistics(HANDLING, None)["complaints"] == {
        "accepted": 2,
        "about_lawyers": 2,
        "about_institutions": 0,
        "decided": 1,
        "upheld": 1,
        "open": 1,
    }


STEPS = st.lists(
    st.tuples(st.sampled_from(["lawyer", "institution"]), st.sampled_from([None, *ComplaintOutcome]), st.integers(0, 2)), max_size=6
)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_the_complaints_read_model_equals_a_recount_of_the_records(ledger: CaseLedger, models: ReadModels, steps: list[Any]) -> None:
    # Hypothesis reuses the ledger across examples: the case of the first, numbers that go on counting.
    received = [n.originator_id for n in ledger.all_records() if n.topic.endswith(".ApplicationReceived")]
    case_id = received[0] if received else walk_whole_case(ledger)
    start = len(list_complaints(models.store, models.current("complaints").current_table()))
    for n, (kind, outcome, investigations) in enumerate(steps, start=start):
        respondent = {"respondent_kind": "institution", "respondent": HANDLING} if kind == "institution" else {}
        number = f"青司投〔2026〕{100 + n}号"
        ledger.accept_complaint(about_the_lawyer(case_id, number, **respondent), QINGSHAN_BUREAU, ACCEPTED_AT)
        for _ in range(investigations):
            ledger.act_on_complaint(number, InvestigateComplaint(findings="核实"), QINGSHAN_BUREAU, ACCEPTED_AT)
        if outcome is not None:
            ledger.act_on_complaint(
                number, DecideComplaint(outcome=outcome, measures="处理", reply_reference="R"), QINGSHAN_BUREAU, ACCEPTED_AT
            )

    expected: dict[str, dict[str, Any]] = {}
    for notification in ledger.all_records():
        event = ledger.mapper.to_domain_event(notification)
        if type(event).__qualname__.startswith("Complaint."):
            row = expected.setdefault(str(event.originator_id), {"investigations": 0, "outcome": None})
            name = type(event).__name__
            if name == "Accepted":
                row.update(number=event.number, respondent_kind=event.respondent_kind)  # type: ignore[attr-defined]
            elif name == "Investigated":
                row["investigations"] += 1
            else:
                row["outcome"] = event.outcome  # type: ignore[attr-defined]
    table = models.current("complaints").current_table()
    projected = {
        r["stream"]: {k: r[k] for k in ("number", "respondent_kind", "investigations", "outcome")}
        for r in list_complaints(models.store, table)
    }
    assert projected == expected
    figures = complaint_figures(models.store, table, None, None, None)
    assert figures["upheld"] == sum(1 for r in expected.values() if r["outcome"] in ("substantiated", "partly_substantiated"))
    assert figures["open"] == sum(1 for r in expected.values() if r["outcome"] is None)
