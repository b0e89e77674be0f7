"""Deadlines: the Chinese working-day calendar, every time limit, and the compliance projection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from domain.actor import SHANGHAI, Actor
from domain.commands import (
    AppointLawyer,
    CaseCommand,
    DecideObjection,
    DispatchMaterials,
    EnterOnPlatform,
    FileObjection,
    GrantAid,
    InformAuthority,
    NotifyMissingMaterials,
    ReceiveApplication,
    ReceiveMaterials,
    RecordReviewOpinion,
    RefuseAid,
    RequestTransfer,
    SignOffReview,
    SupplementMaterials,
    Withdraw,
)
from domain.fields import Applicant, Hardship, Notice
from domain.vocabulary import Channel, DispatchMethod, HardshipBasis, MatterKind, NoticeGround, ObjectionRuling, Recommendation, Role
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.working_days import WorkingDayCalendar
from projections.deadlines import DeadlineRow, read_rows, summarise
from projections.registry import ReadModels, build_read_models
from tests.walkthrough import FIRST_RECEIVING, HANDLING, LAWYER, head, receive, register_pool, staff

CALENDAR = WorkingDayCalendar()
KUNDULUN_BUREAU = "baotou-kundulun-bureau"  # 昆都仑区司法局


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# ------------------------------------------------------------------ the compliance projection
@pytest.fixture
def models(ledger: CaseLedger, settings: Settings) -> Iterator[ReadModels]:
    register_pool(ledger)
    models = build_read_models(settings, ledger)
    yield models
    models.store.close()


def rows_of(models: ReadModels, case_id: UUID) -> dict[str, DeadlineRow]:
    runner = models.runners["deadlines"]
    runner.catch_up()
    return {r.rule_key: r for r in read_rows(models.store, runner.current_table(), "case_id = ?", (str(case_id),))}


def status(models: ReadModels, case_id: UUID, rule: str, today: date) -> str:
    return rows_of(models, case_id)[rule].status(today, models.calendar)


def transfer(ledger: CaseLedger, case_id: UUID, dispatched: datetime, delivered: datetime) -> None:
    t = ledger.get_case(case_id).received_at
    ledger.act(
        case_id,
        RequestTransfer(to_institution=HANDLING, applicant_consent=True),
        staff(FIRST_RECEIVING),
        datetime.fromisoformat(t) + timedelta(minutes=30),
    )
    ledger.act(case_id, DispatchMaterials(method=DispatchMethod.COURIER, reference="SF1"), staff(FIRST_RECEIVING), dispatched)
    ledger.act(case_id, ReceiveMaterials(), staff(HANDLING), delivered)


def test_a_transfer_delivered_within_two_working_days_is_met_and_later_is_missed(ledger: CaseLedger, models: ReadModels) -> None:
    """The limit is on delivery (送达, 000 二(五)): materials sent in time but delivered late miss it."""
    on_time = receive(ledger, at("2025-09-30T10:00"))
    transfer(ledger, on_time, at("2025-10-09T09:00"), at("2025-10-10T16:00"))  # the 2nd working day after the holiday
    late = receive(ledger, at("2025-09-30T10:00"))
    transfer(ledger, late, at("2025-10-10T09:00"), at("2025-10-11T09:00"))  # 11 October is a make-up working day

    assert rows_of(models, on_time)["TRANSFER"].responsible == FIRST_RECEIVING
    assert status(models, on_time, "TRANSFER", date(2025, 12, 1)) == "met"
    assert status(models, late, "TRANSFER", date(2025, 12, 1)) == "missed"
    in_transit = receive(ledger, at("2025-09-30T10:00"))
    ledger.act(in_transit, RequestTransfer(to_institution=HANDLING, applicant_consent=True), staff(FIRST_RECEIVING), at("2025-09-30T11:00"))
    ledger.act(
        in_transit, DispatchMaterials(method=DispatchMethod.COURIER, reference="SF2"), staff(FIRST_RECEIVING), at("2025-09-30T12:00")
    )
    assert status(models, in_transit, "TRANSFER", date(2025, 10, 13)) == "overdue"  # dispatched, not yet delivered


def test_open_limits_are_open_then_due_soon_then_overdue(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = receive(ledger, at("2026-03-02T09:00"))  # decision due 7 days later: 2026-03-09 (Mon)

    assert status(models, case_id, "DECISION", date(2026, 3, 3)) == "open"
    assert status(models, case_id, "DECISION", date(2026, 3, 6)) == "due_soon"  # Friday: due by the next working day
    assert status(models, case_id, "DECISION", date(2026, 3, 9)) == "due_soon"
    assert status(models, case_id, "DECISION", date(2026, 3, 10)) == "overdue"


def test_an_open_limit_due_in_an_unknown_year_is_provisional(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = receive(ledger, at("2026-12-28T09:00"))  # decision due 2027-01-04, in a year not yet published
    row = rows_of(models, case_id)["DECISION"]
    assert row.provisional
    assert row.status(date(2026, 12, 28), models.calendar) == "provisional"


def test_loading_next_years_schedule_and_rebuilding_recomputes_provisional_deadlines(ledger: CaseLedger, settings: Settings) -> None:
    case_id = receive(ledger, at("2026-12-29T09:00"))
    ledger.act(case_id, RequestTransfer(to_institution=HANDLING, applicant_consent=True), staff(FIRST_RECEIVING), at("2026-12-29T10:00"))
    before = build_read_models(settings, ledger)
    assert rows_of(before, case_id)["TRANSFER"].due_day == date(2026, 12, 31)

    late_in_year = rows_of(before, receive(ledger, at("2026-12-31T09:00")))["PLATFORM"]
    assert (late_in_year.due_day, late_in_year.provisional) == (date(2027, 1, 5), True)  # 1 January is a statutory holiday

    WorkingDayCalendar(Path(settings.calendar_file)).load_year(2027, holidays=[date(2027, 1, 1), date(2027, 1, 4)], working_days=[])
    after = build_read_models(settings, ledger)
    after.runners["deadlines"].rebuild()
    recomputed = [
        r
        for r in read_rows(after.store, after.runners["deadlines"].current_table(), "rule_id = 'PLATFORM'")
        if r.started_at.startswith("2026-12-31")
    ]
    # Jan 1 and Jan 4 are rest days, Jan 2–3 the weekend: Jan 5 and Jan 6 are the two working days
    assert {(r.due_day, r.provisional) for r in recomputed} == {(date(2027, 1, 6), False)}
    before.store.close()
    after.store.close()


def walk_to_appointment(ledger: CaseLedger, received: datetime, *, appoint_after: timedelta, complex_case: bool = False) -> UUID:
    application = ReceiveApplication(
        channel=Channel.FORWARDED_BY_COURT,
        matter_kind=MatterKind.CRIMINAL,
        authority_name="昆都仑区人民法院",
        authority_district="kundulun",
        applicant=Applicant(applicant_id="a", name="某"),
        hardship=Hardship(basis=HardshipBasis.EXEMPTION, exemption="minor"),
        complex_case=complex_case,
    )
    case_id = ledger.receive_application(application, staff(FIRST_RECEIVING), received)
    t = received
    steps: list[tuple[CaseCommand, Actor]] = [
        (RecordReviewOpinion(reviewer="r", opinion="o", recommendation=Recommendation.GRANT), staff(FIRST_RECEIVING)),
        (SignOffReview(), head(FIRST_RECEIVING)),
        (EnterOnPlatform(platform_number="P"), staff(FIRST_RECEIVING)),
        (GrantAid(document_number="D"), staff(FIRST_RECEIVING)),
    ]
    for command, actor in steps:
        t += timedelta(minutes=10)
        ledger.act(case_id, command, actor, t)
    ledger.act(case_id, AppointLawyer(client_choice=LAWYER), staff(FIRST_RECEIVING), t + appoint_after)
    return case_id


def test_same_day_appointment_meets_the_same_day_rule_and_a_day_later_misses_it(ledger: CaseLedger, models: ReadModels) -> None:
    same_day = walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(hours=2))
    next_day = walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(days=1))
    complex_case = walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(days=1), complex_case=True)

    today = date(2026, 4, 1)
    assert [status(models, same_day, r, today) for r in ("SAME_DAY", "APPOINT", "DECISION")] == ["met"] * 3
    assert "NOTIFIED" not in rows_of(models, same_day)  # an application forwarded by a court is not a notice (LAL 39)
    assert status(models, next_day, "SAME_DAY", today) == "missed"
    assert status(models, next_day, "APPOINT", today) == "met"
    assert "SAME_DAY" not in rows_of(models, complex_case)  # complex cases are exempt (000 三(一))


def receive_notice(ledger: CaseLedger, received: datetime) -> UUID:
    notice = ReceiveApplication(
        channel=Channel.NOTIFIED_BY_POLICE,
        matter_kind=MatterKind.CRIMINAL,
        authority_name="昆都仑区公安分局",
        authority_district="kundulun",
        applicant=Applicant(applicant_id="s", name="某"),
        notice=Notice(ground=NoticeGround.SENSORY_DISABILITY, document_number="昆公通援〔2026〕1号"),
    )
    return ledger.receive_application(notice, staff(FIRST_RECEIVING), received)


def test_a_notice_must_be_answered_within_three_days_that_holidays_do_not_extend(ledger: CaseLedger, models: ReadModels) -> None:
    """LAL 36: appoint and tell the authority within 3 days; the suspect is held, so the last day is not
    moved past the National Day holiday (刑事诉讼法 art 105). A notice is neither decided nor same-day."""
    answered = receive_notice(ledger, at("2026-09-29T16:00"))
    unanswered = receive_notice(ledger, at("2026-09-29T16:00"))
    ledger.act(answered, AppointLawyer(client_choice=LAWYER), staff(FIRST_RECEIVING), at("2026-10-01T10:00"))
    ledger.act(answered, InformAuthority(reference="昆援函〔2026〕9号"), staff(FIRST_RECEIVING), at("2026-10-02T09:00"))

    rows = rows_of(models, answered)
    assert (rows["NOTIFIED"].due_day, rows["NOTIFIED"].responsible) == (date(2026, 10, 2), FIRST_RECEIVING)
    assert "DECISION" not in rows and "SAME_DAY" not in rows and "APPOINT" not in rows
    assert status(models, answered, "NOTIFIED", date(2026, 10, 20)) == "met"
    assert status(models, unanswered, "NOTIFIED", date(2026, 10, 3)) == "overdue"  # a holiday, and still overdue


def test_the_decision_clock_pauses_while_the_applicant_supplements_and_resumes_where_it_stood(
    ledger: CaseLedger, models: ReadModels
) -> None:
    """Received Monday 2 March, both missing items named on Wednesday 4 March (2 of 7 days used), one
    supplied on the 10th (still waiting), the other on Friday the 13th: 5 days remain, due Wednesday 18
    March (LAL 43: supplementing time is not counted). A restart would give the 20th; no pause, the 9th."""
    case_id = receive(ledger, at("2026-03-02T09:00"))
    ledger.act(case_id, NotifyMissingMaterials(items=["户口簿", "收入证明"]), staff(FIRST_RECEIVING), at("2026-03-04T10:00"))
    assert status(models, case_id, "DECISION", date(2026, 3, 12)) == "paused"  # past the unpaused due day, not overdue
    ledger.act(case_id, SupplementMaterials(items=["户口簿"]), staff(FIRST_RECEIVING), at("2026-03-10T10:00"))
    assert status(models, case_id, "DECISION", date(2026, 3, 12)) == "paused"  # a partial supplement does not resume it
    ledger.act(case_id, SupplementMaterials(items=["收入证明"]), staff(FIRST_RECEIVING), at("2026-03-13T10:00"))

    decision = rows_of(models, case_id)["DECISION"]
    assert (decision.due_day, decision.paused_at, decision.resumed_at) == (
        date(2026, 3, 18),
        "2026-03-04T10:00:00+08:00",
        "2026-03-13T10:00:00+08:00",
    )
    assert status(models, case_id, "DECISION", date(2026, 3, 3)) == "open"  # before the notice, as it was then
    assert status(models, case_id, "DECISION", date(2026, 3, 14)) == "open"
    assert status(models, case_id, "DECISION", date(2026, 3, 19)) == "overdue"
    # a case with missing materials cannot be done the same day (000 三(一)): not scored
    assert status(models, case_id, "SAME_DAY", date(2026, 3, 19)) == "stopped"


def test_same_day_is_not_scored_on_a_transferred_case(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = receive(ledger, at("2026-03-02T09:00"))
    transfer(ledger, case_id, at("2026-03-02T11:00"), at("2026-03-03T10:00"))
    assert status(models, case_id, "SAME_DAY", date(2026, 4, 1)) == "stopped"
    assert summarise(list(rows_of(models, case_id).values()), date(2026, 4, 1), CALENDAR)["SAME_DAY"]["rate"] is None


def test_a_withdrawal_stops_the_clocks_it_makes_moot(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = receive(ledger, at("2026-03-02T09:00"))
    ledger.act(case_id, Withdraw(reason="申请人撤回"), staff(FIRST_RECEIVING), at("2026-03-03T09:00"))

    assert status(models, case_id, "DECISION", date(2026, 5, 1)) == "stopped"
    assert status(models, case_id, "SAME_DAY", date(2026, 5, 1)) == "stopped"


def test_an_objection_is_the_bureaus_to_decide_within_five_days(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = receive(ledger, at("2026-03-02T09:00"))
    bureau = Actor(KUNDULUN_BUREAU, "科长", Role.BUREAU)  # set up the centre that refused (LAL 49)
    steps: list[tuple[CaseCommand, Actor, str]] = [
        (RecordReviewOpinion(reviewer="r", opinion="o", recommendation=Recommendation.REFUSE), staff(FIRST_RECEIVING), "2026-03-02T10:00"),
        (SignOffReview(), head(FIRST_RECEIVING), "2026-03-02T11:00"),
        (RefuseAid(document_number="D", reasons="r", legal_basis="b"), staff(FIRST_RECEIVING), "2026-03-02T12:00"),
        (FileObjection(grounds="不服"), bureau, "2026-03-03T09:00"),
        (DecideObjection(ruling=ObjectionRuling.UPHELD, reasons="维持"), bureau, "2026-03-09T09:00"),
    ]
    for command, actor, when in steps:
        ledger.act(case_id, command, actor, at(when))

    row = rows_of(models, case_id)["OBJECTION"]
    assert (row.responsible, row.due_day) == (KUNDULUN_BUREAU, date(2026, 3, 9))  # 5 days from Mar 3 is Sunday Mar 8: next working day
    assert row.status(date(2026, 4, 1), models.calendar) == "met"
    assert status(models, case_id, "DECISION", date(2026, 4, 1)) == "met"


def test_compliance_rates_count_met_against_missed_and_overdue(ledger: CaseLedger, models: ReadModels) -> None:
    walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(hours=1))
    walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(days=5))
    runner = models.runners["deadlines"]
    runner.catch_up()

    summary = summarise(
        read_rows(models.store, runner.current_table(), "responsible = ?", (FIRST_RECEIVING,)), date(2026, 4, 1), models.calendar
    )

    assert summary["APPOINT"] | {} == {"total": 2, "met": 1, "missed": 1, "overdue": 0, "stopped": 0, "open": 0, "rate": 0.5, "late": 1}
    assert summary["DECISION"]["rate"] == 1.0


# ------------------------------------------------------------------ the runner
def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_counts_nothing_twice(ledger: CaseLedger, models: ReadModels) -> None:
    for day in range(2, 7):
        walk_to_appointment(ledger, at(f"2026-03-0{day}T09:00"), appoint_after=timedelta(hours=1))
    runner = models.runners["deadlines"]
    runner.batch_size = 7
    original_apply = runner.projection.apply
    calls = 0

    def crash_on_third_batch(*args: object) -> None:
        nonlocal calls
        calls += 1
        original_apply(*args)  # type: ignore[arg-type]
        if calls == 3:
            raise RuntimeError("power cut")

    runner.projection.apply = crash_on_third_batch  # type: ignore[method-assign,assignment]
    with pytest.raises(RuntimeError):
        runner.catch_up()
    assert runner.status().position > 0
    runner.projection.apply = original_apply  # type: ignore[method-assign]
    runner.catch_up()

    resumed = sorted(read_rows(models.store, runner.current_table()), key=lambda r: (r.case_id, r.rule_key))
    runner.rebuild()
    from_scratch = sorted(read_rows(models.store, runner.current_table()), key=lambda r: (r.case_id, r.rule_key))
    assert resumed == from_scratch
    assert runner.status().lag == 0


def test_a_rebuild_switches_readers_over_only_when_complete(ledger: CaseLedger, models: ReadModels) -> None:
    walk_to_appointment(ledger, at("2026-03-02T09:00"), appoint_after=timedelta(hours=1))
    runner = models.runners["deadlines"]
    runner.catch_up()
    first = runner.current_table()("rows")

    status_after = runner.rebuild()
    second = runner.current_table()("rows")
    assert second != first
    assert models.store.table_exists(first)  # a reader who looked it up just before the switch can finish
    assert status_after.position == runner.status().head

    runner.rebuild()
    assert not models.store.table_exists(first)
    assert models.store.table_exists(second)
