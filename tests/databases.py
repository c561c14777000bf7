"""Test databases on the local PostgreSQL: one place that names, creates and drops them.

Two test runs on one machine (two checkouts) keep apart by giving each its own
ANJU_TEST_DB_TAG, which prefixes every database name."""

import os

PG_ADMIN_URL = os.environ.get("ANJU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_TAG = os.environ.get("ANJU_TEST_DB_TAG", "")


def pg_name(suffix: str) -> str:
    return f"anju_test_{DB_TAG}{suffix}"


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _admin(*statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def create_database(name: str) -> str:
    """A new, empty database `name` (dropped first if it exists); its URL."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return pg_url(name)


def drop_database(*names: str) -> None:
    _admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
