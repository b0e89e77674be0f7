"""The rules of the case, as specifications: each allowed step, and each refusal with its code.

Pure domain tests: no database. After every refusal the case has recorded nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.actor import SHANGHAI, Actor
from domain.assignment import Choice, PoolInMemory
from domain.case import Case
from domain.case_status import CaseStatus
from domain.closing import SubsidyPayment
from domain.errors import DomainError
from domain.intake import Application
from domain.lawyers import LawyerProfile
from domain.network import MUNICIPAL_DISTRICT, Directory, Institution
from domain.policy import BAOTOU
from domain.vocabulary import (
    Channel,
    DispatchMethod,
    FileGrade,
    InstitutionKind,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    Role,
    TerminationGround,
)
from tests.unit.lawyers import LAWYER, LAWYERS

DIRECTORY = Directory(
    {
        "bureau": Institution("bureau", "包头市司法局", InstitutionKind.BUREAU, MUNICIPAL_DISTRICT),
        "municipal": Institution("municipal", "包头市法律援助中心", InstitutionKind.MUNICIPAL_CENTRE, MUNICIPAL_DISTRICT),
        "kundulun": Institution("kundulun", "昆都仑区法律援助中心", InstitutionKind.COUNTY_CENTRE, "kundulun"),
        "qingshan": Institution("qingshan", "青山区法律援助中心", InstitutionKind.COUNTY_CENTRE, "qingshan"),
        "donghe": Institution("donghe", "东河区法律援助中心", InstitutionKind.COUNTY_CENTRE, "donghe"),
        "kundulun-bureau": Institution("kundulun-bureau", "昆都仑区司法局", InstitutionKind.COUNTY_BUREAU, "kundulun"),
        "qingshan-bureau": Institution("qingshan-bureau", "青山区司法局", InstitutionKind.COUNTY_BUREAU, "qingshan"),
    }
)
STAFF = {i: Actor(i, f"{i}/staff") for i in DIRECTORY.institutions}
HEAD = {i: Actor(i, f"{i}/head", Role.HEAD) for i in DIRECTORY.institutions}
BUREAU = Actor("bureau", "处长", Role.BUREAU)
COUNTY_BUREAU = {d: Actor(f"{d}-bureau", "科长", Role.BUREAU) for d in ("kundulun", "qingshan")}  # set up their districts' centres
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=10)
        return self.now


def application(**changes: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "channel": Channel.WINDOW,
        "matter_kind": MatterKind.CIVIL,
        "authority_name": "青山区人民法院",
        "authority_district": "qingshan",
        "applicant": {"applicant_id": "p1", "name": "张三"},
        "hardship": {"basis": "hardship_statement", "household_monthly_income_fen": 300_000, "household_size": 3},
    }
    return {**details, **changes}


def receive(by: str = "kundulun", clock: Clock | None = None, **changes: Any) -> Case:
    return Case.receive_application(
        STAFF[by], (clock or Clock())(), Application(**application(**changes)), directory=DIRECTORY, policy=BAOTOU
    )


# ------------------------------------------------------------------ stages a case passes through
class Story:
    """A case and its clock, walked to a stage by the steps real use takes."""

    def __init__(self, by: str = "kundulun", lawyers: tuple[LawyerProfile, ...] = LAWYERS, **changes: Any) -> None:
        self.clock = Clock()
        self.case = receive(by, self.clock, **changes)
        self.pool = PoolInMemory(lawyers)

    def do(self, command: str, actor: Actor, **arguments: Any) -> Story:
        if command in ("request_transfer", "designate_jurisdiction", "file_objection", "decide_objection"):
            arguments.setdefault("directory", DIRECTORY)
        if command in ("record_review_opinion", "appoint_lawyer", "change_lawyer", "pay_subsidy"):
            arguments.setdefault("policy", BAOTOU)
        if command == "pay_subsidy":  # the payment's fields, as finance gives them
            policy = arguments.pop("policy")
            arguments = {"payment": SubsidyPayment(**arguments), "policy": policy}
        if command in ("appoint_lawyer", "change_lawyer"):  # the applicant's choice, if any, from this story's pool
            choice = Choice(arguments.pop("client_choice", None), arguments.pop("rotation_if_refused", True))
            arguments.update(choice=choice, lawyers=self.pool)
        getattr(self.case, command)(actor, self.clock(), **arguments)
        if command in ("appoint_lawyer", "change_lawyer"):
            self.pool.appointed(self.case)
        return self

    def transferred(self) -> Story:
        return (
            self.do("request_transfer", STAFF["kundulun"], to_institution="qingshan", applicant_consent=True)
            .do("dispatch_materials", STAFF["kundulun"], method=DispatchMethod.COURIER, reference="SF1")
            .do("receive_materials", STAFF["qingshan"])
        )

    def reviewed(self, by: str = "kundulun", recommendation: Recommendation = Recommendation.GRANT) -> Story:
        return self.do("record_review_opinion", STAFF[by], reviewer="r", opinion="o", recommendation=recommendation).do(
            "sign_off_review", HEAD[by]
        )

    def granted(self, by: str = "kundulun") -> Story:
        return self.reviewed(by).do("enter_on_platform", STAFF[by], platform_number="P").do("grant_aid", STAFF[by], document_number="D")

    def refused(self, by: str = "kundulun") -> Story:
        return self.reviewed(by, Recommendation.REFUSE).do("refuse_aid", STAFF[by], document_number="D", reasons="r", legal_basis="b")

    def appointed(self, by: str = "kundulun") -> Story:
        return self.granted(by).do("appoint_lawyer", STAFF[by], client_choice=LAWYER)

    def closed(self, by: str = "kundulun") -> Story:
        return self.appointed(by).do("close", STAFF[by], outcome="调解结案", amount_recovered_fen=100)

    def filed(self, by: str = "kundulun") -> Story:
        return self.closed(by).do("submit_closing_file", STAFF["kundulun"], pages=20)

    def file_reviewed(self, by: str = "kundulun") -> Story:
        return self.filed(by).do("review_closing_file", STAFF["kundulun"], reviewer="r", grade=FileGrade.GOOD, opinion="卷宗完整")


def refused(story: Story, command: str, actor: Actor, **arguments: Any) -> str:
    """Run a command that must be refused; check nothing was recorded; return the refusal's code."""
    story.case.collect_events()
    version = story.case.version
    with pytest.raises(DomainError) as refusal:
        story.do(command, actor, **arguments)
    assert story.case.version == version
    assert story.case.collect_events() == []
    assert refusal.value.message  # words a caseworker can read
    return refusal.value.code


# ------------------------------------------------------------------ receiving (受理)
@pytest.mark.parametrize("centre", ["municipal", "kundulun", "qingshan", "donghe"])
def test_any_centre_of_the_city_accepts_whatever_the_district(centre: str) -> None:
    case = receive(centre)
    assert case.first_receiving_institution == case.handling_institution == centre
    assert case.status is CaseStatus.RECEIVED


@pytest.mark.parametrize(
    ("who", "changes", "code"),
    [
        ("bureau", {}, "NOT_A_LEGAL_AID_CENTRE"),
        ("nowhere", {}, "UNKNOWN_INSTITUTION"),
        ("kundulun", {"authority_district": "atlantis"}, "UNKNOWN_DISTRICT"),
        ("kundulun", {"hardship": {"basis": "hardship_statement", "household_size": 0}}, "INVALID_HARDSHIP_STATEMENT"),
        ("kundulun", {"hardship": {"basis": "exemption", "exemption": "rich"}}, "UNKNOWN_EXEMPTION"),
        ("kundulun", {"hardship": {"basis": "vibes"}}, "UNKNOWN_HARDSHIP_BASIS"),
        ("kundulun", {"possible_life_or_death": True}, "NOT_A_CRIMINAL_CASE"),
        ("kundulun", {"applicant": {"applicant_id": "p1", "name": " "}}, "MISSING_FIELD"),
    ],
)
def test_an_application_is_refused_with_a_reason(who: str, changes: dict[str, Any], code: str) -> None:
    actor = STAFF.get(who, Actor(who, "x"))
    with pytest.raises(DomainError) as refusal:
        Case.receive_application(actor, START, Application(**application(**changes)), directory=DIRECTORY, policy=BAOTOU)
    assert refusal.value.code == code


def test_an_unknown_district_is_refused_naming_the_districts_there_are() -> None:
    with pytest.raises(DomainError) as refusal:
        DIRECTORY.centre_for_district("atlantis")
    assert all(district in refusal.value.message for district in ("donghe", "kundulun", "qingshan", "municipal"))  # the test network's


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(DomainError) as refusal:
        Case.receive_application(STAFF["kundulun"], datetime(2026, 3, 2), Application(**application()), directory=DIRECTORY, policy=BAOTOU)
    assert refusal.value.code == "TIME_WITHOUT_ZONE"


def test_no_action_may_predate_the_previous_one() -> None:
    story = Story()
    story.case.collect_events()
    with pytest.raises(DomainError) as refusal:
        story.case.notify_missing_materials(STAFF["kundulun"], START - timedelta(days=1), ["户口簿"])
    assert refusal.value.code == "TIME_BEFORE_PREVIOUS_ACTION"
    assert story.case.collect_events() == []


# ------------------------------------------------------------------ materials (一次性告知)
def test_missing_materials_are_named_in_one_notice_and_supplemented() -> None:
    story = Story().do("notify_missing_materials", STAFF["kundulun"], items=["户口簿", "收入证明"])
    assert story.case.status is CaseStatus.AWAITING_MATERIALS
    assert refused(story, "notify_missing_materials", STAFF["kundulun"], items=["身份证"]) == "ONE_NOTICE_ONLY"
    assert refused(story, "supplement_materials", STAFF["kundulun"], items=["身份证"]) == "NOT_REQUESTED"
    assert (
        refused(story, "record_review_opinion", STAFF["kundulun"], reviewer="r", opinion="o", recommendation=Recommendation.GRANT)
        == "MATERIALS_OUTSTANDING"
    )
    story.do("supplement_materials", STAFF["kundulun"], items=["户口簿", "收入证明"])
    assert story.case.status is CaseStatus.RECEIVED  # type: ignore[comparison-overlap]  # mypy keeps the status narrowed above
    assert refused(story, "supplement_materials", STAFF["kundulun"], items=["户口簿"]) == "NO_MATERIALS_OUTSTANDING"


def test_an_empty_notice_is_refused() -> None:
    assert refused(Story(), "notify_missing_materials", STAFF["kundulun"], items=[]) == "NO_MISSING_ITEMS"


def test_only_an_application_with_outstanding_materials_is_deemed_withdrawn() -> None:
    assert refused(Story(), "withdraw", STAFF["kundulun"], reason="逾期", deemed=True) == "NOT_DEEMED_WITHDRAWN"
    story = (
        Story()
        .do("notify_missing_materials", STAFF["kundulun"], items=["户口簿"])
        .do("withdraw", STAFF["kundulun"], reason="逾期", deemed=True)
    )
    assert story.case.status is CaseStatus.WITHDRAWN


def test_after_withdrawal_nothing_but_archiving_is_allowed() -> None:
    story = Story().do("withdraw", STAFF["kundulun"], reason="申请人撤回")
    assert (
        refused(story, "record_review_opinion", STAFF["kundulun"], reviewer="r", opinion="o", recommendation=Recommendation.GRANT)
        == "CASE_WITHDRAWN"
    )
    assert refused(story, "request_transfer", STAFF["kundulun"], to_institution="qingshan", applicant_consent=True) == "CASE_WITHDRAWN"
    story.do("archive", STAFF["kundulun"], archive_number="A1")
    assert story.case.status is CaseStatus.ARCHIVED


# ------------------------------------------------------------------ review (审查) and eligibility
def test_only_the_head_signs_off_the_review_form() -> None:
    story = Story()
    assert refused(story, "sign_off_review", HEAD["kundulun"]) == "NO_REVIEW"
    story.do("record_review_opinion", STAFF["kundulun"], reviewer="r", opinion="o", recommendation=Recommendation.GRANT)
    assert refused(story, "sign_off_review", STAFF["kundulun"]) == "NOT_HEAD"
    assert refused(story, "sign_off_review", HEAD["qingshan"]) == "NOT_HANDLING_INSTITUTION"
    story.do("sign_off_review", HEAD["kundulun"])
    assert refused(story, "sign_off_review", HEAD["kundulun"]) == "ALREADY_SIGNED_OFF"


@pytest.mark.parametrize(
    ("hardship", "eligible"),
    [
        ({"basis": "hardship_statement", "household_monthly_income_fen": 227_000 * 3, "household_size": 3}, True),  # at the standard
        ({"basis": "hardship_statement", "household_monthly_income_fen": 227_001 * 3, "household_size": 3}, False),
        ({"basis": "credit_commitment"}, True),
        ({"basis": "exemption", "exemption": "migrant_worker_wages"}, True),
    ],
)
def test_eligibility_is_judged_against_the_citys_single_hardship_standard(hardship: dict[str, Any], eligible: bool) -> None:
    story = Story(hardship=hardship).reviewed().do("enter_on_platform", STAFF["kundulun"], platform_number="P")
    assert story.case.review is not None and story.case.review.eligible is eligible
    if eligible:
        story.do("grant_aid", STAFF["kundulun"], document_number="D")
        assert story.case.status is CaseStatus.GRANTED
    else:
        assert refused(story, "grant_aid", STAFF["kundulun"], document_number="D") == "NOT_ELIGIBLE"


# ------------------------------------------------------------------ transfer (转交)
def test_a_transfer_needs_the_applicants_consent_and_the_right_target() -> None:
    story, clerk = Story(), STAFF["kundulun"]
    assert refused(story, "request_transfer", clerk, to_institution="qingshan", applicant_consent=False) == "NO_APPLICANT_CONSENT"
    assert refused(story, "request_transfer", clerk, to_institution="donghe", applicant_consent=True) == "WRONG_TRANSFER_TARGET"
    assert refused(story, "request_transfer", clerk, to_institution="kundulun", applicant_consent=True) == "TRANSFER_TO_SELF"
    outsider = STAFF["qingshan"]
    assert refused(story, "request_transfer", outsider, to_institution="qingshan", applicant_consent=True) == "NOT_HANDLING_INSTITUTION"


def test_the_bureau_may_designate_another_handling_institution() -> None:
    story = Story()
    assert refused(story, "designate_jurisdiction", STAFF["kundulun"], institution_id="donghe", reason="争议") == "NOT_BUREAU"
    assert refused(story, "designate_jurisdiction", BUREAU, institution_id="bureau", reason="争议") == "NOT_A_LEGAL_AID_CENTRE"
    story.do("designate_jurisdiction", BUREAU, institution_id="donghe", reason="管辖争议")
    story.do("request_transfer", STAFF["kundulun"], to_institution="donghe", applicant_consent=True)
    assert story.case.status is CaseStatus.TRANSFER_REQUESTED


def test_materials_in_transit_are_sent_by_the_sender_and_received_by_the_target() -> None:
    story, courier = Story(), {"method": DispatchMethod.COURIER, "reference": "SF1"}
    assert refused(story, "dispatch_materials", STAFF["kundulun"], **courier) == "NO_TRANSFER_REQUESTED"
    story.do("request_transfer", STAFF["kundulun"], to_institution="qingshan", applicant_consent=True)
    assert refused(story, "dispatch_materials", STAFF["qingshan"], **courier) == "NOT_TRANSFERRING_INSTITUTION"
    assert refused(story, "receive_materials", STAFF["qingshan"]) == "NOTHING_IN_TRANSIT"
    assert refused(story, "grant_aid", STAFF["kundulun"], document_number="D") == "TRANSFER_PENDING"
    story.do("dispatch_materials", STAFF["kundulun"], method=DispatchMethod.ELECTRONIC, reference="E1")
    assert refused(story, "dispatch_materials", STAFF["kundulun"], **courier) == "ALREADY_DISPATCHED"
    assert refused(story, "receive_materials", STAFF["donghe"]) == "NOT_TRANSFER_TARGET"
    assert (
        refused(story, "record_review_opinion", STAFF["qingshan"], reviewer="r", opinion="o", recommendation=Recommendation.GRANT)
        == "NOT_HANDLING_INSTITUTION"
    )
    story.do("receive_materials", STAFF["qingshan"])
    assert story.case.handling_institution == "qingshan"
    assert story.case.first_receiving_institution == "kundulun"  # fixed forever


def test_after_a_transfer_the_handling_institution_reviews_afresh_and_decides() -> None:
    story = Story().reviewed().transferred()
    assert story.case.review is None
    assert refused(story, "grant_aid", STAFF["qingshan"], document_number="D") == "REVIEW_NOT_SIGNED_OFF"
    story.granted("qingshan")
    assert story.case.status is CaseStatus.GRANTED


# ------------------------------------------------------------------ platform and decision
def test_a_grant_needs_a_signed_review_and_platform_entry() -> None:
    story = Story()
    story.do("record_review_opinion", STAFF["kundulun"], reviewer="r", opinion="o", recommendation=Recommendation.GRANT)
    assert refused(story, "grant_aid", STAFF["kundulun"], document_number="D") == "REVIEW_NOT_SIGNED_OFF"
    story.do("sign_off_review", HEAD["kundulun"])
    assert refused(story, "grant_aid", STAFF["kundulun"], document_number="D") == "NOT_ON_PLATFORM"
    story.do("enter_on_platform", STAFF["kundulun"], platform_number="P")
    assert refused(story, "enter_on_platform", STAFF["kundulun"], platform_number="P") == "ALREADY_ON_PLATFORM"
    assert refused(story, "grant_aid", STAFF["qingshan"], document_number="D") == "NOT_HANDLING_INSTITUTION"
    story.do("grant_aid", STAFF["kundulun"], document_number="D")
    assert refused(story, "refuse_aid", STAFF["kundulun"], document_number="D", reasons="r", legal_basis="b") == "ALREADY_DECIDED"


def test_an_emergency_is_granted_first_and_entered_on_the_platform_afterwards() -> None:
    story = Story(emergency=True).do("grant_aid", STAFF["kundulun"], document_number="D")
    story.do("enter_on_platform", STAFF["kundulun"], platform_number="P")
    assert story.case.status is CaseStatus.GRANTED and story.case.platform_entry is not None


def test_a_refusal_states_its_reasons_and_legal_basis() -> None:
    story = Story().reviewed(recommendation=Recommendation.REFUSE)
    assert refused(story, "refuse_aid", STAFF["kundulun"], document_number="D", reasons="", legal_basis="b") == "MISSING_FIELD"
    story.do("refuse_aid", STAFF["kundulun"], document_number="D", reasons="超出范围", legal_basis="法律援助法第三十一条")
    assert story.case.status is CaseStatus.REFUSED


# ------------------------------------------------------------------ appointment (指派)
# ------------------------------------------------------------------ termination and objections
def test_only_granted_aid_is_terminated_and_nothing_is_closed_after() -> None:
    assert (
        refused(Story(), "terminate", STAFF["kundulun"], ground=TerminationGround.OWN_LAWYER, document_number="T", facts="f")
        == "NOT_GRANTED"
    )
    story = (
        Story()
        .appointed()
        .do("terminate", STAFF["kundulun"], ground=TerminationGround.OWN_LAWYER, document_number="T", facts="自行委托律师")
    )
    assert refused(story, "close", STAFF["kundulun"], outcome="x", amount_recovered_fen=0) == "CASE_TERMINATED"


def test_an_objection_is_heard_by_the_bureau_that_set_up_the_institution_that_refused() -> None:
    """LAL 49: the county-level bureau for a county centre's refusal; neither the centre nor another bureau."""
    story = Story().refused()
    for other in (STAFF["kundulun"], BUREAU, COUNTY_BUREAU["qingshan"]):
        assert refused(story, "file_objection", other, grounds="不服") == "NOT_SUPERVISING_BUREAU"
    kundulun = COUNTY_BUREAU["kundulun"]
    assert refused(story, "decide_objection", kundulun, ruling=ObjectionRuling.UPHELD, reasons="r") == "NO_OBJECTION_PENDING"
    story.do("file_objection", kundulun, grounds="不服")
    assert refused(story, "file_objection", kundulun, grounds="再次") == "OBJECTION_PENDING"
    assert refused(story, "archive", STAFF["kundulun"], archive_number="A") == "OBJECTION_PENDING"
    assert refused(story, "decide_objection", BUREAU, ruling=ObjectionRuling.UPHELD, reasons="r") == "NOT_SUPERVISING_BUREAU"
    story.do("decide_objection", kundulun, ruling=ObjectionRuling.CORRECTION_ORDERED, reasons="应予援助")
    decided = story.case.collect_events()[-1]
    assert "行政复议" in decided.remedies and "行政诉讼" in decided.remedies  # type: ignore[attr-defined]
    assert story.case.decision is None and story.case.review is None  # the centre must act: it reviews again
    story.granted()
    assert story.case.status is CaseStatus.GRANTED


def test_after_a_transfer_the_objection_goes_to_the_bureau_over_the_centre_that_decided() -> None:
    story = Story().transferred().refused("qingshan")
    assert refused(story, "file_objection", COUNTY_BUREAU["kundulun"], grounds="不服") == "NOT_SUPERVISING_BUREAU"
    story.do("file_objection", COUNTY_BUREAU["qingshan"], grounds="不服")


def test_the_city_bureau_hears_objections_to_the_municipal_centre() -> None:
    story = Story("municipal").refused("municipal")
    assert refused(story, "file_objection", COUNTY_BUREAU["kundulun"], grounds="不服") == "NOT_SUPERVISING_BUREAU"
    story.do("file_objection", BUREAU, grounds="不服").do("decide_objection", BUREAU, ruling=ObjectionRuling.UPHELD, reasons="维持")


def test_an_objection_to_a_centre_whose_bureau_is_not_registered_says_how_to_register_it() -> None:
    story = Story("donghe").refused("donghe")
    assert refused(story, "file_objection", BUREAU, grounds="不服") == "SUPERVISING_BUREAU_NOT_REGISTERED"


def test_a_corrected_termination_resumes_the_aid() -> None:
    story = Story().appointed().do("terminate", STAFF["kundulun"], ground=TerminationGround.DECEPTION, document_number="T", facts="f")
    story.do("file_objection", COUNTY_BUREAU["kundulun"], grounds="不服").do(
        "decide_objection", COUNTY_BUREAU["kundulun"], ruling=ObjectionRuling.CORRECTION_ORDERED, reasons="终止不当"
    )
    assert story.case.status is CaseStatus.APPOINTED


def test_there_is_nothing_to_object_to_before_a_refusal_or_termination() -> None:
    assert refused(Story().granted(), "file_objection", COUNTY_BUREAU["kundulun"], grounds="x") == "NOTHING_TO_OBJECT_TO"
