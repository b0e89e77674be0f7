"""Auditing (审计): verifying every record, the global log's signed checkpoints and consistency proofs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec

from api.http_security import Services, allow
from api.openapi import READ, READ_ONE
from api.replica_reads import WRITES
from api.report_shapes import CheckpointSummary, ConsistencyProof, Verification
from domain.actor import SHANGHAI
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.audit import checkpoint_summary, newest_valid_checkpoint, read_checkpoint
from infrastructure.verification import verify_ledger

OVERSEERS = [allow(Role.AUDITOR, Role.BUREAU)]


class AuditController(Controller):
    tags = ("audit",)

    @get(
        "/verification",
        summary="核验 Verify every record of the ledger (auditors, bureau)",
        guards=OVERSEERS,
        responses=READ,
        sync_to_thread=True,
    )
    def verification(self, services: Services) -> Verification:
        report = verify_ledger(services.ledger, processes=1)
        return Verification(
            ok=report.ok and not report.key_problems,
            records=report.records,
            cases=report.cases,
            problems=[vars(p) for p in report.problems],
            key_problems=report.key_problems,
        )

    @get(
        "/log/checkpoint",
        summary="检查点 The newest signed checkpoint of the global log (C2SP signed note)",
        responses={**READ_ONE, 200: ResponseSpec(CheckpointSummary, description="As JSON; with Accept: text/plain, the signed note")},
        sync_to_thread=True,
    )
    def checkpoint(self, request: Request[Any, Any, Any], services: Services) -> Response[Any]:
        """As JSON, or with `Accept: text/plain` the signed note itself, as witnesses and monitors read it."""
        newest, _ = newest_valid_checkpoint(services.ledger, services.log)
        if newest is None:
            raise DomainError("NO_CHECKPOINT", "尚无有效的检查点 (no valid checkpoint has been signed yet).")
        if "text/plain" in request.headers.get("accept", ""):
            return Response(newest[0], media_type="text/plain; charset=utf-8")
        return Response(CheckpointSummary.model_validate(checkpoint_summary(*newest)))

    @post(
        "/log/checkpoints",
        summary="签署检查点 Sign a checkpoint now (auditors, bureau)",
        status_code=201,
        guards=OVERSEERS,
        responses=READ,
        sync_to_thread=True,
    )
    def sign_checkpoint(self, services: Services) -> CheckpointSummary:
        note = services.log.checkpoint(datetime.now(SHANGHAI))
        return CheckpointSummary.model_validate(checkpoint_summary(note, read_checkpoint(services.ledger, note)))

    @get(
        "/log/consistency",
        summary="一致性证明 Proof that the log of new_size extends the log of old_size (RFC 9162)",
        responses=READ,
        opt=WRITES,  # integrates the log (and may sign a checkpoint): the primary answers
        sync_to_thread=True,
    )
    def consistency(self, services: Services, old_size: int, new_size: int) -> ConsistencyProof:
        log = services.log
        log.integrate()
        if not 0 < old_size <= new_size <= log.size():
            raise DomainError("BAD_TREE_SIZE", f"树大小应满足 0 < old_size <= new_size <= {log.size()} (tree sizes out of range).")
        return ConsistencyProof(
            old_size=old_size,
            new_size=new_size,
            old_root=log.root(old_size).hex(),
            new_root=log.root(new_size).hex(),
            proof=[h.hex() for h in log.consistency_proof(old_size, new_size)],
        )
