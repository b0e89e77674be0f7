"""The legal aid network of a city: its institutions and the keys certified for them.

The network is an aggregate of its own, so that institution registrations and key certifications
are events in the same signed ledger as the cases (signed by the root key of the justice bureau).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError
from domain.vocabulary import InstitutionKind

MUNICIPAL_DISTRICT = "municipal"  # case-handling authorities at city level (e.g. 中级人民法院)


@dataclass(frozen=True)
class Institution:
    institution_id: str
    name: str
    kind: InstitutionKind
    district: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Directory:
    """A read-only view of the network that case rules consult."""

    institutions: dict[str, Institution]

    def get(self, institution_id: str) -> Institution:
        try:
            return self.institutions[institution_id]
        except KeyError:
            known = ", ".join(sorted(self.institutions))
            raise DomainError(
                "UNKNOWN_INSTITUTION",
                f"机构 {institution_id} 不在本市法律援助网络中 (unknown institution)。可选 (one of): {known}",
            ) from None

    def is_bureau(self, institution_id: str) -> bool:
        """The city's justice bureau (市司法局), which keeps the network."""
        inst = self.institutions.get(institution_id)
        return inst is not None and inst.kind is InstitutionKind.BUREAU

    def is_centre(self, institution_id: str) -> bool:
        inst = self.institutions.get(institution_id)
        return inst is not None and inst.kind.is_centre

    def centre_for_district(self, district: str) -> Institution:
        """The legal aid centre where a case-handling authority sits (办案机关所在地法律援助机构)."""
        for inst in self.centres():
            if inst.district == district:
                return inst
        known = ", ".join(sorted(i.district for i in self.centres()))
        raise DomainError(
            "UNKNOWN_DISTRICT",
            f"本市没有 {district} 的法律援助机构，可选: {known} (no legal aid centre for this district; one of: {known}).",
        )

    def centres(self) -> list[Institution]:
        return [i for i in self.institutions.values() if i.kind.is_centre]

    def bureau_over(self, centre_id: str) -> Institution:
        """The justice bureau that set up a centre (设立该法律援助机构的司法行政部门, LAL 49): the county-level
        bureau of a county centre's district, the city's bureau for the municipal centre."""
        centre = self.get(centre_id)
        if centre.kind is InstitutionKind.MUNICIPAL_CENTRE:
            return self.bureau()
        for inst in self.institutions.values():
            if inst.kind is InstitutionKind.COUNTY_BUREAU and inst.district == centre.district:
                return inst
        raise DomainError(
            "SUPERVISING_BUREAU_NOT_REGISTERED",
            f"设立{centre.name}的旗县区司法局尚未登记，请运行 tongban init "
            "(the county-level bureau that set up this centre is not in the network yet: run tongban init).",
        )

    def bureau(self) -> Institution:
        for inst in self.institutions.values():
            if inst.kind is InstitutionKind.BUREAU:
                return inst
        raise DomainError("NO_BUREAU", "网络中没有司法局 (the network has no justice bureau).")


@dataclass(frozen=True)
class KeyCertificate:
    key_id: str
    institution_id: str
    public_key_hex: str
    valid_from: str  # ISO-8601 with offset
    valid_until: str | None
    revoked_at: str | None = None


@dataclass(frozen=True)
class LogKeyCertificate:
    """A key that signs the global log's checkpoints (not case records), under a log name (origin)."""

    key_id: str
    origin: str
    public_key_hex: str
    valid_from: str


def network_id(city: str) -> UUID:
    """The network aggregate has a fixed id per city, so that `init` is safe to run twice."""
    return uuid5(NAMESPACE_URL, f"tongban:network:{city}")


class Network(Aggregate):
    """A city's legal aid network (市法律援助网络), kept by the justice bureau."""

    INITIAL_VERSION = 1

    @staticmethod
    def create_id(city: str, **_: Any) -> UUID:
        return network_id(city)

    @event("NetworkFounded")
    def __init__(self, city: str, root_public_key_hex: str, by: dict[str, str], at: str) -> None:
        self.city = city
        self.root_public_key_hex = root_public_key_hex
        self.institutions: dict[str, Institution] = {}
        self.keys: dict[str, KeyCertificate] = {}
        self.log_keys: dict[str, LogKeyCertificate] = {}
        self.principals: dict[str, str | None] = {}  # principal id -> when revoked (None while it may act)

    def directory(self) -> Directory:
        return Directory(dict(self.institutions))

    def register_institution(self, inst: Institution, by: dict[str, str], at: str) -> None:
        if inst.institution_id in self.institutions:
            raise DomainError("INSTITUTION_EXISTS", f"机构 {inst.institution_id} 已登记 (already registered).")
        self._institution_registered(
            institution_id=inst.institution_id,
            name=inst.name,
            kind=inst.kind.value,
            district=inst.district,
            address=inst.address,
            phone=inst.phone,
            by=by,
            at=at,
        )

    @event("InstitutionRegistered")
    def _institution_registered(
        self,
        institution_id: str,
        name: str,
        kind: str,
        district: str,
        address: str,
        phone: str,
        by: dict[str, str],
        at: str,
    ) -> None:
        self.institutions[institution_id] = Institution(institution_id, name, InstitutionKind(kind), district, address, phone)

    def change_contact(self, institution_id: str, address: str, phone: str, by: dict[str, str], at: str) -> None:
        """An institution moved or changed its phone; every other institution must learn it (000 三(四))."""
        self.directory().get(institution_id)
        self._contact_changed(institution_id=institution_id, address=address, phone=phone, by=by, at=at)

    @event("InstitutionContactChanged")
    def _contact_changed(self, institution_id: str, address: str, phone: str, by: dict[str, str], at: str) -> None:
        old = self.institutions[institution_id]
        self.institutions[institution_id] = Institution(old.institution_id, old.name, old.kind, old.district, address, phone)

    def certify_key(
        self,
        key_id: str,
        institution_id: str,
        public_key_hex: str,
        valid_from: str,
        valid_until: str | None,
        by: dict[str, str],
        at: str,
    ) -> None:
        self.directory().get(institution_id)
        if key_id in self.keys:
            raise DomainError("KEY_EXISTS", f"密钥 {key_id} 已认证 (key already certified).")
        self._key_certified(
            key_id=key_id,
            institution_id=institution_id,
            public_key_hex=public_key_hex,
            valid_from=valid_from,
            valid_until=valid_until,
            by=by,
            at=at,
        )

    @event("KeyCertified")
    def _key_certified(
        self,
        key_id: str,
        institution_id: str,
        public_key_hex: str,
        valid_from: str,
        valid_until: str | None,
        by: dict[str, str],
        at: str,
    ) -> None:
        self.keys[key_id] = KeyCertificate(key_id, institution_id, public_key_hex, valid_from, valid_until)

    def revoke_key(self, key_id: str, reason: str, by: dict[str, str], at: str) -> None:
        cert = self.keys.get(key_id)
        if cert is None:
            raise DomainError("UNKNOWN_KEY", f"密钥 {key_id} 未经认证 (unknown key).")
        if cert.revoked_at is not None:
            raise DomainError("KEY_ALREADY_REVOKED", f"密钥 {key_id} 已吊销 (already revoked).")
        self._key_revoked(key_id=key_id, reason=reason, by=by, at=at)

    @event("KeyRevoked")
    def _key_revoked(self, key_id: str, reason: str, by: dict[str, str], at: str) -> None:
        cert = self.keys[key_id]
        self.keys[key_id] = KeyCertificate(cert.key_id, cert.institution_id, cert.public_key_hex, cert.valid_from, cert.valid_until, at)

    def certify_log_key(self, key_id: str, origin: str, public_key_hex: str, valid_from: str, by: dict[str, str], at: str) -> None:
        """The bureau certifies the key that signs checkpoints of the global log (全局日志检查点)."""
        if key_id in self.keys or key_id in self.log_keys:
            raise DomainError("KEY_EXISTS", f"密钥 {key_id} 已认证 (key already certified).")
        self._log_key_certified(key_id=key_id, origin=origin, public_key_hex=public_key_hex, valid_from=valid_from, by=by, at=at)

    @event("LogKeyCertified")
    def _log_key_certified(self, key_id: str, origin: str, public_key_hex: str, valid_from: str, by: dict[str, str], at: str) -> None:
        self.log_keys[key_id] = LogKeyCertificate(key_id, origin, public_key_hex, valid_from)

    def issue_principal(
        self, principal_id: str, name: str, institution_id: str, roles: list[str], token_digest: str, by: dict[str, str], at: str
    ) -> None:
        """An API user (用户) of an institution with roles, identified by the keyed hash of its token. Issuing
        and revoking are records of the network, so who could act, and when, is signed and never rewritten."""
        self.directory().get(institution_id)
        if principal_id in self.principals:
            raise DomainError("PRINCIPAL_EXISTS", f"用户 {principal_id} 已存在 (the principal already exists).")
        if not roles:
            raise DomainError("NO_ROLES", "至少需要一个角色 (give the principal at least one role).")
        self._principal_issued(
            principal_id=principal_id,
            name=name,
            institution_id=institution_id,
            roles=sorted(roles),
            token_digest=token_digest,
            by=by,
            at=at,
        )

    @event("PrincipalIssued")
    def _principal_issued(
        self, principal_id: str, name: str, institution_id: str, roles: list[str], token_digest: str, by: dict[str, str], at: str
    ) -> None:
        self.principals[principal_id] = None

    def revoke_principal(self, principal_id: str, by: dict[str, str], at: str) -> None:
        if principal_id not in self.principals:
            raise DomainError("UNKNOWN_PRINCIPAL", f"没有编号为 {principal_id} 的用户 (no such principal).")
        if self.principals[principal_id] is not None:
            raise DomainError("PRINCIPAL_ALREADY_REVOKED", f"用户 {principal_id} 已被撤销 (already revoked).")
        self._principal_revoked(principal_id=principal_id, by=by, at=at)

    @event("PrincipalRevoked")
    def _principal_revoked(self, principal_id: str, by: dict[str, str], at: str) -> None:
        self.principals[principal_id] = at

    def active_key_id(self, institution_id: str) -> str | None:
        """The newest unrevoked key certified for an institution."""
        candidates = [k for k in self.keys.values() if k.institution_id == institution_id and k.revoked_at is None]
        return max(candidates, key=lambda k: k.valid_from).key_id if candidates else None
