"""The unit tests' lawyer pool: three lawyers whose verified experience the rules read."""

from __future__ import annotations

from datetime import date

from domain.lawyers import LawyerProfile, LawyerStatus, Specialty

LAWYER = "11502201810123456"  # 张律师, Qingshan, criminal and civil since 2018
JUNIOR = "11502202410000003"  # 王律师, Kundulun, criminal practice since 2024
MINORS = "11502202010000002"  # 李律师, Qingshan, knows minors, criminal practice since 2020


def profile(licence: str, name: str, district: str, since: date, *more: Specialty) -> LawyerProfile:
    specialties = frozenset({Specialty.CRIMINAL, Specialty.CIVIL, *more})
    return LawyerProfile(licence, name, f"{name}所", district, "址", "0472-1", specialties, since, LawyerStatus.ACTIVE)


LAWYERS = (
    profile(LAWYER, "张律师", "qingshan", date(2018, 5, 1)),
    profile(JUNIOR, "王律师", "kundulun", date(2024, 9, 1)),
    profile(MINORS, "李律师", "qingshan", date(2020, 3, 1), Specialty.MINORS),
)
