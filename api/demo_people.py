"""The people of the demo: applicants, caseworkers and lawyers with names, numbers and addresses as Baotou's
have them, and the applications they bring. Drawn from the demo's seeded random generator, in a fixed
order, so that a seed always gives the same ledger."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from domain.case import Case
from domain.fields import Lawyer
from domain.network import MUNICIPAL_DISTRICT
from domain.policy.baotou import DISTRICT_NAMES
from domain.vocabulary import Channel, KeyGroup, MatterKind

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅海燕宝音其其格巴特尔乌云"
FIRMS = ("内蒙古慧丰律师事务所", "内蒙古包钢律师事务所", "内蒙古义达律师事务所", "内蒙古天贺律师事务所", "内蒙古蒙益律师事务所")


def person(rng: random.Random, institution_id: str) -> str:
    return f"{institution_id}/{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"


def application(rng: random.Random, matter: MatterKind, district: str) -> dict[str, Any]:
    """The fields of a ReceiveApplication: channel, authority, key groups and hardship as Baotou's cases have them."""
    criminal = matter is MatterKind.CRIMINAL
    channel = rng.choice(
        [Channel.FORWARDED_BY_COURT, Channel.FORWARDED_BY_PROCURATORATE, Channel.FORWARDED_BY_POLICE, Channel.FORWARDED_BY_DETENTION]
        if criminal and rng.random() < 0.8
        else [Channel.WINDOW, Channel.WINDOW, Channel.PHONE, Channel.ONLINE, Channel.WORKSTATION]
    )
    place = DISTRICT_NAMES[district]
    court = f"{place}中级人民法院" if district == MUNICIPAL_DISTRICT else f"{place}人民法院"
    if criminal and rng.random() < 0.4:
        authority = f"{place}人民检察院" if rng.random() < 0.5 else f"{place}公安局"
    else:
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


def applicant(rng: random.Random) -> dict[str, Any]:
    birth = datetime(1950, 1, 1) + timedelta(days=rng.randrange(0, 26000))
    return {
        "applicant_id": f"{rng.getrandbits(128):032x}",
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        "id_number": f"1502{rng.randrange(10, 99)}{birth:%Y%m%d}{rng.randrange(100, 999)}{rng.choice('0123456789X')}",
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        "address": f"{DISTRICT_NAMES[rng.choice(list(DISTRICT_NAMES))]}{rng.randint(1, 300)}号",
    }


def lawyer(rng: random.Random, case: Case) -> Lawyer:
    return Lawyer(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        license_number=f"1150{rng.randrange(10**12, 10**13)}",
        firm=rng.choice(FIRMS),
        office_address=f"包头市{DISTRICT_NAMES[case.authority['district']]}{rng.randint(1, 200)}号",
        office_phone=f"0472-{rng.randrange(1000000, 9999999)}",
        criminal_practice_years=rng.randint(3, 20) if case.possible_life_or_death else rng.randint(0, 20),
    )
