"""Test set-up: real SQLite files and a real PostgreSQL server.

PostgreSQL is taken from TONGBAN_TEST_PG_URL, else 127.0.0.1:5432 (database `test`); if that is not
running, a throwaway cluster is started with the local PostgreSQL binaries; if there are none, the
PostgreSQL tests are skipped with one loud line. Under CI (CI=true) a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from litestar.testing import TestClient

from api.http_app import create_app
from domain.actor import SHANGHAI
from infrastructure.bootstrap import build_ledger, build_transparency_log, principal_store, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels, build_read_models
from tests.http_client import USERS, Api
from tests.pg_cluster import Cluster, throwaway_cluster
from tests.raw_store import RawStore
from tests.walkthrough import register_pool

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
NETWORK_FOUNDED = datetime(2024, 12, 31, 9, 0, tzinfo=SHANGHAI)


def _reachable(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = os.environ.get("TONGBAN_TEST_PG_URL", DEFAULT_PG)
    if _reachable(url):
        yield url
        return
    cluster = throwaway_or_fail(f"PostgreSQL NOT AVAILABLE at {url}")
    yield cluster.url
    cluster.stop()


def throwaway_or_fail(why: str) -> Cluster:
    """A throwaway cluster; without local binaries the PostgreSQL tests are skipped, loudly (failed under CI)."""
    cluster = None
    try:
        cluster = throwaway_cluster()
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"\n!!! could not start a throwaway PostgreSQL cluster: {exc}", file=sys.stderr)
    if cluster is None:
        message = f"!!! {why} and no local binaries: PostgreSQL tests SKIPPED !!!"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message.replace("SKIPPED", "FAILED (CI requires PostgreSQL)"))
        print("\n" + message, file=sys.stderr)
        pytest.skip(message)
    return cluster


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{server}?schema={schema}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, db_url=database_url, keystore_dir=tmp_path / "keys", key_passphrase="test-passphrase")


@pytest.fixture
def ledger(settings: Settings) -> Iterator[CaseLedger]:
    """A ledger set up as `tongban init` does: the Baotou network, the log, append-only tables, and its read
    models, which appointments choose lawyers from."""
    ledger = build_ledger(settings)
    models = build_read_models(settings, ledger)  # first, as `init` does: set_up's grants cover its tables
    set_up(ledger, Database(settings.db_url), NETWORK_FOUNDED)
    yield ledger
    models.store.close()
    ledger.close()


@pytest.fixture
def models(ledger: CaseLedger, settings: Settings) -> Iterator[ReadModels]:
    """The ledger's read models, caught up when read (service/queries.py asks them)."""
    models = build_read_models(settings, ledger)
    yield models
    models.store.close()


@pytest.fixture
def log(ledger: CaseLedger, settings: Settings) -> Iterator[TransparencyLog]:
    """The global log over the ledger, signing checkpoints with the network's log key."""
    log = build_transparency_log(ledger, SqlStore(Database(settings.db_url)))
    yield log
    log.store.close()


@pytest.fixture
def raw(ledger: CaseLedger, database_url: str) -> Iterator[RawStore]:
    """The database as someone with full access to it sees it (tests that tamper)."""
    store = RawStore(database_url)
    yield store
    store.close()


@pytest.fixture
def api(ledger: CaseLedger, settings: Settings) -> Iterator[Api]:
    register_pool(ledger)
    principals = principal_store(ledger, settings)
    tokens = {who: principals.add(who, institution, roles)[1] for who, (institution, roles) in USERS.items()}
    with TestClient(create_app(settings, background=False)) as client:
        yield Api(client, tokens)
