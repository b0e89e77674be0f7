"""The auditor's commands: `checkpoint`, `audit export|verify|check`, `log inclusion|consistency`, and the
bureau's `erase-personal-data`."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from uuid import UUID

import click

from api.audit_report import audit_report_html, read_and_verify
from api.cli_common import command_ledger, command_ledger_and_log, db_option, echo_json, json_option, now
from domain.actor import Actor
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.audit import check_extends, checkpoint_summary, export_bundle, newest_valid_checkpoint, read_checkpoint
from infrastructure.formats import note_key_id


@click.command()
@db_option
@json_option
def checkpoint(db_url: str, as_json: bool) -> None:
    """Log every new record and sign a checkpoint of the global log (签署全局日志检查点). Save it: it is what
    `audit check --since` proves the log still extends."""
    ledger, log = command_ledger_and_log(db_url)
    note = log.checkpoint(now())
    if as_json:
        echo_json(checkpoint_summary(note, read_checkpoint(ledger, note)))
    else:
        click.echo(note, nl=False)


@click.group()
def audit() -> None:
    """Audit bundles of one case, and proof that the log still extends a saved checkpoint (审计)."""


@audit.command("export")
@click.argument("case_id", type=click.UUID)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the bundle (JSON).")
@db_option
def audit_export(case_id: UUID, out: Path, db_url: str) -> None:
    """Write a case's audit bundle: its records, their inclusion proofs, a checkpoint and the key certifications."""
    ledger, log = command_ledger_and_log(db_url)
    bundle = export_bundle(ledger, log, case_id, now())
    out.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    cases = sum(1 for r in bundle["records"] if r["stream"] == str(case_id))
    click.echo(
        f"wrote {out}: {cases} case records, {len(bundle['records']) - cases} network records, "
        f"checkpoint of {bundle['checkpoint'].splitlines()[1]} records"
    )
    click.echo(f"check it anywhere with: python verifier/audit_verifier.py {out} --root-key {ledger.keystore.root_public_key_hex()}")


@audit.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--root-key", required=True, help="The root public key: 64 hex digits, or a file holding them (keys/root.pub).")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the printable report (审计报告, HTML: checks, the records in words, failures marked).",
)
@json_option
def audit_verify(bundle: Path, root_key: str, html_out: Path | None, as_json: bool) -> None:
    """Check a bundle with nothing but the root public key (no database needed)."""
    key = Path(root_key).read_text().strip() if Path(root_key).is_file() else root_key
    content, report = read_and_verify(bundle.read_bytes(), str(bundle), key)
    if html_out is not None:
        html_out.write_text(audit_report_html(content, report, key.strip(), now()), encoding="utf-8")
    if as_json:
        echo_json({"ok": report.ok, "findings": [vars(f) for f in report.findings]})
    else:
        click.echo(report.render(), nl=False)
    sys.exit(0 if report.ok else 1)


@audit.command("check")
@click.option(
    "--since",
    "since",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint saved earlier (the output of `tongban checkpoint`).",
)
@db_option
@json_option
def audit_check(since: Path, db_url: str, as_json: bool) -> None:
    """Prove that the log extends a saved checkpoint: detects removed cases, cut-off tails and rewritten records."""
    ledger, log = command_ledger_and_log(db_url)
    check = check_extends(ledger, log, since.read_text(encoding="utf-8"))
    old = check.checkpoint
    if as_json:
        echo_json(
            {"ok": check.ok, "checkpoint_size": old.size, "log_size": check.size, "problems": check.problems},
        )
    else:
        for problem in check.problems:
            click.echo(f"BAD  {problem}")
        verdict = (
            "日志延续该检查点 OK: every record logged then is still there, unchanged and in order"
            if check.ok
            else f"{len(check.problems)} problems: the log does not extend the checkpoint"
        )
        click.echo(f"checkpoint of {old.size} records ({old.time}), log now {check.size} records: {verdict}")
    sys.exit(0 if check.ok else 1)


@click.group("log")
def log_group() -> None:
    """Proofs from the global log (全局日志证明)."""


ED25519_ALGORITHM = b"\x01"  # signed-note algorithm byte for Ed25519


@log_group.command("key")
@db_option
def log_key(db_url: str) -> None:
    """The log's public key(s) as signed-note verifier keys (<name>+<key id>+<base64>), for witnesses and
    monitors that follow the checkpoints with standard tools (golang.org/x/mod/sumdb/note)."""
    for origin, keys in command_ledger(db_url).verified_network().log_keys.items():
        for _, public in keys:
            ed25519_key = base64.b64encode(ED25519_ALGORITHM + public).decode()
            click.echo(f"{origin}+{note_key_id(origin, public).hex()}+{ed25519_key}")


@log_group.command("inclusion")
@click.argument("case_id", type=click.UUID)
@click.argument("version", type=int)
@click.option("--size", type=int, default=None, help="Tree size to prove against (default: the latest checkpoint's).")
@db_option
def log_inclusion(case_id: UUID, version: int, size: int | None, db_url: str) -> None:
    """The inclusion proof of one record (RFC 9162), as JSON."""
    ledger, log = command_ledger_and_log(db_url)
    log.integrate()
    newest, _ = newest_valid_checkpoint(ledger, log)
    size = size or (newest[1].size if newest else log.size())
    entry = next((r for r in log.records_of(str(case_id)) if r.version == version and r.leaf_index < size), None)
    if entry is None:
        raise DomainError(
            "RECORD_NOT_LOGGED", f"案件 {case_id} 第 {version} 条记录不在 {size} 条记录的日志树中 (that record is not in a tree of {size})."
        )
    click.echo(
        json.dumps(
            {
                "leaf_index": entry.leaf_index,
                "tree_size": size,
                "record_hash": entry.record_hash.hex(),
                "root_hash": log.root(size).hex(),
                "proof": [h.hex() for h in log.inclusion_proof(entry.leaf_index, size)],
            },
            indent=2,
        )
    )


@log_group.command("consistency")
@click.argument("old_size", type=int)
@click.argument("new_size", type=int)
@db_option
def log_consistency(old_size: int, new_size: int, db_url: str) -> None:
    """The consistency proof between two tree sizes (RFC 9162), as JSON."""
    _, log = command_ledger_and_log(db_url)
    log.integrate()
    if not 0 < old_size <= new_size <= log.size():
        raise DomainError("BAD_TREE_SIZE", f"树大小应满足 0 < old <= new <= {log.size()} (tree sizes out of range).")
    click.echo(
        json.dumps(
            {
                "old_size": old_size,
                "new_size": new_size,
                "old_root": log.root(old_size).hex(),
                "new_root": log.root(new_size).hex(),
                "proof": [h.hex() for h in log.consistency_proof(old_size, new_size)],
            },
            indent=2,
        )
    )


@click.command("erase-personal-data")
@click.argument("applicant_id")
@click.option("--reason", required=True, help="Why, e.g. 申请人依《个人信息保护法》第四十七条请求删除.")
@click.option("--person", default="system", show_default=True, help="Who in the bureau erases.")
@db_option
def erase_personal_data(applicant_id: str, reason: str, person: str, db_url: str) -> None:
    """(Bureau only) Erase an applicant's personal data: a signed erasure on each of their cases, then their
    data key destroyed. Every signature, chain and proof still verifies."""
    ledger = command_ledger(db_url)
    cases = ledger.erase_personal_data(Actor(ledger.policy.bureau_id, person, Role.BUREAU), now(), applicant_id, reason)
    click.echo(f"erased the personal data of {applicant_id} in {len(cases)} case(s): " + ", ".join(str(c) for c in cases))


COMMANDS = (checkpoint, audit, log_group, erase_personal_data)
