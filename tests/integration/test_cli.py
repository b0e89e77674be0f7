"""The `tongban` command end to end, on both backends: what a new user and an auditor type."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from domain.policy.baotou import DISTRICTS
from domain.vocabulary import Role
from tests.raw_store import RawStore


@pytest.fixture
def tongban(tmp_path: Path, database_url: str) -> Callable[..., Result]:
    runner = CliRunner(env={"TONGBAN_DATA_DIR": str(tmp_path), "TONGBAN_KEY_PASSPHRASE": "cli-test"})

    def run(*args: str) -> Result:
        db = [] if args[0] in ("deadline", "calendar") else ["--db", database_url]  # these need no ledger
        return runner.invoke(main, [*args, *db], catch_exceptions=False)

    return run


def first_case(database_url: str) -> UUID:
    raw = RawStore(database_url)
    try:
        row = next(r for r in raw.rows() if r[2].startswith("domain.case:"))
    finally:
        raw.close()
    return UUID(str(row[0]))


def test_init_creates_the_baotou_network_and_is_safe_to_run_twice(tongban: Callable[..., Result]) -> None:
    first = tongban("init")
    assert first.exit_code == 0
    assert "registered 达尔罕茂明安联合旗法律援助中心" in first.output
    assert "registered 达尔罕茂明安联合旗司法局" in first.output  # the county-level bureau that set the centre up
    assert first.output.count("certified key") == 1 + 1 + 9 + 9  # city bureau, municipal centre, 9 centres, 9 county bureaus
    second = tongban("init")
    assert second.exit_code == 0
    assert "nothing to do" in second.output


def test_demo_records_signed_cases_that_verify(tongban: Callable[..., Result]) -> None:
    demo = tongban("demo", "--cases", "60", "--workers", "1")
    assert demo.exit_code == 0, demo.output
    assert re.search(r"recorded 60 cases, \d+ signed events", demo.output)

    verified = tongban("verify", "--json")
    report = json.loads(verified.output)
    assert verified.exit_code == 0
    assert report["ok"] is True
    assert report["cases"] == 60
    assert report["records"] > 60 * 5


def test_verify_exits_1_and_names_the_tampered_case(tongban: Callable[..., Result], database_url: str) -> None:
    tongban("demo", "--cases", "20", "--workers", "1")
    case_id = first_case(database_url)
    raw = RawStore(database_url)
    state = raw.state(case_id, 2)
    raw.set_state(case_id, 2, state.replace(b'"version":2', b'"version":3'))
    raw.close()

    result = tongban("verify")

    assert result.exit_code == 1
    assert f"BAD  case {case_id} version 2" in result.output
    assert "problems in 1 cases" in result.output


def test_history_shows_each_record_verified_and_the_state_as_of_a_time(tongban: Callable[..., Result], database_url: str) -> None:
    tongban("demo", "--cases", "10", "--workers", "1")
    case_id = first_case(database_url)

    now = json.loads(tongban("history", str(case_id), "--json").output)
    assert all(entry["verified"] for entry in now["timeline"])
    assert now["timeline"][0]["type"] == "ApplicationReceived"
    assert now["state"]["first_receiving_institution"] == now["timeline"][0]["institution"]

    received_at = now["timeline"][0]["occurred_at"]  # as the ledger prints it: 2025-01-02T15:03:00+08:00
    for as_of in (received_at, received_at[:19], received_at[:19].replace("T", " ")):  # with its offset or without
        then = json.loads(tongban("history", str(case_id), "--as-of", as_of, "--json").output)
        assert (then["state"]["version"], then["state"]["status"]) == (1, "received")


def test_history_of_an_unknown_case_says_so(tongban: Callable[..., Result]) -> None:
    tongban("init")
    result = tongban("history", "00000000-0000-4000-8000-000000000000")
    assert result.exit_code == 1
    assert "CASE_NOT_FOUND" in result.output


def test_after_a_key_rotation_old_and_new_records_verify(tongban: Callable[..., Result]) -> None:
    tongban("demo", "--cases", "10", "--workers", "1")
    rotated = tongban("keys", "rotate", "baotou-municipal")
    assert rotated.exit_code == 0
    assert "baotou-municipal now signs with baotou-municipal.k2" in rotated.output
    tongban("demo", "--cases", "10", "--seed", "7", "--workers", "1")

    assert tongban("verify").exit_code == 0
    listing = tongban("keys", "list").output
    assert re.search(r"baotou-municipal\.k1 .* revoked", listing)


def test_the_same_seed_gives_the_same_cases_however_many_workers(tmp_path: Path) -> None:
    summaries = []
    for workers in ("1", "2"):
        db = f"sqlite:///{tmp_path / f'w{workers}.sqlite3'}"
        runner = CliRunner(env={"TONGBAN_DATA_DIR": str(tmp_path / workers), "TONGBAN_KEY_PASSPHRASE": "cli-test"})
        result = runner.invoke(main, ["demo", "--cases", "600", "--workers", workers, "--db", db], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        events = re.search(r"recorded 600 cases, (\d+) signed events", result.output)
        statuses = re.search(r"cases by status: (.*)", result.output)
        assert events and statuses
        summaries.append((events.group(1), statuses.group(1)))
    assert summaries[0] == summaries[1]


def test_deadline_answers_when_is_this_due(tongban: Callable[..., Result]) -> None:
    national_day = json.loads(tongban("deadline", "TRANSFER", "--from", "2025-09-30", "--json").output)
    assert (national_day["due"], national_day["provisional"]) == ("2025-10-10", False)
    next_year = tongban("deadline", "platform", "--from", "2026-12-30", "--complex")  # 31 Dec, [元旦, weekend], 4, 5 Jan
    assert "due 2027-01-05" in next_year.output and "provisional" in next_year.output
    unknown = tongban("deadline", "LUNCH", "--from", "2026-01-05")
    assert unknown.exit_code == 1 and "UNKNOWN_RULE" in unknown.output


def test_worklist_and_compliance_read_the_deadline_projection(tongban: Callable[..., Result]) -> None:
    tongban("demo", "--cases", "80", "--workers", "1")

    open_items = []
    for institution in ("baotou-municipal", *(f"baotou-{d}" for d, _ in DISTRICTS)):
        work = json.loads(tongban("worklist", "--institution", institution, "--date", "2026-11-22", "--json").output)
        assert all(item["responsible"] == institution for item in work["items"])
        as_printed = json.loads(tongban("worklist", "--institution", institution, "--date", "2026-11-22T15:03:00+08:00", "--json").output)
        assert as_printed == work  # the ledger's own format names the same day
        open_items += work["items"]
    assert open_items, "the demo leaves some cases in progress (one in 17)"
    assert {item["status"] for item in open_items} <= {"overdue", "due_soon", "open", "provisional"}

    report = json.loads(tongban("compliance", "--period", "2025", "--json").output)
    late_evening_utc = json.loads(tongban("compliance", "--period", "2025", "--date", "2026-11-21T20:00:00Z", "--json").output)
    assert late_evening_utc["as_of"] == "2026-11-22"  # 04:00 the next morning in Shanghai
    assert {"DECISION", "APPOINT", "SAME_DAY"} <= set(report["rules"])
    decision = report["rules"]["DECISION"]
    assert decision["met"] + decision["missed"] + decision["overdue"] + decision["stopped"] + decision["open"] == decision["total"]
    assert tongban("compliance", "--period", "2025-13").exit_code == 1
    header, *rows = tongban("compliance", "--period", "2025").output.splitlines()
    assert header.split() == ["rule", "total", "met", "missed", "overdue", "stopped", "open", "rate"]
    for row in rows:  # as printed, the counts add up to the total
        total, *parts = (int(n) for n in row.split()[1:7])
        assert sum(parts) == total, row


def test_stats_of_each_institution_add_up_to_the_citys(tongban: Callable[..., Result]) -> None:
    tongban("demo", "--cases", "60", "--workers", "1")
    institutions = ("baotou-municipal", *(f"baotou-{d}" for d, _ in DISTRICTS))

    city = json.loads(tongban("stats", "--json").output)
    each = [json.loads(tongban("stats", "--institution", i, "--json").output) for i in institutions]

    assert city["applications_received"] == 60  # every case is received first exactly once
    for figure in ("applications_received", "cases_granted", "cases_closed", "files_archived", "amount_recovered_fen"):
        assert sum(e[figure] for e in each) == city[figure], figure
    assert len({e["applications_received"] for e in each}) > 1  # the filter is applied, not ignored
    printed = tongban("stats").output
    assert "{" not in printed and "'" not in printed  # figures one a line, not Python's dict syntax
    assert "受理申请 applications_received" in printed and f"{city['amount_recovered_fen'] / 100:,.2f} 元" in printed


def test_an_auditor_saves_a_checkpoint_exports_a_bundle_and_later_catches_a_deleted_case(
    tongban: Callable[..., Result], database_url: str, tmp_path: Path
) -> None:
    assert tongban("demo", "--cases", "12", "--workers", "1").exit_code == 0
    saved = tmp_path / "checkpoint.txt"
    signed = tongban("checkpoint")
    assert signed.exit_code == 0
    saved.write_text(signed.output, encoding="utf-8")
    case_id = first_case(database_url)
    bundle = tmp_path / "bundle.json"
    assert tongban("audit", "export", str(case_id), "--out", str(bundle)).exit_code == 0
    root = tmp_path / "keys" / "root.pub"
    checked = CliRunner().invoke(main, ["audit", "verify", str(bundle), "--root-key", str(root)])
    assert checked.exit_code == 0, checked.output
    assert "核验通过 VERIFIED" in checked.output
    assert tongban("audit", "check", "--since", str(saved)).exit_code == 0

    raw = RawStore(database_url)
    raw.delete_case(case_id)
    raw.close()

    caught = tongban("audit", "check", "--since", str(saved))
    assert caught.exit_code == 1
    assert f"case {case_id} version 1" in caught.output and "removed" in caught.output
    assert tongban("verify").exit_code == 1  # the newest checkpoint in the database catches it too


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_documented_postgresql_order_works_init_and_demo_as_owner_then_serve_as_the_application_role(
    tongban: Callable[..., Result], database_url: str, tmp_path: Path
) -> None:
    from litestar.testing import TestClient

    from api.http_app import create_app
    from infrastructure.append_only import app_url
    from infrastructure.bootstrap import open_ledger, principal_store
    from infrastructure.config import Settings
    from infrastructure.database import Database
    from tests.http_client import APPLICATION

    assert tongban("init").exit_code == 0
    assert tongban("demo", "--cases", "20", "--workers", "1").exit_code == 0
    as_app = app_url(Database(database_url))
    settings = Settings(data_dir=tmp_path, db_url=as_app, key_passphrase="cli-test")
    owner = Settings(data_dir=tmp_path, db_url=database_url, key_passphrase="cli-test")
    token = principal_store(open_ledger(owner), owner).add("王芳", "baotou-kundulun", {Role.STAFF})[1]

    with TestClient(create_app(settings, background=False)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        listed = client.get("/cases", headers=headers)
        received = client.post("/cases", json=APPLICATION, headers=headers)
        ledger = client.get("/ledger", headers=headers)

    assert listed.status_code == 200 and listed.json()["total"] > 0
    assert received.status_code == 201, received.text
    assert ledger.status_code == 200


def test_verify_reports_a_data_key_removed_without_an_erasure_record(tongban: Callable[..., Result], database_url: str) -> None:
    assert tongban("demo", "--cases", "5", "--workers", "1").exit_code == 0
    raw = RawStore(database_url)  # past the trigger that keeps a key until its erasure is recorded
    (applicant,) = raw.conn.execute("SELECT applicant_id FROM tongban_personal_data_keys ORDER BY applicant_id").fetchone()
    raw.conn.execute(f"DELETE FROM tongban_personal_data_keys WHERE applicant_id = {raw.p}", (applicant,))
    raw.close()

    verified = tongban("verify")

    assert verified.exit_code == 1
    assert f"KEY  applicant {applicant}: data key missing, yet no signed erasure record" in verified.output
    assert "data keys: 1 problems" in verified.output


def test_a_forged_checkpoint_row_is_reported_by_verify_and_does_not_stop_an_export(
    tongban: Callable[..., Result], database_url: str, tmp_path: Path
) -> None:
    from infrastructure.database import Database
    from infrastructure.sql_store import SqlStore

    assert tongban("demo", "--cases", "3", "--workers", "1").exit_code == 0
    assert tongban("checkpoint").exit_code == 0
    store = SqlStore(Database(database_url))
    store.execute("INSERT INTO tongban_log_checkpoints (tree_size, signed_at, note) VALUES (?, ?, ?)", (10**9, "x", "garbage"))
    store.close()

    verified = tongban("verify")
    exported = tongban("audit", "export", str(first_case(database_url)), "--out", str(tmp_path / "bundle.json"))

    assert verified.exit_code == 1 and "Traceback" not in verified.output
    assert "LOG  stored checkpoint #2 does not verify, ignored" in verified.output
    assert "all records verify" in verified.output
    assert exported.exit_code == 0, exported.output


def test_a_network_record_deleted_from_the_middle_is_named_by_verify_history_and_audit_check(
    tongban: Callable[..., Result], database_url: str, tmp_path: Path
) -> None:
    assert tongban("demo", "--cases", "3", "--workers", "1").exit_code == 0
    saved = tongban("checkpoint")
    (tmp_path / "checkpoint.txt").write_text(saved.output)
    case_id = first_case(database_url)
    raw = RawStore(database_url)
    network_id = next(r[0] for r in raw.rows() if r[2].startswith("domain.network:"))
    raw.delete(UUID(str(network_id)), 5)  # an institution's registration, or a key certification
    raw.close()

    verified = tongban("verify")
    history = tongban("history", str(case_id))
    checked = tongban("audit", "check", "--since", str(tmp_path / "checkpoint.txt"))

    for result in (verified, history, checked):
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "OriginatorVersionError" not in result.output
    assert re.search(rf"BAD  case {UUID(str(network_id))} version 6: version 5 is missing", verified.output), verified.output
    assert "BAD" in history.output  # what was signed under keys the broken network can no longer vouch for


def test_a_time_is_taken_as_people_write_it_with_or_without_its_offset(tongban: Callable[..., Result]) -> None:
    def due(start: str) -> str:
        answer = tongban("deadline", "DECISION", "--from", start, "--json")
        assert answer.exit_code == 0, answer.output
        return str(json.loads(answer.output)["due_by"])

    plain = due("2026-03-02T09:00:00")
    assert due("2026-03-02T09:00:00+08:00") == due("2026-03-02T01:00:00Z") == due("2026-03-02 09:00") == plain
    wrong = tongban("deadline", "DECISION", "--from", "next tuesday")
    assert wrong.exit_code == 2 and "INVALID_OPTION" in wrong.output and "Traceback" not in wrong.output


def test_a_bureau_accepts_investigates_and_decides_a_complaint_from_the_command_line(
    tongban: Callable[..., Result], database_url: str
) -> None:
    assert tongban("demo", "--cases", "20", "--workers", "1").exit_code == 0
    case_id = str(first_case(database_url))
    receiver = json.loads(tongban("history", case_id, "--json").output)["timeline"][0]["institution"]
    about = ["--case", case_id, "--received-on", "2026-11-20", "--complainant", "applicant", "--respondent-kind", "institution"]
    number = "包司投〔2026〕99号"

    accepted = tongban("complaints", "accept", "--bureau", "baotou-bureau", "--number", number, *about, "--respondent", receiver,
                       "--facts", "窗口未一次性告知所需材料", "--json")  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert (json.loads(accepted.output)["answerable_institution"], json.loads(accepted.output)["version"]) == (receiver, 1)
    assert tongban("complaints", "investigate", number, "--bureau", "baotou-bureau", "--findings", "属实").exit_code == 0
    decided = tongban("complaints", "decide", number, "--bureau", "baotou-bureau", "--outcome", "partly_substantiated",
                      "--measures", "责令整改", "--reply-reference", "包司投复〔2026〕99号", "--json")  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert (json.loads(decided.output)["outcome"], json.loads(decided.output)["findings"]) == ("partly_substantiated", ["属实"])
    assert json.loads(tongban("verify", "--json").output)["ok"] is True


def test_the_bureau_keeps_a_lawyers_record_from_the_command_line(tongban: Callable[..., Result]) -> None:
    """登记入库, 转所, 核验执业经历, 暂停指派: each a signed record of the bureau, the last word on the lawyer."""
    assert tongban("init").exit_code == 0
    licence = "11502201810123456"
    added = tongban("lawyers", "add", "--licence", licence, "--name", "赵敏", "--firm", "内蒙古慧丰律师事务所",
                    "--district", "qingshan", "--address", "青山区幸福路1号", "--phone", "0472-5100001", "--specialty", "civil",
                    "--verification", "执业证核验", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    moved = tongban("lawyers", "move", licence, "--firm", "内蒙古北辰律师事务所", "--district", "kundulun", "--address", "昆区钢铁大街2号",
                    "--phone", "0472-5100002", "--json")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    verified = tongban("lawyers", "verify", licence, "--specialty", "civil", "--specialty", "criminal", "--criminal-since", "2019-07-01",
                       "--verification", "调取2019年以来刑事办案记录核验", "--json")  # fmt: skip
    assert verified.exit_code == 0, verified.output
    suspended = tongban("lawyers", "status", licence, "--to", "suspended", "--reason", "投诉查处期间暂停指派", "--json")
    assert suspended.exit_code == 0, suspended.output

    shown = json.loads(tongban("lawyers", "show", licence, "--json").output)
    assert (shown["firm"], shown["firm_district"], shown["office_phone"]) == ("内蒙古北辰律师事务所", "kundulun", "0472-5100002")
    assert (shown["specialties"], shown["criminal_practice_since"], shown["status"]) == (["civil", "criminal"], "2019-07-01", "suspended")
    assert shown["version"] == 4
    assert json.loads(tongban("verify", "--json").output)["ok"] is True
