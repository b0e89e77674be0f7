"""Which actions a case offers now (现在可办理的操作): the page offers what the rules would take and says why it holds
back the rest. Holding back must never hide a step the case would have taken: the whole life of the walkthrough's
case is walked, and at each stage its real next step is offered to whoever takes it, and every step held back is
one the case refuses with its real inputs too. Asking records nothing."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from domain.actor import Actor
from domain.availability import refused_now
from domain.case import Case
from domain.commands import CASE_COMMANDS
from domain.errors import DomainError
from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.integration.test_web_pages import sign_in
from tests.walkthrough import FIRST_RECEIVING, HANDLING, RECEIVED_AT, WHOLE_CASE_RECORDS, receive, register_pool, staff, whole_life_steps

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def held(ledger: CaseLedger, case: Case, actor: Actor, hours: int) -> dict[str, str]:
    at = RECEIVED_AT + timedelta(hours=hours)
    refusals = {path: refused_now(case, command, actor, at, ledger.context()) for path, command in CASE_COMMANDS.items()}
    return {path: refusal.code for path, refusal in refusals.items() if refusal is not None}


def test_each_next_step_is_offered_and_each_step_held_back_is_refused_with_its_real_inputs(ledger: CaseLedger) -> None:
    register_pool(ledger)
    case_id = receive(ledger)
    steps = whole_life_steps()
    for n, (command, actor) in enumerate(steps, start=1):
        case = ledger.get_case(case_id)
        at = RECEIVED_AT + timedelta(hours=5 * n)
        assert refused_now(case, type(command), actor, at, ledger.context()) is None, f"step {n} {command.path} was held back"
        for later, later_actor in steps[n:]:
            if refused_now(case, type(later), later_actor, at, ledger.context()) is not None:
                with pytest.raises(DomainError):
                    later.run(copy.deepcopy(case), later_actor, at, ledger.context())
        ledger.act(case_id, command, actor, at)
    assert ledger.get_case(case_id).version == WHOLE_CASE_RECORDS  # asking recorded nothing


def test_a_new_application_holds_back_what_comes_later_and_what_is_another_institutions(ledger: CaseLedger) -> None:
    register_pool(ledger)
    case = ledger.get_case(receive(ledger))

    first = held(ledger, case, staff(FIRST_RECEIVING), 1)
    elsewhere = held(ledger, case, staff(HANDLING), 1)

    assert first["grant"] == "REVIEW_NOT_SIGNED_OFF"  # reviewed and signed off before a decision (000 三(一))
    assert first["materials-receipt"] == "NOTHING_IN_TRANSIT" and first["materials-dispatch"] == "NO_TRANSFER_REQUESTED"
    assert first["appointment"] == "NOT_GRANTED" and first["closure"] == "NOT_APPOINTED"
    assert {"transfer", "review-opinion", "platform-entry", "missing-materials-notice", "withdrawal"}.isdisjoint(first)
    assert elsewhere["review-opinion"] == elsewhere["transfer"] == "NOT_HANDLING_INSTITUTION"  # not Qingshan's yet


def test_the_case_page_offers_what_may_be_done_and_says_why_not_the_rest(ledger: CaseLedger, api: Api) -> None:
    case_id = receive(ledger)
    sign_in(api, "kundulun_staff")

    page = api.client.get(f"/app/cases/{case_id}").text

    assert 'id="action-platform-entry"' in page and 'id="action-transfer"' in page
    assert 'id="action-grant"' not in page
    assert 'id="held-grant"' in page and "REVIEW_NOT_SIGNED_OFF" in page.split('id="held-grant"')[1].split("</li>")[0]
    assert ledger.get_case(case_id).version == 1
