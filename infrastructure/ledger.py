"""The case ledger application: the thin service layer between entry points and the case aggregate.

Every command loads a case, asks the aggregate to act (which enforces the rules and may refuse),
and saves the new event through the signing mapper. A refused command saves nothing.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, Notification, Recording

from domain.actor import Actor
from domain.case import Case
from domain.errors import DomainError
from domain.network import Directory, Network, network_id
from domain.policy import PolicyProfile
from infrastructure.keystore import Keystore
from infrastructure.mapper import SigningMapper
from infrastructure.personal_data import PersonalDataVault
from infrastructure.records import KeyRing

# The case actions an entry point may invoke by name (each is a method of Case).
CASE_COMMANDS = (
    "notify_missing_materials", "supplement_materials", "withdraw", "record_review_opinion", "sign_off_review",
    "designate_jurisdiction", "request_transfer", "dispatch_materials", "receive_materials", "enter_on_platform",
    "grant_aid", "refuse_aid", "appoint_lawyer", "change_lawyer", "terminate", "file_objection",
    "decide_objection", "close", "submit_closing_file", "archive", "approve_above_band_subsidy", "pay_subsidy",
)
_NEEDS = {name: set(inspect.signature(getattr(Case, name)).parameters) & {"directory", "policy"} for name in CASE_COMMANDS}


class CaseLedger(Application[UUID]):
    name = "tongban"  # tables: tongban_events (and the library's tracking tables)

    def __init__(
        self, env: dict[str, str], *, keystore: Keystore, vault: PersonalDataVault, policy: PolicyProfile
    ) -> None:
        self.keystore = keystore
        self.vault = vault
        self.policy = policy
        self.network_id = network_id(policy.city)
        self._network: Network | None = None
        # SQLite has one writer at a time; threads of one process queue here instead of spinning on
        # the database's busy lock (and exhausting the library's connection pool while they wait).
        self._write_lock: threading.Lock | contextlib.nullcontext[None] = (
            contextlib.nullcontext() if env.get("PERSISTENCE_MODULE", "").endswith("postgres") else threading.Lock()
        )
        super().__init__(env)
        assert isinstance(self.mapper, SigningMapper)
        self.mapper.recorder = self.recorder

    def construct_mapper(self) -> SigningMapper:
        return SigningMapper(
            self.construct_transcoder(), keystore=self.keystore, vault=self.vault,
            network_id=self.network_id, keyring=self.keyring,
        )

    # ------------------------------------------------------------------ the network
    def network(self, refresh: bool = False) -> Network:
        if self._network is None or refresh:
            try:
                network: Network = self.repository.get(self.network_id)
            except AggregateNotFoundError:
                raise DomainError("NO_NETWORK", "尚未初始化法律援助网络，请先运行 tongban init (run `tongban init` first).") from None
            assert isinstance(network, Network)
            self._network = network
        return self._network

    def has_network(self) -> bool:
        return bool(self.recorder.select_events(self.network_id, limit=1))

    def directory(self) -> Directory:
        return self.network().directory()

    def keyring(self) -> KeyRing:
        network = self.network()
        ring = KeyRing.from_root_hex(network.root_public_key_hex)
        for cert in network.keys.values():
            ring.certify(cert.key_id, cert.institution_id, cert.public_key_hex, cert.valid_from, cert.valid_until)
            if cert.revoked_at:
                ring.revoke(cert.key_id, cert.revoked_at)
        return ring

    def save_network(self, network: Network) -> None:
        self.save(network)
        self._network = network

    # ------------------------------------------------------------------ commands
    def receive_application(self, actor: Actor, at: datetime, **details: Any) -> UUID:
        """受理: record a new application; returns the new case id."""
        case = Case.receive_application(actor, at, directory=self.directory(), policy=self.policy, **details)
        self.save(case)
        return case.id

    def act(
        self, case_id: UUID, command: str, actor: Actor, at: datetime, *, expected_version: int | None = None,
        **arguments: Any,
    ) -> int:
        """Run one named case action; returns the case's new version. Refusals raise DomainError."""
        case = self.get_case(case_id)
        if expected_version is not None and case.version != expected_version:
            raise DomainError(
                "VERSION_CONFLICT",
                f"案件已被更新（当前版本 {case.version}，而不是 {expected_version}），请刷新后重试 "
                "(the case changed since you read it).",
            )
        self.apply_command(case, command, actor, at, **arguments)
        self.save(case)
        return case.version

    def apply_command(self, case: Case, command: str, actor: Actor, at: datetime, **arguments: Any) -> None:
        """Ask the aggregate to act, without saving (the demo batches many cases into one save)."""
        if command not in _NEEDS:
            raise DomainError("UNKNOWN_COMMAND", f"未知的操作 {command} (unknown action).")
        if "directory" in _NEEDS[command]:
            arguments["directory"] = self.directory()
        if "policy" in _NEEDS[command]:
            arguments["policy"] = self.policy
        getattr(case, command)(actor, at, **arguments)

    def erase_personal_data(self, actor: Actor, at: datetime, applicant_id: str, reason: str) -> list[UUID]:
        """删除个人信息: record a signed erasure on every case of the applicant, then destroy their data key.
        Recorded first, so that data is never gone without a record of who erased it and why."""
        if not self.directory().is_bureau(actor.institution_id):
            raise DomainError("NOT_BUREAU", "只有司法局可以删除申请人个人信息 (only the justice bureau may erase personal data).")
        if not reason.strip():
            raise DomainError("MISSING_FIELD", "删除理由不能为空 (a reason is required).")
        cases = [self.get_case(case_id) for case_id in self.cases_of_applicant(applicant_id)]
        if not cases and not self.vault.has_key(applicant_id):
            raise DomainError("APPLICANT_NOT_FOUND", f"没有申请人 {applicant_id} 的记录 (no such applicant).")
        pending = [case for case in cases if not case.personal_data_erased]
        if not pending and not self.vault.has_key(applicant_id):
            raise DomainError("ALREADY_ERASED", "申请人个人信息已删除 (the applicant's personal data was already erased).")
        for case in pending:
            case.erase_personal_data(actor, at, reason=reason, directory=self.directory())
        self.save(*pending)
        self.vault.destroy_key(applicant_id)
        return [case.id for case in cases]

    def cases_of_applicant(self, applicant_id: str) -> list[UUID]:
        """The cases an applicant applied in (a scan of the applications: erasure is rare)."""
        found = []
        for n in self.all_records():
            if n.topic.endswith(".ApplicationReceived"):
                applicant = json.loads(n.state)["body"]["payload"]["applicant"]
                if applicant["applicant_id"] == applicant_id:
                    found.append(UUID(str(n.originator_id)))
        return found

    def get_case(self, case_id: UUID, version: int | None = None) -> Case:
        if case_id == self.network_id:
            raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 不存在 (no such case).")
        try:
            case: Case = self.repository.get(case_id, version=version)
        except AggregateNotFoundError:
            raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 不存在 (no such case).") from None
        assert isinstance(case, Case)
        return case

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        applicants = [e.applicant["applicant_id"] for e in processing_event.events if hasattr(e, "applicant")]
        try:
            with self._write_lock:
                self.vault.ensure_keys(applicants)  # data keys exist before their ciphertext is signed
                self.keystore.refresh_active_keys()  # once per transaction, not per event
                return super()._record(processing_event)
        except IntegrityError:
            raise DomainError(
                "VERSION_CONFLICT", "另一操作已先行记录，请刷新后重试 (another action was recorded first; reload and retry)."
            ) from None

    # ------------------------------------------------------------------ reading the log
    def all_records(self, batch: int = 5000) -> Iterator[Notification]:
        """Every stored record in commit order."""
        start = 1
        while True:
            notifications = self.recorder.select_notifications(start=start, limit=batch)
            if not notifications:
                return
            yield from notifications
            start = notifications[-1].id + 1
