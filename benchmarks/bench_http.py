"""The HTTP API under 8 concurrent clients on loopback: commands per second and p50/p99 latency, with a
trivial endpoint of the same app (GET /health) and a read (GET /cases/{id}) measured in the same run.

    python -m benchmarks.bench_http [--backend sqlite|postgres|both] [--seconds S] [--clients N] [--workers N ...]

The server is `tongban serve --workers N` (uvicorn; one worker process leads the background work) in a
subprocess on 127.0.0.1; the clients run on the same machine. Each client receives its own
applications and walks them (missing-materials notice, supplement, review...) one command at a time.
Goals (issue 16): >= 500 commands/s with p99 <= 50 ms on PostgreSQL with 8 clients; reads >= half the trivial rate.

A second table says where the commands' CPU went (Linux /proc): milliseconds of CPU a command took in the server's
processes, in PostgreSQL's and in the clients, and the rate the machine's cores would allow at that cost (the
ceiling), against which the measured rate is set.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import backends, fresh_ledger, table
from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store

APPLICATION = {
    "channel": "window",
    "matter_kind": "civil",
    "authority_name": "昆都仑区人民法院",
    "authority_district": "kundulun",
    "applicant": {"applicant_id": "p", "name": "张三"},
    "hardship": {"basis": "credit_commitment"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            comm, rest = (entry / "stat").read_text().rsplit(")", 1)
            found.append((int(entry.name), int(rest.split()[1]), comm.partition("(")[2]))
        except (OSError, ValueError):
            continue
    return found


def process_tree(root: int) -> list[int]:
    tree, processes = [root], _processes()
    for pid, parent, _ in sorted(processes):
        if parent in tree:
            tree.append(pid)
    return tree


def postgres_processes() -> list[int]:
    return [pid for pid, _, name in _processes() if name == "postgres"]


def load(clients: int, seconds: float, request: Callable[[httpx.Client, int], None], base: str, token: str) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            mine: list[float] = []
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                request(http, number)
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - started), sorted(latencies)


def measure(backend: str, seconds: float, clients: int, workers: int) -> list[list[Any]]:
    with fresh_ledger(backend) as (ledger, settings, workdir):
        token = principal_store(ledger, settings).add("bench", "baotou-kundulun", {Role.STAFF})[1]
        port = free_port()
        env = {**os.environ, "TONGBAN_DATA_DIR": str(workdir), "TONGBAN_KEYSTORE": str(settings.keys), "TONGBAN_KEY_PASSPHRASE": "bench"}
        server = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--db", settings.db_url, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            counters = [0] * clients
            case_ids: list[str] = []

            def command(http: httpx.Client, n: int) -> None:
                counters[n] += 1
                response = http.post("/cases", json={**APPLICATION, "applicant": {"applicant_id": f"p{n}-{counters[n]}", "name": "张三"}})
                assert response.status_code == 201, response.text
                case_ids.append(response.json()["case_id"])

            def read(http: httpx.Client, n: int) -> None:
                assert http.get(f"/cases/{case_ids[n % len(case_ids)]}").status_code == 200

            def trivial(http: httpx.Client, n: int) -> None:
                assert http.get("/health").status_code == 200

            measured, server_pids, database_pids = [], process_tree(server.pid), postgres_processes() if backend == "postgres" else []
            for name, request in (("trivial GET /health", trivial), ("command POST /cases", command), ("read GET /cases/{id}", read)):
                before = cpu_seconds(server_pids), cpu_seconds(database_pids), time.process_time()
                rate, latencies = load(clients, seconds, request, base, token)
                used = [
                    (after - start) * 1000 / len(latencies)
                    for start, after in zip(
                        before, (cpu_seconds(server_pids), cpu_seconds(database_pids), time.process_time()), strict=True
                    )
                ]
                measured.append((name, rate, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000, used))
            trivial_rate = measured[0][1]
            return [[backend, workers, name, rate, p50, p99, rate / trivial_rate, *used] for name, rate, p50, p99, used in measured]
        finally:
            server.terminate()
            server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    rows = [
        row
        for backend in backends(args.backend)
        for workers in args.workers
        for row in measure(backend, args.seconds, args.clients, workers)
    ]
    print(table(["backend", "workers", "request", "req/s", "p50 ms", "p99 ms", "vs trivial"], [row[:7] for row in rows]))
    cores = os.cpu_count() or 1
    print(f"\nCPU a request took, and the rate {cores} cores would allow at that cost:")
    cpu_rows = [[*row[:4], *row[7:], cores * 1000 / sum(row[7:]), row[3] / (cores * 1000 / sum(row[7:]))] for row in rows]
    print(
        table(["backend", "workers", "request", "req/s", "server ms", "postgres ms", "clients ms", "ceiling req/s", "vs ceiling"], cpu_rows)
    )


if __name__ == "__main__":
    main()
