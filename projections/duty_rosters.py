"""Duty rosters read model (值班律师): one row per lawyer, station and day on duty, from the centres' signed
rosters, for designating a duty lawyer (who is on duty at the case's station that day) and for reading the
rosters. A day taken off (调班) stays, marked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause
from projections.runner import Projection, Record

COLUMNS = ("district", "station", "day", "lawyer", "institution", "withdrawn")


class DutyRosterProjection(Projection):
    name = "duty_rosters"
    tables = {  # noqa: RUF012 - class-level schema
        "duties": (
            "district TEXT NOT NULL, station TEXT NOT NULL, day TEXT NOT NULL, lawyer TEXT NOT NULL, institution TEXT NOT NULL, "
            "withdrawn INTEGER NOT NULL, PRIMARY KEY (district, station, day, lawyer)"
        ),
    }
    indexes = {"lawyer": ("duties", "lawyer, day")}  # noqa: RUF012 - class-level schema

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        name = table("duties")
        for _, _, body in records:
            kind, p = body["type"], body["payload"]
            if kind == "DutyRoster.Scheduled":
                first, last = date.fromisoformat(p["first_day"]), date.fromisoformat(p["last_day"])
                keys = [
                    (p["district"], p["station"], (first + timedelta(n)).isoformat(), p["lawyer"]) for n in range((last - first).days + 1)
                ]
                store.executemany(f"DELETE FROM {name} WHERE district = ? AND station = ? AND day = ? AND lawyer = ?", keys)
                store.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?, ?, 0)", [(*k, body["institution"]) for k in keys])
            elif kind == "DutyRoster.Withdrawn":
                store.execute(
                    f"UPDATE {name} SET withdrawn = 1 WHERE district = ? AND station = ? AND day = ? AND lawyer = ?",
                    (p["district"], p["station"], p["day"], p["lawyer"]),
                )


def on_duty(store: SqlStore, table: Callable[[str], str], station: str, district: str, day: date) -> list[str]:
    """The licence numbers on duty at a station on a day."""
    sql = f"SELECT lawyer FROM {table('duties')} WHERE district = ? AND station = ? AND day = ? AND withdrawn = 0 ORDER BY lawyer"
    return [str(row[0]) for row in store.fetchall(sql, (district, station, day.isoformat()))]


def duty_days(store: SqlStore, table: Callable[[str], str], lawyer: str, first: date, last: date) -> dict[date, str]:
    """The days from first to last a lawyer is on duty anywhere, with the station's district."""
    sql = f"SELECT day, district FROM {table('duties')} WHERE lawyer = ? AND day BETWEEN ? AND ? AND withdrawn = 0"
    return {date.fromisoformat(day): district for day, district in store.fetchall(sql, (lawyer, first.isoformat(), last.isoformat()))}


def duties(store: SqlStore, table: Callable[[str], str], start: str | None, end: str | None, **filters: str | None) -> list[dict[str, Any]]:
    """Duty days in [start, end), by day, district and station; filters are columns (district, station, lawyer)."""
    where, params = period_filter("day", start, end, **filters)
    sql = f"SELECT {', '.join(COLUMNS)} FROM {table('duties')}" + where_clause(where) + " ORDER BY day, district, station, lawyer"
    return [{**dict(zip(COLUMNS, row, strict=True)), "withdrawn": bool(row[5])} for row in store.fetchall(sql, params)]
