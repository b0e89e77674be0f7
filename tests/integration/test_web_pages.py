"""The web pages over HTTP (without a browser; tests/browser drives a real one): signing in, what a page shows to
whom, and every refused form leaving the ledger as it was."""

from __future__ import annotations

import re
from typing import Any

from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.walkthrough import APPLICANT, FIRST_RECEIVING, receive

CSRF = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def csrf_of(page: Any) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found[1]


def sign_in(api: Api, who: str) -> str:
    """Signs `who` in on the test client (its cookie jar keeps the session); returns a CSRF token for its forms."""
    api.client.cookies.clear()
    form = api.client.get("/app/sign-in")
    signed = api.client.post("/app/sign-in", data={"token": api.tokens[who], "_csrf_token": csrf_of(form)}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/app/", signed.text
    return csrf_of(api.client.get("/app/"))


def test_a_wrong_token_is_refused_and_the_pages_ask_to_sign_in(api: Api) -> None:
    assert api.client.get("/app/", follow_redirects=False).status_code == 303  # to /app/sign-in
    form = api.client.get("/app/sign-in")

    refused = api.client.post("/app/sign-in", data={"token": "tb_not-a-token", "_csrf_token": csrf_of(form)})

    assert refused.status_code == 401 and "UNAUTHENTICATED" in refused.text and "令牌无效" in refused.text
    assert "tongban_session" not in refused.headers.get("set-cookie", "")


def test_a_caseworker_sees_her_work_and_the_api_does_not_take_the_pages_cookie(ledger: CaseLedger, api: Api) -> None:
    receive(ledger)
    sign_in(api, "kundulun_staff")

    page = api.client.get("/app/?on=2026-03-02")

    assert page.status_code == 200
    assert APPLICANT["name"] in page.text and "当日受理、当日审查、当日指派" in page.text and "青山区人民法院" in page.text
    assert api.client.get("/worklist").status_code == 401  # the JSON API wants a bearer token, not the cookie


def test_a_form_without_its_csrf_token_records_nothing(ledger: CaseLedger, api: Api) -> None:
    case_id = receive(ledger)
    sign_in(api, "kundulun_staff")

    forged = api.client.post(f"/app/cases/{case_id}/platform-entry", data={"version": "1", "platform_number": "NMG-1"})

    assert forged.status_code == 403
    assert ledger.get_case(case_id).version == 1


def test_an_action_recorded_through_its_form_and_the_refusals_that_record_nothing(ledger: CaseLedger, api: Api) -> None:
    case_id = receive(ledger)
    token = sign_in(api, "kundulun_staff")
    url = f"/app/cases/{case_id}"

    def submit(action: str, **fields: str) -> Any:
        return api.client.post(f"{url}/{action}", data={"_csrf_token": token, **fields}, follow_redirects=False)

    refused = [
        (submit("grant", version="1", document_number="援决1"), 422, "REVIEW_NOT_SIGNED_OFF"),  # no review yet
        (submit("platform-entry", version="1"), 422, "INVALID_FORM"),  # the number left out
        (submit("platform-entry", version="7", platform_number="NMG-1"), 412, "PRECONDITION_FAILED"),  # a stale page
        (submit("no-such-action", version="1"), 404, "ACTION_NOT_FOUND"),
        (submit("platform-entry", platform_number="NMG-1"), 422, "INVALID_FORM"),  # a form that names no version
    ]
    for response, status, code in refused:
        assert (response.status_code, code in response.text) == (status, True), response.text[-600:]
    assert ledger.get_case(case_id).version == 1

    recorded = submit("platform-entry", version="1", platform_number="NMG-2026-7")

    assert recorded.status_code == 303 and recorded.headers["location"].startswith(url)
    assert ledger.get_case(case_id).platform_entry["number"] == "NMG-2026-7"  # type: ignore[index]
    assert "录入平台" in api.client.get(url).text


def test_a_caseworker_of_another_institution_sees_nothing_of_the_case(ledger: CaseLedger, api: Api) -> None:
    case_id = receive(ledger)
    sign_in(api, "donghe_staff")

    page = api.client.get(f"/app/cases/{case_id}")

    assert page.status_code == 403 and "NOT_YOUR_CASE" in page.text
    assert APPLICANT["name"] not in page.text and "青山区人民法院" not in page.text
    assert APPLICANT["name"] not in api.client.get("/app/register").text


def test_the_bureau_reads_the_case_without_the_applicants_personal_data(ledger: CaseLedger, api: Api) -> None:
    case_id = receive(ledger)
    sign_in(api, "bureau")

    page = api.client.get(f"/app/cases/{case_id}")

    assert page.status_code == 200 and APPLICANT["name"] not in page.text and "[hidden]" in page.text
    assert FIRST_RECEIVING not in page.text and "昆都仑区法律援助中心" in page.text  # names, not ids


def test_a_value_a_page_cannot_read_is_said_on_a_page_not_in_json(api: Api) -> None:
    sign_in(api, "kundulun_staff")

    page = api.client.get("/app/?on=2026-02-30")

    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "INVALID_REQUEST" in page.text and "on" in page.text and "请求内容不符合要求" in page.text
    cut_link = api.client.get("/app/cases/not-a-case")
    assert cut_link.status_code == 404 and cut_link.headers["content-type"].startswith("text/html") and "NOT_FOUND" in cut_link.text
    assert api.client.get("/no-such-path").headers["content-type"] == "application/problem+json"  # the API's own answer
