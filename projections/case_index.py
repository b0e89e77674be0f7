"""The case index: one row per case for listing and access control (who may see which case), and its line of
the register (台账明细, projections/case_register.py).

Its status and its involved institutions come from the domain's own definitions (domain/case_status.py),
folded from the records: the index can never disagree with the case about either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import orjson

from domain.case_status import Progress
from infrastructure.sql_store import SqlStore
from projections.case_register import register_line
from projections.periods import conditions, where_clause
from projections.runner import Projection, Record, case_records

COLUMNS = (
    "case_id",
    "first_receiving",
    "handling",
    "involved",
    "matter_kind",
    "status",
    "received_at",
    "last_at",
    "version",
    "progress",
    "register",
    "applicant",
)
LISTED = COLUMNS[:-3]  # what a listing shows


class CaseIndexProjection(Projection):
    name = "case_index"
    version = 5  # v2: status and involved from the domain's Progress (v1 kept a copy of the rules that disagreed); v3: the register;
    # v4: the applicant as recorded (the name sealed with the applicant's data key: erased with the key); v5: the cause of action
    tables = {  # noqa: RUF012 - class-level schema
        "cases": (
            "case_id TEXT PRIMARY KEY, first_receiving TEXT NOT NULL, handling TEXT NOT NULL, involved TEXT NOT NULL, "
            "matter_kind TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, last_at TEXT NOT NULL, "
            "version INTEGER NOT NULL, progress TEXT NOT NULL, register TEXT NOT NULL, "
            "applicant TEXT NOT NULL"
        ),
    }

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        records = case_records(records)
        stored = store.fetch_in(
            f"SELECT {', '.join(COLUMNS)} FROM {table('cases')} WHERE case_id IN ({{keys}})", sorted({r[1] for r in records})
        )
        rows = {row[0]: _live(dict(zip(COLUMNS, row, strict=True))) for row in stored}  # progress and register kept parsed
        for _, case_id, body in records:
            rows[case_id] = _fold(rows.get(case_id, {}), case_id, body)
        store.delete_in(table("cases"), "case_id", list(rows))
        store.insert(table("cases"), [tuple(row[c] for c in COLUMNS) for row in map(_stored, rows.values())])  # once a case a batch

    @staticmethod
    def on_event(row: dict[str, Any], case_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A case's row as stored, after one more of its records."""
        return _stored(_fold(_live(row), case_id, body))


def _live(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row with its progress and register line parsed (a case not seen yet: empty)."""
    if not row:
        return row
    progress = orjson.loads(row["progress"])
    return {
        **row,
        "progress": Progress(**{**progress, "outstanding_materials": tuple(progress["outstanding_materials"])}),
        "register": orjson.loads(row["register"]),
    }


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "progress": json.dumps({f.name: getattr(row["progress"], f.name) for f in fields(Progress)}, ensure_ascii=False),
        "register": json.dumps(row["register"], ensure_ascii=False),
    }


def _fold(row: dict[str, Any], case_id: str, body: dict[str, Any]) -> dict[str, Any]:
    kind, by, at = body["type"].removeprefix("Case."), body["institution"], body["occurred_at"]
    if kind == "ApplicationReceived":
        progress = Progress(first_receiving=by, handling=by)
        p = body["payload"]
        row = {
            "case_id": case_id,
            "matter_kind": p["matter_kind"],
            "received_at": at,
            "register": {},
            "applicant": json.dumps(p["applicant"]),
        }
    else:
        progress = row["progress"].after(kind, body["payload"], by)
    return {
        **row,
        "first_receiving": progress.first_receiving,
        "handling": progress.handling,
        "involved": "," + ",".join(sorted(progress.involved)) + ",",
        "status": progress.status.value,
        "last_at": at,
        "version": body["version"],
        "progress": progress,
        "register": register_line(row["register"], kind, body),
    }


def list_cases(
    store: SqlStore,
    table: Callable[[str], str],
    *,
    institution: str | None,
    status: str | None,
    matter_kind: str | None,
    start: str | None,
    end: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """Cases visible to `institution` (None: all), filtered, newest first; returns (total, page)."""
    where, params = conditions(
        ("involved LIKE ?", f"%,{institution},%" if institution else None),
        ("status = ?", status),
        ("matter_kind = ?", matter_kind),
        ("received_at >= ?", start),
        ("received_at < ?", end),
    )
    clause = where_clause(where)
    total = store.fetchone(f"SELECT COUNT(*) FROM {table('cases')}{clause}", params)
    rows = store.fetchall(
        f"SELECT {', '.join(LISTED)} FROM {table('cases')}{clause} ORDER BY received_at DESC, case_id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    page = [{**dict(zip(LISTED, r, strict=True)), "involved": r[3].strip(",").split(",")} for r in rows]
    return int(total[0]) if total else 0, page


def case_facts(store: SqlStore, table: Callable[[str], str], case_ids: list[str]) -> dict[str, dict[str, Any]]:
    """What a to-do list names of each case: its institutions, status, matter, authority and applicant as recorded."""
    sql = f"SELECT case_id, involved, status, matter_kind, register, applicant FROM {table('cases')} WHERE case_id IN ({{keys}})"
    return {
        case_id: {
            "involved": frozenset(involved.strip(",").split(",")),
            "case_status": status,
            "matter_kind": matter_kind,
            "authority_name": json.loads(register).get("authority_name", ""),
            "applicant": json.loads(applicant),
        }
        for case_id, involved, status, matter_kind, register, applicant in store.fetch_in(sql, case_ids)
    }


def register_lines(
    store: SqlStore, table: Callable[[str], str], *, institution: str | None, start: str | None, end: str | None
) -> list[dict[str, Any]]:
    """The register's lines (台账明细) of the cases received in [start, end) that `institution` has a part in
    (None: every case), in the order they were received."""
    where, params = conditions(
        ("involved LIKE ?", f"%,{institution},%" if institution else None), ("received_at >= ?", start), ("received_at < ?", end)
    )
    columns = "case_id, first_receiving, handling, status, register"
    rows = store.fetchall(f"SELECT {columns} FROM {table('cases')}{where_clause(where)} ORDER BY received_at, case_id", params)
    return [{"case_id": c, "first_receiving": f, "handling": h, "status": s, **json.loads(r)} for c, f, h, s, r in rows]
