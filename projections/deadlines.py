"""Deadline compliance (期限合规): for each case and rule, when the clock started, when it is due,
when it was met, and which institution answers for it. Built from the signed records alone.

Which events start and stop each clock (the rules themselves are data in the policy profile):

| rule      | starts                                   | stops                    | responsible             |
|-----------|------------------------------------------|--------------------------|-------------------------|
| SAME_DAY  | application (ordinary, not on a notice); | lawyer appointed         | receiving institution   |
|           | moot once materials are missing or the   |                          |                         |
|           | case is transferred (000 三(一))          |                          |                         |
| TRANSFER  | application, once a transfer is asked    | materials delivered      | sending institution     |
| PLATFORM  | application, or materials received       | entered on the platform  | handling institution    |
| DECISION  | application, not a notice; paused from   | aid granted or refused   | handling institution    |
|           | the missing-materials notice until they  |                          |                         |
|           | are all supplemented (不计入, LAL 43)      |                          |                         |
| APPOINT   | aid granted                              | lawyer appointed         | handling institution    |
| NOTIFIED  | an authority's notice (通知辩护/代理)    | the authority is told    | handling institution    |
| OBJECTION | objection filed                          | objection decided        | the bureau              |
| FILE      | case closed                              | closing file submitted   | handling institution    |
| SUBSIDY   | closing file submitted (subsidised kinds)| the file reviewed (the   | first-receiving         |
|           |                                          | payment follows)         |                         |
| COMPLAINT_| a complaint received (its day)           | accepted                 | the accepting bureau    |
| ACCEPT    |                                          |                          |                         |
| COMPLAINT | a complaint accepted                     | decided and answered     | the accepting bureau    |

A complaint's rows are kept under the complaint's own stream id (its records are the bureau's, apart
from the case's), so they are the bureau's to-do, not the case's.

Withdrawal, termination and refusal stop the clocks they make moot ("stopped", not counted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.actor import SHANGHAI
from domain.deadlines import Due, WorkingDays, due_after_pause, due_date
from domain.policy import PolicyProfile
from domain.vocabulary import MatterKind
from infrastructure.sql_store import SqlStore
from projections.runner import CASE_STATE_COLUMNS, Projection, Record, load_case_states, save_case_states

CaseState = dict[str, Any]

# Rules that the end of the application's life makes moot.
# A rule this projection checks that is not a time limit of the policy: a missing-materials notice names every item
# at once (一次性告知, 000 三(一)); a second notice is a breach the day it is given.
ONE_NOTICE_RULE = "需补充材料的，一次性告知申请人 (every missing item told in one notice)"


def rule_description(policy: PolicyProfile, rule_id: str) -> str:
    """The rule in words: the policy's limit, or a rule of this projection's own."""
    if rule_id == "ONE_NOTICE":
        return ONE_NOTICE_RULE
    return policy.deadline(rule_id).description


_MOOT_ON_END = ("SAME_DAY", "TRANSFER", "PLATFORM", "DECISION", "APPOINT", "NOTIFIED")


class DeadlineProjection(Projection):
    name = "deadlines"
    version = 3  # v2: DECISION pauses, TRANSFER ends at delivery, SAME_DAY only where it applies, notices, SUBSIDY ends at review
    # v3: complaints (投诉)
    tables = {  # noqa: RUF012 - class-level schema
        "cases": CASE_STATE_COLUMNS,
        "rows": (
            "case_id TEXT NOT NULL, rule_key TEXT NOT NULL, rule_id TEXT NOT NULL, started_at TEXT NOT NULL, "
            "due_day TEXT NOT NULL, provisional INTEGER NOT NULL, done_at TEXT, stopped_at TEXT, "
            "responsible TEXT NOT NULL, first_receiving TEXT NOT NULL, paused_at TEXT, resumed_at TEXT, "
            "PRIMARY KEY (case_id, rule_key)"
        ),
    }

    def __init__(self, policy: PolicyProfile, calendar: WorkingDays) -> None:
        self.policy = policy
        self.calendar = calendar
        self._due_cache: dict[tuple[str, str, bool], Due] = {}

    # ------------------------------------------------------------------ applying a batch
    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        records = [r for r in records if r[2]["type"].startswith(("Case.", "Complaint."))]
        cases = load_case_states(store, table("cases"), {stream for _, stream, _ in records})
        for _, stream, body in records:
            if body["type"].startswith("Complaint."):
                self.on_complaint_event(cases[stream], body)
            else:
                self.on_event(cases[stream], body)
        save_case_states(store, table("cases"), cases)
        store.delete_in(table("rows"), "case_id", list(cases))
        store.insert(
            table("rows"),
            [
                (
                    *(c, key, r["rule"], r["start"], r["due"], int(r["provisional"]), r["done"], r["stopped"], r["responsible"]),
                    *(s["first"], r.get("paused"), r.get("resumed")),
                )
                for c, s in cases.items()
                for key, r in s["rows"].items()
            ],
        )

    # ------------------------------------------------------------------ one event
    def on_event(self, case: CaseState, body: dict[str, Any]) -> None:
        kind, at, by, p = body["type"].removeprefix("Case."), body["occurred_at"], body["institution"], body["payload"]
        if kind == "ApplicationReceived":
            case.update(
                first=by,
                handling=by,
                complex=p["complex_case"],
                group=p["group_case"],
                received_at=at,
                matter=p["matter_kind"],
                rows={},
                notices=0,
                outstanding=[],
            )
            if p.get("notice"):  # LAL 36: appoint and tell the authority; no review, no decision
                self._start(case, "NOTIFIED", at, by)
            else:
                if not (p["complex_case"] or p["group_case"]):
                    self._start(case, "SAME_DAY", at, by)
                self._start(case, "DECISION", at, by)
            self._start(case, "PLATFORM", at, by)
        elif kind == "MissingMaterialsNotified":
            case["notices"] += 1
            case["outstanding"] = list(p["items"])
            self._pause(case, "DECISION", at)
            self._stop(case, "SAME_DAY", at)  # a case that cannot be done the same day (000 三(一))
            key = "ONE_NOTICE" if case["notices"] == 1 else f"ONE_NOTICE#{case['notices']}"
            case["rows"][key] = {
                "rule": "ONE_NOTICE",
                "start": at,
                "due": at[:10],
                "provisional": False,
                "done": at if case["notices"] == 1 else None,
                "stopped": None,
                "responsible": by,
            }
        elif kind == "MaterialsSupplemented":
            case["outstanding"] = [i for i in case["outstanding"] if i not in p["items"]]
            if not case["outstanding"]:
                self._resume(case, "DECISION", at)
        elif kind == "TransferRequested":
            self._start(case, "TRANSFER", case["received_at"], by)
            self._stop(case, "PLATFORM", at)
            self._stop(case, "SAME_DAY", at)
        elif kind == "MaterialsReceived":
            self._done(case, "TRANSFER", at)  # delivered (送达), not only dispatched
            case["handling"] = by
            self._start(case, "PLATFORM", at, by)
            for rule in ("DECISION", "NOTIFIED"):
                if rule in case["rows"] and not case["rows"][rule]["done"]:
                    case["rows"][rule]["responsible"] = by
        elif kind == "EnteredOnPlatform":
            self._done(case, "PLATFORM", at)
        elif kind == "AidGranted":
            self._done(case, "DECISION", at)
            self._start(case, "APPOINT", at, by)
        elif kind == "AidRefused":
            self._done(case, "DECISION", at)
            for rule in ("SAME_DAY", "PLATFORM"):
                self._stop(case, rule, at)
        elif kind == "LawyerAppointed":
            for rule in ("APPOINT", "SAME_DAY"):
                self._done(case, rule, at)
        elif kind == "AuthorityInformed":
            self._done(case, "NOTIFIED", at)
        elif kind in ("ApplicationWithdrawn", "AidTerminated"):
            for rule in _MOOT_ON_END:
                self._stop(case, rule, at)
        elif kind == "ObjectionFiled":
            self._start(case, "OBJECTION", at, by)
        elif kind == "ObjectionDecided":
            self._done(case, "OBJECTION", at)
            if p["ruling"] == "correction_ordered":
                self._start(case, "DECISION", at, case["handling"])
        elif kind == "CaseClosed":
            self._start(case, "FILE", at, case["handling"])
        elif kind == "ClosingFileSubmitted":
            self._done(case, "FILE", at)
            if self.policy.subsidy_kind_for(MatterKind(case["matter"])) is not None:
                self._start(case, "SUBSIDY", at, case["first"])
        elif kind in ("ClosingFileReviewed", "SubsidyPaid"):  # a payment without a review is older than reviews
            self._done(case, "SUBSIDY", at)

    def on_complaint_event(self, complaint: CaseState, body: dict[str, Any]) -> None:
        kind, at, p = body["type"].removeprefix("Complaint."), body["occurred_at"], body["payload"]
        if kind == "Accepted":
            complaint.update(first=p["bureau"], rows={})
            self._start(complaint, "COMPLAINT_ACCEPT", f"{p['received_on']}T00:00:00+08:00", p["bureau"])
            self._done(complaint, "COMPLAINT_ACCEPT", at)
            self._start(complaint, "COMPLAINT", at, p["bureau"])
        elif kind == "Decided":
            self._done(complaint, "COMPLAINT", at)

    def _start(self, case: CaseState, rule_id: str, at: str, responsible: str) -> None:
        complex_case = case.get("complex", False)
        key = (rule_id, at[:10], complex_case)  # times are recorded in +08:00, so at[:10] is the Shanghai day
        due = self._due_cache.get(key)
        if due is None:
            due = self._due_cache[key] = due_date(self.calendar, self.policy.deadline(rule_id), datetime.fromisoformat(at), complex_case)
        case["rows"][rule_id] = {
            "rule": rule_id,
            "start": at,
            "due": due.day.isoformat(),
            "provisional": due.provisional,
            "done": None,
            "stopped": None,
            "responsible": responsible,
        }

    @staticmethod
    def _pause(case: CaseState, rule_id: str, at: str) -> None:
        row = case["rows"].get(rule_id)
        if row and not (row["done"] or row["stopped"] or row.get("paused")):
            row["paused"] = at

    def _resume(self, case: CaseState, rule_id: str, at: str) -> None:
        row = case["rows"].get(rule_id)
        if row and row.get("paused") and not (row["done"] or row["stopped"] or row.get("resumed")):
            start, paused, resumed = (datetime.fromisoformat(t) for t in (row["start"], row["paused"], at))
            due = due_after_pause(self.calendar, self.policy.deadline(rule_id), start, paused, resumed, case.get("complex", False))
            row.update(resumed=at, due=due.day.isoformat(), provisional=due.provisional)

    @staticmethod
    def _done(case: CaseState, rule_id: str, at: str) -> None:
        row = case["rows"].get(rule_id)
        if row and not row["done"] and not row["stopped"]:
            row["done"] = at

    @staticmethod
    def _stop(case: CaseState, rule_id: str, at: str) -> None:
        row = case["rows"].get(rule_id)
        if row and not row["done"] and not row["stopped"]:
            row["stopped"] = at


# ---------------------------------------------------------------------- reading
@dataclass(frozen=True)
class DeadlineRow:
    case_id: str
    rule_key: str
    rule_id: str
    started_at: str
    due_day: date
    provisional: bool
    done_at: str | None
    stopped_at: str | None
    responsible: str
    first_receiving: str
    paused_at: str | None = None
    resumed_at: str | None = None

    def status(self, today: date, calendar: WorkingDays) -> str:
        """As of the end of `today`: met, missed, stopped, paused (waiting for the applicant's materials),
        overdue, due_soon (due by the next working day), provisional or open. What happened after `today`
        is not yet known on `today`."""
        end_of_today = f"{today.isoformat()}T23:59:59+08:00"
        if self.stopped_at and self.stopped_at <= end_of_today:
            return "stopped"
        if self.done_at and self.done_at <= end_of_today:
            return "met" if datetime.fromisoformat(self.done_at).astimezone(SHANGHAI).date() <= self.due_day else "missed"
        if self.paused_at and self.paused_at <= end_of_today and not (self.resumed_at and self.resumed_at <= end_of_today):
            return "paused"
        if today > self.due_day:
            return "overdue"
        if self.due_day <= next_working_day(calendar, today):
            return "due_soon"
        return "provisional" if self.provisional else "open"


def next_working_day(calendar: WorkingDays, day: date) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day)[0]:
        day += timedelta(days=1)
    return day


def read_rows(store: SqlStore, table: Callable[[str], str], where: str = "", params: tuple[Any, ...] = ()) -> list[DeadlineRow]:
    sql = f"SELECT * FROM {table('rows')}" + (f" WHERE {where}" if where else "")
    return [_row(r) for r in store.fetchall(sql, params)]


def rows_of_cases(store: SqlStore, table: Callable[[str], str], case_ids: list[str], rule_ids: tuple[str, ...]) -> list[DeadlineRow]:
    """The rows of these rules for these cases."""
    sql = f"SELECT * FROM {table('rows')} WHERE case_id IN ({{keys}}) AND rule_id IN ({', '.join('?' * len(rule_ids))})"
    return [_row(r) for r in store.fetch_in(sql, case_ids, rule_ids)]


def _row(r: tuple[Any, ...]) -> DeadlineRow:
    return DeadlineRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]), bool(r[5]), r[6], r[7], r[8], r[9], r[10], r[11])


def summarise(rows: list[DeadlineRow], today: date, calendar: WorkingDays) -> dict[str, dict[str, Any]]:
    """Per rule: how many met, missed, stopped, overdue, open, and the compliance rate of those decided.

    The rate counts a limit as kept when it was met, and as broken when it was missed or is overdue."""
    summary: dict[str, dict[str, Any]] = {}
    for row in rows:
        counts = summary.setdefault(row.rule_id, {"total": 0, "met": 0, "missed": 0, "overdue": 0, "stopped": 0, "open": 0})
        status = row.status(today, calendar)
        counts["total"] += 1
        counts[status if status in counts else "open"] += 1
    for counts in summary.values():
        judged = counts["met"] + counts["missed"] + counts["overdue"]
        counts["rate"] = round(counts["met"] / judged, 4) if judged else None
        counts["late"] = counts["missed"] + counts["overdue"]
    return dict(sorted(summary.items()))
