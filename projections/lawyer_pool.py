"""The lawyer pool's read model: each lawyer's profile, turns, workload and record, and the rotation queues.

Rotation (轮派) takes the qualified lawyer with the fewest turns, then the one waiting longest: over any run
of appointments from one queue, every lawyer's share is within one of equal. The queues are indexed by
(specialty, district, turns, last turn), so the next lawyer is one index seek, O(log n) in the pool, and
never a scan of the ledger. A turn is an appointment or a change of lawyer naming them, however chosen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from infrastructure.sql_store import SqlStore
from projections.runner import Projection, Record

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
)
_EVENTS = ("Lawyer.Registered", "Lawyer.StatusChanged", "Lawyer.Moved", "Lawyer.PracticeVerified")
ROTATION_PAGE = 20


class LawyerPoolProjection(Projection):
    name = "lawyer_pool"
    tables = {  # noqa: RUF012 - class-level schema
        "lawyers": (
            "stream TEXT PRIMARY KEY, licence_number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, firm TEXT NOT NULL, "
            "firm_district TEXT NOT NULL, specialties TEXT NOT NULL, criminal_practice_since TEXT, status TEXT NOT NULL, "
            "turns INTEGER NOT NULL, last_turn BIGINT NOT NULL, open_cases INTEGER NOT NULL"
        ),
        # One row per active lawyer and specialty: the rotation queues.
        "queue": (
            "specialty TEXT NOT NULL, district TEXT NOT NULL, turns INTEGER NOT NULL, last_turn BIGINT NOT NULL, "
            "licence_number TEXT NOT NULL, PRIMARY KEY (specialty, licence_number)"
        ),
    }
    indexes = {  # noqa: RUF012 - class-level schema
        "nearby": ("queue", "specialty, district, turns, last_turn, licence_number"),
        "citywide": ("queue", "specialty, turns, last_turn, licence_number"),
    }

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        rows: dict[str, dict[str, Any]] = {}
        for _, stream, body in records:
            if body["type"] in _EVENTS:
                row = rows.get(stream) or _load(store, table, stream)
                rows[stream] = on_lawyer_event(row, stream, body)
        _save(store, table, rows)


def on_lawyer_event(row: dict[str, Any], stream: str, body: dict[str, Any]) -> dict[str, Any]:
    """A lawyer's row after one of the pool's records."""
    kind, p = body["type"].removeprefix("Lawyer."), body["payload"]
    if kind == "Registered":
        row = {"stream": stream, "licence_number": p["licence_number"], "name": p["name"], "status": "active"}
        row.update(turns=0, last_turn=0, open_cases=0)
    if kind in ("Registered", "Moved"):
        row.update(firm=p["firm"], firm_district=p["firm_district"])
    if kind in ("Registered", "PracticeVerified"):
        row.update(specialties=json.dumps(p["specialties"]), criminal_practice_since=p["criminal_practice_since"])
    if kind == "StatusChanged":
        row["status"] = p["status"]
    return row


def _load(store: SqlStore, table: Callable[[str], str], stream: str) -> dict[str, Any]:
    row = store.fetchone(f"SELECT {', '.join(LAWYER_COLUMNS)} FROM {table('lawyers')} WHERE stream = ?", (stream,))
    return dict(zip(LAWYER_COLUMNS, row, strict=True)) if row else {}


def _save(store: SqlStore, table: Callable[[str], str], rows: dict[str, dict[str, Any]]) -> None:
    licences = [(r["licence_number"],) for r in rows.values()]
    store.executemany(f"DELETE FROM {table('lawyers')} WHERE stream = ?", [(s,) for s in rows])
    store.executemany(f"DELETE FROM {table('queue')} WHERE licence_number = ?", licences)
    store.executemany(
        f"INSERT INTO {table('lawyers')} VALUES ({', '.join('?' * len(LAWYER_COLUMNS))})",
        [tuple(r[c] for c in LAWYER_COLUMNS) for r in rows.values()],
    )
    store.executemany(
        f"INSERT INTO {table('queue')} VALUES (?, ?, ?, ?, ?)",
        [
            (specialty, r["firm_district"], r["turns"], r["last_turn"], r["licence_number"])
            for r in rows.values()
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
    where, params = [], []
    for condition, value in (
        ("firm_district = ?", district),
        ("specialties LIKE ?", f'%"{specialty}"%' if specialty else None),
        ("status = ?", status),
        ("licence_number = ?", licence_number),
    ):
        if value:
            where.append(condition)
            params.append(value)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    rows = store.fetchall(
        f"SELECT {', '.join(LAWYER_COLUMNS)} FROM {table('lawyers')}{clause} ORDER BY firm_district, name, licence_number", params
    )
    return [{**dict(zip(LAWYER_COLUMNS, r, strict=True)), "specialties": json.loads(r[5])} for r in rows]
