"""Quality review on the signed ledger: checks and grades reach `stats` for the institution that made them,
the quality read model equals a recount of the records, and finance reconciles a payment against the band
of its file's grade where the profile pays by grade. Both backends."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.demo import DemoGenerator
from domain.closing_commands import Close, RecordQualityCheck, ReviewClosingFile, SubmitClosingFile
from domain.vocabulary import FileGrade, QualityCheckKind
from infrastructure.ledger import CaseLedger
from projections.quality import quality_figures
from projections.reconciliation import check_payments, read_payments
from projections.registry import ReadModels
from service.queries import Queries
from tests.integration.test_reports import payment
from tests.unit.test_quality_rules import GRADED
from tests.walkthrough import FIRST_RECEIVING, HANDLING, RECEIVED_AT, staff, walk, walk_whole_case


def check(kind: QualityCheckKind, satisfactory: bool) -> RecordQualityCheck:
    return RecordQualityCheck(kind=kind, reviewer="评查员", satisfactory=satisfactory)


def test_stats_show_each_institutions_quality_rate_and_its_recipients_satisfaction(ledger: CaseLedger, models: ReadModels) -> None:
    case_id = walk(ledger, until=Close)  # received in Kundulun, handled and closed in Qingshan
    at = RECEIVED_AT + timedelta(days=20)
    for command, institution in (
        (check(QualityCheckKind.HEARING_ATTENDANCE, True), HANDLING),
        (check(QualityCheckKind.AUTHORITY_OPINION, False), HANDLING),
        (check(QualityCheckKind.FOLLOW_UP_CALL, False), FIRST_RECEIVING),
        (SubmitClosingFile(pages=30), FIRST_RECEIVING),
        (ReviewClosingFile(reviewer="审查员", grade=FileGrade.EXCELLENT, opinion="卷宗规范"), FIRST_RECEIVING),
    ):
        at += timedelta(hours=2)
        ledger.act(case_id, command, staff(institution), at)

    first = Queries(models).statistics(FIRST_RECEIVING, None)["quality"]
    handling = Queries(models).statistics(HANDLING, None)["quality"]

    assert (first["files_reviewed"], first["files_by_grade"]["excellent"], first["excellent_share"]) == (1, 1, 1.0)
    assert first["checks"]["follow_up_call"] == {"count": 1, "satisfactory": 0}
    assert first["recipients_satisfied_share"] == 0.0
    assert first["excellent_share_seed_2022"] == 0.439  # 003
    assert (handling["files_reviewed"], handling["excellent_share"], handling["recipients_satisfied_share"]) == (0, None, None)
    assert handling["checks"]["hearing_attendance"] == {"count": 1, "satisfactory": 1}
    assert handling["checks"]["authority_opinion"] == {"count": 1, "satisfactory": 0}
    assert Queries(models).statistics(None, "2025")["quality"]["files_reviewed"] == 0  # a period before any review


def recount(ledger: CaseLedger) -> dict[str | None, dict[str, Any]]:
    """Grades and checks per recording institution (and city-wide under None), straight from the domain events."""
    grades: dict[str | None, Counter[str]] = {}
    checks: dict[str | None, Counter[tuple[str, bool]]] = {}
    for notification in ledger.all_records():
        event = ledger.mapper.to_domain_event(notification)
        kind = type(event).__name__
        if kind not in ("ClosingFileReviewed", "QualityCheckRecorded"):
            continue
        for who in (None, event.by["institution"]):  # type: ignore[attr-defined]
            if kind == "ClosingFileReviewed":
                grades.setdefault(who, Counter())[event.grade] += 1  # type: ignore[attr-defined]
            else:
                checks.setdefault(who, Counter())[(event.kind, event.satisfactory)] += 1  # type: ignore[attr-defined]
    return {
        who: {
            "grades": {g.value: grades.get(who, Counter())[g.value] for g in FileGrade},
            "checks": {
                k.value: {
                    "count": sum(n for (kind, _), n in checks.get(who, Counter()).items() if kind == k.value),
                    "satisfactory": checks.get(who, Counter())[(k.value, True)],
                }
                for k in QualityCheckKind
            },
        }
        for who in {*grades, *checks, None}
    }


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**6), cases=st.integers(min_value=1, max_value=60))
def test_the_quality_read_model_equals_a_recount_of_the_records(ledger: CaseLedger, models: ReadModels, seed: int, cases: int) -> None:
    DemoGenerator(ledger, seed).run(range(cases), cases)
    table = models.current("quality").current_table()
    expected = recount(ledger)
    for who, figures in expected.items():
        projected = quality_figures(models.store, table, who, None, None)
        assert {"grades": projected["files_by_grade"], "checks": projected["checks"]} == figures


def test_finance_holds_a_payment_to_the_band_of_its_files_grade(ledger: CaseLedger, models: ReadModels) -> None:
    walk_whole_case(ledger)  # a good file, paid 1,500 yuan
    (paid,) = read_payments(models.store, models.current("ledger").current_table())
    assert paid["file_grade"] == "good"

    assert check_payments([payment(file_grade="excellent", amount_fen=240_000)], GRADED)[0]["findings"] == ["within_band"]
    assert check_payments([payment(file_grade="unqualified", amount_fen=150_000)], GRADED)[0]["findings"] == ["above_band_without_approval"]
    (baotou,) = check_payments([payment(file_grade="excellent", amount_fen=240_000)], ledger.policy)
    assert (baotou["findings"], baotou["band_max_fen"]) == (["above_band_without_approval"], 180_000)
