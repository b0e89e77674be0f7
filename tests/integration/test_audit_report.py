"""The printable audit report (审计报告): a court clerk reads the case's records in words and each check's result,
and whatever failed is marked where it failed; from the command line with only the root key, and from the pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.audit_report import audit_report_html, read_and_verify
from api.cli import main
from infrastructure.audit import export_bundle
from infrastructure.ledger import CaseLedger
from infrastructure.transparency_log import TransparencyLog
from tests.http_client import Api
from tests.integration.test_web_pages import sign_in
from tests.walkthrough import RECEIVED_AT, WHOLE_CASE_RECORDS, walk_whole_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
GRANT_VERSION = 8  # the walkthrough's 给予法律援助决定, its 8th record


@pytest.fixture
def bundle(ledger: CaseLedger, log: TransparencyLog) -> dict[str, Any]:
    case_id = walk_whole_case(ledger)
    log.integrate()
    return export_bundle(ledger, log, case_id, RECEIVED_AT + timedelta(days=30))


def rows(html: str) -> dict[int, str]:
    """Each record's row of the report, by version."""
    return {int(v): row for v, row in re.findall(r'<tr class="(?:ok|failed)" data-version="(\d+)">(.*?)</tr>', html, re.S)}


def report_of(bundle: dict[str, Any], ledger: CaseLedger) -> str:
    key = ledger.keystore.root_public_key_hex()
    content, report = read_and_verify(json.dumps(bundle, ensure_ascii=False).encode(), "bundle.json", key)
    return audit_report_html(content, report, key, RECEIVED_AT + timedelta(days=31))


def test_the_report_says_who_did_what_when_with_which_document_in_words(bundle: dict[str, Any], ledger: CaseLedger) -> None:
    html = report_of(bundle, ledger)

    assert 'class="verdict ok"' in html and "核验通过 VERIFIED" in html
    records = rows(html)
    assert sorted(records) == list(range(1, WHOLE_CASE_RECORDS + 1)) and all("✓ 已核验 verified" in r for r in records.values())
    assert "给予法律援助决定" in records[GRANT_VERSION] and "青援决字〔2026〕1号" in records[GRANT_VERSION]
    assert "青山区法律援助中心" in records[GRANT_VERSION] and "2026-03-03 20:00" in records[GRANT_VERSION]  # received + 7 steps of 5 h
    paid = records[WHOLE_CASE_RECORDS - 1]
    assert "1,500.00 元" in paid and "张律师" in paid and "PAY-1" in paid and "昆都仑区法律援助中心" in paid
    assert "昆档-2026-1" in records[WHOLE_CASE_RECORDS] and "12,500.00 元" in records[10]  # archive number; amount recovered
    assert "个人信息已加密" in records[1] and "张" not in records[1].split("申请人")[1][:40]  # the applicant stays sealed


def test_an_altered_record_is_marked_where_it_was_altered_and_the_verdict_says_so(bundle: dict[str, Any], ledger: CaseLedger) -> None:
    granted = next(r for r in bundle["records"] if r["stream"] == bundle["case_id"] and r["version"] == GRANT_VERSION)
    granted["record"] = granted["record"].replace("青援决字〔2026〕1号", "青援决字〔2026〕9号")

    html = report_of(bundle, ledger)

    assert 'class="verdict failed"' in html and "核验不通过 NOT VERIFIED" in html
    records = rows(html)
    assert "✗ 未通过 FAILED" in records[GRANT_VERSION] and "signature does not verify" in records[GRANT_VERSION]
    assert "previous-record hash does not match" in records[GRANT_VERSION + 1]  # the next record no longer chains to it
    assert [v for v, r in records.items() if "✗" in r] == [GRANT_VERSION, GRANT_VERSION + 1]
    assert html.count("✗ 不通过 FAIL") == 2  # the chain check and the inclusion check


def test_the_command_line_writes_the_report_with_only_the_root_key_and_refuses_what_is_not_a_bundle(
    bundle: dict[str, Any], ledger: CaseLedger, tmp_path: Path
) -> None:
    (tmp_path / "case.bundle.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a bundle", encoding="utf-8")
    key = ledger.keystore.root_public_key_hex()
    runner = CliRunner(env={"TONGBAN_DATA_DIR": str(tmp_path / "nothing-here")})  # no ledger is needed

    made = runner.invoke(
        main, ["audit", "verify", str(tmp_path / "case.bundle.json"), "--root-key", key, "--html", str(tmp_path / "r.html")]
    )
    refused = runner.invoke(main, ["audit", "verify", str(tmp_path / "notes.txt"), "--root-key", key, "--html", str(tmp_path / "x.html")])

    assert made.exit_code == 0 and "核验通过" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert refused.exit_code == 1 and "NOT_A_BUNDLE" in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "x.html").exists()


def test_an_auditor_prints_a_cases_report_and_checks_a_bundle_file_on_the_pages(
    bundle: dict[str, Any], ledger: CaseLedger, api: Api
) -> None:
    case_id = bundle["case_id"]
    sign_in(api, "donghe_staff")
    assert api.client.get(f"/app/cases/{case_id}/audit-report").status_code == 403  # not her institution's case

    csrf = sign_in(api, "auditor")
    printable = api.client.get(f"/app/cases/{case_id}/audit-report")
    assert printable.status_code == 200 and "核验通过 VERIFIED" in printable.text and "青援决字〔2026〕1号" in printable.text

    granted = next(r for r in bundle["records"] if r["stream"] == case_id and r["version"] == GRANT_VERSION)
    granted["record"] = granted["record"].replace("青援决字〔2026〕1号", "青援决字〔2026〕9号")
    key = ledger.keystore.root_public_key_hex()
    upload = {"bundle": ("case.bundle.json", json.dumps(bundle, ensure_ascii=False).encode(), "application/json")}
    checked = api.client.post("/app/audit", data={"root_key": key, "_csrf_token": csrf}, files=upload)
    assert (
        checked.status_code == 200 and "核验不通过 NOT VERIFIED" in checked.text and "✗ 未通过 FAILED" in rows(checked.text)[GRANT_VERSION]
    )

    wrong_file = {"bundle": ("notes.txt", b"minutes of the meeting", "text/plain")}
    refused = api.client.post("/app/audit", data={"root_key": key, "_csrf_token": csrf}, files=wrong_file)
    assert refused.status_code == 422 and "NOT_A_BUNDLE" in refused.text and refused.headers["content-type"].startswith("text/html")
    bad_key = api.client.post("/app/audit", data={"root_key": "abc", "_csrf_token": csrf}, files=upload)
    assert bad_key.status_code == 422 and "INVALID_ROOT_KEY" in bad_key.text
