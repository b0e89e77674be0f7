"""Verify the whole ledger: canonical form, per-case hash chains, and signatures under keys that were
certified and valid when each record was signed.

The network's records are checked first (they say which keys were valid when). The other streams are then
cut into ranges of about equal rows (event_table.py); each worker process reads its own ranges from the
database a page at a time and checks each stream's chain as it goes, so no process holds the ledger's records:
what comes back is counts, problems and the part's applicants, whose data keys the parent checks as each part
arrives (personal_data.KeyAudit). A part holds at most about RECORDS_A_PART records, so memory stays flat."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from infrastructure.database import Database
from infrastructure.event_table import EventTable, stream_name
from infrastructure.ledger import CaseLedger
from infrastructure.log_check import LeafMatch, LogScope, logged_between
from infrastructure.personal_data import KeyAudit
from infrastructure.records import GENESIS, KeyRing, check_record
from infrastructure.sql_store import SqlStore

_PARTS_PER_PROCESS = 8  # more ranges than processes, so one slow range does not leave a core idle
RECORDS_A_PART = 250_000  # and enough that a part's applicants stay a few MB: memory does not grow with the ledger


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
    key_problems: list[str] = field(default_factory=list)  # the applicants' data keys, beside the records
    log_problems: list[str] = field(default_factory=list)  # records beside the global log's leaves
    first_log_mismatch: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad_cases(self) -> list[str]:
        return sorted({p.case_id for p in self.problems})

    def add(self, part: StreamCheck) -> None:
        self.records += part.records
        self.cases += part.kinds["Case"]
        self.lawyers += part.kinds["Lawyer"]
        self.complaints += part.kinds["Complaint"]
        self.consultation_registers += part.kinds["ConsultationRegister"]
        self.duty_rosters += part.kinds["DutyRoster"]
        self.problems += part.problems
        if part.log is not None:
            self.log_problems += part.log.problems
            mismatches = [m for m in (self.first_log_mismatch, part.log.first_mismatch) if m is not None]
            self.first_log_mismatch = min(mismatches, default=None)


@dataclass
class StreamCheck:
    """Checks records arriving in (stream, version) order: each one on its own, then its place in its stream's chain."""

    keyring: KeyRing
    network_stream: bool = False
    signatures: bool = True
    log: LeafMatch | None = None
    records: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # streams by aggregate: "Case", "Lawyer"...
    problems: list[Problem] = field(default_factory=list)
    applicants: set[str] = field(default_factory=set)  # of the applications received, for the data-key check
    erased: set[str] = field(default_factory=set)  # applicants whose erasure a record shows
    _stream: Any = None
    _name: str = ""
    _expected: tuple[int, str] = (1, GENESIS)  # the next version and its prev hash

    def add(self, stream: Any, version: int, topic: str, stored: bytes, position: int) -> dict[str, Any] | None:
        """Check one record; returns its body if the record itself verifies, else None."""
        if stream != self._stream:
            self._stream, self._name, self._expected = stream, stream_name(stream), (1, GENESIS)
            self.kinds[topic.partition(":")[2].partition(".")[0]] += 1
        self.records += 1
        digest = hashlib.sha256(stored).digest()  # the record hash (records.py), for the chain and the log
        if self.log is not None:
            self.log.record(self._name, version, position, digest)
        if not self.signatures:
            return None
        body, problems = check_record(stored, self._name, version, self.keyring, self.network_stream)
        if body is not None and not problems and body.get("type") != topic.partition(":")[2]:
            problems = [f"record type {body.get('type')} does not match its stored topic {topic}"]
        self.problems += [Problem(self._name, version, what) for what in problems]
        expected_version, expected_prev = self._expected
        if version != expected_version:
            self.problems.append(Problem(self._name, version, f"version {expected_version} is missing: the chain has a gap"))
        if not problems and isinstance(body, dict) and body.get("prev") != expected_prev:
            self.problems.append(
                Problem(self._name, version, "previous-record hash does not match: a record before it was altered or removed")
            )
        self._expected = (version + 1, digest.hex())
        if problems or not isinstance(body, dict):
            return None
        if topic.endswith(".ApplicationReceived"):
            self.applicants.add(body["payload"]["applicant"]["applicant_id"])
        elif topic.endswith(".PersonalDataErased"):
            self.erased.add(body["payload"]["applicant_id"])
        return body

    def finish(self) -> StreamCheck:
        if self.log is not None:
            self.log.finish()
        return self


@dataclass(frozen=True)
class _Scan:
    """What each worker is given: where to read, the keys the network certified, and what to check."""

    database: Database
    keyring: KeyRing
    network: str  # the network's stream, checked first by the parent
    log: LogScope | None  # None: the records are not compared with the log
    signatures: bool = True


_worker: tuple[_Scan, SqlStore] | None = None


def _open_worker(scan: _Scan) -> None:
    global _worker
    _worker = (scan, SqlStore(scan.database))


def _check_range(bounds: tuple[Any, Any]) -> StreamCheck:
    assert _worker is not None
    return _check_rows(*_worker, bounds)


def _check_rows(scan: _Scan, store: SqlStore, bounds: tuple[Any, Any]) -> StreamCheck:
    low, high = (None if edge is None else stream_name(edge) for edge in bounds)
    check = StreamCheck(scan.keyring, signatures=scan.signatures)
    if scan.log is not None:
        check.log = LeafMatch(iter(logged_between(store, low, high)), scan.log, skip=scan.network)
    table = EventTable(store)
    network = table.native_id(scan.network)
    for stream, version, topic, stored, position in table.rows(*bounds):
        if stream != network:
            check.add(stream, version, topic, stored, position)
    return check.finish()


def verify_ledger(
    ledger: CaseLedger,
    processes: int | None = None,
    *,
    log: LogScope | None = None,
    signatures: bool = True,
    meanwhile: Callable[[], list[str]] | None = None,
    progress: Callable[[int], None] = lambda records: None,
) -> VerificationReport:
    """Every record of the ledger, read from its database, in `processes` (default: all cores); with `log`, each
    record beside the global log's leaf for it; without `signatures`, only that (an auditor's log check).
    `meanwhile` is the parent's own share of the work (the log's tree), done while the workers check records;
    the log problems it finds come first in the report's. `progress` is told how many records each part held.
    With `signatures`, the applicants' data keys are checked too (`key_problems`)."""
    network = str(ledger.network_id)
    keyring = KeyRing.from_root_hex(ledger.keystore.root_public_key_hex())
    processes = processes or os.cpu_count() or 1
    report, keys = VerificationReport(), KeyAudit(ledger.vault)

    def take(part: StreamCheck) -> None:
        report.add(part)
        keys.add(part.applicants, part.erased)
        progress(part.records)

    with SqlStore(ledger.database) as store:
        network_check = StreamCheck(keyring, network_stream=True)
        if log is not None:
            network_check.log = LeafMatch(iter(log.network), log)
        for row in EventTable(store).stream(network):
            body = network_check.add(*row)
            if body is not None:
                keyring.apply(body)
        take(network_check.finish())
        scan = _Scan(ledger.database, keyring, network, log, signatures)
        parts = max(processes * _PARTS_PER_PROCESS, (ledger.recorder.max_notification_id() or 0) // RECORDS_A_PART)
        edges = [None, *EventTable(store).boundaries(parts), None]
        ranges = list(pairwise(edges))
        if processes == 1:
            report.log_problems += meanwhile() if meanwhile else []
            for bounds in ranges:
                take(_check_rows(scan, store, bounds))
        else:
            with ProcessPoolExecutor(processes, initializer=_open_worker, initargs=(scan,)) as pool:
                checks = pool.map(_check_range, ranges)  # every range is handed out now
                report.log_problems += meanwhile() if meanwhile else []
                for check in checks:
                    take(check)
    report.key_problems = keys.problems()
    report.problems.sort(key=lambda p: (p.case_id, p.version))
    return report
