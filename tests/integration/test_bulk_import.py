"""A bulk import keeps PostgreSQL's statistics of the event table current itself: autovacuum lags a bulk load
(and a server may run with it off), and without statistics the planner reads one stream by scanning and sorting
the whole table, which at 10^6 events made each read take a fifth of a second and the import ever slower. A server
started with autovacuum off says so."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from api.demo import record_demo_cases
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from tests.server import Server


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_bulk_import_leaves_the_event_table_analysed_and_a_stream_read_by_its_index(ledger: CaseLedger, settings: Settings) -> None:
    server, schema = settings.db_url.split("?schema=")
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'ALTER TABLE "{schema}".tongban_events SET (autovacuum_enabled = false)')  # as if autovacuum lagged

        record_demo_cases(settings, cases=600, seed=3, workers=1)  # two chunks of the import

        stats = conn.execute(
            "SELECT n_distinct FROM pg_stats WHERE schemaname = %s AND tablename = 'tongban_events' AND attname = 'originator_id'",
            (schema,),
        ).fetchone()
        streams = conn.execute(f'SELECT COUNT(DISTINCT originator_id) FROM "{schema}".tongban_events').fetchone()
    assert stats is not None, "no statistics of the event table after the import"
    assert streams is not None and streams[0] > 600
    n_distinct = stats[0]  # PostgreSQL's estimate of the streams: a count, or (negative) a fraction of the rows
    assert n_distinct < 0 or n_distinct > streams[0] / 2, (n_distinct, streams)  # many streams, each a few rows


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_serve_warns_at_start_when_autovacuum_is_off_for_the_event_table_or_the_server(
    ledger: CaseLedger, settings: Settings, tmp_path: Path
) -> None:
    server, schema = settings.db_url.split("?schema=")
    started = {}
    with psycopg.connect(server, autocommit=True) as conn:
        server_off = conn.execute("SHOW autovacuum").fetchone() == ("off",)  # this machine's is off; PostgreSQL's default on
        for enabled in ("true", "false"):
            conn.execute(f'ALTER TABLE "{schema}".tongban_events SET (autovacuum_enabled = {enabled})')
            Server(settings, tmp_path / f"autovacuum-{enabled}.log").stop()
            started[enabled] = (tmp_path / f"autovacuum-{enabled}.log").read_text(encoding="utf-8")

    assert "warning: autovacuum is off" in started["false"] and "ANALYZE tongban_events" in started["false"]
    assert ("warning: autovacuum is off" in started["true"]) == server_off
