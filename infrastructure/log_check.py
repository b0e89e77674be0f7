"""The global log checked against itself and against the records, in bounded memory (verify, audit check).

- `check_tree`: the leaves, read in order, are numbered without gaps and in commit order, make exactly the
  interior nodes stored (compared level by level as the walk completes them, each level read a page at a
  time) and reproduce the newest checkpoint's root; each stream's last record below its size reproduces the
  checkpoint's case-head tree (recomputed from the leaves, not read from the stored tree that made it).
- `LeafMatch`: verify's workers, reading a range of streams in (stream, version) order, hold each record
  beside the leaf the log has for it, read in the same order: a record altered, removed, put at another
  commit position or never logged is named with its case, version and log position.
Together they say what walking every record in commit order beside the log said, without holding either.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field

from infrastructure import merkle
from infrastructure.case_heads import root_from_leaves, stored_problem
from infrastructure.formats import CASE_HEADS, CASE_HEADS_V1, Checkpoint
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import LEAVES, NODES, LoggedRecord, TransparencyLog

PAGE = 5000
SHOWN = 5  # examples named per kind of node problem


@dataclass(frozen=True)
class LogScope:
    """What a worker needs to know of the log: records committed after its last leaf are not logged yet;
    a mismatch below the checkpoint's size means the records no longer reproduce that checkpoint."""

    last_logged: int  # the notification id of the log's last leaf (0: an empty log)
    checkpoint_size: int | None
    network: tuple[LoggedRecord, ...]  # the network stream's leaves, which the parent holds its records beside


def logged_between(store: SqlStore, low: str | None, high: str | None) -> Iterator[LoggedRecord]:
    """The logged records of the streams low <= id < high, by stream and version, a page at a time."""
    select = f"SELECT stream_id, version, leaf_index, notification_id, record_hash FROM {LEAVES}"
    for page in store.pages(select, ("stream_id", "version"), low, high, PAGE):
        yield from (LoggedRecord(int(i), int(n), str(s), int(v), bytes(h)) for s, v, i, n, h in page)


@dataclass
class LeafMatch:
    leaves: Iterator[LoggedRecord]
    scope: LogScope
    skip: str = ""  # a stream checked elsewhere (the network's, by the parent)
    problems: list[str] = field(default_factory=list)
    first_mismatch: int | None = None  # the lowest log position where records and log disagree
    _next: LoggedRecord | None = None
    _started: bool = False

    def _advance(self) -> None:
        leaf = next(self.leaves, None)
        while leaf is not None and leaf.stream_id == self.skip:
            leaf = next(self.leaves, None)
        self._next = leaf

    def _mismatch(self, leaf_index: int, what: str) -> None:
        self.problems.append(what)
        self.first_mismatch = leaf_index if self.first_mismatch is None else min(self.first_mismatch, leaf_index)

    def record(self, stream: str, version: int, position: int, digest: bytes) -> None:
        """The next record of the range, in (stream, version) order, with its position and record hash."""
        if not self._started:
            self._advance()
            self._started = True
        while self._next is not None and (self._next.stream_id, self._next.version) < (stream, version):
            self._removed(self._next)
            self._advance()
        leaf = self._next
        if leaf is not None and leaf.stream_id == stream and leaf.version == version:
            if leaf.record_hash != digest:
                self._mismatch(
                    leaf.leaf_index, f"篡改 altered: the record at log position {leaf.leaf_index} ({_name(leaf)}) is not the one logged"
                )
            elif leaf.notification_id != position:
                self._mismatch(
                    leaf.leaf_index,
                    f"顺序 reordered: {_name(leaf)} was logged as committed at {leaf.notification_id}, is now at {position}",
                )
            self._advance()
        elif position <= self.scope.last_logged:
            self._mismatch(0, f"插入 inserted: case {stream} version {version} is not where the log has it (it is in no leaf)")

    def finish(self) -> LeafMatch:
        if not self._started:
            self._advance()
        while self._next is not None:
            self._removed(self._next)
            self._advance()
        self.leaves = iter(())  # read to the end; an open cursor would not go back to the parent
        return self

    def _removed(self, leaf: LoggedRecord) -> None:
        self._mismatch(leaf.leaf_index, f"删除 removed: {_name(leaf)} is in the log but no longer in the database")


def records_against_checkpoint(first_mismatch: int | None, checkpoint: Checkpoint | None) -> list[str]:
    if checkpoint is None or first_mismatch is None or first_mismatch >= checkpoint.size:
        return []
    return [
        f"数据库中的记录不能重现检查点 (the records in the database do not reproduce the root of the checkpoint of "
        f"{checkpoint.size} records signed {checkpoint.time}: they were altered, removed or reordered)"
    ]


class _StoredNodes:
    """The stored interior nodes, compared with the nodes the leaves make, a run of one level at a time."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.made: dict[int, int] = {}  # level -> how many nodes of it the leaves made
        self.found: dict[str, list[merkle.Node]] = {"missing": [], "altered": [], "not implied by the records": []}
        self.counts = dict.fromkeys(self.found, 0)

    def _note(self, what: str, node: merkle.Node) -> None:
        self.counts[what] += 1
        if len(self.found[what]) < SHOWN:
            self.found[what].append(node)

    def expect(self, level: int, first: int, hashes: list[bytes]) -> None:
        """The nodes `first`, `first` + 1... of a level, as the leaves make them."""
        end = first + len(hashes)
        select = f"SELECT idx, hash FROM {NODES} WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"
        rows = self.store.fetchall(select, (level, first, end), binary=True)
        self.made[level] = end
        if len(rows) == len(hashes) and [bytes(h) for _, h in rows] == hashes:
            return  # (level, idx) is the key: as many rows as the range holds are every one of it
        stored = {int(i): bytes(h) for i, h in rows}
        for index, digest in enumerate(hashes, first):
            if index not in stored:
                self._note("missing", (level, index))
            elif stored[index] != digest:
                self._note("altered", (level, index))

    def rest(self) -> list[str]:
        """With the last leaf made: stored nodes no leaves make (past what each level was made to, or on a level never reached)."""
        made = " OR ".join(f"(level = {level} AND idx >= {count})" for level, count in self.made.items())
        levels = ", ".join(str(level) for level in self.made)
        where = f"level NOT IN ({levels}) OR {made}" if self.made else "1 = 1"
        unmade = self.store.fetchall(f"SELECT level, idx FROM {NODES} WHERE {where} ORDER BY level, idx LIMIT {SHOWN}")
        if unmade:
            self.found["not implied by the records"] = [(int(level), int(idx)) for level, idx in unmade]
            self.counts["not implied by the records"] = int(self.store.fetchall(f"SELECT COUNT(*) FROM {NODES} WHERE {where}")[0][0])
        problems = []
        for what, nodes in self.found.items():
            if nodes:
                shown = ", ".join(f"(level {level}, index {index})" for level, index in sorted(nodes))
                problems.append(f"日志节点 log nodes {what}: {self.counts[what]}, e.g. {shown}")
        return problems


def check_tree(log: TransparencyLog, checkpoint: Checkpoint | None) -> list[str]:
    """The log against itself and its newest checkpoint (see the module's docstring). The leaves are hashed and their
    tree's nodes made and compared a page at a time (merkle.Frontier.extend)."""
    problems: list[str] = []
    frontier, reproduced, last_position = merkle.Frontier(), None, 0
    nodes = _StoredNodes(log.store)
    for page in log.logged_pages():
        gap = None  # positions are unique and ascending: the first and the last say whether any is missing
        if page[0].leaf_index != frontier.size or page[-1].leaf_index != frontier.size + len(page) - 1:
            gap = next(k for k, leaf in enumerate(page) if leaf.leaf_index != frontier.size + k)
            problems.append(
                f"日志叶子缺失 log leaves missing: positions {frontier.size + gap} to {page[gap].leaf_index - 1} are not stored"
            )
            page = page[:gap]
        for previous, leaf in zip([last_position, *(leaf.notification_id for leaf in page)], page, strict=False):
            if leaf.notification_id <= previous:
                problems.append(f"顺序 reordered: log position {leaf.leaf_index} ({_name(leaf)}) is not in commit order")
        last_position = page[-1].notification_id if page else last_position
        to_checkpoint = checkpoint.size - frontier.size if checkpoint is not None else 0
        for run in (page[:to_checkpoint], page[to_checkpoint:]) if 0 < to_checkpoint < len(page) else (page,):
            for level, first, hashes in frontier.extend([merkle.leaf_hash(leaf.record_hash) for leaf in run])[1:]:
                nodes.expect(level, first, hashes)
            if checkpoint is not None and frontier.size == checkpoint.size:
                reproduced = frontier.root()
        if gap is not None:
            break
    if checkpoint is not None and frontier.size < checkpoint.size:
        problems.append(
            f"日志只有 {frontier.size} 条记录，少于其检查点的 {checkpoint.size} 条 (the log holds fewer leaves than its newest "
            f"checkpoint: leaves from position {frontier.size} on were removed)"
        )
    elif checkpoint is not None and reproduced != checkpoint.root:
        problems.append(
            f"日志的叶子不能重现检查点 (the log's leaves do not reproduce the root of the checkpoint of {checkpoint.size} "
            f"records signed {checkpoint.time}: they were altered, removed or reordered)"
        )
    elif checkpoint is not None:
        problems += _case_heads_problems(log.store, checkpoint)
    return problems + nodes.rest()


def _case_heads_problems(store: SqlStore, checkpoint: Checkpoint) -> list[str]:
    """The checkpoint's case-head tree is the one its records make (each stream's last record, none left out), and
    so is the stored tree the next checkpoint will be folded from."""
    extension = CASE_HEADS if CASE_HEADS in checkpoint.extensions else CASE_HEADS_V1
    count, root = root_from_leaves(store, checkpoint.size, extension)
    problems = []
    if checkpoint.extensions.get(extension, "") != f"{count} {base64.b64encode(root).decode()}":
        problems.append(
            f"检查点的案件末条记录树与日志不符 (the case-head tree of the checkpoint of {checkpoint.size} records signed "
            f"{checkpoint.time} is not the one its records make: it commits to a stream's last record that is not the last, "
            "or leaves a stream out, so bundles proven against it could omit records)"
        )
    if extension == CASE_HEADS and (why := stored_problem(store, (count, root), checkpoint.size)):
        problems.append(
            f"存储的案件末条记录树已被改动 (the stored case-head tree is not the log's: {why}; the next checkpoint would sign it)"
        )
    return problems


def scope_of(log: TransparencyLog, checkpoint: Checkpoint | None, network_id: str) -> LogScope:
    return LogScope(log.head()[1], checkpoint.size if checkpoint else None, tuple(log.records_of(network_id)))


def _name(leaf: LoggedRecord) -> str:
    return f"case {leaf.stream_id} version {leaf.version} (log position {leaf.leaf_index})"
