"""The Merkle tree of the global log, with RFC 9162 hashing (section 2.1). Pure: no I/O.

    leaf hash = SHA-256(0x00 || leaf data)        node hash = SHA-256(0x01 || left || right)

A tree of n leaves is split at the largest power of two below n, so every subtree a proof needs is
either *perfect* (2^level leaves starting at a multiple of 2^level: stored once, never changed) or
lies on the right edge of the tree (folded from the perfect subtrees it is made of). The log stores
the perfect subtrees as (level, index) nodes; this module says which of them a proof needs.

Verification of proofs is deliberately not here: it lives in the standalone auditor's verifier
(verifier/audit_verifier.py), so that what the log produces is checked by separate code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index): the perfect subtree over leaves [index * 2^level, (index + 1) * 2^level)
Span = tuple[int, int]  # [start, end) leaf positions


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def nodes_of(span: Span) -> list[Node]:
    """The perfect subtrees that make up a span starting on a subtree boundary, left to right."""
    start, end = span
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):  # only reached for spans that do not start on a boundary
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a span from the hashes of its perfect subtrees (RFC 9162 splits left-heavy, so fold from the right)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_spans(index: int, size: int) -> list[Span]:
    """The subtrees whose hashes prove leaf `index` in a tree of `size` leaves, leaf upwards (RFC 9162 PATH)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    spans: list[Span] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            spans.append((start + k, end))
            end = start + k
        else:
            spans.append((start, start + k))
            start += k
    return spans[::-1]


def consistency_spans(old_size: int, new_size: int) -> list[Span]:
    """The subtrees whose hashes prove that the tree of `new_size` extends the one of `old_size` (RFC 9162 SUBPROOF)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size} leaves")
    spans: list[Span] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            spans.append((start + k, end))
            end = start + k
        else:
            spans.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        spans.append((start, end))
    return spans[::-1]


def span_hashes(spans: Sequence[Span], lookup: Callable[[set[Node]], dict[Node, bytes]]) -> list[bytes]:
    """Hash each span from stored perfect subtrees, fetched all at once through `lookup`."""
    parts = [nodes_of(span) for span in spans]
    stored = lookup({node for nodes in parts for node in nodes})
    return [fold([stored[node] for node in nodes]) for nodes in parts]


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over a list of leaf hashes, straight from the definition (for rebuilding and for tests)."""
    frontier = Frontier()
    for h in leaf_hashes:
        frontier.append(h)
    return frontier.root()


def frontier_of(leaf_hashes: Iterable[bytes], page: int = 10_000) -> Frontier:
    """The frontier of the tree over these leaves, taken a page at a time (`Frontier.extend`): for the root alone."""
    frontier, leaves = Frontier(), iter(leaf_hashes)
    while run := list(islice(leaves, page)):
        frontier.extend(run)
    return frontier


@dataclass
class Frontier:
    """The perfect subtrees a tree is made of (one per set bit of its size, largest first): all that is
    needed to append a leaf and to know the root. Appending returns the new nodes to store."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, size: int, lookup: Callable[[set[Node]], dict[Node, bytes]]) -> Frontier:
        nodes = nodes_of((0, size))
        stored = lookup(set(nodes))
        return cls(size, [stored[node] for node in nodes])

    def append(self, h: bytes) -> list[tuple[int, int, bytes]]:
        index, level = self.size, 0
        new = [(0, index, h)]
        # Each trailing 1-bit of the old size is a perfect subtree that the new leaf completes.
        for _ in range((self.size ^ (self.size + 1)).bit_length() - 1):
            h = node_hash(self.hashes.pop(), h)
            index, level = index >> 1, level + 1
            new.append((level, index, h))
        self.hashes.append(h)
        self.size += 1
        return new

    def extend(self, leaf_hashes: Sequence[bytes]) -> list[tuple[int, int, list[bytes]]]:
        """Append many leaves at once, a level at a time (what `append` does leaf by leaf, in a fifth of the time):
        returns, level by level from the leaves up, the index of the first node completed and the nodes completed."""
        size = self.size + len(leaf_hashes)
        # The frontier's subtree at each level, the highest first: one per set bit of the old size.
        pending = dict(zip([b for b in reversed(range(self.size.bit_length())) if self.size >> b & 1], self.hashes, strict=True))
        new, level, first, row = [], 0, self.size, list(leaf_hashes)
        while row:
            new.append((level, first, row))
            if first % 2:  # the row's first node completes the pending subtree on its left
                row, first = [pending.pop(level), *row], first - 1
            if len(row) % 2:  # the last node waits for its right sibling
                pending[level], row = row[-1], row[:-1]
            row = [hashlib.sha256(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row), 2)]
            level, first = level + 1, first // 2
        self.size, self.hashes = size, [pending[level] for level in sorted(pending, reverse=True)]
        return new

    def root(self) -> bytes:
        return fold(self.hashes)
