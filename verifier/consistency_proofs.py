"""RFC 9162 consistency proofs checked independently of the ledger's code (as audit_verifier.py checks inclusion
proofs): does a newer tree extend an older one? A bundle carries one checkpoint, so the bundle verifier needs none
of this; an auditor comparing two checkpoints, and the tests of the ledger's own proofs, do."""

from __future__ import annotations

from verifier.audit_verifier import node_hash


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162, 2.1.4.2: does `proof` show that the tree of `new_size` extends the tree of `old_size`?"""
    if old_size == new_size:
        return not proof and old_root == new_root
    if not 0 < old_size < new_size or not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0
