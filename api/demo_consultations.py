"""The demo's consultations (咨询): Baotou's 7,323 of 2022 beside its 1,889 cases (seed 003), in proportion to
the cases asked for, spread over the demo's year, the centres and their working days as lines of each
centre's monthly register, recorded at the close of the day.

No seed gives the mix of channels or topics, nor how many were told how to apply: the shares below are the
demo's assumption (most people come to the window or call 12348; family, labour and wage matters lead, as
they lead legal aid's civil cases).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from api.demo_people import person
from domain.actor import SHANGHAI, Actor
from domain.commands import Context
from domain.consultations import ConsultationChannel, ConsultationLine, ConsultationRegister, ConsultationTopic, month_of
from domain.vocabulary import InstitutionKind, Role
from infrastructure.working_days import WorkingDayCalendar

CONSULTATIONS_PER_CASE = 7323 / 1889  # 003: 包头 2022
CHANNEL_MIX = {
    ConsultationChannel.WALK_IN: 55,
    ConsultationChannel.HOTLINE: 30,
    ConsultationChannel.ONLINE: 10,
    ConsultationChannel.OUTREACH: 5,
}
TOPIC_MIX = {
    ConsultationTopic.FAMILY: 22,
    ConsultationTopic.CIVIL: 20,
    ConsultationTopic.LABOUR: 18,
    ConsultationTopic.UNPAID_WAGES: 12,
    ConsultationTopic.INJURY: 12,
    ConsultationTopic.CRIMINAL: 8,
    ConsultationTopic.OTHER: 5,
    ConsultationTopic.ADMINISTRATIVE: 3,
}
TOLD_SHARE = 0.3  # within legal aid's scope and told how to apply
MUNICIPAL_WEIGHT = 3  # the city centre's window sees more people than a county's
DAY_CLOSES = time(17, 30)


def consultation_registers(
    context: Context, cases: int, seed: int, first_day: date, days: int, today: datetime
) -> list[ConsultationRegister]:
    """The registers of every centre for the demo's year, up to `today`."""
    rng = random.Random(f"{seed}:consultations")
    calendar = WorkingDayCalendar()
    open_days = [d for d in (first_day + timedelta(n) for n in range(days)) if calendar.is_working_day(d)[0] and d <= today.date()]
    centres = context.directory.centres()
    weights = [MUNICIPAL_WEIGHT if c.kind is InstitutionKind.MUNICIPAL_CENTRE else 1 for c in centres]
    lines: Counter[tuple[str, date, ConsultationChannel, ConsultationTopic]] = Counter()
    for _ in range(round(cases * CONSULTATIONS_PER_CASE)):
        centre = rng.choices(centres, weights)[0].institution_id
        channel = rng.choices(list(CHANNEL_MIX), list(CHANNEL_MIX.values()))[0]
        topic = rng.choices(list(TOPIC_MIX), list(TOPIC_MIX.values()))[0]
        lines[(centre, rng.choice(open_days), channel, topic)] += 1
    registers: dict[tuple[str, str], ConsultationRegister] = {}
    for (centre, day, channel, topic), count in sorted(lines.items()):
        at = datetime.combine(day, DAY_CLOSES, SHANGHAI)
        clerk = Actor(centre, person(rng, centre), Role.STAFF)
        month = (centre, month_of(day))
        if month not in registers:
            registers[month] = ConsultationRegister.open(clerk, at, context.policy.city, day, context.directory)
        told = sum(rng.random() < TOLD_SHARE for _ in range(count))
        registers[month].record(clerk, at, ConsultationLine(day, channel, topic, count, told))
    return list(registers.values())
