"""Choosing the lawyer for a case (指派): the client's choice (点援) where the chosen lawyer is qualified and
free of conflict, otherwise rotation (轮派) among the qualified lawyers of the case's specialty, a firm
where the case is first (就近, 000 三(二)), the fewest turns taken first.

The appointment records how the lawyer was chosen: the method, the client's choice and why it could not
be honoured, the rotation queue and the turns the lawyer had taken, so an auditor can replay the reason.
Qualifications (LAL 26; 未成年人保护法 104; the matter's specialty) and the conflict check are the same
for every method.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from domain.duty import StationKind
from domain.errors import DomainError
from domain.fields import Record
from domain.lawyers import LawyerProfile, LawyerStatus, Specialty, not_on_roll
from domain.policy import PolicyProfile
from domain.vocabulary import KeyGroup, MatterKind, NoticeGround

if TYPE_CHECKING:
    from domain.case import Case

# The specialty a matter needs. Legal help (法律帮助) is mostly the duty lawyers' criminal work (LAL 22, 30).
SPECIALTY_FOR = {
    MatterKind.CRIMINAL: Specialty.CRIMINAL,
    MatterKind.CIVIL: Specialty.CIVIL,
    MatterKind.ADMINISTRATIVE: Specialty.ADMINISTRATIVE,
    MatterKind.LEGAL_HELP: Specialty.CRIMINAL,
    MatterKind.DUTY_LAWYER: Specialty.CRIMINAL,
}


class LawyerPool(Protocol):
    """What choosing a lawyer reads: the pool's lawyers, its rotation queues and who acted in a matter."""

    def lawyer(self, licence_number: str) -> LawyerProfile | None:
        """The lawyer as the pool's signed records say, or None."""

    def rotation(self, specialty: Specialty, district: str | None) -> Iterable[tuple[str, int]]:
        """(licence number, turns taken) of the active lawyers of a specialty, firms of `district` only
        unless None, fewest turns first, then longest waiting."""

    def clients_in_matter(self, matter_number: str, licence_number: str) -> set[str]:
        """The applicants a lawyer was appointed for in a matter (案号), ever."""

    def on_duty(self, station: StationKind, district: str, day: date) -> list[str]:
        """The licence numbers on the duty roster of a station on a day (值班律师)."""

    def duty_days(self, licence_number: str, first: date, last: date) -> dict[date, str]:
        """The days from first to last a lawyer is on duty at any station, with the station's district."""


class UnavailablePool:
    """The pool of a ledger no read models were wired to: every question is refused (503)."""

    def _refuse(self) -> Any:
        raise DomainError(
            "LAWYER_POOL_UNAVAILABLE", "律师库暂不可用，未记录任何内容 (the lawyer pool cannot be read now; nothing was recorded)."
        )

    def lawyer(self, licence_number: str) -> LawyerProfile | None:
        return self._refuse()  # type: ignore[no-any-return]

    def rotation(self, specialty: Specialty, district: str | None) -> Iterable[tuple[str, int]]:
        return self._refuse()  # type: ignore[no-any-return]

    def clients_in_matter(self, matter_number: str, licence_number: str) -> set[str]:
        return self._refuse()  # type: ignore[no-any-return]

    def on_duty(self, station: StationKind, district: str, day: date) -> list[str]:
        return self._refuse()  # type: ignore[no-any-return]

    def duty_days(self, licence_number: str, first: date, last: date) -> dict[date, str]:
        return self._refuse()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Need:
    """What a case asks of its lawyer."""

    specialty: Specialty  # of the matter
    district: str  # where the case is (the authority's district): a firm there first
    senior_years: int  # LAL 26: years of criminal practice required (0: none)
    minors: bool  # 未成年人保护法 104: a lawyer who knows minors, where the policy says so
    matter_number: str  # 案号, for the conflict check ("" when not known)
    client: str  # the applicant id

    @classmethod
    def of(cls, case: Case, policy: PolicyProfile) -> Need:
        notice_ground = NoticeGround(case.notice["ground"]) if case.notice else None
        minor = KeyGroup.MINOR.value in case.key_groups or notice_ground is NoticeGround.MINOR
        senior = case.possible_life_or_death or (notice_ground is not None and notice_ground.needs_senior_defender)
        return cls(
            specialty=SPECIALTY_FOR[case.matter_kind],
            district=case.authority["district"],
            senior_years=policy.serious_criminal_min_years if senior else 0,
            minors=minor and policy.minors_need_specialist,
            matter_number=case.authority.get("case_number", ""),
            client=case.applicant["applicant_id"],
        )

    @property
    def queue(self) -> Specialty:
        """The rotation queue: the scarcer specialty where a minor needs a specialist."""
        return Specialty.MINORS if self.minors else self.specialty


def qualification_problem(lawyer: LawyerProfile, need: Need, on: date, pool: LawyerPool) -> DomainError | None:
    """Why this lawyer may not take this case, or None."""
    if unavailable := lawyer.cannot_take(need.specialty):
        return unavailable
    if lawyer.criminal_practice_years(on) < need.senior_years:
        return DomainError(
            "LAWYER_NOT_QUALIFIED",
            f"可能判处无期徒刑、死刑的案件和死刑复核案件，须指派具有{need.senior_years}年以上刑事辩护执业经历的律师 "
            f"(LAL art 26: {need.senior_years}+ years of verified criminal practice are required).",
        )
    if need.minors and Specialty.MINORS not in lawyer.specialties:
        return DomainError(
            "LAWYER_NOT_QUALIFIED_FOR_MINORS",
            "应当指派熟悉未成年人身心特点的律师（《未成年人保护法》第一百零四条）(a minor's case needs a lawyer who knows minors).",
        )
    if need.matter_number and pool.clients_in_matter(need.matter_number, lawyer.licence_number) - {need.client}:
        return DomainError(
            "LAWYER_CONFLICT",
            f"{lawyer.name}律师在同一案件（{need.matter_number}）中曾为其他当事人提供服务，利益冲突 "
            "(the lawyer acts or acted for another party in the same matter).",
        )
    return None


@dataclass(frozen=True)
class Choice:
    """What the caseworker asks for: the applicant's choice, if any, and whether rotation takes over when it
    cannot be honoured (else the command is refused with the reason and nothing is recorded)."""

    client_choice: str | None = None
    rotation_if_refused: bool = True


def choose_lawyer(
    case: Case, pool: LawyerPool, policy: PolicyProfile, on: date, choice: Choice, replacing: str | None = None
) -> tuple[Record, Record]:
    """The lawyer for the case and how they were chosen: (what the applicant is told, the assignment)."""
    client_choice = choice.client_choice
    need = Need.of(case, policy)
    if case.matter_kind is MatterKind.DUTY_LAWYER:
        return _from_roster(case, pool, need, on, choice, replacing)
    refused: Record | None = None
    if client_choice:
        chosen = pool.lawyer(client_choice)
        if chosen is None:
            raise not_on_roll(client_choice)
        problem = qualification_problem(chosen, need, on, pool)
        if problem is None and client_choice == replacing:
            problem = DomainError("SAME_LAWYER", "所选律师即现任律师 (the chosen lawyer is the one being replaced).")
        if problem is None:
            reason = f"受援人选择{chosen.name}律师（点援），符合条件 (the client's choice, qualified and free of conflict)"
            return chosen.as_told(on), {"method": "client_choice", "client_choice": client_choice, "reason": reason}
        if not choice.rotation_if_refused:
            raise problem
        refused = {"code": problem.code, "reason": problem.message}
    for district in (need.district, None):
        for licence, turns in pool.rotation(need.queue, district):
            lawyer = pool.lawyer(licence) if licence != replacing else None
            if lawyer is None or qualification_problem(lawyer, need, on, pool) is not None:
                continue
            where = "本地律师事务所（就近）" if district else "全市"
            assignment = {
                "method": "rotation",
                "client_choice": client_choice,
                "choice_refused": refused,
                "rotation": {"queue": need.queue.value, "district": district, "turns_before": turns},
                "reason": f"轮派：{where}{need.queue.value}律师中轮次最少 (rotation: the fewest turns, {turns}, "
                f"{'of firms where the case is' if district else 'city-wide'})",
            }
            return lawyer.as_told(on), assignment
    raise DomainError(
        "NO_QUALIFIED_LAWYER",
        f"律师库中没有符合本案条件的律师（{need.queue.value}），未记录任何内容 (no qualified lawyer in the pool; nothing was recorded).",
    )


def _from_roster(case: Case, pool: LawyerPool, need: Need, on: date, choice: Choice, replacing: str | None) -> tuple[Record, Record]:
    """值班律师: a qualified lawyer on duty that day at the station of the case's authority, the client's choice if
    they are one of them, else the one with the fewest turns."""
    station = StationKind.of_authority(case.authority["name"])
    if station is None:
        raise DomainError(
            "NO_DUTY_STATION",
            f"值班律师设在法院、检察院、看守所，{case.authority['name']} 不是其中之一 (duty lawyers sit at courts, "
            "procuratorates and detention centres; the case's authority is none of them).",
        )
    on_duty = set(pool.on_duty(station, need.district, on)) - {replacing}
    fit = {licence: lawyer for licence in on_duty if (lawyer := pool.lawyer(licence)) and not qualification_problem(lawyer, need, on, pool)}
    where = {"station": station.value, "district": need.district, "day": on.isoformat()}
    if choice.client_choice in fit:
        reason = "受援人选择当日值班律师 (the client's choice, on duty that day)"
        return fit[choice.client_choice].as_told(on), {
            "method": "client_choice",
            "client_choice": choice.client_choice,
            "duty": where,
            "reason": reason,
        }
    refused = None
    if choice.client_choice:
        chosen = pool.lawyer(choice.client_choice) if choice.client_choice in on_duty else None
        problem = (qualification_problem(chosen, need, on, pool) if chosen else None) or DomainError(
            "NOT_ON_DUTY", "所选律师当日不在该站值班 (the chosen lawyer is not on duty there that day)."
        )
        if not choice.rotation_if_refused:
            raise problem
        refused = {"code": problem.code, "reason": problem.message}
    # The rotation queue is in turn order: the first lawyer of it on duty and fit is the one (read no further).
    first = next(((lawyer, n) for lawyer, n in pool.rotation(need.queue, None) if lawyer in fit), None) if fit else None
    if first is None:
        raise DomainError(
            "NO_LAWYER_ON_DUTY",
            f"{case.authority['name']} {on} 没有可指派的值班律师，未记录任何内容 (no qualified lawyer is on duty at the station that day; "
            "nothing was recorded).",
        )
    licence, turns = first
    assignment = {
        "method": "duty_roster",
        "client_choice": choice.client_choice,
        "choice_refused": refused,
        "duty": where,
        "reason": f"当日值班律师中轮次最少 (on duty at the station that day, the fewest turns: {turns})",
    }
    return fit[licence].as_told(on), assignment


class PoolInMemory:
    """A pool held in memory, answering as the read model does (projections/lawyer_pool.py): for the demo,
    which records cases in memory before saving them, and for the rules' unit tests."""

    def __init__(self, lawyers: Iterable[LawyerProfile]) -> None:
        self.lawyers = {lawyer.licence_number: lawyer for lawyer in lawyers}
        self.turns = dict.fromkeys(self.lawyers, (0, 0))  # licence -> (turns taken, when the last was taken)
        self.engagements: dict[tuple[str, str], set[str]] = {}
        self.duties: dict[tuple[StationKind, str, date], list[str]] = {}  # (station, district, day) -> on duty
        self._taken = 0

    def lawyer(self, licence_number: str) -> LawyerProfile | None:
        return self.lawyers.get(licence_number)

    def rotation(self, specialty: Specialty, district: str | None) -> Iterable[tuple[str, int]]:
        queue = [
            lawyer.licence_number
            for lawyer in self.lawyers.values()
            if lawyer.status is LawyerStatus.ACTIVE and specialty in lawyer.specialties and district in (None, lawyer.firm_district)
        ]
        return [(licence, self.turns[licence][0]) for licence in sorted(queue, key=lambda licence: (*self.turns[licence], licence))]

    def clients_in_matter(self, matter_number: str, licence_number: str) -> set[str]:
        return self.engagements.get((matter_number, licence_number), set())

    def on_duty(self, station: StationKind, district: str, day: date) -> list[str]:
        return self.duties.get((station, district, day), [])

    def duty_days(self, licence_number: str, first: date, last: date) -> dict[date, str]:
        return {day: district for (_, district, day), on in self.duties.items() if first <= day <= last and licence_number in on}

    def appointed(self, case: Case) -> None:
        """Learn the appointment a case just recorded, as the read model learns it from the record."""
        licence = case.lawyer["licence_number"] if case.lawyer else ""
        self._taken += 1
        self.turns[licence] = (self.turns[licence][0] + 1, self._taken)
        if matter := case.authority.get("case_number"):
            self.engagements.setdefault((matter, licence), set()).add(case.applicant["applicant_id"])
