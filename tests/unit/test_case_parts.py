"""The case's pure parts, alone: hardship against the city standard, where a transfer may go, who may be
appointed where life or death is at stake, and a transfer as the API shows it. No store, no clock."""

from __future__ import annotations

import pytest

from domain.decision import checked_lawyer
from domain.errors import DomainError
from domain.intake import assess_eligibility
from domain.policy import BAOTOU
from domain.transfer import Transfer, allowed_targets
from tests.unit.test_case_rules import DIRECTORY, LAWYER

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


def test_a_transfer_goes_where_the_authority_sits_or_where_the_bureau_designated() -> None:
    assert allowed_targets("qingshan", None, DIRECTORY) == {"qingshan"}
    assert allowed_targets("qingshan", "donghe", DIRECTORY) == {"qingshan", "donghe"}
    assert allowed_targets("municipal", None, DIRECTORY) == {"municipal"}  # a city-level court: the municipal centre


def test_life_or_death_needs_three_years_of_criminal_defence() -> None:
    with pytest.raises(DomainError) as refused:
        checked_lawyer({**LAWYER, "criminal_practice_years": 2}, True, BAOTOU)
    assert refused.value.code == "LAWYER_NOT_QUALIFIED"
    assert checked_lawyer({**LAWYER, "criminal_practice_years": 3}, True, BAOTOU)["criminal_practice_years"] == 3
    assert checked_lawyer({**LAWYER, "criminal_practice_years": 0}, False, BAOTOU)["name"] == "张律师"


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
