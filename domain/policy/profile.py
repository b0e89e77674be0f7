"""The shape of a policy profile: what differs between cities, as data the rules read (each city's values
are in its own module of this package)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.network import Institution
from domain.vocabulary import FileGrade, MatterKind, SubsidyKind


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
    description: str  # says what starts the clock; the deadline projection (projections/deadlines.py) starts it
    limit: int
    counting: Counting
    complex_limit: int | None = None  # for major, difficult, complex or special cases
    source: str = ""
    # A natural-day period whose last day is a rest day ends on the next working day (民法典 203), except
    # where a person is held in custody (刑事诉讼法 105: 在押期间不得因节假日而延长).
    extends_past_rest_days: bool = True


class Waiver(StrEnum):
    """How a category frees an applicant from the hardship test; each is a different rule of law."""

    NO_HARDSHIP_CONDITION = "no_hardship_condition"  # 不受经济困难条件的限制 (LAL art 32): need not be poor at all
    NO_VERIFICATION = "no_verification"  # 免予核查经济困难状况 (LAL art 42): poor, proven by who they are
    DEEMED_HARDSHIP = "deemed_hardship"  # 视为经济困难: a city's own rule (Baotou: 001 二(四))


@dataclass(frozen=True)
class Exemption:
    """A category that frees an applicant from the hardship test, with its legal basis and the matters it may
    cover (empty: any matter). A wage-claim exemption does not cover a criminal defence."""

    code: str
    description: str
    legal_basis: str
    waiver: Waiver
    matters: frozenset[MatterKind] = frozenset()

    def covers(self, matter: MatterKind) -> bool:
        return not self.matters or matter in self.matters


@dataclass(frozen=True)
class PolicyProfile:
    """One city's legal aid network and the values its rules read, chosen by name (TONGBAN_POLICY)."""

    name: str
    city: str
    bureau_id: str  # the municipal justice bureau (市司法局)
    institutions: tuple[Institution, ...]  # the network `tongban init` sets up
    district_names: dict[str, str]
    # Unified hardship standard for the whole city: monthly household income per person, in fen.
    # Not lower than the highest district minimum wage (seed 000 二(九)).
    hardship_monthly_income_per_person_fen: int
    subsidy_bands: dict[SubsidyKind, SubsidyBand]
    deadlines: tuple[DeadlineRule, ...]
    exemptions: dict[str, Exemption] = field(default_factory=dict)
    # A life or death sentence needs a lawyer with this many years of criminal practice (LAL art 26).
    serious_criminal_min_years: int = 3
    # A minor's case goes to a lawyer who knows minors (熟悉未成年人身心特点, 未成年人保护法 104).
    minors_need_specialist: bool = True
    # 差别补贴 (Nanning, 004 三(六)): a band per file grade and kind; a grade or kind not listed is paid
    # within the ordinary band. Baotou pays by band whatever the grade.
    graded_bands: dict[FileGrade, dict[SubsidyKind, SubsidyBand]] = field(default_factory=dict)

    def band(self, kind: SubsidyKind, grade: str | None = None) -> SubsidyBand:
        """The band a subsidy of this kind is paid within, for a file of this grade (卷宗质量等级)."""
        graded = self.graded_bands.get(FileGrade(grade), {}) if grade else {}
        return graded.get(kind, self.subsidy_bands[kind])

    def grades_subsidy(self, kind: SubsidyKind) -> bool:
        return any(kind in bands for bands in self.graded_bands.values())

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
