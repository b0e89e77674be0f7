"""Duty lawyers (值班律师), as specifications: a centre puts active criminal lawyers of the pool on duty at its
district's stations, one station a day each, and takes them off a day saying why; a duty-lawyer matter is
designated from the roster of the station of the case's authority that day. Pure domain; after every refusal
nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from domain.actor import SHANGHAI
from domain.duty import Duty, DutyRoster, StationKind
from domain.errors import DomainError
from domain.lawyers import LawyerStatus, Specialty
from domain.vocabulary import KeyGroup, MatterKind
from tests.unit.lawyers import JUNIOR, LAWYER, LAWYERS, MINORS
from tests.unit.test_assignment import ADMINISTRATIVE_ONLY, SUSPENDED, assignment
from tests.unit.test_case_rules import DIRECTORY, STAFF, Story, refused

AT = datetime(2026, 2, 20, 16, 0, tzinfo=SHANGHAI)
POOL = {lawyer.licence_number: lawyer for lawyer in (*LAWYERS, SUSPENDED, ADMINISTRATIVE_ONLY)}
DUTY_DAY = date(2026, 3, 2)  # the day the walkthrough's cases are received and appointed


def roster(centre: str = "qingshan", month: str = "2026-03") -> DutyRoster:
    return DutyRoster.open(STAFF[centre], AT, "baotou", month, DIRECTORY)


def on(station: StationKind, first: date, last: date, lawyer: str) -> Duty:
    return Duty(station, first, last, lawyer)


def refused_code(aggregate: DutyRoster, action: Callable[[], Any]) -> str:
    before = (aggregate.version, len(aggregate.pending_events))
    with pytest.raises(DomainError) as refusal:
        action()
    assert (aggregate.version, len(aggregate.pending_events)) == before
    return str(refusal.value.code)


def test_a_centre_puts_a_lawyer_on_duty_for_some_days_and_takes_them_off_one() -> None:
    kept = roster()
    kept.schedule(STAFF["qingshan"], AT, on(StationKind.COURT, date(2026, 3, 2), date(2026, 3, 6), LAWYER), POOL[LAWYER], dict)
    assert kept.on_duty[(date(2026, 3, 4), StationKind.COURT)] == {LAWYER}
    kept.withdraw(STAFF["qingshan"], AT, StationKind.COURT, date(2026, 3, 4), LAWYER, "病假，与李律师调班")
    assert kept.on_duty[(date(2026, 3, 4), StationKind.COURT)] == set()
    assert kept.on_duty[(date(2026, 3, 5), StationKind.COURT)] == {LAWYER}
    events = kept.collect_events()
    assert [type(e).__name__ for e in events] == ["Opened", "Scheduled", "Withdrawn"]
    assert events[1].district == "qingshan"  # type: ignore[attr-defined]  # the station named by the record itself


def test_only_active_criminal_lawyers_of_the_pool_go_on_duty_one_station_a_day() -> None:
    kept = roster()
    kept.schedule(STAFF["qingshan"], AT, on(StationKind.COURT, date(2026, 3, 2), date(2026, 3, 3), LAWYER), POOL[LAWYER], dict)
    twice = on(StationKind.PROCURATORATE, date(2026, 3, 3), date(2026, 3, 3), LAWYER)
    assert refused_code(kept, lambda: kept.schedule(STAFF["qingshan"], AT, twice, POOL[LAWYER], dict)) == "ALREADY_ON_DUTY"
    for lawyer, code in ((SUSPENDED, "LAWYER_NOT_ACTIVE"), (ADMINISTRATIVE_ONLY, "LAWYER_WRONG_SPECIALTY"), (None, "LAWYER_NOT_ON_ROLL")):
        duty = on(StationKind.COURT, date(2026, 3, 9), date(2026, 3, 9), lawyer.licence_number if lawyer else "1" * 17)
        assert refused_code(kept, lambda d=duty, p=lawyer: kept.schedule(STAFF["qingshan"], AT, d, p, dict)) == code  # type: ignore[misc]


def test_a_lawyer_on_duty_in_another_district_that_day_is_not_put_on_duty_here() -> None:
    kept = roster()

    def elsewhere() -> dict[date, str]:
        return {date(2026, 3, 4): "kundulun"}  # on the Kundulun centre's roster that day

    days = on(StationKind.COURT, date(2026, 3, 2), date(2026, 3, 6), LAWYER)
    assert refused_code(kept, lambda: kept.schedule(STAFF["qingshan"], AT, days, POOL[LAWYER], elsewhere)) == "ON_DUTY_ELSEWHERE"
    kept.schedule(STAFF["qingshan"], AT, on(StationKind.COURT, date(2026, 3, 5), date(2026, 3, 6), LAWYER), POOL[LAWYER], elsewhere)
    assert kept.on_duty[(date(2026, 3, 5), StationKind.COURT)] == {LAWYER}


def test_a_roster_is_its_centres_own_and_holds_days_of_its_month_in_order() -> None:
    kept = roster()
    duty = on(StationKind.COURT, date(2026, 3, 2), date(2026, 3, 2), LAWYER)
    assert refused_code(kept, lambda: kept.schedule(STAFF["kundulun"], AT, duty, POOL[LAWYER], dict)) == "NOT_YOUR_ROSTER"
    for first, last in ((date(2026, 2, 27), date(2026, 3, 2)), (date(2026, 3, 30), date(2026, 4, 1)), (date(2026, 3, 5), date(2026, 3, 4))):
        wrong = on(StationKind.COURT, first, last, LAWYER)
        assert refused_code(kept, lambda w=wrong: kept.schedule(STAFF["qingshan"], AT, w, POOL[LAWYER], dict)) == "NOT_THIS_MONTH"  # type: ignore[misc]
    off_duty_day = date(2026, 3, 2)
    assert refused_code(kept, lambda: kept.withdraw(STAFF["qingshan"], AT, StationKind.COURT, off_duty_day, LAWYER, "x")) == "NOT_ON_DUTY"
    with pytest.raises(DomainError) as bureau:
        DutyRoster.open(STAFF["bureau"], AT, "baotou", "2026-03", DIRECTORY)
    assert bureau.value.code == "NOT_A_LEGAL_AID_CENTRE"


def duty_story(*on_duty: str, authority: str = "青山区人民法院", **changes: Any) -> Story:
    story = Story(matter_kind=MatterKind.DUTY_LAWYER, authority_name=authority, **changes).granted()
    story.pool.duties[(StationKind.COURT, "qingshan", DUTY_DAY)] = list(on_duty)
    return story


def test_a_duty_lawyer_matter_is_designated_from_the_roster_of_its_station_that_day() -> None:
    story = duty_story(MINORS, LAWYER).do("appoint_lawyer", STAFF["kundulun"])
    record = assignment(story)
    assert record["method"] == "duty_roster"
    assert record["duty"] == {"station": "court", "district": "qingshan", "day": "2026-03-02"}
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] in (MINORS, LAWYER)


def test_the_clients_choice_is_honoured_only_among_the_lawyers_on_duty() -> None:
    chosen = duty_story(LAWYER, MINORS).do("appoint_lawyer", STAFF["kundulun"], client_choice=MINORS)
    assert (assignment(chosen)["method"], chosen.case.lawyer["licence_number"]) == ("client_choice", MINORS)  # type: ignore[index]
    strict = refused(duty_story(LAWYER), "appoint_lawyer", STAFF["kundulun"], client_choice=JUNIOR, rotation_if_refused=False)
    assert strict == "NOT_ON_DUTY"
    rotated = duty_story(LAWYER).do("appoint_lawyer", STAFF["kundulun"], client_choice=JUNIOR)
    assert assignment(rotated)["choice_refused"]["code"] == "NOT_ON_DUTY"  # type: ignore[index]
    assert rotated.case.lawyer is not None and rotated.case.lawyer["licence_number"] == LAWYER


def test_a_chosen_lawyer_on_duty_is_still_held_to_the_qualifications_of_the_case() -> None:
    minor = duty_story(LAWYER, MINORS, key_groups=[KeyGroup.MINOR]).do("appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER)
    record = assignment(minor)
    assert record["choice_refused"]["code"] == "LAWYER_NOT_QUALIFIED_FOR_MINORS"  # type: ignore[index]  # 未成年人保护法 104
    assert minor.case.lawyer is not None and minor.case.lawyer["licence_number"] == MINORS


def test_no_lawyer_on_duty_or_no_station_at_the_authority_refuses_and_records_nothing() -> None:
    assert refused(duty_story(), "appoint_lawyer", STAFF["kundulun"]) == "NO_LAWYER_ON_DUTY"
    suspended = replace(POOL[LAWYER], status=LawyerStatus.SUSPENDED, specialties=frozenset({Specialty.CRIMINAL}))
    story = duty_story(LAWYER)
    story.pool.lawyers[LAWYER] = suspended  # on the roster, but suspended since: not designated
    assert refused(story, "appoint_lawyer", STAFF["kundulun"]) == "NO_LAWYER_ON_DUTY"
    assert refused(duty_story(LAWYER, authority="青山区司法所"), "appoint_lawyer", STAFF["kundulun"]) == "NO_DUTY_STATION"


def test_a_station_is_named_as_a_caseworker_writes_its_authority() -> None:
    assert StationKind.COURT.name_in("包头市", "municipal") == "包头市中级人民法院"
    assert StationKind.PROCURATORATE.name_in("青山区", "qingshan") == "青山区人民检察院"
    assert StationKind.of_authority("包头市看守所") is StationKind.DETENTION_CENTRE
    assert StationKind.of_authority("青山区人民检察院") is StationKind.PROCURATORATE
