"""The Chinese a caseworker or finance officer reads for the codes of the closed vocabularies, in downloads and
pages; the JSON keeps the codes. A code that has no word here is shown as it is."""

from __future__ import annotations

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
    # file grades (卷宗等级)
    "excellent": "优秀",
    "good": "良好",
    "qualified": "合格",
    "unqualified": "不合格",
    # breakdowns of the ledger (台账)
    "total": "合计",
    "matter_kind": "案件类别",
    "key_group": "重点人群",
    # findings of reconciliation (对账结论)
    "within_band": "在标准内",
    "above_band_approved": "超标准（经负责人批准）",
    "above_band_without_approval": "超标准未经批准",
    "below_band": "低于标准",
    "duplicate": "重复支付",
    "paid_before_file": "结案或卷宗提交前支付",
    "not_first_receiving": "非首次受理机构支付",
}


def word(code: str | None) -> str:
    return WORDS.get(code, code) if code else ""
