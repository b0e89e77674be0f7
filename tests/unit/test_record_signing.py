"""Records are signed by libsodium (PyNaCl) with the key the keystore's `cryptography` key file holds: Ed25519
signatures are deterministic, so a record is the same bytes whichever library signs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.keystore import Keystore
from infrastructure.records import GENESIS, encode_record

BODY = {
    "case_id": "8d1e0f0e-52c4-4b43-9d35-2f1a4d6a0c11",
    "version": 1,
    "type": "Case.ApplicationReceived",
    "schema": 1,
    "occurred_at": "2026-03-02T09:58:00+08:00",
    "recorded_at": "2026-03-02T10:00:00.000000+08:00",
    "institution": "baotou-kundulun",
    "person": "王芳",
    "role": "caseworker",
    "prev": GENESIS,
}


@pytest.fixture(scope="module")
def keystore(tmp_path_factory: pytest.TempPathFactory) -> Keystore:
    keystore = Keystore(tmp_path_factory.mktemp("keys"), "passphrase")
    keystore.create_signing_key("kundulun-1")
    return keystore


@given(payload=st.dictionaries(st.text(max_size=8), st.text(max_size=30) | st.integers(-(2**53), 2**53), max_size=5))
def test_a_record_signed_by_libsodium_is_the_record_the_key_file_signs(keystore: Keystore, payload: dict[str, object]) -> None:
    body = {**BODY, "payload": payload}
    assert encode_record(body, "kundulun-1", keystore.record_signer("kundulun-1")) == encode_record(
        body, "kundulun-1", keystore.signing_key("kundulun-1")
    )


def test_a_discarded_key_leaves_no_signer_behind(tmp_path: Path) -> None:
    keystore = Keystore(tmp_path, "passphrase")
    first = keystore.create_signing_key("donghe-1")
    keystore.record_signer("donghe-1")
    keystore.discard_signing_key("donghe-1")
    second = keystore.create_signing_key("donghe-1")
    assert (
        encode_record({**BODY, "payload": {}}, "donghe-1", keystore.record_signer("donghe-1"))
        == encode_record({**BODY, "payload": {}}, "donghe-1", second)
        != encode_record({**BODY, "payload": {}}, "donghe-1", first)
    )
