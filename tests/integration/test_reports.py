"""The institution ledger, cost attribution, reconciliation and statistics equal a recount from the events."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from api.demo import DemoGenerator
from infrastructure.bootstrap import build_ledger
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from projections.institution_ledger import cost_attribution, institution_ledger, statistics
from projections.reconciliation import StatementLine, check_payments, match_statement, read_payments, read_statement
from projections.registry import ReadModels, build_read_models
from tests.walkthrough import FIRST_RECEIVING, HANDLING, walk_whole_case

# The ledger's columns (台账, 000 四(四)) and the event each counts, written here from the rules rather than
# taken from the projection, so that a wrong mapping there is caught. Granting aid is also "handled" (承办), refusing
# it is not; on an authority's notice, which is not decided, appointing the lawyer is.
COLUMN_OF_EVENT = {
    "ApplicationReceived": "received_first",
    "TransferRequested": "transferred_out",
    "MaterialsReceived": "transferred_in",
    "AidGranted": "granted",
    "AidRefused": "refused",
    "ApplicationWithdrawn": "withdrawn",
    "AidTerminated": "terminated",
    "LawyerAppointed": "appointed",
    "CaseClosed": "closed",
    "CaseArchived": "archived",
}


def recount(ledger: CaseLedger) -> dict[str, Any]:
    """Counted straight from the domain events, without the projection's code."""
    counts: Counter[tuple[str, str]] = Counter()
    paid: Counter[str] = Counter()
    archived: Counter[str] = Counter()
    first: dict[Any, str] = {}
    notified: set[Any] = set()
    recovered = 0
    recovered_by: Counter[str] = Counter()
    for notification in ledger.all_records():
        if notification.originator_id == ledger.network_id:
            continue
        event = ledger.mapper.to_domain_event(notification)
        kind, institution = type(event).__name__, event.by["institution"]  # type: ignore[attr-defined]
        if kind == "ApplicationReceived":
            first[event.originator_id] = institution
            if event.channel.startswith("notified_by_"):  # type: ignore[attr-defined]
                notified.add(event.originator_id)
                counts[(institution, "notified")] += 1
        if kind in COLUMN_OF_EVENT:
            counts[(institution, COLUMN_OF_EVENT[kind])] += 1
        if kind == "AidGranted" or (kind == "LawyerAppointed" and event.originator_id in notified):
            counts[(institution, "handled")] += 1
        if kind == "SubsidyPaid":
            paid[first[event.originator_id]] += event.amount_fen  # type: ignore[attr-defined]
        if kind == "CaseArchived":
            archived[first[event.originator_id]] += 1
        if kind == "CaseClosed":
            recovered += event.amount_recovered_fen  # type: ignore[attr-defined]
            recovered_by[institution] += event.amount_recovered_fen  # type: ignore[attr-defined]
    return {"counts": counts, "paid": paid, "archived": archived, "recovered": recovered, "recovered_by": recovered_by}


def projected(models: ReadModels) -> dict[str, Any]:
    runner = models.current("ledger")
    table = runner.current_table()
    ledger_view = institution_ledger(models.store, table, None, None, None)
    costs = cost_attribution(models.store, table, None, None)["by_first_receiving_institution"]
    counts = Counter({(i, column): n for i, e in ledger_view.items() for column, n in e["totals"].items() if n})
    return {
        "counts": counts,
        "paid": Counter({i: c["subsidy_fen"] for i, c in costs.items() if c["subsidy_fen"]}),
        "archived": Counter({i: c["files_archived"] for i, c in costs.items() if c["files_archived"]}),
        "recovered": statistics(models.store, table, None, None, None)["amount_recovered_fen"],
        "recovered_by": Counter(
            {i: n for i in ledger_view if (n := statistics(models.store, table, i, None, None)["amount_recovered_fen"])}
        ),
    }


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10**6), cases=st.integers(min_value=1, max_value=40))
def test_every_figure_equals_a_recount_from_the_events(ledger: CaseLedger, models: ReadModels, seed: int, cases: int) -> None:
    DemoGenerator(ledger, seed).run(range(cases), cases)
    assert projected(models) == recount(ledger)


def test_matter_kind_and_key_group_breakdowns_add_up(ledger: CaseLedger, models: ReadModels) -> None:
    DemoGenerator(ledger, 11).run(range(120), 120)
    runner = models.current("ledger")
    for entry in institution_ledger(models.store, runner.current_table(), None, None, None).values():
        for column, total in entry["totals"].items():
            assert sum(kind[column] for kind in entry["by_matter_kind"].values()) == total


def test_costs_fall_on_the_first_receiving_institution_even_when_another_handled_the_case(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)
    runner = models.current("ledger")
    costs = cost_attribution(models.store, runner.current_table(), None, None)

    assert costs["by_first_receiving_institution"][FIRST_RECEIVING] == {
        "subsidies_paid": 1,
        "subsidy_fen": 150_000,
        "files_archived": 1,
        "for_other_institutions_fen": 150_000,
    }
    assert costs["first_receiving_x_handling"][FIRST_RECEIVING][HANDLING]["subsidy_fen"] == 150_000
    assert HANDLING not in costs["by_first_receiving_institution"]


def test_an_institutions_statistics_count_what_it_did(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)  # received at FIRST_RECEIVING, transferred to HANDLING, which granted and closed it
    table = models.current("ledger").current_table()

    first = statistics(models.store, table, FIRST_RECEIVING, None, None)
    handling = statistics(models.store, table, HANDLING, None, None)

    assert (first["applications_received"], first["cases_granted"], first["files_archived"]) == (1, 0, 1)
    assert (handling["applications_received"], handling["cases_granted"], handling["cases_closed"]) == (0, 1, 1)
    assert statistics(models.store, table, "baotou-guyang", None, None)["cases_granted"] == 0


def test_a_period_counts_only_actions_inside_it(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)  # received 2026-03-02, every step 5 hours apart
    table = models.current("ledger").current_table()
    march = institution_ledger(models.store, table, FIRST_RECEIVING, "2026-03-01", "2026-04-01")
    april = institution_ledger(models.store, table, FIRST_RECEIVING, "2026-04-01", "2026-05-01")
    assert march[FIRST_RECEIVING]["totals"]["received_first"] == 1
    assert april == {}


def test_projections_stay_equal_to_a_recount_while_several_clerks_write(ledger: CaseLedger, settings: Settings, models: ReadModels) -> None:
    stop = threading.Event()
    runner = models.runners["ledger"]
    runner.batch_size = 50
    applied_while_writing: list[int] = []
    failures: list[Exception] = []

    def keep_current() -> None:
        try:
            while not stop.is_set():
                applied_while_writing.append(runner.catch_up())
                stop.wait(0.01)
        except Exception as exc:
            failures.append(exc)

    reader = threading.Thread(target=keep_current)
    reader.start()

    def clerk(seed: int) -> None:
        own = build_ledger(settings)
        DemoGenerator(own, seed).run(range(40), 40)
        own.close()

    clerks = [threading.Thread(target=clerk, args=(seed,)) for seed in (1, 2, 3)]
    for t in clerks:
        t.start()
    for t in clerks:
        t.join()
    stop.set()
    reader.join()

    assert failures == []
    assert sum(applied_while_writing) > 0  # the runner kept up while the clerks wrote
    assert projected(models) == recount(ledger)
    assert runner.status().lag == 0


def test_readers_never_see_a_half_built_ledger_during_a_rebuild(ledger: CaseLedger, models: ReadModels, settings: Settings) -> None:
    DemoGenerator(ledger, 5).run(range(150), 150)
    runner = models.current("ledger")
    runner.batch_size = 100
    expected = institution_ledger(models.store, runner.current_table(), None, None, None)
    seen: list[bool] = []
    errors: list[Exception] = []
    done = threading.Event()

    def read_repeatedly() -> None:
        reader_models = build_read_models(settings, ledger)
        reader = reader_models.runners["ledger"]
        try:
            while not done.is_set():
                seen.append(institution_ledger(reader_models.store, reader.current_table(), None, None, None) == expected)
        except Exception as exc:
            errors.append(exc)
        reader_models.store.close()

    thread = threading.Thread(target=read_repeatedly)
    thread.start()
    for _ in range(3):
        runner.rebuild()
    done.set()
    thread.join()
    assert errors == []
    assert seen and all(seen)


# ------------------------------------------------------------------ finance reconciliation
def payment(**changes: Any) -> dict[str, Any]:
    base = {
        "case_id": "c1",
        "version": 12,
        "paid_at": "2026-05-01T10:00:00+08:00",
        "kind": "civil_administrative_case",
        "amount_fen": 150_000,
        "working_days": 1,
        "payee": "张律师",
        "reference": "PAY-1",
        "payer": "a",
        "first_receiving": "a",
        "handling": "b",
        "matter_kind": "civil",
        "closed_at": "2026-04-01T10:00:00+08:00",
        "terminated_at": None,
        "file_submitted_at": "2026-04-10T10:00:00+08:00",
        "approved_fen": 0,
        "file_grade": "good",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("payments", "finding"),
    [
        ([payment()], "within_band"),
        ([payment(amount_fen=200_000, approved_fen=200_000)], "above_band_approved"),
        ([payment(amount_fen=200_000)], "above_band_without_approval"),
        ([payment(amount_fen=50_000)], "below_band"),
        ([payment(kind="duty_lawyer_day", working_days=3, amount_fen=120_000)], "within_band"),
        ([payment(kind="duty_lawyer_day", working_days=2, amount_fen=120_000)], "above_band_without_approval"),
        ([payment(), payment(version=13, reference="PAY-2")], "duplicate"),
        ([payment(file_submitted_at=None)], "paid_before_file"),
        ([payment(closed_at="2026-06-01T10:00:00+08:00")], "paid_before_file"),
        ([payment(payer="b")], "not_first_receiving"),
    ],
)
def test_reconciliation_flags_each_kind_of_discrepancy(ledger: CaseLedger, payments: list[dict[str, Any]], finding: str) -> None:
    findings = check_payments(payments, ledger.policy)[-1]["findings"]
    assert finding in findings
    band_findings = {"within_band", "above_band_approved", "above_band_without_approval", "below_band"}
    assert len(band_findings & set(findings)) == 1  # every payment sits in exactly one place against its band


def test_a_payout_statement_is_matched_against_recorded_payments(ledger: CaseLedger, models: ReadModels, tmp_path: Path) -> None:
    walk_whole_case(ledger)
    walk_whole_case(ledger)
    recorded = read_payments(models.store, models.current("ledger").current_table())
    assert [p["reference"] for p in recorded] == ["PAY-1", "PAY-1"]
    statement = tmp_path / "statement.csv"
    statement.write_text("date,reference,payee,amount\n2026-03-05,PAY-1,张律师,1500.00\n2026-03-06,PAY-9,李律师,800\n", encoding="utf-8")

    lines = read_statement(statement.read_bytes())
    matching = match_statement([{**recorded[0], "reference": "PAY-1"}, {**recorded[1], "reference": "PAY-2"}], lines)

    assert [m["reference"] for m in matching["matched"]] == ["PAY-1"]
    assert [m["reference"] for m in matching["recorded_not_in_statement"]] == ["PAY-2"]
    assert [m["reference"] for m in matching["in_statement_not_recorded"]] == ["PAY-9"]
    differs = match_statement(recorded[:1], [StatementLine("2026-03-05", "PAY-1", "张律师", 149_900)])
    assert differs["amount_differs"][0]["statement_fen"] == 149_900


def test_a_statement_line_paid_twice_or_to_another_payee_is_not_matched() -> None:
    recorded = [{"reference": "PAY-1", "case_id": "c1", "amount_fen": 150_000, "payee": "张律师"},
                {"reference": "PAY-2", "case_id": "c2", "amount_fen": 80_000, "payee": "李律师"}]  # fmt: skip
    statement = [
        StatementLine("2026-04-20", "PAY-1", "张 律师", 150_000),  # the bank pads the name: the same payee
        StatementLine("2026-04-21", "PAY-1", "张律师", 150_000),  # the same payment made again
        StatementLine("2026-04-21", "PAY-2", "王律师", 80_000),  # paid to someone else
    ]
    matching = match_statement(recorded, statement)
    assert [(m["reference"], m["date"]) for m in matching["matched"]] == [("PAY-1", "2026-04-20")]
    assert [(m["reference"], m["date"]) for m in matching["paid_twice"]] == [("PAY-1", "2026-04-21")]
    assert [(m["payee"], m["statement_payee"]) for m in matching["payee_differs"]] == [("李律师", "王律师")]
    assert matching["amount_differs"] == matching["recorded_not_in_statement"] == matching["in_statement_not_recorded"] == []


def test_a_statement_headed_in_chinese_with_other_columns_and_a_blank_last_line_is_read() -> None:
    text = '序号,交易日期,流水号,户名,金额（元）,摘要\n1,2026-04-20,PAY-1,张律师,"1,500.00",办案补贴\n,,,,,\n'
    assert read_statement(text.encode("gb18030")) == [StatementLine("2026-04-20", "PAY-1", "张律师", 150_000)]


def test_a_malformed_statement_is_refused_with_a_reason(tmp_path: Path) -> None:
    from domain.errors import DomainError

    for content in (
        "date,reference,amount\n",
        "date,reference,payee,amount\nd,r,p,12.345\n",
        "date,reference,payee,amount\nd,r,p,abc\n",
        "date,reference,payee,amount\nd,r,p,NaN\n",
        "date,reference,payee,amount\nd,r,p,1e30\n",
    ):
        with pytest.raises(DomainError) as refused:
            read_statement(content.encode())
        assert refused.value.code == "INVALID_STATEMENT"
    for unreadable in ("date,reference,payee,amount\n".encode("utf-16"), bytes(range(256))):
        with pytest.raises(DomainError) as refused:
            read_statement(unreadable)
        assert refused.value.code == "UNREADABLE_STATEMENT"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_statement_in_utf8_with_or_without_bom_or_in_gb18030_is_read_alike(encoding: str) -> None:
    text = "date,reference,payee,amount\n2026-03-05,PAY-1,张律师,1500.00\n"
    assert read_statement(text.encode(encoding)) == [StatementLine("2026-03-05", "PAY-1", "张律师", 150_000)]


# ------------------------------------------------------------------ the commands and their exports
def test_ledger_costs_and_subsidies_download_as_spreadsheets_finance_can_use(
    ledger: CaseLedger, settings: Settings, tmp_path: Path
) -> None:
    """Chinese headers and institution names, yuan as numbers with two decimals, real dates, a bold frozen header
    with a filter; CSV with a BOM and yuan written out; a statement reconciled a sheet per finding."""
    from click.testing import CliRunner

    from api.cli import main

    walk_whole_case(ledger)
    runner = CliRunner(
        env={
            "TONGBAN_DATA_DIR": str(settings.data_dir),
            "TONGBAN_KEYSTORE": str(settings.keys),
            "TONGBAN_KEY_PASSPHRASE": settings.key_passphrase,
        }
    )
    db = ["--db", settings.db_url]
    exports = ["--csv", str(tmp_path / "l.csv"), "--xlsx", str(tmp_path / "l.xlsx")]
    result = runner.invoke(main, ["ledger", "--period", "2026-Q1", *exports, *db])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "l.csv").read_bytes().startswith("\ufeff机构 institution,分类 breakdown".encode())
    sheet = load_workbook(tmp_path / "l.xlsx")["台账 ledger"]
    header, *body = list(sheet.iter_rows(values_only=True))
    rows = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in body}
    assert rows[("昆都仑区法律援助中心", "合计")]["首次受理 received_first"] == 1
    assert rows[("青山区法律援助中心", "合计")]["承办 handled"] == 1
    assert rows[("青山区法律援助中心", "合计")]["通知辩护 notified"] == 0  # an application, not a notice
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:O{len(body) + 1}"
    assert sheet.column_dimensions["A"].width >= 2 * len("昆都仑区法律援助中心")  # wide enough for the names
    detail = runner.invoke(main, ["ledger", "--detail", "--period", "2026", *db])
    assert detail.exit_code == 0, detail.output
    kundulun, qingshan, total = detail.output.splitlines()[-3:]  # by name, then the city: 首次受理 ... 办案补贴
    assert kundulun.split()[:2] == ["昆都仑区法律援助中心", "1"] and kundulun.split()[-1] == "1,500.00"
    assert qingshan.split()[:2] == ["青山区法律援助中心", "0"] and total.split()[:2] == ["合计", "1"]

    costs = runner.invoke(main, ["costs", "--xlsx", str(tmp_path / "c.xlsx"), "--csv", str(tmp_path / "c.csv"), *db])
    assert costs.exit_code == 0
    assert load_workbook(tmp_path / "c.xlsx").sheetnames == ["成本归属 costs", "首次受理×承办 matrix"]
    assert "昆都仑区法律援助中心,1,1500.00,1500.00,1" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()

    statement = '日期,凭证号,收款人,金额（元）\n2026-04-20,PAY-1,张律师,"1,500.00"\n2026-04-21,PAY-1,张律师,1500\n2026-04-22,PAY-7,=1+2,9\n'
    (tmp_path / "s.csv").write_text(statement, encoding="utf-8")
    subsidies = runner.invoke(main, ["subsidies", "--statement", str(tmp_path / "s.csv"), "--xlsx", str(tmp_path / "s.xlsx"), *db])
    assert subsidies.exit_code == 0, subsidies.output
    book = load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames == [
        "补贴支付 payments",
        "相符 matched",
        "金额不符 amount differs",
        "收款人不符 payee differs",
        "重复支付 paid twice",
        "已记录未见支付 not in statement",
        "有支付无记录 not recorded",
    ]
    paid = dict(zip([c.value for c in book["补贴支付 payments"][1]], book["补贴支付 payments"][2], strict=True))
    assert (paid["金额（元） amount (yuan)"].value, paid["金额（元） amount (yuan)"].number_format) == (1500, "#,##0.00")
    assert (paid["标准下限（元） band minimum (yuan)"].value, paid["标准上限（元） band maximum (yuan)"].value) == (1000, 1800)
    assert paid["支付时间 paid at"].is_date and paid["支付时间 paid at"].number_format == "yyyy-mm-dd hh:mm"
    assert (paid["支付机构 payer"].value, paid["核对结论 findings"].value) == ("昆都仑区法律援助中心", "在标准内")
    assert [r[0] for r in book["重复支付 paid twice"].iter_rows(min_row=2, values_only=True)] == ["PAY-1"]  # the second line
    unrecorded = book["有支付无记录 not recorded"]["D2"]
    assert (unrecorded.value, unrecorded.data_type) == ("=1+2", "s")  # a payee that looks like a formula stays text
