"""Append-only storage (只可追加): the event table and the log's tables refuse UPDATE, DELETE and TRUNCATE,
and on PostgreSQL the application connects with a role that may only insert and select there.

Applicants' data keys are never replaced, and one is destroyed only once every case of its applicant has
its signed erasure record (删除个人信息先记录后销毁): the database itself refuses anything else. On
PostgreSQL the application role may not delete them at all; it calls the one privileged function that does.
The destruction takes the writers' lock (recorders.py), so a key cannot go while a case sealed with it is
being recorded: the destruction waits, then sees that case.

A trigger stops the application, a bug or a careless operator; it does not stop a database superuser,
who can disable it. What stops that is the global log: a checkpoint saved earlier no longer matches.
"""

from __future__ import annotations

from psycopg.sql import SQL, Composable, Identifier, Literal

from infrastructure.database import Database
from infrastructure.event_table import APPLICATION_TOPIC, BY_APPLICANT, applicant_of
from infrastructure.idempotency import TABLE as IDEMPOTENCY_TABLE
from infrastructure.personal_data import DATA_KEYS_TABLE, OUTDATED_GUARDS, RETIRE_APPLICANT, RETIRED
from infrastructure.recorders import writers_lock
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import APPEND_ONLY_TABLES

APP_ROLE = "tongban_app"
REFUSAL = "the ledger is append-only (台账只可追加，不可修改或删除)"
KEY_REFUSAL = (
    "a data key is destroyed only after a signed erasure record is stored for every case of its applicant, and never "
    "replaced (数据密钥只能在申请人每个案件的删除记录签名入账后销毁，不可替换)"
)
ERASURE_TOPIC = "%.PersonalDataErased"


def _ddl(store: SqlStore, statement: str | Composable) -> None:
    """Run a statement as written: no placeholders (a trigger's message has its own '%')."""
    store.conn.execute(statement.as_string(store.conn) if isinstance(statement, Composable) else statement)


def protect(database: Database, events_table: str) -> list[str]:
    """Install the refusing triggers on the event table and the log's tables; returns what was done."""
    store = SqlStore(database)
    tables = (events_table, *APPEND_ONLY_TABLES)
    try:
        with database.schema_lock(), store.transaction():
            if database.is_postgres:
                _ddl(
                    store,
                    "CREATE OR REPLACE FUNCTION tongban_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"RAISE EXCEPTION '% on % refused: {REFUSAL}', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; "
                    "END $$",
                )
                for table in tables:
                    for name, when in (
                        ("tongban_append_only", "UPDATE OR DELETE ON {} FOR EACH ROW"),
                        ("tongban_no_truncate", "TRUNCATE ON {} FOR EACH STATEMENT"),
                    ):
                        _ddl(store, f"DROP TRIGGER IF EXISTS {name} ON {table}")
                        _ddl(store, f"CREATE TRIGGER {name} BEFORE {when.format(table)} EXECUTE FUNCTION tongban_refuse_change()")
            else:  # SQLite has no TRUNCATE: a DELETE without WHERE fires the row trigger
                for table in tables:
                    for op in ("UPDATE", "DELETE"):
                        _ddl(
                            store,
                            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                            f"BEGIN SELECT RAISE(ABORT, '{op} on {table} refused: {REFUSAL}'); END",
                        )
            _index_applications(store, database, events_table)
            _guard_data_keys(store, database, events_table)
    finally:
        store.close()
    return [
        f"made {', '.join(tables)} append-only (triggers refuse UPDATE, DELETE and TRUNCATE)",
        f"{DATA_KEYS_TABLE}: a key is destroyed only once every case of its applicant has a signed erasure record (the id then "
        "retired), and never replaced",
    ]


def _erased_everywhere(events: str, applicant: str) -> str:
    """SQL: OLD.applicant_id applied, and each of their applications has a signed erasure in its case. Found through
    the index of applications by applicant (`applicant`: its expression over the application `a`), so destroying a
    key reads a few rows, not the ledger."""
    applications = f"FROM {events} a WHERE a.topic LIKE '{APPLICATION_TOPIC}' AND {applicant} = OLD.applicant_id"
    return (
        f"EXISTS (SELECT 1 {applications}) AND NOT EXISTS (SELECT 1 {applications} "
        f"AND NOT EXISTS (SELECT 1 FROM {events} e WHERE e.originator_id = a.originator_id AND e.topic LIKE '{ERASURE_TOPIC}'))"
    )


def _index_applications(store: SqlStore, database: Database, events_table: str) -> None:
    """The index of applications by applicant, which erasure reads (on PostgreSQL through an immutable function:
    `convert_from` is only stable; a record that is not JSON is indexed as null, so tampering with one is not refused
    here but reported by verify)."""
    if database.is_postgres:
        _ddl(
            store,
            "CREATE OR REPLACE FUNCTION tongban_applicant_of(state bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ "
            "BEGIN RETURN convert_from(state, 'UTF8')::jsonb #>> '{body,payload,applicant,applicant_id}'; "
            "EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$",
        )
    _ddl(
        store,
        f"CREATE INDEX IF NOT EXISTS {BY_APPLICANT} ON {events_table} ({applicant_of(database.is_postgres)}) "
        f"WHERE topic LIKE '{APPLICATION_TOPIC}'",
    )


def _guard_data_keys(store: SqlStore, database: Database, events_table: str) -> None:
    if not database.is_postgres:
        erased = _erased_everywhere(events_table, applicant_of(postgres=False, column="a.state"))
        for outdated in (OUTDATED_GUARDS[1], f"{DATA_KEYS_TABLE}_update"):
            _ddl(store, f"DROP TRIGGER IF EXISTS {outdated}")
        for op, when in (("update", ""), ("delete", f"WHEN NOT ({erased})")):
            name = f"{DATA_KEYS_TABLE}_{op}_refused"
            _ddl(store, f"DROP TRIGGER IF EXISTS {name}")
            _ddl(
                store,
                f"CREATE TRIGGER {name} BEFORE {op.upper()} ON {DATA_KEYS_TABLE} {when} "
                f"BEGIN SELECT RAISE(ABORT, '{op.upper()} on {DATA_KEYS_TABLE} refused: {KEY_REFUSAL}'); END",
            )
        return
    schema = Identifier(database.schema or "public")
    keys, events = Identifier(database.schema or "public", DATA_KEYS_TABLE), Identifier(database.schema or "public", events_table)
    erased = _erased_everywhere(events.as_string(store.conn), applicant_of(postgres=True, column="a.state"))
    _ddl(
        store,
        "CREATE OR REPLACE FUNCTION tongban_refuse_unrecorded_erasure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' AND {erased} THEN RETURN OLD; END IF; "
        f"RAISE EXCEPTION '% on % refused: {KEY_REFUSAL}', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$",
    )
    for name, when in (
        ("tongban_erasure_recorded", "UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION tongban_refuse_unrecorded_erasure()"),
        ("tongban_no_truncate", "TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION tongban_refuse_change()"),
    ):
        _ddl(store, SQL("DROP TRIGGER IF EXISTS {} ON {}").format(Identifier(name), keys))
        _ddl(store, SQL("CREATE TRIGGER {} BEFORE " + when).format(Identifier(name), keys))
    # The one way the application role destroys a key (and retires the id: personal_data.RETIRED); the trigger above
    # still decides whether it may.
    _ddl(store, SQL("DROP FUNCTION IF EXISTS {}").format(SQL(OUTDATED_GUARDS[0])))
    _ddl(
        store,
        SQL(
            "CREATE OR REPLACE FUNCTION {}(applicant text) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = {} AS $$ "
            "DECLARE gone integer; BEGIN "
            "PERFORM pg_advisory_xact_lock(hashtext({})); "  # the writers' lock (recorders.py): writes sealing with the key land first
            "DELETE FROM {} WHERE applicant_id = applicant AND wrapped_key <> {}; GET DIAGNOSTICS gone = ROW_COUNT; "
            "INSERT INTO {} VALUES (applicant, {}) ON CONFLICT (applicant_id) DO NOTHING; "
            "RETURN gone > 0; END $$"
        ).format(
            Identifier(RETIRE_APPLICANT),
            schema,
            Literal(writers_lock(database.schema or "public", events_table)),
            keys,
            Literal(RETIRED),
            keys,
            Literal(RETIRED),
        ),
    )
    _ddl(store, SQL("REVOKE ALL ON FUNCTION {}(text) FROM PUBLIC").format(Identifier(RETIRE_APPLICANT)))


def create_app_role(database: Database, events_table: str, role: str = APP_ROLE) -> list[str]:
    """PostgreSQL: a login role that may only insert into and read the ledger's tables (events, the log,
    data keys, idempotency records) and keeps the read models, which are derived and rebuilt from the
    events, as usual. Its password is set by the operator."""
    store = SqlStore(database)
    schema = database.schema or "public"
    try:
        with database.schema_lock(), store.transaction():
            exists = store.fetchone("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,))
            if not exists:
                _ddl(store, SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(Identifier(role)))
            grant = [
                SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(Identifier(schema), Identifier(role)),
                SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(Identifier(schema), Identifier(role)),
                SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(Identifier(schema), Identifier(role)),
            ]
            for statement in grant:
                _ddl(store, statement)
            for table in (events_table, *APPEND_ONLY_TABLES, DATA_KEYS_TABLE, IDEMPOTENCY_TABLE):
                _ddl(store, SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(Identifier(table), Identifier(role)))
            _ddl(store, SQL("GRANT EXECUTE ON FUNCTION {}(text) TO {}").format(Identifier(RETIRE_APPLICANT), Identifier(role)))
    finally:
        store.close()
    return [
        f"role {role} may only insert into and select from {events_table}, the log's tables, the data keys and the "
        f"idempotency records (it destroys a data key through {RETIRE_APPLICANT} alone)"
        + ("" if exists else " (created; set its password, e.g. ALTER ROLE ... PASSWORD, before use)")
    ]


def app_url(database: Database, role: str = APP_ROLE) -> str:
    """The database URL the application should use: the same server and schema, as the restricted role."""
    head, _, rest = database.url.partition("://")
    host_part = rest.split("@", 1)[-1]
    return f"{head}://{role}@{host_part}"
