"""The Merkle tree of the global log: RFC 6962 / RFC 9162 test vectors, and proofs for every shape of tree.

Proofs are produced by infrastructure/merkle.py (from stored perfect subtrees) and checked by the
standalone auditor's verifier, which shares no code with it.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from infrastructure import merkle
from verifier.audit_verifier import leaf_hash, verify_inclusion
from verifier.consistency_proofs import verify_consistency

# The reference inputs and tree heads of RFC 6962 used by Certificate Transparency implementations.
LEAF_DATA = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, proof)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
LEAVES = [merkle.leaf_hash(d) for d in LEAF_DATA]


class InMemoryNodes:
    """What the log's node table holds, built the way the log builds it: by appending through a frontier."""

    def __init__(self, leaves: list[bytes]) -> None:
        frontier, self.stored = merkle.Frontier(), dict[merkle.Node, bytes]()
        for h in leaves:
            self.stored.update(((level, index), value) for level, index, value in frontier.append(h))
        self.root = merkle.root_of(leaves)

    def __call__(self, wanted: set[merkle.Node]) -> dict[merkle.Node, bytes]:
        return {node: self.stored[node] for node in wanted}

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return merkle.span_hashes(merkle.inclusion_spans(index, size), self)

    def consistency(self, old: int, new: int) -> list[bytes]:
        return merkle.span_hashes(merkle.consistency_spans(old, new), self) if old != new else []


def test_tree_heads_match_rfc_6962_for_every_size() -> None:
    assert merkle.root_of([]).hex() == ROOTS[0]
    for size in range(1, 9):
        assert merkle.root_of(LEAVES[:size]).hex() == ROOTS[size]
        assert InMemoryNodes(LEAVES[:size]).root.hex() == ROOTS[size]


def test_the_standalone_verifier_hashes_leaves_as_the_log_does() -> None:
    assert [leaf_hash(d) for d in LEAF_DATA] == LEAVES


def test_inclusion_proofs_match_the_reference_vectors_and_verify() -> None:
    nodes = InMemoryNodes(LEAVES)
    for index, size, expected in INCLUSION:
        proof = nodes.inclusion(index, size)
        assert [p.hex() for p in proof] == expected
        assert verify_inclusion(LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size]))
        assert not verify_inclusion(LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size - 1]))


def test_consistency_proofs_match_the_reference_vectors_and_verify() -> None:
    nodes = InMemoryNodes(LEAVES)
    for old, new, expected in CONSISTENCY:
        proof = nodes.consistency(old, new)
        assert [p.hex() for p in proof] == expected
        assert verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof)


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_every_leaf_is_provably_included_and_a_changed_leaf_is_not(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(d) for d in data]
    size = draw.draw(st.integers(1, len(leaves)))
    index = draw.draw(st.integers(0, size - 1))
    nodes, root = InMemoryNodes(leaves), merkle.root_of(leaves[:size])

    proof = nodes.inclusion(index, size)

    assert verify_inclusion(leaves[index], index, size, proof, root)
    assert not verify_inclusion(merkle.leaf_hash(data[index] + b"!"), index, size, proof, root)
    if size > 1:
        assert not verify_inclusion(leaves[index], (index + 1) % size, size, proof, root)


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_a_grown_tree_provably_extends_every_earlier_tree_and_a_rewritten_one_does_not(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(d) for d in data]
    new = draw.draw(st.integers(1, len(leaves)))
    old = draw.draw(st.integers(1, new))
    nodes = InMemoryNodes(leaves)
    old_root, new_root = merkle.root_of(leaves[:old]), merkle.root_of(leaves[:new])

    proof = nodes.consistency(old, new)

    assert verify_consistency(old, new, old_root, new_root, proof)
    rewritten = [*leaves[: old - 1], merkle.leaf_hash(b"rewritten"), *leaves[old:]]
    rewritten_nodes = InMemoryNodes(rewritten)
    if old < new:
        assert not verify_consistency(old, new, old_root, merkle.root_of(rewritten[:new]), rewritten_nodes.consistency(old, new))
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])


@given(st.integers(0, 70), st.lists(st.integers(1, 40), max_size=8))
def test_appending_many_leaves_at_once_makes_the_nodes_and_frontier_that_appending_them_one_by_one_makes(
    before: int, runs: list[int]
) -> None:
    leaves = [merkle.leaf_hash(n.to_bytes(4, "big")) for n in range(before + sum(runs))]
    one_by_one, at_once = merkle.Frontier(), merkle.Frontier()
    for h in leaves[:before]:
        one_by_one.append(h)
        at_once.append(h)
    expected = [node for h in leaves[before:] for node in one_by_one.append(h)]

    made, start = [], before
    for run in runs:
        made += [
            (level, first + i, h) for level, first, hashes in at_once.extend(leaves[start : start + run]) for i, h in enumerate(hashes)
        ]
        start += run

    assert sorted(made) == sorted(expected)
    assert (at_once.size, at_once.hashes, at_once.root()) == (one_by_one.size, one_by_one.hashes, merkle.root_of(leaves))
    assert merkle.frontier_of(iter(leaves), page=7).hashes == one_by_one.hashes  # a page at a time, from an iterator
