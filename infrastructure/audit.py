"""What auditors take away and bring back: audit bundles of one case, and the check that the log still
extends a checkpoint they saved earlier (审计包与日志一致性核查)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.errors import DomainError
from infrastructure.formats import BUNDLE_FORMAT, CASE_HEADS, Checkpoint, open_checkpoint
from infrastructure.ledger import CaseLedger
from infrastructure.log_check import check_tree, records_against_checkpoint, scope_of
from infrastructure.network_view import VerifiedNetwork
from infrastructure.transparency_log import LogDamaged, TransparencyLog
from infrastructure.verification import VerificationReport, verify_ledger


def read_checkpoint(ledger: CaseLedger, note: str, network: VerifiedNetwork | None = None) -> Checkpoint:
    network = network or ledger.verified_network()
    checkpoint, why = open_checkpoint(note, network.log_public_keys())
    if checkpoint is None:
        why += "".join(f"; {problem}" for problem in network.problems[:1])  # a broken network stream is often why
        raise DomainError("BAD_CHECKPOINT", f"检查点无效：{why} (the checkpoint does not verify: {why}).")
    return checkpoint


def newest_valid_checkpoint(
    ledger: CaseLedger, log: TransparencyLog, network: VerifiedNetwork | None = None
) -> tuple[tuple[str, Checkpoint] | None, list[str]]:
    """The newest stored checkpoint whose signature verifies under a log key the root certified, and a
    report of every stored one that does not (a row in the checkpoints table is checked, never trusted)."""
    keys = (network or ledger.verified_network()).log_public_keys()  # as far as the network's records verify
    newest: tuple[str, Checkpoint] | None = None
    problems = []
    for number, note in enumerate(log.checkpoints(), start=1):
        checkpoint, why = open_checkpoint(note, keys)
        if checkpoint is None:
            problems.append(f"stored checkpoint #{number} does not verify, ignored: {why} (检查点签名无效)")
        elif newest is None or checkpoint.size >= newest[1].size:
            newest = (note, checkpoint)
    return newest, problems


def checkpoint_summary(note: str, checkpoint: Checkpoint) -> dict[str, Any]:
    """A verified checkpoint as the CLI and the API show it."""
    return {
        "origin": checkpoint.origin,
        "tree_size": checkpoint.size,
        "root_hash": checkpoint.root.hex(),
        "time": checkpoint.time,
        "note": note,
    }


# --------------------------------------------------------------------------- bundles
def export_bundle(ledger: CaseLedger, log: TransparencyLog, case_id: UUID, at: datetime) -> dict[str, Any]:
    """A case's records with their inclusion proofs, the network's key certifications, a checkpoint that
    covers them all, and the proof that this checkpoint commits to the case's last record."""
    first = ledger.recorder.select_events(case_id, limit=1)
    if not first or ":Case." not in first[0].topic:  # none, or the network's or a lawyer's stream
        raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 不存在 (no such case).")
    network = ledger.verified_network()  # read and checked once for the whole export
    if network.problems:  # its certifications and revocations are what the bundle's signatures are checked against
        raise DomainError(
            "NETWORK_STREAM_BROKEN",
            f"网络记录有误，不能导出审计包 (the network's records do not verify, so no bundle is exported: {network.problems[0]}).",
        )
    log.integrate()
    logged = {str(ledger.network_id): log.records_of(str(ledger.network_id)), str(case_id): log.records_of(str(case_id))}
    streams = [str(case_id), str(ledger.network_id)]
    newest, _ = newest_valid_checkpoint(ledger, log, network)
    latest, checkpoint = newest if newest else (None, None)
    proofs = None
    if checkpoint is not None and checkpoint.size > logged[str(case_id)][-1].leaf_index and CASE_HEADS in checkpoint.extensions:
        proofs = log.head_proofs(checkpoint.size, streams)  # None once the case-head tree has moved past it
    if proofs is None:  # the newest checkpoint does not cover the case's last record, or its case-head tree is gone
        latest, proofs = log.checkpoint_proving(at, streams)
        checkpoint = read_checkpoint(ledger, latest, network)
    assert latest is not None and checkpoint is not None
    records = []
    for stream in (ledger.network_id, case_id):
        stored = {e.originator_version: e.state for e in ledger.recorder.select_events(stream)}
        for entry in (e for e in logged[str(stream)] if e.leaf_index < checkpoint.size):
            records.append(
                {
                    "stream": str(stream),
                    "version": entry.version,
                    "leaf_index": entry.leaf_index,
                    "record": stored[entry.version].decode() if entry.version in stored else "",
                    "proof": [h.hex() for h in log.inclusion_proof(entry.leaf_index, checkpoint.size)],
                }
            )
    return {
        "format": BUNDLE_FORMAT,
        "case_id": str(case_id),
        "network_id": str(ledger.network_id),
        "exported_at": at.isoformat(),
        "checkpoint": latest,
        "records": records,
        "case_head": proofs[0],
        # The network stream is a leaf of the same tree: proving its head shows no certification or
        # revocation was left out at its end (a gap in its middle breaks its chain).
        "network_head": proofs[1],
    }


# --------------------------------------------------------------------------- does the log still extend a checkpoint?
@dataclass
class LogCheck:
    checkpoint: Checkpoint
    size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_extends(ledger: CaseLedger, log: TransparencyLog, note: str) -> LogCheck:
    """Prove that the log now extends a checkpoint saved earlier, and that the records in the database are
    still those the log holds: detects rewritten, removed, reordered or cut-off records and deleted cases."""
    check = LogCheck(read_checkpoint(ledger, note))  # reads only: an auditor's check never writes to the log
    check.size = size = log.size()
    old = check.checkpoint
    try:
        if size < old.size:
            check.problems.append(
                f"日志只有 {size} 条记录，少于检查点的 {old.size} 条 (the log has fewer records than the checkpoint: records were removed)"
            )
        elif log.root(old.size) != old.root:  # the first old.size leaves, from the nodes stored now
            check.problems.append("日志不再延续该检查点 (the stored log does not extend the checkpoint: its history was rewritten)")
    except LogDamaged as missing:
        check.problems.append(f"日志的节点缺失 (the stored log lacks nodes it must hold): {missing.message}")
    check.problems += records_beside_log(ledger, log, old, signatures=False)[1]
    return check


def records_beside_log(
    ledger: CaseLedger,
    log: TransparencyLog,
    checkpoint: Checkpoint | None,
    processes: int | None = None,
    *,
    signatures: bool = True,
    progress: Callable[[int], None] = lambda records: None,
) -> tuple[VerificationReport, list[str]]:
    """Every record checked (with `signatures`, as verify does) and held beside the global log; the log checked
    against itself and the checkpoint. Returns the records' report and what is wrong with the log (log_check.py)."""
    report = verify_ledger(
        ledger,
        processes,
        log=scope_of(log, checkpoint, str(ledger.network_id)),
        signatures=signatures,
        meanwhile=lambda: check_tree(log, checkpoint),
        progress=progress,
    )
    return report, report.log_problems + records_against_checkpoint(report.first_log_mismatch, checkpoint)
