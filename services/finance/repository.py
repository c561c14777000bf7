"""Rows of the finance service: the chart and its balances, the chained journal, periods,
receipts, budgets, disbursement requests and relief payments (row ↔ domain value).

The journal's busy paths use SQLAlchemy Core: a posting is one row lock on the chain head, one
read of the touched accounts, the lines then the entry (the order the journal's triggers
require: see models.py), one balance update per account and the head update. Bulk postings
send lines and entries as COPY streams on PostgreSQL (services.common.pg).

One database holds one district (DESIGN §4); the chain is still keyed by district, so an
export names the district every hash covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, case, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.common import pg
from services.common.stopwatch import NO_STOPWATCH

from . import models
from .domain import chain
from .domain.ledger import Account, AccountType, Line

ACCOUNTS = models.Account.__table__
CHAINS = models.LedgerChain.__table__
ENTRIES = models.JournalEntry.__table__
LINES = models.JournalLine.__table__
PERIODS = models.AccountingPeriod.__table__

_ENTRY_COLUMNS = ("id", "district", "seq", "posted_on", "kind", "memo", "idempotency_id", "cause_type", "cause_id",
                  "event_id", "request_id", "recorded_by", "recorded_at", "reverses", "reason", "prev_hash", "hash")
_LINE_COLUMNS = ("entry_id", "line_no", "account_code", "amount_fen", "posted_on", "entry_seq")
_ADD_TO_BALANCE = (update(ACCOUNTS).where(ACCOUNTS.c.code == bindparam("c"))
                   .values(balance_fen=ACCOUNTS.c.balance_fen + bindparam("d")))


# -- accounts -------------------------------------------------------------------------------------

def account_from_row(row) -> Account:
    return Account(code=row.code, name=row.name, type=AccountType(row.type), no_overdraft=bool(row.no_overdraft),
                   postable=bool(row.postable), closed=bool(row.closed), parent=row.parent_code,
                   fund_source=row.fund_source, earmark=row.earmark, project_id=row.project_id,
                   category=row.category, held=bool(row.held))


def load_accounts(session: Session, codes: Iterable[str]) -> tuple[dict[str, Account], dict[str, int]]:
    """The stored accounts among ``codes`` and their balances (debits − credits)."""
    codes = sorted(set(codes))
    if not codes:
        return {}, {}
    rows = session.execute(select(ACCOUNTS).where(ACCOUNTS.c.code.in_(codes))).all()
    return {r.code: account_from_row(r) for r in rows}, {r.code: r.balance_fen for r in rows}


def insert_accounts(session: Session, accounts: Sequence[Account], now: datetime) -> None:
    if accounts:
        session.execute(insert(ACCOUNTS), [account_row(a, now) for a in accounts])


def account_row(a: Account, now: datetime, balance_fen: int = 0) -> dict:
    return {"code": a.code, "name": a.name, "type": a.type.value, "normal_sign": a.normal_sign,
            "no_overdraft": a.no_overdraft, "postable": a.postable, "closed": a.closed, "parent_code": a.parent,
            "fund_source": a.fund_source, "earmark": a.earmark, "project_id": a.project_id,
            "category": a.category, "held": a.held, "balance_fen": balance_fen, "opened_at": now}


def add_to_balances(session: Session, deltas: dict[str, int]) -> None:
    moved = [{"c": code, "d": delta} for code, delta in sorted(deltas.items()) if delta]
    if moved:
        session.execute(_ADD_TO_BALANCE, moved)


def set_account_closed(session: Session, code: str) -> None:
    session.execute(update(ACCOUNTS).where(ACCOUNTS.c.code == code).values(closed=True))


def list_accounts(session: Session, *, type_: str | None = None, prefix: str | None = None,
                  include_closed: bool = True, fund_source: str | None = None) -> list:
    stmt = select(ACCOUNTS).order_by(ACCOUNTS.c.code)
    if type_:
        stmt = stmt.where(ACCOUNTS.c.type == type_)
    if prefix:
        stmt = stmt.where(ACCOUNTS.c.code.startswith(prefix, autoescape=True))
    if not include_closed:
        stmt = stmt.where(ACCOUNTS.c.closed.is_(False))
    if fund_source:
        stmt = stmt.where(ACCOUNTS.c.fund_source == fund_source)
    return session.execute(stmt).all()


def fund_accounts(session: Session) -> list:
    """Every stored bank sub-account of a fund (available 1002:… and held 1009:…)."""
    return session.execute(select(ACCOUNTS).where(ACCOUNTS.c.earmark.is_not(None))
                           .order_by(ACCOUNTS.c.code)).all()


# -- the chain ------------------------------------------------------------------------------------

def _insert_ignore(session: Session, table):
    dialect = postgresql if pg.is_postgresql(session) else sqlite
    return dialect.insert(table)


def lock_chain(session: Session, district: str, now: datetime) -> tuple[int, str]:
    """Lock the district's chain head for the rest of the transaction (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's writers are serialised already) and return (last seq, last hash).
    Every posting takes this lock first, so appends — and the balance checks made under it —
    happen one after another in a well-defined order."""
    stmt = select(CHAINS.c.last_seq, CHAINS.c.last_hash).where(CHAINS.c.district == district).with_for_update()
    row = session.execute(stmt).first()
    if row is None:
        session.execute(_insert_ignore(session, CHAINS).values(
            district=district, last_seq=0, last_hash=chain.GENESIS, updated_at=now).on_conflict_do_nothing())
        row = session.execute(stmt).first()
    return row.last_seq, row.last_hash


@dataclass(frozen=True)
class Locked:
    """What a posting reads once the chain head is locked."""

    seq: int
    hash: str
    closed_through: str | None
    accounts: dict[str, Account]   # the stored accounts among the posting's codes
    balances: dict[str, int]
    existing: dict[str, str]       # idempotency id → entry id, for the ids already used


_LOCK_FOR_POSTING = text("""
SELECT c.last_seq, c.last_hash,
       (SELECT max(p.month) FROM accounting_periods p WHERE p.district = c.district) AS closed_through,
       (SELECT json_agg(row_to_json(a)) FROM accounts a WHERE a.code = ANY(CAST(:codes AS text[]))) AS accounts,
       (SELECT json_agg(json_build_array(e.idempotency_id, e.id)) FROM journal_entries e
         WHERE e.district = c.district AND e.idempotency_id = ANY(CAST(:keys AS text[]))) AS existing
FROM ledger_chains c WHERE c.district = :district
FOR UPDATE OF c""")


def lock_for_posting(session: Session, district: str, now: datetime, codes: Sequence[str],
                     keys: Sequence[str]) -> Locked:
    """Lock the chain head (`lock_chain`) and read what the checks need — the head, the closed
    periods, the accounts with their balances, the idempotency ids already used — in one round
    trip on PostgreSQL (the lock is held until COMMIT, so the less happens under it, the more
    postings per second the district's chain takes)."""
    if pg.is_postgresql(session):
        params = {"district": district, "codes": pg.text_array(codes), "keys": pg.text_array(keys)}
        row = session.execute(_LOCK_FOR_POSTING, params).first()
        if row is None:
            lock_chain(session, district, now)
            row = session.execute(_LOCK_FOR_POSTING, params).first()
        stored = [SimpleNamespace(**a) for a in row.accounts or []]
        return Locked(row.last_seq, row.last_hash, row.closed_through, {a.code: account_from_row(a) for a in stored},
                      {a.code: int(a.balance_fen) for a in stored}, dict(row.existing or []))
    seq, last_hash = lock_chain(session, district, now)
    accounts, balances = load_accounts(session, codes)
    existing = dict(session.execute(select(ENTRIES.c.idempotency_id, ENTRIES.c.id).where(
        ENTRIES.c.district == district, ENTRIES.c.idempotency_id.in_(sorted(set(keys))))).all()) if keys else {}
    return Locked(seq, last_hash, closed_through(session, district), accounts, balances, existing)


_WRITE_POSTING = text("""
WITH lines AS (
  INSERT INTO journal_lines (entry_id, line_no, account_code, amount_fen, posted_on, entry_seq)
  SELECT * FROM unnest(CAST(:l_entry AS text[]), CAST(:l_no AS int[]), CAST(:l_code AS text[]),
                       CAST(:l_amount AS bigint[]), CAST(:l_posted AS date[]), CAST(:l_seq AS bigint[]))
), balances AS (
  UPDATE accounts a SET balance_fen = a.balance_fen + v.d
  FROM unnest(CAST(:b_code AS text[]), CAST(:b_delta AS bigint[])) AS v(c, d) WHERE a.code = v.c
)
UPDATE ledger_chains SET last_seq = :seq, last_hash = :hash, updated_at = :now WHERE district = :district""")
_BALANCES = text("""
UPDATE accounts a SET balance_fen = a.balance_fen + v.d
FROM unnest(CAST(:b_code AS text[]), CAST(:b_delta AS bigint[])) AS v(c, d) WHERE a.code = v.c""")


def write_posting(session: Session, district: str, now: datetime, *, opened: Sequence[Account],
                  entries: Iterable[dict], lines: Sequence[dict], deltas: dict[str, int], head, bulk: bool = False,
                  watch=NO_STOPWATCH) -> None:
    """Write a posting: accounts opened by it, the lines, then their entries (the entry row
    closes them: models.py), the balances and the chain head (``head()`` → (seq, hash), read
    once ``entries`` is consumed).

    PostgreSQL: lines, balances and head in one statement, then the entries; a bulk posting
    sends lines and entries as COPY streams, the entries pulled from ``entries`` as the server
    takes them (so the hash chain is computed while the server inserts). SQLite: one
    statement per table."""
    insert_accounts(session, opened, now)
    moved = sorted((code, delta) for code, delta in deltas.items() if delta)
    if pg.is_postgresql(session) and bulk:
        pg.copy_csv(session, f"COPY {LINES.name} ({', '.join(_LINE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                    _CsvFeed([ln[c] for c in _LINE_COLUMNS] for ln in lines))
        watch.lap("write lines")
        pg.copy_csv(session, f"COPY {ENTRIES.name} ({', '.join(_ENTRY_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                    _CsvFeed([e[c] for c in _ENTRY_COLUMNS] for e in entries))
        watch.lap("chain and write entries")
        session.execute(_BALANCES, {"b_code": pg.text_array([c for c, _ in moved]),
                                    "b_delta": pg.array_literal([d for _, d in moved])})
        seq, last_hash = head()
        advance_chain(session, district, seq, last_hash, now)
        watch.lap("balances")
        return
    entries = list(entries)
    seq, last_hash = head()
    if pg.is_postgresql(session):
        session.execute(_WRITE_POSTING, {
            "l_entry": pg.text_array([ln["entry_id"] for ln in lines]),
            "l_no": pg.array_literal([ln["line_no"] for ln in lines]),
            "l_code": pg.text_array([ln["account_code"] for ln in lines]),
            "l_amount": pg.array_literal([ln["amount_fen"] for ln in lines]),
            "l_posted": pg.text_array([ln["posted_on"].isoformat() for ln in lines]),
            "l_seq": pg.array_literal([ln["entry_seq"] for ln in lines]),
            "b_code": pg.text_array([c for c, _ in moved]), "b_delta": pg.array_literal([d for _, d in moved]),
            "seq": seq, "hash": last_hash, "now": now, "district": district})
        session.execute(insert(ENTRIES), entries)
    else:
        session.execute(insert(LINES), list(lines))
        session.execute(insert(ENTRIES), entries)
        add_to_balances(session, dict(moved))
        advance_chain(session, district, seq, last_hash, now)
    watch.lap("chain and write")


def advance_chain(session: Session, district: str, seq: int, last_hash: str, now: datetime) -> None:
    session.execute(update(CHAINS).where(CHAINS.c.district == district)
                    .values(last_seq=seq, last_hash=last_hash, updated_at=now))


def chain_head(session: Session, district: str) -> dict:
    row = session.execute(select(CHAINS.c.last_seq, CHAINS.c.last_hash)
                          .where(CHAINS.c.district == district)).first()
    return {"seq": row.last_seq, "hash": row.last_hash} if row else {"seq": 0, "hash": chain.GENESIS}


# -- entries --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EntryRecord:
    """A posted entry as stored, with its lines in order."""

    id: str
    district: str
    seq: int
    posted_on: date
    kind: str
    memo: str
    idempotency_id: str
    cause_type: str
    cause_id: str
    event_id: str | None
    request_id: str | None
    recorded_by: str
    recorded_at: datetime
    reverses: str | None
    reason: str | None
    prev_hash: str
    hash: str
    lines: tuple[Line, ...]

    def content(self) -> dict:
        """The hashed content and the stored hash (the export's shape)."""
        body = chain.content(district=self.district, seq=self.seq, entry_id=self.id, posted_on=self.posted_on,
                             kind=self.kind, memo=self.memo, idempotency_id=self.idempotency_id,
                             cause_type=self.cause_type, cause_id=self.cause_id, event_id=self.event_id,
                             request_id=self.request_id, recorded_by=self.recorded_by,
                             recorded_at=self.recorded_at, reverses=self.reverses, reason=self.reason,
                             lines=[(ln.account, ln.amount_fen) for ln in self.lines], prev_hash=self.prev_hash)
        body["hash"] = self.hash
        return body

    def fingerprint(self, *, with_date: bool = True) -> tuple:
        return (self.kind, self.posted_on if with_date else None, self.memo,
                tuple((ln.account, ln.amount_fen) for ln in self.lines), self.cause_type, self.cause_id,
                self.reverses, self.reason)


def _records(session: Session, rows) -> list[EntryRecord]:
    rows = list(rows)
    if not rows:
        return []
    lines: dict[str, list[Line]] = {r.id: [] for r in rows}
    for chunk_start in range(0, len(rows), 1000):
        ids = [r.id for r in rows[chunk_start:chunk_start + 1000]]
        for ln in session.execute(select(LINES.c.entry_id, LINES.c.account_code, LINES.c.amount_fen)
                                  .where(LINES.c.entry_id.in_(ids))
                                  .order_by(LINES.c.entry_id, LINES.c.line_no)):
            lines[ln.entry_id].append(Line(ln.account_code, ln.amount_fen))
    return [EntryRecord(**{c: getattr(r, c) for c in _ENTRY_COLUMNS}, lines=tuple(lines[r.id])) for r in rows]


def entry(session: Session, entry_id: str) -> EntryRecord | None:
    found = _records(session, session.execute(select(ENTRIES).where(ENTRIES.c.id == entry_id)))
    return found[0] if found else None


def entries_by_id(session: Session, ids: Iterable[str]) -> dict[str, EntryRecord]:
    ids = sorted(set(ids))
    out: dict[str, EntryRecord] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(ENTRIES).where(ENTRIES.c.id.in_(ids[start:start + 1000])))
        out.update({r.id: r for r in _records(session, rows)})
    return out


def reversal_of(session: Session, entry_id: str) -> str | None:
    return session.scalar(select(ENTRIES.c.id).where(ENTRIES.c.reverses == entry_id))


def _csv(v) -> str:
    """One CSV field as COPY reads it (NULL: the unquoted empty field; every string quoted)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if isinstance(v, datetime):
        return v.isoformat()
    return str(v)


class _CsvFeed:
    """The file-like a COPY … FROM STDIN (CSV) reads: rows produced a chunk at a time."""

    ROWS_PER_CHUNK = 200

    def __init__(self, rows):
        self.rows = iter(rows)

    def read(self, size: int = 0) -> str:
        batch = list(islice(self.rows, self.ROWS_PER_CHUNK))
        return "".join(",".join(map(_csv, row)) + "\n" for row in batch)


def list_entries(session: Session, *, district: str, cause_type=None, cause_id=None, event_id=None,
                 request_id=None, kind=None, account=None, posted_from=None, posted_to=None,
                 page: int = 1, page_size: int = 50) -> tuple[int, list[EntryRecord]]:
    stmt = select(ENTRIES).where(ENTRIES.c.district == district)
    for column, value in ((ENTRIES.c.cause_type, cause_type), (ENTRIES.c.cause_id, cause_id),
                          (ENTRIES.c.event_id, event_id), (ENTRIES.c.request_id, request_id),
                          (ENTRIES.c.kind, kind)):
        if value is not None:
            stmt = stmt.where(column == value)
    if posted_from is not None:
        stmt = stmt.where(ENTRIES.c.posted_on >= posted_from)
    if posted_to is not None:
        stmt = stmt.where(ENTRIES.c.posted_on <= posted_to)
    if account is not None:
        stmt = stmt.where(ENTRIES.c.id.in_(select(LINES.c.entry_id).where(LINES.c.account_code == account)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.execute(stmt.order_by(ENTRIES.c.seq).offset((page - 1) * page_size).limit(page_size))
    return total, _records(session, rows)


def all_entries(session: Session, district: str, batch: int = 2000):
    """Every entry of the district's chain in seq order, read in batches (for export and verify)."""
    after = 0
    while True:
        rows = session.execute(select(ENTRIES).where(ENTRIES.c.district == district, ENTRIES.c.seq > after)
                               .order_by(ENTRIES.c.seq).limit(batch)).all()
        if not rows:
            return
        yield from _records(session, rows)
        after = rows[-1].seq


# -- balances over time ---------------------------------------------------------------------------

def trial_balance(session: Session, as_of: date | None) -> list:
    """Per account: debit and credit totals of the lines dated up to ``as_of`` (all when None)."""
    debit = func.sum(case((LINES.c.amount_fen > 0, LINES.c.amount_fen), else_=0))
    credit = func.sum(case((LINES.c.amount_fen < 0, -LINES.c.amount_fen), else_=0))
    stmt = select(LINES.c.account_code, debit.label("debit_fen"), credit.label("credit_fen")) \
        .group_by(LINES.c.account_code).order_by(LINES.c.account_code)
    if as_of is not None:
        stmt = stmt.where(LINES.c.posted_on <= as_of)
    return session.execute(stmt).all()


def stored_balances(session: Session) -> dict[str, int]:
    return dict(session.execute(select(ACCOUNTS.c.code, ACCOUNTS.c.balance_fen)).all())


def balances_as_of(session: Session, as_of: date, codes: Sequence[str] | None = None) -> dict[str, int]:
    stmt = select(LINES.c.account_code, func.sum(LINES.c.amount_fen)).where(LINES.c.posted_on <= as_of) \
        .group_by(LINES.c.account_code)
    if codes is not None:
        stmt = stmt.where(LINES.c.account_code.in_(list(codes)))
    return {code: int(total) for code, total in session.execute(stmt)}


def statement(session: Session, code: str, date_from: date, date_to: date, page: int, page_size: int):
    """(opening balance before date_from, total lines in range, the page's lines with running
    balance — all signed debits − credits)."""
    opening = session.scalar(select(func.coalesce(func.sum(LINES.c.amount_fen), 0))
                             .where(LINES.c.account_code == code, LINES.c.posted_on < date_from)) or 0
    in_range = and_(LINES.c.account_code == code, LINES.c.posted_on >= date_from, LINES.c.posted_on <= date_to)
    order = (LINES.c.posted_on, LINES.c.entry_seq, LINES.c.line_no)
    total = session.scalar(select(func.count()).select_from(LINES).where(in_range))
    skip = (page - 1) * page_size
    before = 0
    if skip:
        inner = select(LINES.c.amount_fen).where(in_range).order_by(*order).limit(skip).subquery()
        before = session.scalar(select(func.coalesce(func.sum(inner.c.amount_fen), 0))) or 0
    rows = session.execute(
        select(LINES.c.entry_id, LINES.c.line_no, LINES.c.amount_fen, LINES.c.posted_on, LINES.c.entry_seq,
               ENTRIES.c.kind, ENTRIES.c.memo, ENTRIES.c.cause_type, ENTRIES.c.cause_id)
        .join(ENTRIES, ENTRIES.c.id == LINES.c.entry_id).where(in_range).order_by(*order)
        .offset(skip).limit(page_size)).all()
    return int(opening), total, int(opening) + int(before), rows


# -- periods --------------------------------------------------------------------------------------

def closed_through(session: Session, district: str) -> str | None:
    return session.scalar(select(func.max(PERIODS.c.month)).where(PERIODS.c.district == district))


def close_month(session: Session, district: str, month: str, by: str, now: datetime) -> None:
    session.execute(insert(PERIODS).values(district=district, month=month, closed_by=by, closed_at=now))


def periods(session: Session, district: str) -> list:
    return session.execute(select(PERIODS).where(PERIODS.c.district == district)
                           .order_by(PERIODS.c.month.desc())).all()


# -- the fund-flow report's sums ------------------------------------------------------------------

def fund_movements(session: Session, date_from: date, date_to: date) -> list:
    """Per fund bank sub-account and entry kind: the net amount moved within the period."""
    return session.execute(
        select(LINES.c.account_code, ENTRIES.c.kind, func.sum(LINES.c.amount_fen).label("amount"))
        .join(ENTRIES, ENTRIES.c.id == LINES.c.entry_id)
        .join(ACCOUNTS, ACCOUNTS.c.code == LINES.c.account_code)
        .where(ACCOUNTS.c.earmark.is_not(None), LINES.c.posted_on >= date_from, LINES.c.posted_on <= date_to)
        .group_by(LINES.c.account_code, ENTRIES.c.kind)).all()


def uses(session: Session, date_from: date, date_to: date) -> list:
    """Per (source, expense account): what disbursements and relief payments in the period took
    from each source's funds. Those entries have exactly one expense line, so pairing each
    fund-side credit with it attributes every fen once."""
    fund_line, use_line = LINES.alias("f"), LINES.alias("u")
    fund_acc, use_acc = ACCOUNTS.alias("fa"), ACCOUNTS.alias("ua")
    return session.execute(
        select(fund_acc.c.fund_source, use_acc.c.project_id, use_acc.c.category,
               func.sum(-fund_line.c.amount_fen).label("amount"))
        .select_from(fund_line)
        .join(ENTRIES, ENTRIES.c.id == fund_line.c.entry_id)
        .join(fund_acc, fund_acc.c.code == fund_line.c.account_code)
        .join(use_line, and_(use_line.c.entry_id == fund_line.c.entry_id, use_line.c.amount_fen > 0))
        .join(use_acc, and_(use_acc.c.code == use_line.c.account_code, use_acc.c.type == "expense"))
        .where(ENTRIES.c.kind.in_(("disbursement", "relief_payment")), fund_line.c.amount_fen < 0,
               fund_acc.c.earmark.is_not(None), fund_line.c.posted_on >= date_from,
               fund_line.c.posted_on <= date_to)
        .group_by(fund_acc.c.fund_source, use_acc.c.project_id, use_acc.c.category)).all()


# -- rent -----------------------------------------------------------------------------------------

INVOICES = models.RentInvoice.__table__
RENT_ACCOUNTS = models.RentAccount.__table__
_INVOICE_COLUMNS = ("id", "tenancy_id", "month", "period_start", "period_end", "days", "gross_fen", "reduction_fen",
                    "amount_fen", "paid_fen", "paid_off_on", "due_on", "issued_on", "entry_id")
_ADD_INVOICED = text("""
UPDATE rent_accounts a SET invoiced_fen = a.invoiced_fen + v.d
FROM unnest(CAST(:t AS text[]), CAST(:d AS bigint[])) AS v(t, d) WHERE a.tenancy_id = v.t""")
_ADD_INVOICED_EACH = (update(RENT_ACCOUNTS).where(RENT_ACCOUNTS.c.tenancy_id == bindparam("t"))
                      .values(invoiced_fen=RENT_ACCOUNTS.c.invoiced_fen + bindparam("d")))


def write_invoices(session: Session, rows: Sequence[dict], deltas: Sequence[tuple[str, int]]) -> None:
    """A billing run's invoices and the accounts' invoiced totals. Why a bulk path: a month of
    20,000 tenancies as ORM inserts and one UPDATE per account took ~30 s of a ~75 s run
    (bench/finance_billing.py); on PostgreSQL the invoices go as one COPY stream and the totals
    as one UPDATE … FROM unnest(arrays). Elsewhere (SQLite): executemany, the same result."""
    if not rows:
        return
    if pg.is_postgresql(session):
        pg.copy_csv(session, f"COPY {INVOICES.name} ({', '.join(_INVOICE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                    _CsvFeed([r[c] for c in _INVOICE_COLUMNS] for r in rows))
        session.execute(_ADD_INVOICED, {"t": pg.text_array([t for t, _ in deltas]),
                                        "d": pg.array_literal([d for _, d in deltas])})
        return
    session.execute(insert(INVOICES), list(rows))
    session.execute(_ADD_INVOICED_EACH, [{"t": t, "d": d} for t, d in deltas])
