"""Consultations over HTTP: a caseworker records the day's consultations for their own institution and reads
its counts, the bureau and auditors read every institution's; mistakes are refused with a code and record
nothing; an Idempotency-Key makes a retry harmless, also after the server was killed with kill -9."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.integration.test_served_integrity import assert_verifies
from tests.server import Server, kill_while_posting

AT = "2026-11-23T17:30:00+08:00"
LINE = {"day": "2026-11-23", "channel": "hotline", "topic": "unpaid_wages", "count": 4, "told_how_to_apply": 2, "at": AT}
REGISTER = "/consultations/registers/baotou-kundulun/2026-11"


def test_a_caseworker_records_the_days_consultations_and_reads_only_their_institutions_counts(api: Api) -> None:
    recorded = api.post("kundulun_staff", "/consultations", LINE)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json() == {"institution": "baotou-kundulun", "month": "2026-11", "line": 1, "version": 2}
    assert api.post("qingshan_staff", "/consultations", {**LINE, "count": 1, "told_how_to_apply": 0}).status_code == 201

    own = api.get("kundulun_staff", "/consultations", params={"period": "2026-11"}).json()
    assert (own["institution"], own["total"], own["by_channel"]["hotline"], own["told_how_to_apply"]) == ("baotou-kundulun", 4, 4, 2)
    assert api.get("kundulun_staff", "/consultations", params={"institution": "baotou-qingshan"}).json()["code"] == "NOT_YOUR_INSTITUTION"
    assert api.get("qingshan_staff", REGISTER).status_code == 403
    assert api.get("bureau", "/consultations").json()["total"] == 5
    assert api.get("auditor", REGISTER).json()["lines"][0]["count"] == 4
    assert api.get("auditor", "/stats").json()["consultations"]["by_topic"]["unpaid_wages"] == 5
    assert api.get("kundulun_finance", "/consultations").status_code == 403


def test_a_line_entered_wrongly_is_struck_out_by_its_own_institution_and_stays_on_record(api: Api) -> None:
    api.post("kundulun_staff", "/consultations", LINE)
    strike = {"month": "2026-11", "line": 1, "reason": "实为来访", "at": AT}
    assert api.post("qingshan_staff", "/consultations/strike", strike).json()["code"] == "REGISTER_NOT_FOUND"  # its own has none
    struck = api.post("kundulun_staff", "/consultations/strike", strike)
    assert struck.status_code == 200, struck.text
    assert (struck.json()["counted"], struck.json()["lines"][0]["struck"]) == (0, True)
    again = api.post("kundulun_staff", "/consultations/strike", strike)
    assert (again.status_code, again.json()["code"]) == (422, "LINE_ALREADY_STRUCK")
    assert api.get("kundulun_staff", "/consultations").json()["total"] == 0


def test_mistakes_are_refused_with_a_code_and_record_nothing(api: Api) -> None:
    api.post("kundulun_staff", "/consultations", LINE)
    mistakes: list[tuple[str, dict[str, Any], int, str | None]] = [
        ("kundulun_staff", {"count": 0}, 422, None),
        ("kundulun_staff", {"count": "many"}, 422, None),
        ("kundulun_staff", {"channel": "phone"}, 422, None),
        ("kundulun_staff", {"topic": "weather"}, 422, None),
        ("kundulun_staff", {"day": "yesterday"}, 422, None),
        ("kundulun_staff", {"name": "张三"}, 422, None),  # no field for personal data, and none is slipped in
        ("kundulun_staff", {"count": 2, "told_how_to_apply": 3}, 422, "MORE_TOLD_THAN_CONSULTED"),
        ("kundulun_staff", {"day": "2026-11-24"}, 422, "CONSULTED_IN_FUTURE"),
        ("auditor", {}, 403, "ROLE_NOT_ALLOWED"),
        ("kundulun_finance", {}, 403, "ROLE_NOT_ALLOWED"),
    ]
    for who, change, status, code in mistakes:
        answer = api.post(who, "/consultations", {**LINE, **change})
        assert answer.status_code == status and answer.json()["code"], (change, answer.text)
        assert code is None or answer.json()["code"] == code, (change, answer.text)
    for path, code in ((REGISTER.replace("2026-11", "2026-13"), "INVALID_PERIOD"), (REGISTER.replace("11", "10"), "REGISTER_NOT_FOUND")):
        assert api.get("auditor", path).json()["code"] == code
    assert api.get("auditor", "/consultations", params={"period": "2026-Q5"}).json()["code"] == "INVALID_PERIOD"
    assert api.get("auditor", REGISTER).json()["version"] == 2  # opened and one line: nothing more


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_records_nothing_more(api: Api) -> None:
    first = api.post("kundulun_staff", "/consultations", LINE, headers={"Idempotency-Key": "hotline-2026-11-23"})
    retry = api.post("kundulun_staff", "/consultations", LINE, headers={"Idempotency-Key": "hotline-2026-11-23"})
    assert (first.status_code, retry.status_code, retry.headers.get("Idempotent-Replayed")) == (201, 201, "true")
    assert retry.json() == first.json()
    other = api.post("kundulun_staff", "/consultations", {**LINE, "count": 5}, headers={"Idempotency-Key": "hotline-2026-11-23"})
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert api.get("kundulun_staff", "/consultations").json()["total"] == 4


def test_after_kill_9_each_line_is_whole_or_absent_and_a_retry_with_its_key_records_it_once(
    ledger: CaseLedger, settings: Settings, tmp_path: Path
) -> None:
    token = principal_store(ledger, settings).add("窗口", "baotou-qingshan", {Role.STAFF})[1]
    headers = {"Authorization": f"Bearer {token}"}
    lines = [{**LINE, "count": n, "told_how_to_apply": 0} for n in range(1, 41)]  # line n counts n consultations: each line is recognisable
    requests = [(f"line-{b['count']}", b, {**headers, "Idempotency-Key": f"line-{b['count']}"}) for b in lines]
    answered = kill_while_posting(Server(settings, tmp_path / "before-kill.log"), "/consultations", requests)
    assert set(answered.values()) == {201}
    assert_verifies(ledger)

    restarted = Server(settings, tmp_path / "after-kill.log")
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=30) as http:
            retried = [http.post("/consultations", json=b, headers={"Idempotency-Key": f"line-{b['count']}"}) for b in lines]
            register = http.get("/consultations/registers/baotou-qingshan/2026-11").json()
    finally:
        restarted.stop()

    for body, response in zip(lines, retried, strict=True):
        assert response.status_code == 201, response.text
        if f"line-{body['count']}" in answered:
            assert response.headers.get("Idempotent-Replayed") == "true"
    assert sorted(line["count"] for line in register["lines"]) == list(range(1, 41))  # every line once, none twice
    assert register["counted"] == sum(range(1, 41))
    assert_verifies(ledger)
