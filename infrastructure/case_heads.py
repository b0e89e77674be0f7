"""The case-head tree (案件末条记录树), kept current as the log grows: one leaf per stream, in the order the streams
were first logged, each holding its stream's last record as of the log size folded in (formats.case_head_leaf;
docs/transparency-log.md §3). A checkpoint folds in what was logged since the one before: a stream that grew has
its leaf rewritten and only the perfect subtrees above it rehashed; a new stream's leaf is appended at the end.
A checkpoint therefore costs O(streams changed × log streams), not O(every stream) as a tree sorted by id would.

The perfect subtrees are stored in tiles (as Go's checksum database and Trillian store theirs): a tile holds up to
16 consecutive nodes of a level that is a multiple of 4 (tile level L: tree level 4L), and the nodes between are
hashed from a tile when read. A full tile's root is a node of the tile level above. A checkpoint after 1,000
changed streams writes ~900 tiles instead of ~5,500 nodes: the rows written, not the hashing, were its cost.

The stored tree is a cache of what the log's leaves already say, never trusted: `tongban verify` recomputes the
newest checkpoint's case-head root from the leaves (`root_from_leaves`) and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from domain.errors import DomainError
from infrastructure import merkle
from infrastructure.formats import CASE_HEADS_V1, case_head_leaf, case_head_leaf_v1
from infrastructure.sql_store import SqlStore

HEADS, TILES, STATE = "tongban_case_heads", "tongban_case_head_tiles", "tongban_case_head_state"
UNTILED_NODES = "tongban_case_head_nodes"  # a node a row, before tiles: emptied, and the tree folded again
LEAVES = "tongban_log_leaves"  # the global log's leaves (transparency_log.py)
HEAD_COLUMNS = {"stream_id": "text", "ordinal": "bigint", "first_leaf": "bigint", "version": "bigint", "record_hash": "bytea"}
NODE_KEY = {"level": "integer", "idx": "bigint"}
TILE_COLUMNS = {**NODE_KEY, "hashes": "bytea"}  # level: the tile level; hashes: its nodes' 32 bytes each, left to right
TILE_HEIGHT, HASH = 4, 32
TILE_WIDTH = 1 << TILE_HEIGHT  # nodes a full tile holds
FOLD_PAGE = 5_000  # log leaves folded in at a time: bounds the memory, and how long a backlog holds the log up at a time


class CaseHeadTree:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        if store.database.replica or store.table_exists(TILES):
            return
        with store.database.schema_lock(), store.transaction():
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {HEADS} (stream_id TEXT PRIMARY KEY, ordinal BIGINT NOT NULL UNIQUE, "
                "first_leaf BIGINT NOT NULL, version BIGINT NOT NULL, record_hash BLOB NOT NULL)"
            )
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {TILES} (level INTEGER NOT NULL, idx BIGINT NOT NULL, hashes BLOB NOT NULL, "
                "PRIMARY KEY (level, idx))"
            )
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {STATE} (one INTEGER PRIMARY KEY CHECK (one = 1), folded BIGINT NOT NULL, "
                "leaves BIGINT NOT NULL)"
            )
            store.execute(f"INSERT INTO {STATE} VALUES (1, 0, 0) ON CONFLICT DO NOTHING")
            if store.table_exists(UNTILED_NODES):  # a cache of the log: the next checkpoint folds it again, in pages
                store.execute(f"DELETE FROM {UNTILED_NODES}")  # not DROP: the application's role does not own it
                store.execute(f"DELETE FROM {HEADS}")
                store.execute(f"UPDATE {STATE} SET folded = 0, leaves = 0")

    def folded(self) -> tuple[int, int]:
        """(the log size folded in, the number of leaves)."""
        row = self.store.fetchone(f"SELECT folded, leaves FROM {STATE}")
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # ------------------------------------------------------------------ keeping current
    def fold_backlog(self, size: int, serialise: Callable[[], None]) -> None:
        """Fold all but the last page below `size`, each page in a transaction of its own after `serialise` (the
        log's writer lock): a tree far behind (the first checkpoint after an upgrade folds every record) then holds
        the log's writers up one page at a time, not for the whole backlog. A page is a state the next fold goes on from."""
        while True:
            with self.store.transaction():
                serialise()
                folded, _ = self.folded()
                if size - folded <= FOLD_PAGE:
                    return
                self.fold(folded + FOLD_PAGE)

    def fold(self, size: int) -> tuple[int, bytes]:
        """Fold the log's leaves below `size` into the tree; returns (leaves, root). Call inside the log's
        writer transaction (one folder at a time, and the fold commits with the checkpoint that uses it)."""
        folded, count = self.folded()
        while folded < size:
            page = min(FOLD_PAGE, size - folded)
            rows = self.store.ascending("SELECT leaf_index, stream_id, version, record_hash", LEAVES, "leaf_index", folded, page)
            rows = [row for row in rows if row[0] < size]  # past a gap, the next page may start at or after `size`
            if not rows:
                break
            count = self._apply(rows, count)
            folded = int(rows[-1][0]) + 1
        self.store.execute(f"UPDATE {STATE} SET folded = ?, leaves = ?", (max(folded, size), count))
        return count, self.root(count)

    def _apply(self, rows: list[tuple[Any, ...]], count: int) -> int:
        """One page of log leaves: each stream's newest record in it becomes its leaf; returns the new leaf count."""
        newest = {str(stream): (int(position), int(version), bytes(digest)) for position, stream, version, digest in rows}
        firsts: dict[str, tuple[int, int]] = {}  # stream -> (ordinal, first leaf), for streams already in the tree
        for stream, ordinal, first in self.store.fetch_matching(
            "SELECT stream_id, ordinal, first_leaf", HEADS, {"stream_id": "text"}, [(s,) for s in newest]
        ):
            firsts[str(stream)] = (int(ordinal), int(first))
        for position, stream, _, _ in rows:  # new streams, in the order they were first logged
            if str(stream) not in firsts:
                firsts[str(stream)] = (count, int(position))
                count += 1
        changed = [(stream, *firsts[stream], version, digest) for stream, (_, version, digest) in newest.items()]
        self.store.upsert(HEADS, HEAD_COLUMNS, ("stream_id",), changed)
        self._rehash({ordinal: _leaf(first, stream, version, digest) for stream, ordinal, first, version, digest in changed}, count)
        return count

    def _rehash(self, leaves: dict[int, bytes], count: int) -> None:
        """Store the changed leaves and every perfect subtree above them, a tile at a time. Which tiles change
        follows from the leaf indexes alone (a full tile's root changes a node of the tile level above): they are
        read in one go, patched bottom-up, and written back."""
        dirty: list[set[int]] = []  # per tile level, the changed tiles
        entries = set(leaves)
        while entries:
            level = len(dirty)
            dirty.append({e // TILE_WIDTH for e in entries})
            span = TILE_WIDTH ** (level + 1)  # leaves under a full tile of this level
            entries = {t for t in dirty[-1] if (t + 1) * span <= count}
        stored = self._tiles({(level, t) for level, tiles in enumerate(dirty) for t in tiles})
        changed, written = dict(leaves), []
        for level, tiles in enumerate(dirty):
            above: dict[int, bytes] = {}
            for t in sorted(tiles):
                hashes = stored.get((level, t), [])
                for e in range(t * TILE_WIDTH, (t + 1) * TILE_WIDTH):
                    if e in changed:  # in order: a new node goes right after the tile's last
                        if e % TILE_WIDTH > len(hashes):
                            raise _damaged(f"tile {level}/{t} lacks the nodes before {e}")
                        hashes[e % TILE_WIDTH : e % TILE_WIDTH + 1] = [changed[e]]
                written.append((level, t, b"".join(hashes)))
                if len(hashes) == TILE_WIDTH:
                    above[t] = _perfect_root(hashes)
            changed = above
        self.store.upsert(TILES, TILE_COLUMNS, ("level", "idx"), written)

    # ------------------------------------------------------------------ reading
    def _tiles(self, wanted: set[merkle.Node]) -> dict[merkle.Node, list[bytes]]:
        rows = self.store.fetch_matching("SELECT level, idx, hashes", TILES, NODE_KEY, sorted(wanted))
        return {(int(level), int(t)): [bytes(h[i : i + HASH]) for i in range(0, len(h), HASH)] for level, t, h in rows}

    def nodes(self, wanted: set[merkle.Node]) -> dict[merkle.Node, bytes]:
        """Perfect subtrees (tree level, index), each hashed from the stretch of the tile below it that it covers."""
        stretches = {}  # node -> (tile, first entry, entries)
        for level, i in wanted:
            width = 1 << (level % TILE_HEIGHT)
            first = i * width
            stretches[(level, i)] = ((level // TILE_HEIGHT, first // TILE_WIDTH), first % TILE_WIDTH, width)
        tiles = self._tiles({tile for tile, _, _ in stretches.values()})
        found = {}
        for node, (tile, first, width) in stretches.items():
            hashes = tiles.get(tile, [])[first : first + width]
            if len(hashes) == width:
                found[node] = _perfect_root(hashes)
        if len(found) != len(wanted):
            raise _damaged(f"it lacks {len(wanted) - len(found)} nodes")
        return found

    def root(self, count: int) -> bytes:
        return merkle.span_hashes([(0, count)], self.nodes)[0] if count else merkle.EMPTY_ROOT

    def proof(self, stream_id: str, count: int) -> dict[str, Any]:
        """The bundle's proof that the tree of `count` leaves commits to this stream's last record, with the
        leaves either side: their streams were first logged before and after it, so no second leaf of it exists."""
        row = self.store.fetchone(f"SELECT ordinal FROM {HEADS} WHERE stream_id = ?", (stream_id,))
        if row is None:
            raise _damaged(f"stream {stream_id} has no leaf")
        index = int(row[0])

        def path(i: int) -> list[str]:
            return [h.hex() for h in merkle.span_hashes(merkle.inclusion_spans(i, count), self.nodes)]

        neighbours = {}
        for side, i in (("left", index - 1), ("right", index + 1)):
            found = self.store.fetchone(f"SELECT stream_id, first_leaf, version, record_hash FROM {HEADS} WHERE ordinal = ?", (i,))
            if found is not None and 0 <= i < count:
                stream, first, version, digest = found
                neighbours[side] = {
                    "case_id": str(stream),
                    "first_leaf": int(first),
                    "version": int(version),
                    "head": bytes(digest).hex(),
                    "proof": path(i),
                }
        return {"index": index, "proof": path(index), "neighbours": neighbours}


def stored_problem(store: SqlStore, expected: tuple[int, bytes], size: int) -> str | None:
    """Whether the stored tree, if folded to `size`, is the one the log makes (`expected`: leaves, root): its rows
    in order, and its top nodes. A difference would be signed into the next checkpoint."""
    tree = CaseHeadTree(store)
    folded, count = tree.folded()
    if folded != size:
        return None
    rows = store.stream(f"SELECT first_leaf, stream_id, version, record_hash FROM {HEADS} ORDER BY ordinal")
    frontier = merkle.frontier_of(_leaf(int(first), str(stream), int(version), bytes(digest)) for first, stream, version, digest in rows)
    try:
        top = tree.root(count)
    except DomainError as missing:
        return missing.message
    if (frontier.size, frontier.root()) == expected == (count, top):
        return None
    return "its rows or nodes differ from the leaves they were folded from"


def _damaged(what: str) -> DomainError:
    return DomainError(
        "LOG_DAMAGED", f"案件末条记录树已损坏，请运行 tongban verify (the stored case-head tree is damaged: {what}; run `tongban verify`)."
    )


def root_from_leaves(store: SqlStore, size: int, extension: str) -> tuple[int, bytes]:
    """The case-head tree a checkpoint of `size` records must commit to, recomputed from the log's leaves alone
    (not from the stored tree): (leaves, root). `extension` is the checkpoint's line name (v2, or v1 sorted by id)."""
    by_id = extension == CASE_HEADS_V1
    frontier = merkle.frontier_of(
        merkle.leaf_hash(case_head_leaf_v1(stream, version, digest.hex())) if by_id else _leaf(first, stream, version, digest)
        for first, stream, version, digest in _heads(store, size, by_id)
    )
    return frontier.size, frontier.root()


def _perfect_root(hashes: list[bytes]) -> bytes:
    """The root over a power of two of sibling nodes."""
    while len(hashes) > 1:
        hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def _leaf(first: int, stream: str, version: int, digest: bytes) -> bytes:
    """The hash of one leaf of the (version 2) tree."""
    return merkle.leaf_hash(case_head_leaf(first, stream, version, digest.hex()))


def _heads(store: SqlStore, size: int, by_id: bool) -> Iterator[tuple[int, str, int, bytes]]:
    """Each stream's first log position and last record below `size`, in first-logged (or id) order, a page at a time."""
    order = "h.stream_id" if by_id else "h.first"
    rows = store.stream(
        f"SELECT h.first, h.stream_id, h.version, l.record_hash FROM {LEAVES} l JOIN "
        f"(SELECT stream_id, MIN(leaf_index) AS first, MAX(version) AS version FROM {LEAVES} WHERE leaf_index < ? GROUP BY stream_id) h "
        f"ON l.stream_id = h.stream_id AND l.version = h.version ORDER BY {order}",
        (size,),
    )
    return ((int(first), str(stream), int(version), bytes(digest)) for first, stream, version, digest in rows)
