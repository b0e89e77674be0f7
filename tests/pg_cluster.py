"""Throwaway PostgreSQL clusters from the local binaries: a primary, and a hot standby streaming from it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bindir() -> Path | None:
    initdb = sorted(glob("/usr/lib/postgresql/*/bin/initdb")) or ([found] if (found := shutil.which("initdb")) else [])
    return Path(str(initdb[-1])).parent if initdb else None


@dataclass
class Cluster:
    """One running server: its data directory, port and the binaries that run it (as `postgres` when we are root)."""

    bindir: Path
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def as_user() -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # PostgreSQL refuses to run as root

    def run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_user(), str(self.bindir / program), *args], check=True, capture_output=True)

    def start(self) -> Cluster:
        sockets = self.datadir.parent / f"{self.datadir.name}-socket"  # outside the data directory, which a base backup copies
        sockets.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(sockets, "postgres")
        log = str(self.datadir.parent / f"{self.datadir.name}.log")  # the server's output goes there, not to our pipes
        self.run("pg_ctl", "-D", str(self.datadir), "-l", log, "-o", f"-p {self.port} -k {sockets} -h 127.0.0.1", "-w", "start")
        return self

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user(), str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )

    def standby(self) -> Cluster:
        """A hot standby of this server: a base backup streaming the WAL (`pg_basebackup -R`), started on its own port."""
        standby = Cluster(self.bindir, self.datadir.parent / f"{self.datadir.name}-standby", free_port())
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-D", str(standby.datadir), "-R", "-X", "stream"
        )
        return standby.start()


def throwaway_cluster() -> Cluster | None:
    """A private primary started with the local binaries, or None if there are none."""
    bindir = _bindir()
    if bindir is None:
        return None
    home = Path(tempfile.mkdtemp(prefix="tongban-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    cluster = Cluster(bindir, home / "primary", free_port())
    cluster.run("initdb", "-D", str(cluster.datadir), "-A", "trust", "-U", "postgres")
    return cluster.start()
