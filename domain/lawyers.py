"""The lawyer pool (律师库): the lawyers a city's legal aid institutions appoint, kept by the justice bureau.

Each lawyer is a small aggregate of their own, a stream signed by the bureau like the network's, so who
was in the pool, with which verified experience and status, at any moment is part of the signed ledger.
Years of criminal practice are what the bureau verified (核验), from a date, never what a lawyer declares:
the count on the day of an appointment decides LAL art 26.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, iso
from domain.errors import DomainError
from domain.fields import By, Record
from domain.guards import by_bureau, in_order, required
from domain.network import Directory


class LawyerStatus(StrEnum):
    ACTIVE = "active"  # 在库，可指派
    SUSPENDED = "suspended"  # 暂停指派 (e.g. under investigation after a complaint)
    LEFT = "left"  # 退出律师库


class Specialty(StrEnum):
    """What a lawyer takes on (擅长领域); minors' cases need one who knows minors (熟悉未成年人身心特点)."""

    CRIMINAL = "criminal"  # 刑事
    CIVIL = "civil"  # 民事
    ADMINISTRATIVE = "administrative"  # 行政
    LABOUR = "labour"  # 劳动争议
    FAMILY = "family"  # 婚姻家事
    MINORS = "minors"  # 未成年人


_STATUS_NAMES = {LawyerStatus.SUSPENDED: "暂停指派", LawyerStatus.LEFT: "已退出律师库"}


def lawyer_stream_id(city: str, licence_number: str) -> UUID:
    """One stream per licence number (执业证号): registering the same lawyer twice is refused, not duplicated."""
    return uuid5(NAMESPACE_URL, f"tongban:lawyer:{city}:{licence_number}")


def not_on_roll(licence_number: str) -> DomainError:
    return DomainError("LAWYER_NOT_ON_ROLL", f"执业证号 {licence_number} 不在本市法律援助律师库中 (no such lawyer in the pool).")


@dataclass(frozen=True)
class LawyerProfile:
    """A lawyer as the pool knows them at one moment: what appointments are checked against."""

    licence_number: str
    name: str
    firm: str
    firm_district: str
    office_address: str
    office_phone: str
    specialties: frozenset[Specialty]
    criminal_practice_since: date | None
    status: LawyerStatus

    def criminal_practice_years(self, on: date) -> int:
        """Whole years of verified criminal practice on a day (0 without any)."""
        since = self.criminal_practice_since
        if since is None or on < since:
            return 0
        return on.year - since.year - ((on.month, on.day) < (since.month, since.day))

    def cannot_take(self, specialty: Specialty) -> DomainError | None:
        """Why the lawyer cannot be given work of a specialty now (suspended, left, not their field), or None."""
        if self.status is not LawyerStatus.ACTIVE:
            return DomainError("LAWYER_NOT_ACTIVE", f"{self.name}律师{_STATUS_NAMES[self.status]}，不能指派 (the lawyer is {self.status}).")
        if specialty not in self.specialties:
            return DomainError(
                "LAWYER_WRONG_SPECIALTY", f"{self.name}律师不承办{specialty.value}案件 (not in the lawyer's verified specialties)."
            )
        return None

    def as_told(self, on: date) -> Record:
        """What the appointment records and the applicant is told (指派并告知)."""
        return {
            "licence_number": self.licence_number,
            "name": self.name,
            "firm": self.firm,
            "office_address": self.office_address,
            "office_phone": self.office_phone,
            "criminal_practice_years": self.criminal_practice_years(on),
        }


class Lawyer(Aggregate):
    """A lawyer in the pool (律师库中的律师). Every change is the bureau's and is signed by it."""

    @staticmethod
    def create_id(city: str, licence_number: str, **_: Any) -> UUID:
        return lawyer_stream_id(city, licence_number)

    @classmethod
    def register(cls, actor: Actor, at: datetime, city: str, profile: LawyerProfile, verification: str, directory: Directory) -> Lawyer:
        by_bureau(actor, directory, "登记律师库")
        _check_district(profile.firm_district, directory)
        lawyer: Lawyer = cls(
            city=city,
            licence_number=profile.licence_number,
            name=required(profile.name, "律师姓名"),
            firm=required(profile.firm, "律师事务所"),
            firm_district=profile.firm_district,
            office_address=required(profile.office_address, "办公地址"),
            office_phone=required(profile.office_phone, "联系电话"),
            specialties=sorted(profile.specialties),
            criminal_practice_since=_day(profile.criminal_practice_since),
            verification=required(verification, "核验依据"),
            by=actor.record(),
            at=iso(at),
        )
        return lawyer

    @event("Registered")
    def __init__(
        self,
        city: str,
        licence_number: str,
        name: str,
        firm: str,
        firm_district: str,
        office_address: str,
        office_phone: str,
        specialties: list[str],
        criminal_practice_since: str | None,
        verification: str,
        by: By,
        at: str,
    ) -> None:
        self.licence_number, self.name = licence_number, name
        self.firm, self.firm_district, self.office_address, self.office_phone = firm, firm_district, office_address, office_phone
        self.specialties = frozenset(Specialty(s) for s in specialties)
        self.criminal_practice_since = _date(criminal_practice_since)
        self.status = LawyerStatus.ACTIVE
        self.last_at = at

    def profile(self) -> LawyerProfile:
        return LawyerProfile(
            self.licence_number,
            self.name,
            self.firm,
            self.firm_district,
            self.office_address,
            self.office_phone,
            self.specialties,
            self.criminal_practice_since,
            self.status,
        )

    # ---------------------------------------------------------------- the bureau's changes
    def change_status(self, actor: Actor, at: datetime, directory: Directory, status: LawyerStatus, reason: str) -> None:
        """暂停指派、恢复或退出律师库, with the reason."""
        when = self._checked(actor, at, directory, "变更律师状态")
        if status is self.status:
            raise DomainError("LAWYER_STATUS_UNCHANGED", f"律师状态已是 {status.value} (the lawyer's status already is {status.value}).")
        self._status_changed(status=status.value, reason=required(reason, "变更原因"), by=actor.record(), at=when)

    @event("StatusChanged")
    def _status_changed(self, status: str, reason: str, by: By, at: str) -> None:
        self.status, self.last_at = LawyerStatus(status), at

    def move(self, actor: Actor, at: datetime, directory: Directory, firm: str, firm_district: str, address: str, phone: str) -> None:
        """转所或变更联系方式: later appointments tell applicants the new office."""
        when = self._checked(actor, at, directory, "变更律师执业机构")
        _check_district(firm_district, directory)
        self._moved(
            firm=required(firm, "律师事务所"),
            firm_district=firm_district,
            office_address=required(address, "办公地址"),
            office_phone=required(phone, "联系电话"),
            by=actor.record(),
            at=when,
        )

    @event("Moved")
    def _moved(self, firm: str, firm_district: str, office_address: str, office_phone: str, by: By, at: str) -> None:
        self.firm, self.firm_district, self.office_address, self.office_phone = firm, firm_district, office_address, office_phone
        self.last_at = at

    def verify_practice(
        self, actor: Actor, at: datetime, directory: Directory, specialties: frozenset[Specialty], criminal_since: date | None, basis: str
    ) -> None:
        """核验执业经历: the bureau records what it checked (specialties, criminal practice since) and how."""
        when = self._checked(actor, at, directory, "核验律师执业经历")
        if criminal_since is not None and criminal_since > datetime.fromisoformat(when).date():
            raise DomainError("PRACTICE_DATE_IN_FUTURE", "刑事执业起始日期不能晚于核验日期 (practice cannot start after the check).")
        self._practice_verified(
            specialties=sorted(specialties),
            criminal_practice_since=_day(criminal_since),
            verification=required(basis, "核验依据"),
            by=actor.record(),
            at=when,
        )

    @event("PracticeVerified")
    def _practice_verified(self, specialties: list[str], criminal_practice_since: str | None, verification: str, by: By, at: str) -> None:
        self.specialties = frozenset(Specialty(s) for s in specialties)
        self.criminal_practice_since, self.last_at = _date(criminal_practice_since), at

    def _checked(self, actor: Actor, at: datetime, directory: Directory, what: str) -> str:
        by_bureau(actor, directory, what)
        return in_order(self, at, ("该律师", "the lawyer's"))


def _check_district(district: str, directory: Directory) -> None:
    directory.centre_for_district(district)  # UNKNOWN_DISTRICT for a district not of this city


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
