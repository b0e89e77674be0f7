"""Complaints on the write path, under load (both backends): threads racing to accept one number leave one
complaint, and a server killed with kill -9 while a bureau records complaints leaves a ledger that
verifies, each complaint whole or absent, and a retry that finishes the work without doubling any."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from domain.complaints import complaint_stream_id
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.bootstrap import principal_store
from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from tests.integration.test_complaints import ACCEPTED_AT, QINGSHAN_BUREAU, about_the_lawyer
from tests.integration.test_served_integrity import assert_verifies
from tests.server import Server, kill_while_posting
from tests.walkthrough import walk_whole_case


def test_eight_threads_accepting_one_complaint_number_leave_one_complaint(ledger: CaseLedger) -> None:
    case_id = walk_whole_case(ledger)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            ledger.accept_complaint(about_the_lawyer(case_id), QINGSHAN_BUREAU, ACCEPTED_AT)
            outcomes.append("accepted")
        except DomainError as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("accepted") == 1
    assert set(outcomes) <= {"accepted", "COMPLAINT_ALREADY_ACCEPTED", "VERSION_CONFLICT"}
    stream = complaint_stream_id(ledger.policy.city, "青司投〔2026〕1号")
    assert [n.originator_version for n in ledger.all_records() if n.originator_id == stream] == [1]
    assert_verifies(ledger)


def test_after_kill_9_each_complaint_is_whole_or_absent_and_a_retry_finishes_the_work(
    ledger: CaseLedger, settings: Settings, tmp_path: Path
) -> None:
    case_id = walk_whole_case(ledger)
    bureau_token = principal_store(ledger, settings).add("投诉受理", QINGSHAN_BUREAU.institution_id, {Role.BUREAU})[1]
    headers = {"Authorization": f"Bearer {bureau_token}"}
    bodies = [about_the_lawyer(case_id, f"青司投〔2026〕{n}号").model_dump(mode="json") for n in range(40)]
    requests = [(b["number"], {**b, "at": ACCEPTED_AT.isoformat()}, headers) for b in bodies]
    answered = kill_while_posting(Server(settings, tmp_path / "before-kill.log"), "/complaints", requests)
    assert set(answered.values()) == {201}
    assert_verifies(ledger)

    restarted = Server(settings, tmp_path / "after-kill.log")
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=30) as http:
            retried = {b["number"]: http.post("/complaints", json={**b, "at": ACCEPTED_AT.isoformat()}) for b in bodies}
            listed = http.get("/complaints").json()
    finally:
        restarted.stop()

    for number, response in retried.items():
        expected = {422} if number in answered else {201, 422}  # recorded before the kill, or perhaps just as it fell
        assert response.status_code in expected, response.text
        if response.status_code == 422:
            assert response.json()["code"] == "COMPLAINT_ALREADY_ACCEPTED"
    streams = {n.originator_id for n in ledger.all_records() if n.topic.endswith(":Complaint.Accepted")}
    assert len(streams) == listed["total"] == len(bodies)  # every complaint once, none twice
    assert_verifies(ledger)
