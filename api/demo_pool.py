"""The demo's lawyer pool (律师库): 180 lawyers across Baotou's districts, as the bureau registers them.
The city has one pool whatever the demo's seed: demo runs with different seeds on one ledger share it."""

from __future__ import annotations

import random
from datetime import date, datetime

from api.demo_people import FIRMS, GIVEN, SURNAMES
from domain.actor import SHANGHAI, Actor
from domain.errors import DomainError
from domain.lawyers import LawyerProfile, Specialty, lawyer_stream_id
from domain.policy.baotou import DISTRICT_NAMES
from domain.pool_commands import RegisterLawyer
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger

# Firms cluster in the city districts; every district has some (Baotou 2022: 180 lawyers in the pool).
LAWYERS_BY_DISTRICT = (
    ("kundulun", 42),
    ("qingshan", 38),
    ("donghe", 28),
    ("jiuyuan", 22),
    ("shiguai", 8),
    ("baiyunebo", 6),
    ("tumed-right", 14),
    ("guyang", 10),
    ("darhan-muminggan", 12),
)


def lawyer_pool() -> list[RegisterLawyer]:
    """The demo's 180 lawyers: specialties as a city pool has them (most civil, half criminal, some who know
    minors), criminal practice verified from a date, firms in every district."""
    rng = random.Random("baotou:pool")
    pool = []
    for district_number, (district, count) in enumerate(LAWYERS_BY_DISTRICT, start=1):
        place = DISTRICT_NAMES[district]
        for serial in range(count):
            specialties = {s for s, share in _SPECIALTY_SHARES if rng.random() < share} or {Specialty.CIVIL}
            if serial % 7 == 0:  # in each district some who know minors, in criminal and in family work
                specialties |= {Specialty.MINORS, rng.choice([Specialty.CRIMINAL, Specialty.CIVIL])}
            since = date(rng.randint(2003, 2024), rng.randint(1, 12), rng.randint(1, 28)) if Specialty.CRIMINAL in specialties else None
            pool.append(
                RegisterLawyer(
                    licence_number=f"1150{district_number:02d}{rng.randint(2000, 2024)}{rng.randint(1, 2)}{serial:06d}",
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    firm=f"{rng.choice(FIRMS)}{place}分所",
                    firm_district=district,
                    office_address=f"包头市{place}{rng.randint(1, 200)}号",
                    office_phone=f"0472-{rng.randrange(1000000, 9999999)}",
                    specialties=sorted(specialties),
                    criminal_practice_since=since,
                    verification="执业证、执业年度考核及刑事案件代理记录核验" if since else "执业证、执业年度考核核验",
                )
            )
    return pool


_SPECIALTY_SHARES = (
    (Specialty.CRIMINAL, 0.5),
    (Specialty.CIVIL, 0.7),
    (Specialty.ADMINISTRATIVE, 0.15),
    (Specialty.LABOUR, 0.25),
    (Specialty.FAMILY, 0.25),
)


POOL_REGISTERED = datetime(2024, 12, 20, 10, 0, tzinfo=SHANGHAI)  # before the demo's year begins


def register_pool(ledger: CaseLedger) -> None:
    """The bureau registers the demo's 180 lawyers, those not in the pool yet (demo runs, and clerks racing in
    the tests, share one pool)."""
    context, bureau = ledger.context(), _bureau(ledger)
    for _ in range(3):
        new = [c for c in lawyer_pool() if not ledger.recorder.select_events(lawyer_stream_id(ledger.policy.city, c.licence_number))]
        try:
            ledger.save(*(command.open(bureau, POOL_REGISTERED, context) for command in new))
            return
        except DomainError as refusal:
            if refusal.code != "VERSION_CONFLICT":  # another process registered some of them first: look again
                raise
    raise DomainError("VERSION_CONFLICT", "律师库登记一再冲突，请重试 (registering the demo's pool kept conflicting; retry).")


def pool_profiles(ledger: CaseLedger) -> list[LawyerProfile]:
    """The pool as registered, for the demo's rotation in memory."""
    context, bureau = ledger.context(), _bureau(ledger)
    return [command.open(bureau, POOL_REGISTERED, context).profile() for command in lawyer_pool()]


def _bureau(ledger: CaseLedger) -> Actor:
    return Actor(ledger.policy.bureau_id, "包头市司法局律师工作科", Role.BUREAU)
