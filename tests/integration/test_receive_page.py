"""Receiving at the window through the page (受理): the application form is the command's own model, the applicant,
the hardship basis and the notice as groups of fields; a refused form comes back with what was typed and records
nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.integration.test_web_pages import csrf_of, sign_in
from tests.walkthrough import APPLICANT, FIRST_RECEIVING

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
WINDOW = {
    "channel": "window",
    "matter_kind": "civil",
    "authority_name": "青山区人民法院",
    "authority_district": "qingshan",
    **{f"applicant.{k}": v for k, v in APPLICANT.items()},
    "hardship.basis": "hardship_statement",
    "hardship.household_monthly_income_fen": "360000",
    "hardship.household_size": "3",
    "key_groups": ["elderly", "woman"],
    "summary": "追索劳动报酬",
}


def total(api: Api) -> int:
    return int(api.get("auditor", "/cases").json()["total"])


def submit(api: Api, csrf: str, fields: dict[str, Any]) -> Any:
    return api.client.post("/app/receive", data={**fields, "_csrf_token": csrf}, follow_redirects=False)


def test_an_application_received_at_the_window_opens_its_case(ledger: CaseLedger, api: Api) -> None:
    sign_in(api, "kundulun_staff")
    form = api.client.get("/app/receive")
    assert 'name="applicant.name"' in form.text and 'name="hardship.basis"' in form.text and 'value="elderly"' in form.text

    received = submit(api, csrf_of(form), WINDOW)

    assert received.status_code == 303, received.text
    case = ledger.get_case(UUID(received.headers["location"].rsplit("/", 1)[1]))
    assert case.first_receiving_institution == FIRST_RECEIVING and case.applicant["name"] == APPLICANT["name"]
    assert list(case.key_groups) == ["elderly", "woman"] and case.matter_kind.value == "civil"


def test_an_authoritys_notice_is_received_without_a_hardship_basis(ledger: CaseLedger, api: Api) -> None:
    csrf = sign_in(api, "kundulun_staff")
    notice = {k: v for k, v in WINDOW.items() if not k.startswith("hardship.")} | {
        "channel": "notified_by_court",
        "matter_kind": "criminal",
        "notice.ground": "death_sentence_review",
        "notice.document_number": "青法通援〔2026〕7号",
        "hardship.basis": "",  # the page sends the empty choice of a group left blank
    }

    received = submit(api, csrf, notice)

    assert received.status_code == 303, received.text
    case = ledger.get_case(UUID(received.headers["location"].rsplit("/", 1)[1]))
    assert case.notice is not None and case.notice["document_number"] == "青法通援〔2026〕7号"


def test_a_refused_application_comes_back_as_typed_and_records_nothing(api: Api) -> None:
    csrf = sign_in(api, "kundulun_staff")
    without_hardship = {k: v for k, v in WINDOW.items() if not k.startswith("hardship.")}

    refused = submit(api, csrf, without_hardship)

    assert refused.status_code == 422 and "HARDSHIP_REQUIRED" in refused.text
    assert f'value="{APPLICANT["name"]}"' in refused.text and 'value="elderly" checked' in refused.text  # nothing retyped
    not_a_number = submit(api, csrf, {**WINDOW, "hardship.household_size": "three"})
    assert not_a_number.status_code == 422 and "INVALID_FORM" in not_a_number.text and "household_size" in not_a_number.text
    assert total(api) == 0

    sign_in(api, "bureau")
    assert api.client.get("/app/receive").status_code == 200
    by_the_bureau = submit(api, csrf_of(api.client.get("/app/receive")), WINDOW)
    assert by_the_bureau.status_code == 403 and total(api) == 0  # only a legal aid centre receives
