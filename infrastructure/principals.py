"""Who may call the API: principals, issued and revoked as root-signed records of the network.

A principal belongs to one institution (or the bureau) and has roles: staff, head, bureau, auditor,
finance. Its bearer token is shown once, when issued; the network record keeps only the token's
HMAC-SHA-256 under a key in the keystore (Keystore.principal_token_key), never in the database.
Authentication believes only network records that verify under the root key (network_view.py), so
neither a row written into a table nor an unsigned record in the event table makes anyone a principal,
and a revocation, being a signed record, cannot be undone. Who could act, and when, is in the ledger.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.actor import SHANGHAI, Actor, iso_precise
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from infrastructure.network_view import Grant, VerifiedNetwork
from infrastructure.transparency_log import TransparencyLog


@dataclass(frozen=True)
class Principal:
    principal_id: str
    name: str
    institution_id: str
    roles: frozenset[Role]
    issued_at: str = ""
    revoked_at: str | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @classmethod
    def of(cls, grant: Grant) -> Principal:
        roles = frozenset(Role(r) for r in grant.roles)
        return cls(grant.principal_id, grant.name, grant.institution_id, roles, grant.issued_at, grant.revoked_at)


class PrincipalStore:
    def __init__(self, ledger: CaseLedger, token_key: bytes | None, log: TransparencyLog | None = None) -> None:
        """`token_key` may be None where no token is issued or checked (listing, revoking). With the global
        `log`, records cut off the end of the network stream (a last revocation, say) are noticed too."""
        self.ledger = ledger
        self._token_key = token_key
        self._log = log
        self._view: VerifiedNetwork | None = None
        self._lock = threading.Lock()

    def add(self, name: str, institution_id: str, roles: set[Role], issued_by: str = "system") -> tuple[Principal, str]:
        """Issue a principal and its bearer token (returned once, never stored)."""
        if not name.strip() or len(name) > 200 or not name.isprintable():
            raise DomainError("INVALID_NAME", "名称应为 1 至 200 个可打印字符 (the name must be 1 to 200 printable characters).")
        token = "tb_" + secrets.token_urlsafe(32)
        principal_id = uuid.uuid4().hex[:12]
        network = self.ledger.network_for_change()
        bureau = Actor(network.directory().bureau().institution_id, issued_by, Role.BUREAU).record()
        at = iso_precise(datetime.now(SHANGHAI))
        network.issue_principal(principal_id, name, institution_id, [r.value for r in roles], self._digest(token), by=bureau, at=at)
        self.ledger.save_network(network)
        return Principal(principal_id, name, institution_id, frozenset(roles), at), token

    def revoke(self, principal_id: str, revoked_by: str = "system") -> None:
        network = self.ledger.network_for_change()
        bureau = Actor(network.directory().bureau().institution_id, revoked_by, Role.BUREAU).record()
        network.revoke_principal(principal_id, by=bureau, at=iso_precise(datetime.now(SHANGHAI)))
        self.ledger.save_network(network)

    def authenticate(self, token: str) -> Principal | None:
        digest = self._digest(token)
        for grant in self._verified().principals.values():
            if hmac.compare_digest(grant.token_digest, digest):
                return None if grant.revoked_at is not None else Principal.of(grant)
        return None

    def list(self) -> list[Principal]:
        """Every principal ever issued, with when it was issued and revoked: who could act, and when."""
        return [Principal.of(g) for g in sorted(self._verified().principals.values(), key=lambda g: (g.issued_at, g.name))]

    def _verified(self) -> VerifiedNetwork:
        """The root-verified network, read again whenever its stream has grown (a revocation by any process
        takes effect at the next request); one indexed read when it has not."""
        version, logged = self._network_versions()
        with self._lock:
            if self._view is None or self._view.version != version:
                self._view = self.ledger.verified_network()
            view = self._view
        problems = list(view.problems) or (["a record after the last verified one"] if view.version != version else [])
        if logged > version:
            problems.append("records the global log holds are missing from the end of the network stream")
        if problems:  # fail closed: a broken stream could hide a revocation
            raise DomainError(
                "NETWORK_STREAM_BROKEN",
                f"网络记录有误，暂停认证，请运行 tongban verify (the network's records do not verify, so no one is authenticated "
                f"until they do: {problems[0]}).",
            )
        return view

    def _network_versions(self) -> tuple[int, int]:
        """The network stream's last version as stored and as the global log holds it (one read, with a log)."""
        if self._log is not None:
            return self._log.versions(self.ledger.network_id)
        head = self.ledger.recorder.select_events(self.ledger.network_id, desc=True, limit=1)
        return (head[0].originator_version if head else 0), 0

    def _digest(self, token: str) -> str:
        assert self._token_key is not None, "issuing or checking a token needs the keystore's token key"
        return hmac.new(self._token_key, token.encode(), hashlib.sha256).hexdigest()
