"""The mistakes people make at the command line: each ends in one clear line (a stable code, Chinese and
English), a non-zero exit and no traceback, and leaves every file exactly as it was.

Each runs the real `tongban` command in a process of its own, as a person would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.server import ROOT

PASSPHRASE = "cli-mistakes"
UNKNOWN_CASE = "0b6f1b8e-0000-4000-8000-000000000000"
CODE = re.compile(r"\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\b")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def tongban(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "TONGBAN_DATA_DIR": str(data_dir), "TONGBAN_KEY_PASSPHRASE": PASSPHRASE, **(env or {})}
    for name in ("TONGBAN_DB", "TONGBAN_KEYSTORE"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a ledger made by `tongban init` (SQLite) and its keystore."""
    data = tmp_path_factory.mktemp("initialised")
    done = tongban(data, "init")
    assert done.returncode == 0, done.stderr
    return data


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under a directory, with its size and modification time. SQLite's shared-memory index and
    an empty write-ahead log are left by merely opening a database: they hold no data, so they are not counted."""
    files = {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob("*") if p.is_file()}
    return {name: stat for name, stat in files.items() if not name.endswith("-shm") and not (name.endswith("-wal") and stat[0] == 0)}


@dataclass
class Mistake:
    name: str
    args: list[str]
    code: str
    initialised: bool = True
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[Path], None] | None = None


def _corrupt_database(data: Path) -> None:
    (data / "tongban.sqlite3").write_bytes(b"this is not a database " * 200)
    for extra in ("tongban.sqlite3-wal", "tongban.sqlite3-shm"):
        (data / extra).unlink(missing_ok=True)


def _remove_master_key(data: Path) -> None:
    (data / "keys" / "personal-data-master.key").unlink()


def _not_a_bundle(data: Path) -> None:
    (data / "bundle.json").write_text('{"hello": "world"}')


def _binary_statement(data: Path) -> None:
    (data / "statement.csv").write_bytes(bytes(range(256)) * 4)


_LAWYER = ["lawyers", "add", "--name", "张伟", "--firm", "慧丰所", "--address", "幸福路1号", "--phone", "0472-1", "--specialty", "civil"]
_LAWYER += ["--verification", "执业证核验"]
_DUTY = ["duty", "schedule", "--station", "court", "--from", "2026-03-30", "--lawyer", "1" * 17]
_COMPLAINT = ["complaints", "accept", "--bureau", "baotou-bureau", "--number", "包司投〔2026〕1号", "--received-on", "2026-03-02"]
_COMPLAINT += ["--complainant", "recipient", "--respondent-kind", "institution", "--respondent", "baotou-qingshan", "--facts", "态度差"]
_CONSULTATIONS = ["consultations", "record", "--institution", "baotou-qingshan", "--channel", "walk_in", "--topic", "civil"]
MISTAKES = [
    Mistake("verify before init", ["verify"], "NO_LEDGER", initialised=False),
    Mistake("history before init", ["history", UNKNOWN_CASE], "NO_LEDGER", initialised=False),
    Mistake("ledger before init", ["ledger"], "NO_LEDGER", initialised=False),
    Mistake("keys list before init", ["keys", "list"], "NO_LEDGER", initialised=False),
    Mistake("serve before init", ["serve", "--port", "1"], "NO_LEDGER", initialised=False),
    Mistake("a SQLite file that is not a database", ["verify"], "DATABASE_CORRUPT", prepare=_corrupt_database),
    Mistake("a SQLite path where there is none", ["verify", "--db", "sqlite:///nowhere/at/all.sqlite3"], "NO_LEDGER"),
    Mistake("an unreachable PostgreSQL", ["verify", "--db", "postgresql://postgres@127.0.0.1:1/test"], "DATABASE_UNREACHABLE"),
    Mistake("a mysql:// URL", ["verify", "--db", "mysql://root@127.0.0.1/test"], "UNSUPPORTED_DATABASE_URL"),
    Mistake("a wrong passphrase", ["verify"], "WRONG_PASSPHRASE", env={"TONGBAN_KEY_PASSPHRASE": "not-the-passphrase"}),
    Mistake("a missing master key beside an existing ledger", ["verify"], "MISSING_MASTER_KEY", prepare=_remove_master_key),
    Mistake("init again after the master key was lost", ["init"], "MISSING_MASTER_KEY", prepare=_remove_master_key),
    Mistake("a period in the year 9999", ["ledger", "--period", "9999"], "INVALID_PERIOD"),
    Mistake("the register of month 13", ["ledger", "--detail", "--period", "2026-13"], "INVALID_PERIOD"),
    Mistake(
        "the register of an institution not in the network", ["ledger", "--detail", "--institution", "qingshan"], "UNKNOWN_INSTITUTION"
    ),
    Mistake("a period that is no period", ["costs", "--period", "0000"], "INVALID_PERIOD"),
    Mistake("a deadline from the last day of 9999", ["deadline", "DECISION", "--from", "9999-12-31"], "DATE_OUT_OF_RANGE"),
    Mistake(
        "a principal of an institution that does not exist",
        ["principals", "add", "--name", "王芳", "--institution", "baotou-nowhere", "--roles", "staff"],
        "UNKNOWN_INSTITUTION",
    ),
    Mistake(
        "a principal whose name holds a control character",
        ["principals", "add", "--name", "王\x07芳", "--institution", "baotou-kundulun", "--roles", "staff"],
        "INVALID_NAME",
    ),
    Mistake("a worklist of an institution that does not exist", ["worklist", "--institution", "baotou-nowhere"], "UNKNOWN_INSTITUTION"),
    Mistake("statistics of an institution that does not exist", ["stats", "--institution", "baotou-nowhere"], "UNKNOWN_INSTITUTION"),
    Mistake("a city whose policy profile does not exist", ["verify"], "UNKNOWN_POLICY", env={"TONGBAN_POLICY": "nanning"}),
    Mistake("a key rotation for an institution that does not exist", ["keys", "rotate", "baotou-nowhere"], "UNKNOWN_INSTITUTION"),
    Mistake("a demo of minus five cases", ["demo", "--cases", "-5"], "INVALID_OPTION"),
    Mistake("a verify in minus three processes", ["verify", "--processes", "-3"], "INVALID_OPTION"),
    Mistake("a server of no workers", ["serve", "--workers", "0"], "INVALID_OPTION"),
    Mistake("a SQLite ledger read from a replica", ["serve", "--read-db", "postgresql://postgres@127.0.0.1:1/x"], "INVALID_SETTING"),
    Mistake(
        "a bundle that is not a bundle",
        ["audit", "verify", "{data}/bundle.json", "--root-key", "{data}/keys/root.pub"],
        "NOT_A_BUNDLE",
        prepare=_not_a_bundle,
    ),
    Mistake("a case that does not exist", ["history", UNKNOWN_CASE], "CASE_NOT_FOUND"),
    Mistake("a case id that is no id", ["history", "case-42"], "INVALID_OPTION"),
    Mistake(
        "a statement that is not text",
        ["subsidies", "--statement", "{data}/statement.csv"],
        "UNREADABLE_STATEMENT",
        prepare=_binary_statement,
    ),
    Mistake("an unknown command", ["verfy"], "INVALID_OPTION"),
    Mistake("a lawyer whose licence number is short", [*_LAWYER, "--licence", "1150220", "--district", "qingshan"], "INVALID_INPUT"),
    Mistake("a lawyer of a district not in the city", [*_LAWYER, "--licence", "1" * 17, "--district", "hohhot"], "UNKNOWN_DISTRICT"),
    Mistake(
        "suspending a lawyer not in the pool",
        ["lawyers", "status", "1" * 17, "--to", "suspended", "--reason", "投诉"],
        "LAWYER_NOT_ON_ROLL",
    ),
    Mistake(
        "moving a lawyer not in the pool",
        ["lawyers", "move", "1" * 17, "--firm", "北辰所", "--district", "kundulun", "--address", "钢铁大街1号", "--phone", "0472-1"],
        "LAWYER_NOT_ON_ROLL",
    ),
    Mistake(
        "a practice verified without a specialty",
        ["lawyers", "verify", "1" * 17, "--criminal-since", "2019-07-01", "--verification", "核验"],
        "INVALID_OPTION",
    ),
    Mistake("a complaint number no bureau gave", ["complaints", "show", "投〔2026〕1号"], "COMPLAINT_NOT_FOUND"),
    Mistake("complaints of a bureau not in the city", ["complaints", "list", "--bureau", "baotou-nowhere"], "UNKNOWN_INSTITUTION"),
    Mistake("consultations of a day still to come", [*_CONSULTATIONS, "--day", "2099-01-04"], "CONSULTED_IN_FUTURE"),
    Mistake("more told how to apply than consulted", [*_CONSULTATIONS, "--count", "2", "--told", "3"], "MORE_TOLD_THAN_CONSULTED"),
    Mistake("no consultation counted", [*_CONSULTATIONS, "--count", "0"], "INVALID_INPUT"),
    Mistake(
        "consultations of an institution not in the city",
        [*_CONSULTATIONS[:3], "baotou-nowhere", *_CONSULTATIONS[4:]],
        "UNKNOWN_INSTITUTION",
    ),
    Mistake(
        "striking out a line of a month with no register",
        ["consultations", "strike", "--institution", "baotou-qingshan", "--month", "2026-10", "--line", "1", "--reason", "重复"],
        "REGISTER_NOT_FOUND",
    ),
    Mistake(
        "a register's month written the other way round", ["consultations", "register", "baotou-qingshan", "11-2026"], "INVALID_PERIOD"
    ),
    Mistake("a duty roster kept by the bureau", [*_DUTY, "--institution", "baotou-bureau"], "NOT_A_LEGAL_AID_CENTRE"),
    Mistake("a duty lawyer not in the pool", [*_DUTY, "--institution", "baotou-qingshan"], "LAWYER_NOT_ON_ROLL"),
    Mistake("duty across two months", [*_DUTY, "--institution", "baotou-qingshan", "--to", "2026-04-01"], "NOT_THIS_MONTH"),
    Mistake("duty at a police station", ["duty", "list", "--station", "police"], "INVALID_OPTION"),
    Mistake("a roster nobody kept", ["duty", "roster", "baotou-qingshan", "2026-03"], "ROSTER_NOT_FOUND"),
    Mistake("a complaint about a case that is not in the ledger", [*_COMPLAINT, "--case", UNKNOWN_CASE], "CASE_NOT_FOUND"),
    Mistake("a complaint received on no date", [*_COMPLAINT, "--case", UNKNOWN_CASE, "--received-on", "昨天"], "INVALID_OPTION"),
    Mistake(
        "deciding a complaint never accepted",
        ["complaints", "decide", "投〔2026〕1号", "--bureau", "baotou-bureau", "--outcome", "unsubstantiated", "--reply-reference", "R"],
        "COMPLAINT_NOT_FOUND",
    ),
    Mistake("a checkpoint interval that is no number", ["verify"], "INVALID_SETTING", env={"TONGBAN_CHECKPOINT_SECONDS": "abc"}),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_a_mistake_gets_one_clear_line_and_changes_nothing(mistake: Mistake, initialised: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    if mistake.initialised:
        shutil.copytree(initialised, data)
    else:
        data.mkdir()
    if mistake.prepare:
        mistake.prepare(data)
    before, beside_the_code = snapshot(data), _data_beside_the_code()

    result = tongban(data, *(a.replace("{data}", str(data)) for a in mistake.args), env=mistake.env)

    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    assert CODE.search(output) and CODE.search(output)[1] == mistake.code, output  # type: ignore[index]
    assert CHINESE.search(output) and re.search(r"\([A-Za-z]", output), output  # Chinese, and English in brackets
    assert snapshot(data) == before
    assert _data_beside_the_code() == beside_the_code  # nor anything created or changed in the default place


def _data_beside_the_code() -> dict[str, tuple[int, int]] | None:
    return snapshot(ROOT / "data") if (ROOT / "data").is_dir() else None


def test_an_unexpected_failure_is_one_line_naming_the_log_that_holds_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import api.cli

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(api.cli, "build_ledger", broken)  # init's first step fails in a way nothing names
    monkeypatch.setenv("TONGBAN_DATA_DIR", str(tmp_path))

    result = CliRunner().invoke(api.cli.main, ["init"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and line.startswith("tongban: UNEXPECTED_ERROR: ")
    log = tmp_path / "logs" / "tongban-cli.log"
    assert str(log) in line
    assert "RuntimeError: a bug nobody foresaw" in log.read_text() and "Traceback" in log.read_text()


def test_a_mistyped_postgres_schema_is_no_ledger_and_leaves_no_schema_behind(postgres_url: str, tmp_path: Path) -> None:
    schema = f"typo_{uuid.uuid4().hex[:12]}"

    result = tongban(tmp_path, "verify", "--db", f"{postgres_url}?schema={schema}")

    assert result.returncode != 0 and "NO_LEDGER" in result.stderr and "Traceback" not in result.stderr, result.stderr
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None
    assert list(tmp_path.iterdir()) == []
