"""The writer and the standalone verifier are two implementations of docs/ledger-format.md and
docs/transparency-log.md that share no code: what one writes, the other reads the same, byte for byte."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from domain.actor import SHANGHAI
from infrastructure import formats, merkle
from infrastructure.keystore import public_hex
from infrastructure.records import BODY_FIELDS, GENESIS, PREFIX, encode_record
from verifier import audit_verifier

KEY = Ed25519PrivateKey.generate()
PUBLIC = bytes.fromhex(public_hex(KEY))
ORIGIN = "tongban.legal-aid/baotou"

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
json_values = st.recursive(  # what a payload may hold: no floats (docs/ledger-format.md)
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
digests = st.binary(min_size=32, max_size=32)


def test_the_constants_of_the_formats_are_the_same() -> None:
    assert (audit_verifier.RECORD_PREFIX, audit_verifier.GENESIS) == (PREFIX, GENESIS)
    assert set(audit_verifier.BODY_FIELDS) == set(BODY_FIELDS)
    assert audit_verifier.BUNDLE_FORMAT == formats.BUNDLE_FORMAT == "tongban-audit-bundle/v1"


@given(st.uuids(), st.integers(1, 10**6), digests)
def test_a_case_head_leaf_is_the_same_bytes(case_id: uuid.UUID, version: int, head: bytes) -> None:
    assert formats.case_head_leaf(7, str(case_id), version, head.hex()) == audit_verifier.case_head_leaf(
        7, str(case_id), version, head.hex()
    )
    assert formats.case_head_leaf_v1(str(case_id), version, head.hex()) == audit_verifier.case_head_leaf_v1(
        str(case_id), version, head.hex()
    )


@given(st.binary(max_size=300))
def test_a_log_leaf_is_hashed_the_same(data: bytes) -> None:
    assert merkle.leaf_hash(data) == audit_verifier.leaf_hash(data)


@given(texts.filter(lambda name: "\n" not in name and name.strip() == name and name), digests)
def test_a_signed_note_key_id_is_the_same(name: str, public_key: bytes) -> None:
    assert formats.note_key_id(name, public_key) == audit_verifier.note_key_id(name, public_key)


@given(st.integers(0, 10**9), digests, st.integers(0, 10**6), digests, st.datetimes(timezones=st.just(UTC)))
def test_a_checkpoint_the_ledger_signs_opens_the_same_in_both(size: int, root: bytes, heads: int, heads_root: bytes, at: datetime) -> None:
    note = formats.sign_note(formats.checkpoint_text(ORIGIN, size, root, at, heads, heads_root), ORIGIN, KEY, PUBLIC)
    keys = {ORIGIN: [PUBLIC]}

    ours, why_not = formats.open_checkpoint(note, keys)
    theirs, their_why_not = audit_verifier.open_checkpoint(note, keys)

    assert ours is not None and theirs is not None, (why_not, their_why_not)
    assert (ours.origin, ours.size, ours.root, ours.extensions, ours.text) == (
        theirs.origin,
        theirs.size,
        theirs.root,
        theirs.extensions,
        theirs.text,
    )
    assert (ours.size, ours.root, ours.time) == (size, root, at.astimezone(SHANGHAI).isoformat(timespec="seconds"))


@given(st.dictionaries(texts, json_values, max_size=4), st.integers(1, 50))
def test_a_record_the_ledger_signs_is_one_the_verifier_accepts(payload: dict[str, Any], version: int) -> None:
    case_id = str(uuid.uuid4())
    recorded_at = "2026-03-02T10:00:00.000000+08:00"
    body = {
        "case_id": case_id,
        "version": version,
        "type": "Case.MaterialsSupplemented",
        "schema": 1,
        "occurred_at": "2026-03-02T09:58:00+08:00",
        "recorded_at": recorded_at,
        "institution": "baotou-kundulun",
        "person": "王芳",
        "role": "caseworker",
        "payload": payload,
        "prev": GENESIS if version == 1 else "ab" * 32,
    }
    trust = audit_verifier.Trust(root=b"")
    trust.certificates["kundulun-1"] = audit_verifier.Certificate("baotou-kundulun", PUBLIC, datetime(2026, 1, 1, tzinfo=UTC), None)

    stored = encode_record(body, "kundulun-1", KEY)
    read, problems = audit_verifier.check_record(stored, case_id, version, trust, network=False)

    assert problems == []  # among them: canonical form, the signature over PREFIX + body, the key's validity
    assert read == body
