"""A case's progress (办理进度): the facts its status and its involved institutions follow from, the one
status function and the one "involved" function. The case aggregate and the case index both use them:
the aggregate reads the facts off its state, the index folds them from the records (`after`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.case import Case


class CaseStatus(StrEnum):
    RECEIVED = "received"  # 已受理
    AWAITING_MATERIALS = "awaiting_materials"  # 待补充材料
    TRANSFER_REQUESTED = "transfer_requested"  # 待转交
    MATERIALS_IN_TRANSIT = "materials_in_transit"  # 材料转送中
    GRANTED = "granted"  # 已决定给予
    REFUSED = "refused"  # 不予法律援助
    APPOINTED = "appointed"  # 已指派
    TERMINATED = "terminated"  # 已终止
    WITHDRAWN = "withdrawn"  # 已撤回
    CLOSED = "closed"  # 已结案
    ARCHIVED = "archived"  # 已归档


@dataclass(frozen=True)
class Progress:
    first_receiving: str  # 首次受理机构
    handling: str  # 承办机构
    designated: str | None = None  # 司法局指定的机构
    transfer_from: str | None = None
    transfer_to: str | None = None
    transfer_dispatched: bool = False
    transfer_received: bool = False
    outstanding_materials: tuple[str, ...] = ()
    decision: str | None = None  # "granted" | "refused"
    lawyer_appointed: bool = False
    terminated: bool = False
    withdrawn: bool = False
    closed: bool = False
    archived: bool = False
    objection_against: str | None = None  # "refusal" | "termination"

    @classmethod
    def of(cls, case: Case) -> Progress:
        """The progress read off a case's state."""
        transfer = case.transfer
        return cls(
            first_receiving=case.first_receiving_institution,
            handling=case.handling_institution,
            designated=case.designated_institution,
            transfer_from=transfer.from_institution if transfer else None,
            transfer_to=transfer.to_institution if transfer else None,
            transfer_dispatched=bool(transfer and transfer.dispatched_at),
            transfer_received=bool(transfer and transfer.received_at),
            outstanding_materials=tuple(case.outstanding_materials),
            decision=case.decision,
            lawyer_appointed=case.lawyer is not None,
            terminated=case.terminated,
            withdrawn=case.withdrawn,
            closed=case.closed is not None,
            archived=case.archived,
            objection_against=case.objection.against if case.objection else None,
        )

    @property
    def status(self) -> CaseStatus:
        if self.archived:
            return CaseStatus.ARCHIVED
        if self.withdrawn:
            return CaseStatus.WITHDRAWN
        if self.terminated:
            return CaseStatus.TERMINATED
        if self.closed:
            return CaseStatus.CLOSED
        if self.lawyer_appointed:
            return CaseStatus.APPOINTED
        if self.decision == "granted":
            return CaseStatus.GRANTED
        if self.decision == "refused":
            return CaseStatus.REFUSED
        if self.transfer_to is not None and not self.transfer_received:
            return CaseStatus.MATERIALS_IN_TRANSIT if self.transfer_dispatched else CaseStatus.TRANSFER_REQUESTED
        if self.outstanding_materials:
            return CaseStatus.AWAITING_MATERIALS
        return CaseStatus.RECEIVED

    @property
    def involved(self) -> frozenset[str]:
        """The institutions with a part in the case, who may see it: it received it, handles it, took part
        in its transfer, or was designated by the bureau. (The bureau and auditors see every case.)"""
        return frozenset(i for i in (self.first_receiving, self.handling, self.transfer_from, self.transfer_to, self.designated) if i)

    def after(self, kind: str, payload: dict[str, Any], institution: str) -> Progress:
        """The progress after a record of `kind` (`Case.` left off) made by `institution`."""
        change: dict[str, Any] = {}
        if kind == "MissingMaterialsNotified":
            change["outstanding_materials"] = tuple(payload["items"])
        elif kind == "MaterialsSupplemented":
            change["outstanding_materials"] = tuple(i for i in self.outstanding_materials if i not in payload["items"])
        elif kind == "JurisdictionDesignated":
            change["designated"] = payload["institution_id"]
        elif kind == "TransferRequested":
            change.update(
                transfer_from=institution, transfer_to=payload["to_institution"], transfer_dispatched=False, transfer_received=False
            )
        elif kind == "MaterialsDispatched":
            change["transfer_dispatched"] = True
        elif kind == "MaterialsReceived":
            change.update(transfer_received=True, handling=institution)
        elif kind in ("AidGranted", "AidRefused"):
            change["decision"] = "granted" if kind == "AidGranted" else "refused"
        elif kind in ("LawyerAppointed", "LawyerChanged"):
            change["lawyer_appointed"] = True
        elif kind == "ObjectionFiled":
            change["objection_against"] = payload["against"]
        elif kind == "ObjectionDecided" and payload["ruling"] == "correction_ordered":
            # a corrected refusal goes back to review; a corrected termination resumes where it was
            if self.objection_against == "refusal":
                change["decision"] = None
            else:
                change["terminated"] = False
        flag = {"AidTerminated": "terminated", "ApplicationWithdrawn": "withdrawn", "CaseClosed": "closed", "CaseArchived": "archived"}
        if kind in flag:
            change[flag[kind]] = True
        return replace(self, **change) if change else self
