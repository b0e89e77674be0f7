"""The case ledger application: cases and the network, loaded from and saved to the signed store.

A command (domain/commands.py) runs on a loaded case, which enforces the rules and may refuse; the new
event is saved through the signing mapper. A refused command saves nothing. Who may issue which command
is the service's concern (service/).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEvent, OriginatorVersionError
from eventsourcing.persistence import IntegrityError, Notification, Recording, StoredEvent

from domain.actor import Actor
from domain.assignment import LawyerPool, UnavailablePool
from domain.case import Case
from domain.commands import CaseCommand, Context, ReceiveApplication
from domain.complaint_commands import AcceptComplaint, ComplaintCommand
from domain.complaints import CaseFacts, Complaint, complaint_stream_id
from domain.errors import DomainError
from domain.lawyers import Lawyer, lawyer_stream_id, not_on_roll
from domain.network import Directory, Network, network_id
from domain.policy import PolicyProfile
from domain.pool_commands import PoolCommand, RegisterLawyer
from infrastructure import erasure
from infrastructure.chain_heads import ChainHeads
from infrastructure.database import Database
from infrastructure.idempotency import RequestKey, RequestOutcome, StoredResponse
from infrastructure.keystore import ROOT_KEY_ID, Keystore
from infrastructure.mapper import SigningMapper
from infrastructure.network_view import VerifiedNetwork
from infrastructure.personal_data import PersonalDataVault, erased_refusal
from infrastructure.recorders import ChainMoved, DataKeyDestroyed, KeyUsedAfterRevocation, NetworkMoved, SignedAgainst
from infrastructure.records import KeyRing, record_hash
from infrastructure.signing_keys import SigningKeys

_Kind = TypeVar("_Kind", bound=Aggregate)
_SIGNING_ATTEMPTS = 5  # a write is re-signed when the network's keys changed under it; more in a row is an error


def created(case_id: UUID) -> StoredResponse:
    """The answer to receiving an application: the new case, at version 1."""
    return StoredResponse(201, {"case_id": str(case_id), "version": 1})


def acted(case_id: UUID, version: int, command: CaseCommand) -> StoredResponse:
    """The answer to a command on a case: the case's new version, and the command."""
    return StoredResponse(200, {"case_id": str(case_id), "version": version, "action": command.name})


class _Collected(ProcessingEvent[UUID]):
    """The events one save writes. The library's collection checks each object against runtime protocols, which
    Python 3.11 does by walking the protocol's attributes every time (~10 µs an object, a sixth of a batched signed
    append); this ledger's own aggregates and events are recognised by their classes first."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events += obj.collect_events()
                self.aggregates[obj.id] = obj
            elif isinstance(obj, DomainEvent):
                self.events.append(obj)
            else:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


class CaseLedger(Application[UUID]):
    name = "tongban"  # tables: tongban_events (and the library's tracking tables)

    def __init__(self, env: dict[str, str], *, keystore: Keystore, vault: PersonalDataVault, policy: PolicyProfile) -> None:
        self.keystore = keystore
        self.vault = vault
        self.policy = policy
        self.network_id = network_id(policy.city)
        self._network: Network | None = None
        self._signing_keys: SigningKeys | None = None  # for the newest network version read
        self.lawyer_pool: LawyerPool = UnavailablePool()  # the read models' (projections/registry.py), once wired
        # SQLite has one writer at a time; threads of one process queue here instead of spinning on
        # the database's busy lock (and exhausting the library's connection pool while they wait).
        self._write_lock: threading.Lock | contextlib.nullcontext[None] = (
            contextlib.nullcontext() if env.get("PERSISTENCE_MODULE", "").endswith("postgres") else threading.Lock()
        )
        super().__init__(env)
        self.chain_heads = ChainHeads(lambda stream, version: self.recorder.select_events(stream, gt=version - 1, lte=version))

    def close(self) -> None:
        super().close()
        self.vault.close()

    @property
    def database(self) -> Database:
        return self.vault.database

    def construct_mapper(self) -> SigningMapper:
        return SigningMapper(self.construct_transcoder(), keystore=self.keystore, vault=self.vault)

    # ------------------------------------------------------------------ the network
    def network(self, refresh: bool = False) -> Network:
        """The network as last read (the view the signing keys are chosen from). Do not change it: use
        network_for_change()."""
        if self._network is None or refresh:
            network = self._read_network()
            if not self.keystore.holds_root(network.root_public_key_hex):
                raise DomainError(
                    "FOREIGN_KEYSTORE",
                    f"密钥库 {self.keystore.directory} 不属于此台账（根密钥不同）(this keystore does not hold the root key of "
                    "this ledger's network: it belongs to another ledger).",
                )
            self._network = network
        return self._network

    def network_for_change(self) -> Network:
        """A copy of the newest network to change and save with save_network()."""
        self.network(refresh=True)
        return self._read_network()

    def _read_network(self) -> Network:
        try:
            network = self._load(self.network_id)
        except AggregateNotFoundError:
            raise DomainError("NO_NETWORK", "尚未初始化法律援助网络，请先运行 tongban init (run `tongban init` first).") from None
        except OriginatorVersionError:
            raise DomainError(
                "NETWORK_STREAM_BROKEN",
                "网络记录缺失或顺序错乱，请运行 tongban verify 查明 (the network's records have a gap or are out of order: "
                "run `tongban verify` to see which).",
            ) from None
        assert isinstance(network, Network)
        return network

    def _load(self, stream: UUID, version: int | None = None) -> Aggregate:
        """The case or network from its records (to `version`), remembering what a next record chains to."""
        records = self.recorder.select_events(stream, lte=version)
        aggregate: Aggregate | None = None
        for record in records:  # the library's project_aggregate would check a runtime protocol each event (_Collected)
            event = self.mapper.to_domain_event(record)
            assert isinstance(event, Aggregate.Event)
            aggregate = event.mutate(aggregate)
        if aggregate is None:
            raise AggregateNotFoundError(stream)
        self.chain_heads.remember_record(records[-1])
        return aggregate

    def has_network(self) -> bool:
        return bool(self.recorder.select_events(self.network_id, limit=1))

    def directory(self) -> Directory:
        return self.network().directory()

    def keyring(self) -> KeyRing:
        """The keys the root certified, as far as the network's records verify (for reads that report
        verification; signing uses the network the transaction confirms)."""
        return self.verified_network().keyring

    def verified_network(self) -> VerifiedNetwork:
        return VerifiedNetwork.read(self.recorder.select_events(self.network_id), self.network_id, self.keystore.root_public_key_hex())

    def save_network(self, network: Network) -> None:
        self.save(network)
        self._network = network

    def _signing_key_for(self, keys: SigningKeys | None, body: dict[str, Any]) -> str:
        """The key to sign this record with: the root's for the network, else from the network view the write is
        signed against."""
        if body["case_id"] == str(self.network_id):
            return ROOT_KEY_ID
        key_id = keys.choose(body) if keys is not None else None
        if key_id is None:
            raise DomainError(
                "NO_VALID_SIGNING_KEY",
                f"机构 {body['institution']} 此时没有经根密钥认证且有效的签名密钥，未记录任何内容 (no key certified for this "
                f"institution and valid at {body['recorded_at']} is held by this keystore; nothing was recorded).",
            )
        return key_id

    # ------------------------------------------------------------------ commands
    def context(self) -> Context:
        return Context(self.directory(), self.policy, self.lawyer_pool)

    def receive_application(self, command: ReceiveApplication, actor: Actor, at: datetime, *, request: RequestKey | None = None) -> UUID:
        """受理: record a new application; returns the new case id. With a request key, the answer to a
        retry of the same request is stored in the same transaction."""
        case = command.open(actor, at, self.context())
        self._save_answering(case, request, created(case.id))
        return case.id

    def act(
        self,
        case: UUID | Case,
        command: CaseCommand,
        actor: Actor,
        at: datetime,
        *,
        expected_version: int | None = None,
        request: RequestKey | None = None,
    ) -> int:
        """Run one command on a case (its id, or the case already loaded); returns the case's new version.
        Refusals raise DomainError and save nothing."""
        if not isinstance(case, Case):
            case = self.get_case(case)
        if expected_version is not None and case.version != expected_version:
            raise _not_at(expected_version)
        command.run(case, actor, at, self.context())
        try:
            self._save_answering(case, request, acted(case.id, case.version, command))
        except DomainError as lost:
            if expected_version is not None and lost.code == "VERSION_CONFLICT":
                raise _not_at(expected_version) from None  # another action took the version the client named
            raise
        return case.version

    def _save_answering(self, case: Case, request: RequestKey | None, response: StoredResponse) -> None:
        if request is None:
            self.save(case)
        else:
            self.save(case, request_outcome=RequestOutcome(request, response))

    def erase_personal_data(self, actor: Actor, at: datetime, applicant_id: str, reason: str) -> list[UUID]:
        """删除个人信息 (erasure.py)."""
        return erasure.erase_personal_data(self, actor, at, applicant_id, reason)

    def cases_of_applicant(self, applicant_id: str) -> list[UUID]:
        return erasure.cases_of_applicant(self, applicant_id)

    def get_case(self, case_id: UUID, version: int | None = None) -> Case:
        try:
            case = None if case_id == self.network_id else self._load(case_id, version)
        except AggregateNotFoundError:
            case = None
        if not isinstance(case, Case):  # none, or the network's or a lawyer's stream
            raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 不存在 (no such case).")
        return case

    # ------------------------------------------------------------------ the lawyer pool (律师库)
    def register_lawyer(self, command: RegisterLawyer, actor: Actor, at: datetime) -> Lawyer:
        if self.recorder.select_events(lawyer_stream_id(self.policy.city, command.licence_number), limit=1):
            raise DomainError(
                "LAWYER_ALREADY_ON_ROLL", f"执业证号 {command.licence_number} 已在律师库中 (this lawyer is already in the pool)."
            )
        lawyer = command.open(actor, at, self.context())
        self.save(lawyer)
        return lawyer

    def change_lawyer(self, licence_number: str, command: PoolCommand, actor: Actor, at: datetime) -> Lawyer:
        lawyer = self.get_lawyer(licence_number)
        command.run(lawyer, actor, at, self.context())
        self.save(lawyer)
        return lawyer

    def get_lawyer(self, licence_number: str) -> Lawyer:
        lawyer = self.find(lawyer_stream_id(self.policy.city, licence_number), Lawyer)
        if lawyer is None:
            raise not_on_roll(licence_number)
        return lawyer

    # ------------------------------------------------------------------ complaints (投诉)
    def accept_complaint(self, command: AcceptComplaint, actor: Actor, at: datetime) -> Complaint:
        if self.recorder.select_events(complaint_stream_id(self.policy.city, command.number), limit=1):
            raise DomainError(
                "COMPLAINT_ALREADY_ACCEPTED", f"投诉 {command.number} 已受理 (a complaint with this number was already accepted)."
            )
        complaint = command.open(actor, at, self.context(), CaseFacts.of(self.get_case(command.case_id)))
        self.save(complaint)
        return complaint

    def act_on_complaint(self, number: str, command: ComplaintCommand, actor: Actor, at: datetime) -> Complaint:
        complaint = self.get_complaint(number)
        command.run(complaint, actor, at)
        self.save(complaint)
        return complaint

    def get_complaint(self, number: str) -> Complaint:
        complaint = self.find(complaint_stream_id(self.policy.city, number), Complaint)
        if complaint is None:
            raise DomainError("COMPLAINT_NOT_FOUND", f"没有编号为 {number} 的投诉 (no such complaint).")
        return complaint

    def find(self, stream: UUID, kind: type[_Kind]) -> _Kind | None:
        """The aggregate of a stream, if it holds one of `kind` (a lawyer, a complaint, a consultation register)."""
        try:
            aggregate = self._load(stream)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save, collecting with _Collected (the library's also calls a deprecated `notify`, unused here)."""
        processing_event = _Collected()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Sign and store, confirming inside the transaction what the records were signed against
        (recorders.py); re-sign when the network's keys changed meanwhile."""
        people = [(marked, event) for event in processing_event.events if (marked := getattr(event, "personal_data", None))]
        applicants = list(dict.fromkeys(getattr(event, marked.field)[marked.subject] for marked, event in people))
        processing_event.saved_kwargs["sealed_for"] = applicants  # their keys must still be held at the commit
        with self._write_lock, self.vault.keys_for(applicants):  # data keys exist before their ciphertext is signed
            for attempt in range(_SIGNING_ATTEMPTS):
                # One view of the network for both the choice of keys and what the transaction confirms.
                network = self._network_or_none(refresh=attempt > 0)
                processing_event.saved_kwargs["signed_against"] = SignedAgainst(self.network_id, network.version if network else 0)
                try:
                    return self._sign_and_store(processing_event, self._keys_of(network))
                except NetworkMoved:
                    continue
                except DomainError as refusal:
                    if refusal.code != "NO_VALID_SIGNING_KEY" or attempt > 0:
                        raise  # no valid key even in a view read just now
                except (IntegrityError, ChainMoved):
                    raise DomainError(
                        "VERSION_CONFLICT", "另一操作已先行记录，请刷新后重试 (another action was recorded first; reload and retry)."
                    ) from None
                except DataKeyDestroyed:
                    raise erased_refusal(applicants) from None
                except KeyUsedAfterRevocation:
                    raise DomainError(
                        "KEY_USED_AFTER_REVOCATION",
                        "该密钥在拟吊销时间之后仍签署了记录，请重试 (the key signed a record after the revocation time; retry).",
                    ) from None
        raise DomainError("NETWORK_BUSY", "网络密钥不断变更，未记录任何内容，请重试 (the network's keys kept changing; retry).")

    def _sign_and_store(self, processing_event: ProcessingEvent[UUID], keys: SigningKeys | None) -> list[Recording[UUID]]:
        """Each event signed and chained to the record before it (stored, or signed just before it here), all
        stored in one transaction; their hashes are remembered once that transaction committed."""
        records: list[StoredEvent] = []
        hashes: list[str] = []
        signed_head: dict[UUID, str] = {}
        mapper, key_for = self.signing_mapper, functools.partial(self._signing_key_for, keys)
        for event in processing_event.events:
            stream, version = event.originator_id, event.originator_version
            record = mapper.signed(event, prev=signed_head.get(stream) or self.chain_heads.before(stream, version), key_for=key_for)
            records.append(record)
            hashes.append(record_hash(record.state))
            signed_head[stream] = hashes[-1]
        try:
            ids = self.recorder.insert_events(records, tracking=processing_event.tracking, **processing_event.saved_kwargs)
        except ChainMoved:
            for record in records:  # what this process believed it chained to is not stored: read it again next time
                assert isinstance(record.originator_id, UUID)
                self.chain_heads.forget(record.originator_id, record.originator_version - 1)
            raise
        for event, stored_hash in zip(processing_event.events, hashes, strict=True):
            self.chain_heads.remember(event.originator_id, event.originator_version, stored_hash)
        return [
            Recording(event, Notification(id=n, **vars(r))) for event, r, n in zip(processing_event.events, records, ids or [], strict=True)
        ]

    def _network_or_none(self, refresh: bool) -> Network | None:
        if self._network is None and not self.has_network():
            return None  # founding the network
        return self.network(refresh=refresh)

    def _keys_of(self, network: Network | None) -> SigningKeys | None:
        if network is None:
            return None
        keys = self._signing_keys
        if keys is None or keys.network_version != network.version:
            keys = self._signing_keys = SigningKeys.of(network, self.keystore)
        return keys

    @property
    def signing_mapper(self) -> SigningMapper:
        assert isinstance(self.mapper, SigningMapper)
        return self.mapper

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


def _not_at(expected_version: int) -> DomainError:
    return DomainError(
        "PRECONDITION_FAILED",
        f"案件已不在版本 {expected_version}（已被更新），请刷新后重试 "
        f"(If-Match: the case is no longer at version {expected_version}; reload).",
    )
