"""Baotou (包头): its legal aid network (seed 003: the justice bureau, the municipal centre and 9 county-level
centres, each set up by its county-level justice bureau) and the values of its rules. Sources are named beside each value; see RULES.md."""

from __future__ import annotations

from domain.network import MUNICIPAL_DISTRICT, Institution
from domain.policy.profile import Counting, DeadlineRule, Exemption, PolicyProfile, SubsidyBand, Waiver
from domain.vocabulary import InstitutionKind, MatterKind, SubsidyKind

BUREAU_ID = "baotou-bureau"
MUNICIPAL_CENTRE_ID = "baotou-municipal"

# (district id, district name)
DISTRICTS = (
    ("kundulun", "昆都仑区"),
    ("qingshan", "青山区"),
    ("donghe", "东河区"),
    ("jiuyuan", "九原区"),
    ("shiguai", "石拐区"),
    ("baiyunebo", "白云鄂博矿区"),
    ("tumed-right", "土默特右旗"),
    ("guyang", "固阳县"),
    ("darhan-muminggan", "达尔罕茂明安联合旗"),
)
DISTRICT_NAMES = {MUNICIPAL_DISTRICT: "包头市", **dict(DISTRICTS)}


def _institutions() -> tuple[Institution, ...]:
    network = [
        Institution(BUREAU_ID, "包头市司法局", InstitutionKind.BUREAU, MUNICIPAL_DISTRICT),
        Institution(MUNICIPAL_CENTRE_ID, "包头市法律援助中心", InstitutionKind.MUNICIPAL_CENTRE, MUNICIPAL_DISTRICT),
    ]
    for district, name in DISTRICTS:  # each county-level bureau set up its district's centre (LAL 49)
        network.append(Institution(f"baotou-{district}", f"{name}法律援助中心", InstitutionKind.COUNTY_CENTRE, district))
        network.append(Institution(f"baotou-{district}-bureau", f"{name}司法局", InstitutionKind.COUNTY_BUREAU, district))
    return tuple(network)


_CIVIL = frozenset({MatterKind.CIVIL})
_EXEMPTIONS = (
    # LAL art 42: hardship need not be verified for people who prove they are one of these.
    Exemption("minor", "无固定生活来源的未成年人", "LAL art 42(1)", Waiver.NO_VERIFICATION),
    Exemption("elderly_no_income", "无固定生活来源的老年人", "LAL art 42(1)", Waiver.NO_VERIFICATION),
    Exemption("disabled_no_income", "无固定生活来源的残疾人", "LAL art 42(1)", Waiver.NO_VERIFICATION),
    Exemption("social_assistance", "社会救助对象（低保、特困供养人员）", "LAL art 42(2)", Waiver.NO_VERIFICATION),
    Exemption("judicial_assistance", "司法救助对象", "LAL art 42(2)", Waiver.NO_VERIFICATION),
    Exemption("special_care", "优抚对象", "LAL art 42(2)", Waiver.NO_VERIFICATION),
    Exemption(
        "migrant_worker_wages", "进城务工人员请求支付劳动报酬或者工伤事故人身损害赔偿", "LAL art 42(3)", Waiver.NO_VERIFICATION, _CIVIL
    ),
    # LAL art 32: these claims get aid whatever the applicant's means.
    Exemption("heroes_martyrs", "英雄烈士近亲属为维护英雄烈士的人格权益", "LAL art 32(1)", Waiver.NO_HARDSHIP_CONDITION, _CIVIL),
    Exemption("bravery", "因见义勇为行为主张相关民事权益", "LAL art 32(2)", Waiver.NO_HARDSHIP_CONDITION, _CIVIL),
    Exemption(
        "state_compensation",
        "再审改判无罪请求国家赔偿",
        "LAL art 32(3)",
        Waiver.NO_HARDSHIP_CONDITION,
        frozenset({MatterKind.ADMINISTRATIVE, MatterKind.CIVIL}),
    ),
    Exemption(
        "abuse_victim",
        "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益",
        "LAL art 32(4)",
        Waiver.NO_HARDSHIP_CONDITION,
        frozenset({MatterKind.CIVIL, MatterKind.CRIMINAL}),  # a victim's claim, or the victim's agent in a prosecution
    ),
    # Baotou's own (001 二(四)): deemed to be in hardship.
    Exemption("disaster", "因自然灾害或其他不可抗力等原因造成经济困难", "包头 001 二(四)", Waiver.DEEMED_HARDSHIP),
    Exemption("unemployed", "领取失业保险金或持失业证人员", "包头 001 二(四)", Waiver.DEEMED_HARDSHIP),
)

# 法律援助投诉处理办法 (司法部 2013, revised as 司法部令第149号 in force 2025-06-15); LAL 56.
_COMPLAINTS = "法律援助投诉处理办法; LAL art 56"

BAOTOU = PolicyProfile(
    name="baotou",
    city="包头市",
    bureau_id=BUREAU_ID,
    institutions=_institutions(),
    district_names=DISTRICT_NAMES,
    # Inner Mongolia class-1 monthly minimum wage, 2,270 yuan, applied city-wide (seed 000 二(九)).
    hardship_monthly_income_per_person_fen=227_000,
    subsidy_bands={
        SubsidyKind.CRIMINAL_CASE: SubsidyBand(SubsidyKind.CRIMINAL_CASE, 80_000, 160_000),
        SubsidyKind.CIVIL_ADMINISTRATIVE_CASE: SubsidyBand(SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, 100_000, 180_000),
        SubsidyKind.DUTY_LAWYER_DAY: SubsidyBand(SubsidyKind.DUTY_LAWYER_DAY, 20_000, 50_000, per_working_day=True),
    },
    deadlines=(
        DeadlineRule("SAME_DAY", "当日受理、当日审查、当日指派", 0, Counting.SAME_DAY, source="000 三(一)"),
        DeadlineRule("TRANSFER", "受理后2个工作日内转交材料", 2, Counting.WORKING_DAYS, source="000 二(五)"),
        DeadlineRule(
            "PLATFORM",
            "收到材料后2个工作日内录入审批（重大疑难复杂3个）",
            2,
            Counting.WORKING_DAYS,
            complex_limit=3,
            source="000 二(六)",
        ),
        DeadlineRule("DECISION", "收到申请之日起7日内作出决定", 7, Counting.NATURAL_DAYS, source="LAL art 43"),
        DeadlineRule("APPOINT", "决定给予法律援助之日起3日内指派", 3, Counting.NATURAL_DAYS, source="000 二(七); LAL art 43"),
        DeadlineRule(
            "NOTIFIED",
            "收到公检法通知之日起3日内指派律师并告知办案机关（在押，不因节假日延长）",
            3,
            Counting.NATURAL_DAYS,
            source="LAL art 36; 刑事诉讼法 art 105",
            extends_past_rest_days=False,
        ),
        DeadlineRule("OBJECTION", "司法行政机关5日内审查异议", 5, Counting.NATURAL_DAYS, source="LAL art 49"),
        DeadlineRule("COMPLAINT_ACCEPT", "收到投诉之日起5个工作日内决定是否受理", 5, Counting.WORKING_DAYS, source=_COMPLAINTS),
        DeadlineRule("COMPLAINT", "受理投诉之日起45日内办结并答复投诉人", 45, Counting.NATURAL_DAYS, source=_COMPLAINTS),
        DeadlineRule("FILE", "结案后30日内提交立卷材料", 30, Counting.NATURAL_DAYS, source="办理法律援助案件程序规定 (2023)"),
        DeadlineRule(
            "SUBSIDY",
            "收到结案卷宗后30日内审查卷宗（审查后支付补贴）",
            30,
            Counting.NATURAL_DAYS,
            source="办理法律援助案件程序规定 (2023)",
        ),
    ),
    exemptions={e.code: e for e in _EXEMPTIONS},
)
