"""Choosing the next lawyer by rotation (轮派) from pools of 100, 1,000 and 10,000 lawyers, on each backend.

    python -m benchmarks.bench_rotation [--backend sqlite|postgres|both] [--picks N]

The pool is registered through the ledger (signed records) and projected; each pick asks the read model
for the next qualified lawyer as an appointment does (the queue's first page, an index range scan), and
for the lawyer's signed record. Baseline in the same run: the same pick from the pool of 100. Goal
(issue 14): the next lawyer is O(log n) or better in the pool, so the ratio at 10,000 stays near 1
(ceiling 2.0), where a scan of the pool would be about 100.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime

from benchmarks.common import backends, fresh_ledger, table
from domain.actor import SHANGHAI, Actor
from domain.lawyers import Specialty
from domain.pool_commands import RegisterLawyer
from domain.vocabulary import Role
from projections.lawyer_pool import PoolReader
from projections.registry import build_read_models

SIZES = (100, 1_000, 10_000)
DISTRICTS = ("kundulun", "qingshan", "donghe", "jiuyuan", "shiguai", "baiyunebo", "tumed-right", "guyang", "darhan-muminggan")
CEILING = 2.0


def lawyer(n: int) -> RegisterLawyer:
    return RegisterLawyer(
        licence_number=f"1150{n:013d}",
        name=f"律师{n}",
        firm=f"第{n % 300}律师事务所",
        firm_district=DISTRICTS[n % len(DISTRICTS)],
        office_address="包头市",
        office_phone="0472-1",
        specialties=[Specialty.CRIMINAL, Specialty.CIVIL] if n % 2 else [Specialty.CIVIL, Specialty.LABOUR],
        criminal_practice_since=date(2010 + n % 15, 1, 1) if n % 2 else None,
        verification="执业证核验",
    )


def pick_seconds(backend: str, size: int, picks: int) -> float:
    """Mean seconds for one pick from a pool of `size` lawyers."""
    with fresh_ledger(backend) as (ledger, settings, _):
        bureau, at, context = Actor("baotou-bureau", "bench", Role.BUREAU), datetime(2025, 1, 2, tzinfo=SHANGHAI), ledger.context()
        commands = [lawyer(n) for n in range(size)]
        for start in range(0, size, 1000):
            ledger.save(*(command.open(bureau, at, context) for command in commands[start : start + 1000]))
        models = build_read_models(settings, ledger)
        pool = ledger.lawyer_pool
        assert isinstance(pool, PoolReader)
        pool.runner.catch_up()
        started = time.perf_counter()
        for n in range(picks):
            licence, _ = next(iter(pool.rotation(Specialty.CRIMINAL, DISTRICTS[n % len(DISTRICTS)])))
            assert pool.lawyer(licence) is not None
        elapsed = time.perf_counter() - started
        models.store.close()
        return elapsed / picks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--picks", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for backend in backends(args.backend):
        times = {size: pick_seconds(backend, size, args.picks) for size in SIZES}
        for size in SIZES:
            ratio = times[size] / times[SIZES[0]]
            verdict = "ok" if ratio <= CEILING else "ABOVE CEILING"
            rows.append([backend, size, times[size] * 1000, ratio, verdict])
    print(table(["backend", "lawyers", "ms per pick", "vs 100", f"ceiling {CEILING}"], rows))


if __name__ == "__main__":
    main()
