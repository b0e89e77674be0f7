"""The Chinese a caseworker or finance officer reads for the codes of the closed vocabularies, in downloads and
pages; the JSON keeps the codes. A code that has no word here is shown as it is."""

from __future__ import annotations

import unicodedata

from domain.consultations import ConsultationChannel, ConsultationTopic
from domain.vocabulary import FileGrade

WORDS: dict[str, str] = {
    # matters (案件类别) and the subsidy kinds (补贴类别)
    "criminal": "刑事",
    "civil": "民事",
    "administrative": "行政",
    "legal_help": "法律帮助",
    "duty_lawyer": "值班律师",
    "criminal_case": "刑事案件（按件）",
    "civil_administrative_case": "民事、行政案件（按件）",
    "duty_lawyer_day": "值班律师（按工作日）",
    # channels (受理渠道)
    "window": "窗口",
    "phone": "电话",
    "online": "网上",
    "workstation": "工作站、联络点",
    "forwarded_by_court": "法院转交申请",
    "forwarded_by_procuratorate": "检察院转交申请",
    "forwarded_by_police": "公安机关转交申请",
    "forwarded_by_detention": "看守所转交申请",
    "notified_by_court": "法院通知辩护（代理）",
    "notified_by_procuratorate": "检察院通知辩护",
    "notified_by_police": "公安机关通知辩护",
    # the grounds of an authority's notice (通知理由, LAL arts 25, 28)
    "sensory_disability": "视力、听力、言语残疾人",
    "diminished_capacity": "不能完全辨认自己行为的成年人",
    "life_or_death": "可能被判处无期徒刑、死刑的人",
    "death_sentence_review": "死刑复核案件被告人",
    "absent_defendant": "缺席审判案件的被告人",
    "other_statutory": "法律法规规定的其他人员",
    "ordinary_procedure": "适用普通程序审理、没有委托辩护人的被告人",
    "compulsory_medical_treatment": "强制医疗案件的被申请人或者被告人",
    # hardship bases (经济困难依据), decisions and how a case ended
    "hardship_statement": "经济困难状况说明表",
    "credit_commitment": "个人诚信承诺",
    "exemption": "免予核查",
    "authority_notice": "通知辩护（不审查经济状况）",
    "granted": "给予援助",
    "refused": "不予援助",
    "notified": "通知辩护（代理）",
    "withdrawn": "撤回",
    "terminated": "终止",
    "filed": "已提出异议",
    "courier": "快递",
    "electronic": "电子",
    # case statuses (案件状态)
    "received": "已受理",
    "awaiting_materials": "待补充材料",
    "transfer_requested": "待转交",
    "materials_in_transit": "材料转送中",
    "appointed": "已指派",
    "closed": "已结案",
    "archived": "已归档",
    # the records of a case (案件记录), as a timeline names them
    "ApplicationReceived": "受理申请",
    "MissingMaterialsNotified": "一次性告知补充材料",
    "MaterialsSupplemented": "补充材料",
    "ApplicationWithdrawn": "撤回申请",
    "ReviewOpinionRecorded": "审查意见",
    "ReviewSignedOff": "负责人签字",
    "JurisdictionDesignated": "指定管辖",
    "TransferRequested": "申请转交",
    "MaterialsDispatched": "寄送材料",
    "MaterialsReceived": "签收材料",
    "EnteredOnPlatform": "录入平台",
    "AidGranted": "给予法律援助决定",
    "AidRefused": "不予法律援助决定",
    "LawyerAppointed": "指派律师",
    "LawyerChanged": "更换律师",
    "AuthorityInformed": "告知办案机关",
    "AidTerminated": "终止法律援助",
    "ObjectionFiled": "提出异议",
    "ObjectionDecided": "异议审查决定",
    "PersonalDataErased": "删除个人信息",
    "CaseClosed": "结案",
    "ClosingFileSubmitted": "提交结案材料",
    "QualityCheckRecorded": "质量评查",
    "ClosingFileReviewed": "卷宗审查",
    "CaseArchived": "归档",
    "AboveBandSubsidyApproved": "超标准补贴审批",
    "SubsidyPaid": "支付办案补贴",
    # key groups (重点人群)
    "migrant_worker": "农民工",
    "elderly": "老年人",
    "minor": "未成年人",
    "disabled": "残疾人",
    "military_family": "军人军属",
    "woman": "妇女",
    # breakdowns of the ledger (台账)
    "total": "合计",
    "matter_kind": "案件类别",
    "key_group": "重点人群",
    # the yearly figures (统计)
    "applications_received": "受理申请",
    "cases_granted": "给予援助",
    "cases_notified": "通知辩护（代理）",
    "cases_by_matter_kind": "按案件类别",
    "recipients": "受援人",
    "amount_recovered_fen": "挽回经济损失",
    "key_groups_served": "重点人群",
    "transfers_across_districts": "跨区转交",
    "cases_closed": "结案",
    "files_archived": "归档",
    "quality": "质量评查",
    "files_reviewed": "评查卷宗",
    "files_by_grade": "按等级",
    "excellent_share": "优秀率",
    "excellent_share_seed_2022": "2022年优秀率（种子数据）",
    "checks": "质量检查",
    "hearing_attendance": "庭审旁听",
    "authority_opinion": "办案机关意见",
    "follow_up_call": "回访",
    "count": "次数",
    "satisfactory": "满意",
    "recipients_satisfied_share": "受援人满意率",
    "complaints": "投诉",
    "accepted": "受理",
    "about_lawyers": "针对律师",
    "about_institutions": "针对机构",
    "decided": "已处理",
    "upheld": "属实",
    "consultations": "咨询",
    "by_channel": "按渠道",
    "by_topic": "按事项",
    "told_how_to_apply": "告知申请程序",
    "total_seed_2022": "2022年总数（种子数据）",
    # compliance (期限合规)
    "met": "按期",
    "missed": "逾期完成",
    "overdue": "已逾期未办",
    "stopped": "中止",
    "open": "未到期",
    "due_soon": "即将到期",
    "provisional": "未到期（日历待定）",
    "paused": "暂停计算（待补充材料）",
    # findings of reconciliation (对账结论)
    "within_band": "在标准内",
    "above_band_approved": "超标准（经负责人批准）",
    "above_band_without_approval": "超标准未经批准",
    "below_band": "低于标准",
    "duplicate": "重复支付",
    "paid_before_file": "结案或卷宗提交前支付",
    "not_first_receiving": "非首次受理机构支付",
}


# file grades (卷宗等级), consultation channels and topics: their enums hold their Chinese
WORDS.update({g.value: g.zh for g in FileGrade})
WORDS.update({c.value: c.zh for c in ConsultationChannel})
WORDS.update({t.value: t.zh for t in ConsultationTopic if t.value not in WORDS})  # civil, criminal... are matters too


# The fields of commands and records as a reader names them (a form's groups, an audit report's contents); a field
# not listed is shown by its own name.
FIELD_WORDS = {
    "document_number": "决定书文号 decision no.",
    "reason": "理由 reason",
    "reasons": "理由 reasons",
    "grounds": "依据 grounds",
    "ground": "依据 ground",
    "legal_basis": "法律依据 legal basis",
    "amount_fen": "金额 amount",
    "amount_recovered_fen": "挽回金额 recovered",
    "payee": "收款人 payee",
    "reference": "凭证或单号 reference",
    "kind": "类别 kind",
    "working_days": "工作日 working days",
    "archive_number": "档案号 archive no.",
    "platform_number": "平台编号 platform no.",
    "outcome": "结案情况 outcome",
    "pages": "页数 pages",
    "grade": "等级 grade",
    "opinion": "意见 opinion",
    "reviewer": "审查人 reviewer",
    "recommendation": "建议 recommendation",
    "eligible": "符合条件 eligible",
    "eligibility_reason": "经济状况 means test",
    "to_institution": "转交至 to",
    "applicant_consent": "申请人同意 consent",
    "method": "方式 method",
    "lawyer": "律师 lawyer",
    "assignment": "指派 assignment",
    "applicant": "申请人 applicant",
    "authority": "办案机关 authority",
    "authority_case_number": "办案机关案号 authority's case no.",
    "matter_kind": "案件类别 matter",
    "channel": "渠道 channel",
    "hardship": "经济困难依据 hardship",
    "notice": "通知 notice",
    "items": "材料 items",
    "ruling": "决定 ruling",
    "satisfactory": "满意 satisfactory",
    "notes": "记录 notes",
    "institution_id": "机构 institution",
    "summary": "案情摘要 summary",
    "key_groups": "重点人群 key groups",
    "basis": "依据 basis",
    "household_monthly_income_fen": "家庭月收入 household income a month",
    "household_size": "家庭人口 household size",
    "complex_case": "重大疑难复杂 complex",
    "emergency": "紧急 emergency",
    "group_case": "群体性 group case",
    "possible_life_or_death": "可能判处无期徒刑、死刑 life or death",
}


def field_word(name: str) -> str:
    return FIELD_WORDS.get(name, name)


def word(code: str | None) -> str:
    return WORDS.get(code, code) if code else ""


def shown_width(text: str) -> int:
    """Columns a text takes on a screen or in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int) -> str:
    return text + " " * max(0, width - shown_width(text))
