"""Tampering by someone with write access to the database, or to a bundle on its way to an auditor, one
row per trial, on real SQLite and real PostgreSQL. Each row says what the three tools an auditor runs
must report: `tongban verify` (everything in the database), `tongban audit check --since` (against the
checkpoint the auditor saved earlier) and `tongban audit verify` (a case's bundle, checked with only the
root key). A tool a trial does not touch must still pass; one it touches exits 1 and names the record
or row, and none ever shows a traceback. An untouched ledger passes all three.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from domain.actor import SHANGHAI
from domain.errors import DomainError
from domain.policy.baotou import BUREAU_ID
from domain.vocabulary import Role
from infrastructure.audit import export_bundle
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.network_setup import rotate_key
from infrastructure.principals import PrincipalStore
from infrastructure.records import encode_record
from infrastructure.transparency_log import LogSigner, TransparencyLog
from tests.raw_store import RawStore
from tests.walkthrough import APPLICANT, walk_whole_case

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@dataclass
class Scene:
    """Two whole cases, a principal issued, a key rotated and the principal revoked (so the network
    stream ends in a revocation); the auditor saved a checkpoint and was sent the first case's bundle."""

    ledger: CaseLedger
    log: TransparencyLog
    raw: RawStore
    principals: PrincipalStore
    cases: list[UUID]
    network: UUID
    network_head: int
    bundle: dict[str, Any]
    directory: Path
    revoked_token: str

    def network_record(self, version: int) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.raw.state(self.network, version))["body"]
        return body


@pytest.fixture
def scene(ledger: CaseLedger, log: TransparencyLog, raw: RawStore, settings: Settings, tmp_path: Path) -> Scene:
    cases = [walk_whole_case(ledger), walk_whole_case(ledger)]
    principals = principal_store(ledger, settings, log=log)
    issued, token = principals.add("审计员李明", BUREAU_ID, {Role.AUDITOR})
    rotate_key(ledger, "baotou-donghe", NOW)
    principals.revoke(issued.principal_id)
    (tmp_path / "saved.checkpoint").write_text(log.checkpoint(NOW + timedelta(minutes=1)), encoding="utf-8")
    bundle = export_bundle(ledger, log, cases[0], NOW + timedelta(minutes=1))
    head = ledger.network().version
    return Scene(ledger, log, raw, principals, cases, ledger.network_id, head, bundle, tmp_path, token)


# --------------------------------------------------------------------------- the trials
def flip_a_byte_of_a_case_record(s: Scene) -> None:
    s.raw.set_state(s.cases[0], 3, s.raw.state(s.cases[0], 3).replace(b"baotou", b"baotoU", 1))


def delete_a_case_record_in_the_middle(s: Scene) -> None:
    s.raw.delete(s.cases[0], 5)


def cut_off_a_cases_last_records(s: Scene) -> None:
    s.raw.cut_off(s.cases[0], 12)


def delete_a_whole_case(s: Scene) -> None:
    s.raw.delete_case(s.cases[0])


def swap_two_records_contents(s: Scene) -> None:
    first, second = s.raw.state(s.cases[0], 2), s.raw.state(s.cases[1], 2)
    s.raw.set_state(s.cases[0], 2, second)
    s.raw.set_state(s.cases[1], 2, first)


def reorder_two_records(s: Scene) -> None:
    s.raw.swap_commit_order((s.cases[0], 4), (s.cases[1], 4))


def delete_a_network_record_in_the_middle(s: Scene) -> None:
    s.raw.delete(s.network, 3)


def drop_the_last_revocation_of_a_principal(s: Scene) -> None:
    assert s.network_record(s.network_head)["type"] == "Network.PrincipalRevoked"
    s.raw.delete(s.network, s.network_head)


def mint_a_principal_signed_with_the_bureaus_own_key(s: Scene) -> None:
    """A principal of one's own, chained correctly, signed with a real key, just not the root's."""
    last = s.raw.state(s.network, s.network_head)
    genuine = next(v for v in range(s.network_head, 0, -1) if s.network_record(v)["type"] == "Network.PrincipalIssued")
    body = {
        **s.network_record(genuine),
        "version": s.network_head + 1,
        "prev": hashlib.sha256(last).hexdigest(),
    }
    body["payload"] = {**body["payload"], "principal_id": "intruder0001", "token_digest": "ab" * 32}
    bureau_key = s.ledger.network().active_key_id(BUREAU_ID)
    assert bureau_key is not None
    forged = encode_record(body, bureau_key, s.ledger.keystore.signing_key(bureau_key))
    s.raw.insert(s.network, s.network_head + 1, s.raw.topic(s.network, genuine), forged)


def delete_a_data_key(s: Scene) -> None:
    s.raw.conn.execute(f"DELETE FROM tongban_personal_data_keys WHERE applicant_id = {s.raw.p}", (APPLICANT["applicant_id"],))


def swap_a_data_key_for_anothers(s: Scene) -> None:
    with s.ledger.vault.keys_for(["applicant-0099"]):  # a genuine key, wrapped for someone else
        pass
    s.raw.conn.execute(
        "UPDATE tongban_personal_data_keys SET wrapped_key = "
        f"(SELECT wrapped_key FROM tongban_personal_data_keys WHERE applicant_id = {s.raw.p}) WHERE applicant_id = {s.raw.p}",
        ("applicant-0099", APPLICANT["applicant_id"]),
    )


def insert_a_forged_checkpoint(s: Scene) -> None:
    s.raw.conn.execute(
        f"INSERT INTO tongban_log_checkpoints (tree_size, signed_at, note) VALUES ({s.raw.p}, {s.raw.p}, {s.raw.p})",
        (10**9, NOW.isoformat(), "tongban.legal-aid/baotou\n1000000000\nAAAA\n\n— forged AAAA\n"),
    )


def delete_every_checkpoint(s: Scene) -> None:
    s.raw.execute("DELETE FROM tongban_log_checkpoints")


def delete_log_nodes(s: Scene) -> None:
    s.raw.execute("DELETE FROM tongban_log_nodes WHERE level >= 1")  # whatever the tree's size, its root needs some


def alter_a_log_node(s: Scene) -> None:
    s.raw.conn.execute(f"UPDATE tongban_log_nodes SET hash = {s.raw.p} WHERE level >= 2", (b"\x00" * 32,))


def alter_a_stored_case_head(s: Scene) -> None:
    """The stored case-head tree is a cache the next checkpoint is folded from: a case's row set back a version."""
    s.raw.conn.execute(f"UPDATE tongban_case_heads SET version = version - 1 WHERE stream_id = {s.raw.p}", (str(s.cases[1]),))


def alter_a_stored_case_head_node(s: Scene) -> None:
    """The first stored node of the tree (its first leaf's hash) zeroed, in its tile of 16."""
    tile = s.raw.conn.execute("SELECT hashes FROM tongban_case_head_tiles WHERE level = 0 AND idx = 0").fetchone()[0]
    s.raw.conn.execute(
        f"UPDATE tongban_case_head_tiles SET hashes = {s.raw.p} WHERE level = 0 AND idx = 0", (b"\x00" * 32 + bytes(tile)[32:],)
    )


def delete_stored_case_head_nodes(s: Scene) -> None:
    s.raw.execute("DELETE FROM tongban_case_head_tiles WHERE level = 0 AND idx = 0")


def sign_a_checkpoint_over_other_case_heads(s: Scene) -> None:
    """The operator holds the log key: it signs, as the newest checkpoint, the log's true root beside case heads of its choosing."""
    ((origin, keys),) = s.ledger.verified_network().log_keys.items()
    saved = (s.directory / "saved.checkpoint").read_text(encoding="utf-8").partition("\n\n")[0].split("\n")
    count = next(line for line in saved if line.startswith("case-heads/v2 ")).split(" ")[1]
    text = "".join(
        (f"case-heads/v2 {count} {'A' * 43}=" if line.startswith("case-heads/v2 ") else line.replace("10:01:00", "10:02:00")) + "\n"
        for line in saved
    )
    note = LogSigner(origin, s.ledger.keystore.signing_key(keys[-1][0])).sign(text)
    s.raw.conn.execute(
        f"INSERT INTO tongban_log_checkpoints (tree_size, signed_at, note) VALUES ({s.raw.p}, {s.raw.p}, {s.raw.p})",
        (int(saved[1]), (NOW + timedelta(minutes=2)).isoformat(), note),
    )


def delete_the_last_log_leaves(s: Scene) -> None:
    (size,) = s.raw.conn.execute("SELECT COUNT(*) FROM tongban_log_leaves").fetchone()
    s.raw.conn.execute(f"DELETE FROM tongban_log_leaves WHERE leaf_index >= {s.raw.p}", (size - 3,))


def alter_a_log_leaf(s: Scene) -> None:
    s.raw.conn.execute(f"UPDATE tongban_log_leaves SET record_hash = {s.raw.p} WHERE leaf_index = 7", (b"\x01" * 32,))


def bundle_without_its_case_head_proof_and_last_records(s: Scene) -> None:
    for record in [r for r in s.bundle["records"] if r["stream"] == s.bundle["case_id"]][-2:]:
        s.bundle["records"].remove(record)
    del s.bundle["case_head"]


def bundle_without_the_network_revocation(s: Scene) -> None:
    s.bundle["records"].remove([r for r in s.bundle["records"] if r["stream"] == s.bundle["network_id"]][-1])
    del s.bundle["network_head"]


def bundle_with_an_altered_record(s: Scene) -> None:
    entry = [r for r in s.bundle["records"] if r["stream"] == s.bundle["case_id"]][2]
    entry["record"] = entry["record"].replace("baotou", "baotoU", 1)


def bundle_without_a_middle_record(s: Scene) -> None:
    s.bundle["records"].remove([r for r in s.bundle["records"] if r["stream"] == s.bundle["case_id"]][4])


def bundle_without_its_last_record(s: Scene) -> None:
    s.bundle["records"].remove([r for r in s.bundle["records"] if r["stream"] == s.bundle["case_id"]][-1])


def bundle_with_a_forged_key_certification(s: Scene) -> None:
    network = [r for r in s.bundle["records"] if r["stream"] == s.bundle["network_id"]]
    certification = next(r for r in network if '"public_key_hex":"' in r["record"])
    certification["record"] = certification["record"].replace('"public_key_hex":"', '"public_key_hex":"ff', 1)


def bundle_with_an_altered_checkpoint(s: Scene) -> None:
    lines = s.bundle["checkpoint"].split("\n")
    lines[1] = str(int(lines[1]) + 1)
    s.bundle["checkpoint"] = "\n".join(lines)


def bundle_with_a_checkpoint_re_signed_without_case_heads(s: Scene) -> None:
    """The operator holds the log key: it re-signs the checkpoint without the line that claims completeness."""
    ((origin, keys),) = s.ledger.verified_network().log_keys.items()
    text = "".join(line + "\n" for line in s.bundle["checkpoint"].partition("\n\n")[0].split("\n") if not line.startswith("case-heads"))
    s.bundle["checkpoint"] = LogSigner(origin, s.ledger.keystore.signing_key(keys[-1][0])).sign(text)
    del s.bundle["case_head"], s.bundle["network_head"]


def bundle_with_a_wrong_proof(s: Scene) -> None:
    next(r for r in s.bundle["records"] if r["stream"] == s.bundle["case_id"])["proof"][0] = "00" * 32


@dataclass(frozen=True)
class Trial:
    tamper: Callable[[Scene], None]
    verify: str | None  # what `tongban verify` must name (None: it still passes)
    check: str | None  # what `tongban audit check --since` must name
    bundle: str | None  # what exporting the first case's bundle and `tongban audit verify` must name


TRIALS = {
    # the records
    "case record, one byte flipped": Trial(flip_a_byte_of_a_case_record, "case {case} version 3", "reproduce the root", "NOT VERIFIED"),
    "case record deleted in the middle": Trial(delete_a_case_record_in_the_middle, "case {case} version 6", "reproduce", "NOT VERIFIED"),
    "case's last records cut off": Trial(cut_off_a_cases_last_records, "case {case} version 12", "case {case} version 12", "NOT VERIFIED"),
    "two records' contents swapped": Trial(swap_two_records_contents, "case {case} version 2", "reproduce the root", "NOT VERIFIED"),
    "two records' commit order exchanged": Trial(reorder_two_records, "case {case} version 4 (log position", "reproduce", None),
    "whole case deleted": Trial(delete_a_whole_case, "case {case} version 1", "case {case} version 1", "CASE_NOT_FOUND"),
    # the network stream: institutions, keys, principals
    "network record deleted in the middle": Trial(
        delete_a_network_record_in_the_middle, "case {network} version 4", "version 3 is missing", "NETWORK_STREAM_BROKEN"
    ),
    "principal's revocation dropped from the end": Trial(
        drop_the_last_revocation_of_a_principal, "case {network} version {head}", "case {network} version {head}", "NOT VERIFIED"
    ),
    "principal minted with the bureau's key": Trial(
        mint_a_principal_signed_with_the_bureaus_own_key, "case {network} version {next}", None, "NETWORK_STREAM_BROKEN"
    ),
    # beside the records: applicants' data keys
    "data key deleted without an erasure": Trial(delete_a_data_key, "data key missing, yet no signed erasure record", None, None),
    "data key swapped for another applicant's": Trial(swap_a_data_key_for_anothers, "swapped or altered", None, None),
    # the log's own tables
    "forged checkpoint row": Trial(insert_a_forged_checkpoint, "does not verify, ignored", None, None),
    "every checkpoint deleted": Trial(delete_every_checkpoint, None, None, None),  # no record changed: see below
    "log nodes deleted": Trial(delete_log_nodes, "log nodes missing", "lacks nodes", "LOG_DAMAGED"),
    "log node altered": Trial(alter_a_log_node, "log nodes altered", "rewritten", "NOT VERIFIED"),
    "last log leaves deleted": Trial(delete_the_last_log_leaves, "fewer leaves than its newest checkpoint", "fewer records", "LOG_DAMAGED"),
    "log leaf altered": Trial(alter_a_log_leaf, "log position 7", "log position 7", "NOT VERIFIED"),
    "stored case head set back": Trial(alter_a_stored_case_head, "stored case-head tree", "stored case-head tree", "NOT VERIFIED"),
    "stored case-head node altered": Trial(alter_a_stored_case_head_node, "stored case-head tree", "stored case-head tree", "NOT VERIFIED"),
    "stored case-head nodes deleted": Trial(delete_stored_case_head_nodes, "lacks", "lacks", "LOG_DAMAGED"),
    "checkpoint signed over other case heads": Trial(
        sign_a_checkpoint_over_other_case_heads, "case-head tree of the checkpoint", None, "NOT"
    ),
    # a bundle on its way to the auditor
    "bundle: last records and case-head proof dropped": Trial(bundle_without_its_case_head_proof_and_last_records, None, None, "NOT"),
    "bundle: network revocation and head proof dropped": Trial(bundle_without_the_network_revocation, None, None, "NOT VERIFIED"),
    "bundle: record altered": Trial(bundle_with_an_altered_record, None, None, "NOT VERIFIED"),
    "bundle: middle record removed": Trial(bundle_without_a_middle_record, None, None, "NOT VERIFIED"),
    "bundle: last record removed": Trial(bundle_without_its_last_record, None, None, "NOT VERIFIED"),
    "bundle: key certification forged": Trial(bundle_with_a_forged_key_certification, None, None, "NOT VERIFIED"),
    "bundle: checkpoint altered": Trial(bundle_with_an_altered_checkpoint, None, None, "NOT VERIFIED"),
    "bundle: checkpoint re-signed without case heads": Trial(bundle_with_a_checkpoint_re_signed_without_case_heads, None, None, "NOT"),
    "bundle: wrong inclusion proof": Trial(bundle_with_a_wrong_proof, None, None, "NOT VERIFIED"),
}


def run_the_auditors_tools(s: Scene, settings: Settings, tampered_the_bundle: bool) -> dict[str, Result]:
    runner = CliRunner(
        env={
            "TONGBAN_DATA_DIR": str(settings.data_dir),
            "TONGBAN_KEYSTORE": str(settings.keys),
            "TONGBAN_KEY_PASSPHRASE": settings.key_passphrase,
        }
    )

    def tongban(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    db = ["--db", settings.db_url]
    results = {"verify": tongban("verify", *db), "check": tongban("audit", "check", "--since", str(s.directory / "saved.checkpoint"), *db)}
    bundle = s.directory / "bundle.json"
    if tampered_the_bundle:
        bundle.write_text(json.dumps(s.bundle, ensure_ascii=False), encoding="utf-8")
    else:  # what the operator would hand over now
        exported = tongban("audit", "export", str(s.cases[0]), "--out", str(bundle), *db)
        if exported.exit_code != 0:
            results["bundle"] = exported
            return results
    results["bundle"] = tongban("audit", "verify", str(bundle), "--root-key", str(settings.keys / "root.pub"))
    return results


def test_an_untouched_ledger_passes_every_tool(scene: Scene, settings: Settings) -> None:
    results = run_the_auditors_tools(scene, settings, tampered_the_bundle=False)
    for tool, result in results.items():
        assert result.exit_code == 0, (tool, result.output)
    assert "VERIFIED" in results["bundle"].output and "NOT VERIFIED" not in results["bundle"].output


@pytest.mark.parametrize("trial", TRIALS)
def test_each_kind_of_tampering_is_named_by_the_tools_it_touches_and_passes_the_others(
    trial: str, scene: Scene, settings: Settings
) -> None:
    names = {"case": scene.cases[0], "network": scene.network, "head": scene.network_head, "next": scene.network_head + 1}
    TRIALS[trial].tamper(scene)

    results = run_the_auditors_tools(scene, settings, tampered_the_bundle=trial.startswith("bundle"))

    for tool, result in results.items():
        expected = getattr(TRIALS[trial], tool)
        assert "Traceback" not in result.output, (tool, result.output)
        if expected is None:
            assert result.exit_code == 0, (tool, result.output)
        else:
            assert result.exit_code == 1, (tool, result.output)
            assert expected.format(**names) in result.output, (tool, result.output)


def test_a_principal_minted_in_the_database_lets_no_one_in(scene: Scene) -> None:
    mint_a_principal_signed_with_the_bureaus_own_key(scene)

    with pytest.raises(DomainError) as refused:  # fail closed: nobody is authenticated until verify is clean
        scene.principals.authenticate("tb_any-token")
    assert refused.value.code == "NETWORK_STREAM_BROKEN"


def test_a_revocation_cut_off_the_end_of_the_network_stream_lets_no_one_in(scene: Scene) -> None:
    assert scene.principals.authenticate(scene.revoked_token) is None  # revoked
    drop_the_last_revocation_of_a_principal(scene)  # what is left is a shorter stream whose every record verifies

    with pytest.raises(DomainError) as refused:  # but the global log holds the revocation: fail closed
        scene.principals.authenticate(scene.revoked_token)
    assert refused.value.code == "NETWORK_STREAM_BROKEN"
    assert "missing from the end" in refused.value.message


def test_a_ledger_whose_checkpoints_were_all_deleted_says_nothing_here_covers_the_log(scene: Scene, settings: Settings) -> None:
    """No record changed, so nothing fails; but verify says that only a checkpoint kept elsewhere can vouch for the log."""
    delete_every_checkpoint(scene)

    verified = run_the_auditors_tools(scene, settings, tampered_the_bundle=False)["verify"]

    assert "which no valid signed checkpoint covers" in verified.output
