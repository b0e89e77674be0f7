"""The one place where things are wired together."""

from __future__ import annotations

from domain.policy import PROFILES
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.keystore import Keystore
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import PersonalDataVault
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import LogSigner, TransparencyLog


def build_ledger(settings: Settings | None = None) -> CaseLedger:
    settings = settings or Settings()
    database = Database(settings.db_url)
    keystore = Keystore(settings.keys, settings.key_passphrase)
    with database.schema_lock():
        vault = PersonalDataVault(database, keystore.master_key())
        return CaseLedger(database.eventsourcing_env(), keystore=keystore, vault=vault, policy=PROFILES[settings.policy])


def build_transparency_log(ledger: CaseLedger, store: SqlStore) -> TransparencyLog:
    """The global log over this ledger's records, signing checkpoints with the log key if this keystore holds it."""
    signer = None
    for cert in ledger.network().log_keys.values():
        if ledger.keystore.has_key(cert.key_id):
            signer = LogSigner(cert.origin, ledger.keystore.signing_key(cert.key_id))
    return TransparencyLog(store, ledger.recorder, signer)
