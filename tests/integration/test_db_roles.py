"""Two roles per service database on PostgreSQL (services/common/grants.py): the migration Job's
command, run as the database's owner with DB_RUNTIME_ROLE, leaves the runtime role able to read
and write rows — a whole finance flow runs as it — and unable to alter, disable or drop anything,
to rewrite the journal, or to move the schema version."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg2
import pytest
from databases import DB_TAG, _admin, pg_url
from finance_helpers import Finance, today

from services.common.config import SERVICES
from services.common.grants import grant_statements
from services.finance.service import FinanceService

pytestmark = pytest.mark.integration


@pytest.fixture
def owned_database():
    """`make(service)` → (owner URL, runtime URL) of a new database owned by a new owner role and
    migrated by the Job's own command; roles and databases are dropped afterwards."""
    made: list[tuple[str, str, str]] = []

    def make(service: str) -> tuple[str, str]:
        tag = f"{DB_TAG}{uuid.uuid4().hex[:8]}"
        owner, runtime, name = f"anju_t_{tag}_owner", f"anju_t_{tag}", f"anju_test_roles_{tag}_{service}"
        _admin(f'CREATE ROLE "{owner}" LOGIN', f'CREATE ROLE "{runtime}" LOGIN',
               f'CREATE DATABASE "{name}" OWNER "{owner}"', f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC',
               f'GRANT CONNECT, TEMPORARY ON DATABASE "{name}" TO "{runtime}"')
        made.append((owner, runtime, name))
        # PostgreSQL 15: public schema is owned by pg_database_owner, so the owner may create in it
        owner_url, runtime_url = (pg_url(name).replace("postgres@", f"{who}@", 1) for who in (owner, runtime))
        job = subprocess.run([sys.executable, "-m", "services.common.migrate", service],
                             env={**os.environ, "DATABASE_URL": owner_url, "DB_RUNTIME_ROLE": runtime},
                             capture_output=True, text=True, timeout=120)
        assert job.returncode == 0, job.stderr[-2000:]
        assert f"{runtime} granted row access" in job.stdout
        return owner_url, runtime_url

    yield make
    for owner, runtime, name in made:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'DROP ROLE IF EXISTS "{runtime}"',
               f'DROP ROLE IF EXISTS "{owner}"')


def _refused(url: str, sql: str, words: str) -> None:
    conn = psycopg2.connect(url)
    try:
        with pytest.raises(psycopg2.Error) as err, conn.cursor() as cur:
            cur.execute(sql)
        assert words in str(err.value), str(err.value)
    finally:
        conn.rollback()
        conn.close()


def _tables(url: str) -> list[str]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


@pytest.mark.parametrize("service", SERVICES)
def test_the_runtime_role_reads_and_writes_rows_but_cannot_change_the_schema(owned_database, service):
    owner_url, runtime_url = owned_database(service)
    tables = _tables(runtime_url)
    assert "outbox" in tables and "alembic_version" in tables
    conn = psycopg2.connect(runtime_url)
    try:
        with conn.cursor() as cur:
            for table in tables:
                cur.execute(f'SELECT count(*) FROM "{table}"')  # reads everything
            cur.execute("SELECT version_num FROM alembic_version")
            assert cur.fetchone() is not None
    finally:
        conn.close()
    _refused(runtime_url, "ALTER TABLE outbox ADD COLUMN sneaky text", "must be owner")
    _refused(runtime_url, "ALTER TABLE outbox DISABLE TRIGGER ALL", "must be owner")
    _refused(runtime_url, "DROP TABLE inbox", "must be owner")
    _refused(runtime_url, "CREATE TABLE public.mine (x int)", "permission denied")
    _refused(runtime_url, "UPDATE alembic_version SET version_num = 'x'", "permission denied")
    _refused(runtime_url, "TRUNCATE outbox", "permission denied")


def test_the_journal_cannot_be_rewritten_even_with_its_triggers_out_of_reach(owned_database):
    _, runtime_url = owned_database("finance")
    for table in ("journal_entries", "journal_lines"):
        _refused(runtime_url, f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
        _refused(runtime_url, f"DROP TRIGGER {table}_append_only ON {table}", "must be owner")
        _refused(runtime_url, f"UPDATE {table} SET posted_on = posted_on", "permission denied")
        _refused(runtime_url, f"DELETE FROM {table}", "permission denied")
        _refused(runtime_url, f"TRUNCATE {table}", "permission denied")


def test_the_assistance_audit_trail_is_insert_only_for_the_service(owned_database):
    _, runtime_url = owned_database("assistance")
    for sql in ("UPDATE audit_entries SET reason = 'x'", "DELETE FROM audit_entries", "TRUNCATE audit_entries"):
        _refused(runtime_url, sql, "permission denied")
    _refused(runtime_url, "ALTER TABLE audit_entries DISABLE TRIGGER ALL", "must be owner")


def test_finance_runs_its_flows_as_the_runtime_role(owned_database, service_config, running_service, dev_token):
    _, runtime_url = owned_database("finance")
    finance = Finance(running_service(FinanceService, service_config("finance", runtime_url)), dev_token)
    finance.receipt(1_000_000, "donation")
    assert finance.put("/projects/P1/budget", {"amount_fen": 500_000}).status_code == 200
    request = finance.post("/disbursement-requests", {"source": "donation", "project_id": "P1",
                                                      "amount_fen": 300_000, "purpose": "一期工程款"})
    assert request.status_code == 201, request.text
    approved = finance.post(f"/disbursement-requests/{request.json()['request_id']}/approve", who=finance.li)
    assert approved.status_code == 200, approved.text
    trial = finance.get(f"/trial-balance?as_of={today().isoformat()}", who=finance.auditor).json()
    assert trial["balanced"] and trial["debit_total_fen"] > 0
    assert finance.get("/ledger/verify", who=finance.auditor).json()["ok"] is True


def test_grants_name_each_table_once_and_refuse_odd_role_names():
    statements = grant_statements("finance", ["journal_lines", "outbox", "alembic_version"], ["journal_lines"])
    assert "GRANT INSERT ON public.\"journal_lines\" TO \"finance\"" in statements
    assert "REVOKE UPDATE, DELETE, TRUNCATE ON public.\"journal_lines\" FROM \"finance\"" in statements
    assert "GRANT INSERT, UPDATE, DELETE ON public.\"outbox\" TO \"finance\"" in statements
    assert not any("GRANT INSERT" in s and "alembic_version" in s for s in statements)
    for odd in ('fin"ance', "Finance", "x; DROP TABLE y", "", "a" * 64):
        with pytest.raises(ValueError, match="DB_RUNTIME_ROLE"):
            grant_statements(odd, [], [])


def test_a_missing_runtime_role_stops_the_job_with_a_sentence():
    name = f"anju_test_roles_{DB_TAG}missing"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        job = subprocess.run([sys.executable, "-m", "services.common.migrate", "notify"],
                             env={**os.environ, "DATABASE_URL": pg_url(name), "DB_RUNTIME_ROLE": "nobody_here"},
                             capture_output=True, text=True, timeout=120)
        assert job.returncode != 0 and "'nobody_here' does not exist" in job.stderr
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

