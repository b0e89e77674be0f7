"""The commands (命令): one typed model per action a person takes on the ledger, and the one table of them.

A command carries what the person gave, checked for shape (domain/fields.py); running it asks the case
to act, and the case enforces the rules. Each case command declares, where it is defined, its path in
the API, the role its actor acts in and whether it is the bureau's; the HTTP routes, the service, the
demo and the tests all read `CASE_COMMANDS`, so a new command is added here and nowhere else.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, NamedTuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.actor import Actor, check_time
from domain.assignment import Choice, LawyerPool, UnavailablePool
from domain.case import Case
from domain.fields import Applicant, Hardship, Notice, Printable, Text, short_text
from domain.intake import Application
from domain.network import Directory
from domain.policy import PolicyProfile
from domain.vocabulary import (
    Channel,
    DispatchMethod,
    KeyGroup,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    Role,
    TerminationGround,
)

CLOCK_TOLERANCE = timedelta(minutes=5)  # how far ahead of the server's clock a client's clock may run


class Context(NamedTuple):
    """What a command may need besides the case: the network's institutions, the city's policy and its
    lawyer pool."""

    directory: Directory
    policy: PolicyProfile
    lawyers: LawyerPool = UnavailablePool()


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: AwareDatetime | None = Field(default=None, description="When the action happened (ISO-8601 with offset). Default: now. 操作时间")

    def time(self, now: datetime) -> datetime:
        """When the action happened: the time given, or now. No action is dated ahead of the server's clock
        (beyond a small tolerance) or outside the years the ledger reasons about."""
        if self.at is None:
            return now
        check_time(self.at, latest=now + CLOCK_TOLERANCE)
        return self.at


class ReceiveApplication(Command):
    """受理: any legal aid centre of the city accepts an application, whatever the district, or an authority's
    notice to appoint a defender (通知辩护/代理), which is neither means-tested nor decided."""

    channel: Channel
    matter_kind: MatterKind
    authority_name: Text = Field(description="办案机关, e.g. 青山区人民法院")
    authority_district: Text = Field(description="Where the authority sits: a district id, or 'municipal' for city-level authorities")
    authority_case_number: Printable = short_text(
        100, "办案机关案号, e.g. (2026)内0204民初88号: lawyers who acted for another party in it are refused (conflict check)"
    )
    cause_of_action: Printable = short_text(
        100, "案由（民事、行政案件，如 追索劳动报酬纠纷）或罪名（刑事案件，如 盗窃罪）: the cause of action or the charge"
    )
    applicant: Applicant = Field(description="申请人; on a notice, the suspect or defendant (犯罪嫌疑人、被告人)")
    hardship: Hardship | None = Field(default=None, description="经济困难依据; required for an application, absent on a notice")
    notice: Notice | None = Field(
        default=None, description="通知辩护/代理: the authority's notice, with a notified_by_* channel (LAL arts 25, 28, 36)"
    )
    key_groups: list[KeyGroup] = Field(default_factory=list, max_length=20, description="重点人群 (green channel)")
    group_case: bool = Field(default=False, description="群体性案件")
    complex_case: bool = Field(default=False, description="重大疑难复杂")
    emergency: bool = Field(default=False, description="紧急案件 (LAL art 44): aid first, formalities after")
    possible_life_or_death: bool = Field(default=False, description="可能判处无期徒刑、死刑")
    summary: Printable = short_text(2000, "案情摘要")

    def open(self, actor: Actor, at: datetime, context: Context) -> Case:
        application = Application(
            channel=self.channel,
            matter_kind=self.matter_kind,
            authority_name=self.authority_name,
            authority_district=self.authority_district,
            authority_case_number=self.authority_case_number,
            cause_of_action=self.cause_of_action,
            applicant=self.applicant.model_dump(),
            hardship=self.hardship.model_dump(exclude_none=True) if self.hardship else None,
            notice=self.notice.model_dump() if self.notice else None,
            key_groups=tuple(self.key_groups),
            group_case=self.group_case,
            complex_case=self.complex_case,
            emergency=self.emergency,
            possible_life_or_death=self.possible_life_or_death,
            summary=self.summary,
        )
        return Case.receive_application(actor, at, application, directory=context.directory, policy=context.policy)


class KeyedCommand(Command):
    """A command on a thing its path names by a key (a lawyer by licence number, a complaint by number):
    `class Family(KeyedCommand, table=FAMILY)` gives a family its table, `class X(Family, path="status")`
    registers X in it under its path."""

    path: ClassVar[str]
    table: ClassVar[dict[str, Any]]

    def __init_subclass__(cls, *, table: dict[str, Any] | None = None, path: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if table is not None:
            cls.table = table
        if path is not None:
            cls.path = path
            cls.table[path] = cls


CASE_COMMANDS: dict[str, type[CaseCommand]] = {}  # API path segment -> command, in the order of a case's life


class CaseCommand(Command):
    """An action on an existing case. `class GrantAid(CaseCommand, path="grant")` registers it; `acts_as`
    is the role its actor acts in when the person holds it (a head signs as head), `bureau` marks the
    bureau's own commands, which it may take on any case."""

    path: ClassVar[str]
    name: ClassVar[str]  # the case's method, and the API's operation id case_<name>
    acts_as: ClassVar[Role]
    bureau: ClassVar[bool]

    def __init_subclass__(cls, *, path: str, acts_as: Role = Role.STAFF, bureau: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.path, cls.acts_as, cls.bureau = path, acts_as, bureau
        cls.name = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        CASE_COMMANDS[path] = cls

    @abstractmethod
    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        """Ask the case to act (it records one event or refuses)."""


class NotifyMissingMaterials(CaseCommand, path="missing-materials-notice"):
    """一次性告知补充材料: every missing item, in one notice."""

    items: list[Text] = Field(min_length=1, max_length=100)

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.notify_missing_materials(actor, at, items=self.items)


class SupplementMaterials(CaseCommand, path="materials-supplemented"):
    """补充材料: the applicant supplies items the notice named."""

    items: list[Text] = Field(min_length=1, max_length=100)

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.supplement_materials(actor, at, items=self.items)


class Withdraw(CaseCommand, path="withdrawal"):
    """撤回申请: the applicant withdraws, or is deemed to (视为撤回)."""

    reason: Text
    deemed: bool = Field(default=False, description="视为撤回: materials not supplemented")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.withdraw(actor, at, reason=self.reason, deemed=self.deemed)


class RecordReviewOpinion(CaseCommand, path="review-opinion"):
    """审查意见 on the review form (审查表)."""

    reviewer: Text
    opinion: Text
    recommendation: Recommendation

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.record_review_opinion(
            actor, at, reviewer=self.reviewer, opinion=self.opinion, recommendation=self.recommendation, policy=context.policy
        )


class SignOffReview(CaseCommand, path="review-sign-off", acts_as=Role.HEAD):
    """负责人签字 (head only)."""

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.sign_off_review(actor, at)


class DesignateJurisdiction(CaseCommand, path="jurisdiction-designation", bureau=True):
    """指定管辖 (bureau only)."""

    institution_id: Text
    reason: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.designate_jurisdiction(actor, at, institution_id=self.institution_id, reason=self.reason, directory=context.directory)


class RequestTransfer(CaseCommand, path="transfer"):
    """转交, with the applicant's consent, to the centre where the authority sits."""

    to_institution: Text
    applicant_consent: bool

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.request_transfer(
            actor, at, to_institution=self.to_institution, applicant_consent=self.applicant_consent, directory=context.directory
        )


class DispatchMaterials(CaseCommand, path="materials-dispatch"):
    """寄送材料: the sending institution dispatches the materials."""

    method: DispatchMethod
    reference: Text = Field(description="快递单号 or electronic reference")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.dispatch_materials(actor, at, method=self.method, reference=self.reference)


class ReceiveMaterials(CaseCommand, path="materials-receipt"):
    """签收材料: the handling institution confirms receipt."""

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.receive_materials(actor, at)


class EnterOnPlatform(CaseCommand, path="platform-entry"):
    """录入省级平台 (provincial platform)."""

    platform_number: Text = Field(description="省级平台编号")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.enter_on_platform(actor, at, platform_number=self.platform_number)


class GrantAid(CaseCommand, path="grant"):
    """给予法律援助决定."""

    document_number: Text = Field(description="给予法律援助决定书编号")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.grant_aid(actor, at, document_number=self.document_number)


class RefuseAid(CaseCommand, path="refusal"):
    """不予法律援助决定, with reasons and legal basis."""

    document_number: Text = Field(description="不予法律援助决定书编号")
    reasons: Text
    legal_basis: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.refuse_aid(actor, at, document_number=self.document_number, reasons=self.reasons, legal_basis=self.legal_basis)


ClientChoice = Annotated[
    str | None,
    Field(
        pattern=r"^\d{17}$",
        description="点援: the licence number (执业证号) of the lawyer the applicant chose; honoured if qualified and free of "
        "conflict, otherwise rotation (轮派) chooses and the record says why",
    ),
]


RotationIfRefused = Annotated[
    bool, Field(description="轮派 when the client's choice cannot be honoured (default); false: refuse, recording nothing")
]


class AppointLawyer(CaseCommand, path="appointment"):
    """指派律师: the client's choice or rotation from the pool; the applicant is told the office and phone."""

    client_choice: ClientChoice = None
    rotation_if_refused: RotationIfRefused = True

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        choice = Choice(self.client_choice, self.rotation_if_refused)
        case.appoint_lawyer(actor, at, choice=choice, lawyers=context.lawyers, policy=context.policy)


class ChangeLawyer(CaseCommand, path="lawyer-change"):
    """更换律师, chosen as an appointment is."""

    client_choice: ClientChoice = None
    rotation_if_refused: RotationIfRefused = True
    reason: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        choice = Choice(self.client_choice, self.rotation_if_refused)
        case.change_lawyer(actor, at, choice=choice, reason=self.reason, lawyers=context.lawyers, policy=context.policy)


class InformAuthority(CaseCommand, path="authority-reply"):
    """告知办案机关: on a notice, tell the police, procuratorate or court who the lawyer is (LAL art 36)."""

    reference: Text = Field(description="告知函/复函编号, or how the authority was told")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.inform_authority(actor, at, reference=self.reference)


class Terminate(CaseCommand, path="termination"):
    """终止法律援助 (LAL art 48)."""

    ground: TerminationGround
    document_number: Text
    facts: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.terminate(actor, at, ground=self.ground, document_number=self.document_number, facts=self.facts)


class FileObjection(CaseCommand, path="objection", bureau=True):
    """异议: recorded by the bureau that set up the centre that refused or terminated (LAL art 49)."""

    grounds: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.file_objection(actor, at, grounds=self.grounds, directory=context.directory)


class DecideObjection(CaseCommand, path="objection-decision", bureau=True):
    """异议审查决定 by that bureau, within 5 days: uphold, or order correction."""

    ruling: ObjectionRuling
    reasons: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.decide_objection(actor, at, ruling=self.ruling, reasons=self.reasons, directory=context.directory)


# The commands after closing are in their own module, which imports this one; importing it here registers them.
import domain.closing_commands  # noqa: E402, F401
