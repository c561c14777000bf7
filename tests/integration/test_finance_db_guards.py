"""The database's own guards on the journal, on SQLite and PostgreSQL alike (migrated schemas):
an unbalanced or one-line entry is refused, no line can be added to a posted entry, UPDATE and
DELETE are refused, and a no-overdraft account's kept balance cannot go below zero — whatever
the code above does."""

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import DBAPIError

from services.finance import models
from services.finance.domain import chain, chart

NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)
E, L, A = models.JournalEntry.__table__, models.JournalLine.__table__, models.Account.__table__


def _accounts(conn):
    for code in ("1002:donation", "4105"):
        a = chart.derive(code)
        conn.execute(insert(A).values(code=code, name=a.name, type=a.type.value, normal_sign=a.normal_sign,
                                      no_overdraft=a.no_overdraft, postable=True, closed=False, held=False,
                                      balance_fen=0, opened_at=NOW, earmark=a.earmark, fund_source=a.fund_source))


def _entry(conn, seq, amounts, entry_id=None):
    entry_id = entry_id or str(uuid.uuid4())
    for n, (code, amount) in enumerate(amounts, 1):
        conn.execute(insert(L).values(entry_id=entry_id, line_no=n, account_code=code, amount_fen=amount,
                                      posted_on=date(2026, 11, 30), entry_seq=seq))
    conn.execute(insert(E).values(id=entry_id, district="demo", seq=seq, posted_on=date(2026, 11, 30), kind="manual",
                                  memo="", idempotency_id=f"k{seq}-{entry_id}", cause_type="manual", cause_id="x",
                                  recorded_by="t", recorded_at=NOW, prev_hash=chain.GENESIS, hash="h" * 64))
    return entry_id


@pytest.fixture
def engine(store_for):
    store = store_for("finance")
    eng = create_engine(store.url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with eng.begin() as conn:
        _accounts(conn)
    yield eng
    eng.dispose()


def _refused(engine, work, words):
    with pytest.raises(DBAPIError) as err:
        with engine.begin() as conn:
            work(conn)
    assert words in str(err.value)


def test_a_balanced_entry_is_accepted(engine):
    with engine.begin() as conn:
        _entry(conn, 1, [("1002:donation", 500), ("4105", -500)])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal_lines")).scalar() == 2


@pytest.mark.parametrize("amounts", [[("1002:donation", 500), ("4105", -499)], [("1002:donation", 500)], []])
def test_an_unbalanced_or_one_line_entry_is_refused(engine, amounts):
    _refused(engine, lambda conn: _entry(conn, 1, amounts), "at least two lines")


def test_no_line_can_be_added_to_a_posted_entry(engine):
    with engine.begin() as conn:
        entry_id = _entry(conn, 1, [("1002:donation", 500), ("4105", -500)])
    _refused(engine, lambda conn: conn.execute(insert(L).values(
        entry_id=entry_id, line_no=3, account_code="4105", amount_fen=7, posted_on=date(2026, 11, 30),
        entry_seq=1)), "posted journal entry")


@pytest.mark.parametrize("sql", ["UPDATE journal_lines SET amount_fen = amount_fen * 2",
                                 "DELETE FROM journal_lines", "UPDATE journal_entries SET memo = 'x'",
                                 "DELETE FROM journal_entries"])
def test_the_journal_is_append_only(engine, sql):
    with engine.begin() as conn:
        _entry(conn, 1, [("1002:donation", 500), ("4105", -500)])
    _refused(engine, lambda conn: conn.execute(text(sql)), "append-only")


def test_a_no_overdraft_balance_cannot_go_below_zero(engine):
    _refused(engine, lambda conn: conn.execute(text(
        "UPDATE accounts SET balance_fen = -1 WHERE code = '1002:donation'")), "no_overdraft")
    with engine.begin() as conn:  # an income account has no such flag
        conn.execute(text("UPDATE accounts SET balance_fen = 5 WHERE code = '4105'"))


def test_the_models_build_the_same_sqlite_triggers_as_the_migration(tmp_path):
    from services.common.migrations import upgrade

    url = f"sqlite:///{tmp_path}/migrated.db"
    upgrade("finance", url)
    migrated, built = create_engine(url), create_engine(f"sqlite:///{tmp_path}/built.db")
    models.metadata.create_all(built)

    def triggers(eng):
        with eng.connect() as conn:
            return dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())

    assert triggers(migrated) == triggers(built) and len(triggers(built)) == 6
    migrated.dispose()
    built.dispose()
