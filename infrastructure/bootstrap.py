"""The one place where things are wired together."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError
from domain.policy import profile
from infrastructure.append_only import create_app_role, protect
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.idempotency import IdempotencyStore
from infrastructure.keystore import Keystore
from infrastructure.ledger import CaseLedger
from infrastructure.network_setup import initialise_network
from infrastructure.personal_data import PersonalDataVault
from infrastructure.principals import PrincipalStore
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import LogSigner, TransparencyLog


def build_ledger(settings: Settings | None = None) -> CaseLedger:
    """The ledger at settings.db_url, made (with its master key) if there is none yet: for `init` and `demo`."""
    return _ledger(settings or Settings(), create=True)


def open_ledger(settings: Settings | None = None) -> CaseLedger:
    """The ledger at settings.db_url, which must exist: creates no database, keystore or key to find out."""
    return _ledger(settings or Settings(), create=False)


def open_replica(settings: Settings) -> CaseLedger:
    """The ledger as the hot standby at settings.read_db_url holds it, for reads only (`serve --read-db`)."""
    return _ledger(settings, create=False, database=Database(settings.read_db_url, replica=True))


def _ledger(settings: Settings, create: bool, database: Database | None = None) -> CaseLedger:
    database = database or Database(settings.db_url)
    exists = database.has_ledger()
    if not exists and not create:
        raise DomainError(
            "NO_LEDGER",
            f"{database.url} 还没有台账，请先运行 tongban init (no ledger has been initialised there: run `tongban init` first).",
        )
    keystore = Keystore(settings.keys, settings.key_passphrase)
    master_key = keystore.master_key(create=not exists)
    with database.schema_lock():
        vault = PersonalDataVault(database, master_key)
        if not create:
            vault.check_guards_current()
        return CaseLedger(database.eventsourcing_env(), keystore=keystore, vault=vault, policy=profile(settings.policy))


def principal_store(
    ledger: CaseLedger, settings: Settings, *, with_token_key: bool = True, log: TransparencyLog | None = None
) -> PrincipalStore:
    """API principals, as the ledger's network records them, their tokens hashed under the keystore's token key."""
    key = Keystore(settings.keys, settings.key_passphrase).principal_token_key() if with_token_key else None
    return PrincipalStore(ledger, key, log)


def build_transparency_log(ledger: CaseLedger, store: SqlStore) -> TransparencyLog:
    """The global log over this ledger's records, signing checkpoints with the log key if this keystore holds it."""
    signer = None
    for origin, keys in ledger.verified_network().log_keys.items():
        for key_id, _ in keys:
            if ledger.keystore.has_key(key_id):
                signer = LogSigner(origin, ledger.keystore.signing_key(key_id))
    return TransparencyLog(store, signer)


def set_up(ledger: CaseLedger, database: Database, at: datetime) -> list[str]:
    """`tongban init`: the network and its keys, the log's tables, append-only protection and, on
    PostgreSQL, the application's restricted role. Safe to run twice; returns what was done."""
    policy = ledger.policy
    done = initialise_network(ledger, list(policy.institutions), policy.bureau_id, at) or [
        "the network and its keys were already set up: nothing to do"
    ]
    build_transparency_log(ledger, SqlStore(database)).store.close()  # the log's tables exist before they are protected
    with SqlStore(database) as control:  # and every ledger table before the application role's grants
        IdempotencyStore(control)
    events_table = ledger.recorder.events_table_name  # type: ignore[attr-defined]
    done += protect(database, events_table)
    if database.is_postgres:
        done += create_app_role(database, events_table)
    return done
