"""The institution ledger (市域通办工作台账), cost attribution and subsidy payments, from the signed records.

One projection keeps three tables:
- `cases`: what later events of a case need to know (first-receiving and handling institution, matter
  kind, key groups, applicant, dates of closing and file submission, the file's grade, above-band approvals);
- `actions`: one row per countable action: who did what to which case, when (the ledger's counts);
- `payments`: every subsidy payment with the facts finance reconciles it against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause
from projections.runner import CASE_STATE_COLUMNS, Projection, Record, case_records, load_case_states, save_case_states

# Ledger columns (台账栏目), in the bureau's order, with the event that counts for each.
ACTIONS = {
    "ApplicationReceived": "received_first",  # 首次受理
    "TransferRequested": "transferred_out",  # 转出
    "MaterialsReceived": "transferred_in",  # 转入
    "AidGranted": "granted",  # 给予
    "AidRefused": "refused",  # 不予
    "ApplicationWithdrawn": "withdrawn",  # 撤回
    "AidTerminated": "terminated",  # 终止
    "LawyerAppointed": "appointed",  # 指派
    "CaseClosed": "closed",  # 结案
    "CaseArchived": "archived",  # 归档
}
LEDGER_COLUMNS = ("received_first", "notified", "handled", *list(ACTIONS.values())[1:])
COLUMN_TITLES = {
    "received_first": "首次受理",
    "notified": "通知辩护",  # of which an authority's notice (LAL 25, 28): aid owed without a decision
    "handled": "承办",  # aid given: granted, or a lawyer appointed on a notice (a refusal is not handled)
    "transferred_out": "转出",
    "transferred_in": "转入",
    "granted": "给予援助",
    "refused": "不予援助",
    "withdrawn": "撤回",
    "terminated": "终止",
    "appointed": "指派",
    "closed": "结案",
    "archived": "归档",
}


class InstitutionLedgerProjection(Projection):
    name = "ledger"
    version = 4  # v2: notices (通知辩护) counted, and handled when appointed; v3: a payment keeps its file's grade;
    # v4: a refusal is not handled (承办 is giving aid)
    tables = {  # noqa: RUF012 - class-level schema
        "cases": CASE_STATE_COLUMNS,
        "actions": (
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL, institution TEXT NOT NULL, "
            "at TEXT NOT NULL, matter_kind TEXT NOT NULL, key_groups TEXT NOT NULL, first_receiving TEXT NOT NULL, "
            "handling TEXT NOT NULL, authority_district TEXT NOT NULL, amount_fen BIGINT NOT NULL, applicant_id TEXT NOT NULL, "
            "PRIMARY KEY (case_id, version, action)"
        ),
        "payments": (
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, paid_at TEXT NOT NULL, kind TEXT NOT NULL, "
            "amount_fen BIGINT NOT NULL, working_days INTEGER NOT NULL, payee TEXT NOT NULL, reference TEXT NOT NULL, "
            "payer TEXT NOT NULL, first_receiving TEXT NOT NULL, handling TEXT NOT NULL, matter_kind TEXT NOT NULL, "
            "closed_at TEXT, terminated_at TEXT, file_submitted_at TEXT, approved_fen BIGINT NOT NULL, file_grade TEXT, "
            "PRIMARY KEY (case_id, version)"
        ),
    }

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        records = case_records(records)
        cases = load_case_states(store, table("cases"), {case_id for _, case_id, _ in records})
        actions: list[tuple[Any, ...]] = []
        payments: list[tuple[Any, ...]] = []
        for _, case_id, body in records:
            self.on_event(case_id, cases[case_id], body, actions, payments)
        save_case_states(store, table("cases"), cases)
        store.insert(table("actions"), actions)
        store.insert(table("payments"), payments)

    @staticmethod
    def on_event(
        case_id: str, case: dict[str, Any], body: dict[str, Any], actions: list[tuple[Any, ...]], payments: list[tuple[Any, ...]]
    ) -> None:
        kind, at, by, p = body["type"].removeprefix("Case."), body["occurred_at"], body["institution"], body["payload"]
        if kind == "ApplicationReceived":
            case.update(
                first=by,
                handling=by,
                matter=p["matter_kind"],
                groups=",".join(p["key_groups"]),
                district=p["authority"]["district"],
                applicant=p["applicant"]["applicant_id"],
                approved={},
                notified=bool(p.get("notice")),
            )
        elif kind == "MaterialsReceived":
            case["handling"] = by
        elif kind == "CaseClosed":
            case["closed_at"] = at
        elif kind == "AidTerminated":
            case["terminated_at"] = at
        elif kind == "ClosingFileSubmitted":
            case["file_at"] = at
        elif kind == "ClosingFileReviewed":
            case["grade"] = p["grade"]
        elif kind == "AboveBandSubsidyApproved":
            case["approved"][p["kind"]] = p["amount_fen"]
        elif kind == "SubsidyPaid":
            payments.append(
                (
                    case_id,
                    body["version"],
                    at,
                    p["kind"],
                    p["amount_fen"],
                    p["working_days"],
                    p["payee"],
                    p["reference"],
                    by,
                    case["first"],
                    case["handling"],
                    case["matter"],
                    case.get("closed_at"),
                    case.get("terminated_at"),
                    case.get("file_at"),
                    case["approved"].get(p["kind"], 0),
                    case.get("grade"),
                )
            )

        def count(action: str, amount: int = 0) -> None:
            actions.append(
                (
                    case_id,
                    body["version"],
                    action,
                    by,
                    at,
                    case["matter"],
                    case["groups"],
                    case["first"],
                    case["handling"],
                    case["district"],
                    amount,
                    case["applicant"],
                )
            )

        if kind in ACTIONS:
            count(ACTIONS[kind], p.get("amount_recovered_fen", 0))
        if kind == "ApplicationReceived" and p.get("notice"):
            count("notified")
        if kind == "AidGranted" or (kind == "LawyerAppointed" and case.get("notified")):
            count("handled")  # the institution that granted aid handles the case; on a notice, the one that appointed


# ---------------------------------------------------------------------- reading
def institution_ledger(
    store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """Counts per institution, column, matter kind and key group, for actions in [start, end)."""
    where, params = period_filter("at", start, end, institution=institution)
    sql = f"SELECT institution, action, matter_kind, key_groups FROM {table('actions')}"
    rows = store.fetchall(sql + where_clause(where), params)
    result: dict[str, Any] = {}
    for inst, action, matter, groups in rows:
        entry = result.setdefault(inst, {"totals": dict.fromkeys(LEDGER_COLUMNS, 0), "by_matter_kind": {}, "by_key_group": {}})
        entry["totals"][action] += 1
        entry["by_matter_kind"].setdefault(matter, dict.fromkeys(LEDGER_COLUMNS, 0))[action] += 1
        for group in filter(None, groups.split(",")):
            entry["by_key_group"].setdefault(group, dict.fromkeys(LEDGER_COLUMNS, 0))[action] += 1
    return dict(sorted(result.items()))


def cost_attribution(store: SqlStore, table: Callable[[str], str], start: str | None, end: str | None) -> dict[str, Any]:
    """Subsidies paid and files archived, carried by the first-receiving institution; and the matrix
    first-receiving x handling institution (who carries the cost of whose work)."""
    where, params = period_filter("paid_at", start, end)
    paid = store.fetchall(
        f"SELECT first_receiving, handling, COUNT(*), SUM(amount_fen) FROM {table('payments')}"
        + where_clause(where)
        + " GROUP BY first_receiving, handling",
        params,
    )
    where, params = period_filter("at", start, end)
    archived = store.fetchall(
        f"SELECT first_receiving, handling, COUNT(*) FROM {table('actions')} WHERE action = 'archived'"
        + ("".join(" AND " + w for w in where))
        + " GROUP BY first_receiving, handling",
        params,
    )
    totals: dict[str, dict[str, int]] = {}
    matrix: dict[str, dict[str, dict[str, int]]] = {}

    def cell(first: str, handling: str) -> dict[str, int]:
        totals.setdefault(first, {"subsidies_paid": 0, "subsidy_fen": 0, "files_archived": 0, "for_other_institutions_fen": 0})
        return matrix.setdefault(first, {}).setdefault(handling, {"subsidies_paid": 0, "subsidy_fen": 0, "files_archived": 0})

    for first, handling, n, amount in paid:
        c = cell(first, handling)
        c["subsidies_paid"] += int(n)
        c["subsidy_fen"] += int(amount or 0)
        totals[first]["subsidies_paid"] += int(n)
        totals[first]["subsidy_fen"] += int(amount or 0)
        if first != handling:
            totals[first]["for_other_institutions_fen"] += int(amount or 0)
    for first, handling, n in archived:
        cell(first, handling)["files_archived"] += int(n)
        totals[first]["files_archived"] += int(n)
    return {"by_first_receiving_institution": dict(sorted(totals.items())), "first_receiving_x_handling": matrix}


def statistics(store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None) -> dict[str, Any]:
    """The figures the bureau publishes each year (seed 003), for the whole city or for what one institution did."""
    where, params = period_filter("at", start, end, institution=institution)
    rows = store.fetchall(
        f"SELECT action, matter_kind, key_groups, amount_fen, applicant_id, first_receiving, handling, authority_district, institution "
        f"FROM {table('actions')}" + where_clause(where),
        params,
    )
    granted = [r for r in rows if r[0] == "granted"]
    aided = [r for r in rows if r[0] in ("granted", "notified")]  # the cases aid was given in (办理法律援助案件)
    by_kind: dict[str, int] = {}
    groups: dict[str, int] = {}
    for r in aided:
        by_kind[r[1]] = by_kind.get(r[1], 0) + 1
        for g in filter(None, r[2].split(",")):
            groups[g] = groups.get(g, 0) + 1
    return {
        "applications_received": sum(1 for r in rows if r[0] == "received_first"),
        "cases_granted": len(granted),
        "cases_notified": sum(1 for r in rows if r[0] == "notified"),
        "cases_by_matter_kind": dict(sorted(by_kind.items())),  # granted and notified
        "recipients": len({r[4] for r in aided}),
        "amount_recovered_fen": sum(int(r[3]) for r in rows if r[0] == "closed"),
        "key_groups_served": dict(sorted(groups.items())),
        "transfers_across_districts": sum(1 for r in rows if r[0] == "transferred_in"),
        "cases_closed": sum(1 for r in rows if r[0] == "closed"),
        "files_archived": sum(1 for r in rows if r[0] == "archived"),
    }
