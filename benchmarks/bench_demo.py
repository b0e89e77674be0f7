"""`demo` (bulk, signed) events per second on SQLite, against the raw signing rate of the fastest kept
Ed25519 library (PyNaCl, libsodium) on one core and on all cores at once, and the library's unsigned save, in
the same run.

    python -m benchmarks.bench_demo [--cases N]

Goal (issue 16): >= 0.40 of the raw signing rate of all cores. Every event is signed with Ed25519, so no
core can exceed its raw signing rate; the ratio shows how much of that the rest (the cases' rules, the
records' form, the database) costs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application

from api.demo import record_demo_cases
from benchmarks.bench_append import cases_events, save_batched
from benchmarks.common import database, fresh_ledger, raw_sign, table
from infrastructure.database import Database


def demo_rate(cases: int, workers: int) -> float:
    with fresh_ledger("sqlite") as (ledger, settings, _):
        before = ledger.recorder.max_notification_id() or 0
        started = time.perf_counter()
        record_demo_cases(settings, cases, seed=1, workers=workers)
        elapsed = time.perf_counter() - started
        return ((ledger.recorder.max_notification_id() or 0) - before) / elapsed


def unsigned_rate(cases: int) -> float:
    with fresh_ledger("sqlite") as (ledger, _, _):
        batches = cases_events(ledger, cases, seed=1)
    events = sum(len(b) for b in batches)
    with tempfile.TemporaryDirectory() as tmp, database("sqlite", Path(tmp), "plain") as url:
        plain = Application[UUID](env={**Database(url).eventsourcing_env(), "CREATE_TABLE": "y"})
        started = time.perf_counter()
        save_batched(plain, batches)
        rate = events / (time.perf_counter() - started)
        plain.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    signing = max(raw_sign(5000) for _ in range(3))
    with ProcessPoolExecutor(cores) as pool:
        all_cores = max(sum(pool.map(raw_sign, [5000] * cores)) for _ in range(3))
    unsigned = unsigned_rate(args.cases // 4)
    rows = [(f"demo, {w} worker(s)", demo_rate(args.cases, w)) for w in sorted({1, cores})]
    print(
        f"raw Ed25519 signing (PyNaCl): {signing:,.0f}/s on one core, {all_cores:,.0f}/s on {cores}; "
        f"library's unsigned batched save: {unsigned:,.0f} events/s"
    )
    print(
        table(
            ["run", "events/s", "vs 1-core signing", "vs all-core signing", "vs unsigned save", "goal"],
            [[name, rate, rate / signing, rate / all_cores, rate / unsigned, ">= 0.40 of all cores"] for name, rate in rows],
        )
    )


if __name__ == "__main__":
    main()
