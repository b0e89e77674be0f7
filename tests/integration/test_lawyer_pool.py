"""The lawyer pool (律师库): the city's bureau registers lawyers with the experience it verified and records
their changes, signed like the network; any other institution is refused and nothing is recorded; every
institution reads the pool. Both backends."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.actor import SHANGHAI, Actor
from domain.errors import DomainError
from domain.lawyers import LawyerStatus, Specialty, lawyer_stream_id
from domain.pool_commands import ChangeLawyerStatus, RegisterLawyer, VerifyPractice
from domain.vocabulary import Role
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.verification import verify_ledger
from projections.lawyer_pool import rotation
from projections.registry import build_read_models
from tests.http_client import Api

BUREAU = Actor("baotou-bureau", "律师工作科", Role.BUREAU)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
LICENCE = "11502201810999999"  # not one of the walkthrough's pool (tests/walkthrough.py)


def registration(licence: str = LICENCE, district: str = "qingshan", **changes: object) -> RegisterLawyer:
    fields: dict[str, object] = {
        "licence_number": licence,
        "name": "张伟",
        "firm": "内蒙古慧丰律师事务所",
        "firm_district": district,
        "office_address": "青山区幸福路 1 号",
        "office_phone": "0472-1234567",
        "specialties": [Specialty.CRIMINAL, Specialty.CIVIL],
        "criminal_practice_since": date(2018, 5, 1),
        "verification": "执业证及刑事案件办案记录核验",
    }
    return RegisterLawyer.model_validate({**fields, **changes})


def records(ledger: CaseLedger) -> int:
    return len(list(ledger.all_records()))


def test_the_bureau_registers_a_lawyer_whose_years_are_counted_from_the_verified_date(ledger: CaseLedger) -> None:
    lawyer = ledger.register_lawyer(registration(), BUREAU, AT)
    profile = ledger.get_lawyer(LICENCE).profile()
    assert profile == lawyer.profile()
    assert (profile.firm_district, profile.status, set(profile.specialties)) == ("qingshan", LawyerStatus.ACTIVE, {"criminal", "civil"})
    assert profile.criminal_practice_years(date(2021, 4, 30)) == 2  # three years complete on 2021-05-01, not before
    assert profile.criminal_practice_years(date(2021, 5, 1)) == 3
    report = verify_ledger(ledger)
    assert (report.ok, report.lawyers, report.cases) == (True, 1, 0)
    stored = ledger.recorder.select_events(lawyer_stream_id("包头市", LICENCE))
    assert [r.topic.rpartition(":")[2] for r in stored] == ["Lawyer.Registered"]


@pytest.mark.parametrize(
    ("actor", "command", "code"),
    [
        (Actor("baotou-qingshan", "工作人员", Role.STAFF), registration(), "NOT_BUREAU"),
        (Actor("baotou-kundulun-bureau", "科员", Role.BUREAU), registration(), "NOT_BUREAU"),  # a county bureau does not keep it
        (BUREAU, registration(district="hohhot"), "UNKNOWN_DISTRICT"),
    ],
)
def test_only_the_city_bureau_registers_and_a_refusal_records_nothing(
    ledger: CaseLedger, actor: Actor, command: RegisterLawyer, code: str
) -> None:
    before = records(ledger)
    with pytest.raises(DomainError) as refused:
        ledger.register_lawyer(command, actor, AT)
    assert refused.value.code == code
    assert records(ledger) == before


def test_a_lawyer_is_registered_once_and_changes_are_refused_when_they_change_nothing(ledger: CaseLedger) -> None:
    ledger.register_lawyer(registration(), BUREAU, AT)
    before = records(ledger)
    with pytest.raises(DomainError) as twice:
        ledger.register_lawyer(registration(name="张伟2"), BUREAU, AT)
    unchanged = ChangeLawyerStatus(status=LawyerStatus.ACTIVE, reason="恢复")
    with pytest.raises(DomainError) as same:
        ledger.change_lawyer(LICENCE, unchanged, BUREAU, AT)
    future = VerifyPractice(specialties=[Specialty.CRIMINAL], criminal_practice_since=date(2027, 1, 1), verification="核验")
    with pytest.raises(DomainError) as ahead:
        ledger.change_lawyer(LICENCE, future, BUREAU, AT)
    with pytest.raises(DomainError) as unknown:
        ledger.change_lawyer("11502201800000000", unchanged, BUREAU, AT)
    assert [e.value.code for e in (twice, same, ahead, unknown)] == [
        "LAWYER_ALREADY_ON_ROLL",
        "LAWYER_STATUS_UNCHANGED",
        "PRACTICE_DATE_IN_FUTURE",
        "LAWYER_NOT_ON_ROLL",
    ]
    assert records(ledger) == before


def test_a_suspended_lawyer_leaves_the_rotation_and_returns_when_restored(ledger: CaseLedger, settings: Settings) -> None:
    ledger.register_lawyer(registration(), BUREAU, AT)
    ledger.register_lawyer(registration("11502201910000001", district="kundulun", specialties=[Specialty.CRIMINAL]), BUREAU, AT)
    models = build_read_models(settings, ledger)
    pool = models.runners["lawyer_pool"]

    def queue(specialty: str, district: str | None = None) -> list[str]:
        pool.catch_up()
        return [licence for licence, _ in rotation(models.store, pool.current_table(), specialty, district)]

    assert queue("criminal") == sorted([LICENCE, "11502201910000001"])
    assert (queue("criminal", "qingshan"), queue("civil")) == ([LICENCE], [LICENCE])
    ledger.change_lawyer(LICENCE, ChangeLawyerStatus(status=LawyerStatus.SUSPENDED, reason="投诉调查中"), BUREAU, AT)
    assert (queue("criminal"), queue("civil")) == (["11502201910000001"], [])
    ledger.change_lawyer(LICENCE, ChangeLawyerStatus(status=LawyerStatus.ACTIVE, reason="调查结束"), BUREAU, AT)
    assert queue("civil") == [LICENCE]


def test_a_lawyer_stream_is_not_a_case(ledger: CaseLedger) -> None:
    ledger.register_lawyer(registration(), BUREAU, AT)
    with pytest.raises(DomainError) as refused:
        ledger.get_case(lawyer_stream_id("包头市", LICENCE))
    assert refused.value.code == "CASE_NOT_FOUND"


def test_the_bureau_keeps_the_pool_over_http_and_every_institution_reads_it(api: Api) -> None:
    body = registration().model_dump(mode="json")
    refused = api.post("qingshan_staff", "/lawyers", body)
    assert (refused.status_code, refused.json()["code"]) == (403, "ROLE_NOT_ALLOWED")
    created = api.post("bureau", "/lawyers", body)
    assert created.status_code == 201, created.text
    assert created.json()["criminal_practice_since"] == "2018-05-01"

    pool = api.get("kundulun_staff", "/lawyers", params={"specialty": "criminal"}).json()
    mine = [(lawyer["turns"], lawyer["open_cases"]) for lawyer in pool["lawyers"] if lawyer["licence_number"] == LICENCE]
    assert mine == [(0, 0)] and {"criminal"} <= set(pool["lawyers"][0]["specialties"])
    wrong = api.get("kundulun_staff", "/lawyers", params={"specialty": "tax"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "INVALID_REQUEST")
    assert "specialty" in wrong.json()["detail"] and "criminal" in wrong.json()["detail"]  # naming the specialties there are

    suspended = api.post("bureau", f"/lawyers/{LICENCE}/status", {"status": "suspended", "reason": "投诉调查中"})
    assert (suspended.status_code, suspended.json()["status"]) == (200, "suspended")
    missing = api.get("kundulun_staff", "/lawyers/11502201800000000")
    assert (missing.status_code, missing.json()["code"]) == (404, "LAWYER_NOT_ON_ROLL")
    bad = api.post("bureau", "/lawyers", {**body, "licence_number": "12-34"})
    assert bad.status_code in (400, 422) and "licence_number" in bad.text
