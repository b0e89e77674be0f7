"""Complaints over HTTP (LAL 55–56): the bureau that set up the centre complained of accepts, investigates
and decides; other bureaus, caseworkers and mistakes are refused with a code and nothing is recorded; the
bureau and auditors read complaints, caseworkers do not."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.http_client import Api, received

NUMBER = "昆司投〔2026〕7号"
PATH = f"/complaints/{quote(NUMBER)}"


def complaint(case_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "number": NUMBER,
        "case_id": case_id,
        "received_on": "2026-03-03",
        "complainant": "applicant",
        "respondent_kind": "institution",
        "respondent": "baotou-kundulun",
        "facts": "窗口工作人员态度恶劣，未一次性告知所需材料",
        "at": "2026-03-05T10:00:00+08:00",
        **changes,
    }


def test_the_bureau_that_set_up_the_centre_accepts_and_decides_a_complaint_about_it(api: Api) -> None:
    case_id = received(api)
    assert api.post("kundulun_staff", "/complaints", complaint(case_id)).json()["code"] == "ROLE_NOT_ALLOWED"
    accepted = api.post("kundulun_bureau", "/complaints", complaint(case_id))
    assert accepted.status_code == 201, accepted.text
    assert (accepted.json()["bureau"], accepted.json()["answerable_institution"], accepted.json()["version"]) == (
        "baotou-kundulun-bureau",
        "baotou-kundulun",
        1,
    )

    at = "2026-03-20T10:00:00+08:00"
    other = api.post("bureau", f"{PATH}/decision", {"outcome": "unsubstantiated", "reply_reference": "R", "at": at})
    assert (other.status_code, other.json()["code"]) == (403, "NOT_HANDLING_BUREAU")
    bare = api.post("kundulun_bureau", f"{PATH}/decision", {"outcome": "substantiated", "reply_reference": "R", "at": at})
    assert (bare.status_code, bare.json()["code"]) == (422, "MEASURES_REQUIRED")
    assert api.get("auditor", PATH).json()["version"] == 1  # nothing recorded by either refusal

    found = api.post("kundulun_bureau", f"{PATH}/investigation", {"findings": "调取窗口录像属实", "at": at})
    assert found.status_code == 200, found.text
    decision = {"outcome": "substantiated", "measures": "责令整改，通报批评", "reply_reference": "昆司投复〔2026〕7号", "at": at}
    decided = api.post("kundulun_bureau", f"{PATH}/decision", decision)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["outcome"], decided.json()["findings"], decided.json()["version"]) == ("substantiated", ["调取窗口录像属实"], 3)
    listing = api.get("bureau", "/complaints", params={"respondent": "baotou-kundulun"}).json()
    assert [c["number"] for c in listing["complaints"]] == [NUMBER]


def test_caseworkers_do_not_read_complaints_and_mistakes_are_refused_with_a_code(api: Api) -> None:
    case_id = received(api)
    assert api.post("kundulun_bureau", "/complaints", complaint(case_id)).status_code == 201
    assert api.get("kundulun_staff", PATH).status_code == 403
    assert api.get("kundulun_staff", "/complaints").status_code == 403
    assert api.get("auditor", f"/complaints/{quote('没有这个')}").json()["code"] == "COMPLAINT_NOT_FOUND"
    judge = api.get("auditor", "/complaints", params={"respondent_kind": "judge"}).json()
    assert judge["code"] == "INVALID_REQUEST" and judge["errors"][0]["field"] == "respondent_kind"
    assert "institution, lawyer" in judge["detail"]  # it says which kinds there are
    again = api.post("kundulun_bureau", "/complaints", complaint(case_id))
    assert (again.status_code, again.json()["code"]) == (422, "COMPLAINT_ALREADY_ACCEPTED")
    for mistake in ({"facts": ""}, {"respondent_kind": "judge"}, {"received_on": "yesterday"}, {"case_id": "not-a-uuid"}):
        answer = api.post("kundulun_bureau", "/complaints", {**complaint(case_id, number="昆司投〔2026〕8号"), **mistake})
        assert 400 <= answer.status_code < 500 and answer.json()["code"], (mistake, answer.text)
    unknown_case = api.post("kundulun_bureau", "/complaints", complaint("00000000-0000-0000-0000-000000000000", number="昆司投〔2026〕9号"))
    assert unknown_case.json()["code"] == "CASE_NOT_FOUND"
    assert api.get("auditor", "/complaints").json()["total"] == 1
