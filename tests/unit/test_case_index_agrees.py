"""The case index never disagrees with the case: after any sequence of commands, accepted or refused,
the index row folded from the recorded events has the case's status and involved institutions.
Pure: the aggregate in memory, the projection's fold on the events' bodies, no database."""

from __future__ import annotations

import json
from random import Random
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.case import Case
from domain.case_status import CaseStatus
from domain.decision import Decision
from domain.errors import DomainError
from domain.vocabulary import DispatchMethod, ObjectionRuling, Recommendation, TerminationGround
from projections.case_index import CaseIndexProjection
from tests.unit.lawyers import LAWYER
from tests.unit.test_case_rules import BUREAU, HEAD, STAFF, Story
from tests.unit.test_notified_defence import NOTICE_FIELDS

CENTRES = ("kundulun", "qingshan", "donghe")
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "by", "at")

# (command, arguments): each is tried by each centre's staff or head, or by the bureau.
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("notify_missing_materials", {"items": ["户口簿", "收入证明"]}),
    ("supplement_materials", {"items": ["户口簿"]}),
    ("supplement_materials", {"items": ["收入证明"]}),
    ("request_transfer", {"to_institution": "qingshan", "applicant_consent": True}),
    ("request_transfer", {"to_institution": "donghe", "applicant_consent": True}),
    ("dispatch_materials", {"method": DispatchMethod.COURIER, "reference": "SF1"}),
    ("receive_materials", {}),
    ("designate_jurisdiction", {"institution_id": "donghe", "reason": "管辖争议"}),
    ("record_review_opinion", {"reviewer": "r", "opinion": "o", "recommendation": Recommendation.GRANT}),
    ("sign_off_review", {}),
    ("enter_on_platform", {"platform_number": "NMG-1"}),
    ("grant_aid", {"document_number": "援决1"}),
    ("refuse_aid", {"document_number": "不援1", "reasons": "经济状况不符", "legal_basis": "法律援助法第四十一条"}),
    ("appoint_lawyer", {"client_choice": LAWYER}),
    ("change_lawyer", {"reason": "更换"}),
    ("inform_authority", {"reference": "复函1"}),
    ("terminate", {"ground": TerminationGround.NO_LONGER_ELIGIBLE, "document_number": "终1", "facts": "核实"}),
    ("file_objection", {"grounds": "不服"}),
    ("decide_objection", {"ruling": ObjectionRuling.CORRECTION_ORDERED, "reasons": "纠正"}),
    ("decide_objection", {"ruling": ObjectionRuling.UPHELD, "reasons": "维持"}),
    ("withdraw", {"reason": "申请人撤回"}),
    ("close", {"outcome": "胜诉", "amount_recovered_fen": 100}),
    ("submit_closing_file", {"pages": 30}),
    ("archive", {"archive_number": "档1"}),
]
RARELY = {"withdraw": 0.02, "request_transfer": 0.1, "designate_jurisdiction": 0.1, "notify_missing_materials": 0.3}

# Who acts, relative to the case, so that most steps are ones the rules allow (and some are not).
WHO = ("handling staff", "handling head", "transfer target", "bureau", "another centre")


def actor(who: str, case: Case) -> Actor:
    target = (case.transfer.to_institution if case.transfer else None) or "donghe"
    others = [c for c in CENTRES if c != case.handling_institution]
    return {
        "handling staff": STAFF[case.handling_institution],
        "handling head": HEAD[case.handling_institution],
        "transfer target": STAFF[target],
        "bureau": BUREAU,
        "another centre": STAFF[others[0]],
    }[who]


def body_of(event: Any) -> dict[str, Any]:
    """The parts of a recorded event's body the index reads (as the mapper writes them)."""
    state = event.__dict__
    return {
        "type": f"Case.{type(event).__name__}",
        "institution": state["by"]["institution"],
        "occurred_at": state["at"],
        "version": event.originator_version,
        "payload": {k: v for k, v in state.items() if k not in _ENVELOPE},
    }


@settings(max_examples=100, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=40), st.booleans())
def test_the_index_folded_from_the_events_has_the_cases_status_and_involved_institutions(random: Random, steps: int, notice: bool) -> None:
    """A random walk from an application or an authority's notice: at each step the commands are tried in a
    random order by a random party until one is accepted, so the walk reaches deep states (transfers,
    objections, archiving) and not only refusals."""
    story = Story("kundulun", **(NOTICE_FIELDS if notice else {}))
    case: Case = story.case
    row: dict[str, Any] = {}
    for recorded in case.collect_events():
        row = CaseIndexProjection.on_event(row, str(case.id), body_of(recorded))
    for _ in range(steps):
        candidates = [(c, w) for c in COMMANDS for w in WHO]
        # A weighted shuffle: commands allowed almost anywhere (withdrawal, which ends the case; a new
        # transfer or designation, which starts review over) are tried late, or few walks get to decisions.
        candidates.sort(key=lambda cw: -(random.random() ** (1 / RARELY.get(cw[0][0], 1.0))))
        for (command, arguments), who in candidates:
            try:
                story.do(command, actor(who, case), **arguments)
            except DomainError:
                continue  # refused: nothing recorded; try another
            break
        for recorded in case.collect_events():
            row = CaseIndexProjection.on_event(row, str(case.id), body_of(recorded))
        assert row["status"] == case.status.value
        assert set(row["involved"].strip(",").split(",")) == set(case.involved_institutions)
        assert row["handling"] == case.handling_institution
        assert_register_line_agrees(json.loads(row["register"]), case)
    event(f"reached {case.status.value}")


def assert_register_line_agrees(line: dict[str, Any], case: Case) -> None:
    """The register's line (台账明细) says what the case says of its decision, transfer, lawyer, end and file."""
    decision = {Decision.GRANTED: "granted", Decision.REFUSED: "refused", None: "notified" if case.notice else None}[case.decision]
    assert line["decision"] == decision
    assert line.get("transfer_to") == (case.transfer.to_institution if case.transfer else None)
    assert bool(line.get("transfer_delivered_at")) == bool(case.transfer and case.transfer.received_at)
    assert line.get("lawyer_licence") == (case.lawyer["licence_number"] if case.lawyer else None)
    assert line.get("ended") == ("withdrawn" if case.withdrawn else "terminated" if case.terminated else None)
    assert line.get("closed_at") == (case.closed["at"] if case.closed else None)
    assert bool(line.get("archived_at")) == case.archived
    assert line.get("platform_number") == (case.platform_entry["number"] if case.platform_entry else None)


def test_a_supplement_while_a_transfer_waits_leaves_it_waiting_in_the_index_too() -> None:
    """The disagreement that was found: notice, transfer, supplement. The case waits for its transfer."""
    story = Story("kundulun")
    row: dict[str, Any] = {}
    story.do("notify_missing_materials", STAFF["kundulun"], items=["户口簿"])
    story.do("request_transfer", STAFF["kundulun"], to_institution="qingshan", applicant_consent=True)
    story.do("supplement_materials", STAFF["kundulun"], items=["户口簿"])
    for recorded in story.case.collect_events():
        row = CaseIndexProjection.on_event(row, str(story.case.id), body_of(recorded))

    assert story.case.status == CaseStatus.TRANSFER_REQUESTED
    assert row["status"] == "transfer_requested"
    assert set(row["involved"].strip(",").split(",")) == {"kundulun", "qingshan"}
