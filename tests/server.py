"""`tongban serve` as a real process, for tests that need one: two servers on one database, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from infrastructure.config import Settings
from tests.pg_cluster import free_port

ROOT = Path(__file__).resolve().parent.parent


def environment(settings: Settings) -> dict[str, str]:
    """What a process needs to open the same ledger and keystore as these settings."""
    return {
        **os.environ,
        "TONGBAN_DB": settings.db_url,
        "TONGBAN_DATA_DIR": str(settings.data_dir),
        "TONGBAN_KEYSTORE": str(settings.keys),
        "TONGBAN_KEY_PASSPHRASE": settings.key_passphrase,
        "TONGBAN_CALENDAR": settings.calendar_file,
        "TONGBAN_READ_DB": settings.read_db_url,
    }


class Server:
    def __init__(self, settings: Settings, log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT,
            env=environment(settings),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"tongban serve did not start; see {log}")

    def kill(self) -> None:
        """kill -9: no shutdown hook runs, in-flight requests die where they are."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def kill_while_posting(server: Server, path: str, requests: list[tuple[str, dict[str, Any], dict[str, str]]]) -> dict[str, int]:
    """Four clients post (name, body, headers) requests to `path`; the server is killed with kill -9 once
    eight were answered. Returns the status each request answered before the kill, by name."""
    answered: dict[str, int] = {}

    def client(mine: list[tuple[str, dict[str, Any], dict[str, str]]]) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for name, body, headers in mine:
                try:
                    answered[name] = http.post(path, json=body, headers=headers).status_code
                except httpx.TransportError:
                    return  # the server died under this request

    threads = [threading.Thread(target=client, args=(requests[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    while len(answered) < 8:
        threading.Event().wait(0.005)
    server.kill()
    for thread in threads:
        thread.join()
    assert 8 <= len(answered) < len(requests), "the kill should fall while requests are in flight"
    return answered
