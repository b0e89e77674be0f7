"""Closing a case, as specifications: the closing file, archiving by the first-receiving institution, and
the subsidy it pays within the band or above it on an approved ground (000 三(二), 001 二(三)).

Pure domain tests: no database. After every refusal the case has recorded nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain.closing_commands import ApproveAboveBandSubsidy
from domain.duty import StationKind
from domain.errors import DomainError
from domain.vocabulary import AboveBandGround, FileGrade, MatterKind, SubsidyKind
from tests.unit.lawyers import LAWYER
from tests.unit.test_case_rules import HEAD, STAFF, Story, refused


# ------------------------------------------------------------------ closing, archiving (归档)
def test_closing_needs_a_lawyer_and_a_whole_amount() -> None:
    assert refused(Story().granted(), "close", STAFF["kundulun"], outcome="x", amount_recovered_fen=0) == "NOT_APPOINTED"
    assert refused(Story().appointed(), "close", STAFF["kundulun"], outcome="x", amount_recovered_fen=-1) == "INVALID_AMOUNT"


def test_the_closing_file_comes_after_closing_and_only_once() -> None:
    assert refused(Story().appointed(), "submit_closing_file", STAFF["kundulun"], pages=10) == "NOT_CLOSED"
    story = Story().file_reviewed()
    assert refused(story, "submit_closing_file", STAFF["kundulun"], pages=10) == "FILE_ALREADY_SUBMITTED"


def test_only_the_first_receiving_institution_archives_even_when_another_handled_the_case() -> None:
    story = Story().transferred().closed("qingshan")
    assert refused(story, "archive", STAFF["kundulun"], archive_number="A") == "NOT_READY_TO_ARCHIVE"
    story.do("submit_closing_file", STAFF["qingshan"], pages=20)
    assert refused(story, "archive", STAFF["qingshan"], archive_number="A") == "NOT_FIRST_RECEIVING_INSTITUTION"
    story.do("archive", STAFF["kundulun"], archive_number="A")
    assert refused(story, "archive", STAFF["kundulun"], archive_number="A") == "ALREADY_ARCHIVED"


# ------------------------------------------------------------------ subsidies (办案补贴)
PAY: dict[str, Any] = {"kind": SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, "payee": "张律师", "reference": "PAY-1"}


def test_only_the_first_receiving_institution_reviews_the_file_and_then_pays_the_subsidy() -> None:
    story = Story().transferred().closed("qingshan")
    review = {"reviewer": "审查员", "grade": FileGrade.EXCELLENT, "opinion": "卷宗规范"}
    assert refused(story, "review_closing_file", STAFF["kundulun"], **review) == "FILE_NOT_SUBMITTED"
    assert refused(story, "pay_subsidy", STAFF["kundulun"], amount_fen=150_000, **PAY) == "FILE_NOT_SUBMITTED"
    story.do("submit_closing_file", STAFF["kundulun"], pages=20)
    assert refused(story, "pay_subsidy", STAFF["kundulun"], amount_fen=150_000, **PAY) == "FILE_NOT_REVIEWED"
    assert refused(story, "review_closing_file", STAFF["qingshan"], **review) == "NOT_FIRST_RECEIVING_INSTITUTION"
    story.do("review_closing_file", STAFF["kundulun"], **review)
    assert story.case.file_grade == "excellent"
    assert refused(story, "review_closing_file", STAFF["kundulun"], **review) == "FILE_ALREADY_REVIEWED"
    assert refused(story, "pay_subsidy", STAFF["qingshan"], amount_fen=150_000, **PAY) == "NOT_FIRST_RECEIVING_INSTITUTION"
    story.do("pay_subsidy", STAFF["kundulun"], amount_fen=150_000, **PAY)
    assert story.case.subsidies_paid == {"civil_administrative_case": 150_000}
    assert refused(story, "pay_subsidy", STAFF["kundulun"], amount_fen=150_000, **PAY) == "ALREADY_PAID"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": SubsidyKind.CRIMINAL_CASE, "amount_fen": 100_000}, "WRONG_SUBSIDY_KIND"),
        ({"amount_fen": 99_999}, "BELOW_BAND"),
        ({"amount_fen": 180_001}, "ABOVE_BAND_NOT_APPROVED"),
        ({"amount_fen": 0}, "INVALID_AMOUNT"),
    ],
)
def test_a_subsidy_outside_the_band_is_refused(changes: dict[str, Any], code: str) -> None:
    assert refused(Story().file_reviewed(), "pay_subsidy", STAFF["kundulun"], **{**PAY, **changes}) == code


REMOTE_EVIDENCE: dict[str, Any] = {"ground": AboveBandGround.REMOTE_EVIDENCE_GATHERING, "reason": "赴外省调取证据"}


@pytest.mark.parametrize("ground", [None, "good_relations", "异地取证"])
def test_an_above_band_approval_must_name_one_of_the_two_grounds(ground: str | None) -> None:
    """001 二(三): only remote evidence gathering (异地取证) or a difficult or complex case (疑难复杂)."""
    named = {} if ground is None else {"ground": ground}
    with pytest.raises(ValidationError):
        ApproveAboveBandSubsidy.model_validate({"kind": "civil_administrative_case", "amount_fen": 200_000, "reason": "r", **named})


def test_an_above_band_approval_records_its_ground() -> None:
    story = Story().file_reviewed()
    story.case.collect_events()
    story.do(
        "approve_above_band_subsidy", HEAD["kundulun"], kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=200_000, **REMOTE_EVIDENCE
    )
    (approved,) = story.case.collect_events()
    assert (type(approved).__name__, approved.ground) == ("AboveBandSubsidyApproved", "remote_evidence_gathering")  # type: ignore[attr-defined]


def test_above_the_band_needs_the_heads_approval_up_to_the_approved_amount() -> None:
    story = Story().file_reviewed()
    approve: Callable[..., Any] = story.case.approve_above_band_subsidy
    story.case.collect_events()
    with pytest.raises(DomainError) as not_head:
        approve(STAFF["kundulun"], story.clock(), kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=200_000, **REMOTE_EVIDENCE)
    assert not_head.value.code == "NOT_HEAD"
    approve(HEAD["kundulun"], story.clock(), kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=200_000, **REMOTE_EVIDENCE)
    assert refused(story, "pay_subsidy", STAFF["kundulun"], **{**PAY, "amount_fen": 200_001}) == "ABOVE_BAND_NOT_APPROVED"
    story.do("pay_subsidy", STAFF["kundulun"], **{**PAY, "amount_fen": 200_000})
    assert story.case.subsidies_paid["civil_administrative_case"] == 200_000


def test_a_duty_lawyer_is_paid_per_working_day_within_the_band() -> None:
    story = Story(matter_kind=MatterKind.DUTY_LAWYER)
    story.pool.duties[(StationKind.COURT, "qingshan", date(2026, 3, 2))] = [LAWYER]  # on duty at 青山区人民法院
    story.file_reviewed()
    duty: dict[str, Any] = {**PAY, "kind": SubsidyKind.DUTY_LAWYER_DAY}
    assert refused(story, "pay_subsidy", STAFF["kundulun"], **duty, amount_fen=150_001, working_days=3) == "ABOVE_BAND_NOT_APPROVED"
    story.do("pay_subsidy", STAFF["kundulun"], **duty, amount_fen=150_000, working_days=3)
    assert story.case.subsidies_paid == {"duty_lawyer_day": 150_000}
