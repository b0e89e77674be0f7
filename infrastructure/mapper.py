"""The signing mapper: every domain event leaves as a signed, chained record and comes back checked.

It subclasses the library's Mapper and keeps its contract (topics, class_version upcasting), but the
stored state is the signed record of docs/ledger-format.md instead of the library's transcoded bytes.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.actor import SHANGHAI
from domain.case import PERSONAL_DATA_FIELDS
from domain.errors import DomainError
from infrastructure.keystore import ROOT_KEY_ID, Keystore
from infrastructure.personal_data import PersonalDataVault
from infrastructure.records import GENESIS, encode_record, record_hash

_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # an escaped NUL in canonical JSON, not a literal backslash before "u0000"
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "by", "at")
_HEADS_MAX = 100_000


class SigningMapper(Mapper[UUID]):
    """Signs each event with the key `choose_key` picks for its body, and chains it to the hash of the
    record stored at version − 1.

    Record hashes are remembered only once they are known to be stored: read from the database, or
    written by a transaction that committed (`end_write`). A write that loses a race leaves nothing
    behind for the next write to chain to; the recorder confirms the chain again inside each transaction.
    """

    def __init__(
        self,
        transcoder: Transcoder,
        *,
        keystore: Keystore,
        vault: PersonalDataVault,
        network_id: UUID,
        choose_key: Callable[[dict[str, Any]], str],
    ) -> None:
        super().__init__(transcoder)
        self.keystore = keystore
        self.vault = vault
        self.network_id = network_id
        self.choose_key = choose_key
        self.recorder: AggregateRecorder | None = None  # set once the application has built it
        self._stored: dict[tuple[UUID, int], str] = {}  # (case, version) -> hash of the record stored there
        self._writing = threading.local()  # this thread's write in progress: hashes of records not yet committed

    def _pending(self) -> dict[tuple[UUID, int], str]:
        pending: dict[tuple[UUID, int], str] | None = getattr(self._writing, "heads", None)
        if pending is None:
            pending = self._writing.heads = {}
        return pending

    def end_write(self, committed: bool) -> None:
        """The write this thread was signing committed (its hashes are now facts) or did not (forget them)."""
        pending = self._pending()
        if committed:
            for (case_id, version), stored in pending.items():
                self._remember(case_id, version, stored)
        pending.clear()

    # ------------------------------------------------------------------ writing
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        cls = type(domain_event)
        state = vars(domain_event)
        case_id, version = state["originator_id"], state["originator_version"]
        payload = {k: v for k, v in state.items() if k not in _ENVELOPE}
        if "applicant" in payload:
            payload["applicant"] = self._sealed(payload["applicant"])
        by = state["by"]
        body = {
            "case_id": str(case_id),
            "version": version,
            "type": cls.__qualname__,
            "schema": getattr(cls, "class_version", 1),
            "occurred_at": state["at"],
            "recorded_at": state["timestamp"].astimezone(SHANGHAI).isoformat(timespec="microseconds"),
            "institution": by["institution"],
            "person": by["person"],
            "role": by["role"],
            "payload": payload,
            "prev": self._previous_hash(case_id, version),
        }
        key_id = ROOT_KEY_ID if case_id == self.network_id else self.choose_key(body)
        stored = encode_record(body, key_id, self.keystore.signing_key(key_id))
        if b"\\u0000" in stored and _NUL.search(stored):
            # The boundaries refuse control characters; this is the last line: PostgreSQL text cannot hold a
            # NUL, so a read model copying it would be stuck on this record for good.
            raise DomainError("CONTROL_CHARACTER", "记录中含有 NUL 字符，未记录 (a text holds a NUL character; nothing was recorded).")
        self._pending()[(case_id, version)] = record_hash(stored)
        return StoredEvent(originator_id=case_id, originator_version=version, topic=get_topic(cls), state=stored)

    def _sealed(self, applicant: dict[str, Any]) -> dict[str, Any]:
        personal = {k: applicant[k] for k in PERSONAL_DATA_FIELDS if k in applicant}
        rest = {k: v for k, v in applicant.items() if k not in PERSONAL_DATA_FIELDS}
        return {**rest, "sealed": self.vault.seal(applicant["applicant_id"], personal)}

    def _previous_hash(self, case_id: UUID, version: int) -> str:
        if version == 1:
            return GENESIS
        known = self._pending().get((case_id, version - 1)) or self._stored.get((case_id, version - 1))
        if known is not None:
            return known
        assert self.recorder is not None
        previous = self.recorder.select_events(case_id, gt=version - 2, lte=version - 1)
        if not previous:
            raise LookupError(f"case {case_id} has no version {version - 1} to chain to")
        return record_hash(previous[0].state)

    def _remember(self, case_id: UUID, version: int, record_hash_hex: str) -> None:
        if len(self._stored) >= _HEADS_MAX:
            self._stored.clear()
        self._stored[(case_id, version)] = record_hash_hex

    # ------------------------------------------------------------------ reading
    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        case_id = stored_event.originator_id
        assert isinstance(case_id, UUID)
        body = json.loads(stored_event.state)["body"]  # plain reads parse; verify and history check (network_view.py)
        self._remember(case_id, stored_event.originator_version, record_hash(stored_event.state))  # read back: stored
        event_state: dict[str, Any] = dict(body["payload"])
        if "applicant" in event_state and "sealed" in event_state["applicant"]:
            sealed = dict(event_state["applicant"])
            fields = self.vault.unseal(sealed["applicant_id"], sealed.pop("sealed"), PERSONAL_DATA_FIELDS)
            event_state["applicant"] = {**sealed, **fields}
        event_state["by"] = {"institution": body["institution"], "person": body["person"], "role": body["role"]}
        event_state["at"] = body["occurred_at"]
        event_state["timestamp"] = datetime.fromisoformat(body["recorded_at"])
        event_state["originator_id"] = case_id
        event_state["originator_version"] = stored_event.originator_version
        cls = resolve_topic(stored_event.topic)
        from_version, class_version = body["schema"], getattr(cls, "class_version", 1)
        while from_version < class_version:  # the library's upcasting, kept intact
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event: DomainEventProtocol[UUID] = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return domain_event
