"""Notified defence (通知辩护/代理), as specifications: when the police, procuratorate or court notify the
institution (LAL arts 25, 28), there is no hardship review and no grant decision; the institution appoints
a lawyer within 3 days and tells the authority who it is (LAL art 36). A detention facility only forwards
an applicant's request (LAL art 39): that is an application, reviewed and decided like any other.

Pure domain tests: no database. After every refusal the case has recorded nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.case import Case
from domain.case_status import CaseStatus
from domain.errors import DomainError
from domain.intake import Application
from domain.policy import BAOTOU
from domain.vocabulary import Channel, MatterKind, NoticeGround, Recommendation, TerminationGround
from tests.unit.lawyers import JUNIOR, LAWYER, MINORS
from tests.unit.test_case_rules import DIRECTORY, STAFF, Clock, Story, application, refused

NOTICE = {"ground": NoticeGround.MINOR, "document_number": "青检通援〔2026〕12号"}
# A notice from the procuratorate of 青山区: a minor suspect has no defender (the changes to an application).
NOTICE_FIELDS: dict[str, Any] = {
    "channel": Channel.NOTIFIED_BY_PROCURATORATE,
    "matter_kind": MatterKind.CRIMINAL,
    "authority_name": "青山区人民检察院",
    "hardship": None,
    "notice": NOTICE,
}


def notified(**changes: Any) -> Story:
    """The notice, received by the 青山区 centre."""
    return Story("qingshan", **{**NOTICE_FIELDS, **changes})


def status(story: Story) -> CaseStatus:
    return story.case.status


def test_a_notice_is_recorded_with_its_ground_and_legal_basis_and_is_not_means_tested() -> None:
    case = notified().case
    assert case.notice == {
        "ground": "minor",
        "document_number": "青检通援〔2026〕12号",
        "legal_basis": "《法律援助法》第二十五条第一款第一项",
    }
    assert case.hardship == {"basis": "authority_notice"}
    assert case.status is CaseStatus.RECEIVED


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("record_review_opinion", {"reviewer": "r", "opinion": "o", "recommendation": Recommendation.GRANT}),
        ("grant_aid", {"document_number": "D"}),
        ("refuse_aid", {"document_number": "D", "reasons": "收入高于标准", "legal_basis": "LAL 34"}),
        ("notify_missing_materials", {"items": ["经济困难状况说明表"]}),
    ],
)
def test_a_notified_defence_is_neither_reviewed_nor_decided(command: str, arguments: dict[str, Any]) -> None:
    assert refused(notified(), command, STAFF["qingshan"], **arguments) == "NOTIFIED_DEFENCE_NOT_REVIEWED"


def test_on_a_notice_the_centre_appoints_and_tells_the_authority_who_the_lawyer_is() -> None:
    story = notified(notice={**NOTICE, "ground": NoticeGround.ORDINARY_PROCEDURE}, channel=Channel.NOTIFIED_BY_COURT)
    assert refused(story, "inform_authority", STAFF["qingshan"], reference="复函1") == "NOT_APPOINTED"
    story.do("appoint_lawyer", STAFF["qingshan"], client_choice=LAWYER)
    assert status(story) is CaseStatus.APPOINTED
    assert refused(story, "inform_authority", STAFF["kundulun"], reference="复函1") == "NOT_HANDLING_INSTITUTION"
    story.do("inform_authority", STAFF["qingshan"], reference="青援函〔2026〕3号")
    told = story.case.collect_events()[-1]
    assert (told.lawyer, told.reference) == (  # type: ignore[attr-defined]
        {"name": "张律师", "firm": "张律师所", "office_phone": "0472-1"},
        "青援函〔2026〕3号",
    )
    assert refused(story, "inform_authority", STAFF["qingshan"], reference="复函2") == "AUTHORITY_ALREADY_INFORMED"
    story.do("change_lawyer", STAFF["qingshan"], reason="辩护人回避")
    story.do("inform_authority", STAFF["qingshan"], reference="复函3")  # the authority learns of the new lawyer too
    story.do("close", STAFF["qingshan"], outcome="判决", amount_recovered_fen=0)
    assert status(story) is CaseStatus.CLOSED


def test_notified_aid_may_be_terminated_when_the_defendant_hires_a_lawyer() -> None:
    story = notified().do("appoint_lawyer", STAFF["qingshan"], client_choice=LAWYER)
    story.do("terminate", STAFF["qingshan"], ground=TerminationGround.OWN_LAWYER, document_number="终1", facts="家属自行委托律师")
    assert story.case.status is CaseStatus.TERMINATED


@pytest.mark.parametrize("ground", [NoticeGround.LIFE_OR_DEATH, NoticeGround.DEATH_SENTENCE_REVIEW])
def test_life_or_death_and_death_sentence_review_need_three_years_of_criminal_practice(ground: NoticeGround) -> None:
    story = notified(notice={**NOTICE, "ground": ground})
    assert refused(story, "appoint_lawyer", STAFF["qingshan"], client_choice=JUNIOR, rotation_if_refused=False) == "LAWYER_NOT_QUALIFIED"
    story.do("appoint_lawyer", STAFF["qingshan"], client_choice=LAWYER)


def test_a_minors_notice_goes_to_a_lawyer_who_knows_minors_however_junior() -> None:
    story = notified().do("appoint_lawyer", STAFF["qingshan"])
    assert story.case.lawyer is not None and story.case.lawyer["licence_number"] == MINORS


def test_an_application_is_never_told_to_the_authority_as_a_notice() -> None:
    story = Story().appointed()
    assert refused(story, "inform_authority", STAFF["kundulun"], reference="x") == "NOT_AN_AUTHORITY_NOTICE"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"notice": None}, "NOTICE_DETAILS_REQUIRED"),
        ({"notice": {**NOTICE, "document_number": " "}}, "MISSING_FIELD"),
        ({"notice": {**NOTICE, "ground": "poor"}}, "UNKNOWN_NOTICE_GROUND"),
        ({"hardship": {"basis": "credit_commitment"}}, "NO_HARDSHIP_REVIEW_ON_NOTICE"),
        ({"matter_kind": MatterKind.CIVIL}, "NOTICE_NOT_CRIMINAL"),
        # a detention facility forwards an application (LAL 39): it brings a hardship basis, not a notice
        ({"channel": Channel.FORWARDED_BY_DETENTION}, "NOT_AN_AUTHORITY_NOTICE"),
        ({"channel": Channel.FORWARDED_BY_COURT, "notice": None}, "HARDSHIP_REQUIRED"),
        ({"channel": Channel.WINDOW, "notice": None, "hardship": {"basis": "authority_notice"}}, "UNKNOWN_HARDSHIP_BASIS"),
    ],
)
def test_a_notice_is_refused_with_a_reason(changes: dict[str, Any], code: str) -> None:
    details = application(
        channel=Channel.NOTIFIED_BY_COURT, matter_kind=MatterKind.CRIMINAL, hardship=None, notice=NOTICE, authority_name="法院"
    )
    with pytest.raises(DomainError) as refusal:
        Case.receive_application(STAFF["qingshan"], Clock()(), Application(**{**details, **changes}), directory=DIRECTORY, policy=BAOTOU)
    assert refusal.value.code == code


def test_an_application_forwarded_by_a_detention_facility_is_reviewed_and_decided() -> None:
    story = Story(channel=Channel.FORWARDED_BY_DETENTION, matter_kind=MatterKind.CRIMINAL).granted()
    assert story.case.notice is None and story.case.status is CaseStatus.GRANTED


@pytest.mark.parametrize("channel", list(Channel))
def test_only_the_police_procuratorate_and_court_notify(channel: Channel) -> None:
    notifying = {Channel.NOTIFIED_BY_COURT, Channel.NOTIFIED_BY_PROCURATORATE, Channel.NOTIFIED_BY_POLICE}
    assert channel.is_authority_notice == (channel in notifying)


def test_an_application_recorded_before_notices_existed_replays_as_an_application() -> None:
    received = Story().case.collect_events()[0]
    del received.__dict__["notice"]  # as the records of earlier versions hold it
    replayed = received.mutate(None)
    assert replayed is not None and replayed.notice is None and replayed.status is CaseStatus.RECEIVED
