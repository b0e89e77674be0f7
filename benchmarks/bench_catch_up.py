"""Catch-up lag of the projections while clerks write: how long after its commit an event is in the read models.

    python benchmarks/bench_catch_up.py [--backend sqlite|postgres|both] [--seconds S]

A writer thread records demo cases one save at a time (one case per transaction) for S seconds; the
runner polls every 50 ms and applies what it finds. For every event: lag = time applied - time
committed. Baseline in the same run: the writer's own mean time per transaction. Goal (projections
issue): p99 lag under one second.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from api.demo import DemoGenerator
from benchmarks.common import backends, fresh_ledger, table
from projections.registry import build_read_models


def measure(backend: str, seconds: float) -> list[object]:
    with fresh_ledger(backend) as (ledger, settings, _):
        models = build_read_models(settings, ledger)
        runner = models.runners["ledger"]
        runner.catch_up()
        committed: list[tuple[int, float]] = []
        applied: list[tuple[int, float]] = []
        stop = threading.Event()

        def write() -> None:
            generator, n = DemoGenerator(ledger, 3), 0
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                ledger.save(generator.one_case(n, 10_000))
                committed.append((ledger.recorder.max_notification_id() or 0, time.perf_counter()))
                n += 1
            stop.set()

        def project() -> None:
            while not stop.is_set() or runner.status().lag:
                if runner.run_once():
                    applied.append((runner.status().position, time.perf_counter()))
                else:
                    time.sleep(0.05)

        threads = [threading.Thread(target=write), threading.Thread(target=project)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lags, cursor = [], 0
        for event_id, at in committed:
            while applied[cursor][0] < event_id:
                cursor += 1
            lags.append(applied[cursor][1] - at)
        lags.sort()
        per_save = seconds / max(len(committed), 1)
        models.store.close()
        return [
            backend,
            len(committed),
            per_save * 1000,
            statistics.median(lags) * 1000,
            lags[int(len(lags) * 0.99) - 1] * 1000,
            "< 1000 ms",
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    rows = [measure(b, args.seconds) for b in backends(args.backend)]
    print(table(["backend", "cases written", "ms per save", "p50 lag ms", "p99 lag ms", "goal p99"], rows))


if __name__ == "__main__":
    main()
