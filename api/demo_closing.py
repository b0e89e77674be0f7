"""The demo's steps after a case is closed or terminated: the recipient called back and the authority's
opinion asked (回访、征询意见), the file reviewed with the seed's grade mix (003: 43.9 % excellent), the
subsidy paid within the band for that grade, and the file archived by the first-receiving institution;
and now and then a complaint (投诉) about the lawyer or the centre, accepted and decided by the bureau."""

from __future__ import annotations

import random
from abc import abstractmethod
from datetime import datetime, timedelta

from api.demo_clock import Clock
from domain.actor import Actor
from domain.case import Case
from domain.closing_commands import ApproveAboveBandSubsidy, Archive, PaySubsidy, RecordQualityCheck, ReviewClosingFile
from domain.commands import CaseCommand, Context
from domain.complaint_commands import AcceptComplaint, DecideComplaint, InvestigateComplaint
from domain.complaints import CaseFacts, Complainant, Complaint, ComplaintOutcome, RespondentKind
from domain.network import Directory
from domain.policy import PolicyProfile
from domain.vocabulary import AboveBandGround, FileGrade, QualityCheckKind, Role

ABOVE_BAND_GROUNDS = (
    (AboveBandGround.REMOTE_EVIDENCE_GATHERING, "赴外地调取证据"),
    (AboveBandGround.DIFFICULT_OR_COMPLEX, "案情重大疑难复杂"),
)
FILE_GRADES = ((FileGrade.EXCELLENT, 439), (FileGrade.GOOD, 401), (FileGrade.QUALIFIED, 150), (FileGrade.UNQUALIFIED, 10))  # 003: 43.9 %
CALLED_BACK = 0.8  # share of closed cases whose recipient is called back (回访)
SATISFIED = 0.95  # of those called, satisfied
COMPLAINED = 0.01  # share of represented cases a complaint is made about (no seed gives the figure)
OUTCOMES = ((ComplaintOutcome.UNSUBSTANTIATED, 5), (ComplaintOutcome.PARTLY_SUBSTANTIATED, 3), (ComplaintOutcome.SUBSTANTIATED, 2))


class AfterClosing:
    """Mixed into the demo generator, which provides the random stream, the policy and how to act."""

    rng: random.Random
    policy: PolicyProfile
    context: Context
    directory: Directory
    seed: int

    @abstractmethod
    def _act(
        self, case: Case, at: datetime, command: CaseCommand, *, actor_institution: str | None = None, role: Role = Role.STAFF
    ) -> None: ...

    @abstractmethod
    def _person(self, institution_id: str) -> str: ...

    def _attend_hearing(self, case: Case, clock: Clock) -> None:
        """One represented case in ten has a hearing attended by the handling institution (庭审旁听)."""
        if self.rng.random() < 0.1:
            check = RecordQualityCheck(
                kind=QualityCheckKind.HEARING_ATTENDANCE,
                reviewer=self._person(case.handling_institution),
                satisfactory=self.rng.random() < 0.9,
                notes="旁听庭审，律师发表辩护/代理意见",
            )
            self._act(case, clock.days(5, 25), check)

    def _call_back(self, case: Case, clock: Clock, receiver: str) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            opinion = RecordQualityCheck(
                kind=QualityCheckKind.AUTHORITY_OPINION, reviewer=self._person(case.handling_institution), satisfactory=rng.random() < 0.9
            )
            self._act(case, clock.days(1, 10), opinion)
        if rng.random() < CALLED_BACK:
            satisfied = rng.random() < SATISFIED
            call = RecordQualityCheck(
                kind=QualityCheckKind.FOLLOW_UP_CALL,
                reviewer=self._person(receiver),
                satisfactory=satisfied,
                notes="受援人对律师服务满意" if satisfied else "受援人反映律师沟通不及时",
            )
            self._act(case, clock.days(1, 10), call, actor_institution=receiver)

    def _archive_and_pay(self, case: Case, clock: Clock, receiver: str, n: int) -> None:
        rng = self.rng
        kind = self.policy.subsidy_kind_for(case.matter_kind)
        if kind is not None and case.lawyer is not None:
            self._call_back(case, clock, receiver)
            grade = rng.choices([g for g, _ in FILE_GRADES], [w for _, w in FILE_GRADES])[0]
            review = ReviewClosingFile(
                reviewer=self._person(receiver), grade=grade, opinion="卷宗材料不全" if grade is FileGrade.UNQUALIFIED else "卷宗材料齐全"
            )
            self._act(case, clock.days(31, 40) if rng.random() < 0.06 else clock.days(2, 25), review, actor_institution=receiver)
            band = self.policy.band(kind, grade)
            amount = rng.randrange(band.minimum_fen, band.maximum_fen + 1, 10_000)
            if rng.random() < 0.05:
                amount = band.maximum_fen + rng.randrange(10_000, 80_000, 10_000)
                ground, reason = rng.choice(ABOVE_BAND_GROUNDS)
                self._act(
                    case,
                    clock.days(1, 5),
                    ApproveAboveBandSubsidy(kind=kind, amount_fen=amount, ground=ground, reason=reason),
                    actor_institution=receiver,
                    role=Role.HEAD,
                )
            payee = f"{case.lawyer['name']}（{case.lawyer['firm']}）"
            payment = PaySubsidy(kind=kind, amount_fen=amount, payee=payee, reference=f"PAY{clock.now:%Y%m}{n:06d}")
            self._act(case, clock.days(1, 10), payment, actor_institution=receiver)
        self._act(case, clock.days(1, 15), Archive(archive_number=f"档{clock.now:%Y}-{n:06d}"), actor_institution=receiver)

    def _complaint(self, case: Case, n: int, today: datetime) -> Complaint | None:
        """About one represented case in a hundred: the recipient complains of the lawyer or the centre to the
        bureau that set it up, which accepts within days, investigates and decides within 45 days (or late).
        Built in memory, to be saved with the case's block."""
        rng = random.Random(f"{self.seed}:{n}:complaint")
        if case.lawyer is None or "licence_number" not in case.lawyer or rng.random() >= COMPLAINED:
            return None
        received = datetime.fromisoformat(case.last_at) + timedelta(days=rng.randint(1, 20))
        accepted, decided = received + timedelta(days=rng.choice((1, 2, 3, 9))), received + timedelta(days=rng.randint(16, 60))
        if decided > today:
            return None
        bureau = self.directory.bureau_over(case.handling_institution).institution_id
        actor = Actor(bureau, f"{bureau}/投诉受理", Role.BUREAU)
        about_lawyer = rng.random() < 0.7
        acceptance = AcceptComplaint(
            number=f"投〔{received:%Y}〕{case.id.hex[:8]}号",  # distinct from any complaint of an earlier demo run
            case_id=case.id,
            received_on=received.date(),
            complainant=Complainant.RECIPIENT,
            respondent_kind=RespondentKind.LAWYER if about_lawyer else RespondentKind.INSTITUTION,
            respondent=case.lawyer["licence_number"] if about_lawyer else case.handling_institution,
            facts="律师未及时会见、沟通案情" if about_lawyer else "机构未及时告知办理进度",
        )
        complaint = acceptance.open(actor, accepted, self.context, CaseFacts.of(case))
        InvestigateComplaint(findings="调阅卷宗，询问受援人和律师").run(complaint, actor, accepted + timedelta(days=5))
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        measures = "批评教育，责令改正" if outcome.upheld else ""
        DecideComplaint(outcome=outcome, measures=measures, reply_reference=f"投复〔{decided:%Y}〕{n}号").run(complaint, actor, decided)
        return complaint
