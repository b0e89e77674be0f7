"""The case register (台账明细, 000 四(四)): one line per case with what a bureau official reads of it, folded from
its signed records: dates received, decided, appointed, closed and archived; the channel, matter and authority; the
transfer from and to with its dates; the hardship basis and its legal basis; the decision's document; the lawyer and
firm; the flags; the result; the subsidy paid. No personal data: the applicant is not named.

The case index keeps each case's line beside its listing row (projections/case_index.py); the deadlines it was held
to are read from the deadline projection when the register is asked for (service/queries.py), as of that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The limits the register shows beside each case (规则 -> 栏目); on a notice, appointing and telling the authority
# within 3 days (NOTIFIED) is the appointment's limit.
REGISTER_LIMITS = {
    "SAME_DAY": "same_day",
    "TRANSFER": "transfer_on_time",
    "DECISION": "decision_on_time",
    "APPOINT": "appointment_on_time",
    "NOTIFIED": "appointment_on_time",
}
LATE = ("missed", "overdue")


def register_line(line: dict[str, Any], kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The case's line after one of its records (`kind` without `Case.`); a new dict, the old one untouched."""
    at, by, p = body["occurred_at"], body["institution"], body["payload"]
    line = dict(line)
    if kind == "ApplicationReceived":
        hardship, notice = p["hardship"], p.get("notice") or {}
        line = {
            "received_at": at,
            "channel": p["channel"],
            "matter_kind": p["matter_kind"],
            "cause_of_action": p.get("cause_of_action", ""),
            "authority_name": p["authority"]["name"],
            "authority_case_number": p["authority"].get("case_number", ""),
            "authority_district": p["authority"]["district"],
            "key_groups": list(p["key_groups"]),
            "emergency": p["emergency"],
            "group_case": p["group_case"],
            "complex_case": p["complex_case"],
            "hardship_basis": hardship["basis"],
            "exemption": hardship.get("exemption", ""),
            "legal_basis": notice.get("legal_basis") or hardship.get("legal_basis", ""),
            "decision": "notified" if notice else None,  # a notice is not decided (LAL 25, 28): aid is owed
            "decision_document": notice.get("document_number", ""),
            "subsidy_fen": 0,
            "lawyer_changes": 0,
        }
    elif kind == "TransferRequested":
        line.update(transfer_from=by, transfer_to=p["to_institution"], transfer_requested_at=at)
        line.update(transfer_sent_at=None, transfer_method=None, transfer_delivered_at=None)  # a transfer further on starts afresh
    elif kind == "MaterialsDispatched":
        line.update(transfer_sent_at=at, transfer_method=p["method"])
    elif kind == "MaterialsReceived":
        line.update(transfer_delivered_at=at)
    elif kind == "EnteredOnPlatform":
        line.update(platform_number=p["platform_number"])
    elif kind in ("AidGranted", "AidRefused"):
        line.update(decision="granted" if kind == "AidGranted" else "refused", decided_at=at, decision_document=p["document_number"])
    elif kind == "ObjectionFiled":
        line.update(objection="filed", objection_against=p["against"])
    elif kind == "ObjectionDecided":
        line["objection"] = p["ruling"]
        if p["ruling"] == "correction_ordered" and line["objection_against"] == "refusal":
            line.update(decision=None, decided_at=None, decision_document="")  # reviewed and decided again
        elif p["ruling"] == "correction_ordered":
            line.update(ended=None, ended_at=None, termination_ground=None, termination_document="")  # the aid resumes
    elif kind in ("LawyerAppointed", "LawyerChanged"):
        lawyer = p["lawyer"]
        line.update(lawyer_name=lawyer.get("name", ""), lawyer_licence=lawyer.get("licence_number", ""), lawyer_firm=lawyer.get("firm", ""))
        if kind == "LawyerAppointed":
            line["appointed_at"] = at
        else:
            line["lawyer_changes"] += 1
    elif kind == "ApplicationWithdrawn":
        line.update(ended="withdrawn", ended_at=at)
    elif kind == "AidTerminated":
        line.update(ended="terminated", ended_at=at, termination_ground=p["ground"], termination_document=p["document_number"])
    elif kind == "CaseClosed":
        line.update(closed_at=at, outcome=p["outcome"], amount_recovered_fen=p["amount_recovered_fen"])
    elif kind == "ClosingFileReviewed":
        line.update(file_grade=p["grade"])
    elif kind == "CaseArchived":
        line.update(archived_at=at, archive_number=p["archive_number"])
    elif kind == "SubsidyPaid":
        line.update(subsidy_fen=line["subsidy_fen"] + p["amount_fen"], subsidy_paid_at=at)
    return line


# ---------------------------------------------------------------------- totals
TOTALS = {  # 合计栏目: what each institution did of the cases received in the period, by its part in them
    "received_first": "首次受理",
    "cross_district": "其中跨区通办",
    "handled": "承办（给予援助或通知辩护）",
    "transferred_out": "转出",
    "transferred_in": "转入",
    "transfers_late": "转交逾期",
    "same_day": "当日指派",
    "granted": "给予援助",
    "refused": "不予援助",
    "notified": "通知辩护（代理）",
    "appointed": "指派",
    "closed": "结案",
    "archived": "归档",
    "amount_recovered_fen": "挽回经济损失（元）",
    "subsidy_fen": "办案补贴（元）",
}


def register_totals(lines: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Per institution, by its part in each case: the first-receiving institution received, archived and paid; the
    handling one decided, appointed and closed; a transfer counts for the sender (out, late) and the receiver (in).
    A case is counted once per column, so the city's total of a column is the sum of the institutions'."""
    totals: dict[str, dict[str, int]] = {}

    def add(institution: str | None, column: str, amount: int = 1) -> None:
        if institution:
            totals.setdefault(institution, dict.fromkeys(TOTALS, 0))[column] += amount

    for line in lines:
        first, handling = line["first_receiving"], line["handling"]
        add(first, "received_first")
        add(first, "cross_district", line["cross_district"])
        add(first, "same_day", line.get("same_day") == "met")
        add(first, "archived", bool(line.get("archived_at")))
        add(first, "subsidy_fen", line["subsidy_fen"])
        add(line.get("transfer_from"), "transferred_out")
        add(line.get("transfer_from"), "transfers_late", line.get("transfer_on_time") in LATE)
        add(line.get("transfer_to"), "transferred_in", bool(line.get("transfer_delivered_at")))
        decision = line.get("decision")
        if decision in ("granted", "refused", "notified"):
            add(handling, decision)
        add(handling, "handled", decision == "granted" or (decision == "notified" and bool(line.get("appointed_at"))))
        add(handling, "appointed", bool(line.get("appointed_at")))
        add(handling, "closed", bool(line.get("closed_at")))
        add(handling, "amount_recovered_fen", line.get("amount_recovered_fen", 0))
    city = dict.fromkeys(TOTALS, 0)
    for figures in totals.values():
        for column, n in figures.items():
            city[column] += n
    return {**dict(sorted(totals.items())), **({"total": city} if totals else {})}
