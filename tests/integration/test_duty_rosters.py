"""Duty rosters on the signed ledger (both backends): a duty-lawyer matter is designated from the roster read
model, the read model equals the centres' signed rosters, centres racing to put one lawyer on duty leave one
duty, and a server killed with kill -9 while a centre fills its roster leaves a ledger that verifies and a
retry that completes it, each duty once. Over HTTP a centre keeps only its own roster."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.actor import SHANGHAI
from domain.commands import AppointLawyer, ReceiveApplication
from domain.duty import DutyRoster, StationKind, roster_stream_id
from domain.duty_commands import ScheduleDuty, WithdrawDuty
from domain.errors import DomainError
from domain.vocabulary import MatterKind, Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from projections.duty_rosters import duties
from projections.registry import ReadModels, build_read_models
from service.duty import schedule_duty, withdraw_duty
from tests.http_client import Api
from tests.integration.test_served_integrity import assert_verifies
from tests.server import Server, kill_while_posting
from tests.walkthrough import HANDLING, LAWYER, POOL, RECEIVED_AT, application, register_pool, staff, whole_life_steps

AT = datetime(2026, 2, 26, 16, 0, tzinfo=SHANGHAI)
MINORS = POOL[1].licence_number


@pytest.fixture
def models(ledger: CaseLedger, settings: Settings) -> Iterator[ReadModels]:
    models = build_read_models(settings, ledger)
    register_pool(ledger)
    yield models
    models.store.close()


def put_on_duty(
    ledger: CaseLedger, lawyer: str, first: date, last: date | None = None, station: str = "court", centre: str = HANDLING
) -> DutyRoster:
    command = ScheduleDuty.model_validate({"station": station, "first_day": first, "last_day": last, "lawyer": lawyer})
    return schedule_duty(ledger, command, staff(centre), AT)


def duty_case(ledger: CaseLedger) -> tuple[UUID, datetime]:
    """A duty-lawyer matter at 青山区人民法院, walked to the grant; the id and when it is to be appointed."""
    duty_matter = ReceiveApplication.model_validate({**application().model_dump(), "matter_kind": MatterKind.DUTY_LAWYER})
    case_id = ledger.receive_application(duty_matter, staff(HANDLING), RECEIVED_AT)
    at = RECEIVED_AT
    for command, actor in whole_life_steps()[3:7]:  # reviewed, signed off, on the platform, granted (handled where received)
        at += timedelta(hours=1)
        ledger.act(case_id, command, actor, at)
    return case_id, at + timedelta(hours=1)


def test_a_duty_lawyer_matter_is_designated_from_the_roster_of_its_court_that_day(ledger: CaseLedger, models: ReadModels) -> None:
    case_id, appoint_at = duty_case(ledger)
    put_on_duty(ledger, MINORS, date(2026, 3, 1), date(2026, 3, 31))
    withdraw = WithdrawDuty(station=StationKind.COURT, day=appoint_at.date(), lawyer=MINORS, reason="出庭，调班")
    withdraw_duty(ledger, withdraw, staff(HANDLING), AT)
    with pytest.raises(DomainError) as nobody:
        ledger.act(case_id, AppointLawyer(), staff(HANDLING), appoint_at)
    assert nobody.value.code == "NO_LAWYER_ON_DUTY"

    put_on_duty(ledger, LAWYER, appoint_at.date())
    ledger.act(case_id, AppointLawyer(), staff(HANDLING), appoint_at)

    (appointed,) = [n for n in ledger.all_records() if n.originator_id == case_id and n.topic.endswith("LawyerAppointed")]
    event = ledger.mapper.to_domain_event(appointed)
    assert event.lawyer["licence_number"] == LAWYER  # type: ignore[attr-defined]
    assert event.assignment["method"] == "duty_roster"  # type: ignore[attr-defined]
    assert_verifies(ledger)


DAYS = st.dates(min_value=date(2026, 3, 1), max_value=date(2026, 4, 30))
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["schedule", "withdraw"]), st.sampled_from([LAWYER, MINORS]), st.sampled_from(list(StationKind)), DAYS, DAYS),
    max_size=20,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_the_duty_read_model_equals_the_centres_signed_rosters(
    ledger: CaseLedger, models: ReadModels, operations: list[tuple[str, str, StationKind, date, date]]
) -> None:
    for kind, lawyer, station, first, last in operations:
        try:
            if kind == "schedule":
                put_on_duty(ledger, lawyer, min(first, last), max(first, last), station.value)
            else:
                withdraw_duty(ledger, WithdrawDuty(station=station, day=first, lawyer=lawyer, reason="调班"), staff(HANDLING), AT)
        except DomainError as refusal:
            assert refusal.code in ("ALREADY_ON_DUTY", "NOT_THIS_MONTH", "NOT_ON_DUTY", "ROSTER_NOT_FOUND")
    expected = set()
    for month in ("2026-03", "2026-04"):
        roster = ledger.find(roster_stream_id(ledger.policy.city, HANDLING, month), DutyRoster)
        if roster is not None:
            expected |= {(d.isoformat(), s.value, lawyer) for (d, s), lawyers in roster.on_duty.items() for lawyer in lawyers}
    rows = duties(models.store, models.current("duty_rosters").current_table(), None, None, district="qingshan")
    assert {(r["day"], r["station"], r["lawyer"]) for r in rows if not r["withdrawn"]} == expected


def test_centres_racing_to_put_one_lawyer_on_duty_one_day_leave_one_duty(ledger: CaseLedger, models: ReadModels) -> None:
    outcomes: list[str] = []

    def schedule(station: str) -> None:
        try:
            put_on_duty(ledger, LAWYER, date(2026, 3, 9), station=station)
            outcomes.append("scheduled")
        except DomainError as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=schedule, args=(station,)) for station in [s.value for s in StationKind] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ALREADY_ON_DUTY"] * 8 + ["scheduled"]
    assert_verifies(ledger)


def test_a_lawyer_on_another_centres_roster_that_day_is_refused_and_free_again_once_taken_off(
    ledger: CaseLedger, models: ReadModels
) -> None:
    put_on_duty(ledger, LAWYER, date(2026, 3, 10), centre="baotou-kundulun")

    with pytest.raises(DomainError) as refused:
        put_on_duty(ledger, LAWYER, date(2026, 3, 9), date(2026, 3, 11))
    assert refused.value.code == "ON_DUTY_ELSEWHERE"
    assert ledger.find(roster_stream_id(ledger.policy.city, HANDLING, "2026-03"), DutyRoster) is None  # nothing opened

    withdraw = WithdrawDuty.model_validate({"station": "court", "day": date(2026, 3, 10), "lawyer": LAWYER, "reason": "调往青山"})
    withdraw_duty(ledger, withdraw, staff("baotou-kundulun"), AT)
    assert put_on_duty(ledger, LAWYER, date(2026, 3, 9), date(2026, 3, 11)).on_duty[(date(2026, 3, 10), StationKind.COURT)] == {LAWYER}


def test_after_kill_9_each_duty_is_whole_or_absent_and_a_retry_completes_the_roster(
    ledger: CaseLedger, models: ReadModels, settings: Settings, tmp_path: Path
) -> None:
    token = principal_store(ledger, settings).add("排班", HANDLING, {Role.STAFF})[1]
    headers = {"Authorization": f"Bearer {token}"}
    wanted = [(LAWYER, date(2026, 3, d)) for d in range(1, 32)] + [(MINORS, date(2026, 3, d)) for d in range(1, 10)]
    requests = [
        (f"{lawyer}-{day}", {"station": "court", "first_day": day.isoformat(), "lawyer": lawyer, "at": AT.isoformat()}, headers)
        for lawyer, day in wanted
    ]
    answered = kill_while_posting(Server(settings, tmp_path / "before-kill.log"), "/duty/schedule", requests)
    assert set(answered.values()) == {200}
    assert_verifies(ledger)

    restarted = Server(settings, tmp_path / "after-kill.log")
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=30) as http:
            retried = {name: http.post("/duty/schedule", json=body) for name, body, _ in requests}
    finally:
        restarted.stop()
    for name, response in retried.items():
        expected = {422} if name in answered else {200, 422}  # recorded before the kill, or perhaps just as it fell
        assert response.status_code in expected, response.text
        if response.status_code == 422:
            assert response.json()["code"] == "ALREADY_ON_DUTY"
    rows = duties(models.store, models.current("duty_rosters").current_table(), None, None, district="qingshan")
    assert sorted((r["lawyer"], r["day"]) for r in rows) == sorted((lawyer, day.isoformat()) for lawyer, day in wanted)  # each once
    assert_verifies(ledger)


def test_a_centre_keeps_its_own_roster_and_everyone_who_works_cases_reads_who_is_on_duty(api: Api) -> None:
    duty = {"station": "procuratorate", "first_day": "2026-03-02", "last_day": "2026-03-06", "lawyer": LAWYER, "at": AT.isoformat()}
    kept = api.post("qingshan_staff", "/duty/schedule", duty)
    assert kept.status_code == 200, kept.text
    assert (kept.json()["district"], len(kept.json()["on_duty"])) == ("qingshan", 5)
    assert api.post("bureau", "/duty/schedule", duty).json()["code"] == "ROLE_NOT_ALLOWED"
    assert api.post("auditor", "/duty/schedule", duty).status_code == 403
    again = api.post("qingshan_staff", "/duty/schedule", {**duty, "station": "court", "first_day": "2026-03-06"})
    assert (again.status_code, again.json()["code"]) == (422, "ALREADY_ON_DUTY")
    for mistake in ({"station": "police"}, {"lawyer": "123"}, {"first_day": "soon"}, {"last_day": "2026-04-02"}):
        answer = api.post("qingshan_staff", "/duty/schedule", {**duty, **mistake})
        assert 400 <= answer.status_code < 500 and answer.json()["code"], (mistake, answer.text)

    listing = api.get("kundulun_staff", "/duty", params={"on": "2026-03-04"}).json()
    assert [(d["district"], d["station"], d["lawyer"]) for d in listing["duties"]] == [("qingshan", "procuratorate", LAWYER)]
    police = api.get("bureau", "/duty", params={"station": "police"}).json()
    assert police["code"] == "INVALID_REQUEST" and "court, procuratorate, detention_centre" in police["detail"]
    unknown = api.get("bureau", "/duty", params={"district": "hohhot"}).json()
    assert unknown["code"] == "UNKNOWN_DISTRICT" and "qingshan" in unknown["detail"]  # it says which are valid
    assert api.get("kundulun_staff", "/duty/rosters/baotou-qingshan/2026-03").json()["code"] == "NOT_YOUR_INSTITUTION"
    assert api.get("auditor", "/duty/rosters/baotou-qingshan/2026-03").json()["version"] == 2
    withdrawn = api.post(
        "qingshan_staff", "/duty/withdrawal", {"station": "procuratorate", "day": "2026-03-04", "lawyer": LAWYER, "reason": "病假"}
    )
    assert withdrawn.status_code == 200 and len(withdrawn.json()["on_duty"]) == 4
    assert api.get("kundulun_staff", "/duty", params={"on": "2026-03-04"}).json()["duties"][0]["withdrawn"] is True
