"""The one place where things are wired together."""

from __future__ import annotations

from domain.policy import PROFILES
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.keystore import Keystore
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import PersonalDataVault


def build_ledger(settings: Settings | None = None) -> CaseLedger:
    settings = settings or Settings()
    database = Database(settings.db_url)
    keystore = Keystore(settings.keys, settings.key_passphrase)
    with database.schema_lock():
        vault = PersonalDataVault(database, keystore.master_key())
        return CaseLedger(database.eventsourcing_env(), keystore=keystore, vault=vault, policy=PROFILES[settings.policy])
