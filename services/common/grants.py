"""Two database roles per service: the owner migrates, the runtime role only reads and writes rows.

Why: a service that owns its tables can ``ALTER TABLE … DISABLE TRIGGER``, drop a CHECK or
rewrite history — so a bug or a stolen database password could silently edit finance's
journal, whose immutability the triggers promise. On PostgreSQL the migration Job connects as
``<service>_owner`` (owner of the database and every table) and, after upgrading, grants the
runtime role (the one the service's pods log in as, ``DB_RUNTIME_ROLE``) exactly:

- ``SELECT`` on every table and ``USAGE, SELECT`` on every sequence;
- ``INSERT, UPDATE, DELETE`` on the tables the service changes;
- ``INSERT`` only on append-only tables (``Table(..., info={"append_only": True})`` — a journal,
  an audit history), with ``UPDATE, DELETE, TRUNCATE`` revoked as a second wall behind the
  triggers;
- nothing on ``alembic_version`` beyond reading it: only migrations move the schema.

Not being the owner, the runtime role cannot alter, disable or drop anything. The grants are
re-applied after every migration (idempotent), so a table a new migration adds is covered.
SQLite (development, tests) has no roles: there is nothing to do.
"""

from __future__ import annotations

import re

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SCHEMA_TABLE = "alembic_version"


def append_only_tables(metadata: MetaData) -> list[str]:
    """The tables a service declares append-only (``info={"append_only": True}``), sorted."""
    return sorted(name for name, table in metadata.tables.items() if table.info.get("append_only"))


def grant_statements(role: str, tables: list[str], append_only: list[str]) -> list[str]:
    """The SQL that gives ``role`` row access to ``tables`` (every table of the database, as the
    catalogue lists them) and insert-only access to ``append_only``."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"DB_RUNTIME_ROLE {role!r} is not a plain role name (a-z, 0-9, _; at most 63)")
    quoted = f'"{role}"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]
    for table in sorted(tables):
        name = f'public."{table}"'
        if table == SCHEMA_TABLE:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {name} FROM {quoted}")
        elif table in append_only:
            statements.append(f"GRANT INSERT ON {name} TO {quoted}")
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {quoted}")
        else:
            statements.append(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {quoted}")
    return statements


def grant_runtime_role(connection: Connection, role: str, metadata: MetaData) -> list[str]:
    """Apply the grants on a PostgreSQL connection owned by the migrating role; returns the
    statements run (for the Job's log). A runtime role that does not exist is an error the
    operator must fix (deploy/README.md, database roles), not something to create here."""
    if connection.dialect.name != "postgresql":
        return []
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        raise ValueError(f"DB_RUNTIME_ROLE {role!r} does not exist in this PostgreSQL cluster; "
                         "create the service's login role first (deploy/README.md)")
    tables = [row[0] for row in connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
    statements = grant_statements(role, tables, append_only_tables(metadata))
    for sql in statements:
        connection.execute(text(sql))
    return statements
