"""Transfer (转交): the first-receiving institution sends the materials, with the applicant's consent, to
the centre where the case-handling authority sits (or one the bureau designated, 指定管辖); that centre
confirms receipt and from then on reviews, decides and appoints (000 三(二))."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.actor import Actor
from domain.errors import DomainError
from domain.guards import active, by_bureau, by_handling, in_order, no_transfer_pending, undecided
from domain.network import MUNICIPAL_DISTRICT, Directory

if TYPE_CHECKING:
    from domain.case import Case


@dataclass(frozen=True)
class Transfer:
    from_institution: str
    to_institution: str
    requested_at: str
    dispatched_at: str | None = None
    method: str | None = None
    reference: str | None = None
    received_at: str | None = None

    @property
    def pending(self) -> bool:
        """Requested, and not yet received: the receiving centre cannot act on the case yet."""
        return self.received_at is None

    def dispatched(self, at: str, method: str, reference: str) -> Transfer:
        return replace(self, dispatched_at=at, method=method, reference=reference)

    def received(self, at: str) -> Transfer:
        return replace(self, received_at=at)

    def as_record(self) -> dict[str, Any]:
        """As the API shows it: from, to, requested_at; dispatched, method and reference once sent; received."""
        shown: dict[str, Any] = {"from": self.from_institution, "to": self.to_institution, "requested_at": self.requested_at}
        if self.dispatched_at is not None:
            shown.update(dispatched=self.dispatched_at, method=self.method, reference=self.reference)
        if self.received_at is not None:
            shown["received"] = self.received_at
        return shown


def check_designation(case: Case, actor: Actor, at: datetime, institution_id: str, directory: Directory) -> str:
    """In a jurisdiction dispute the bureau designates a legal aid centre to handle the case."""
    when = in_order(case, at)
    by_bureau(actor, directory, "指定管辖")
    undecided(case)
    if not directory.is_centre(directory.get(institution_id).institution_id):
        raise DomainError("NOT_A_LEGAL_AID_CENTRE", "只能指定法律援助机构承办 (designate a legal aid centre).")
    return when


def check_request(case: Case, actor: Actor, at: datetime, to_institution: str, applicant_consent: bool, directory: Directory) -> str:
    """Only with the applicant's consent, and only to where the authority sits or the bureau designated."""
    when = in_order(case, at)
    by_handling(case, actor, "转交")
    undecided(case)
    no_transfer_pending(case)
    if not applicant_consent:
        raise DomainError("NO_APPLICANT_CONSENT", "转交须经申请人同意 (the applicant has not consented to the transfer).")
    target = directory.get(to_institution)
    if target.institution_id == actor.institution_id:
        raise DomainError("TRANSFER_TO_SELF", "不能转交给本机构 (cannot transfer to yourself).")
    if target.institution_id not in allowed_targets(case.authority["district"], case.designated_institution, directory):
        raise DomainError(
            "WRONG_TRANSFER_TARGET",
            f"只能转交给办案机关所在地或司法局指定的法律援助机构，{target.name} 不是 "
            "(transfer only to the centre where the authority sits, or one the bureau designated).",
        )
    return when


def allowed_targets(authority_district: str, designated: str | None, directory: Directory) -> set[str]:
    """The centre of the authority's district (the municipal centre for city-level authorities), and the
    centre the bureau designated, if any."""
    if authority_district == MUNICIPAL_DISTRICT:
        where = next(i.institution_id for i in directory.centres() if i.district == MUNICIPAL_DISTRICT)
    else:
        where = directory.centre_for_district(authority_district).institution_id
    return {where} | ({designated} if designated else set())


def check_dispatch(case: Case, actor: Actor, at: datetime) -> str:
    when = in_order(case, at)
    transfer = case.transfer
    if transfer is None or not transfer.pending:
        raise DomainError("NO_TRANSFER_REQUESTED", "本案没有待发送的转交 (no transfer is waiting to be sent).")
    if actor.institution_id != transfer.from_institution:
        raise DomainError("NOT_TRANSFERRING_INSTITUTION", "只有转出机构可以寄送材料 (only the sending institution dispatches).")
    if transfer.dispatched_at is not None:
        raise DomainError("ALREADY_DISPATCHED", "材料已寄出 (materials were already dispatched).")
    active(case)
    return when


def check_receipt(case: Case, actor: Actor, at: datetime) -> str:
    when = in_order(case, at)
    transfer = case.transfer
    if transfer is None or transfer.dispatched_at is None or not transfer.pending:
        raise DomainError("NOTHING_IN_TRANSIT", "没有寄往本机构的材料 (no materials are in transit).")
    if actor.institution_id != transfer.to_institution:
        raise DomainError("NOT_TRANSFER_TARGET", "只有接收机构可以签收材料 (only the receiving institution confirms receipt).")
    active(case)
    return when
