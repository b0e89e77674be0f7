"""The shapes of the reports' JSON answers (台账, 台账明细, 成本, 补贴, 统计) and of the log's
reads, as the API document states them; each handler validates its answer against its shape before sending it.
Money is whole fen (分); times are ISO 8601 with an offset; institutions and districts are ids (GET /institutions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class Counts(BaseModel):
    received_first: int = Field(description="首次受理 received as first-receiving institution")
    notified: int = Field(description="通知辩护（代理） authority notices")
    handled: int = Field(description="承办 aid given: a grant, or an appointment on a notice")
    transferred_out: int
    transferred_in: int
    granted: int
    refused: int
    withdrawn: int
    terminated: int
    appointed: int
    closed: int
    archived: int


class InstitutionLedger(BaseModel):
    totals: Counts
    by_matter_kind: dict[str, Counts]
    by_key_group: dict[str, Counts]


class LedgerReport(BaseModel):
    """台账 Counts per institution."""

    period: str | None
    institutions: dict[str, InstitutionLedger]


class RegisterLine(BaseModel):
    """A case's line of the register; a field is null until the case reaches it."""

    case_id: str
    status: str
    first_receiving: str
    handling: str
    received_at: dt.datetime
    channel: str
    matter_kind: str
    cause_of_action: str
    authority_name: str
    authority_case_number: str
    authority_district: str
    receiving_district: str | None
    handling_district: str | None
    cross_district: bool = Field(description="跨区通办: received away from the authority's district")
    key_groups: list[str]
    emergency: bool
    group_case: bool
    complex_case: bool
    hardship_basis: str
    exemption: str
    legal_basis: str
    decision: str | None
    decided_at: dt.datetime | None = None
    decision_document: str
    platform_number: str | None = None
    transfer_from: str | None = None
    transfer_to: str | None = None
    transfer_requested_at: dt.datetime | None = None
    transfer_sent_at: dt.datetime | None = None
    transfer_method: str | None = None
    transfer_delivered_at: dt.datetime | None = None
    lawyer_name: str | None = None
    lawyer_licence: str | None = None
    lawyer_firm: str | None = None
    lawyer_changes: int
    appointed_at: dt.datetime | None = None
    objection: str | None = None
    objection_against: str | None = None
    ended: str | None = Field(default=None, description="withdrawn or terminated")
    ended_at: dt.datetime | None = None
    termination_ground: str | None = None
    termination_document: str | None = None
    closed_at: dt.datetime | None = None
    outcome: str | None = None
    amount_recovered_fen: int | None = None
    file_grade: str | None = None
    archived_at: dt.datetime | None = None
    archive_number: str | None = None
    subsidy_fen: int
    subsidy_paid_at: dt.datetime | None = None
    same_day: str | None = Field(default=None, description="Each limit as of `as_of`: met, missed, overdue, stopped, open...")
    transfer_on_time: str | None = None
    decision_on_time: str | None = None
    appointment_on_time: str | None = None


class PartTotals(BaseModel):
    """An institution's part in the register's cases (or the city's, `total`)."""

    received_first: int
    cross_district: int
    handled: int
    transferred_out: int
    transferred_in: int
    transfers_late: int
    same_day: int
    granted: int
    refused: int
    notified: int
    appointed: int
    closed: int
    archived: int
    amount_recovered_fen: int
    subsidy_fen: int


class Register(BaseModel):
    """台账明细 A line per case received in the period, then the totals per institution (and `total`, the city)."""

    period: str | None
    institution: str | None
    as_of: dt.date
    cases: list[RegisterLine]
    totals: dict[str, PartTotals]


class CostLine(BaseModel):
    subsidies_paid: int
    subsidy_fen: int
    files_archived: int
    for_other_institutions_fen: int | None = Field(default=None, description="Paid for cases another institution handled")


class Costs(BaseModel):
    """成本归属 What each first-receiving institution carries, and its matrix with the handling institutions."""

    period: str | None
    by_first_receiving_institution: dict[str, CostLine]
    first_receiving_x_handling: dict[str, dict[str, CostLine]]


class Payment(BaseModel):
    case_id: str
    version: int
    paid_at: dt.datetime
    kind: str
    amount_fen: int
    working_days: int
    payee: str
    reference: str
    payer: str
    first_receiving: str
    handling: str
    matter_kind: str
    closed_at: dt.datetime | None
    terminated_at: dt.datetime | None
    file_submitted_at: dt.datetime | None
    approved_fen: int
    file_grade: str | None
    band_min_fen: int
    band_max_fen: int
    findings: list[str] = Field(description="within_band, above_band_approved, above_band_without_approval, below_band, duplicate...")


class Subsidies(BaseModel):
    """补贴对账 Each subsidy paid, against its band."""

    period: str | None
    payments: list[Payment]


class StatementLineFound(BaseModel):
    reference: str
    case_id: str | None = None
    date: str | None = None
    recorded_fen: int | None = None
    statement_fen: int | None = None
    amount_fen: int | None = None
    payee: str
    statement_payee: str | None = None


class Reconciliation(BaseModel):
    """对账单核对 Each statement line by what it was found to be."""

    period: str | None
    matched: list[StatementLineFound]
    amount_differs: list[StatementLineFound]
    payee_differs: list[StatementLineFound]
    paid_twice: list[StatementLineFound]
    recorded_not_in_statement: list[StatementLineFound]
    in_statement_not_recorded: list[StatementLineFound]


class Statistics(BaseModel):
    """统计 The yearly figures, city-wide or for one institution."""

    period: str | None
    institution: str | None
    applications_received: int
    cases_granted: int
    cases_notified: int
    cases_by_matter_kind: dict[str, int]
    recipients: int
    amount_recovered_fen: int
    key_groups_served: dict[str, int]
    transfers_across_districts: int
    cases_closed: int
    files_archived: int
    quality: dict[str, Any]
    complaints: dict[str, int]
    consultations: dict[str, Any]


class Verification(BaseModel):
    """核验 Every record checked: signatures, chains, the log."""

    ok: bool
    records: int
    cases: int
    problems: list[dict[str, Any]]
    key_problems: list[Any]


class CheckpointSummary(BaseModel):
    origin: str
    tree_size: int
    root_hash: str
    time: dt.datetime
    note: str = Field(description="The C2SP signed note itself")


class ConsistencyProof(BaseModel):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]


class BundleRecord(BaseModel):
    stream: str = Field(description="The case's (or the network's) id")
    version: int
    leaf_index: int = Field(description="The record's position in the global log")
    record: str = Field(description="The signed record, byte for byte as stored (canonical JSON): verify these bytes")
    proof: list[str] = Field(description="RFC 9162 inclusion proof, hex hashes")


class AuditBundle(BaseModel):
    """审计包 tongban-audit-bundle/v1 (docs/ledger-format.md): verifiable offline with the root key alone."""

    format: str
    case_id: str
    network_id: str
    exported_at: str
    checkpoint: str = Field(description="The C2SP signed note the proofs are against")
    records: list[BundleRecord]
    case_head: dict[str, Any] | None = Field(description="Proof that the checkpoint commits to the case's last record")
    network_head: dict[str, Any] | None
