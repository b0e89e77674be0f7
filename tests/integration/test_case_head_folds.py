"""Checkpoints fold the log into the stored case-head tree on the write path: several signers at once, beside
writers, each sign the case heads their records make; a fold killed by kill -9 leaves the tree as it was, and
the next one completes it. On real SQLite and real PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

from domain.actor import SHANGHAI
from infrastructure.append_only import app_url
from infrastructure.bootstrap import build_transparency_log
from infrastructure.case_heads import FOLD_PAGE, CaseHeadTree, root_from_leaves
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.formats import CASE_HEADS
from infrastructure.ledger import CaseLedger
from infrastructure.sql_store import SqlStore
from infrastructure.verification import verify_ledger
from tests.server import ROOT
from tests.walkthrough import receive

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def test_checkpoints_signed_by_several_signers_beside_writers_each_commit_to_the_heads_their_records_make(
    ledger: CaseLedger, settings: Settings
) -> None:
    logs = [build_transparency_log(ledger, SqlStore(Database(settings.db_url))) for _ in range(3)]
    failures: list[BaseException] = []

    def signing(n: int) -> None:
        try:
            for k in range(8):
                logs[n].checkpoint(NOW + timedelta(seconds=10 * k + n))
        except BaseException as exc:
            failures.append(exc)

    def writing() -> None:
        try:
            for _ in range(15):
                receive(ledger)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writing), *(threading.Thread(target=signing, args=(n,)) for n in range(3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    notes = logs[0].checkpoints()
    assert len(notes) >= 3
    for note in notes:  # each against the tree recomputed from the leaves below its size
        text = note.partition("\n\n")[0].splitlines()
        count, root = root_from_leaves(logs[0].store, int(text[1]), CASE_HEADS)
        assert next(line for line in text if line.startswith(CASE_HEADS + " ")) == f"{CASE_HEADS} {count} {_b64(root)}"
    assert verify_ledger(ledger, processes=1).ok
    for log in logs:
        log.store.close()


def test_a_tree_stored_a_node_a_row_before_tiles_is_dropped_and_the_next_checkpoint_folds_it_again_from_the_log(
    ledger: CaseLedger, settings: Settings
) -> None:
    for _ in range(20):
        receive(ledger)
    store = SqlStore(Database(settings.db_url))
    build_transparency_log(ledger, store).checkpoint(NOW)
    with store.transaction():  # the layout of the version before: no tiles, a node a row beside the heads and the state
        store.execute("DROP TABLE tongban_case_head_tiles")
        store.execute("CREATE TABLE tongban_case_head_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BLOB NOT NULL)")
        store.execute("INSERT INTO tongban_case_head_nodes VALUES (0, 0, ?)", (b"\x01" * 32,))
        if store.is_postgres:  # as `tongban init` granted it to the application's role, which does not own it
            store.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON tongban_case_head_nodes TO tongban_app")
    receive(ledger)
    store.close()

    database = Database(settings.db_url)
    store = SqlStore(Database(app_url(database)) if database.is_postgres else database)
    log = build_transparency_log(ledger, store)  # what an upgraded server starts with, as the application's role
    assert store.fetchall("SELECT * FROM tongban_case_head_nodes") == [] and CaseHeadTree(store).folded() == (0, 0)
    note = log.checkpoint(NOW + timedelta(minutes=1)).partition("\n\n")[0].splitlines()

    count, root = root_from_leaves(store, int(note[1]), CASE_HEADS)
    assert count == 22 and f"{CASE_HEADS} {count} {_b64(root)}" in note  # 21 cases and the network, from the leaves alone
    assert CaseHeadTree(store).folded() == (int(note[1]), 22)
    assert verify_ledger(ledger, processes=1).ok
    store.close()


def a_log_of_100_000_leaves_and_no_tree(settings: Settings) -> SqlStore:
    """25,000 streams of four records each, logged but not yet folded: a fold of these takes a few seconds
    here, long enough to be killed in the middle."""
    store = SqlStore(Database(settings.db_url))
    store.execute(
        "CREATE TABLE tongban_log_leaves (leaf_index BIGINT PRIMARY KEY, notification_id BIGINT NOT NULL, "
        "stream_id TEXT NOT NULL, version BIGINT NOT NULL, record_hash BLOB NOT NULL)"
    )
    store.execute("CREATE INDEX tongban_log_leaves_stream ON tongban_log_leaves (stream_id, version)")  # as the log makes it
    streams = [f"00000000-0000-4000-8000-{n:012d}" for n in range(25_000)]
    leaves = [(i, i + 1, streams[i % 25_000], i // 25_000 + 1, hashlib.sha256(str(i).encode()).digest()) for i in range(100_000)]
    with store.transaction():
        store.insert("tongban_log_leaves", leaves)
    CaseHeadTree(store)  # its tables, as the log makes them
    return store


def folding(settings: Settings, script: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", script, settings.db_url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "folding"
    return process


def killed(process: subprocess.Popen[str]) -> None:
    assert process.poll() is None
    process.kill()  # kill -9
    process.wait(timeout=30)
    assert process.stdout is not None
    assert process.stdout.read() == ""  # it never got to the end


def test_a_fold_killed_mid_way_leaves_the_tree_as_it_was_and_the_next_fold_completes_it(settings: Settings) -> None:
    store = a_log_of_100_000_leaves_and_no_tree(settings)
    process = folding(settings, FOLD)
    time.sleep(0.5)
    killed(process)  # in the middle of the fold's one transaction

    tree = CaseHeadTree(store)
    assert tree.folded() == (0, 0)  # nothing of the killed fold was kept
    with store.transaction():
        assert tree.fold(100_000) == root_from_leaves(store, 100_000, CASE_HEADS)
    store.close()


def test_a_backlog_folds_a_page_per_transaction_and_killed_after_some_the_next_fold_goes_on_from_the_last_page(
    settings: Settings,
) -> None:
    store = a_log_of_100_000_leaves_and_no_tree(settings)
    tree = CaseHeadTree(store)
    process = folding(settings, FOLD_BACKLOG)
    deadline = time.monotonic() + 60
    while tree.folded()[0] == 0 and time.monotonic() < deadline:  # the first page is seen committed while the rest folds
        time.sleep(0.01)
    killed(process)

    folded, count = tree.folded()
    assert 0 < folded < 100_000 - FOLD_PAGE and folded % FOLD_PAGE == 0
    assert count == min(folded, 25_000)  # every stream's first record is in the first 25,000 leaves
    with store.transaction():
        assert tree.fold(folded) == root_from_leaves(store, folded, CASE_HEADS)  # the kept pages: a whole tree of that size
        assert tree.fold(100_000) == root_from_leaves(store, 100_000, CASE_HEADS)
    store.close()


FOLD = """
import sys
from infrastructure.case_heads import CaseHeadTree
from infrastructure.database import Database
from infrastructure.sql_store import SqlStore
store = SqlStore(Database(sys.argv[1]))
tree = CaseHeadTree(store)
print("folding", flush=True)
with store.transaction():
    tree.fold(100_000)
print("folded", flush=True)
"""
FOLD_BACKLOG = FOLD.replace("with store.transaction():\n    tree.fold(100_000)", "tree.fold_backlog(100_000, lambda: None)")


def _b64(root: bytes) -> str:
    return base64.b64encode(root).decode()
