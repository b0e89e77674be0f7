"""The pages in a real browser, as each kind of user works: a caseworker signs in, finds today's work, records an
action through its form and sees it on the timeline with its verification badge, downloads the register; an
auditor verifies a case and downloads its bundle; a caseworker of another institution sees nothing of it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from openpyxl import load_workbook

from domain.actor import SHANGHAI
from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from tests.server import Server
from tests.walkthrough import APPLICANT, FIRST_RECEIVING, receive, register_pool

PEOPLE = {
    "caseworker": (FIRST_RECEIVING, {Role.STAFF}),
    "elsewhere": ("baotou-donghe", {Role.STAFF}),
    "auditor": ("baotou-bureau", {Role.AUDITOR}),
}


@pytest.fixture
def site(ledger: CaseLedger, settings: Settings, tmp_path: Path) -> Iterator[tuple[Server, dict[str, str], str]]:
    """A served ledger holding an application received a minute ago in Kundulun, and a token for each person."""
    register_pool(ledger)
    principals = principal_store(ledger, settings)
    tokens = {who: principals.add(who, institution, roles)[1] for who, (institution, roles) in PEOPLE.items()}
    case_id = str(receive(ledger, at=datetime.now(SHANGHAI).replace(second=0, microsecond=0)))
    server = Server(settings, tmp_path / "serve.log")
    yield server, tokens, case_id
    server.stop()


def signed_in(browser: Any, server: Server, token: str) -> Any:
    page = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
    page.goto(server.url + "/")
    page.fill("input[name=token]", token)
    page.click("text=登录 Sign in >> nth=-1")
    return page


def test_a_caseworker_finds_todays_work_records_an_action_and_downloads_the_register(
    browser: Any, site: tuple[Server, dict[str, str], str], ledger: CaseLedger
) -> None:
    server, tokens, case_id = site
    page = signed_in(browser, server, tokens["caseworker"])

    row = page.locator("table.worklist tr", has_text="当日受理、当日审查、当日指派")
    assert APPLICANT["name"] in row.inner_text() and "即将到期" in row.inner_text()  # due today
    row.locator("a").click()
    assert page.locator("#case-status").inner_text() == "已受理"

    page.click("#action-platform-entry summary")
    page.fill("#action-platform-entry input[name=platform_number]", "NMG-2026-0042")
    page.click("#action-platform-entry button")

    records = page.locator(".timeline-picture g.record")
    assert records.count() == 2 and page.locator(".timeline-picture g.record.failed").count() == 0
    assert "录入平台" in (records.nth(1).text_content() or "")
    assert "全部记录已核验" in page.locator("#case-verified").inner_text()
    assert (ledger.get_case(UUID(case_id)).platform_entry or {})["number"] == "NMG-2026-0042"

    page.click("text=台账明细 Register")
    with page.expect_download() as download:
        page.click("#download-xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["台账明细 register", "合计 totals"]
    header = [c.value for c in workbook["台账明细 register"][1]]
    line = dict(zip(header, [c.value for c in workbook["台账明细 register"][2]], strict=True))
    assert (
        line["平台编号 platform number"] == "NMG-2026-0042" and line["首次受理机构 first-receiving institution"] == "昆都仑区法律援助中心"
    )


def test_an_auditor_verifies_the_case_downloads_its_bundle_and_checks_it_into_a_report(
    browser: Any, site: tuple[Server, dict[str, str], str]
) -> None:
    server, tokens, case_id = site
    page = signed_in(browser, server, tokens["auditor"])

    page.goto(f"{server.url}/app/cases/{case_id}")

    assert "全部记录已核验" in page.locator("#case-verified").inner_text()
    assert APPLICANT["name"] in page.inner_text("main")  # auditors may read what they audit
    with page.expect_download() as download:
        page.click("#download-bundle")
    bundle = json.loads(Path(download.value.path()).read_text())
    assert bundle["case_id"] == case_id and [r["version"] for r in bundle["records"] if r["stream"] == case_id] == [1]

    page.click("text=核验审计包 Check a bundle")  # the file she was sent, checked and printed as a report
    page.set_input_files("input[name=bundle]", download.value.path())
    page.click("#check-bundle")
    assert "核验通过 VERIFIED" in page.locator("#verdict").inner_text()
    assert page.locator("table.records tr.ok").count() == 1 and page.locator("table.records tr.failed").count() == 0


def test_a_caseworker_of_another_institution_sees_nothing_of_the_case(browser: Any, site: tuple[Server, dict[str, str], str]) -> None:
    server, tokens, case_id = site
    page = signed_in(browser, server, tokens["elsewhere"])

    assert page.locator("table.worklist").count() == 0  # nothing of hers is due
    response = page.goto(f"{server.url}/app/cases/{case_id}")

    assert response.status == 403 and "NOT_YOUR_CASE" in page.inner_text("main")
    assert APPLICANT["name"] not in page.content()
