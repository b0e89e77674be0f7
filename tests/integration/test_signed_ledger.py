"""The signed, chained ledger on real SQLite and real PostgreSQL: what auditors rely on."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from api.demo import DemoGenerator
from domain.actor import SHANGHAI
from domain.case_status import CaseStatus
from domain.closing_commands import Archive, Close, PaySubsidy, ReviewClosingFile, SubmitClosingFile
from domain.commands import NotifyMissingMaterials, RequestTransfer
from domain.errors import DomainError
from domain.policy.baotou import BAOTOU, BUREAU_ID
from domain.vocabulary import FileGrade, SubsidyKind
from infrastructure.bootstrap import build_ledger, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.network_setup import initialise_network, rotate_key
from infrastructure.records import GENESIS, PREFIX, encode_record
from infrastructure.verification import VerificationReport, verify_ledger
from tests.raw_store import RawStore
from tests.walkthrough import FIRST_RECEIVING, HANDLING, POOL, RECEIVED_AT, head, receive, staff, walk, walk_whole_case


def verify(ledger: CaseLedger) -> VerificationReport:
    return verify_ledger(ledger)


def test_a_case_received_in_one_district_and_handled_in_another_is_signed_and_verifies(ledger: CaseLedger) -> None:
    case_id = walk_whole_case(ledger)

    case = ledger.get_case(case_id)
    assert case.status is CaseStatus.ARCHIVED
    assert case.first_receiving_institution == FIRST_RECEIVING
    assert case.handling_institution == HANDLING
    assert case.subsidies_paid == {"civil_administrative_case": 150_000}
    report = verify(ledger)
    assert report.ok, report.problems
    assert (report.cases, report.lawyers) == (1, len(POOL))
    assert report.records == case.version + len(ledger.recorder.select_events(ledger.network_id)) + len(POOL)


def test_each_record_binds_its_case_version_actor_and_the_previous_record(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = walk_whole_case(ledger)
    keyring = ledger.keyring()

    previous_hash = GENESIS
    for version in range(1, ledger.get_case(case_id).version + 1):
        stored = raw.state(case_id, version)
        record = json.loads(stored)
        body = record["body"]
        assert (body["case_id"], body["version"], body["prev"]) == (str(case_id), version, previous_hash)
        signing_key = keyring.certificates[record["key_id"]]
        assert signing_key.institution_id == body["institution"]
        signing_key.public_key.verify(  # raises if the signature does not cover exactly these bytes
            PREFIX + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(),
            base64.b64decode(record["signature"]),
        )
        previous_hash = hashlib.sha256(stored).hexdigest()

    received = json.loads(raw.state(case_id, 4))["body"]
    assert (received["type"], received["institution"]) == ("Case.MaterialsReceived", HANDLING)


def test_a_refused_command_leaves_the_stored_events_exactly_as_they_were(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = walk_whole_case(ledger)
    before = raw.rows()

    with pytest.raises(DomainError) as refused:
        ledger.act(
            case_id,
            PaySubsidy(kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=100_000, payee="x", reference="y"),
            staff(HANDLING),
            RECEIVED_AT + timedelta(days=90),
        )
    assert refused.value.code == "NOT_FIRST_RECEIVING_INSTITUTION"
    with pytest.raises(DomainError) as conflict:
        ledger.act(case_id, Archive(archive_number="again"), staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(days=90), expected_version=3)
    assert conflict.value.code == "PRECONDITION_FAILED"

    assert raw.rows() == before


def test_when_two_clerks_act_on_the_same_version_exactly_one_is_recorded(ledger: CaseLedger, settings: Settings, raw: RawStore) -> None:
    case_id = receive(ledger)
    other_desk = build_ledger(settings)
    later = RECEIVED_AT + timedelta(hours=1)
    case_here, case_there = ledger.get_case(case_id), other_desk.get_case(case_id)

    NotifyMissingMaterials(items=["户口簿"]).run(case_here, staff(FIRST_RECEIVING), later, ledger.context())
    RequestTransfer(to_institution=HANDLING, applicant_consent=True).run(case_there, staff(FIRST_RECEIVING), later, other_desk.context())
    ledger.save(case_here)
    with pytest.raises(DomainError) as lost:
        other_desk.save(case_there)

    assert lost.value.code == "VERSION_CONFLICT"
    assert [row[3] for row in raw.rows() if row[1] == 2 and "MissingMaterials" in row[2]]
    assert ledger.get_case(case_id).status is CaseStatus.AWAITING_MATERIALS
    assert verify(ledger).ok
    other_desk.close()


# ------------------------------------------------------------------ tampering is detected
def test_an_untouched_ledger_verifies_clean(ledger: CaseLedger) -> None:
    walk_whole_case(ledger)
    walk_whole_case(ledger)
    assert verify(ledger).ok


def test_changing_one_byte_of_a_record_is_detected_and_names_the_case(ledger: CaseLedger, raw: RawStore) -> None:
    case_id, other = walk_whole_case(ledger), walk_whole_case(ledger)
    closing = raw.state(case_id, 10)  # CaseClosed, amount recovered 1,250,000 fen
    tampered = closing.replace(b"1250000", b"9250000")
    assert tampered != closing
    raw.set_state(case_id, 10, tampered)

    report = verify(ledger)
    assert report.bad_cases() == [str(case_id)]
    assert {p.version for p in report.problems} == {10, 11}  # the record, and the chain link after it
    assert str(other) not in report.bad_cases()


def test_swapping_two_records_contents_is_detected(ledger: CaseLedger, raw: RawStore) -> None:
    first, second = walk_whole_case(ledger), walk_whole_case(ledger)
    a, b = raw.state(first, 5), raw.state(second, 5)
    raw.set_state(first, 5, b)
    raw.set_state(second, 5, a)

    assert verify(ledger).bad_cases() == sorted([str(first), str(second)])


def test_deleting_a_record_in_the_middle_of_a_case_is_detected(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = walk_whole_case(ledger)
    raw.delete(case_id, 6)

    report = verify(ledger)
    assert report.bad_cases() == [str(case_id)]
    assert any("version 6 is missing" in p.what for p in report.problems)


def forge_next_record(ledger: CaseLedger, raw: RawStore, case_id: UUID, key_id: str, recorded_at: datetime) -> None:
    """Someone holding a private key writes the case's next record straight into the database, signed and
    chained as the ledger would: only the key and its time are wrong."""
    version = ledger.get_case(case_id).version
    last = raw.state(case_id, version)
    body = {
        **json.loads(last)["body"],
        "version": version + 1,
        "prev": hashlib.sha256(last).hexdigest(),
        "recorded_at": recorded_at.isoformat(timespec="microseconds"),
    }
    raw.insert(case_id, version + 1, raw.topic(case_id, version), encode_record(body, key_id, ledger.keystore.signing_key(key_id)))


def certify_a_key_valid_from_2099(ledger: CaseLedger) -> None:
    """The bureau certifies the first-receiving centre a key whose validity begins in 2099."""
    network = ledger.network_for_change()
    future_key = ledger.keystore.create_signing_key("baotou-kundulun.future")
    network.certify_key(
        "baotou-kundulun.future",
        FIRST_RECEIVING,
        future_key.public_key().public_bytes_raw().hex(),
        "2099-01-01T00:00:00+08:00",
        None,
        by={"institution": BUREAU_ID, "person": "system", "role": "bureau"},
        at="2099-01-01T00:00:00+08:00",
    )
    ledger.save_network(network)


def test_a_record_signed_with_a_key_not_yet_valid_is_detected(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    certify_a_key_valid_from_2099(ledger)
    forge_next_record(ledger, raw, case_id, "baotou-kundulun.future", datetime.now(SHANGHAI))

    report = verify(ledger)
    assert report.bad_cases() == [str(case_id)]
    assert "not valid" in report.problems[0].what


def test_the_ledger_signs_with_the_key_valid_now_not_a_newer_one_not_yet_valid(ledger: CaseLedger) -> None:
    case_id = receive(ledger)
    current = ledger.network().active_key_id(FIRST_RECEIVING)
    certify_a_key_valid_from_2099(ledger)

    ledger.act(case_id, NotifyMissingMaterials(items=["户口簿"]), staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(hours=1))

    assert json.loads(ledger.recorder.select_events(case_id, desc=True, limit=1)[0].state)["key_id"] == current
    assert verify(ledger).ok


# ------------------------------------------------------------------ keys
def test_records_before_and_after_a_key_rotation_verify(ledger: CaseLedger) -> None:
    before = walk_whole_case(ledger)
    old_key = ledger.network().active_key_id(FIRST_RECEIVING)

    new_key = rotate_key(ledger, FIRST_RECEIVING, datetime.now(SHANGHAI))
    after = walk_whole_case(ledger)

    assert old_key is not None and new_key != old_key
    assert ledger.network().keys[old_key].revoked_at is not None
    assert verify(ledger).ok
    assert ledger.get_case(before).status is ledger.get_case(after).status is CaseStatus.ARCHIVED


def test_a_record_signed_with_a_revoked_key_after_its_revocation_is_detected(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    old_key = ledger.network().active_key_id(FIRST_RECEIVING)
    assert old_key is not None
    rotate_key(ledger, FIRST_RECEIVING, datetime.now(SHANGHAI))
    forge_next_record(ledger, raw, case_id, old_key, datetime.now(SHANGHAI) + timedelta(seconds=1))  # a stolen old key

    report = verify(ledger)
    assert report.bad_cases() == [str(case_id)]
    assert "revoked" in report.problems[0].what
    assert report.problems[0].version == 2


def test_a_revoked_key_id_certified_again_even_by_the_root_is_reported_and_stays_revoked(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    old_key = ledger.network().active_key_id(FIRST_RECEIVING)
    assert old_key is not None
    rotate_key(ledger, FIRST_RECEIVING, datetime.now(SHANGHAI))
    network = ledger.network_for_change()  # past the domain's KEY_EXISTS refusal: the root key misused
    certificate = network.keys[old_key]
    network._key_certified(
        key_id=old_key,
        institution_id=FIRST_RECEIVING,
        public_key_hex=certificate.public_key_hex,
        valid_from=certificate.valid_from,
        valid_until=None,
        by={"institution": BUREAU_ID, "person": "system", "role": "bureau"},
        at=datetime.now(SHANGHAI).isoformat(),
    )
    ledger.save_network(network)
    forge_next_record(ledger, raw, case_id, old_key, datetime.now(SHANGHAI) + timedelta(seconds=1))

    report = verify(ledger)

    found = {(p.case_id, p.version): p.what for p in report.problems}
    assert set(found) == {(str(ledger.network_id), network.version), (str(case_id), 2)}
    assert f"key id {old_key} was already certified" in found[(str(ledger.network_id), network.version)]
    assert "revoked" in found[(str(case_id), 2)]


def test_the_earliest_of_two_revocations_of_a_key_holds() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from infrastructure.keystore import public_hex
    from infrastructure.records import KeyRing

    keyring = KeyRing.from_root_hex(public_hex(Ed25519PrivateKey.generate()))
    keyring.certify("k1", FIRST_RECEIVING, public_hex(Ed25519PrivateKey.generate()), "2026-01-01T00:00:00+08:00", None)
    keyring.revoke("k1", "2026-06-01T00:00:00+08:00")
    keyring.revoke("k1", "2026-09-01T00:00:00+08:00")  # a later revocation does not extend the key's life

    body = {"institution": FIRST_RECEIVING, "recorded_at": "2026-07-01T00:00:00.000000+08:00"}
    assert keyring.key_for("k1", body, network_stream=False) == (None, "key k1 was revoked at 2026-06-01T00:00:00+08:00")


def test_a_rotation_by_another_process_is_used_by_this_one_from_its_next_write(ledger: CaseLedger, settings: Settings) -> None:
    case_id = receive(ledger)  # this process has read the network and signed with the first key
    old_key = ledger.network().active_key_id(FIRST_RECEIVING)

    bureau_desk = build_ledger(settings)
    new_key = rotate_key(bureau_desk, FIRST_RECEIVING, datetime.now(SHANGHAI))
    ledger.act(case_id, NotifyMissingMaterials(items=["户口簿"]), staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(hours=1))

    signed_with = json.loads(ledger.recorder.select_events(case_id, desc=True, limit=1)[0].state)["key_id"]
    assert new_key != old_key
    assert signed_with == new_key
    assert verify(ledger).ok
    bureau_desk.close()


def test_an_institution_without_a_valid_key_is_refused_and_nothing_is_recorded(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    network = ledger.network_for_change()
    only_key = network.active_key_id(FIRST_RECEIVING)
    assert only_key is not None
    network.revoke_key(
        only_key,
        "compromised",
        by={"institution": BUREAU_ID, "person": "system", "role": "bureau"},
        at=datetime.now(SHANGHAI).isoformat(timespec="microseconds"),
    )
    ledger.save_network(network)
    before = raw.rows()

    with pytest.raises(DomainError) as refused:
        ledger.act(case_id, NotifyMissingMaterials(items=["户口簿"]), staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(hours=1))

    assert refused.value.code == "NO_VALID_SIGNING_KEY"
    assert raw.rows() == before


def test_a_keystore_of_another_ledger_is_refused(ledger: CaseLedger, settings: Settings, tmp_path: Path) -> None:
    receive(ledger)
    other = Settings(
        data_dir=tmp_path / "other",
        db_url=f"sqlite:///{tmp_path / 'other.sqlite3'}",
        keystore_dir=tmp_path / "other-keys",
        key_passphrase="test-passphrase",
    )
    other_ledger = build_ledger(other)
    set_up(other_ledger, Database(other.db_url), datetime.now(SHANGHAI))
    other_ledger.close()
    mixed = build_ledger(
        Settings(data_dir=tmp_path, db_url=settings.db_url, keystore_dir=tmp_path / "other-keys", key_passphrase="test-passphrase")
    )

    with pytest.raises(DomainError) as refused:
        mixed.network()

    assert refused.value.code == "FOREIGN_KEYSTORE"
    mixed.close()


def test_a_rotation_for_an_unknown_institution_is_refused_and_leaves_no_key_file(ledger: CaseLedger) -> None:
    key_files = sorted(ledger.keystore.directory.rglob("*"))

    with pytest.raises(DomainError) as refused:
        rotate_key(ledger, "baotou-nowhere", datetime.now(SHANGHAI))

    assert refused.value.code == "UNKNOWN_INSTITUTION"
    assert sorted(ledger.keystore.directory.rglob("*")) == key_files


def test_init_is_safe_to_run_twice(ledger: CaseLedger, raw: RawStore) -> None:
    before = raw.rows()
    assert initialise_network(ledger, list(BAOTOU.institutions), BUREAU_ID, datetime.now(SHANGHAI)) == []
    assert raw.rows() == before
    assert len(ledger.directory().institutions) == 1 + 1 + 9 + 9  # city bureau, municipal centre, 9 centres and their bureaus


def test_the_state_of_a_case_can_be_read_as_of_any_earlier_version(ledger: CaseLedger) -> None:
    case_id = walk_whole_case(ledger)

    granted = ledger.get_case(case_id, version=8)
    assert granted.status is CaseStatus.GRANTED
    assert granted.lawyer is None
    assert ledger.get_case(case_id, version=2).status is CaseStatus.TRANSFER_REQUESTED


def test_sign_off_by_the_head_is_recorded_with_the_heads_role(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = walk_whole_case(ledger)
    body = json.loads(raw.state(case_id, 6))["body"]
    assert (body["type"], body["role"], body["person"]) == ("Case.ReviewSignedOff", "head", head(HANDLING).person)


def test_a_nul_reaching_the_ledger_past_every_boundary_is_refused_before_it_is_signed(ledger: CaseLedger, raw: RawStore) -> None:
    """PostgreSQL text cannot hold a NUL: a record carrying one would stop every read model that copies it."""
    case_id = walk(ledger, until=Close)
    before = raw.rows()

    with pytest.raises(DomainError) as refused:
        ledger.act(case_id, SubmitClosingFile(pages=3), staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(days=80))
        review = ReviewClosingFile(reviewer="审查员", grade=FileGrade.GOOD)
        ledger.act(case_id, review, staff(FIRST_RECEIVING), RECEIVED_AT + timedelta(days=80, hours=1))
        ledger.act(
            case_id,
            # model_construct skips the command's own checks, as a bug in them would
            PaySubsidy.model_construct(
                kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=150_000, payee="张律师\x00", reference="PAY-1"
            ),
            staff(FIRST_RECEIVING),
            RECEIVED_AT + timedelta(days=81),
        )

    assert refused.value.code == "CONTROL_CHARACTER"
    assert len(raw.rows()) == len(before) + 2  # the closing file and its review, not the payment
    assert verify(ledger).ok


def test_one_save_takes_aggregates_their_bare_events_and_nothing_alike(ledger: CaseLedger) -> None:
    generator = DemoGenerator(ledger, seed=3)
    whole, loose = generator.one_case(0, 2), generator.one_case(1, 2)
    expected = {whole.id: whole.version, loose.id: loose.version}
    events = loose.collect_events()

    ledger.save(whole, None, *events)

    assert {case_id: ledger.repository.get(case_id).version for case_id in expected} == expected
    assert [(n.originator_id, n.originator_version) for n in ledger.all_records()][-len(events) :] == [
        (e.originator_id, e.originator_version) for e in events
    ]
    assert verify(ledger).ok
