"""The global log on real SQLite and real PostgreSQL: checkpoints, proofs, audit bundles, tamper trials,
append-only tables and erasure — what an auditor relies on when the operator cannot be trusted."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.actor import SHANGHAI, Actor
from domain.closing_commands import Archive
from domain.errors import DomainError
from domain.policy.baotou import BUREAU_ID
from domain.vocabulary import Role
from infrastructure import formats
from infrastructure.append_only import app_url
from infrastructure.audit import check_extends, export_bundle, newest_valid_checkpoint, read_checkpoint, records_beside_log
from infrastructure.bootstrap import build_ledger, build_transparency_log, principal_store
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.merkle import leaf_hash
from infrastructure.network_setup import rotate_key
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from infrastructure.verification import verify_ledger
from projections.registry import build_read_models
from tests.raw_store import RawStore
from tests.walkthrough import APPLICANT, POOL, RECEIVED_AT, WHOLE_CASE_RECORDS, receive, staff, walk_whole_case
from verifier import audit_verifier
from verifier.audit_verifier import verify_bundle, verify_inclusion
from verifier.consistency_proofs import verify_consistency

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
BUREAU = Actor(BUREAU_ID, "王科长", Role.BUREAU)


def three_cases(ledger: CaseLedger) -> list[UUID]:
    return [walk_whole_case(ledger) for _ in range(3)]


def root_key(ledger: CaseLedger) -> bytes:
    return bytes.fromhex(ledger.keystore.root_public_key_hex())


# --------------------------------------------------------------------------- checkpoints and proofs
def test_a_checkpoint_is_a_signed_note_of_the_whole_log_under_the_key_the_root_certified(ledger: CaseLedger, log: TransparencyLog) -> None:
    three_cases(ledger)
    records = list(ledger.all_records())

    note = log.checkpoint(NOW)

    origin, size, _root, time, heads = note.split("\n\n")[0].splitlines()
    assert (origin, int(size), time) == ("tongban.legal-aid/baotou", len(records), "time 2026-11-23T10:00:00+08:00")
    assert heads.startswith(f"case-heads/v2 {3 + 1 + len(POOL)} ")  # three cases, the network and the pool's lawyers
    assert note.split("\n\n")[1].startswith("\u2014 tongban.legal-aid/baotou ")
    checkpoint = read_checkpoint(ledger, note)
    assert checkpoint.root == log.root(len(records))
    with pytest.raises(DomainError) as forged:
        read_checkpoint(ledger, note.replace(f"\n{size}\n", f"\n{int(size) - 1}\n"))
    assert forged.value.code == "BAD_CHECKPOINT"


def test_every_record_has_an_inclusion_proof_and_each_checkpoint_is_proven_to_extend_the_last(
    ledger: CaseLedger, log: TransparencyLog
) -> None:
    walk_whole_case(ledger)
    first = read_checkpoint(ledger, log.checkpoint(NOW))
    three_cases(ledger)
    second = read_checkpoint(ledger, log.checkpoint(NOW + timedelta(minutes=5)))

    for position, n in enumerate(ledger.all_records()):
        digest = leaf_hash(hashlib.sha256(n.state).digest())
        assert verify_inclusion(digest, position, second.size, log.inclusion_proof(position, second.size), second.root)
    assert verify_consistency(first.size, second.size, first.root, second.root, log.consistency_proof(first.size, second.size))
    assert [read_checkpoint(ledger, note).size for note in log.checkpoints()] == [first.size, second.size]


def test_the_log_takes_records_in_commit_order_whatever_gaps_the_ids_have(ledger: CaseLedger, log: TransparencyLog) -> None:
    case_id = receive(ledger)
    with pytest.raises(DomainError):  # a refused command: nothing recorded, and on PostgreSQL maybe an id used up
        ledger.act(case_id, Archive(archive_number="x"), staff("baotou-qingshan"), RECEIVED_AT)
    walk_whole_case(ledger)

    log.integrate()

    logged = list(log.logged())
    assert [r.leaf_index for r in logged] == list(range(len(logged)))
    assert [r.notification_id for r in logged] == [n.id for n in ledger.all_records()]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_log_goes_on_past_gaps_in_the_ids_wider_than_what_it_reads_at_a_time_and_hashes_each_record_as_stored(
    ledger: CaseLedger, log: TransparencyLog, raw: RawStore
) -> None:
    for _ in range(3):  # ids used up by rolled-back transactions, a thousand at a time
        receive(ledger)
        raw.conn.execute("SELECT setval(s, nextval(s) + 1000) FROM pg_get_serial_sequence('tongban_events', 'notification_id') AS s")

    log.integrate(batch=5)

    logged, stored = list(log.logged()), list(ledger.all_records())
    assert [r.notification_id for r in logged] == [n.id for n in stored] and stored[-1].id > 2_000  # two gaps before the last
    assert [r.record_hash for r in logged] == [hashlib.sha256(n.state).digest() for n in stored]  # hashed by the server


# --------------------------------------------------------------------------- tamper trials
def flip_a_byte(raw: RawStore, cases: list[UUID]) -> None:
    stored = raw.state(cases[1], 3)
    raw.set_state(cases[1], 3, stored.replace(b"baotou", b"baotoU", 1))


def test_a_tail_cut_off_or_a_case_deleted_passes_per_case_chains_but_not_the_log(
    ledger: CaseLedger, log: TransparencyLog, raw: RawStore
) -> None:
    cases = three_cases(ledger)
    saved = log.checkpoint(NOW)

    raw.cut_off(cases[2], 11)
    raw.delete_case(cases[1])

    report = verify_ledger(ledger)
    assert report.ok  # every remaining record is signed and chained: only the log can tell
    problems = check_extends(ledger, log, saved).problems
    assert sum(f"case {cases[1]} version" in p and "removed" in p for p in problems) == WHOLE_CASE_RECORDS
    assert any(f"case {cases[2]} version 12" in p and "removed" in p for p in problems)


def test_an_operator_who_rewrites_a_record_and_rebuilds_the_whole_log_is_still_caught(
    ledger: CaseLedger, log: TransparencyLog, raw: RawStore
) -> None:
    cases = three_cases(ledger)
    saved = log.checkpoint(NOW)
    flip_a_byte(raw, cases)
    for table in ("tongban_log_leaves", "tongban_log_nodes"):
        raw.execute(f"DELETE FROM {table}")

    log.integrate()  # the tree, rebuilt from the altered records, agrees with them

    problems = check_extends(ledger, log, saved).problems
    assert any("does not extend the checkpoint" in p for p in problems)
    assert records_beside_log(ledger, log, None)[1] == []  # nothing inside the database shows it


# --------------------------------------------------------------------------- audit bundles
def test_a_bundle_verifies_with_only_the_root_key(ledger: CaseLedger, log: TransparencyLog) -> None:
    cases = three_cases(ledger)
    report = verify_bundle(export_bundle(ledger, log, cases[1], NOW), root_key(ledger))
    assert report.ok, report.render()
    assert f"commits to version {WHOLE_CASE_RECORDS} as this case's last record" in report.render()


# The standalone script checks signatures with PyNaCl where it is installed, with `cryptography` where it is not.
BLOCK_PYNACL = "import runpy, sys; sys.modules['nacl'] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


@pytest.mark.parametrize("library", ["libsodium (PyNaCl)", "cryptography"])
def test_the_standalone_script_verifies_a_bundle_and_refuses_an_altered_one_with_either_library(
    ledger: CaseLedger, log: TransparencyLog, tmp_path: Path, library: str
) -> None:
    bundle = export_bundle(ledger, log, three_cases(ledger)[1], NOW)
    elsewhere = tmp_path / "auditor"  # no database, no project code: the script and the bundle
    elsewhere.mkdir()
    script = elsewhere / "audit_verifier.py"
    script.write_bytes(Path(audit_verifier.__file__).read_bytes())
    altered = copy.deepcopy(bundle)
    record = altered["records"][-1]["record"]
    at = record.index('"signature":"') + len('"signature":"')  # one character of the signature changed
    altered["records"][-1]["record"] = record[:at] + ("B" if record[at] == "A" else "A") + record[at + 1 :]

    def run(which: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        (elsewhere / "bundle.json").write_text(json.dumps(which, ensure_ascii=False), encoding="utf-8")
        start = (
            [sys.executable, "-I", str(script)] if library != "cryptography" else [sys.executable, "-I", "-c", BLOCK_PYNACL, str(script)]
        )
        command = [*start, "bundle.json", "--root-key", ledger.keystore.root_public_key_hex()]
        return subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, check=False)

    good, bad = run(bundle), run(altered)

    assert good.returncode == 0, good.stdout + good.stderr
    assert f"(Ed25519: {library})" in good.stdout and "核验通过 VERIFIED" in good.stdout
    assert "ApplicationReceived" in good.stdout and "CaseArchived" in good.stdout
    assert bad.returncode == 1 and "signature does not verify" in bad.stdout and "核验不通过 NOT VERIFIED" in bad.stdout


def _dropped_last_network_record(bundle: dict[str, Any]) -> None:
    """A revocation or certification at the end of the network stream left out (no gap shows it)."""
    bundle["records"].remove([r for r in bundle["records"] if r["stream"] == bundle["network_id"]][-1])


def test_a_revocation_dropped_from_the_end_of_the_bundles_network_stream_is_detected(ledger: CaseLedger, log: TransparencyLog) -> None:
    case_id = walk_whole_case(ledger)
    rotate_key(ledger, "baotou-donghe", NOW)  # the network's last record is now a revocation
    bundle = export_bundle(ledger, log, case_id, NOW + timedelta(minutes=1))
    assert json.loads([r for r in bundle["records"] if r["stream"] == bundle["network_id"]][-1]["record"])["body"]["type"] == (
        "Network.KeyRevoked"
    )
    assert verify_bundle(bundle, root_key(ledger)).ok

    _dropped_last_network_record(bundle)  # nothing else changed: no gap, every remaining proof holds

    report = verify_bundle(bundle, root_key(ledger))
    assert not report.ok
    failed = [f.text for f in report.findings if not f.ok]
    assert failed == [next(w for w in failed if "the network's last record" in w)], failed


def test_a_bundle_checked_against_another_root_key_fails(ledger: CaseLedger, log: TransparencyLog) -> None:
    case_id = walk_whole_case(ledger)
    bundle = export_bundle(ledger, log, case_id, NOW)

    assert not verify_bundle(bundle, bytes(32)).ok


# --------------------------------------------------------------------------- append-only storage
def test_the_event_and_log_tables_refuse_update_and_delete(ledger: CaseLedger, log: TransparencyLog, database_url: str) -> None:
    walk_whole_case(ledger)
    log.checkpoint(NOW)
    database = Database(database_url)
    conn: Any = database.connect_postgres() if database.is_postgres else database.connect_sqlite()
    events = "tongban_events" if database.is_postgres else "stored_events"
    before = [n.state for n in ledger.all_records()]
    errors = (psycopg.Error,) if database.is_postgres else (sqlite3.Error,)

    statements = [
        f"UPDATE {events} SET topic = 'x'",
        f"DELETE FROM {events}",
        "DELETE FROM tongban_log_nodes",
        "UPDATE tongban_log_leaves SET record_hash = record_hash",
        "DELETE FROM tongban_log_checkpoints",
    ]
    if database.is_postgres:
        statements += [f"TRUNCATE {events}", "TRUNCATE tongban_log_leaves"]
    for statement in statements:
        with pytest.raises(errors, match="append-only"):
            conn.execute(statement)
    conn.close()
    assert [n.state for n in ledger.all_records()] == before
    assert check_extends(ledger, log, log.checkpoints()[-1]).ok


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_application_role_may_only_insert_and_select_yet_does_all_its_work(
    ledger: CaseLedger, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    as_app = app_url(Database(database_url))
    app_settings = Settings(data_dir=tmp_path, db_url=as_app, keystore_dir=settings.keys, key_passphrase=settings.key_passphrase)
    app_ledger = build_ledger(app_settings)
    app_models = build_read_models(app_settings, app_ledger)  # reads the pool's tables, made by the owner
    case_id = walk_whole_case(app_ledger)  # records through the advisory-lock recorder, as tongban_app
    app_log = build_transparency_log(app_ledger, SqlStore(Database(as_app)))
    assert check_extends(app_ledger, app_log, app_log.checkpoint(NOW)).ok
    principal_store(app_ledger, app_settings).add("审计员", BUREAU_ID, {Role.AUDITOR})

    conn = Database(as_app).connect_postgres()
    for statement in (
        "UPDATE tongban_events SET topic = 'x'",
        "DELETE FROM tongban_events",
        "TRUNCATE tongban_events",
        "DELETE FROM tongban_log_nodes",
        "UPDATE tongban_log_checkpoints SET note = ''",
        "DELETE FROM tongban_personal_data_keys",
        "UPDATE tongban_personal_data_keys SET wrapped_key = ''",
        "DELETE FROM tongban_idempotency",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute(statement)
    conn.close()
    assert app_ledger.get_case(case_id).version == WHOLE_CASE_RECORDS
    # Its one way to destroy a data key: the privileged function, after the signed erasure.
    assert app_ledger.erase_personal_data(BUREAU, NOW, APPLICANT["applicant_id"], "请求删除") == [case_id]
    assert app_ledger.vault.retired(APPLICANT["applicant_id"])
    app_log.store.close()
    app_models.close()  # and the ledger with it


@pytest.mark.parametrize(
    "forged",
    [
        "tongban.legal-aid/baotou\n999999999\nAAAA\n\n\u2014 tongban.legal-aid/baotou AAAAAAAA\n",  # a larger tree, no real signature
        "garbage",
    ],
)
def test_a_checkpoint_row_written_by_an_intruder_is_reported_and_skipped(
    ledger: CaseLedger, log: TransparencyLog, database_url: str, forged: str
) -> None:
    case_id = walk_whole_case(ledger)
    genuine = read_checkpoint(ledger, log.checkpoint(NOW))
    store = SqlStore(Database(database_url))  # the insert-only application role may do just this
    store.execute("INSERT INTO tongban_log_checkpoints (tree_size, signed_at, note) VALUES (?, ?, ?)", (10**9, NOW.isoformat(), forged))
    store.close()

    newest, problems = newest_valid_checkpoint(ledger, log)

    assert newest is not None and newest[1] == genuine  # the newest VALID one, not the largest stored
    assert len(problems) == 1 and "does not verify" in problems[0]
    bundle = export_bundle(ledger, log, case_id, NOW)  # exports still work
    assert verify_bundle(bundle, bytes.fromhex(ledger.keystore.root_public_key_hex())).ok


def test_the_log_key_printed_for_witnesses_verifies_the_checkpoint_as_the_signed_note_spec_says(
    ledger: CaseLedger, log: TransparencyLog, settings: Settings
) -> None:
    """Checked from the C2SP signed-note rules alone: <name>+<hex key id>+<base64(0x01 || key)>, and each
    signature line '— <name> <base64(key id || Ed25519 signature over the text)>'."""
    from click.testing import CliRunner
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from api.cli import main

    walk_whole_case(ledger)
    note = log.checkpoint(NOW)
    env = {
        "TONGBAN_DATA_DIR": str(settings.data_dir),
        "TONGBAN_KEYSTORE": str(settings.keys),
        "TONGBAN_KEY_PASSPHRASE": settings.key_passphrase,
    }
    printed = CliRunner(env=env).invoke(main, ["log", "key", "--db", settings.db_url])
    assert printed.exit_code == 0, printed.output

    name, key_id, encoded = printed.output.strip().split("+", 2)  # the key's base64 may itself hold a "+"
    raw = base64.b64decode(encoded)
    assert raw[0] == 1 and len(raw) == 33 and key_id == hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex()
    text, _, signatures = note.partition("\n\n")
    line = next(s for s in signatures.splitlines() if s.startswith(f"\u2014 {name} "))
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert blob[:4].hex() == key_id
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[4:], (text + "\n").encode())  # raises if it does not verify


def test_an_audit_check_writes_nothing_and_names_missing_log_nodes(ledger: CaseLedger, log: TransparencyLog, raw: RawStore) -> None:
    walk_whole_case(ledger)
    saved = log.checkpoint(NOW)
    walk_whole_case(ledger)  # committed, not yet integrated into the log
    size_before = log.size()

    assert check_extends(ledger, log, saved).ok
    assert log.size() == size_before  # the auditor's check did not integrate (write) anything

    raw.execute("DELETE FROM tongban_log_nodes")
    check = check_extends(ledger, log, log.checkpoints()[-1])
    assert not check.ok
    assert any("lacks nodes" in p for p in check.problems), check.problems


@pytest.mark.parametrize("open_checkpoint", [formats.open_checkpoint, audit_verifier.open_checkpoint], ids=["ledger", "verifier"])
def test_a_checkpoint_counts_only_a_signature_by_its_own_origins_key(
    ledger: CaseLedger, log: TransparencyLog, open_checkpoint: Callable[..., tuple[object, str]]
) -> None:
    """A log key certified for another origin, or a witness's key, does not make a checkpoint this log's."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from infrastructure.keystore import public_hex
    from infrastructure.transparency_log import LogSigner

    walk_whole_case(ledger)
    text = log.checkpoint(NOW).partition("\n\n")[0] + "\n"
    other = Ed25519PrivateKey.generate()
    signed_by_other = LogSigner("tongban.legal-aid/elsewhere", other).sign(text)
    keys = {"tongban.legal-aid/baotou": [b"\x00" * 32], "tongban.legal-aid/elsewhere": [bytes.fromhex(public_hex(other))]}

    checkpoint, why = open_checkpoint(signed_by_other, keys)

    assert checkpoint is None
    assert why == "no signature by a log key certified by the root key"
