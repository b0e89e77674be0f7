"""Objections over HTTP (LAL 49): the county-level bureau that set up the centre that refused hears the
objection and decides it, telling the applicant of reconsideration and litigation; the city's bureau,
which did not set up that centre, is refused, and nothing is recorded."""

from __future__ import annotations

from tests.http_client import Api, received

AT = "2026-03-0{day}T{hour:02d}:00:00+08:00"


def refuse(api: Api, case_id: str) -> None:
    steps = [
        ("kundulun_staff", "review-opinion", {"reviewer": "审查员", "opinion": "收入高于标准", "recommendation": "refuse"}),
        ("kundulun_head", "review-sign-off", {}),
        ("kundulun_staff", "refusal", {"document_number": "昆援不字1号", "reasons": "收入高于标准", "legal_basis": "LAL 34"}),
    ]
    for hour, (who, action, body) in enumerate(steps, start=10):
        answer = api.post(who, f"/cases/{case_id}/{action}", {**body, "at": AT.format(day=2, hour=hour)})
        assert answer.status_code == 200, answer.text


def test_the_county_bureau_that_set_up_the_centre_hears_the_objection(api: Api) -> None:
    case_id = received(api)
    refuse(api, case_id)
    assert api.get("kundulun_bureau", f"/cases/{case_id}").status_code == 200  # it sees the case of the centre it set up
    assert api.get("kundulun_bureau", f"/cases/{case_id}").json()["applicant"]["name"] == "[hidden]"

    wrong = api.post("bureau", f"/cases/{case_id}/objection", {"grounds": "不服", "at": AT.format(day=3, hour=9)})
    assert (wrong.status_code, wrong.json()["code"]) == (403, "NOT_SUPERVISING_BUREAU")
    assert "昆都仑区司法局" in wrong.json()["detail"]
    assert api.get("auditor", f"/cases/{case_id}").json()["version"] == 4  # nothing recorded

    filed = api.post("kundulun_bureau", f"/cases/{case_id}/objection", {"grounds": "不服", "at": AT.format(day=3, hour=9)})
    assert filed.status_code == 200, filed.text
    decided = api.post(
        "kundulun_bureau",
        f"/cases/{case_id}/objection-decision",
        {"ruling": "correction_ordered", "reasons": "收入计算有误", "at": AT.format(day=5, hour=9)},
    )
    assert decided.status_code == 200, decided.text
    history = api.get("auditor", f"/cases/{case_id}/history").json()
    assert [e["institution"] for e in history["timeline"][-2:]] == ["baotou-kundulun-bureau"] * 2
    assert api.get("kundulun_staff", f"/cases/{case_id}").json()["status"] == "received"  # back with the centre to review again
