"""Verify the whole ledger: canonical form, per-case hash chains, and signatures under keys that were
certified and valid when each record was signed. Signature checks are spread over processes."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Notification

from infrastructure.records import GENESIS, KeyRing, check_record, record_hash

_PARALLEL_THRESHOLD = 4000
_CHUNK = 2000


@dataclass(frozen=True)
class Problem:
    case_id: str
    version: int
    what: str


@dataclass
class VerificationReport:
    records: int = 0
    cases: int = 0
    lawyers: int = 0  # streams of the lawyer pool (律师库)
    complaints: int = 0  # the bureaus' complaint streams (投诉)
    consultation_registers: int = 0  # the institutions' monthly consultation registers (咨询登记簿)
    duty_rosters: int = 0  # the centres' monthly duty rosters (值班律师排班表)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad_cases(self) -> list[str]:
        return sorted({p.case_id for p in self.problems})


# (case id, version, topic, stored bytes)
Item = tuple[str, int, str, bytes]
_worker_keyring: KeyRing | None = None


def _init_worker(keyring: KeyRing) -> None:
    global _worker_keyring
    _worker_keyring = keyring


def _check(items: list[Item], keyring: KeyRing, network_stream: bool = False) -> list[tuple[str, int, str, str, list[str]]]:
    results = []
    for case_id, version, topic, stored in items:
        body, problems = check_record(stored, case_id, version, keyring, network_stream)
        if body is not None and not problems and body.get("type") != topic.partition(":")[2]:
            problems = [f"record type {body.get('type')} does not match its stored topic {topic}"]
        prev = body.get("prev", "") if isinstance(body, dict) else ""
        results.append((case_id, version, record_hash(stored), prev, problems))
    return results


def _check_in_worker(items: list[Item]) -> list[tuple[str, int, str, str, list[str]]]:
    assert _worker_keyring is not None
    return _check(items, _worker_keyring)


def verify_records(
    notifications: Iterable[Notification], root_public_key_hex: str, network_id: str, processes: int | None = None
) -> VerificationReport:
    network_items: list[Item] = []
    case_items: list[Item] = []
    aggregate_of: dict[str, str] = {}  # stream -> "Case", "Lawyer", "Complaint"..., from the stored topics
    for n in notifications:
        item = (str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
        (network_items if item[0] == network_id else case_items).append(item)
        aggregate_of[item[0]] = n.topic.partition(":")[2].partition(".")[0]
    report = VerificationReport(records=len(network_items) + len(case_items))

    keyring = KeyRing.from_root_hex(root_public_key_hex)
    network_results = []
    for item in sorted(network_items, key=lambda i: i[1]):
        result = _check([item], keyring, network_stream=True)[0]
        network_results.append(result)
        if not result[4]:
            keyring.apply(_body(item[3]))

    processes = processes or os.cpu_count() or 1
    if processes > 1 and len(case_items) >= _PARALLEL_THRESHOLD:
        chunks = [case_items[i : i + _CHUNK] for i in range(0, len(case_items), _CHUNK)]
        with ProcessPoolExecutor(processes, initializer=_init_worker, initargs=(keyring,)) as pool:
            case_results = [r for chunk in pool.map(_check_in_worker, chunks) for r in chunk]
    else:
        case_results = _check(case_items, keyring)

    streams: dict[str, list[tuple[str, int, str, str, list[str]]]] = defaultdict(list)
    for result in network_results + case_results:
        streams[result[0]].append(result)
    kinds = list(aggregate_of.values())
    report.cases, report.lawyers, report.complaints = kinds.count("Case"), kinds.count("Lawyer"), kinds.count("Complaint")
    report.consultation_registers, report.duty_rosters = kinds.count("ConsultationRegister"), kinds.count("DutyRoster")
    for case_id, results in streams.items():
        report.problems += _check_chain(case_id, sorted(results, key=lambda r: r[1]))
    report.problems.sort(key=lambda p: (p.case_id, p.version))
    return report


def _check_chain(case_id: str, results: list[tuple[str, int, str, str, list[str]]]) -> list[Problem]:
    problems = []
    expected_version, expected_prev = 1, GENESIS
    for _, version, digest, prev, record_problems in results:
        problems += [Problem(case_id, version, what) for what in record_problems]
        if version != expected_version:
            problems.append(Problem(case_id, version, f"version {expected_version} is missing: the chain has a gap"))
        if not record_problems and prev != expected_prev:
            problems.append(Problem(case_id, version, "previous-record hash does not match: a record before it was altered or removed"))
        expected_version, expected_prev = version + 1, digest
    return problems


def _body(stored: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(stored)["body"]
    return body
