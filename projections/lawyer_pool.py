"""The lawyer pool's read model: each lawyer's profile, turns, workload and record, and the rotation queues.

Rotation (轮派) takes the qualified lawyer with the fewest turns, then the one waiting longest: over any run
of appointments from one queue, every lawyer's share is within one of equal. The queues are indexed by
(specialty, district, turns, last turn), so the next lawyer is one index seek, O(log n) in the pool, and
never a scan of the ledger. A turn is an appointment or a change of lawyer naming them, however chosen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from domain.duty import StationKind
from domain.errors import DomainError
from domain.lawyers import LawyerProfile, Specialty
from domain.vocabulary import FileGrade
from infrastructure.ledger import CaseLedger
from infrastructure.sql_store import SqlStore
from projections.duty_rosters import duty_days, on_duty
from projections.periods import conditions, where_clause
from projections.runner import CASE_STATE_COLUMNS, Projection, ProjectionRunner, Record, load_case_states, save_case_states

GRADES = tuple(grade.value for grade in FileGrade)  # 优秀/良好/合格/不合格 counts per lawyer
LAWYER_COLUMNS = (
    "stream",
    "licence_number",
    "name",
    "firm",
    "firm_district",
    "specialties",
    "criminal_practice_since",
    "status",
    "turns",
    "last_turn",
    "open_cases",
    *GRADES,
)
_CASE_KINDS = ("ApplicationReceived", "LawyerAppointed", "LawyerChanged", "CaseClosed", "AidTerminated", "ClosingFileReviewed")
_CASE_EVENTS = frozenset(f"Case.{kind}" for kind in _CASE_KINDS)
ROTATION_PAGE = 20


class LawyerPoolProjection(Projection):
    name = "lawyer_pool"
    tables = {  # noqa: RUF012 - class-level schema
        "lawyers": (
            "stream TEXT PRIMARY KEY, licence_number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, firm TEXT NOT NULL, "
            "firm_district TEXT NOT NULL, specialties TEXT NOT NULL, criminal_practice_since TEXT, status TEXT NOT NULL, "
            "turns INTEGER NOT NULL, last_turn BIGINT NOT NULL, open_cases INTEGER NOT NULL, "
            + ", ".join(f"{grade} INTEGER NOT NULL" for grade in GRADES)
        ),
        # One row per active lawyer and specialty: the rotation queues.
        "queue": (
            "specialty TEXT NOT NULL, district TEXT NOT NULL, turns INTEGER NOT NULL, last_turn BIGINT NOT NULL, "
            "licence_number TEXT NOT NULL, PRIMARY KEY (specialty, licence_number)"
        ),
        # Who a lawyer was appointed for in a matter (案号), for the conflict check.
        "engagements": "matter_number TEXT NOT NULL, licence_number TEXT NOT NULL, client TEXT NOT NULL",
        "cases": CASE_STATE_COLUMNS,  # per case: its matter, client, lawyer and whether the lawyer's work is open
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "nearby": ("queue", "specialty, district, turns, last_turn, licence_number"),
        "citywide": ("queue", "specialty, turns, last_turn, licence_number"),
        "matter": ("engagements", "matter_number, licence_number"),
    }

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        relevant = [r for r in records if r[2]["type"].startswith("Lawyer.") or r[2]["type"] in _CASE_EVENTS]
        cases = load_case_states(store, table("cases"), {stream for _, stream, body in relevant if body["type"].startswith("Case.")})
        lawyers = Lawyers(store, table)
        engagements: list[tuple[str, str, str]] = []
        for position, stream, body in relevant:
            if body["type"].startswith("Lawyer."):
                lawyers.on_lawyer_event(stream, body)
            else:
                engagements += on_case_event(cases[stream], body, position, lawyers)
        save_case_states(store, table("cases"), cases)
        lawyers.save()
        store.insert(table("engagements"), engagements)


def on_case_event(case: dict[str, Any], body: dict[str, Any], position: int, lawyers: Lawyers) -> list[tuple[str, str, str]]:
    """A case's record as the pool sees it: who was appointed (a turn), whose work ended, which file was graded."""
    kind, p = body["type"].removeprefix("Case."), body["payload"]
    current = lawyers.get(case["lawyer"]) if case.get("lawyer") else None
    if kind == "ApplicationReceived":
        case.update(matter=p["authority"].get("case_number", ""), client=p["applicant"]["applicant_id"], lawyer=None, open=False)
    elif kind in ("LawyerAppointed", "LawyerChanged"):
        if current is not None and case["open"]:
            current["open_cases"] -= 1
        licence = p["lawyer"].get("licence_number")  # none in records from before the pool
        chosen = lawyers.get(licence) if licence else None
        case.update(lawyer=licence if chosen else None, open=chosen is not None)
        if chosen is not None:
            chosen.update(turns=chosen["turns"] + 1, last_turn=position, open_cases=chosen["open_cases"] + 1)
            return [(case["matter"], licence, case["client"])] if case["matter"] else []
    elif kind in ("CaseClosed", "AidTerminated") and current is not None and case["open"]:
        current["open_cases"] -= 1
        case["open"] = False
    elif kind == "ClosingFileReviewed" and current is not None:
        current[p["grade"]] += 1
    return []


class Lawyers:
    """The lawyers' rows a batch touches, loaded once, saved with their rotation queues at the end."""

    def __init__(self, store: SqlStore, table: Callable[[str], str]) -> None:
        self.store, self.table = store, table
        self.rows: dict[str, dict[str, Any]] = {}  # licence number -> row
        self.licence_of: dict[str, str] = {}  # stream -> licence number

    def get(self, licence: str) -> dict[str, Any] | None:
        if licence not in self.rows:
            row = self._load("licence_number", licence)
            if not row:
                return None
            self.rows[licence] = row
        return self.rows[licence]

    def on_lawyer_event(self, stream: str, body: dict[str, Any]) -> None:
        kind, p = body["type"].removeprefix("Lawyer."), body["payload"]
        if kind == "Registered":
            row: dict[str, Any] = {"stream": stream, "licence_number": p["licence_number"], "name": p["name"], "status": "active"}
            row.update(turns=0, last_turn=0, open_cases=0, **dict.fromkeys(GRADES, 0))
            self.rows[p["licence_number"]] = row
        else:
            licence = self.licence_of.get(stream) or self._load("stream", stream)["licence_number"]
            row = self.get(licence) or {}
        self.licence_of[stream] = row["licence_number"]
        if kind in ("Registered", "Moved"):
            row.update(firm=p["firm"], firm_district=p["firm_district"])
        if kind in ("Registered", "PracticeVerified"):
            row.update(specialties=json.dumps(p["specialties"]), criminal_practice_since=p["criminal_practice_since"])
        if kind == "StatusChanged":
            row["status"] = p["status"]

    def _load(self, column: str, value: str) -> dict[str, Any]:
        row = self.store.fetchone(f"SELECT {', '.join(LAWYER_COLUMNS)} FROM {self.table('lawyers')} WHERE {column} = ?", (value,))
        return dict(zip(LAWYER_COLUMNS, row, strict=True)) if row else {}

    def save(self) -> None:
        rows, table, store = self.rows.values(), self.table, self.store
        licences = [(r["licence_number"],) for r in rows]
        store.executemany(f"DELETE FROM {table('lawyers')} WHERE licence_number = ?", licences)
        store.executemany(f"DELETE FROM {table('queue')} WHERE licence_number = ?", licences)
        store.executemany(
            f"INSERT INTO {table('lawyers')} VALUES ({', '.join('?' * len(LAWYER_COLUMNS))})",
            [tuple(r[c] for c in LAWYER_COLUMNS) for r in rows],
        )
        store.executemany(
            f"INSERT INTO {table('queue')} VALUES (?, ?, ?, ?, ?)",
            [
                (specialty, r["firm_district"], r["turns"], r["last_turn"], r["licence_number"])
                for r in rows
                if r["status"] == "active"
                for specialty in json.loads(r["specialties"])
            ],
        )


def rotation(
    store: SqlStore, table: Callable[[str], str], specialty: str, district: str | None, page: int = ROTATION_PAGE
) -> Iterator[tuple[str, int]]:
    """(licence number, turns taken) of the active lawyers of a specialty, in rotation order, firms of
    `district` only unless it is None; read a page at a time, each page an index range scan."""
    where, params = ("specialty = ? AND district = ?", [specialty, district]) if district else ("specialty = ?", [specialty])
    after: tuple[int, int, str] | None = None
    while True:
        keyset = " AND (turns, last_turn, licence_number) > (?, ?, ?)" if after else ""
        rows = store.fetchall(
            f"SELECT turns, last_turn, licence_number FROM {table('queue')} WHERE {where}{keyset} "
            "ORDER BY turns, last_turn, licence_number LIMIT ?",
            [*params, *(after or ()), page],
        )
        for turns, _, licence in rows:
            yield licence, int(turns)
        if len(rows) < page:
            return
        after = (int(rows[-1][0]), int(rows[-1][1]), rows[-1][2])


def list_lawyers(
    store: SqlStore,
    table: Callable[[str], str],
    *,
    district: str | None = None,
    specialty: str | None = None,
    status: str | None = None,
    licence_number: str | None = None,
) -> list[dict[str, Any]]:
    """The pool, filtered, by district then name."""
    where, params = conditions(
        ("firm_district = ?", district),
        ("specialties LIKE ?", f'%"{specialty}"%' if specialty else None),
        ("status = ?", status),
        ("licence_number = ?", licence_number),
    )
    clause = where_clause(where)
    rows = store.fetchall(
        f"SELECT {', '.join(LAWYER_COLUMNS)} FROM {table('lawyers')}{clause} ORDER BY firm_district, name, licence_number", params
    )
    return [{**dict(zip(LAWYER_COLUMNS, r, strict=True)), "specialties": json.loads(r[5])} for r in rows]


class PoolReader:
    """The pool as choosing a lawyer reads it (domain/assignment.py): each lawyer from their signed records,
    the rotation order and past engagements from this read model, caught up first."""

    def __init__(self, ledger: CaseLedger, store: SqlStore, runner: ProjectionRunner, rosters: ProjectionRunner) -> None:
        self.ledger, self.store, self.runner, self.rosters = ledger, store, runner, rosters

    def lawyer(self, licence_number: str) -> LawyerProfile | None:
        try:
            return self.ledger.get_lawyer(licence_number).profile()
        except DomainError as refusal:
            if refusal.code != "LAWYER_NOT_ON_ROLL":
                raise
            return None

    def rotation(self, specialty: Specialty, district: str | None) -> Iterator[tuple[str, int]]:
        self.runner.catch_up()
        yield from rotation(self.store, self.runner.current_table(), specialty.value, district)

    def clients_in_matter(self, matter_number: str, licence_number: str) -> set[str]:
        self.runner.catch_up()
        table = self.runner.current_table()("engagements")
        rows = self.store.fetchall(
            f"SELECT client FROM {table} WHERE matter_number = ? AND licence_number = ?", (matter_number, licence_number)
        )
        return {client for (client,) in rows}

    def on_duty(self, station: StationKind, district: str, day: date) -> list[str]:
        self.rosters.catch_up()
        return on_duty(self.store, self.rosters.current_table(), station.value, district, day)

    def duty_days(self, licence_number: str, first: date, last: date) -> dict[date, str]:
        self.rosters.catch_up()
        return duty_days(self.store, self.rosters.current_table(), licence_number, first, last)
