#!/usr/bin/env python3
"""Standalone verifier of a tongban audit bundle (审计包独立核验程序).

    python audit_verifier.py BUNDLE.json --root-key ROOT_PUBLIC_KEY_HEX_OR_FILE [--json]

Needs only Python 3.11+ and PyNaCl or `cryptography`: no tongban code, no database. Copy this one file next to the
bundle and run it. It was written from docs/ledger-format.md and docs/transparency-log.md alone; it shares no
code with the ledger, so that it checks the log rather than agreeing with it. Given nothing but the justice bureau's
root public key, it checks:

1. the network records (key certifications) are signed by the root key and chained;
2. the checkpoint (a C2SP signed note) is signed by its origin's log key, which the root certified;
3. every case record is canonical, signed by a key valid for its institution when it was signed, chained to the
   previous one from version 1 with no gap;
4. every record is in the global log as of the checkpoint (RFC 9162 inclusion proofs), in version order;
5. that the checkpoint commits to the case's and the network's last records (required when it carries case heads),
   so that nothing was left off the end of either.

Exit status 0 when everything verifies, 1 otherwise; the report says what was checked and what failed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

try:  # libsodium (PyNaCl) when installed, the faster; the `cryptography` package otherwise
    from nacl.exceptions import CryptoError as BadSignature
    from nacl.signing import VerifyKey

    ED25519 = "libsodium (PyNaCl)"
except ImportError:
    from cryptography.exceptions import InvalidSignature as BadSignature  # type: ignore[assignment]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    ED25519 = "cryptography"


def ed25519_verifies(key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        if ED25519 == "cryptography":
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        else:
            VerifyKey(key).verify(message, signature)
    except (BadSignature, ValueError):  # a bad signature, or a key or signature of the wrong length
        return False
    return True


BUNDLE_FORMAT = "tongban-audit-bundle/v1"
RECORD_PREFIX = b"tongban-ledger-record/v1\n"
GENESIS = "0" * 64
BODY_FIELDS = {"case_id", "version", "type", "schema", "occurred_at", "recorded_at", "institution", "person", "role", "payload", "prev"}


# --------------------------------------------------------------------------- RFC 9162 proofs
def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162, 2.1.3.2: does `proof` show leaf hash `leaf` at `index` in the tree of `size` with `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# --------------------------------------------------------------------------- checkpoints (C2SP signed note)
@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: dict[str, str]
    text: str

    @property
    def time(self) -> str:
        return self.extensions.get("time", "")


def note_key_id(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def open_checkpoint(note: str, log_keys: dict[str, list[bytes]]) -> tuple[Checkpoint | None, str]:
    """Verify a signed checkpoint under the certified log keys (key name -> public keys). Returns (checkpoint, why not)."""
    text, sep, signatures = note.partition("\n\n")
    if not sep or not text:
        return None, "not a signed note (no blank line before the signatures)"
    text += "\n"
    origin = text.split("\n", 1)[0]
    verified = False
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            return None, f"malformed signature line {line!r}"
        name, _, b64 = line[2:].rpartition(" ")
        if name != origin:  # a witness's or another log's signature does not make it this log's
            continue
        try:
            blob = base64.b64decode(b64, validate=True)
        except ValueError:
            return None, "a signature is not base64"
        for key in (key for key in log_keys.get(name, []) if blob[:4] == note_key_id(name, key)):
            if not ed25519_verifies(key, blob[4:], text.encode()):
                return None, f"the signature of log key {name} does not verify: the checkpoint was altered"
            verified = True
    if not verified:
        return None, "no signature by a log key certified by the root key"
    lines = text.splitlines()
    if len(lines) < 3 or not lines[1].isdigit():
        return None, "the checkpoint text is not origin, size, root hash"
    extensions = dict(line.split(" ", 1) for line in lines[3:] if " " in line)
    root = base64.b64decode(lines[2])
    if lines[0] not in log_keys or len(root) != 32:
        return None, "the checkpoint names another log, or its root hash is not 32 bytes"
    return Checkpoint(lines[0], int(lines[1]), root, extensions, text), ""


# --------------------------------------------------------------------------- records (docs/ledger-format.md)
def _no_float(literal: str) -> Any:
    raise ValueError(f"float {literal} is not allowed")


@dataclass
class Certificate:
    institution: str
    public_key: bytes
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None = None


@dataclass
class Trust:
    """What the root key vouches for, learnt from the network records in order."""

    root: bytes
    certificates: dict[str, Certificate] = field(default_factory=dict)
    log_keys: dict[str, list[bytes]] = field(default_factory=dict)

    def learn(self, body: dict[str, Any]) -> None:
        p, kind = body["payload"], body["type"]
        if kind == "Network.KeyCertified":
            until = datetime.fromisoformat(p["valid_until"]) if p.get("valid_until") else None
            self.certificates[p["key_id"]] = Certificate(
                p["institution_id"], bytes.fromhex(p["public_key_hex"]), datetime.fromisoformat(p["valid_from"]), until
            )
        elif kind == "Network.KeyRevoked" and p["key_id"] in self.certificates:  # the earliest revocation holds
            cert, at = self.certificates[p["key_id"]], datetime.fromisoformat(body["occurred_at"])
            cert.revoked_at = min(at, cert.revoked_at or at)
        elif kind == "Network.LogKeyCertified":
            self.log_keys.setdefault(p["origin"], []).append(bytes.fromhex(p["public_key_hex"]))

    def key_for(self, key_id: str, body: dict[str, Any], network: bool) -> tuple[bytes | None, str]:
        if network:
            return (self.root, "") if key_id == "root" else (None, "a network record must be signed by the root key")
        cert = self.certificates.get(key_id)
        if cert is None:
            return None, f"key {key_id} was never certified by the root key"
        if cert.institution != body["institution"]:
            return None, f"key {key_id} belongs to {cert.institution}, not to {body['institution']}"
        signed = datetime.fromisoformat(body["recorded_at"])
        if signed < cert.valid_from or (cert.valid_until and signed >= cert.valid_until):
            return None, f"key {key_id} was not valid when the record was signed"
        if cert.revoked_at and signed >= cert.revoked_at:
            return None, f"key {key_id} had been revoked when the record was signed"
        return cert.public_key, ""


def check_record(stored: bytes, stream: str, version: int, trust: Trust, network: bool) -> tuple[dict[str, Any], list[str]]:
    try:
        record = json.JSONDecoder(parse_float=_no_float).decode(stored.decode())
        body = record["body"]
        signature = base64.b64decode(record["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        return {}, [f"not a readable record ({exc})"]
    if not isinstance(body, dict) or set(record) != {"body", "key_id", "signature"} or set(body) != BODY_FIELDS:
        return {}, ["the record does not have the fields of the format"]
    if json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() != stored:
        return body, ["the record is not in canonical form: its bytes were changed"]
    if body["case_id"] != stream or body["version"] != version:
        return body, [f"the record says case {body['case_id']} version {body['version']}: it was moved"]
    key, why = trust.key_for(record["key_id"], body, network)
    if key is None:
        return body, [why]
    body_bytes = stored[len(b'{"body":') : stored.rindex(b',"key_id":')]
    if not ed25519_verifies(key, signature, RECORD_PREFIX + body_bytes):
        return body, [f"the signature does not verify under key {record['key_id']}"]
    if network and body["type"] == "Network.KeyCertified" and body["payload"]["key_id"] in trust.certificates:
        return body, [f"key id {body['payload']['key_id']} was already certified: a key id is certified once"]
    return body, []


# --------------------------------------------------------------------------- the bundle
@dataclass
class Finding:
    ok: bool
    text: str


@dataclass
class RecordCheck:  # a case record as checked: its body ({} when unreadable) and what failed (nothing: it verifies)
    version: int
    leaf_index: int
    body: dict[str, Any]
    problems: list[str]

    def line(self) -> str:
        b, action = self.body, str(self.body.get("type", "?")).removeprefix("Case.")
        when, who = b.get("occurred_at", "?"), f"{b.get('institution', '?')} / {b.get('person', '?')}"
        shown = f"  {'✗' if self.problems else '✓'} v{self.version:<3} {when}  {action:<26} {who}  (log position {self.leaf_index})"
        return shown + ("  ✗ " + "; ".join(self.problems) if self.problems else "")


@dataclass
class Report:
    case_id: str = ""
    findings: list[Finding] = field(default_factory=list)
    records: list[RecordCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    def check(self, ok: bool, text: str) -> bool:
        self.findings.append(Finding(ok, text))
        return ok

    def render(self) -> str:
        lines = [f"tongban 审计包核验报告 Audit bundle verification report — case 案件 {self.case_id} (Ed25519: {ED25519})", ""]
        lines += [("  [通过 OK]   " if f.ok else "  [不通过 FAIL] ") + f.text for f in self.findings]
        if self.records:
            lines += ["", "案件记录 The case's records (✓ signed, chained and in the log; ✗ what failed):"]
            lines += [r.line() for r in self.records]
        verdict = "核验通过 VERIFIED: nothing in this case's history was altered, removed or reordered"
        return "\n".join([*lines, "", verdict if self.ok else "核验不通过 NOT VERIFIED: see the failures above", ""])


def _walk_stream(report: Report, entries: list[dict[str, Any]], stream: str, trust: Trust, network: bool) -> list[RecordCheck]:
    """Check one stream's records in version order, each with what failed. Network records teach trust."""
    checked, prev = [], GENESIS
    for expected, entry in enumerate(entries, start=1):
        stored = entry["record"].encode()
        body, errors = check_record(stored, stream, entry["version"], trust, network)
        if entry["version"] != expected:
            errors.insert(0, f"version {expected} is missing: the chain has a gap")
        if body and body["prev"] != prev:
            errors.append("the previous-record hash does not match: a record before it was altered or removed")
        if not errors and network:
            trust.learn(body)
        prev = hashlib.sha256(stored).hexdigest()
        checked.append(RecordCheck(entry["version"], entry["leaf_index"], body, errors))
    problems = "; ".join(f"version {r.version}: {p}" for r in checked for p in r.problems)
    what = "网络记录 network records (institutions and key certifications)" if network else "案件记录 case records"
    gaps = f" — {problems}" if problems else ""
    report.check(not problems and bool(entries), f"{what}: {len(entries)} records, signed, chained from version 1 with no gap{gaps}")
    return checked


def verify_bundle(bundle: dict[str, Any], root_public_key: bytes) -> Report:
    report = Report(case_id=str(bundle.get("case_id", "?")))
    if not report.check(bundle.get("format") == BUNDLE_FORMAT, f"bundle format {bundle.get('format')!r}"):
        return report
    trust = Trust(root_public_key)
    network_id, case_id = bundle["network_id"], bundle["case_id"]
    network_entries = [e for e in bundle["records"] if e["stream"] == network_id]
    case_entries = [e for e in bundle["records"] if e["stream"] == case_id]
    report.check(len(network_entries) + len(case_entries) == len(bundle["records"]), "the bundle holds only this case and the network")

    network_records = _walk_stream(report, network_entries, network_id, trust, network=True)
    first: dict[str, Any] = (network_records[0].body if network_records else {}) or {"type": "", "payload": {}}
    city, founded = first["payload"].get("city", ""), first["payload"].get("root_public_key_hex")
    report.check(
        first["type"] == "Network.NetworkFounded"
        and founded == root_public_key.hex()
        and network_id == str(uuid.uuid5(uuid.NAMESPACE_URL, "tongban:network:" + city)),
        f"the network of {city} was founded under the root key you gave",
    )

    checkpoint, why = open_checkpoint(bundle["checkpoint"], trust.log_keys)
    if not report.check(
        checkpoint is not None,
        "检查点 checkpoint signed by a log key the root key certified"
        + (f": log {checkpoint.origin}, {checkpoint.size} records, time {checkpoint.time}" if checkpoint else f" — {why}"),
    ):
        return report
    assert checkpoint is not None

    report.records = _walk_stream(report, case_entries, case_id, trust, network=False)
    missing = []
    for entry, checked in zip(network_entries + case_entries, network_records + report.records, strict=True):
        proof = [bytes.fromhex(h) for h in entry["proof"]]
        digest = hashlib.sha256(entry["record"].encode()).digest()
        if not verify_inclusion(leaf_hash(digest), entry["leaf_index"], checkpoint.size, proof, checkpoint.root):
            missing.append(f"{entry['stream'][:8]} v{entry['version']}")
            checked.problems.append("not proven to be in the global log as of the checkpoint")
    positions = [e["leaf_index"] for e in case_entries]
    unproven = f" — not proven for {', '.join(missing)}" if missing else ""
    report.check(not missing, f"全局日志 every record is in the global log as of the checkpoint (RFC 9162 inclusion proofs){unproven}")
    report.check(positions == sorted(set(positions)), "the case's records were logged in version order")
    _check_case_head(report, bundle.get("case_head"), case_id, case_entries, checkpoint, "this case's")
    _check_case_head(report, bundle.get("network_head"), network_id, network_entries, checkpoint, "the network's")
    return report


def case_head_leaf(first_leaf: int, case_id: str, version: int, head_hash_hex: str) -> bytes:
    """The data of one leaf of the case-head tree (`case-heads/v2`): what the checkpoint commits to about one case."""
    return f"tongban-case-head/v2\n{first_leaf}\n{case_id}\n{version}\n{head_hash_hex}".encode()


def case_head_leaf_v1(case_id: str, version: int, head_hash_hex: str) -> bytes:  # `case-heads`: checkpoints before v2
    return f"tongban-case-head/v1\n{case_id}\n{version}\n{head_hash_hex}".encode()


def _check_case_head(
    report: Report, head: dict[str, Any] | None, case_id: str, entries: list[dict[str, Any]], checkpoint: Checkpoint, whose: str
) -> None:
    """The stream's last record in the bundle is the one the checkpoint's case-head tree commits to (required: without
    it, a cut-off end would go unseen). v2 leaves are in the order streams were first logged, keyed by where version 1
    sits (proven above); v1 leaves (checkpoints before v2) by id. The leaves either side, first logged before and after
    (v1: smaller and larger ids), show that no second (later) head of the stream is committed anywhere in the tree."""
    v2 = "case-heads/v2" in checkpoint.extensions
    committed = checkpoint.extensions.get("case-heads/v2" if v2 else "case-heads", "")
    if " " not in committed or head is None or not entries:
        why = "the checkpoint carries no case heads" if " " not in committed else f"the bundle omits the proof of {whose}"
        report.check(False, f"完整性 complete: NOT proven — {why} (records may have been cut off the end)")
        return
    size, root = int(committed.split(" ")[0]), base64.b64decode(committed.split(" ", 1)[1])
    first = entries[0]["leaf_index"] if entries[0]["version"] == 1 else None

    def included(index: int, n: dict[str, Any], stream: str) -> bool:
        v, h = n["version"], n["head"]
        data = case_head_leaf(n["first_leaf"], stream, v, h) if v2 else case_head_leaf_v1(stream, v, h)
        return verify_inclusion(leaf_hash(data), index, size, [bytes.fromhex(h) for h in n["proof"]], root)

    last = entries[-1]
    digest = hashlib.sha256(last["record"].encode()).hexdigest()
    own = {"first_leaf": first, "version": last["version"], "head": digest, "proof": head["proof"]}
    ok = first is not None and included(head["index"], own, case_id)
    for offset, n in ((-1, head.get("neighbours", {}).get("left")), (1, head.get("neighbours", {}).get("right"))):
        if n is None:
            ok = ok and head["index"] + offset in (-1, size)
        else:
            key, mine = (n["first_leaf"], first) if v2 else (n["case_id"], case_id)
            ordered = first is not None and (key < mine if offset < 0 else key > mine)
            ok = ok and ordered and included(head["index"] + offset, n, n["case_id"])
    report.check(
        ok,
        f"完整性 complete: the checkpoint commits to version {last['version']} as {whose} last record"
        + ("" if ok else " — NOT proven: a later record of this case may have been left out"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a tongban audit bundle with nothing but the root public key.")
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--root-key", required=True, help="the root public key: 64 hex digits, or a file holding them")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    key_text = Path(args.root_key).read_text().strip() if Path(args.root_key).is_file() else args.root_key.strip()
    try:
        bundle = json.loads(args.bundle.read_text(encoding="utf-8"))
        report = verify_bundle(bundle, bytes.fromhex(key_text))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        report = Report(findings=[Finding(False, f"the bundle cannot be read: {type(exc).__name__}: {exc}")])
    as_json = {"ok": report.ok, "case_id": report.case_id, "findings": [vars(f) for f in report.findings]}
    print(json.dumps(as_json, ensure_ascii=False, indent=2) if args.json else report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
