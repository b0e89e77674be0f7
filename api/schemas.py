"""The API's request bodies: one pydantic model per case action, validated before the domain sees them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from api.boundary import has_control_characters
from domain.actor import SUPPORTED_YEARS
from domain.errors import DomainError
from domain.vocabulary import (
    Channel,
    DispatchMethod,
    HardshipBasis,
    KeyGroup,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    SubsidyKind,
    TerminationGround,
)


def _printable(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("不可含控制字符 (control characters such as NUL are not allowed)")
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable)]


def short_text(max_length: int, description: str) -> Any:
    """An optional text field (empty allowed), bounded, without control characters."""
    return Field(default="", max_length=max_length, description=description)


Printable = Annotated[str, AfterValidator(_printable)]
Fen = Annotated[int, Field(ge=0, le=10**12, description="Amount in fen (分), an integer: 1 yuan = 100 fen.")]
CLOCK_TOLERANCE = timedelta(minutes=5)  # how far ahead of the server's clock a client's clock may run


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: AwareDatetime | None = Field(default=None, description="When the action happened (ISO-8601 with offset). Default: now. 操作时间")

    def arguments(self) -> dict[str, Any]:
        """What the domain method takes, besides the actor and the time."""
        return {name: getattr(self, name) for name in type(self).model_fields if name != "at"}


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicant_id: Text = Field(description="A stable pseudonymous id for the person (申请人编号); personal data is encrypted per id.")
    name: Text = Field(description="姓名")
    id_number: Printable = short_text(64, "身份证号")
    phone: Printable = short_text(64, "联系电话")
    address: Printable = short_text(500, "住址")


class Hardship(BaseModel):
    model_config = ConfigDict(extra="forbid")
    basis: HardshipBasis = Field(
        description="经济困难依据: hardship_statement (说明表), credit_commitment (诚信承诺), exemption (免予核查)"
    )
    household_monthly_income_fen: int | None = Field(
        default=None, ge=0, le=10**12, description="家庭月收入（分）, for a hardship statement"
    )
    household_size: int | None = Field(default=None, ge=1, le=50, description="家庭人口")
    exemption: Printable | None = Field(
        default=None, max_length=64, description="Exemption category of the policy, e.g. minor, migrant_worker_wages"
    )


class ReceiveApplication(Command):
    """受理: any legal aid centre of the city accepts, whatever the district."""

    channel: Channel
    matter_kind: MatterKind
    authority_name: Text = Field(description="办案机关, e.g. 青山区人民法院")
    authority_district: Text = Field(description="Where the authority sits: a district id, or 'municipal' for city-level authorities")
    applicant: Applicant
    hardship: Hardship
    key_groups: list[KeyGroup] = Field(default_factory=list, max_length=20, description="重点人群 (green channel)")
    group_case: bool = Field(default=False, description="群体性案件")
    complex_case: bool = Field(default=False, description="重大疑难复杂")
    emergency: bool = Field(default=False, description="紧急案件 (LAL art 44): aid first, formalities after")
    possible_life_or_death: bool = Field(default=False, description="可能判处无期徒刑、死刑")
    summary: Printable = short_text(2000, "案情摘要")

    def arguments(self) -> dict[str, Any]:
        args = super().arguments()
        args["applicant"] = self.applicant.model_dump()
        args["hardship"] = self.hardship.model_dump(exclude_none=True)
        args["key_groups"] = tuple(self.key_groups)
        return args


class NotifyMissingMaterials(Command):
    """一次性告知: every missing item, in one notice."""

    items: list[Text] = Field(min_length=1, max_length=100)


class SupplementMaterials(Command):
    items: list[Text] = Field(min_length=1, max_length=100)


class Withdraw(Command):
    reason: Text
    deemed: bool = Field(default=False, description="视为撤回: materials not supplemented")


class RecordReviewOpinion(Command):
    """审查意见 on the review form (审查表)."""

    reviewer: Text
    opinion: Text
    recommendation: Recommendation


class SignOffReview(Command):
    """负责人签字 (head only)."""


class DesignateJurisdiction(Command):
    """指定管辖 (bureau only)."""

    institution_id: Text
    reason: Text


class RequestTransfer(Command):
    """转交, with the applicant's consent, to the centre where the authority sits."""

    to_institution: Text
    applicant_consent: bool


class DispatchMaterials(Command):
    method: DispatchMethod
    reference: Text = Field(description="快递单号 or electronic reference")


class ReceiveMaterials(Command):
    """The handling institution confirms receipt (签收)."""


class EnterOnPlatform(Command):
    platform_number: Text = Field(description="省级平台编号")


class GrantAid(Command):
    document_number: Text = Field(description="给予法律援助决定书编号")


class RefuseAid(Command):
    document_number: Text = Field(description="不予法律援助决定书编号")
    reasons: Text
    legal_basis: Text


class Lawyer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text
    license_number: Printable = short_text(64, "执业证号")
    firm: Text = Field(description="律师事务所")
    office_address: Text = Field(description="办公地址 (told to the applicant)")
    office_phone: Text = Field(description="联系电话 (told to the applicant)")
    criminal_practice_years: int = Field(default=0, ge=0, le=80, description="刑事辩护执业年限")


class AppointLawyer(Command):
    lawyer: Lawyer

    def arguments(self) -> dict[str, Any]:
        return {"lawyer": self.lawyer.model_dump()}


class ChangeLawyer(Command):
    lawyer: Lawyer
    reason: Text

    def arguments(self) -> dict[str, Any]:
        return {"lawyer": self.lawyer.model_dump(), "reason": self.reason}


class Terminate(Command):
    """终止法律援助 (LAL art 48)."""

    ground: TerminationGround
    document_number: Text
    facts: Text


class FileObjection(Command):
    """异议 (bureau records it, LAL art 49)."""

    grounds: Text


class DecideObjection(Command):
    ruling: ObjectionRuling
    reasons: Text


class Close(Command):
    outcome: Text = Field(description="结案情况")
    amount_recovered_fen: Fen = 0


class SubmitClosingFile(Command):
    pages: int = Field(ge=1, le=100_000, description="卷宗页数")


class Archive(Command):
    archive_number: Text = Field(description="档案号")


class ApproveAboveBandSubsidy(Command):
    """超标准补贴审批 (head of the first-receiving institution)."""

    kind: SubsidyKind
    amount_fen: Fen
    reason: Text


class PaySubsidy(Command):
    """办案补贴 (first-receiving institution)."""

    kind: SubsidyKind
    amount_fen: Fen
    payee: Text
    reference: Text
    working_days: int = Field(default=1, ge=1, le=366, description="值班天数, for duty-lawyer subsidies")


# path segment -> (domain command, body model)
ACTIONS: dict[str, tuple[str, type[Command]]] = {
    "missing-materials-notice": ("notify_missing_materials", NotifyMissingMaterials),
    "materials-supplemented": ("supplement_materials", SupplementMaterials),
    "withdrawal": ("withdraw", Withdraw),
    "review-opinion": ("record_review_opinion", RecordReviewOpinion),
    "review-sign-off": ("sign_off_review", SignOffReview),
    "jurisdiction-designation": ("designate_jurisdiction", DesignateJurisdiction),
    "transfer": ("request_transfer", RequestTransfer),
    "materials-dispatch": ("dispatch_materials", DispatchMaterials),
    "materials-receipt": ("receive_materials", ReceiveMaterials),
    "platform-entry": ("enter_on_platform", EnterOnPlatform),
    "grant": ("grant_aid", GrantAid),
    "refusal": ("refuse_aid", RefuseAid),
    "appointment": ("appoint_lawyer", AppointLawyer),
    "lawyer-change": ("change_lawyer", ChangeLawyer),
    "termination": ("terminate", Terminate),
    "objection": ("file_objection", FileObjection),
    "objection-decision": ("decide_objection", DecideObjection),
    "closure": ("close", Close),
    "closing-file": ("submit_closing_file", SubmitClosingFile),
    "archiving": ("archive", Archive),
    "above-band-approval": ("approve_above_band_subsidy", ApproveAboveBandSubsidy),
    "subsidy-payment": ("pay_subsidy", PaySubsidy),
}


def when(command: Command, now: datetime) -> datetime:
    """When the action happened: the time given, or now. No action is dated ahead of the server's clock
    (beyond a small tolerance) or outside the years the ledger reasons about."""
    if command.at is None:
        return now
    check_time(command.at, latest=now + CLOCK_TOLERANCE)
    return command.at


def check_time(at: datetime, latest: datetime | None = None) -> None:
    """Refuse a time the ledger cannot reason about (TIME_OUT_OF_RANGE): too far ahead, or outside the years."""
    try:
        in_range = at.astimezone(latest.tzinfo if latest else at.tzinfo).year in SUPPORTED_YEARS
    except (OverflowError, ValueError):
        in_range = False
    if not in_range or (latest is not None and at > latest):
        limit = f"晚于服务器时间 {latest.isoformat(timespec='seconds')} " if latest is not None and in_range else ""
        raise DomainError(
            "TIME_OUT_OF_RANGE",
            f"时间 {at.isoformat()} {limit}超出可接受的范围 (the time is in the future or outside {SUPPORTED_YEARS.start}–"
            f"{SUPPORTED_YEARS.stop - 1}).",
        )
