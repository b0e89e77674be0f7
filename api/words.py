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
    "open": "未办结",
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


def word(code: str | None) -> str:
    return WORDS.get(code, code) if code else ""


def shown_width(text: str) -> int:
    """Columns a text takes on a screen or in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int) -> str:
    return text + " " * max(0, width - shown_width(text))
