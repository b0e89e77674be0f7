"""The case register (台账明细, 000 四(四)): a line per case a bureau official can read, with totals per institution.

The expected values are the walkthrough's own inputs (tests/walkthrough.py: received in Kundulun on 2 March 2026 at
09:00, each step five hours later) and the rules' limits, written here; the totals are checked against the
institution ledger, a projection built by other code from the same records."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from api.demo import DemoGenerator
from domain.actor import SHANGHAI
from infrastructure.ledger import CaseLedger
from projections.registry import ReadModels
from service.queries import Queries
from tests.http_client import Api
from tests.raw_store import RawStore
from tests.walkthrough import FIRST_RECEIVING, HANDLING, receive, walk_whole_case


def at(day: int, hour: int) -> str:
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI).isoformat()


def test_a_case_received_in_one_district_and_handled_in_another_reads_as_its_records_say(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = walk_whole_case(ledger)

    result = Queries(models).register(None, "2026-03", on=date(2026, 3, 31))

    (line,) = result["cases"]
    expected = {
        "case_id": str(case_id),
        "status": "archived",
        "platform_number": "NMG-2026-1",
        "received_at": at(2, 9),
        "channel": "window",
        "matter_kind": "civil",
        "cause_of_action": "追索劳动报酬纠纷",
        "authority_name": "青山区人民法院",
        "first_receiving": FIRST_RECEIVING,
        "receiving_district": "kundulun",
        "authority_district": "qingshan",
        "cross_district": True,  # received in Kundulun for a Qingshan court: 市域通办
        "handling": HANDLING,
        "handling_district": "qingshan",
        "transfer_from": FIRST_RECEIVING,
        "transfer_to": HANDLING,
        "transfer_requested_at": at(2, 14),
        "transfer_sent_at": at(2, 19),
        "transfer_delivered_at": at(3, 0),
        "transfer_on_time": "met",
        "same_day": "stopped",  # a transferred case is not appointed the day it was received (000 三(一))
        "hardship_basis": "hardship_statement",
        "decision": "granted",
        "decided_at": at(3, 20),
        "decision_document": "青援决字〔2026〕1号",
        "decision_on_time": "met",
        "appointed_at": at(4, 1),
        "appointment_on_time": "met",
        "lawyer_name": "张律师",
        "lawyer_firm": "内蒙古慧丰律师事务所qingshan分所",
        "lawyer_changes": 0,
        "key_groups": [],
        "emergency": False,
        "closed_at": at(4, 6),
        "outcome": "调解结案",
        "amount_recovered_fen": 1_250_000,
        "file_grade": "good",
        "subsidy_fen": 150_000,
        "subsidy_paid_at": at(4, 21),
        "archived_at": at(5, 2),
        "archive_number": "昆档-2026-1",
    }
    assert {k: line.get(k) for k in expected} == expected
    assert "applicant" not in str(line) and "乌云其其格" not in str(line)  # no personal data in a register

    nothing = dict.fromkeys(result["totals"]["total"], 0)
    kundulun = {"received_first": 1, "cross_district": 1, "transferred_out": 1, "archived": 1, "subsidy_fen": 150_000}
    qingshan = {"transferred_in": 1, "handled": 1, "granted": 1, "appointed": 1, "closed": 1, "amount_recovered_fen": 1_250_000}
    assert result["totals"] == {
        FIRST_RECEIVING: {**nothing, **kundulun},
        HANDLING: {**nothing, **qingshan},
        "total": {**nothing, **kundulun, **qingshan},
    }
    assert Queries(models).register(None, "2026-04")["cases"] == []  # received in March only


def test_an_institution_reads_the_cases_it_has_a_part_in_and_only_its_own_totals(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)
    queries = Queries(models)

    handling = queries.register(HANDLING, "2026")
    elsewhere = queries.register("baotou-donghe", "2026")

    assert len(handling["cases"]) == 1 and list(handling["totals"]) == [HANDLING]
    assert handling["totals"][HANDLING]["granted"] == 1 and handling["totals"][HANDLING]["received_first"] == 0
    assert elsewhere["cases"] == [] and set(elsewhere["totals"]["baotou-donghe"].values()) == {0}


@pytest.mark.parametrize("seed", [3, 17])
def test_the_registers_totals_agree_with_the_institution_ledger(ledger: CaseLedger, models: ReadModels, seed: int) -> None:
    """Counted per case from the register's lines and per event by the ledger: for what happens once in a case
    (received, appointed, closed, archived, paid) both give each institution the same figures."""
    DemoGenerator(ledger, seed).run(range(80), 80)
    queries = Queries(models)

    totals = queries.register(None, None)["totals"]
    counted = queries.ledger(None, None)["institutions"]
    paid = queries.costs(None, None)["by_first_receiving_institution"]

    assert totals["total"]["received_first"] == 80 == len(queries.register(None, None)["cases"])
    for institution, figures in counted.items():
        mine = totals.get(institution, dict.fromkeys(totals["total"], 0))
        for column in ("received_first", "appointed", "closed", "archived"):
            assert mine[column] == figures["totals"][column], (institution, column)
        assert mine["subsidy_fen"] == paid.get(institution, {}).get("subsidy_fen", 0)


def test_the_register_downloads_as_a_workbook_a_bureau_can_submit(ledger: CaseLedger, api: Api) -> None:
    walk_whole_case(ledger)

    response = api.get("bureau", "/ledger/detail?period=2026-Q1&format=xlsx")

    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["台账明细 register", "合计 totals"]
    sheet = workbook["台账明细 register"]
    header, line = (list(r) for r in sheet.iter_rows(max_row=2))
    cell = {h.value: c for h, c in zip(header, line, strict=True)}
    assert cell["首次受理机构 first-receiving institution"].value == "昆都仑区法律援助中心"
    assert cell["办案机关所在地 authority's district"].value == "青山区"
    assert cell["跨区通办 received in another district"].value == "是"
    assert cell["决定 decision"].value == "给予援助"
    assert cell["受理时间 received"].value == datetime(2026, 3, 2, 9, 0)
    assert cell["办案补贴（元） subsidy (yuan)"].value == 1500 and cell["办案补贴（元） subsidy (yuan)"].number_format == "#,##0.00"
    assert cell["转交期限 transfer limit"].value == "按期"
    totals = [[c.value for c in r] for r in workbook["合计 totals"].iter_rows(min_row=2)]
    assert [r[0] for r in totals] == ["昆都仑区法律援助中心", "青山区法律援助中心", "合计"]


def test_a_caseworker_elsewhere_reads_nothing_of_the_case_and_bad_queries_are_refused(ledger: CaseLedger, api: Api) -> None:
    walk_whole_case(ledger)

    assert api.get("donghe_staff", "/ledger/detail?period=2026").json()["cases"] == []
    assert api.get("donghe_staff", f"/ledger/detail?institution={HANDLING}").status_code == 403
    assert len(api.get("qingshan_staff", "/ledger/detail?period=2026").json()["cases"]) == 1
    for query, code in (
        ("period=2026-13", "INVALID_PERIOD"),
        ("format=pdf", "INVALID_REQUEST"),
        ("institution=nowhere", "UNKNOWN_INSTITUTION"),
    ):
        refused = api.get("bureau", f"/ledger/detail?{query}")
        assert refused.status_code in (400, 404, 422) and refused.json()["code"] == code, (query, refused.text)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_case_received_before_the_cause_of_action_was_asked_for_still_reads(
    ledger: CaseLedger, models: ReadModels, raw: RawStore
) -> None:
    case_id = receive(ledger)
    recorded = raw.state(case_id, 1)
    assert b'"cause_of_action":"\xe8\xbf\xbd' in recorded  # 追索劳动报酬纠纷, as the walkthrough's application gives it
    raw.set_state(case_id, 1, re.sub(rb'"cause_of_action":"[^"]*",', b"", recorded))  # as records made before it were

    assert ledger.get_case(case_id).cause_of_action == ""
    (line,) = Queries(models).register(None, "2026-03")["cases"]
    assert line["cause_of_action"] == "" and line["authority_name"] == "青山区人民法院"
