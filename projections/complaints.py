"""Complaints (投诉) read model: one row per complaint, from the bureaus' signed complaint records, for the
bureau's list, each lawyer's record and the statistics. Deadlines of complaints are the deadline
projection's (COMPLAINT_ACCEPT, COMPLAINT)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.complaints import ComplaintOutcome
from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause
from projections.runner import Projection, Record

COLUMNS = (
    "stream",
    "number",
    "case_id",
    "complainant",
    "respondent_kind",
    "respondent",
    "answerable_institution",
    "bureau",
    "received_on",
    "accepted_at",
    "investigations",
    "decided_at",
    "outcome",
)
UPHELD = tuple(o.value for o in ComplaintOutcome if o.upheld)


class ComplaintProjection(Projection):
    name = "complaints"
    tables = {  # noqa: RUF012 - class-level schema
        "complaints": (
            "stream TEXT PRIMARY KEY, number TEXT NOT NULL, case_id TEXT NOT NULL, complainant TEXT NOT NULL, "
            "respondent_kind TEXT NOT NULL, respondent TEXT NOT NULL, answerable_institution TEXT NOT NULL, bureau TEXT NOT NULL, "
            "received_on TEXT NOT NULL, accepted_at TEXT NOT NULL, investigations INTEGER NOT NULL, decided_at TEXT, outcome TEXT"
        ),
    }
    indexes = {"respondent": ("complaints", "respondent_kind, respondent")}  # noqa: RUF012 - class-level schema

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        name = table("complaints")
        for _, stream, body in records:
            kind, p = body["type"], body["payload"]
            if kind == "Complaint.Accepted":
                named = [p[c] for c in ("number", "case_id", "complainant", "respondent_kind", "respondent", "answerable_institution")]
                row = [stream, *named, p["bureau"], p["received_on"], body["occurred_at"], 0, None, None]
                store.execute(f"INSERT INTO {name} VALUES ({', '.join('?' * len(COLUMNS))})", row)
            elif kind == "Complaint.Investigated":
                store.execute(f"UPDATE {name} SET investigations = investigations + 1 WHERE stream = ?", (stream,))
            elif kind == "Complaint.Decided":
                store.execute(
                    f"UPDATE {name} SET decided_at = ?, outcome = ? WHERE stream = ?", (body["occurred_at"], p["outcome"], stream)
                )


def list_complaints(store: SqlStore, table: Callable[[str], str], **filters: str | None) -> list[dict[str, Any]]:
    """Complaints, newest first; filters are columns (e.g. respondent, bureau, answerable_institution)."""
    where, params = period_filter("accepted_at", None, None, **filters)
    sql = f"SELECT {', '.join(COLUMNS)} FROM {table('complaints')}" + where_clause(where)
    return [dict(zip(COLUMNS, row, strict=True)) for row in store.fetchall(sql + " ORDER BY accepted_at DESC, number", params)]


def complaints_against_lawyers(store: SqlStore, table: Callable[[str], str]) -> dict[str, dict[str, int]]:
    """Per licence number: complaints accepted and upheld (成立或部分成立)."""
    rows = store.fetchall(
        f"SELECT respondent, COUNT(*), SUM(CASE WHEN outcome IN ({', '.join('?' * len(UPHELD))}) THEN 1 ELSE 0 END) "
        f"FROM {table('complaints')} WHERE respondent_kind = 'lawyer' GROUP BY respondent",
        UPHELD,
    )
    return {licence: {"complaints": int(n), "complaints_upheld": int(upheld or 0)} for licence, n, upheld in rows}


def complaint_figures(
    store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """投诉: accepted in the period (about `institution`, or its lawyers, when given), decided, upheld, open."""
    where, params = period_filter("accepted_at", start, end, answerable_institution=institution)
    clause = where_clause(where)
    rows = store.fetchall(f"SELECT respondent_kind, outcome FROM {table('complaints')}{clause}", params)
    return {
        "accepted": len(rows),
        "about_lawyers": sum(1 for kind, _ in rows if kind == "lawyer"),
        "about_institutions": sum(1 for kind, _ in rows if kind == "institution"),
        "decided": sum(1 for _, outcome in rows if outcome is not None),
        "upheld": sum(1 for _, outcome in rows if outcome in UPHELD),
        "open": sum(1 for _, outcome in rows if outcome is None),
    }
