"""Shared set-up for the benchmarks: throwaway ledgers on SQLite or PostgreSQL, timing, tables."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg
from nacl.signing import SigningKey

from domain.actor import SHANGHAI
from infrastructure.bootstrap import build_ledger, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger

PG = "postgresql://postgres@127.0.0.1:5432/test"


def backends(choice: str) -> tuple[str, ...]:
    return ("sqlite", "postgres") if choice == "both" else (choice,)


@contextmanager
def database(backend: str, workdir: Path, name: str = "ledger") -> Iterator[str]:
    """A fresh database URL: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{name}.sqlite3'}"
        return
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    try:
        yield f"{PG}?schema={schema}"
    finally:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def fresh_ledger(backend: str) -> Iterator[tuple[CaseLedger, Settings, Path]]:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        workdir = Path(tmp)
        settings = Settings(data_dir=workdir, db_url=url, keystore_dir=workdir / "keys", key_passphrase="bench")
        ledger = build_ledger(settings)
        set_up(ledger, Database(url), datetime(2024, 12, 31, tzinfo=SHANGHAI))  # as `tongban init` leaves it
        yield ledger, settings, workdir
        ledger.close()


def best_rate(count: int, run: Callable[[], object], repeat: int = 3) -> float:
    """Items per second of the fastest of `repeat` runs (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [
        headers,
        *[
            [f"{c:,.0f}" if isinstance(c, float) and c >= 100 else f"{c:.2f}" if isinstance(c, float) else str(c) for c in row]
            for row in rows
        ],
    ]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells)


def raw_sign(count: int) -> float:
    """PyNaCl's (libsodium's) Ed25519 signing rate on one core over a record-sized message: the fastest kept library."""
    key, message = SigningKey.generate(), b"x" * 900
    started = time.perf_counter()
    for _ in range(count):
        key.sign(message)
    return count / (time.perf_counter() - started)
