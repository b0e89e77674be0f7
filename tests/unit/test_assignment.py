"""Choosing the lawyer (指派): the client's choice (点援) honoured when the lawyer is qualified and free of
conflict, or refused with the reason; rotation (轮派) a firm near the case first, the fewest turns first;
LAL 26, minors' cases and the conflict check for every method. Pure domain: a pool in memory."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.assignment import PoolInMemory
from domain.lawyers import LawyerProfile, LawyerStatus, Specialty
from domain.vocabulary import KeyGroup, MatterKind
from tests.unit.lawyers import JUNIOR, LAWYER, LAWYERS, MINORS, profile
from tests.unit.test_case_rules import STAFF, Story, refused

SUSPENDED = LawyerProfile(
    "11502201200000009", "赵律师", "赵所", "qingshan", "址", "1", frozenset({Specialty.CIVIL}), None, LawyerStatus.SUSPENDED
)
ADMINISTRATIVE_ONLY = LawyerProfile(
    "11502201200000008", "钱律师", "钱所", "qingshan", "址", "1", frozenset({Specialty.ADMINISTRATIVE}), None, LawyerStatus.ACTIVE
)


def assignment(story: Story) -> dict[str, object]:
    event = story.case.collect_events()[-1]
    return dict(event.assignment)  # type: ignore[attr-defined]


def test_no_appointment_before_a_grant() -> None:
    assert refused(Story().reviewed(), "appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER) == "NOT_GRANTED"


def test_the_clients_choice_is_honoured_when_the_lawyer_is_qualified() -> None:
    story = Story().granted().do("appoint_lawyer", STAFF["kundulun"], client_choice=JUNIOR)
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] == JUNIOR  # a civil case needs no senior
    assert assignment(story)["method"] == "client_choice"
    assert story.case.lawyer["office_phone"] == "0472-1"  # what the applicant is told


@pytest.mark.parametrize(
    ("chosen", "code"),
    [(SUSPENDED, "LAWYER_NOT_ACTIVE"), (ADMINISTRATIVE_ONLY, "LAWYER_WRONG_SPECIALTY")],
)
def test_a_choice_that_cannot_be_honoured_goes_to_rotation_which_records_why(chosen: LawyerProfile, code: str) -> None:
    story = Story(lawyers=(*LAWYERS, chosen)).granted()
    strict = refused(story, "appoint_lawyer", STAFF["kundulun"], client_choice=chosen.licence_number, rotation_if_refused=False)
    assert strict == code  # asked to refuse rather than rotate: refused, nothing recorded
    story.do("appoint_lawyer", STAFF["kundulun"], client_choice=chosen.licence_number)
    record = assignment(story)
    assert record["method"] == "rotation" and record["client_choice"] == chosen.licence_number
    assert record["choice_refused"]["code"] == code  # type: ignore[index]
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] in (LAWYER, MINORS)


def test_a_lawyer_not_in_the_pool_is_a_mistake_not_a_choice() -> None:
    assert refused(Story().granted(), "appoint_lawyer", STAFF["kundulun"], client_choice="11500000000000000") == "LAWYER_NOT_ON_ROLL"


def test_a_possible_life_or_death_sentence_needs_three_years_of_verified_criminal_practice() -> None:
    story = Story(matter_kind=MatterKind.CRIMINAL, possible_life_or_death=True).granted()
    strict = {"client_choice": JUNIOR, "rotation_if_refused": False}
    assert refused(story, "appoint_lawyer", STAFF["kundulun"], **strict) == "LAWYER_NOT_QUALIFIED"  # 王律师: 1 year in 2026
    story.do("appoint_lawyer", STAFF["kundulun"], client_choice=JUNIOR)
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] != JUNIOR
    assert story.case.lawyer["criminal_practice_years"] >= 3
    assert refused(story, "appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER) == "ALREADY_APPOINTED"
    assert refused(story, "change_lawyer", STAFF["kundulun"], reason="更换", **strict) == "LAWYER_NOT_QUALIFIED"
    current = story.case.lawyer["licence_number"]
    story.do("change_lawyer", STAFF["kundulun"], reason="受援人要求")  # rotation, never the lawyer being replaced
    assert story.case.lawyer["licence_number"] not in (JUNIOR, current)


def test_a_minors_case_goes_to_a_lawyer_who_knows_minors() -> None:
    story = Story(key_groups=(KeyGroup.MINOR,)).granted()
    assert refused(story, "appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER, rotation_if_refused=False) == (
        "LAWYER_NOT_QUALIFIED_FOR_MINORS"
    )
    story.do("appoint_lawyer", STAFF["kundulun"])
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] == MINORS
    assert assignment(story)["rotation"] == {"queue": "minors", "district": "qingshan", "turns_before": 0}


def test_no_qualified_lawyer_refuses_and_records_nothing() -> None:
    story = Story(matter_kind=MatterKind.ADMINISTRATIVE).granted()
    assert refused(story, "appoint_lawyer", STAFF["kundulun"]) == "NO_QUALIFIED_LAWYER"


def test_a_lawyer_who_acted_for_another_party_in_the_same_matter_is_refused() -> None:
    matter: dict[str, Any] = {"authority_case_number": "(2026)内0204民初88号"}
    plaintiff = Story(**matter).granted().do("appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER)
    defendant = Story(applicant={"applicant_id": "p2", "name": "李四"}, **matter).granted()
    defendant.pool = plaintiff.pool  # one pool: it knows whom 张律师 acted for
    strict = {"client_choice": LAWYER, "rotation_if_refused": False}
    assert refused(defendant, "appoint_lawyer", STAFF["kundulun"], **strict) == "LAWYER_CONFLICT"
    defendant.do("appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER)
    assert defendant.case.lawyer is not None and defendant.case.lawyer["licence_number"] != LAWYER
    appeal = Story(**matter).granted()  # the same client again in the same matter: no conflict
    appeal.pool = plaintiff.pool
    appeal.do("appoint_lawyer", STAFF["kundulun"], client_choice=LAWYER)
    assert appeal.case.lawyer is not None and appeal.case.lawyer["licence_number"] == LAWYER


def test_rotation_prefers_a_firm_where_the_case_is() -> None:
    story = Story().granted().do("appoint_lawyer", STAFF["kundulun"])  # a Qingshan court's case
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] in (LAWYER, MINORS)
    assert assignment(story)["rotation"] == {"queue": "civil", "district": "qingshan", "turns_before": 0}


@given(size=st.integers(1, 8), appointments=st.integers(0, 60))
def test_rotation_gives_each_qualified_lawyer_a_share_within_one_of_equal(size: int, appointments: int) -> None:
    lawyers = [profile(f"115020180000000{n:02d}", f"律师{n}", "qingshan", date(2018, 1, 1)) for n in range(size)]
    pool = PoolInMemory(lawyers)
    chosen: Counter[str] = Counter()
    for _ in range(appointments):
        story = Story(lawyers=()).granted()
        story.pool = pool
        story.do("appoint_lawyer", STAFF["kundulun"])
        assert story.case.lawyer is not None
        chosen[story.case.lawyer["licence_number"]] += 1
    shares = [chosen[lawyer.licence_number] for lawyer in lawyers]
    assert max(shares) - min(shares) <= 1
    assert sum(shares) == appointments
