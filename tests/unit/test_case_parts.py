"""The case's pure parts, alone: hardship against the city standard and the exemptions that waive it, where a transfer may go, who may be
appointed where life or death is at stake, and a transfer as the API shows it. No store, no clock."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.demo import MATTER_MIX
from api.demo_people import application as demo_application
from domain.errors import DomainError
from domain.intake import assess_eligibility, checked_hardship
from domain.policy import BAOTOU
from domain.transfer import Transfer, allowed_targets
from domain.vocabulary import MatterKind
from tests.unit.test_case_rules import DIRECTORY

STANDARD = 227_000  # Baotou: the Inner Mongolia class-1 minimum wage, 2,270 yuan a month per person (seed 000 二(九))


@pytest.mark.parametrize(
    ("household_income", "size", "eligible"),
    [(3 * STANDARD, 3, True), (3 * STANDARD + 3, 3, False), (0, 1, True), (STANDARD + 1, 1, False)],
)
def test_hardship_is_income_per_person_against_the_single_city_standard(household_income: int, size: int, eligible: bool) -> None:
    hardship = {"basis": "hardship_statement", "household_monthly_income_fen": household_income, "household_size": size}
    assert assess_eligibility(hardship, BAOTOU)[0] is eligible


def test_an_exemption_and_a_credit_commitment_need_no_income_check() -> None:
    assert assess_eligibility({"basis": "credit_commitment"}, BAOTOU)[0] is True
    exempt = {"basis": "exemption", "exemption": "minor", "legal_basis": "LAL 42"}
    eligible, why = assess_eligibility(exempt, BAOTOU)
    assert eligible and "minor" in why


@pytest.mark.parametrize(
    ("exemption", "matter", "recorded"),
    [
        # LAL 42: hardship is not verified for who the applicant is; 42 has four items, (2) holds all three benefits.
        ("minor", MatterKind.CRIMINAL, ("LAL art 42(1)", "no_verification")),
        ("judicial_assistance", MatterKind.CIVIL, ("LAL art 42(2)", "no_verification")),
        ("special_care", MatterKind.ADMINISTRATIVE, ("LAL art 42(2)", "no_verification")),
        ("migrant_worker_wages", MatterKind.CIVIL, ("LAL art 42(3)", "no_verification")),
        # LAL 32: no hardship condition at all, for these claims only.
        ("bravery", MatterKind.CIVIL, ("LAL art 32(2)", "no_hardship_condition")),
        ("abuse_victim", MatterKind.CRIMINAL, ("LAL art 32(4)", "no_hardship_condition")),
        # Baotou's own deemed hardship (001 二(四)).
        ("disaster", MatterKind.CRIMINAL, ("包头 001 二(四)", "deemed_hardship")),
        ("unemployed", MatterKind.CIVIL, ("包头 001 二(四)", "deemed_hardship")),
    ],
)
def test_an_exemption_is_recorded_with_its_article_and_what_it_waives(
    exemption: str, matter: MatterKind, recorded: tuple[str, str]
) -> None:
    hardship = checked_hardship({"basis": "exemption", "exemption": exemption}, matter, BAOTOU)
    assert (hardship["legal_basis"], hardship["waiver"]) == recorded


@pytest.mark.parametrize(
    ("exemption", "matter"),
    [
        ("migrant_worker_wages", MatterKind.CRIMINAL),  # a wage claim exemption does not cover a criminal defence
        ("heroes_martyrs", MatterKind.ADMINISTRATIVE),
        ("bravery", MatterKind.CRIMINAL),
        ("state_compensation", MatterKind.CRIMINAL),
    ],
)
def test_an_exemption_that_does_not_fit_the_matter_is_refused(exemption: str, matter: MatterKind) -> None:
    with pytest.raises(DomainError) as refused:
        checked_hardship({"basis": "exemption", "exemption": exemption}, matter, BAOTOU)
    assert refused.value.code == "EXEMPTION_NOT_FOR_MATTER"


def test_another_citys_seventy_plus_rule_is_not_baotous() -> None:
    with pytest.raises(DomainError) as refused:
        checked_hardship({"basis": "exemption", "exemption": "elderly_70"}, MatterKind.CIVIL, BAOTOU)
    assert refused.value.code == "UNKNOWN_EXEMPTION"


def test_the_reason_says_which_rule_waived_the_hardship_test() -> None:
    no_condition = checked_hardship({"basis": "exemption", "exemption": "bravery"}, MatterKind.CIVIL, BAOTOU)
    no_check = checked_hardship({"basis": "exemption", "exemption": "minor"}, MatterKind.CIVIL, BAOTOU)
    assert "不受经济困难条件限制" in assess_eligibility(no_condition, BAOTOU)[1]
    assert "免予核查经济困难" in assess_eligibility(no_check, BAOTOU)[1]


@given(st.integers(0, 10**9), st.sampled_from([matter for matter, _ in MATTER_MIX]))
def test_every_demo_application_uses_an_exemption_that_fits_its_matter_and_no_notice_is_means_tested(seed: int, matter: MatterKind) -> None:
    fields = demo_application(random.Random(seed), matter, "qingshan")
    if fields["channel"].is_authority_notice:
        assert "hardship" not in fields and fields["matter_kind"] is MatterKind.CRIMINAL and fields["notice"]["ground"]
        return
    hardship = fields["hardship"]
    if hardship["basis"] == "exemption":
        assert BAOTOU.exemptions[hardship["exemption"]].covers(matter), hardship


def test_a_transfer_goes_where_the_authority_sits_or_where_the_bureau_designated() -> None:
    assert allowed_targets("qingshan", None, DIRECTORY) == {"qingshan"}
    assert allowed_targets("qingshan", "donghe", DIRECTORY) == {"qingshan", "donghe"}
    assert allowed_targets("municipal", None, DIRECTORY) == {"municipal"}  # a city-level court: the municipal centre


def test_a_transfer_shows_what_happened_to_it_and_nothing_more() -> None:
    requested = Transfer("kundulun", "qingshan", "2026-03-02T09:00:00+08:00")
    assert requested.as_record() == {"from": "kundulun", "to": "qingshan", "requested_at": "2026-03-02T09:00:00+08:00"}
    received = requested.dispatched("2026-03-02T10:00:00+08:00", "courier", "SF1").received("2026-03-03T09:00:00+08:00")
    assert received.as_record() == {
        "from": "kundulun",
        "to": "qingshan",
        "requested_at": "2026-03-02T09:00:00+08:00",
        "dispatched": "2026-03-02T10:00:00+08:00",
        "method": "courier",
        "reference": "SF1",
        "received": "2026-03-03T09:00:00+08:00",
    }
    assert requested.pending and not received.pending
