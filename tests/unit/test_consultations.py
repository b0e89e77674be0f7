"""Consultations (咨询), as specifications: an institution counts the day's consultations by channel and topic
in its own monthly register, without personal data, and strikes out a line entered wrongly, saying why.
Pure domain tests; after every refusal nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from domain.actor import SHANGHAI, Actor
from domain.consultation_commands import RecordConsultations, StrikeConsultationLine
from domain.consultations import ConsultationChannel, ConsultationLine, ConsultationRegister, ConsultationTopic
from domain.errors import DomainError
from tests.unit.test_case_rules import DIRECTORY, STAFF

AT = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)
HOTLINE_LABOUR = ConsultationLine(date(2026, 11, 23), ConsultationChannel.HOTLINE, ConsultationTopic.LABOUR, 4, 1)


def opened(institution: str = "qingshan") -> ConsultationRegister:
    return ConsultationRegister.open(STAFF[institution], AT, "baotou", date(2026, 11, 2), DIRECTORY)


def refused_code(register: ConsultationRegister, action: Callable[[], Any]) -> str:
    """The refusal's code; the register recorded nothing."""
    before = (register.version, len(register.pending_events))
    with pytest.raises(DomainError) as refusal:
        action()
    assert (register.version, len(register.pending_events)) == before
    assert refusal.value.message
    return refusal.value.code


def test_a_line_counts_the_days_consultations_and_a_line_struck_out_no_longer_counts() -> None:
    register = opened()
    walk_in = ConsultationLine(date(2026, 11, 2), ConsultationChannel.WALK_IN, ConsultationTopic.FAMILY, 2)
    assert register.record(STAFF["qingshan"], AT, walk_in) == 1
    assert register.record(STAFF["qingshan"], AT, HOTLINE_LABOUR) == 2
    assert (register.month, register.counted) == ("2026-11", 6)

    register.strike(STAFF["qingshan"], AT, 1, "重复登记")

    assert register.counted == 4
    kinds = [type(e).__name__ for e in register.collect_events()]
    assert kinds == ["Opened", "Recorded", "Recorded", "Struck"]


def test_lines_of_another_day_may_come_in_any_order_but_never_ahead_of_their_day() -> None:
    register = opened()
    register.record(STAFF["qingshan"], AT, HOTLINE_LABOUR)
    last_tuesday = ConsultationLine(date(2026, 11, 17), ConsultationChannel.OUTREACH, ConsultationTopic.UNPAID_WAGES, 9)
    assert register.record(STAFF["qingshan"], datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), last_tuesday) == 2  # an earlier time
    tomorrow = ConsultationLine(date(2026, 11, 24), ConsultationChannel.WALK_IN, ConsultationTopic.CIVIL, 1)
    assert refused_code(register, lambda: register.record(STAFF["qingshan"], AT, tomorrow)) == "CONSULTED_IN_FUTURE"


def test_an_institution_records_only_in_its_own_register_and_only_that_months_lines() -> None:
    register = opened("qingshan")
    assert refused_code(register, lambda: register.record(STAFF["kundulun"], AT, HOTLINE_LABOUR)) == "NOT_YOUR_REGISTER"
    assert refused_code(register, lambda: register.strike(STAFF["kundulun"], AT, 1, "x")) == "NOT_YOUR_REGISTER"
    october = ConsultationLine(date(2026, 10, 30), ConsultationChannel.WALK_IN, ConsultationTopic.CIVIL, 1)
    assert refused_code(register, lambda: register.record(STAFF["qingshan"], AT, october)) == "NOT_THIS_MONTH"


def test_no_more_people_are_told_how_to_apply_than_consulted() -> None:
    register = opened()
    too_many = ConsultationLine(date(2026, 11, 2), ConsultationChannel.WALK_IN, ConsultationTopic.CIVIL, 2, 3)
    assert refused_code(register, lambda: register.record(STAFF["qingshan"], AT, too_many)) == "MORE_TOLD_THAN_CONSULTED"


def test_striking_out_names_a_line_that_exists_once_and_says_why() -> None:
    register = opened()
    register.record(STAFF["qingshan"], AT, HOTLINE_LABOUR)
    assert refused_code(register, lambda: register.strike(STAFF["qingshan"], AT, 2, "x")) == "LINE_NOT_FOUND"
    assert refused_code(register, lambda: register.strike(STAFF["qingshan"], AT, 0, "x")) == "LINE_NOT_FOUND"
    assert refused_code(register, lambda: register.strike(STAFF["qingshan"], AT, 1, "  ")) == "MISSING_FIELD"
    register.strike(STAFF["qingshan"], AT, 1, "误记为热线，实为来访")
    assert refused_code(register, lambda: register.strike(STAFF["qingshan"], AT, 1, "again")) == "LINE_ALREADY_STRUCK"


def test_a_register_opens_only_for_an_institution_of_the_network() -> None:
    with pytest.raises(DomainError) as refusal:
        ConsultationRegister.open(Actor("elsewhere", "clerk"), AT, "baotou", date(2026, 11, 2), DIRECTORY)
    assert refusal.value.code == "UNKNOWN_INSTITUTION"


def test_a_line_has_no_field_a_name_or_a_telephone_number_could_be_typed_into() -> None:
    """No personal data: every field of the command is a date or time, a closed vocabulary or a number."""
    schema = RecordConsultations.model_json_schema()
    for field, spec in schema["properties"].items():
        shapes = spec.get("anyOf", [spec])
        for shape in shapes:
            enum = schema["$defs"][shape["$ref"].split("/")[-1]] if "$ref" in shape else shape
            assert "enum" in enum or shape.get("type") in ("integer", "null") or shape.get("format") in ("date", "date-time"), field


def test_the_command_bounds_counts_and_defaults_the_day_to_the_day_recorded() -> None:
    line = RecordConsultations(channel=ConsultationChannel.ONLINE, topic=ConsultationTopic.OTHER).line(AT)
    assert (line.day, line.count, line.told_how_to_apply) == (date(2026, 11, 23), 1, 0)
    for wrong in ({"count": 0}, {"count": 1001}, {"told_how_to_apply": -1}, {"channel": "phone"}, {"topic": "weather"}):
        with pytest.raises(ValidationError):
            RecordConsultations.model_validate({"channel": "walk_in", "topic": "civil", **wrong})
    with pytest.raises(DomainError) as refusal:
        RecordConsultations.model_validate({"channel": "walk_in", "topic": "civil", "day": date(1066, 10, 14)}).line(AT)
    assert refusal.value.code == "DATE_OUT_OF_RANGE"
    for month in ("2026-13", "2026-1", "11-2026"):
        with pytest.raises(ValidationError):
            StrikeConsultationLine(month=month, line=1, reason="x")
