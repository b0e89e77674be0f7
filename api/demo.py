"""Realistic demo cases for the Baotou network, recorded through the same commands real use takes.

The mix follows Baotou 2022 (seed 003): 981 civil, 688 criminal, 14 administrative and 206 legal
help cases of 1,889 in one year, received in working hours on working days. Most criminal cases are
the authorities' notices (通知辩护), never means-tested; applications cross districts (transfers), miss
materials, are refused, objected to before the right bureau, terminated, closed, reviewed, archived
and paid, and some steps are late. Deterministic for a given seed.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, time, timedelta

from api.demo_clock import Clock
from api.demo_closing import AfterClosing
from api.demo_consultations import consultation_registers
from api.demo_people import application, person
from api.demo_pool import pool_profiles, register_pool
from domain.actor import SHANGHAI, Actor
from domain.assignment import PoolInMemory
from domain.case import Case
from domain.closing_commands import Archive, Close, SubmitClosingFile
from domain.commands import (
    AppointLawyer,
    CaseCommand,
    ChangeLawyer,
    DecideObjection,
    DispatchMaterials,
    EnterOnPlatform,
    FileObjection,
    GrantAid,
    InformAuthority,
    NotifyMissingMaterials,
    ReceiveApplication,
    ReceiveMaterials,
    RecordReviewOpinion,
    RefuseAid,
    RequestTransfer,
    SignOffReview,
    SupplementMaterials,
    Terminate,
    Withdraw,
)
from domain.errors import DomainError
from domain.intake import assess_eligibility
from domain.network import Directory
from domain.policy.baotou import DISTRICT_NAMES
from domain.vocabulary import (
    DispatchMethod,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    Role,
    TerminationGround,
)
from infrastructure.bootstrap import build_ledger
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from infrastructure.working_days import WorkingDayCalendar

MATTER_MIX = ((MatterKind.CIVIL, 981), (MatterKind.CRIMINAL, 688), (MatterKind.ADMINISTRATIVE, 14), (MatterKind.LEGAL_HELP, 206))
SAVE_BATCH = 100
CONSULTATION_BATCH = 10  # registers of a month (about 50 lines each) per transaction
# The demo's "today": no action is dated later, so the ledger holds no future events and the cases
# received last are still in progress (fixed, so that a seed always gives the same ledger).
DEMO_TODAY = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
FIRST_DAY, SPAN_DAYS = date(2025, 1, 1), 365  # the cases are one year's (seed 003: 1,889 in 2022)
CHUNK = 500
WINDOW_OPENS = time(8, 30)


def record_demo_cases(
    settings: Settings, cases: int, seed: int, workers: int, progress: Callable[[int], None] | None = None
) -> Counter[str]:
    """Record `cases` demo cases, spreading the work (mostly signing) over `workers` processes."""
    chunks = [range(start, min(start + CHUNK, cases)) for start in range(0, cases, CHUNK)]
    outcomes: Counter[str] = Counter()
    ledger = build_ledger(settings)
    register_pool(ledger)  # before the workers start, so that none of them registers it
    registers = consultation_registers(ledger.context(), cases, seed, FIRST_DAY, SPAN_DAYS, DEMO_TODAY)
    for start in range(0, len(registers), CONSULTATION_BATCH):
        ledger.save(*registers[start : start + CONSULTATION_BATCH])
    events_table = ledger.recorder.events_table_name  # type: ignore[attr-defined]

    def recorded(done: int) -> None:  # after 1, 2, 4, 8 ... chunks: the statistics keep up with a table that doubles
        if done & (done - 1) == 0:
            ledger.database.analyze(events_table)

    if workers <= 1 or len(chunks) == 1:
        generator = DemoGenerator(ledger, seed)
        for done, chunk in enumerate(chunks, 1):
            outcomes += generator.run(chunk, cases, progress)
            generator.outcomes = Counter()
            recorded(done)
        return outcomes
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done, result in enumerate(pool.map(_record_chunk, [(settings, chunk, cases, seed) for chunk in chunks]), 1):
            outcomes += result
            if progress:
                progress(sum(result.values()))
            recorded(done)
    return outcomes


def _record_chunk(job: tuple[Settings, range, int, int]) -> Counter[str]:
    settings, chunk, total, seed = job
    ledger = build_ledger(settings)
    try:
        return DemoGenerator(ledger, seed).run(chunk, total)
    finally:
        ledger.close()


class DemoGenerator(AfterClosing):
    """Case n is generated from its own random stream (seed, n), so the cases do not depend on how the
    work is split between processes."""

    def __init__(self, ledger: CaseLedger, seed: int) -> None:
        self.ledger = ledger
        self.seed = seed
        self.rng = random.Random(seed)
        self.context = ledger.context()
        self.policy = self.context.policy
        self.directory: Directory = self.context.directory
        self.centres = self.directory.centres()
        self.calendar = WorkingDayCalendar()
        self.outcomes: Counter[str] = Counter()
        register_pool(ledger)  # once per ledger: a no-op where the pool is registered already
        self.lawyers = pool_profiles(ledger)
        self._rotate_afresh()

    def run(self, numbers: range, total: int, progress: Callable[[int], None] | None = None) -> Counter[str]:
        """Record cases number `numbers` of a run of `total`, saving them in batches. Rotation starts afresh
        with each block of cases, so that the ledger does not depend on how blocks are spread over processes."""
        self._rotate_afresh()
        batch: list[Case] = []
        for n in numbers:
            batch.append(self.one_case(n, total))
            if len(batch) >= SAVE_BATCH or n == numbers[-1]:
                first = n - len(batch) + 1
                complaints = [c for k, case in enumerate(batch) if (c := self._complaint(case, first + k, DEMO_TODAY))]
                self.ledger.save(*batch, *complaints)
                if progress:
                    progress(len(batch))
                batch.clear()
        return self.outcomes

    def one_case(self, n: int, total: int) -> Case:
        rng = self.rng = random.Random(f"{self.seed}:{n}")
        at = self._window_open(FIRST_DAY + timedelta(days=SPAN_DAYS * n // max(total, 1)), rng)
        matter = rng.choices([m for m, _ in MATTER_MIX], [w for _, w in MATTER_MIX])[0]
        receiver = rng.choice(self.centres)
        if rng.random() < 0.7:
            district = receiver.district
        else:
            district = rng.choice([d for d in DISTRICT_NAMES if d != receiver.district])
        fields = application(rng, matter, district)
        receiver_id = self._centre_for(district) if fields["channel"].is_authority_notice else receiver.institution_id
        case = ReceiveApplication(**fields).open(self._staff(receiver_id), at, self.context)
        clock = Clock(at, rng)
        try:
            goes_on = self._answer_notice(case, clock, n) if case.notice else self._decide(case, clock, receiver_id, n)
            if goes_on:
                self._represent(case, clock, receiver_id, n)
        except _NotYet:
            pass  # the rest of this case's life lies after the demo's "today": it is still being worked
        except DomainError as refusal:  # a bug in the generator, not a data choice: say so loudly
            raise RuntimeError(f"demo case {n} was refused: {refusal}") from refusal
        self.outcomes[case.status.value] += 1
        return case

    # ------------------------------------------------------------------ one case's life
    def _answer_notice(self, case: Case, clock: Clock, n: int) -> bool:
        """通知辩护: appoint and tell the authority within 3 days (LAL 36), without review or decision."""
        rng, act = self.rng, self._act
        act(case, clock.days(3, 5) if rng.random() < 0.05 else clock.hours(1, 30), self._appointment(rng))
        act(case, clock.hours(0.2, 8), InformAuthority(reference=f"包援函〔{clock.now:%Y}〕{n}号"))
        act(case, clock.hours(1, 20), EnterOnPlatform(platform_number=f"NMG{clock.now:%Y%m%d}{n:06d}"))
        return not _in_progress(n)

    def _decide(self, case: Case, clock: Clock, receiver: str, n: int) -> bool:
        """An application: materials, transfer, review, decision and appointment; whether the case goes on."""
        rng, act = self.rng, self._act
        in_progress = _in_progress(n)
        if rng.random() < 0.10:
            act(
                case,
                clock.hours(1, 3),
                NotifyMissingMaterials(
                    items=rng.sample(["身份证明复印件", "经济困难状况说明表", "案件相关材料", "户口簿"], k=rng.randint(1, 2))
                ),
            )
            if rng.random() < 0.2:
                act(case, clock.days(10, 20), Withdraw(reason="逾期未补充材料", deemed=True))
                return False
            act(case, clock.days(1, 5), SupplementMaterials(items=list(case.outstanding_materials)))
        if rng.random() < 0.03:
            act(case, clock.hours(2, 30), Withdraw(reason="申请人撤回申请"))
            return False
        target = self._target(case)
        if target != receiver and rng.random() < 0.9:
            late = rng.random() < 0.12
            act(case, clock.hours(1, 4), RequestTransfer(to_institution=target, applicant_consent=True))
            act(
                case,
                clock.working_days(3, 5) if late else clock.hours(2, 20),
                DispatchMaterials(method=rng.choice(list(DispatchMethod)), reference=f"SF{rng.randrange(10**11, 10**12)}"),
            )
            act(case, clock.hours(20, 48), ReceiveMaterials(), actor_institution=target)
            if in_progress:
                return False
        elif not (case.complex_case or case.group_case) and rng.random() < 0.8:
            clock.brisk = True  # 当日受理、当日审查、当日指派 ("五个当天"), as most ordinary cases are
        self._review(case, clock)
        if not case.review or not case.review.eligible:
            self._refuse(case, clock)
            return False
        act(
            case,
            clock.working_days(3, 4) if rng.random() < 0.1 else clock.hours(1, 20),
            EnterOnPlatform(platform_number=f"NMG{clock.now:%Y%m%d}{n:06d}"),
        )
        act(case, clock.hours(1, 30), GrantAid(document_number=f"包援决字〔{clock.now:%Y}〕{n}号"))
        if in_progress:
            return False
        act(case, clock.days(4, 6) if rng.random() < 0.08 else clock.hours(1, 40), self._appointment(self.rng))
        clock.brisk = False
        return True

    def _represent(self, case: Case, clock: Clock, receiver: str, n: int) -> None:
        """After appointment: a change of lawyer, termination or closing, the file, archiving and the subsidy."""
        rng, act = self.rng, self._act
        if rng.random() < 0.03:
            act(case, clock.days(3, 20), ChangeLawyer(reason="受援人申请更换律师"))
            if case.notice:
                act(case, clock.hours(1, 20), InformAuthority(reference=f"包援函〔{clock.now:%Y}〕{n}-2号"))
        if rng.random() < 0.04:
            act(
                case,
                clock.days(10, 60),
                Terminate(
                    ground=rng.choice(list(TerminationGround)), document_number=f"包援终字〔{clock.now:%Y}〕{n}号", facts="经审查核实"
                ),
            )
            if rng.random() < 0.3:
                self._object(case, clock, ObjectionRuling.UPHELD)
            act(case, clock.days(5, 30), SubmitClosingFile(pages=rng.randint(10, 40)))
            self._archive_and_pay(case, clock, receiver, n)
            return
        # Most civil and administrative cases recover money (wages, compensation), 5,000–80,000 yuan:
        # about 12 million yuan a year over Baotou's volume (seed 003: "over 12.2 million yuan" in 2022).
        recovers = case.matter_kind in (MatterKind.CIVIL, MatterKind.ADMINISTRATIVE) and rng.random() < 0.6
        amount = rng.randrange(500_000, 8_000_000, 100) if recovers else 0
        self._attend_hearing(case, clock)
        act(
            case,
            clock.days(30, 200),
            Close(outcome=rng.choice(["调解结案", "判决胜诉", "部分支持", "判决", "撤诉"]), amount_recovered_fen=amount),
        )
        act(case, clock.days(35, 45) if rng.random() < 0.1 else clock.days(3, 28), SubmitClosingFile(pages=rng.randint(15, 80)))
        self._archive_and_pay(case, clock, receiver, n)

    def _review(self, case: Case, clock: Clock) -> None:
        handling = case.handling_institution
        eligible, _ = assess_eligibility(case.hardship, self.policy)
        self._act(
            case,
            clock.hours(1, 6),
            RecordReviewOpinion(
                reviewer=self._person(handling),
                opinion="材料齐全，经审查",
                recommendation=Recommendation.GRANT if eligible else Recommendation.REFUSE,
            ),
        )
        self._act(case, clock.hours(0, 4), SignOffReview(), role=Role.HEAD)

    def _refuse(self, case: Case, clock: Clock) -> None:
        self._act(
            case,
            clock.hours(1, 20),
            RefuseAid(
                document_number=f"包援不字〔{clock.now:%Y}〕{self.rng.randrange(1, 9999)}号",
                reasons="家庭人均收入高于经济困难标准",
                legal_basis="《中华人民共和国法律援助法》第三十四条",
            ),
        )
        if self.rng.random() < 0.3:
            ruling = ObjectionRuling.CORRECTION_ORDERED if self.rng.random() < 0.2 else ObjectionRuling.UPHELD
            self._object(case, clock, ruling)
            if ruling is ObjectionRuling.CORRECTION_ORDERED:
                return  # back with the handling institution for a new review: still in progress
        self._act(
            case,
            clock.days(1, 20),
            Archive(archive_number=f"档{clock.now:%Y}-{self.rng.randrange(1, 99999)}"),
            actor_institution=case.first_receiving_institution,
        )

    def _object(self, case: Case, clock: Clock, ruling: ObjectionRuling) -> None:
        bureau = self.directory.bureau_over(case.handling_institution).institution_id  # LAL 49
        self._act(case, clock.days(1, 5), FileObjection(grounds="申请人对决定不服"), actor_institution=bureau, role=Role.BUREAU)
        late = self.rng.random() < 0.1
        self._act(
            case,
            clock.days(6, 9) if late else clock.days(1, 4),
            DecideObjection(ruling=ruling, reasons="经审查"),
            actor_institution=bureau,
            role=Role.BUREAU,
        )

    # ------------------------------------------------------------------ helpers
    def _act(
        self, case: Case, at: datetime, command: CaseCommand, *, actor_institution: str | None = None, role: Role = Role.STAFF
    ) -> None:
        if at > DEMO_TODAY:
            raise _NotYet
        institution = actor_institution or case.handling_institution
        actor = Actor(institution, self._person(institution) if role is Role.STAFF else f"{institution}负责人", role)
        command.run(case, actor, at, self.context)
        if isinstance(command, AppointLawyer | ChangeLawyer):
            self.pool.appointed(case)

    def _rotate_afresh(self) -> None:
        self.pool = PoolInMemory(self.lawyers)
        self.context = self.context._replace(lawyers=self.pool)

    def _appointment(self, rng: random.Random) -> AppointLawyer:
        """One applicant in ten names a lawyer (点援), not always one who may take the case; rotation does the rest."""
        choice = rng.choice(self.lawyers).licence_number if rng.random() < 0.1 else None
        return AppointLawyer(client_choice=choice)

    def _staff(self, institution_id: str) -> Actor:
        return Actor(institution_id, self._person(institution_id), Role.STAFF)

    def _person(self, institution_id: str) -> str:
        return person(self.rng, institution_id)

    def _window_open(self, day: date, rng: random.Random) -> datetime:
        """A time the window is open (08:30–16:00, leaving the day to finish a same-day case) on the first
        working day from `day`: applications do not arrive at night, at weekends or on holidays."""
        while not self.calendar.is_working_day(day)[0]:
            day += timedelta(days=1)
        return datetime.combine(day, WINDOW_OPENS, SHANGHAI) + timedelta(minutes=rng.randint(0, 450))

    def _target(self, case: Case) -> str:
        return self._centre_for(case.authority["district"])

    def _centre_for(self, district: str) -> str:
        """The centre where an authority of `district` sits."""
        return next(i.institution_id for i in self.centres if i.district == district)


def _in_progress(n: int) -> bool:
    """About 6 % of cases are still being worked: they stop before appointment (or after the transfer)."""
    return n % 17 == 0


class _NotYet(Exception):
    """The next step of a case would happen after the demo's today."""
