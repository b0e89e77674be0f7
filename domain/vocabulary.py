"""The words of the domain, as enumerations whose values are what the ledger stores."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How an application reached the institution (申请渠道)."""

    WINDOW = "window"  # 窗口
    PHONE = "phone"  # 电话
    ONLINE = "online"  # 网上
    WORKSTATION = "workstation"  # 工作站 / 联络点
    FORWARDED_BY_COURT = "forwarded_by_court"  # 法院转交
    FORWARDED_BY_PROCURATORATE = "forwarded_by_procuratorate"  # 检察院转交
    FORWARDED_BY_POLICE = "forwarded_by_police"  # 公安机关转交
    FORWARDED_BY_DETENTION = "forwarded_by_detention"  # 看守所转交

    @property
    def is_authority_notice(self) -> bool:
        """Police, procuratorate or court notified the institution (通知辩护/代理, LAL art 36)."""
        return self.value.startswith("forwarded_by_")


class MatterKind(StrEnum):
    """Kind of matter (案件类别)."""

    CRIMINAL = "criminal"  # 刑事
    CIVIL = "civil"  # 民事
    ADMINISTRATIVE = "administrative"  # 行政
    LEGAL_HELP = "legal_help"  # 法律帮助
    DUTY_LAWYER = "duty_lawyer"  # 值班律师


class KeyGroup(StrEnum):
    """Groups given priority in the green channel (绿色通道)."""

    MIGRANT_WORKER = "migrant_worker"  # 农民工
    ELDERLY = "elderly"  # 老年人
    MINOR = "minor"  # 未成年人
    DISABLED = "disabled"  # 残疾人
    MILITARY_FAMILY = "military_family"  # 军人军属
    WOMAN = "woman"  # 妇女


class HardshipBasis(StrEnum):
    """What the applicant's financial hardship rests on (经济困难依据)."""

    HARDSHIP_STATEMENT = "hardship_statement"  # 经济困难状况说明表
    CREDIT_COMMITMENT = "credit_commitment"  # 个人诚信承诺书
    EXEMPTION = "exemption"  # 免予核查经济困难


class Recommendation(StrEnum):
    """The reviewer's recommendation on the review form (审查表)."""

    GRANT = "grant"  # 给予法律援助
    REFUSE = "refuse"  # 不予法律援助


class DispatchMethod(StrEnum):
    """How transferred materials travel (快递或电子邮寄)."""

    COURIER = "courier"
    ELECTRONIC = "electronic"


class AboveBandGround(StrEnum):
    """The only two grounds on which a subsidy above the band may be approved (001 二(三))."""

    REMOTE_EVIDENCE_GATHERING = "remote_evidence_gathering"  # 异地取证
    DIFFICULT_OR_COMPLEX = "difficult_or_complex"  # 疑难复杂案件


class TerminationGround(StrEnum):
    """Statutory grounds for ending aid (LAL art 48)."""

    DECEPTION = "deception"  # 以欺骗或者其他不正当手段获得法律援助
    CONCEALED_FACTS = "concealed_facts"  # 故意隐瞒重要事实或者提供虚假证据
    ILLEGAL_USE = "illegal_use"  # 利用法律援助从事违法活动
    NO_LONGER_ELIGIBLE = "no_longer_eligible"  # 经济状况改善，不再符合条件
    CASE_ENDED = "case_ended"  # 案件终止审理或者被撤销
    OWN_LAWYER = "own_lawyer"  # 自行委托律师或者其他代理人
    RECIPIENT_REQUEST = "recipient_request"  # 受援人有正当理由要求终止
    OTHER_STATUTORY = "other_statutory"  # 法律法规规定的其他情形


class ObjectionRuling(StrEnum):
    """The justice bureau's ruling on an objection (异议审查, LAL art 49)."""

    UPHELD = "upheld"  # 维持
    CORRECTION_ORDERED = "correction_ordered"  # 责令改正


class SubsidyKind(StrEnum):
    """Subsidy bands of the policy profile (办案补贴)."""

    CRIMINAL_CASE = "criminal_case"  # 刑事案件，按件
    CIVIL_ADMINISTRATIVE_CASE = "civil_administrative_case"  # 民事、行政案件，按件
    DUTY_LAWYER_DAY = "duty_lawyer_day"  # 值班律师，按工作日


class Role(StrEnum):
    """What a person may do for their institution."""

    STAFF = "staff"  # 工作人员
    HEAD = "head"  # 机构负责人
    BUREAU = "bureau"  # 司法局
    AUDITOR = "auditor"  # 审计
    FINANCE = "finance"  # 财务


class InstitutionKind(StrEnum):
    BUREAU = "bureau"  # 市司法局
    MUNICIPAL_CENTRE = "municipal_centre"  # 市法律援助中心
    COUNTY_CENTRE = "county_centre"  # 旗县区法律援助中心
