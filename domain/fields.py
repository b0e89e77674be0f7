"""The shapes a command's fields take: bounded text without control characters, amounts in fen, and the
applicant, hardship and lawyer a command carries. Checked before the case sees them."""

from __future__ import annotations

import re
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.vocabulary import HardshipBasis, NoticeGround

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    """NUL and the other C0 controls, but tab, line feed and carriage return, which free text may hold."""
    return _CONTROL.search(text) is not None


def _printable(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("不可含控制字符 (control characters such as NUL are not allowed)")
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable)]
Printable = Annotated[str, AfterValidator(_printable)]
Fen = Annotated[int, Field(ge=0, le=10**12, description="Amount in fen (分), an integer: 1 yuan = 100 fen.")]


def short_text(max_length: int, description: str) -> Any:
    """An optional text field (empty allowed), bounded, without control characters."""
    return Field(default="", max_length=max_length, description=description)


Record = dict[str, Any]  # a part of an event's payload, as recorded
By = dict[str, str]  # who recorded an event: institution, person, role


class PersonalData(NamedTuple):
    """Where an event holds a person's personal information (个人信息, PIPL): the payload field, the key in it
    that names the person, and the items that are personal. The ledger encrypts those items per person
    before signing, so that erasing the person's key erases them and every signature still verifies."""

    field: str
    subject: str
    items: tuple[str, ...]


APPLICANT_DATA = PersonalData("applicant", "applicant_id", ("name", "id_number", "phone", "address"))
PERSONAL_DATA_FIELDS = APPLICANT_DATA.items


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


class Notice(BaseModel):
    """The authority's notice to appoint a defender or agent (通知辩护/代理公函, LAL art 36)."""

    model_config = ConfigDict(extra="forbid")
    ground: NoticeGround = Field(description="通知理由: minor, life_or_death, death_sentence_review ... (LAL arts 25, 28)")
    document_number: Text = Field(description="通知书/公函编号, e.g. 青检通援〔2026〕12号")
