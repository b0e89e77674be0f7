"""Consultations on the signed ledger (both backends): lines reach the counts per institution and day and
`stats`, a line struck out leaves them, the read model equals a recount of the records, and clerks recording
in one register at once all land, each line once, also when a request is sent twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.actor import SHANGHAI
from domain.consultation_commands import RecordConsultations, StrikeConsultationLine
from domain.consultations import ConsultationChannel, ConsultationRegister, ConsultationTopic, register_stream_id
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.idempotency import IdempotencyStore, RequestKey
from infrastructure.ledger import CaseLedger
from infrastructure.principals import Principal
from infrastructure.sql_store import SqlStore
from projections.consultations import consultation_figures, consultations_by_day
from projections.registry import ReadModels
from service.consultations import ConsultationService, record_consultations, strike_line
from service.queries import Queries
from service.registers import until_recorded
from tests.integration.test_served_integrity import assert_verifies
from tests.walkthrough import staff

QINGSHAN, KUNDULUN, MUNICIPAL = "baotou-qingshan", "baotou-kundulun", "baotou-municipal"
AT = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)


def line(day: date, channel: str, topic: str, count: int, told: int = 0) -> RecordConsultations:
    return RecordConsultations.model_validate({"day": day, "channel": channel, "topic": topic, "count": count, "told_how_to_apply": told})


def record(ledger: CaseLedger, institution: str, command: RecordConsultations) -> int:
    number = until_recorded(lambda: record_consultations(ledger, command, staff(institution), AT)).body["line"]
    assert isinstance(number, int)
    return number


def test_the_counts_per_institution_and_day_and_stats_leave_out_a_line_struck_out(ledger: CaseLedger, models: ReadModels) -> None:
    record(ledger, QINGSHAN, line(date(2026, 11, 2), "walk_in", "family", 3, 1))
    record(ledger, QINGSHAN, line(date(2026, 11, 2), "hotline", "labour", 2))
    wrong = record(ledger, QINGSHAN, line(date(2026, 11, 2), "hotline", "labour", 20))
    record(ledger, KUNDULUN, line(date(2026, 10, 30), "outreach", "unpaid_wages", 7, 7))
    strike_line(ledger, StrikeConsultationLine(month="2026-11", line=wrong, reason="多输了一个零"), staff(QINGSHAN), AT)

    queries = Queries(models)
    qingshan = queries.consultations(QINGSHAN, "2026-11")
    assert (qingshan["total"], qingshan["told_how_to_apply"]) == (5, 1)
    assert qingshan["by_channel"] == {"walk_in": 3, "hotline": 2, "online": 0, "outreach": 0}
    channels = {"walk_in": 3, "hotline": 2, "online": 0, "outreach": 0}
    assert qingshan["days"] == [{"institution": QINGSHAN, "day": "2026-11-02", "total": 5, "told_how_to_apply": 1, **channels}]
    city = queries.statistics(None, "2026")["consultations"]
    assert (city["total"], city["by_topic"]["unpaid_wages"], city["total_seed_2022"]) == (12, 7, 7323)
    assert [d["day"] for d in queries.consultations(None, None)["days"]] == ["2026-11-02", "2026-10-30"]  # newest first
    assert queries.statistics(KUNDULUN, "2026-11")["consultations"]["total"] == 0
    assert_verifies(ledger)


def recount(ledger: CaseLedger) -> tuple[Counter[tuple[str, str, str, str]], Counter[tuple[str, str]]]:
    """Consultations and those told how to apply, per (institution, day, channel, topic) and per (institution,
    day), straight from the domain events: every line recorded, less those struck out."""
    lines: dict[Any, list[Any]] = {}
    struck: set[tuple[Any, int]] = set()
    for notification in ledger.all_records():
        event = ledger.mapper.to_domain_event(notification)
        kind = type(event).__qualname__
        if kind == "ConsultationRegister.Recorded":
            lines.setdefault(event.originator_id, []).append(event)
        elif kind == "ConsultationRegister.Struck":
            struck.add((event.originator_id, event.line))  # type: ignore[attr-defined]
    counted: Counter[tuple[str, str, str, str]] = Counter()
    told: Counter[tuple[str, str]] = Counter()
    for stream, events in lines.items():
        for number, e in enumerate(events, 1):
            if (stream, number) not in struck:
                counted[(e.by["institution"], e.day, e.channel, e.topic)] += e.count
                told[(e.by["institution"], e.day)] += e.told_how_to_apply
    return counted, told


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.sampled_from([QINGSHAN, KUNDULUN, MUNICIPAL]),
            st.dates(min_value=date(2026, 10, 1), max_value=date(2026, 11, 23)),
            st.sampled_from(list(ConsultationChannel)),
            st.sampled_from(list(ConsultationTopic)),
            st.integers(min_value=1, max_value=30),
        ),
        st.tuples(st.just("strike"), st.sampled_from([QINGSHAN, KUNDULUN]), st.sampled_from(["2026-10", "2026-11"]), st.integers(1, 6)),
    ),
    max_size=25,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_the_consultations_read_model_equals_a_recount_of_the_records(
    ledger: CaseLedger, models: ReadModels, operations: list[tuple[Any, ...]]
) -> None:
    for operation in operations:
        try:
            if operation[0] == "record":
                _, who, day, channel, topic, count = operation
                record(ledger, who, line(day, channel, topic, count, count // 3))
            else:
                _, who, month, number = operation
                strike_line(ledger, StrikeConsultationLine(month=month, line=number, reason="更正"), staff(who), AT)
        except DomainError as refusal:
            assert refusal.code in ("LINE_NOT_FOUND", "LINE_ALREADY_STRUCK", "REGISTER_NOT_FOUND")
    counted, told = recount(ledger)
    table = models.current("consultations").current_table()
    for who in (QINGSHAN, KUNDULUN, MUNICIPAL, None):
        for period, (start, end) in {"all": (None, None), "october": ("2026-10-01", "2026-11-01")}.items():
            mine = {k: n for k, n in counted.items() if who in (None, k[0]) and (start is None or start <= k[1] < str(end))}
            figures = consultation_figures(models.store, table, who, start, end)
            assert figures["total"] == sum(mine.values()), (who, period)
            for channel in ConsultationChannel:
                assert figures["by_channel"][channel] == sum(n for k, n in mine.items() if k[2] == channel)
            for topic in ConsultationTopic:
                assert figures["by_topic"][topic] == sum(n for k, n in mine.items() if k[3] == topic)
        rows = consultations_by_day(models.store, table, who, None, None)
        days = {(d["institution"], d["day"]): (d["total"], d["told_how_to_apply"]) for d in rows}
        per_day: Counter[tuple[str, str]] = Counter()
        for (institution, day, _, _), n in counted.items():
            if who in (None, institution):
                per_day[(institution, day)] += n
        assert days == {k: (n, told[k]) for k, n in per_day.items()}


def test_eight_clerks_recording_in_one_register_at_once_all_land_each_once(ledger: CaseLedger) -> None:
    numbers: list[int] = []
    errors: list[str] = []

    def clerk(count: int) -> None:
        try:
            numbers.append(record(ledger, QINGSHAN, line(date(2026, 11, 23), "walk_in", "civil", count)))
        except DomainError as refusal:
            errors.append(refusal.code)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    stream = register_stream_id(ledger.policy.city, QINGSHAN, "2026-11")
    register = ledger.find(stream, ConsultationRegister)
    assert register is not None and register.counted == sum(range(1, 9))
    assert [n.originator_version for n in ledger.all_records() if n.originator_id == stream] == list(range(1, 10))  # opened once
    assert_verifies(ledger)


def test_a_line_struck_out_while_clerks_record_others_is_struck_once_and_every_line_lands(ledger: CaseLedger) -> None:
    """A strike racing new lines of its register is not refused as a conflict; two strikes of one line: one lands,
    the other is told the line is struck already."""
    wrong = record(ledger, QINGSHAN, line(date(2026, 11, 23), "walk_in", "civil", 40))
    outcomes: list[str] = []

    def strike() -> None:
        try:
            strike_line(ledger, StrikeConsultationLine(month="2026-11", line=wrong, reason="多输了一个零"), staff(QINGSHAN), AT)
            outcomes.append("struck")
        except DomainError as refusal:
            outcomes.append(refusal.code)

    def clerk(count: int) -> None:
        record(ledger, QINGSHAN, line(date(2026, 11, 23), "hotline", "labour", count))
        outcomes.append("recorded")

    threads = [threading.Thread(target=strike) for _ in range(2)] + [threading.Thread(target=clerk, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["struck", "LINE_ALREADY_STRUCK"] + ["recorded"] * 6)
    register = ledger.find(register_stream_id(ledger.policy.city, QINGSHAN, "2026-11"), ConsultationRegister)
    assert register is not None and register.struck == {wrong} and register.counted == sum(range(1, 7))
    assert_verifies(ledger)


def test_a_request_sent_twice_at_once_records_its_line_once_and_both_get_its_answer(
    ledger: CaseLedger, models: ReadModels, settings: Settings
) -> None:
    service = ConsultationService(models, IdempotencyStore(SqlStore(Database(settings.db_url))))
    clerk = Principal("p-qingshan", "窗口", QINGSHAN, frozenset({Role.STAFF}))
    command = line(date(2026, 11, 23), "hotline", "injury", 2)
    key = RequestKey(clerk.principal_id, "line-1", "fingerprint-of-the-body")
    answers: list[Any] = []

    def send() -> None:
        answers.append(service.record(clerk, command, AT, key))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 4 and {a.body["line"] for a in answers} == {1}
    assert sum(not a.replayed for a in answers) == 1
    assert Queries(models).consultations(QINGSHAN, None)["total"] == 2
    assert_verifies(ledger)
