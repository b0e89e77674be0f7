"""Consultations (咨询) read model: one row per line of the institutions' consultation registers, for the
counts per institution and day and the statistics, beside the seed's 2022 figure (003: 7,323 in Baotou).
A line struck out stays, marked, and is not counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.consultations import ConsultationChannel, ConsultationTopic
from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause
from projections.runner import Projection, Record

SEED_CONSULTATIONS_2022 = 7323  # 003: 包头 2022, 接待咨询 7,323 人次


class ConsultationProjection(Projection):
    name = "consultations"
    tables = {  # noqa: RUF012 - class-level schema
        "lines": (
            "stream TEXT NOT NULL, line INTEGER NOT NULL, institution TEXT NOT NULL, day TEXT NOT NULL, channel TEXT NOT NULL, "
            "topic TEXT NOT NULL, count INTEGER NOT NULL, told INTEGER NOT NULL, struck INTEGER NOT NULL, PRIMARY KEY (stream, line)"
        ),
    }
    indexes = {"day": ("lines", "day, institution")}  # noqa: RUF012 - class-level schema

    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        name = table("lines")
        relevant = [r for r in records if r[2]["type"] in ("ConsultationRegister.Recorded", "ConsultationRegister.Struck")]
        lines: dict[str, int] = {}  # stream -> lines so far
        for _, stream, body in relevant:
            p = body["payload"]
            if body["type"].endswith(".Struck"):
                store.execute(f"UPDATE {name} SET struck = 1 WHERE stream = ? AND line = ?", (stream, p["line"]))
                continue
            if stream not in lines:
                lines[stream] = int(store.fetchall(f"SELECT COUNT(*) FROM {name} WHERE stream = ?", (stream,))[0][0])
            lines[stream] += 1
            row = (stream, lines[stream], body["institution"], p["day"], p["channel"], p["topic"], p["count"], p["told_how_to_apply"], 0)
            store.execute(f"INSERT INTO {name} VALUES ({', '.join('?' * len(row))})", row)


def _counted(institution: str | None, start: str | None, end: str | None) -> tuple[str, list[Any]]:
    where, params = period_filter("day", start, end, institution=institution)
    return where_clause([*where, "struck = 0"]), params


def consultation_figures(
    store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """咨询: consultations on days of the period, by channel and topic, and how many were told how to apply."""
    clause, params = _counted(institution, start, end)
    rows = store.fetchall(f"SELECT channel, topic, SUM(count), SUM(told) FROM {table('lines')}{clause} GROUP BY channel, topic", params)
    by_channel = _channels()
    by_topic = dict.fromkeys((t.value for t in ConsultationTopic), 0)
    told = 0
    for channel, topic, count, told_here in rows:
        by_channel[channel] += int(count)
        by_topic[topic] += int(count)
        told += int(told_here)
    return {
        "total": sum(by_channel.values()),
        "by_channel": by_channel,
        "by_topic": by_topic,
        "told_how_to_apply": told,
        "total_seed_2022": SEED_CONSULTATIONS_2022,
    }


def consultations_by_day(
    store: SqlStore, table: Callable[[str], str], institution: str | None, start: str | None, end: str | None
) -> list[dict[str, Any]]:
    """Per institution and day (newest first): consultations by channel and how many were told how to apply."""
    clause, params = _counted(institution, start, end)
    rows = store.fetchall(
        f"SELECT institution, day, channel, SUM(count), SUM(told) FROM {table('lines')}{clause} "
        "GROUP BY institution, day, channel ORDER BY day DESC, institution",
        params,
    )
    days: dict[tuple[str, str], dict[str, Any]] = {}
    for who, day, channel, count, told in rows:
        entry = days.setdefault((who, day), {"institution": who, "day": day, "total": 0, "told_how_to_apply": 0} | _channels())
        entry[channel] += int(count)
        entry["total"] += int(count)
        entry["told_how_to_apply"] += int(told)
    return list(days.values())


def _channels() -> dict[str, int]:
    return dict.fromkeys((c.value for c in ConsultationChannel), 0)
