"""The people of the demo: applicants, caseworkers and lawyers with names, numbers and addresses as Baotou's
have them, and the applications they bring. Drawn from the demo's seeded random generator, in a fixed
order, so that a seed always gives the same ledger."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from domain.network import MUNICIPAL_DISTRICT
from domain.policy.baotou import DISTRICT_NAMES
from domain.vocabulary import Channel, KeyGroup, MatterKind, NoticeGround

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅海燕宝音其其格巴特尔乌云"
FIRMS = ("内蒙古慧丰律师事务所", "内蒙古包钢律师事务所", "内蒙古义达律师事务所", "内蒙古天贺律师事务所", "内蒙古蒙益律师事务所")


def person(rng: random.Random, institution_id: str) -> str:
    return f"{institution_id}/{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"


def application(rng: random.Random, matter: MatterKind, district: str) -> dict[str, Any]:
    """The fields of a ReceiveApplication: channel, authority, key groups and hardship as Baotou's cases have them."""
    criminal = matter is MatterKind.CRIMINAL
    place = DISTRICT_NAMES[district]
    court = f"{place}中级人民法院" if district == MUNICIPAL_DISTRICT else f"{place}人民法院"
    kind = rng.random()
    if criminal and kind < 0.75:  # most criminal legal aid is notified defence (LAL 25, 36)
        return notice(rng, district, court)
    if criminal and kind < 0.9:  # a person in custody applies through the detention facility or the court (LAL 39)
        channel = rng.choice([Channel.FORWARDED_BY_DETENTION, Channel.FORWARDED_BY_COURT])
    else:
        channel = rng.choice([Channel.WINDOW, Channel.WINDOW, Channel.PHONE, Channel.ONLINE, Channel.WORKSTATION])
    authority = court
    groups = tuple(g for g in KeyGroup if rng.random() < 0.08)
    if matter is MatterKind.CIVIL and rng.random() < 0.25:
        groups = (*groups, KeyGroup.MIGRANT_WORKER) if KeyGroup.MIGRANT_WORKER not in groups else groups
    basis = rng.random()
    hardship: dict[str, Any]
    if KeyGroup.MIGRANT_WORKER in groups and matter is MatterKind.CIVIL:
        hardship = {"basis": "exemption", "exemption": "migrant_worker_wages"}  # LAL 42(3): wages and work injuries
    elif basis < 0.3:
        hardship = {"basis": "exemption", "exemption": rng.choice(["social_assistance", "elderly_no_income", "minor", "unemployed"])}
    elif basis < 0.6:
        hardship = {"basis": "credit_commitment"}
    else:
        size = rng.randint(1, 5)
        per_person = rng.randrange(60_000, 300_000) if rng.random() < 0.85 else rng.randrange(250_000, 600_000)
        hardship = {"basis": "hardship_statement", "household_monthly_income_fen": per_person * size, "household_size": size}
    return {
        "channel": channel,
        "matter_kind": matter,
        "authority_name": authority,
        "authority_district": district,
        "authority_case_number": f"(2025)内02{rng.randint(1, 99):02d}{_DOCKET[matter]}{rng.randint(1, 3000)}号",
        "applicant": applicant(rng),
        "hardship": hardship,
        "key_groups": groups,
        "group_case": rng.random() < 0.02,
        "complex_case": rng.random() < 0.08,
        "emergency": rng.random() < 0.02,
        "possible_life_or_death": criminal and rng.random() < 0.05,
        "summary": {
            MatterKind.CIVIL: "劳动争议",
            MatterKind.CRIMINAL: "刑事辩护",
            MatterKind.ADMINISTRATIVE: "行政诉讼",
            MatterKind.LEGAL_HELP: "法律帮助",
        }[matter],
    }


_DOCKET = {MatterKind.CIVIL: "民初", MatterKind.CRIMINAL: "刑初", MatterKind.ADMINISTRATIVE: "行初", MatterKind.LEGAL_HELP: "刑初"}
NOTIFYING = (  # who notifies, and what the notice is called in its district
    (Channel.NOTIFIED_BY_POLICE, "公安局", "公通援"),
    (Channel.NOTIFIED_BY_PROCURATORATE, "人民检察院", "检通援"),
    (Channel.NOTIFIED_BY_COURT, "人民法院", "法通援"),
)
NOTICE_GROUNDS = (  # Baotou's notified cases are mostly minors and the ordinary-procedure full coverage pilot
    (NoticeGround.MINOR, 30),
    (NoticeGround.ORDINARY_PROCEDURE, 40),
    (NoticeGround.LIFE_OR_DEATH, 8),
    (NoticeGround.SENSORY_DISABILITY, 6),
    (NoticeGround.DIMINISHED_CAPACITY, 6),
    (NoticeGround.COMPULSORY_MEDICAL_TREATMENT, 4),
    (NoticeGround.OTHER_STATUTORY, 6),
)


def notice(rng: random.Random, district: str, court: str) -> dict[str, Any]:
    """The fields of a notice to appoint a defender (通知辩护): no hardship, the ground and the document."""
    channel, authority, prefix = rng.choice(NOTIFYING)
    ground = rng.choices([g for g, _ in NOTICE_GROUNDS], [w for _, w in NOTICE_GROUNDS])[0]
    if ground in (NoticeGround.ORDINARY_PROCEDURE, NoticeGround.COMPULSORY_MEDICAL_TREATMENT):  # only a court notifies (25(2), 28)
        channel, authority, prefix = NOTIFYING[2]
    place = DISTRICT_NAMES[district]
    return {
        "channel": channel,
        "matter_kind": MatterKind.CRIMINAL,
        "authority_name": court if channel is Channel.NOTIFIED_BY_COURT else f"{place}{authority}",
        "authority_district": district,
        "applicant": applicant(rng),
        "notice": {"ground": ground, "document_number": f"{place[:2]}{prefix}字{rng.randrange(1, 999)}号"},
        "key_groups": (KeyGroup.MINOR,) if ground is NoticeGround.MINOR else (),
        "complex_case": rng.random() < 0.08,
        "possible_life_or_death": ground is NoticeGround.LIFE_OR_DEATH,
        "summary": "通知辩护",
    }


def applicant(rng: random.Random) -> dict[str, Any]:
    birth = datetime(1950, 1, 1) + timedelta(days=rng.randrange(0, 26000))
    return {
        "applicant_id": f"{rng.getrandbits(128):032x}",
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        "id_number": f"1502{rng.randrange(10, 99)}{birth:%Y%m%d}{rng.randrange(100, 999)}{rng.choice('0123456789X')}",
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        "address": f"{DISTRICT_NAMES[rng.choice(list(DISTRICT_NAMES))]}{rng.randint(1, 300)}号",
    }
