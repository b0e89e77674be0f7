"""The worklist (待办) a caseworker works from: each open limit says what is to be done in words, for which authority
and matter, and, to those who may see the case's personal data, for whom."""

from __future__ import annotations

from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.walkthrough import APPLICANT, receive

ON_THE_DAY = "on=2026-03-02"  # the walkthrough's application is received that day at 09:00


def test_a_caseworker_sees_the_applicant_the_authority_and_the_rule_in_words(ledger: CaseLedger, api: Api) -> None:
    case_id = str(receive(ledger))

    items = api.get("kundulun_staff", f"/worklist?{ON_THE_DAY}").json()["items"]

    assert {i["rule"]: i["rule_description"] for i in items} == {
        "SAME_DAY": "当日受理、当日审查、当日指派",
        "PLATFORM": "收到材料后2个工作日内录入审批（重大疑难复杂3个）",
        "DECISION": "收到申请之日起7日内作出决定",
    }
    for item in items:
        assert (item["case_id"], item["applicant_name"], item["authority_name"]) == (case_id, APPLICANT["name"], "青山区人民法院")
        assert (item["matter_kind"], item["case_status"]) == ("civil", "received")
    assert items[0]["rule"] == "SAME_DAY" and items[0]["status"] == "due_soon"  # due today comes first


def test_the_bureau_reads_an_institutions_worklist_without_the_applicants_name(ledger: CaseLedger, api: Api) -> None:
    receive(ledger)

    mine = api.get("kundulun_staff", f"/worklist?{ON_THE_DAY}").json()["items"]
    overseen = api.get("bureau", f"/worklist?institution=baotou-kundulun&{ON_THE_DAY}").json()["items"]

    assert [i["rule"] for i in overseen] == [i["rule"] for i in mine]
    assert all(i["applicant_name"] is None and i["authority_name"] == "青山区人民法院" for i in overseen)  # null: not theirs to see
    assert APPLICANT["name"] not in str(overseen)
    assert api.get("donghe_staff", f"/worklist?{ON_THE_DAY}").json()["items"] == []
