"""`tongban serve --workers N`: N processes answer requests on one ledger, and the background work (the global
log integrated and checkpointed, projections caught up) is done by exactly one of them at a time, the leader.
When the leader is killed with kill -9, another worker takes over and nothing is lost."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import httpx

from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.transparency_log import TransparencyLog
from tests.http_client import APPLICATION
from tests.integration.test_served_integrity import assert_verifies
from tests.server import Server
from tests.walkthrough import FIRST_RECEIVING


def leaders(log: Path) -> list[int]:
    """The processes that said they took the lead, in order."""
    return [int(pid) for pid in re.findall(r"process (\d+) now leads the background work", log.read_text())]


def receive_at_once(server: Server, token: str, clients: int, each: int) -> list[int]:
    statuses: list[int] = []

    def client() -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            statuses.extend(http.post("/cases", json=APPLICATION).status_code for _ in range(each))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def wait_until_logged(ledger: CaseLedger, log: TransparencyLog, within: float = 20) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if log.size() == ledger.recorder.max_notification_id():
            return True
        time.sleep(0.2)
    return False


def test_two_workers_answer_one_leads_the_background_work_and_another_takes_over_after_kill_9(
    ledger: CaseLedger, settings: Settings, log: TransparencyLog, tmp_path: Path
) -> None:
    token = principal_store(ledger, settings, log=log).add("窗口", FIRST_RECEIVING, {Role.STAFF})[1]
    served = tmp_path / "serve.log"
    server = Server(settings, served, workers=2)
    try:
        assert receive_at_once(server, token, clients=8, each=5) == [201] * 40
        assert wait_until_logged(ledger, log), "the leader integrates what both workers recorded"
        first = leaders(served)
        assert len(first) == 1, served.read_text()  # one leader for the deployment, not one per worker

        os.kill(first[0], signal.SIGKILL)
        assert receive_at_once(server, token, clients=4, each=5) == [201] * 20  # the other worker answers
        assert wait_until_logged(ledger, log), "a new leader integrates what was recorded after the kill"
        after = leaders(served)
        assert len(after) == 2 and after[1] != first[0], served.read_text()
    finally:
        server.stop()
    assert_verifies(ledger)
    assert ledger.recorder.max_notification_id() == log.size()
