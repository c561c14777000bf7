"""Migration 0002 brings the ledger to a database of the skeleton: receipts recorded before the
ledger become receipt entries of the chain (which verifies), on SQLite and PostgreSQL; and it
downgrades cleanly, keeping the receipts."""

import os
from datetime import UTC, datetime

import psycopg2
import pytest
from sqlalchemy import create_engine, text

from services.common.migrations import downgrade, upgrade
from services.finance import ledger
from services.finance.domain import chain

ADMIN = os.environ.get("ANJU_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/legacy.db"
        return
    name = f"anju_test_{os.environ.get('ANJU_TEST_DB_TAG', '')}finance_legacy"

    def admin(sql):
        conn = psycopg2.connect(ADMIN)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.close()

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    yield ADMIN.rsplit("/", 1)[0] + "/" + name
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_receipts_of_the_skeleton_are_posted_into_the_chain(empty_db, monkeypatch):
    monkeypatch.setenv("DISTRICT", "demo")
    upgrade("finance", empty_db, "0001")
    engine = create_engine(empty_db.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.begin() as conn:
        for i, (source, amount) in enumerate([("donation", 100_050), ("union_funds", 7), ("donation", 20_000)]):
            conn.execute(text("INSERT INTO fund_receipts (id, source, amount_fen, reference, received_on, "
                              "recorded_by, recorded_at) VALUES (:id, :s, :a, :r, '2026-11-2' || :i, 'u1', :t)"),
                         {"id": f"r{i}", "s": source, "a": amount, "r": f"REF-{i}", "i": str(i),
                          "t": datetime(2026, 11, 20 + i, 8, tzinfo=UTC)})
    upgrade("finance", empty_db)
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        report = ledger.verify_in_place(s, "demo")
        assert report["status"] == "OK" and report["entries_verified"] == 3, report
        balances = dict(s.execute(text("SELECT code, balance_fen FROM accounts")).all())
        assert balances == {"1002:donation": 120_050, "4105": -120_050, "1002:union_funds": 7, "4103": -7}
        assert s.execute(text("SELECT count(*) FROM fund_receipts WHERE entry_id IS NULL")).scalar() == 0
        first = ledger.entries(s, "demo")[1][0]
        assert (first.cause_id, first.prev_hash, first.posted_on.isoformat()) == ("r0", chain.GENESIS, "2026-11-20")
    downgrade("finance", empty_db, "0001")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM fund_receipts")).scalar() == 3
    upgrade("finance", empty_db)
    engine.dispose()
