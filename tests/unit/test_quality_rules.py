"""Quality review (质量评查), as specifications: hearings attended, the authority's opinion asked and the
recipient called back, by an institution of the case; and a subsidy paid by the file's grade where the
city's profile links the two (差别补贴, Nanning 004 三(六)), while Baotou's pays by band whatever the grade.

Pure domain tests: no database. After every refusal the case has recorded nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from domain.errors import DomainError
from domain.policy import BAOTOU, SubsidyBand
from domain.quality import QualityCheck
from domain.vocabulary import FileGrade, QualityCheckKind, SubsidyKind
from tests.unit.test_case_rules import STAFF, Story, refused

HEARING = QualityCheck(QualityCheckKind.HEARING_ATTENDANCE, "评查员", True, "律师当庭发表辩护意见")
OPINION = QualityCheck(QualityCheckKind.AUTHORITY_OPINION, "评查员", False, "法院认为代理意见未切中要点")
CALL = QualityCheck(QualityCheckKind.FOLLOW_UP_CALL, "回访员", True)


def test_either_institution_of_the_case_records_a_hearing_and_the_authoritys_opinion_once_a_lawyer_acts() -> None:
    story = Story().transferred().granted("qingshan")
    assert refused(story, "record_quality_check", STAFF["qingshan"], check=HEARING) == "NOT_APPOINTED"
    story.do("appoint_lawyer", STAFF["qingshan"], client_choice=None)
    story.case.collect_events()

    story.do("record_quality_check", STAFF["qingshan"], check=HEARING).do("record_quality_check", STAFF["kundulun"], check=OPINION)

    hearing, opinion = story.case.collect_events()
    assert type(hearing).__name__ == "QualityCheckRecorded"
    assert (hearing.kind, hearing.reviewer, hearing.satisfactory, hearing.by["institution"]) == (  # type: ignore[attr-defined]
        "hearing_attendance",
        "评查员",
        True,
        "qingshan",
    )
    assert (opinion.kind, opinion.satisfactory, opinion.notes) == ("authority_opinion", False, "法院认为代理意见未切中要点")  # type: ignore[attr-defined]
    assert story.case.quality_checks == 2


def test_an_institution_outside_the_case_records_no_check() -> None:
    assert refused(Story().appointed(), "record_quality_check", STAFF["donghe"], check=HEARING) == "NOT_INVOLVED"


def test_the_recipient_is_called_back_only_once_the_case_is_closed_or_terminated() -> None:
    story = Story().appointed()
    assert refused(story, "record_quality_check", STAFF["kundulun"], check=CALL) == "NOT_CLOSED"
    story.do("close", STAFF["kundulun"], outcome="调解结案", amount_recovered_fen=0)
    story.do("record_quality_check", STAFF["kundulun"], check=CALL)
    assert story.case.quality_checks == 1


def test_a_check_names_who_made_it() -> None:
    assert refused(Story().closed(), "record_quality_check", STAFF["kundulun"], check=CALL._replace(reviewer="  ")) == "MISSING_FIELD"


# ------------------------------------------------------------------ 差别补贴: the band by the file's grade
CIVIL = SubsidyKind.CIVIL_ADMINISTRATIVE_CASE
GRADED = replace(
    BAOTOU,
    name="graded",
    graded_bands={  # per civil case, in fen: excellent files up to 2,500 yuan, unqualified ones at most 600
        FileGrade.EXCELLENT: {CIVIL: SubsidyBand(CIVIL, 150_000, 250_000)},
        FileGrade.UNQUALIFIED: {CIVIL: SubsidyBand(CIVIL, 20_000, 60_000)},
    },
)
PAY: dict[str, Any] = {"kind": CIVIL, "payee": "张律师", "reference": "PAY-1"}


def graded(grade: FileGrade) -> Story:
    return Story().filed().do("review_closing_file", STAFF["kundulun"], reviewer="审查员", grade=grade, opinion="评查")


@pytest.mark.parametrize(
    ("grade", "amount_fen", "code"),
    [
        (FileGrade.EXCELLENT, 250_001, "ABOVE_BAND_NOT_APPROVED"),
        (FileGrade.EXCELLENT, 149_999, "BELOW_BAND"),  # Baotou's band would allow it; an excellent file's does not
        (FileGrade.UNQUALIFIED, 60_001, "ABOVE_BAND_NOT_APPROVED"),
        (FileGrade.GOOD, 180_001, "ABOVE_BAND_NOT_APPROVED"),  # a grade the profile does not list: the ordinary band
        (FileGrade.GOOD, 99_999, "BELOW_BAND"),
    ],
)
def test_a_graded_profile_refuses_a_subsidy_outside_the_band_of_the_files_grade(grade: FileGrade, amount_fen: int, code: str) -> None:
    assert refused(graded(grade), "pay_subsidy", STAFF["kundulun"], amount_fen=amount_fen, policy=GRADED, **PAY) == code


@pytest.mark.parametrize(
    ("grade", "amount_fen"), [(FileGrade.EXCELLENT, 250_000), (FileGrade.UNQUALIFIED, 20_000), (FileGrade.GOOD, 180_000)]
)
def test_a_graded_profile_pays_within_the_band_of_the_files_grade(grade: FileGrade, amount_fen: int) -> None:
    story = graded(grade).do("pay_subsidy", STAFF["kundulun"], amount_fen=amount_fen, policy=GRADED, **PAY)
    assert story.case.subsidies_paid == {CIVIL.value: amount_fen}


def test_the_refusal_says_which_grades_band_it_was_held_to() -> None:
    with pytest.raises(DomainError) as refusal:
        graded(FileGrade.EXCELLENT).do("pay_subsidy", STAFF["kundulun"], amount_fen=300_000, policy=GRADED, **PAY)
    assert "优秀卷宗" in refusal.value.message and "for a file graded excellent" in refusal.value.message


@pytest.mark.parametrize("grade", list(FileGrade))
def test_baotou_pays_by_band_whatever_the_grade(grade: FileGrade) -> None:
    """001 二(三): 1,000–1,800 yuan per civil case, the grade aside."""
    assert refused(graded(grade), "pay_subsidy", STAFF["kundulun"], amount_fen=180_001, **PAY) == "ABOVE_BAND_NOT_APPROVED"
    assert graded(grade).do("pay_subsidy", STAFF["kundulun"], amount_fen=100_000, **PAY).case.subsidies_paid == {CIVIL.value: 100_000}
