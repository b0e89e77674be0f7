"""The bureau's commands on the lawyer pool (律师库): one typed model per action, and the table of them that
the HTTP routes and the CLI read, as domain/commands.py does for cases."""

from __future__ import annotations

from abc import abstractmethod
from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from domain.actor import Actor
from domain.commands import Command, Context, KeyedCommand
from domain.fields import Text
from domain.lawyers import Lawyer, LawyerProfile, LawyerStatus, Specialty

LicenceNumber = Annotated[str, Field(pattern=r"^\d{17}$", description="律师执业证号: 17 digits, e.g. 11502201810123456")]
Specialties = Annotated[list[Specialty], Field(min_length=1, max_length=len(Specialty), description="擅长领域, as verified")]
PracticeSince = Annotated[
    date | None, Field(default=None, description="刑事辩护执业起始日 as verified by the bureau (None: no criminal practice)")
]


class RegisterLawyer(Command):
    """登记入库: the bureau adds a lawyer to the pool, with the experience it verified."""

    licence_number: LicenceNumber
    name: Text = Field(description="律师姓名")
    firm: Text = Field(description="律师事务所")
    firm_district: Text = Field(description="律师事务所所在旗县区 (district id), for assigning a firm near the case (就近)")
    office_address: Text = Field(description="办公地址 (told to the applicant)")
    office_phone: Text = Field(description="联系电话 (told to the applicant)")
    specialties: Specialties
    criminal_practice_since: PracticeSince
    verification: Text = Field(description="核验依据, e.g. 执业证、刑事案件代理记录核验")

    def open(self, actor: Actor, at: datetime, context: Context) -> Lawyer:
        profile = LawyerProfile(
            self.licence_number,
            self.name,
            self.firm,
            self.firm_district,
            self.office_address,
            self.office_phone,
            frozenset(self.specialties),
            self.criminal_practice_since,
            LawyerStatus.ACTIVE,
        )
        return Lawyer.register(actor, at, context.policy.city, profile, self.verification, context.directory)


POOL_COMMANDS: dict[str, type[PoolCommand]] = {}  # API path segment under /lawyers/{licence_number}/ -> command


class PoolCommand(KeyedCommand, table=POOL_COMMANDS):
    """A change to a lawyer in the pool; `class X(PoolCommand, path="status")` registers it."""

    @abstractmethod
    def run(self, lawyer: Lawyer, actor: Actor, at: datetime, context: Context) -> None:
        """Ask the lawyer's record to change (one event, or a refusal)."""


class ChangeLawyerStatus(PoolCommand, path="status"):
    """暂停指派 / 恢复 / 退出律师库."""

    status: LawyerStatus
    reason: Text

    def run(self, lawyer: Lawyer, actor: Actor, at: datetime, context: Context) -> None:
        lawyer.change_status(actor, at, context.directory, self.status, self.reason)


class MoveLawyer(PoolCommand, path="firm"):
    """转所或变更联系方式."""

    firm: Text
    firm_district: Text
    office_address: Text
    office_phone: Text

    def run(self, lawyer: Lawyer, actor: Actor, at: datetime, context: Context) -> None:
        lawyer.move(actor, at, context.directory, self.firm, self.firm_district, self.office_address, self.office_phone)


class VerifyPractice(PoolCommand, path="practice"):
    """核验执业经历: the specialties and the start of criminal practice the bureau checked, and how."""

    specialties: Specialties
    criminal_practice_since: PracticeSince
    verification: Text

    def run(self, lawyer: Lawyer, actor: Actor, at: datetime, context: Context) -> None:
        lawyer.verify_practice(actor, at, context.directory, frozenset(self.specialties), self.criminal_practice_since, self.verification)
