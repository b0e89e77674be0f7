"""The ledger at scale: bulk-import N signed events, then log them, verify everything, rebuild the read models
and read proofs, reporting times, rates, database size and peak memory. Not part of the test suite.

    python -m benchmarks.bench_scale [--events N] [--backend postgres|sqlite] [--keep]

Issue 16's goals: at 10^7 events on PostgreSQL, verify the whole ledger in under 10 minutes on these 2 cores
in bounded memory; proofs p99 < 5 ms; a checkpoint <= 50 ms. `verify` runs as `tongban verify` in its own
process, so its peak memory (that of its largest process: the parent or a worker) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

from api.demo import DemoGenerator, record_demo_cases
from benchmarks.bench_log import p, timings  # milliseconds
from benchmarks.common import PG, database, table
from domain.actor import SHANGHAI
from domain.policy.baotou import BAOTOU, BUREAU_ID
from infrastructure.bootstrap import build_ledger, build_transparency_log
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.network_setup import initialise_network
from infrastructure.sql_store import SqlStore
from projections.registry import build_read_models

EVENTS_PER_CASE = 11.6  # the demo's mix at scale, measured (783,805 events from 67,568 cases)
# Runs a command and prints the peak memory of its largest process (itself or one of its workers), in KiB.
PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def size_of(url: str, workdir: Path) -> int:
    if not Database(url).is_postgres:
        return sum(f.stat().st_size for f in workdir.glob("*.sqlite3*"))
    schema = Database(url).schema
    with psycopg.connect(PG) as conn:
        row = conn.execute(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r'",
            (schema,),
        ).fetchone()
    return int(row[0] or 0) if row else 0


def verify_in_its_own_process(settings: Settings) -> tuple[dict[str, object], int]:
    env = {**os.environ, "TONGBAN_KEYSTORE": str(settings.keys), "TONGBAN_KEY_PASSPHRASE": settings.key_passphrase}
    tongban = [str(Path(sys.executable).parent / "tongban"), "verify", "--db", settings.db_url, "--json"]
    run = subprocess.run([sys.executable, "-c", PEAK, *tongban], env=env, capture_output=True, text=True, check=True)
    *report, peak = run.stdout.strip().splitlines()
    return json.loads("\n".join(report)), int(peak)


class Progress:
    """Says every 50,000 cases imported how long it took so far (the import slowing down would show here)."""

    def __init__(self, started: float) -> None:
        self.started, self.cases, self.said = started, 0, 0

    def __call__(self, cases: int) -> None:
        self.cases += cases
        if self.cases - self.said >= 50_000:
            self.said = self.cases
            took = time.perf_counter() - self.started
            print(f"  {self.cases:,} cases in {took:,.0f} s ({self.cases / took:,.0f} cases/s)", flush=True)


def say(rows: list[list[object]], row: list[object]) -> None:
    """Keep a step's row for the table at the end, and say it now: a run at 10^7 takes an hour or more."""
    rows.append(row)
    print(" | ".join(map(str, row)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args()
    cores, rows = os.cpu_count() or 1, list[list[object]]()
    with tempfile.TemporaryDirectory() as tmp, database(args.backend, Path(tmp), "scale") as url:
        workdir = Path(tmp)
        settings = Settings(data_dir=workdir, db_url=url, keystore_dir=workdir / "keys", key_passphrase="bench")
        print(f"importing {args.events:,} events on {args.backend} ...", flush=True)
        ledger = build_ledger(settings)
        initialise_network(ledger, list(BAOTOU.institutions), BUREAU_ID, datetime(2024, 12, 31, tzinfo=SHANGHAI))

        started = time.perf_counter()
        record_demo_cases(settings, round(args.events / EVENTS_PER_CASE), seed=1, workers=cores, progress=Progress(started))
        took = time.perf_counter() - started
        events = ledger.recorder.max_notification_id() or 0
        say(rows, ["bulk signed import", f"{took:,.0f} s", f"{events / took:,.0f} events/s", f"{cores} workers"])
        import_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        log = build_transparency_log(ledger, SqlStore(Database(url)))
        started = time.perf_counter()
        log.integrate()
        took = time.perf_counter() - started
        say(rows, ["log integration", f"{took:,.0f} s", f"{events / took:,.0f} records/s", "all at once, after the import"])
        now = datetime.now(SHANGHAI)
        first = timings(lambda: log.checkpoint(now), 1)[0]
        say(rows, ["first checkpoint", f"{first:,.0f} ms", "", "folds every stream into the case-head tree, once"])
        checkpoints = []
        for round_ in range(5):  # a checkpoint in service meets what was recorded since the one before
            more = round(1000 / EVENTS_PER_CASE)  # new cases only: the demo's consultation registers exist already
            DemoGenerator(ledger, seed=100 + round_).run(range(more), more)
            log.integrate()
            checkpoints += timings(lambda: log.checkpoint(now + timedelta(seconds=1 + random.random())), 1)
        checkpoints.sort()
        say(
            rows,
            ["checkpoint after ~1,000 new events", f"{p(checkpoints, 0.5):,.0f} ms", f"max {max(checkpoints):,.0f} ms", "goal <= 50 ms"],
        )
        size = log.size()
        proofs = timings(lambda: log.inclusion_proof(random.randrange(size), size), 2000)
        say(rows, ["inclusion proof", f"p50 {p(proofs, 0.5):.2f} ms", f"p99 {p(proofs, 0.99):.2f} ms", "goal p99 < 5 ms"])
        log.store.close()

        report, peak = verify_in_its_own_process(settings)
        seconds = float(str(report["seconds"]))
        verdict = "ok" if report["ok"] else "PROBLEMS"
        say(
            rows,
            [
                "verify (tongban verify)",
                f"{seconds:,.0f} s",
                f"{events / seconds:,.0f} records/s",
                f"{verdict}; peak {peak / 1024:,.0f} MiB",
            ],
        )

        models = build_read_models(settings, ledger)
        for name in ("ledger", "deadlines", "case_index"):
            status = models.runners[name].rebuild()
            say(
                rows,
                [f"rebuild {name}", f"{events / (status.events_per_second or 1):,.0f} s", f"{status.events_per_second or 0:,.0f} ev/s", ""],
            )
        models.close()
        ledger.close()
        stored = size_of(url, workdir)
        say(rows, ["database size", f"{stored / 2**30:.2f} GiB", f"{stored / events:,.0f} B/event", "tables and indexes"])
    print(f"{events:,} events on {args.backend}, {cores} cores; peak memory of the import: {import_peak / 1024:,.0f} MiB (largest process)")
    print(table(["step", "time", "rate", "note"], rows))


if __name__ == "__main__":
    main()
