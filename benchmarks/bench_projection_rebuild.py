"""Rebuild rate of each projection against a plain read of the same events.

    python benchmarks/bench_projection_rebuild.py [--cases N] [--backend sqlite|postgres|both]

Baseline (same run, same database): reading every record in the same batches and parsing its JSON (with
orjson, as the runner does), which is the least any projection must do. Goals: rebuild >= 50 % of the read rate (deadlines issue);
>= 50,000 events/s on PostgreSQL for the ledger projection (projections issue).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import orjson
import psycopg

from api.demo import record_demo_cases
from domain.actor import SHANGHAI
from domain.policy.baotou import BAOTOU, BUREAU_ID
from infrastructure.bootstrap import build_ledger
from infrastructure.config import Settings
from infrastructure.event_table import EventTable
from infrastructure.network_setup import initialise_network
from projections.registry import build_read_models

PG = "postgresql://postgres@127.0.0.1:5432/test"


def measure(db_url: str, cases: int, workdir: Path, projection: str) -> tuple[int, float, float]:
    settings = Settings(data_dir=workdir, db_url=db_url, keystore_dir=workdir / "keys", key_passphrase="bench")
    ledger = build_ledger(settings)
    initialise_network(ledger, list(BAOTOU.institutions), BUREAU_ID, datetime(2024, 12, 31, tzinfo=SHANGHAI))
    record_demo_cases(settings, cases, seed=1, workers=2)
    models = build_read_models(settings, ledger)
    runner = models.runners[projection]

    def plain_read() -> float:  # as the runner reads: the same table read, each record parsed
        started, position, count, table = time.perf_counter(), 0, 0, EventTable(runner.store)
        while records := table.records(position + 1, runner.batch_size):
            count += sum(1 for _, _, state in records if orjson.loads(state)["body"])
            position = records[-1][0]
        return count / (time.perf_counter() - started)

    def rebuild() -> float:
        return runner.rebuild().events_per_second or 0.0

    events = ledger.recorder.max_notification_id() or 0
    read_rate = max(plain_read() for _ in range(3))
    rebuild_rate = max(rebuild() for _ in range(3))
    models.close()
    return events, read_rate, rebuild_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    print(f"{'projection':<11} {'backend':<10} {'events':>7} {'plain read ev/s':>16} {'rebuild ev/s':>13} {'ratio':>6}  goal >= 0.50")
    for projection, backend in [
        (p, b)
        for p in ("deadlines", "ledger", "case_index")
        for b in (("sqlite", "postgres") if args.backend == "both" else (args.backend,))
    ]:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            url = f"sqlite:///{workdir / 'bench.sqlite3'}" if backend == "sqlite" else f"{PG}?schema={schema}"
            try:
                events, read_rate, rebuild_rate = measure(url, args.cases, workdir, projection)
            finally:
                if backend == "postgres":
                    with psycopg.connect(PG, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        print(f"{projection:<11} {backend:<10} {events:>7} {read_rate:>16,.0f} {rebuild_rate:>13,.0f} {rebuild_rate / read_rate:>6.2f}")


if __name__ == "__main__":
    main()
