"""The words of the domain, as enumerations whose values are what the ledger stores."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How an application reached the institution (申请渠道)."""

    WINDOW = "window"  # 窗口
    PHONE = "phone"  # 电话
    ONLINE = "online"  # 网上
    WORKSTATION = "workstation"  # 工作站 / 联络点
    # A person in custody may apply through the authority or the detention facility, which only
    # forwards the application (转交申请, LAL art 39): it is reviewed and decided like any other.
    FORWARDED_BY_COURT = "forwarded_by_court"  # 法院转交申请
    FORWARDED_BY_PROCURATORATE = "forwarded_by_procuratorate"  # 检察院转交申请
    FORWARDED_BY_POLICE = "forwarded_by_police"  # 公安机关转交申请
    FORWARDED_BY_DETENTION = "forwarded_by_detention"  # 看守所转交申请
    # The authority itself notifies the institution to appoint a defender (通知辩护/代理, LAL arts 25,
    # 28, 36): no hardship review, no grant decision; appoint and tell the authority within 3 days.
    NOTIFIED_BY_COURT = "notified_by_court"  # 人民法院通知辩护/代理
    NOTIFIED_BY_PROCURATORATE = "notified_by_procuratorate"  # 人民检察院通知辩护
    NOTIFIED_BY_POLICE = "notified_by_police"  # 公安机关通知辩护

    @property
    def is_authority_notice(self) -> bool:
        """Police, procuratorate or court notified the institution (通知辩护/代理, LAL art 36)."""
        return self.value.startswith("notified_by_")


class NoticeGround(StrEnum):
    """Why the authority must notify the institution (LAL art 25(1), 25(2), 28); the value's legal basis is `legal_basis`."""

    MINOR = "minor"  # 未成年人
    SENSORY_DISABILITY = "sensory_disability"  # 视力、听力、言语残疾人
    DIMINISHED_CAPACITY = "diminished_capacity"  # 不能完全辨认自己行为的成年人
    LIFE_OR_DEATH = "life_or_death"  # 可能被判处无期徒刑、死刑的人
    DEATH_SENTENCE_REVIEW = "death_sentence_review"  # 申请法律援助的死刑复核案件被告人
    ABSENT_DEFENDANT = "absent_defendant"  # 缺席审判案件的被告人
    OTHER_STATUTORY = "other_statutory"  # 法律法规规定的其他人员
    ORDINARY_PROCEDURE = "ordinary_procedure"  # 其他适用普通程序审理、没有委托辩护人的被告人（法院可以通知）
    COMPULSORY_MEDICAL_TREATMENT = "compulsory_medical_treatment"  # 强制医疗案件的被申请人或者被告人

    @property
    def legal_basis(self) -> str:
        return _NOTICE_BASIS[self]

    @property
    def needs_senior_defender(self) -> bool:
        """LAL art 26: a possible life or death sentence, or a death-sentence review, needs 3+ years of practice."""
        return self in (NoticeGround.LIFE_OR_DEATH, NoticeGround.DEATH_SENTENCE_REVIEW)


_NOTICE_BASIS = {
    NoticeGround.MINOR: "《法律援助法》第二十五条第一款第一项",
    NoticeGround.SENSORY_DISABILITY: "《法律援助法》第二十五条第一款第二项",
    NoticeGround.DIMINISHED_CAPACITY: "《法律援助法》第二十五条第一款第三项",
    NoticeGround.LIFE_OR_DEATH: "《法律援助法》第二十五条第一款第四项",
    NoticeGround.DEATH_SENTENCE_REVIEW: "《法律援助法》第二十五条第一款第五项",
    NoticeGround.ABSENT_DEFENDANT: "《法律援助法》第二十五条第一款第六项",
    NoticeGround.OTHER_STATUTORY: "《法律援助法》第二十五条第一款第七项",
    NoticeGround.ORDINARY_PROCEDURE: "《法律援助法》第二十五条第二款",
    NoticeGround.COMPULSORY_MEDICAL_TREATMENT: "《法律援助法》第二十八条",
}


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
    AUTHORITY_NOTICE = "authority_notice"  # 通知辩护/代理：不审查经济困难 (LAL arts 25, 28)


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


class FileGrade(StrEnum):
    """The grade a closed case's file gets on review (案卷质量评查, 001 二(七); 003: 43.9 % excellent in 2022)."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    QUALIFIED = "qualified"  # 合格
    UNQUALIFIED = "unqualified"  # 不合格

    @property
    def zh(self) -> str:
        return {"excellent": "优秀", "good": "良好", "qualified": "合格", "unqualified": "不合格"}[self.value]


class QualityCheckKind(StrEnum):
    """How an institution watches a lawyer's work beside the file review (质量管理措施, 004 三(六); 001 二(七))."""

    HEARING_ATTENDANCE = "hearing_attendance"  # 庭审旁听
    AUTHORITY_OPINION = "authority_opinion"  # 征询办案机关（法院）意见
    FOLLOW_UP_CALL = "follow_up_call"  # 受援人回访


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
    BUREAU = "bureau"  # 市司法局: keeps the network, designates jurisdiction, set up the municipal centre
    MUNICIPAL_CENTRE = "municipal_centre"  # 市法律援助中心
    COUNTY_CENTRE = "county_centre"  # 旗县区法律援助中心
    COUNTY_BUREAU = "county_bureau"  # 旗县区司法局: set up its district's centre and hears objections to it (LAL 49)

    @property
    def is_centre(self) -> bool:
        """A legal aid institution (法律援助机构), not a justice bureau (司法行政机关)."""
        return self in (InstitutionKind.MUNICIPAL_CENTRE, InstitutionKind.COUNTY_CENTRE)
