"""The global log: proof generation and verification at a million records, checkpoint cost, and what
maintaining the tree adds to the append path.

    python -m benchmarks.bench_log [--backend sqlite|postgres|both] [--records N] [--cases N]

1. A log of N records (default 10^6; 8 records per case, as the demo's cases have) is filled through
   the log's own append path from synthetic records (signing a million events would only measure
   Ed25519). Then, for random records and tree sizes: inclusion and consistency proof generation
   (p50/p99, goal p99 < 5 ms) against one primary-key read of a node (the baseline); proof verification
   (goal < 1 ms) against one Ed25519 signature check; a checkpoint (integrate, fold the case-head tree, sign,
   store) against a plain scan of the leaves: the first one, which folds every stream (once, after an
   upgrade), with the longest a writer of the log waited meanwhile (it folds a page per transaction), and
   then each after 100 and after 1,000 more records (goal <= 50 ms).
2. Signed append of demo cases with and without the log: one event per transaction and 100 cases per
   transaction with the log integrated by a background thread twice a second (what `serve` does), and
   100 cases per transaction with the log integrated after each by the writer (all of its cost on the
   writer's path).
   Goal: the log costs under 10 % of the append rate.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from benchmarks import bench_append
from benchmarks.bench_append import cases_events
from benchmarks.common import backends, best_rate, database, fresh_ledger, table
from domain.actor import SHANGHAI
from infrastructure.bootstrap import build_transparency_log
from infrastructure.database import Database
from infrastructure.event_table import Committed
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import LogSigner, TransparencyLog
from verifier.audit_verifier import leaf_hash, verify_inclusion
from verifier.consistency_proofs import verify_consistency

NOW = datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)


def timings(run: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def p(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, int(q * len(times)))]


def nothing_new(start: int, limit: int) -> list[Committed]:
    """Stands in for the event table of the synthetic log: no record arrives after the fill."""
    return []


def record(i: int, case: int, version: int) -> Committed:
    """The i-th synthetic record: a version of a case, hashed as the log hashes a stored record."""
    return (i + 1, str(UUID(int=case)), version, hashlib.sha256(i.to_bytes(8, "big") * 16).digest())


def fill(log: TransparencyLog, records: int, per_case: int = 8, batch: int = 50_000) -> None:
    """Append synthetic records through the log's own append path (the same code integrate() runs)."""
    for start in range(0, records, batch):
        committed = [record(i, i // per_case + 1, i % per_case + 1) for i in range(start, min(start + batch, records))]
        with log.store.transaction():
            log._append(start, committed)


INTERVALS = (100, 1_000)  # records between two checkpoints: half to cases already logged, half opening new ones


def grow(log: TransparencyLog, versions: dict[int, int], count: int, rng: random.Random, per_case: int = 8) -> None:
    """Append `count` synthetic records after the log's last: later versions of random earlier cases, and new cases."""
    size = log.size()
    cases = size // per_case
    committed = []
    for i in range(size, size + count):
        case = rng.randrange(1, cases) if i % 2 else 10**9 + i  # an existing case grows, or a new one opens
        versions[case] = versions.get(case, per_case if case < 10**9 else 0) + 1
        committed.append(record(i, case, versions[case]))
    with log.store.transaction():
        log._append(size, committed)


def big_log(backend: str, records: int) -> list[list[object]]:
    rows: list[list[object]] = []
    rng = random.Random(6962)
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp), "log") as url:
        store = SqlStore(Database(url))
        key = Ed25519PrivateKey.generate()
        log = TransparencyLog(store, LogSigner("bench.example/log", key), nothing_new)
        started = time.perf_counter()
        fill(log, records)
        fill_rate = records / (time.perf_counter() - started)
        size = log.size()
        root = log.root(size)

        baseline = timings(
            lambda: store.fetchone("SELECT hash FROM tongban_log_nodes WHERE level = ? AND idx = ?", (0, rng.randrange(size))), 2000
        )
        inclusion = timings(lambda: log.inclusion_proof(rng.randrange(size), size), 2000)
        consistency = timings(lambda: log.consistency_proof(rng.randrange(1, size), size), 500)
        for name, times in (("inclusion proof", inclusion), ("consistency proof", consistency)):
            rows.append([backend, f"{name} at {size:,}", p(times, 0.5), p(times, 0.99), p(times, 0.99) / p(baseline, 0.99), "p99 < 5 ms"])
        rows.append([backend, "baseline: one node read", p(baseline, 0.5), p(baseline, 0.99), 1.0, ""])

        index = rng.randrange(size)
        leaf = leaf_hash(hashlib.sha256(index.to_bytes(8, "big") * 16).digest())
        proof = log.inclusion_proof(index, size)
        assert verify_inclusion(leaf, index, size, proof, root)
        old = rng.randrange(1, size)
        old_root, cproof = log.root(old), log.consistency_proof(old, size)
        assert verify_consistency(old, size, old_root, root, cproof)
        public, message = key.public_key(), b"x" * 200
        signature = key.sign(message)
        ed = timings(lambda: public.verify(signature, message), 2000)
        vi = timings(lambda: verify_inclusion(leaf, index, size, proof, root), 2000)
        vc = timings(lambda: verify_consistency(old, size, old_root, root, cproof), 2000)
        rows.append([backend, "verify inclusion proof", p(vi, 0.5), p(vi, 0.99), p(vi, 0.99) / p(ed, 0.99), "< 1 ms"])
        rows.append([backend, "verify consistency proof", p(vc, 0.5), p(vc, 0.99), p(vc, 0.99) / p(ed, 0.99), "< 1 ms"])
        rows.append([backend, "baseline: one Ed25519 verify", p(ed, 0.5), p(ed, 0.99), 1.0, ""])

        scan = timings(lambda: store.fetchone("SELECT COUNT(*), MAX(version) FROM tongban_log_leaves"), 3)
        waits: list[float] = []
        done = threading.Event()
        beside = TransparencyLog(SqlStore(Database(url)), committed=nothing_new)
        writer = threading.Thread(target=_integrate_beside, args=(beside, done, waits))
        writer.start()
        first = timings(lambda: log.checkpoint(datetime.now(SHANGHAI)), 1)  # folds every stream into the case-head tree, once
        done.set()
        writer.join()
        rows.append([backend, f"first checkpoint of {size:,} (folds all)", first[0], first[0], first[0] / p(scan, 0.5), "once"])
        waits.sort()
        rows.append([backend, "  a writer's wait for the log meanwhile", p(waits, 0.5), waits[-1], waits[-1] / first[0], "a page, not all"])
        versions: dict[int, int] = {}
        for interval in INTERVALS:  # what a checkpoint meets in service: the records logged since the one before
            checkpoints = []
            for _ in range(7):
                grow(log, versions, interval, rng)
                checkpoints += timings(lambda: log.checkpoint(datetime.now(SHANGHAI)), 1)
            checkpoints.sort()
            ratio = p(checkpoints, 0.5) / p(scan, 0.5)
            rows.append([backend, f"checkpoint after {interval:,} new records", p(checkpoints, 0.5), checkpoints[-1], ratio, "<= 50 ms"])
        rows.append([backend, "baseline: scan the leaves", p(scan, 0.5), scan[-1], 1.0, ""])
        rows.append([backend, f"(filling: {fill_rate:,.0f} leaves/s)", 0.0, 0.0, 0.0, ""])
        store.close()
    return rows


def _integrate_beside(log: TransparencyLog, done: threading.Event, waits: list[float]) -> None:
    """What `serve` does while a checkpoint folds: integrate (here, find nothing new) under the log's writer lock."""
    while not done.is_set():
        waits += timings(log.integrate, 1)
        time.sleep(0.01)
    log.store.close()


@contextmanager
def integrated_beside(log: TransparencyLog | None) -> Iterator[None]:
    """The log integrated twice a second by a background thread while the block writes, as `serve` does; what is
    left is integrated at the end, inside the timing."""
    stop = threading.Event()
    integrator = threading.Thread(target=_integrate_until, args=(log, stop)) if log is not None else None
    if integrator is not None:
        integrator.start()
    yield
    stop.set()
    if integrator is not None:
        integrator.join()
    if log is not None:
        log.integrate()


def _integrate_until(log: TransparencyLog, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        log.integrate()


def save_each(app: Any, batches: list[Sequence[Any]], log: TransparencyLog | None) -> None:
    """One event per transaction, the log integrated beside."""
    with integrated_beside(log):
        bench_append.save_each(app, batches)


def save_batched(app: Any, batches: list[Sequence[Any]], log: TransparencyLog | None) -> None:
    """100 cases per transaction, the log integrated beside."""
    with integrated_beside(log):
        bench_append.save_batched(app, batches)


def save_batched_then_log(app: Any, batches: list[Sequence[Any]], log: TransparencyLog | None) -> None:
    """100 cases per transaction, the log integrated after each by the writer: all of its cost on the writer's path."""
    for start in range(0, len(batches), 100):
        app.save(*(e for events in batches[start : start + 100] for e in events))
        if log is not None:
            log.integrate()


def append_overhead(backend: str, cases: int, batched_cases: int) -> list[list[object]]:
    """Batched writes run 20 times as many cases, so that a run lasts seconds and a log integrated beside them
    integrates while they write, not only once they have stopped."""
    rows: list[list[object]] = []
    patterns = (
        ("1 event / transaction, log every 0.5 s", save_each, cases),
        ("100 cases / transaction, log every 0.5 s", save_batched, batched_cases),
        ("100 cases / transaction, log after each", save_batched_then_log, batched_cases),
    )
    for pattern, save, cases in patterns:
        rates: dict[bool, list[float]] = {False: [], True: []}
        for attempt in range(3):
            for with_log in (False, True):
                with fresh_ledger(backend) as (ledger, settings, _):
                    batches = cases_events(ledger, cases, seed=attempt)
                    events = sum(len(b) for b in batches)
                    log = build_transparency_log(ledger, SqlStore(Database(settings.db_url)))
                    log.integrate()
                    chosen = log if with_log else None
                    rates[with_log].append(best_rate(events, functools.partial(save, ledger, batches, chosen), repeat=1))
                    assert not with_log or log.size() == sum(1 for _ in ledger.all_records())
                    log.store.close()
        without, with_log_rate = max(rates[False]), max(rates[True])
        rows.append([backend, pattern, without, with_log_rate, 1 - with_log_rate / without, "< 0.10"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=150, help="written one event a transaction; batched: 20 times as many")
    args = parser.parse_args()
    proof_rows, append_rows = [], []
    for backend in backends(args.backend):
        proof_rows += big_log(backend, args.records)
        append_rows += append_overhead(backend, args.cases, args.cases * 20)
    print(table(["backend", "operation", "p50 ms", "p99 ms", "p99 / baseline p99", "goal"], proof_rows))
    print()
    print(table(["backend", "write pattern", "ev/s without log", "ev/s with log", "overhead", "goal"], append_rows))


if __name__ == "__main__":
    main()
