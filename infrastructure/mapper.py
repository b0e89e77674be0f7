"""The signing mapper: every domain event leaves as a signed, chained record and comes back as the event.

It subclasses the library's Mapper and keeps its contract (topics, class_version upcasting), but the
stored state is the signed record of docs/ledger-format.md instead of the library's transcoded bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.actor import SHANGHAI
from domain.errors import DomainError
from domain.fields import PersonalData
from infrastructure.keystore import Keystore
from infrastructure.personal_data import PersonalDataVault
from infrastructure.records import encode_record, parse_stored

_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # an escaped NUL in canonical JSON, not a literal backslash before "u0000"
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "by", "at")


class SigningMapper(Mapper[UUID]):
    """A serializer: an event and what it is signed against (the hash it chains to, the key) in, a signed
    record out; a stored record in, the event back. It reads no database and remembers nothing: the
    ledger supplies the chain and the key at write time (ledger.py) and confirms them in the transaction.

    The events an event class marks as holding personal data (`personal_data`, domain/case.py) have
    those items sealed with the person's data key before signing, and unsealed on reading.
    """

    def __init__(self, transcoder: Transcoder, *, keystore: Keystore, vault: PersonalDataVault) -> None:
        super().__init__(transcoder)
        self.keystore = keystore
        self.vault = vault

    # ------------------------------------------------------------------ writing
    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        raise TypeError("a signed record needs the hash it chains to and a key: the ledger calls signed()")

    def signed(self, domain_event: DomainEventProtocol[UUID], *, prev: str, key_for: Callable[[dict[str, Any]], str]) -> StoredEvent:
        """The record of `domain_event`, chained to `prev` and signed with the key `key_for` picks for its body."""
        cls = type(domain_event)
        state = vars(domain_event)
        case_id, version = state["originator_id"], state["originator_version"]
        payload = {k: v for k, v in state.items() if k not in _ENVELOPE}
        marked: PersonalData | None = getattr(cls, "personal_data", None)
        if marked is not None:
            payload[marked.field] = self._sealed(payload[marked.field], marked)
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
            "prev": prev,
        }
        key_id = key_for(body)
        stored = encode_record(body, key_id, self.keystore.record_signer(key_id))
        if b"\\u0000" in stored and _NUL.search(stored):
            # The boundaries refuse control characters; this is the last line: PostgreSQL text cannot hold a
            # NUL, so a read model copying it would be stuck on this record for good.
            raise DomainError("CONTROL_CHARACTER", "记录中含有 NUL 字符，未记录 (a text holds a NUL character; nothing was recorded).")
        return StoredEvent(originator_id=case_id, originator_version=version, topic=get_topic(cls), state=stored)

    def _sealed(self, data: dict[str, Any], marked: PersonalData) -> dict[str, Any]:
        personal = {k: data[k] for k in marked.items if k in data}
        rest = {k: v for k, v in data.items() if k not in marked.items}
        return {**rest, "sealed": self.vault.seal(data[marked.subject], personal)}

    # ------------------------------------------------------------------ reading
    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        case_id = stored_event.originator_id
        assert isinstance(case_id, UUID)
        body = parse_stored(stored_event.state)["body"]  # plain reads parse; verify and history check (network_view.py)
        cls = resolve_topic(stored_event.topic)
        event_state: dict[str, Any] = dict(body["payload"])
        marked: PersonalData | None = getattr(cls, "personal_data", None)
        if marked is not None and "sealed" in event_state[marked.field]:
            sealed = dict(event_state[marked.field])
            items = self.vault.unseal(sealed[marked.subject], sealed.pop("sealed"), marked.items)
            event_state[marked.field] = {**sealed, **items}
        event_state["by"] = {"institution": body["institution"], "person": body["person"], "role": body["role"]}
        event_state["at"] = body["occurred_at"]
        event_state["timestamp"] = datetime.fromisoformat(body["recorded_at"])
        event_state["originator_id"] = case_id
        event_state["originator_version"] = stored_event.originator_version
        from_version, class_version = body["schema"], getattr(cls, "class_version", 1)
        while from_version < class_version:  # the library's upcasting, kept intact
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event: DomainEventProtocol[UUID] = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return domain_event
