"""The case-head tree kept current fold by fold is, after every fold, the tree docs/transparency-log.md §3 defines
over the whole log: one leaf per stream in the order streams were first logged, holding its last record. Its
proofs verify with the standalone verifier's own code, and the leaves beside a stream's were logged before and after it."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from infrastructure.case_heads import CaseHeadTree, root_from_leaves
from infrastructure.database import Database
from infrastructure.formats import CASE_HEADS
from infrastructure.sql_store import SqlStore
from verifier.audit_verifier import leaf_hash, verify_inclusion

STREAMS = [str(uuid.UUID(int=n * 7919 + 1)) for n in range(12)]  # ids not in the order they are first logged


def defined_root(leaves: list[bytes]) -> bytes:
    """MTH from RFC 9162 §2.1.1, recursively, as the RFC writes it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + defined_root(leaves[:k]) + defined_root(leaves[k:])).digest()


def defined_heads(log: list[tuple[str, int, bytes]], size: int) -> list[tuple[int, str, int, bytes]]:
    """(first position, stream, last version, its hash) per stream below `size`, in first-logged order."""
    heads: dict[str, tuple[int, str, int, bytes]] = {}
    for position, (stream, version, digest) in enumerate(log[:size]):
        heads[stream] = (heads[stream][0] if stream in heads else position, stream, version, digest)
    return sorted(heads.values())


def leaf(first: int, stream: str, version: int, digest: bytes) -> bytes:
    return f"tongban-case-head/v2\n{first}\n{stream}\n{version}\n{digest.hex()}".encode()


def a_log(store: SqlStore, appended: list[str]) -> list[tuple[str, int, bytes]]:
    """The log's leaves table holding these streams' records in this order: (stream, version, record hash) each."""
    store.execute(
        "CREATE TABLE tongban_log_leaves (leaf_index BIGINT PRIMARY KEY, notification_id BIGINT NOT NULL, "
        "stream_id TEXT NOT NULL, version BIGINT NOT NULL, record_hash BLOB NOT NULL)"
    )
    store.execute("CREATE INDEX tongban_log_leaves_stream ON tongban_log_leaves (stream_id, version)")  # as the log makes it
    versions: dict[str, int] = {}
    log = []
    for stream in appended:
        versions[stream] = versions.get(stream, 0) + 1
        log.append((stream, versions[stream], hashlib.sha256(f"{stream} {versions[stream]}".encode()).digest()))
    with store.transaction():
        store.insert("tongban_log_leaves", [(position, position + 1, *record) for position, record in enumerate(log)])
    return log


def folded_in_steps(appended: list[str], folds: list[int], proven: Callable[[int], Iterable[int]]) -> None:
    """Fold the log at each size in turn; after each, the tree is the defined one, and the leaves `proven(count)`
    have proofs the standalone verifier accepts and the right neighbours."""
    with tempfile.TemporaryDirectory() as directory, SqlStore(Database(f"sqlite:///{Path(directory) / 'log.sqlite3'}")) as store:
        log = a_log(store, appended)
        tree = CaseHeadTree(store)
        for size in [*sorted(min(f, len(log)) for f in folds), len(log)]:
            with store.transaction():
                count, root = tree.fold(size)
            heads = defined_heads(log, size)
            assert (count, root) == (len(heads), defined_root([leaf(*h) for h in heads]))
            assert root_from_leaves(store, size, CASE_HEADS) == (count, root)  # what verify recomputes agrees
            for index in proven(count):
                first, stream, version, digest = heads[index]
                proof = tree.proof(stream, count)
                assert proof["index"] == index
                assert verify_inclusion(leaf_hash(leaf(first, stream, version, digest)), index, count, _hex(proof["proof"]), root)
                assert [side for side in ("left", "right") if side in proof["neighbours"]] == [
                    side for side, i in (("left", index - 1), ("right", index + 1)) if 0 <= i < count
                ]
                for n in proof["neighbours"].values():
                    i = index - 1 if n["first_leaf"] < first else index + 1
                    assert (n["first_leaf"], n["case_id"], n["version"], n["head"]) == (*heads[i][:3], heads[i][3].hex())


@settings(max_examples=40, deadline=None)
@given(
    appended=st.lists(st.sampled_from(STREAMS), min_size=1, max_size=120),
    folds=st.lists(st.integers(min_value=0, max_value=120), max_size=6),
)
def test_the_tree_folded_in_steps_is_the_tree_of_the_whole_log(appended: list[str], folds: list[int]) -> None:
    folded_in_steps(appended, folds, proven=range)


@settings(max_examples=12, deadline=None)
@given(
    appended=st.lists(st.integers(min_value=0, max_value=899), min_size=600, max_size=2_000),  # ~450 streams or more
    folds=st.lists(st.integers(min_value=0, max_value=2_000), max_size=5),
)
def test_a_tree_of_hundreds_of_streams_stored_in_tiles_of_two_levels_is_the_tree_of_the_whole_log(
    appended: list[int], folds: list[int]
) -> None:
    """Past 16 streams the tree's tiles fill and their roots go into the tile level above, past 256 into a third."""
    edges = (0, 15, 16, 255, 256, 511, 512)
    folded_in_steps([str(uuid.UUID(int=n * 7919 + 1)) for n in appended], folds, proven=lambda count: [i for i in edges if i < count])


def _hex(proof: list[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in proof]
