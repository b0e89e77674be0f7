"""`verify` rate against the raw Ed25519 verification rate the machine's cores allow, in the same run.

    python benchmarks/bench_verify.py [--cases N]

Baseline: the raw Ed25519 verification loop of the fastest kept library (PyNaCl, libsodium; `cryptography`'s
printed beside it) over a message of a typical record's size, run in one process and in as many processes as
there are cores at once (the parallel figure is what the cores allow). Measured: `verify_records` over a demo
ledger on SQLite, with 1 process and with all cores. Goal (issue 16): >= 85 % of what the cores allow.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.signing import SigningKey

from api.demo import record_demo_cases
from benchmarks.common import best_rate, fresh_ledger, table
from infrastructure.verification import verify_records

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
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with fresh_ledger("sqlite") as (ledger, settings, _):
        record_demo_cases(settings, args.cases, seed=1, workers=cores)
        records = list(ledger.all_records())
        root, network = ledger.keystore.root_public_key_hex(), str(ledger.network_id)
        one_core = max(raw_verify(5000) for _ in range(3))
        other_library = max(raw_verify_cryptography(5000) for _ in range(3))
        with ProcessPoolExecutor(cores) as pool:
            all_cores = max(sum(pool.map(raw_verify, [5000] * cores)) for _ in range(3))
        single = best_rate(len(records), lambda: verify_records(records, root, network, processes=1))
        parallel = best_rate(len(records), lambda: verify_records(records, root, network, processes=cores))
    print(
        f"{len(records)} records, {cores} cores; raw Ed25519 verify (PyNaCl): {one_core:,.0f}/s on one core, {all_cores:,.0f}/s "
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
