"""Quality review (质量评查): every file review and quality check, for an institution's quality rate and
its recipients' satisfaction, beside the seed's 2022 figure (003: 43.9 % of files excellent).

One row per review or check, counted for the institution that recorded it: the first-receiving
institution grades the files it pays for (ClosingFileReviewed); the first-receiving or the handling
institution attends hearings, asks the authority's opinion and calls recipients back (QualityCheckRecorded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.vocabulary import FileGrade, QualityCheckKind
from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause
from projections.runner import CASE_STATE_COLUMNS, Projection, Record, case_records, load_case_states, save_case_states

FILE_REVIEW = "file_review"  # 案卷检查: the row kind of a graded file, beside the kinds of QualityCheckKind
SEED_EXCELLENT_SHARE_2022 = 0.439  # 003: 包头 2022, 案卷质量评查优秀率 43.9 %
_KINDS = ("ApplicationReceived", "MaterialsReceived", "LawyerAppointed", "LawyerChanged", "ClosingFileReviewed", "QualityCheckRecorded")


class QualityProjection(Projection):
    name = "quality"
    tables = {  # noqa: RUF012 - class-level schema
        "cases": CASE_STATE_COLUMNS,  # the case's institutions and its lawyer when reviewed
        "reviews": (
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, institution TEXT NOT NULL, at TEXT NOT NULL, "
            "grade TEXT, satisfactory INTEGER, first_receiving TEXT NOT NULL, handling TEXT NOT NULL, lawyer TEXT, "
            "PRIMARY KEY (case_id, version)"
        ),
    }

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        relevant = [r for r in case_records(records) if r[2]["type"].removeprefix("Case.") in _KINDS]
        cases = load_case_states(store, table("cases"), {case_id for _, case_id, _ in relevant})
        rows = [row for _, case_id, body in relevant if (row := on_event(case_id, cases[case_id], body)) is not None]
        save_case_states(store, table("cases"), cases)
        store.insert(table("reviews"), rows)


def on_event(case_id: str, case: dict[str, Any], body: dict[str, Any]) -> tuple[Any, ...] | None:
    kind, by, p = body["type"].removeprefix("Case."), body["institution"], body["payload"]
    if kind == "ApplicationReceived":
        case.update(first=by, handling=by, lawyer=None)
    elif kind == "MaterialsReceived":
        case["handling"] = by
    elif kind in ("LawyerAppointed", "LawyerChanged"):
        case["lawyer"] = p["lawyer"].get("licence_number")  # lawyers typed in before the pool have none
    else:
        review = kind == "ClosingFileReviewed"
        return (
            case_id,
            body["version"],
            FILE_REVIEW if review else p["kind"],
            by,
            body["occurred_at"],
            p["grade"] if review else None,
            None if review else int(p["satisfactory"]),
            case["first"],
            case["handling"],
            case["lawyer"],
        )
    return None


def quality_figures(
    store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """质量评查: files graded and the share excellent, and each kind of check with how many were satisfactory."""
    where, params = period_filter("at", start, end, institution=institution)
    clause = where_clause(where)
    rows = store.fetchall(f"SELECT kind, grade, COUNT(*), SUM(satisfactory) FROM {table('reviews')}{clause} GROUP BY kind, grade", params)
    grades = dict.fromkeys((g.value for g in FileGrade), 0)
    checks = {k.value: {"count": 0, "satisfactory": 0} for k in QualityCheckKind}
    for kind, grade, count, satisfactory in rows:
        if kind == FILE_REVIEW:
            grades[grade] += int(count)
        else:
            checks[kind] = {"count": int(count), "satisfactory": int(satisfactory or 0)}
    reviewed, calls = sum(grades.values()), checks[QualityCheckKind.FOLLOW_UP_CALL.value]
    return {
        "files_reviewed": reviewed,
        "files_by_grade": grades,
        "excellent_share": round(grades[FileGrade.EXCELLENT.value] / reviewed, 3) if reviewed else None,
        "excellent_share_seed_2022": SEED_EXCELLENT_SHARE_2022,
        "checks": checks,
        "recipients_satisfied_share": round(calls["satisfactory"] / calls["count"], 3) if calls["count"] else None,
    }
