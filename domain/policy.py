"""Policy profiles: the values that differ between cities live here as data, not in the rules.

The default profile is Baotou (包头). Sources are named beside each value; see RULES.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.vocabulary import MatterKind, SubsidyKind


class Counting(StrEnum):
    WORKING_DAYS = "working_days"  # 工作日
    NATURAL_DAYS = "natural_days"  # 自然日
    SAME_DAY = "same_day"  # 当日


@dataclass(frozen=True)
class SubsidyBand:
    """Allowed subsidy per unit (case or working day), in fen (分)."""

    kind: SubsidyKind
    minimum_fen: int
    maximum_fen: int
    per_working_day: bool = False


@dataclass(frozen=True)
class DeadlineRule:
    """One time limit: what starts it, how long it is and how it is counted."""

    rule_id: str
    description: str
    starts_at: str  # the event type that starts the clock
    limit: int
    counting: Counting
    complex_limit: int | None = None  # for major, difficult, complex or special cases
    source: str = ""


@dataclass(frozen=True)
class Exemption:
    """A category that needs no hardship check (免予核查经济困难), with its legal basis."""

    code: str
    description: str
    legal_basis: str


@dataclass(frozen=True)
class PolicyProfile:
    name: str
    city: str
    # Unified hardship standard for the whole city: monthly household income per person, in fen.
    # Not lower than the highest district minimum wage (seed 000 二(九)).
    hardship_monthly_income_per_person_fen: int
    subsidy_bands: dict[SubsidyKind, SubsidyBand]
    deadlines: tuple[DeadlineRule, ...]
    exemptions: dict[str, Exemption] = field(default_factory=dict)
    # A life or death sentence needs a lawyer with this many years of criminal practice (LAL art 26).
    serious_criminal_min_years: int = 3
    # LAL art 43 leaves open whether supplementing missing materials restarts the 7-day decision clock.
    # We restart it when the materials are complete: the institution cannot review an incomplete
    # application, and the applicant, not the institution, controls how long supplementing takes.
    decision_clock_restarts_when_materials_complete: bool = True

    def band(self, kind: SubsidyKind) -> SubsidyBand:
        return self.subsidy_bands[kind]

    def subsidy_kind_for(self, matter: MatterKind) -> SubsidyKind | None:
        return {
            MatterKind.CRIMINAL: SubsidyKind.CRIMINAL_CASE,
            MatterKind.CIVIL: SubsidyKind.CIVIL_ADMINISTRATIVE_CASE,
            MatterKind.ADMINISTRATIVE: SubsidyKind.CIVIL_ADMINISTRATIVE_CASE,
            MatterKind.DUTY_LAWYER: SubsidyKind.DUTY_LAWYER_DAY,
        }.get(matter)

    def deadline(self, rule_id: str) -> DeadlineRule:
        for rule in self.deadlines:
            if rule.rule_id == rule_id:
                return rule
        raise KeyError(rule_id)


_EXEMPTIONS = (
    Exemption("minor", "未成年人", "LAL art 42(1)"),
    Exemption("elderly_no_income", "无固定生活来源的老年人", "LAL art 42(1)"),
    Exemption("disabled_no_income", "无固定生活来源的残疾人", "LAL art 42(1)"),
    Exemption("social_assistance", "低保、特困供养人员", "LAL art 42(2)"),
    Exemption("judicial_assistance", "司法救助对象", "LAL art 42(3)"),
    Exemption("special_care", "优抚对象", "LAL art 42(4)"),
    Exemption("migrant_worker_wages", "农民工请求支付劳动报酬或工伤赔偿", "LAL art 42(5)"),
    Exemption("heroes_martyrs", "英雄烈士近亲属维护其人格权益", "LAL art 32(1)"),
    Exemption("bravery", "因见义勇为行为主张相关民事权益", "LAL art 32(2)"),
    Exemption("state_compensation", "再审改判无罪请求国家赔偿", "LAL art 32(3)"),
    Exemption("abuse_victim", "遭受虐待、遗弃或者家庭暴力的受害人", "LAL art 32(4)"),
    Exemption("elderly_70", "七十周岁以上老年人", "包头 local list (seed 002 四(二))"),
)

BAOTOU = PolicyProfile(
    name="baotou",
    city="包头市",
    # Inner Mongolia class-1 monthly minimum wage, 2,270 yuan, applied city-wide (seed 000 二(九)).
    hardship_monthly_income_per_person_fen=227_000,
    subsidy_bands={
        SubsidyKind.CRIMINAL_CASE: SubsidyBand(SubsidyKind.CRIMINAL_CASE, 80_000, 160_000),
        SubsidyKind.CIVIL_ADMINISTRATIVE_CASE: SubsidyBand(SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, 100_000, 180_000),
        SubsidyKind.DUTY_LAWYER_DAY: SubsidyBand(SubsidyKind.DUTY_LAWYER_DAY, 20_000, 50_000, per_working_day=True),
    },
    deadlines=(
        DeadlineRule("SAME_DAY", "当日受理、当日审查、当日指派", "ApplicationReceived", 0, Counting.SAME_DAY, source="000 三(一)"),
        DeadlineRule("TRANSFER", "受理后2个工作日内转交材料", "ApplicationReceived", 2, Counting.WORKING_DAYS, source="000 二(五)"),
        DeadlineRule(
            "PLATFORM",
            "收到材料后2个工作日内录入审批（重大疑难复杂3个）",
            "MaterialsReceived",
            2,
            Counting.WORKING_DAYS,
            complex_limit=3,
            source="000 二(六)",
        ),
        DeadlineRule("DECISION", "收到申请之日起7日内作出决定", "ApplicationReceived", 7, Counting.NATURAL_DAYS, source="LAL art 43"),
        DeadlineRule("APPOINT", "决定给予法律援助之日起3日内指派", "AidGranted", 3, Counting.NATURAL_DAYS, source="000 二(七); LAL art 43"),
        DeadlineRule("NOTIFIED", "公检法通知辩护/代理的，3日内指派", "ApplicationReceived", 3, Counting.NATURAL_DAYS, source="LAL art 36"),
        DeadlineRule("OBJECTION", "司法行政机关5日内审查异议", "ObjectionFiled", 5, Counting.NATURAL_DAYS, source="LAL art 49"),
        DeadlineRule("FILE", "结案后30日内提交立卷材料", "CaseClosed", 30, Counting.NATURAL_DAYS, source="办理法律援助案件程序规定 (2023)"),
        DeadlineRule(
            "SUBSIDY",
            "收到卷宗后30日内审查并支付补贴",
            "ClosingFileSubmitted",
            30,
            Counting.NATURAL_DAYS,
            source="办理法律援助案件程序规定 (2023)",
        ),
    ),
    exemptions={e.code: e for e in _EXEMPTIONS},
)

PROFILES = {BAOTOU.name: BAOTOU}
