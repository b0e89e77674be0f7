"""Append-only storage (只可追加): the event table and the log's tables refuse UPDATE, DELETE and TRUNCATE,
and on PostgreSQL the application connects with a role that may only insert and select there.

A trigger stops the application, a bug or a careless operator; it does not stop a database superuser,
who can disable it. What stops that is the global log: a checkpoint saved earlier no longer matches.
"""

from __future__ import annotations

from psycopg.sql import SQL, Composable, Identifier

from infrastructure.database import Database
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import APPEND_ONLY_TABLES

APP_ROLE = "tongban_app"
REFUSAL = "the ledger is append-only (台账只可追加，不可修改或删除)"


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
    finally:
        store.close()
    return [f"made {', '.join(tables)} append-only (triggers refuse UPDATE, DELETE and TRUNCATE)"]


def create_app_role(database: Database, events_table: str, role: str = APP_ROLE) -> list[str]:
    """PostgreSQL: a login role that may only insert into and read the append-only tables, and may keep
    everything else (read models, principals, data keys) as usual. Its password is set by the operator."""
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
            for table in (events_table, *APPEND_ONLY_TABLES):
                _ddl(store, SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(Identifier(table), Identifier(role)))
    finally:
        store.close()
    return [
        f"role {role} may only insert into and select from {events_table} and the log's tables"
        + ("" if exists else " (created; set its password, e.g. ALTER ROLE ... PASSWORD, before use)")
    ]


def app_url(database: Database, role: str = APP_ROLE) -> str:
    """The database URL the application should use: the same server and schema, as the restricted role."""
    head, _, rest = database.url.partition("://")
    host_part = rest.split("@", 1)[-1]
    return f"{head}://{role}@{host_part}"
