"""Commands on cases, the one path from a person to the ledger: who they act as, whether their
institution may touch the case, the case loaded once, the command run and saved once per request key.

The HTTP app is a thin adapter over this: it authenticates the person (a Principal) and turns headers
into an expected version and a request key; everything that decides is here or in the case itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from domain.actor import Actor
from domain.availability import refused_now
from domain.case import Case
from domain.commands import CaseCommand, ReceiveApplication
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.idempotency import IdempotencyStore, RequestKey, StoredResponse
from infrastructure.ledger import CaseLedger, acted, created
from infrastructure.principals import Principal


@dataclass(frozen=True)
class Answer:
    """A command's answer: its status and body, and whether it is the stored answer to an earlier try."""

    status: int
    body: dict[str, object]
    replayed: bool = False

    @classmethod
    def of(cls, stored: StoredResponse, replayed: bool = False) -> Answer:
        return cls(stored.status, stored.body, replayed)


class CaseService:
    def __init__(self, ledger: CaseLedger, idempotency: IdempotencyStore) -> None:
        self.ledger = ledger
        self.idempotency = idempotency

    # ------------------------------------------------------------------ who may see what
    def sees_everything(self, principal: Principal) -> bool:
        """Auditors, and the bureau's own officials, see every case and every institution's figures."""
        return principal.has(Role.AUDITOR) or (principal.has(Role.BUREAU) and self.ledger.directory().is_bureau(principal.institution_id))

    def case_for(self, principal: Principal, case_id: UUID) -> Case:
        """The case, if the principal's institution has a part in it (or sees every case)."""
        case = self.ledger.get_case(case_id)
        self._check_access(principal, case)
        return case

    def _check_access(self, principal: Principal, case: Case) -> None:
        if not (self.sees_everything(principal) or self._involved_or_over(principal, case)):
            raise DomainError("NOT_YOUR_CASE", "本机构与该案件无关，无权查看或办理 (your institution has no part in this case).")

    def _involved_or_over(self, principal: Principal, case: Case) -> bool:
        """Its institution has a part in the case, or is the county-level bureau that set up the centre
        handling it and hears objections to it (LAL 49)."""
        if principal.institution_id in case.involved_institutions:
            return True
        directory = self.ledger.directory()
        try:
            return (
                principal.has(Role.BUREAU) and directory.bureau_over(case.handling_institution).institution_id == principal.institution_id
            )
        except DomainError:  # the centre's bureau is not registered
            return False

    @staticmethod
    def may_see_personal_data(principal: Principal, involved: frozenset[str]) -> bool:
        """Auditors, and the institutions with a part in the case (their caseworkers serve the applicant)."""
        return principal.has(Role.AUDITOR) or principal.institution_id in involved

    # ------------------------------------------------------------------ commands
    def receive(self, principal: Principal, command: ReceiveApplication, now: datetime, request: RequestKey | None = None) -> Answer:
        """受理: the principal's institution becomes the first-receiving institution (首次受理机构) for good."""

        def run(key: RequestKey | None) -> Answer:
            case_id = self.ledger.receive_application(command, actor_for(principal, Role.STAFF), command.time(now), request=key)
            return Answer.of(created(case_id))

        return self._once(request, run)

    def act(
        self,
        principal: Principal,
        case_id: UUID,
        command: CaseCommand,
        now: datetime,
        *,
        expected_version: int | None = None,
        request: RequestKey | None = None,
    ) -> Answer:
        """Run one command on a case: loaded once, authorised once, saved with its request key."""

        def run(key: RequestKey | None) -> Answer:
            actor = actor_for(principal, command.acts_as)
            case = self.ledger.get_case(case_id)
            if not (command.bureau and principal.has(Role.BUREAU)):  # the bureau's commands reach any case
                self._check_access(principal, case)
            version = self.ledger.act(case, command, actor, command.time(now), expected_version=expected_version, request=key)
            return Answer.of(acted(case_id, version, command))

        return self._once(request, run)

    def refusals_now(
        self, principal: Principal, case: Case, commands: Iterable[type[CaseCommand]], now: datetime
    ) -> dict[str, DomainError]:
        """可办理: of `commands`, those the case refuses from this principal now whatever is typed in, with why."""
        context = self.ledger.context()
        refused = {c.path: refused_now(case, c, actor_for(principal, c.acts_as), now, context) for c in commands}
        return {path: refusal for path, refusal in refused.items() if refusal is not None}

    def erase_personal_data(self, principal: Principal, applicant_id: str, reason: str, now: datetime) -> list[UUID]:
        """删除个人信息 (bureau only)."""
        if not principal.has(Role.BUREAU):
            raise_role_not_allowed(Role.BUREAU)
        actor = Actor(principal.institution_id, _person(principal), Role.BUREAU)
        return self.ledger.erase_personal_data(actor, now, applicant_id, reason)

    def _once(self, request: RequestKey | None, run: Callable[[RequestKey | None], Answer]) -> Answer:
        return once(self.idempotency, request, run)


def once(idempotency: IdempotencyStore, request: RequestKey | None, run: Callable[[RequestKey | None], Answer]) -> Answer:
    """Run a command once per request key: its answer is stored with its events (idempotency.py), so a
    retry, even after a crash, gets the first answer, and a twin request that lost the race gets it too."""
    if request is None:
        return run(None)
    stored = idempotency.find(request)
    if stored is None:
        try:
            return run(request)
        except DomainError as refusal:
            stored = idempotency.find(request) if refusal.code in ("VERSION_CONFLICT", "PRECONDITION_FAILED") else None
            if stored is None:
                raise
    return Answer.of(stored, replayed=True)


def _person(principal: Principal) -> str:
    return f"{principal.name} ({principal.principal_id})"


def actor_for(principal: Principal, acts_as: Role) -> Actor:
    """The actor a principal is when issuing a command: a head signs as head where the command calls for
    one, a bureau official as the bureau; auditors and finance read and never act."""
    if not principal.has(Role.STAFF, Role.HEAD, Role.BUREAU):
        raise DomainError("ROLE_NOT_ALLOWED", "审计、财务角色只能查询，不能办理案件 (auditors and finance read; they do not act).")
    role = Role.STAFF
    if acts_as is Role.HEAD and principal.has(Role.HEAD):
        role = Role.HEAD
    elif principal.has(Role.BUREAU):
        role = Role.BUREAU
    elif principal.has(Role.HEAD) and not principal.has(Role.STAFF):
        role = Role.HEAD
    return Actor(principal.institution_id, _person(principal), role)


def bureau_actor(principal: Principal) -> Actor:
    """The bureau's own commands (the lawyer pool, complaints): only a bureau official, signing as the bureau."""
    if not principal.has(Role.BUREAU):
        raise_role_not_allowed(Role.BUREAU)
    return actor_for(principal, Role.BUREAU)


def raise_role_not_allowed(*roles: Role) -> NoReturn:
    allowed = ", ".join(r.value for r in roles)
    raise DomainError("ROLE_NOT_ALLOWED", f"您的角色不能进行此操作，需要: {allowed} (your roles do not allow this).")
