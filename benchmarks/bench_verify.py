"""`verify` rate against the raw Ed25519 verification rate the machine's cores allow, in the same run.

    python -m benchmarks.bench_verify [--cases N] [--backend sqlite|postgres]

Baseline: the raw Ed25519 verification loop of the fastest kept library (PyNaCl, libsodium; `cryptography`'s
printed beside it) over a message of a typical record's size, run in one process and in as many processes as
there are cores at once (the parallel figure is what the cores allow). Measured: what `tongban verify` does
over a demo ledger on SQLite or PostgreSQL, with 1 process and with all cores: every record checked by workers
reading their own ranges of streams from the database, each beside the global log's leaf for it, and the log's
tree against its checkpoint. Goal (issue 16): >= 85 % of what the cores allow.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.signing import SigningKey

from api.demo import record_demo_cases
from benchmarks.common import best_rate, fresh_ledger, table
from domain.actor import SHANGHAI
from infrastructure.audit import newest_valid_checkpoint, records_beside_log
from infrastructure.bootstrap import build_transparency_log
from infrastructure.database import Database
from infrastructure.sql_store import SqlStore

MESSAGE = b"x" * 900  # a typical record body


def raw_verify(count: int) -> float:
    """PyNaCl's verification rate, the ceiling."""
    key = SigningKey.generate()
    signature, public = key.sign(MESSAGE).signature, key.verify_key
    started = time.perf_counter()
    for _ in range(count):
        public.verify(MESSAGE, signature)
    return count / (time.perf_counter() - started)


def raw_verify_cryptography(count: int) -> float:
    key = Ed25519PrivateKey.generate()
    signature, public = key.sign(MESSAGE), key.public_key()
    started = time.perf_counter()
    for _ in range(count):
        public.verify(signature, MESSAGE)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with fresh_ledger(args.backend) as (ledger, settings, _):
        record_demo_cases(settings, args.cases, seed=1, workers=cores)
        records = ledger.recorder.max_notification_id() or 0
        log = build_transparency_log(ledger, SqlStore(Database(settings.db_url)))
        log.checkpoint(datetime.now(SHANGHAI))
        checkpoint = newest_valid_checkpoint(ledger, log)[0]
        assert checkpoint is not None
        one_core = max(raw_verify(5000) for _ in range(3))
        other_library = max(raw_verify_cryptography(5000) for _ in range(3))
        with ProcessPoolExecutor(cores) as pool:
            all_cores = max(sum(pool.map(raw_verify, [5000] * cores)) for _ in range(3))
        single = best_rate(records, lambda: records_beside_log(ledger, log, checkpoint[1], processes=1))
        parallel = best_rate(records, lambda: records_beside_log(ledger, log, checkpoint[1], processes=cores))
        log.store.close()
    print(
        f"{records} records on {args.backend}, {cores} cores; raw Ed25519 verify (PyNaCl): {one_core:,.0f}/s on one core, "
        f"{all_cores:,.0f}/s "
        f"on all; cryptography's: {other_library:,.0f}/s on one core"
    )
    print(
        table(
            ["verify", "records/s", "baseline/s", "ratio", "goal"],
            [
                ["1 process", single, one_core, single / one_core, ">= 0.85"],
                [f"{cores} processes", parallel, all_cores, parallel / all_cores, ">= 0.85"],
            ],
        )
    )


if __name__ == "__main__":
    main()
