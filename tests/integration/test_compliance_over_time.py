"""Compliance over time (期限合规趋势): month by month, how the limits that fell due ended, over the API and as a
chart on the pages. A case walked through its life in early March keeps every limit; an application received on
1 April and left untouched breaks each limit it started by the end of May."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from domain.actor import SHANGHAI
from domain.commands import NotifyMissingMaterials
from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.integration.test_web_pages import sign_in
from tests.walkthrough import FIRST_RECEIVING, receive, staff, walk_whole_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
UNTOUCHED = {"SAME_DAY", "PLATFORM", "DECISION"}  # what receiving an application starts: 当日审查, 录入平台, 作出决定


@pytest.fixture
def two_cases(ledger: CaseLedger) -> None:
    walk_whole_case(ledger)
    receive(ledger, at=datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI))


@pytest.mark.usefixtures("two_cases")
def test_each_month_counts_the_limits_that_fell_due_in_it(api: Api) -> None:
    months = api.get("bureau", "/compliance/months", params={"period": "2026", "on": "2026-05-31"}).json()["months"]

    assert [m["month"] for m in months] == ["2026-03", "2026-04"]
    march, april = months
    assert march["all"]["missed"] == march["all"]["overdue"] == 0 and march["all"]["rate"] == 1.0
    assert {rule for rule, c in april["rules"].items() if c["overdue"]} == UNTOUCHED
    assert april["all"]["overdue"] == len(UNTOUCHED) and april["all"]["missed"] == 0
    assert april["all"]["rate"] == round(april["all"]["met"] / (april["all"]["met"] + len(UNTOUCHED)), 4)
    assert sum(m["all"]["total"] for m in months) == sum(
        c["total"] for c in api.get("bureau", "/compliance", params={"period": "2026", "on": "2026-05-31"}).json()["rules"].values()
    )  # the months add up to the period
    assert api.get("donghe_staff", "/compliance/months", params={"period": "2026"}).json()["months"] == []  # none of hers


@pytest.mark.usefixtures("two_cases")
def test_the_chart_draws_a_bar_a_month_with_its_rate_and_the_table_names_the_broken_limits(api: Api) -> None:
    sign_in(api, "bureau")

    page = api.client.get("/app/compliance?period=2026&on=2026-05-31")

    assert page.status_code == 200
    bars = dict(re.findall(r'<g class="month" data-month="([\d-]+)" data-rate="([^"]+)">', page.text))
    assert bars == {"2026-03": "100%", "2026-04": bars["2026-04"]} and bars["2026-04"].endswith("%") and bars["2026-04"] != "100%"
    april = page.text.split('data-month="2026-04"')[1].split("</g>")[0]
    assert april.count('class="overdue"') == 1 and f"已逾期未办 {len(UNTOUCHED)}" in april
    decision_row = next(row for row in page.text.split("<tr>") if "DECISION" in row)
    assert "逾期" in decision_row
    refused = api.client.get("/app/compliance?period=2026-13")
    assert refused.status_code == 422 and "INVALID_PERIOD" in refused.text


def test_a_missing_materials_notice_shows_its_own_rule_in_words(ledger: CaseLedger, api: Api) -> None:
    """一次性告知 is checked by the deadline projection, not a limit of the policy: the page once failed on it (500)."""
    case_id = receive(ledger)
    ledger.act(
        case_id, NotifyMissingMaterials(items=["户口簿复印件"]), staff(FIRST_RECEIVING), datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    )
    sign_in(api, "bureau")

    page = api.client.get("/app/compliance?period=2026&on=2026-03-31")

    assert page.status_code == 200
    row = next(row for row in page.text.split("<tr>") if "ONE_NOTICE" in row)
    assert "一次性告知" in row and "1 / 1" in row  # told once, kept
