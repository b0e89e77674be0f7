"""Real `tongban serve` processes on SQLite and PostgreSQL: clients racing through two servers on one
database, and a server killed with kill -9 while requests are in flight, then retried."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.actor import SHANGHAI
from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.verification import verify_ledger
from tests.http_client import APPLICATION
from tests.integration.test_concurrent_writers import SECONDS, WRITERS, change
from tests.raw_store import RawStore
from tests.server import ROOT, Server, environment
from tests.walkthrough import FIRST_RECEIVING, HANDLING, appointed_case


def token(ledger: CaseLedger, settings: Settings, institution: str) -> str:
    return principal_store(ledger, settings).add("clerk", institution, {Role.STAFF})[1]


@pytest.fixture
def servers(ledger: CaseLedger, settings: Settings, tmp_path: Path) -> Iterator[list[Server]]:
    running = [Server(settings, tmp_path / f"serve-{n}.log") for n in range(2)]
    yield running
    for server in running:
        server.stop()


@pytest.fixture
def raw_rows(ledger: CaseLedger, database_url: str) -> Iterator[Any]:
    raw = RawStore(database_url)
    yield raw.rows
    raw.close()


def assert_verifies(ledger: CaseLedger) -> None:
    report = verify_ledger(ledger, processes=1)
    assert report.ok, report.problems[:3]


def test_eight_clients_through_two_servers_changing_one_lawyer_leave_a_ledger_that_verifies(
    ledger: CaseLedger, settings: Settings, servers: list[Server], tmp_path: Path
) -> None:
    case_id = appointed_case(ledger)
    first_version = ledger.get_case(case_id).version
    headers = {"Authorization": f"Bearer {token(ledger, settings, HANDLING)}"}
    accepted: list[int] = []
    unexpected: list[str] = []
    deadline = time.monotonic() + SECONDS

    def client(n: int) -> None:
        with httpx.Client(base_url=servers[n % 2].url, headers=headers, timeout=30) as http:
            attempt = 0
            while time.monotonic() < deadline:
                attempt += 1
                extra = {}
                if n % 2 == 0:  # half the clients read the version first and send If-Match
                    extra = {"If-Match": http.get(f"/cases/{case_id}").headers["etag"]}
                response = http.post(
                    f"/cases/{case_id}/lawyer-change",
                    headers=extra,
                    json={**change(attempt).model_dump(exclude_none=True), "at": "2026-04-01T09:00:00+08:00"},
                )
                if response.status_code == 200:
                    accepted.append(response.json()["version"])
                elif response.status_code != (412 if extra else 409):  # a named version gone, or a race lost
                    unexpected.append(response.text)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unexpected == []
    assert len(accepted) > WRITERS
    served = (tmp_path / "serve-0.log").read_text()
    assert re.search(rf"POST /cases/{case_id}/lawyer-change (200|409|412) [\d.]+ms principal=\w+ request_id=\w+", served)
    assert sorted(accepted) == list(range(first_version + 1, first_version + 1 + len(accepted)))
    assert_verifies(ledger)


def test_after_kill_9_every_retried_request_returns_its_first_result_or_is_performed_once(
    ledger: CaseLedger, settings: Settings, tmp_path: Path
) -> None:
    headers = {"Authorization": f"Bearer {token(ledger, settings, FIRST_RECEIVING)}"}
    keys = [f"apply-{n:03d}" for n in range(48)]
    first: dict[str, Any] = {}
    server = Server(settings, tmp_path / "before-kill.log")

    def client(mine: list[str]) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            for key in mine:
                try:
                    response = http.post("/cases", json=APPLICATION, headers={"Idempotency-Key": key})
                except httpx.TransportError:
                    return  # the server died under this request
                first[key] = (response.status_code, response.json())

    threads = [threading.Thread(target=client, args=(keys[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    while len(first) < 12:
        time.sleep(0.005)
    server.kill()
    for thread in threads:
        thread.join()
    assert 12 <= len(first) < len(keys), "the kill should fall while requests are in flight"

    restarted = Server(settings, tmp_path / "after-kill.log")
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=30) as http:
            retried = {key: http.post("/cases", json=APPLICATION, headers={"Idempotency-Key": key}) for key in keys}
    finally:
        restarted.stop()

    assert {r.status_code for r in retried.values()} == {201}
    for key, (status, body) in first.items():
        assert (status, retried[key].json()) == (201, body)  # answered before the kill: the same case, replayed
        assert retried[key].headers["idempotent-replayed"] == "true"
    case_ids = {r.json()["case_id"] for r in retried.values()}
    applications = [n for n in ledger.all_records() if n.topic.endswith(".ApplicationReceived")]
    assert len(case_ids) == len(applications) == len(keys)  # each key performed exactly once
    assert_verifies(ledger)


def test_a_key_rotated_by_another_process_is_used_by_a_running_server_and_a_revoked_key_never_signs(
    ledger: CaseLedger, settings: Settings, servers: list[Server], raw_rows: Any
) -> None:
    case_id = appointed_case(ledger)
    old_key = ledger.network().active_key_id(HANDLING)
    headers = {"Authorization": f"Bearer {token(ledger, settings, HANDLING)}"}
    change_to = {**change(1).model_dump(exclude_none=True), "at": "2026-04-01T09:00:00+08:00"}
    with httpx.Client(base_url=servers[0].url, headers=headers, timeout=30) as http:
        assert http.post(f"/cases/{case_id}/lawyer-change", json=change_to).status_code == 200  # the server has read the network

        rotated = subprocess.run(
            [sys.executable, "-m", "api.cli", "keys", "rotate", HANDLING],
            cwd=ROOT,
            env=environment(settings),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert rotated.returncode == 0, rotated.stderr
        new_key = ledger.network(refresh=True).active_key_id(HANDLING)
        assert new_key != old_key
        assert http.post(f"/cases/{case_id}/lawyer-change", json=change_to).status_code == 200
        assert json.loads(ledger.recorder.select_events(case_id, desc=True, limit=1)[0].state)["key_id"] == new_key

        # Force it: this process revokes the new key too, leaving the centre no valid key; the server knows only
        # the network it read before, in which the new key is valid.
        assert new_key is not None
        network = ledger.network_for_change()
        network.revoke_key(
            new_key,
            "compromised",
            by={"institution": "baotou-bureau", "person": "system", "role": "bureau"},
            at=datetime.now(SHANGHAI).isoformat(timespec="microseconds"),
        )
        ledger.save_network(network)
        before = raw_rows()
        refused = http.post(f"/cases/{case_id}/lawyer-change", json=change_to)
        assert (refused.status_code, refused.json()["code"]) == (503, "NO_VALID_SIGNING_KEY")
        assert raw_rows() == before
    assert_verifies(ledger)
