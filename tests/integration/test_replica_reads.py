"""`tongban serve --read-db`: reads are answered from a PostgreSQL hot standby, commands and sign-in from the
primary, and a read that follows a command sees it, whether or not the standby has replayed it yet."""

from __future__ import annotations

import logging
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
import pytest
from litestar.testing import TestClient

from api.http_app import create_app
from api.replica_reads import POSITION_COOKIE, POSITION_HEADER
from api.web.session import COOKIE
from domain.actor import SHANGHAI
from domain.errors import DomainError
from infrastructure.bootstrap import build_ledger, principal_store, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from projections.registry import build_read_models, build_replica_models
from tests.conftest import NETWORK_FOUNDED, throwaway_or_fail
from tests.http_client import APPLICATION, USERS, WHOLE_LIFE, Api, received
from tests.pg_cluster import Cluster
from tests.server import Server
from tests.walkthrough import FIRST_RECEIVING, LAWYER, register_pool


@pytest.fixture(scope="module")
def primary_and_standby() -> Iterator[tuple[Cluster, Cluster]]:
    """A throwaway primary (always: the standby is a base backup of it) and a hot standby streaming from it."""
    primary = throwaway_or_fail("a PostgreSQL primary and hot standby are needed")
    try:
        standby = primary.standby()
    except subprocess.CalledProcessError:
        primary.stop()
        raise
    yield primary, standby
    standby.stop()
    primary.stop()


def sql(url: str, statement: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(statement).fetchone()
        return row[0] if row else None


def replayed(primary: Cluster, standby: Cluster) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    target = sql(primary.url, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while not sql(standby.url, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        assert time.monotonic() < deadline, "the standby did not catch up in 30 s"
        time.sleep(0.02)


@pytest.fixture
def settings(primary_and_standby: tuple[Cluster, Cluster], tmp_path: Path) -> Settings:
    """A ledger initialised on the primary (in a schema of its own), read through the standby."""
    primary, standby = primary_and_standby
    schema = f"r_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        data_dir=tmp_path,
        db_url=f"{primary.url}?schema={schema}",
        read_db_url=f"{standby.url}?schema={schema}",
        keystore_dir=tmp_path / "keys",
        key_passphrase="test-passphrase",
    )
    ledger = build_ledger(settings)
    build_read_models(settings, ledger).store.close()
    set_up(ledger, Database(settings.db_url), NETWORK_FOUNDED)
    register_pool(ledger)
    ledger.close()
    replayed(primary, standby)
    return settings  # the schema goes with the throwaway cluster


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    ledger = build_ledger(settings)
    principals = principal_store(ledger, settings)
    tokens = {who: principals.add(who, institution, roles)[1] for who, (institution, roles) in USERS.items()}
    ledger.close()
    with TestClient(create_app(settings, background=False)) as client:
        yield Api(client, tokens)


def leader_catches_up(settings: Settings) -> None:
    """What the leader's background work does on the primary: every projection applies what was recorded."""
    models = build_read_models(Settings(**{**settings.model_dump(), "read_db_url": ""}))
    for runner in models.runners.values():
        runner.catch_up()
    models.close()


def answered_from(caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Each read the server logged, by path: which database answered it (the request log line's read_from)."""
    lines = (r.getMessage() for r in caplog.records if r.name == "tongban.http")
    return {m.group(1): m.group(2) for line in lines if (m := re.search(r"GET (\S+) \d+ .*read_from=(\w+)", line))}


def primary_position(settings: Settings) -> int:
    with psycopg.connect(settings.db_url.split("?")[0], autocommit=True) as conn:
        conn.execute(f"SET search_path TO {settings.db_url.split('schema=')[1]}")
        row = conn.execute("SELECT MAX(notification_id) FROM tongban_events").fetchone()
        assert row is not None
        return int(row[0])


def test_reads_come_from_the_standby_and_a_read_after_a_command_sees_it(
    api: Api, settings: Settings, primary_and_standby: tuple[Cluster, Cluster], caplog: pytest.LogCaptureFixture
) -> None:
    primary, standby = primary_and_standby
    sql(standby.url, "SELECT pg_wal_replay_pause()")  # the standby falls behind on purpose
    try:
        answer = api.post("kundulun_staff", "/cases", APPLICATION)
        assert answer.status_code == 201, answer.text
        case = answer.json()["case_id"]
        position = int(answer.headers[POSITION_HEADER])
        assert position == primary_position(settings)  # the ledger's position after the command, as the primary holds it
        assert api.client.cookies.get(POSITION_COOKIE) == str(position)

        # The asker who wrote it sees it (the cookie; the header for API clients): the primary answers.
        assert api.get("kundulun_staff", f"/cases/{case}").status_code == 200
        api.client.cookies.clear()
        mine = api.get("kundulun_staff", "/cases", headers={POSITION_HEADER: str(position)}).json()
        assert [c["case_id"] for c in mine["items"]] == [case]
        # Anyone else is answered by the standby, which has not replayed the command.
        assert api.get("kundulun_staff", f"/cases/{case}").json()["code"] == "CASE_NOT_FOUND"
        assert api.get("kundulun_staff", "/cases").json()["total"] == 0
    finally:
        sql(standby.url, "SELECT pg_wal_replay_resume()")

    leader_catches_up(settings)
    replayed(primary, standby)
    with caplog.at_level(logging.INFO, logger="tongban.http"):
        caplog.clear()
        assert api.get("kundulun_staff", f"/cases/{case}").status_code == 200
        listed = api.get("kundulun_staff", "/cases", headers={POSITION_HEADER: str(position)}).json()
        assert [c["case_id"] for c in listed["items"]] == [case]
    assert answered_from(caplog) == {f"/cases/{case}": "replica", "/cases": "replica"}  # caught up: the token's read too


def test_every_read_answers_from_the_standby_and_none_fails(
    api: Api, settings: Settings, primary_and_standby: tuple[Cluster, Cluster], caplog: pytest.LogCaptureFixture
) -> None:
    case = received(api)
    for who, step, body in WHOLE_LIFE:
        at = datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI).isoformat()
        assert api.post(who, f"/cases/{case}/{step}", {**body, "at": at}).status_code < 300, step
    leader_catches_up(settings)
    replayed(*primary_and_standby)
    api.client.cookies.clear()
    api.client.cookies.set(COOKIE, api.tokens["auditor"])  # the pages' session
    filled = {"case_id": case, "licence_number": LAWYER, "institution": FIRST_RECEIVING, "month": "2026-03", "fmt": "csv", "number": "x"}
    paths = sorted(
        {
            re.sub(r"\{(\w+):\w+\}", lambda m: filled[str(m.group(1))], route.path)
            for route in api.client.app.routes
            if "GET" in getattr(route, "methods", ()) and not route.path.startswith(("/schema", "/app/static", "/app/sign-in"))
        }
    )
    statuses = {}
    with caplog.at_level(logging.INFO, logger="tongban.http"):
        caplog.clear()
        for path in paths:
            query = {"old_size": 1, "new_size": 1} if path == "/log/consistency" else {}
            statuses[path] = api.get("auditor" if not path.startswith("/app") else "", path, params=query).status_code
    nothing_there = {"/complaints/x", f"/consultations/registers/{FIRST_RECEIVING}/2026-03", f"/duty/rosters/{FIRST_RECEIVING}/2026-03"}
    assert {path: status for path, status in statuses.items() if status != 200} == dict.fromkeys(nothing_there, 404)
    answered = answered_from(caplog)
    writes = {f"/cases/{case}/audit-bundle", f"/app/cases/{case}/audit-bundle.json", "/log/consistency"}
    assert len(paths) > 25
    assert {path for path, where in answered.items() if where == "replica"} == set(paths) - writes - {"/health", "/"}
    assert writes.isdisjoint(answered)  # reads that may write are the primary's, never routed


def test_sign_in_asks_the_primary_so_a_revoked_token_stops_at_once(
    api: Api, settings: Settings, primary_and_standby: tuple[Cluster, Cluster]
) -> None:
    standby = primary_and_standby[1]
    ledger = build_ledger(settings)
    principals = principal_store(ledger, settings, with_token_key=False)
    assert api.get("bureau", "/cases").status_code == 200
    sql(standby.url, "SELECT pg_wal_replay_pause()")
    try:
        principals.revoke(next(p.principal_id for p in principals.list() if p.name == "bureau"))
        assert api.get("bureau", "/cases").json()["code"] == "UNAUTHENTICATED"
    finally:
        sql(standby.url, "SELECT pg_wal_replay_resume()")
        ledger.close()


def test_a_position_that_is_no_number_is_refused(api: Api) -> None:
    answer = api.get("auditor", "/cases", headers={POSITION_HEADER: "latest"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_POSITION"
    assert "X-Ledger-Position" in answer.json()["detail"] and "台账位置" in answer.json()["detail"]


def test_a_read_database_that_is_not_this_ledgers_replica_is_refused(settings: Settings, tmp_path: Path) -> None:
    other = f"{settings.db_url.split('?')[0]}?schema=o_{uuid.uuid4().hex[:12]}"
    with pytest.raises(DomainError) as empty:
        build_replica_models(Settings(**{**settings.model_dump(), "read_db_url": other}))
    assert empty.value.code == "NO_LEDGER"
    other_ledger = Settings(**{**settings.model_dump(), "db_url": other, "keystore_dir": tmp_path / "other-keys"})
    ledger = build_ledger(other_ledger)
    set_up(ledger, Database(other), datetime(2025, 1, 2, 9, 0, tzinfo=SHANGHAI))
    ledger.close()
    with pytest.raises(DomainError) as foreign:
        build_replica_models(Settings(**{**settings.model_dump(), "read_db_url": other}))
    assert foreign.value.code == "READ_DB_NOT_A_REPLICA"


def test_only_a_postgresql_ledger_reads_from_a_replica(tmp_path: Path) -> None:
    with pytest.raises(DomainError) as refused:
        Settings(data_dir=tmp_path, read_db_url="postgresql://postgres@127.0.0.1:5432/test")
    assert refused.value.code == "INVALID_SETTING"
    assert refused.value.message.startswith("读库须为 PostgreSQL 主库的流复制备库 (TONGBAN_READ_DB must be")
    assert "{" not in refused.value.message  # the rule's words, not the settings given


def test_served_with_two_workers_reads_from_the_standby(
    api: Api, settings: Settings, primary_and_standby: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    """`tongban serve --read-db` as a real process: its leader projects on the primary, its reads come from the standby."""
    server = Server(settings, tmp_path / "serve.log", workers=2)
    try:
        token = {"Authorization": f"Bearer {api.tokens['kundulun_staff']}"}
        sql(primary_and_standby[1].url, "SELECT pg_wal_replay_pause()")
        try:
            answer = httpx.post(f"{server.url}/cases", json=APPLICATION, headers=token)
            position = answer.headers[POSITION_HEADER]
            assert httpx.get(f"{server.url}/cases", headers=token).json()["total"] == 0  # the paused standby
            assert httpx.get(f"{server.url}/cases", headers={**token, POSITION_HEADER: position}).json()["total"] == 1
        finally:
            sql(primary_and_standby[1].url, "SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 20  # the leader projects, the standby replays
        while httpx.get(f"{server.url}/cases", headers=token).json()["total"] != 1:
            assert time.monotonic() < deadline, "the standby never showed the case"
            time.sleep(0.1)
    finally:
        server.stop()
    assert re.search(r"GET /cases 200 .*read_from=replica", (tmp_path / "serve.log").read_text())
