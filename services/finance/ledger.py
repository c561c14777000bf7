"""The ledger's use cases (总账): posting balanced entries into the district's hash chain — one,
or many in one transaction — reversals, periods, accounts, and the ledger's queries (trial
balance at a date, account statements, entries by cause, export and verification in place).

Every movement of money in the service — receipts, holds, disbursements, relief payments, and
part 2's rent and loans — goes through `post_entry` / `post_entries`:

1. the draft is checked (balanced, ≥ 2 lines, amounts, kind) before anything is read;
2. the chain head is locked (repository.lock_for_posting): appends are serialised per district, so
   the chain order is well defined and the balance checks below cannot race;
3. the idempotency id: the same id with the same content returns the original entry; with
   other content it is refused (409);
4. the date (not in the future, not in a closed month), the accounts (known or derivable from
   the chart, open, postable) and the no-overdraft flags against the current balances;
5. lines, then the entry, then the balances and the chain head are written — in the caller's
   transaction, so a use case's business rows, its entries and its outbox commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from services.common.errors import NotFound
from services.common.stopwatch import NO_STOPWATCH

from . import repository
from .domain import chain, chart
from .domain.ledger import (
    Account,
    AccountNotPostable,
    Cause,
    EntryDraft,
    IdempotencyConflict,
    InvalidEntry,
    LedgerError,
    Line,
    Periods,
    UnknownAccount,
    check_accounts,
    check_draft,
    check_overdraft,
    check_reversible,
    reversal_lines,
)


def lock(uow, now: datetime) -> tuple[int, str]:
    """Take the district's chain lock now (a use case whose checks read more than balances —
    a budget, a request's status — takes it first, so those checks are serialised too)."""
    return repository.lock_chain(uow.session, uow.district, now)


def post_entry(uow, now: datetime, today: date, draft: EntryDraft, *, date_field: str = "posted_on",
               overdraft_field: str = "lines") -> tuple[repository.EntryRecord, bool]:
    """Post one entry; (the entry, True) when written now, (the original, False) on an
    idempotent replay."""
    [(record, created)] = _append(uow, now, today, [draft], date_field=date_field,
                                  overdraft_field=overdraft_field)
    return record, created


def post_entries(uow, now: datetime, today: date, drafts: Sequence[EntryDraft], *,
                 watch=NO_STOPWATCH) -> list[tuple[repository.EntryRecord, bool]]:
    """Post many entries in one transaction (a billing run, an import): checked as `post_entry`
    checks one, in order (each sees the balances the earlier ones leave), chained in that
    order, written as COPY streams on PostgreSQL. Nothing is written if one is refused."""
    return _append(uow, now, today, drafts, bulk=True, watch=watch)


def _append(uow, now, today, drafts, *, date_field="posted_on", overdraft_field="lines", bulk=False,
            watch=NO_STOPWATCH):
    session, district = uow.session, uow.district
    seen: set[str] = set()
    for i, draft in enumerate(drafts):
        try:
            check_draft(draft)
        except LedgerError as exc:
            if len(drafts) > 1:
                exc.field = f"entries[{i}].{exc.field}" if exc.field else f"entries[{i}]"
            raise
        if draft.idempotency_id in seen:
            raise InvalidEntry(f"idempotency id {draft.idempotency_id!r} appears twice in one posting",
                               "idempotency_id")
        seen.add(draft.idempotency_id)
    watch.lap("check")
    codes = sorted({ln.account for d in drafts for ln in d.lines})
    locked = repository.lock_for_posting(session, district, now, codes, [d.idempotency_id for d in drafts])
    existing = repository.entries_by_id(session, locked.existing.values())
    periods = Periods(locked.closed_through)
    out: list = [None] * len(drafts)
    new: list[tuple[int, EntryDraft]] = []
    for i, draft in enumerate(drafts):
        old = existing.get(locked.existing.get(draft.idempotency_id))
        if old is not None:
            if old.fingerprint(with_date=draft.date_given) != draft.fingerprint(with_date=draft.date_given):
                raise IdempotencyConflict(f"idempotency id {draft.idempotency_id!r} was already used for entry "
                                          f"{old.id} with other content", "idempotency_id")
            out[i] = (old, False)
            continue
        periods.check_postable(draft.posted_on, today, date_field)
        new.append((i, draft))
    if not new:
        return out
    accounts, balances = dict(locked.accounts), dict(locked.balances)
    opened = []
    for code in sorted({ln.account for _, d in new for ln in d.lines} - accounts.keys()):
        derived = chart.derive(code)
        if derived is not None:
            accounts[code] = derived
            opened.append(derived)
    for _, draft in new:
        check_accounts(draft.lines, accounts)
        balances.update(check_overdraft(draft.lines, accounts, balances, overdraft_field))
    watch.lap("read and check")
    recorded_at = chain.instant_text(now)
    seq = locked.seq
    numbered, line_rows = [], []
    deltas: dict[str, int] = {}
    for i, draft in new:
        seq += 1
        entry_id = str(uuid.uuid4())
        numbered.append((i, draft, entry_id, seq))
        for n, ln in enumerate(draft.lines, 1):
            line_rows.append({"entry_id": entry_id, "line_no": n, "account_code": ln.account,
                              "amount_fen": ln.amount_fen, "posted_on": draft.posted_on, "entry_seq": seq})
            deltas[ln.account] = deltas.get(ln.account, 0) + ln.amount_fen
    head = [locked.hash]

    def entry_rows():
        """The entries in chain order, each hashed as it is produced (in a bulk posting on
        PostgreSQL, while the server is inserting the ones before it)."""
        for i, draft, entry_id, number in numbered:
            c = draft.cause
            digest = chain.hash_of(
                district=district, seq=number, entry_id=entry_id, posted_on=draft.posted_on.isoformat(),
                kind=draft.kind, memo=draft.memo, idempotency_id=draft.idempotency_id, cause_type=c.type,
                cause_id=c.id, event_id=c.event_id, request_id=c.request_id, recorded_by=draft.recorded_by,
                recorded_at=recorded_at, reverses=draft.reverses, reason=draft.reason,
                lines=[(ln.account, ln.amount_fen) for ln in draft.lines], prev_hash=head[0])
            row = {"id": entry_id, "district": district, "seq": number, "posted_on": draft.posted_on,
                   "kind": draft.kind, "memo": draft.memo, "idempotency_id": draft.idempotency_id,
                   "cause_type": c.type, "cause_id": c.id, "event_id": c.event_id, "request_id": c.request_id,
                   "recorded_by": draft.recorded_by, "recorded_at": now, "reverses": draft.reverses,
                   "reason": draft.reason, "prev_hash": head[0], "hash": digest}
            out[i] = (repository.EntryRecord(**row, lines=draft.lines), True)
            head[0] = digest
            yield row

    watch.lap("number")
    repository.write_posting(session, district, now, opened=opened, entries=entry_rows(), lines=line_rows,
                             deltas=deltas, head=lambda: (seq, head[0]), bulk=bulk and len(numbered) > 50,
                             watch=watch)
    return out


# -- accountants' entries and reversals -----------------------------------------------------------

def manual_entry(uow, now: datetime, today: date, *, lines: Sequence[Line], memo: str, recorded_by: str,
                 posted_on: date | None = None, idempotency_id: str | None = None,
                 request_id: str | None = None) -> tuple[repository.EntryRecord, bool]:
    """An accountant's adjusting entry (调账). The no-overdraft flags hold here as everywhere."""
    for i, ln in enumerate(lines):
        known = chart.derive(ln.account)
        if known is not None and known.held:
            raise AccountNotPostable(f"lines[{i}]: money held for a disbursement request moves only when the "
                                     "request is approved or rejected", f"lines[{i}].account")
    key = idempotency_id or f"manual:{uuid.uuid4()}"
    draft = EntryDraft(kind="manual", posted_on=posted_on or today, memo=memo, lines=tuple(lines),
                       idempotency_id=key, cause=Cause("manual", key, request_id=request_id),
                       recorded_by=recorded_by, date_given=posted_on is not None)
    return post_entry(uow, now, today, draft)


def reverse_entry(uow, now: datetime, today: date, entry_id: str, *, reason: str, recorded_by: str,
                  posted_on: date | None = None, idempotency_id: str | None = None, request_id: str | None = None,
                  cause: Cause | None = None, allowed_kinds=frozenset({"manual"})
                  ) -> tuple[repository.EntryRecord, bool]:
    """Correct an entry by a reversal (冲销): its lines with the signs flipped, linking the
    original and carrying the reason, dated in the open period (today unless given)."""
    lock(uow, now)
    original = repository.entry(uow.session, entry_id)
    if original is None:
        raise NotFound(f"no journal entry {entry_id}")
    key = idempotency_id or f"reversal:{entry_id}"
    reversed_by = repository.reversal_of(uow.session, entry_id)
    if reversed_by is not None:
        done = repository.entry(uow.session, reversed_by)
        if done.idempotency_id == key and done.reason == reason:
            return done, False  # the same reversal asked again
    check_reversible(original.kind, reversed_by is not None, allowed_kinds=allowed_kinds)
    if not reason or not reason.strip():
        raise InvalidEntry("a reversal needs a reason", "reason")
    draft = EntryDraft(kind="reversal", posted_on=posted_on or today, memo=f"reversal of entry {original.seq}",
                       lines=reversal_lines(original.lines), idempotency_id=key,
                       cause=cause or Cause(original.cause_type, original.cause_id, request_id=request_id),
                       recorded_by=recorded_by, reverses=original.id, reason=reason,
                       date_given=posted_on is not None)
    return post_entry(uow, now, today, draft)


# -- periods --------------------------------------------------------------------------------------

def close_period(uow, now: datetime, today: date, month: str, closed_by: str) -> str:
    """Close a month (结账): from then on nothing may be dated in it."""
    lock(uow, now)
    periods = Periods(repository.closed_through(uow.session, uow.district))
    periods.check_closable(month, today)
    repository.close_month(uow.session, uow.district, month, closed_by, now)
    return month


def current_periods(session, district: str) -> tuple[Periods, list]:
    return Periods(repository.closed_through(session, district)), repository.periods(session, district)


# -- accounts -------------------------------------------------------------------------------------

def chart_accounts(session, *, type_=None, prefix=None, include_closed=True) -> list[tuple[Account, int]]:
    """The chart: every stored account with its balance, and the base accounts not used yet."""
    stored = repository.list_accounts(session, type_=type_, prefix=prefix, include_closed=include_closed)
    out = {r.code: (repository.account_from_row(r), r.balance_fen) for r in stored}
    for code, account in chart.BASE.items():
        if code not in out and (not type_ or account.type == type_) and (not prefix or code.startswith(prefix)):
            out[code] = (account, 0)
    return [out[c] for c in sorted(out)]


def account(session, code: str) -> tuple[Account, int]:
    accounts, balances = repository.load_accounts(session, [code])
    if code in accounts:
        return accounts[code], balances[code]
    derived = chart.derive(code)
    if derived is None:
        raise NotFound(f"no account {code} in the chart")
    return derived, 0


def open_account(uow, now: datetime, code: str) -> Account:
    """Open a sub-account the chart defines (e.g. 5101:P7) before its first posting."""
    lock(uow, now)
    accounts, _ = repository.load_accounts(uow.session, [code])
    if code in accounts:
        return accounts[code]
    derived = chart.derive(code)
    if derived is None:
        raise UnknownAccount(f"the chart has no account {code}", "code")
    repository.insert_accounts(uow.session, [derived], now)
    return derived


def close_account(uow, now: datetime, code: str) -> Account:
    """Close an account with a zero balance: later postings to it are refused."""
    lock(uow, now)
    accounts, balances = repository.load_accounts(uow.session, [code])
    if code not in accounts:
        derived = chart.derive(code)
        if derived is None:
            raise NotFound(f"no account {code} in the chart")
        repository.insert_accounts(uow.session, [derived], now)
        accounts[code], balances[code] = derived, 0
    if balances[code] != 0:
        raise AccountNotPostable(f"account {code} still holds a balance of {balances[code]} fen; move it first",
                                 "code")
    repository.set_account_closed(uow.session, code)
    return replace(accounts[code], closed=True)


# -- queries --------------------------------------------------------------------------------------

def trial_balance(session, as_of: date | None) -> dict:
    rows = repository.trial_balance(session, as_of)
    accounts, _ = repository.load_accounts(session, [r.account_code for r in rows])
    lines = []
    for r in rows:
        a = accounts.get(r.account_code) or chart.derive(r.account_code)
        debit, credit = int(r.debit_fen), int(r.credit_fen)
        lines.append({"account": r.account_code, "name": a.name if a else "", "type": a.type.value if a else None,
                      "debit_fen": debit, "credit_fen": credit, "balance_fen": debit - credit,
                      "natural_balance_fen": (debit - credit) * (a.normal_sign if a else 1)})
    debits = sum(x["debit_fen"] for x in lines)
    credits = sum(x["credit_fen"] for x in lines)
    return {"as_of": as_of, "accounts": lines, "debit_total_fen": debits, "credit_total_fen": credits,
            "balanced": debits == credits}


def statement(session, code: str, date_from: date, date_to: date, page: int, page_size: int) -> dict:
    a, _ = account(session, code)
    opening, total, running, rows = repository.statement(session, code, date_from, date_to, page, page_size)
    lines = []
    for r in rows:
        running += r.amount_fen
        lines.append({"entry_id": r.entry_id, "seq": r.entry_seq, "posted_on": r.posted_on, "kind": r.kind,
                      "memo": r.memo, "cause": {"type": r.cause_type, "id": r.cause_id},
                      "side": "debit" if r.amount_fen > 0 else "credit", "amount_fen": abs(r.amount_fen),
                      "balance_fen": running * a.normal_sign})
    closing = repository.balances_as_of(session, date_to, [code]).get(code, 0)
    return {"account": code, "name": a.name, "type": a.type.value, "from": date_from, "to": date_to,
            "opening_balance_fen": opening * a.normal_sign, "closing_balance_fen": closing * a.normal_sign,
            "total": total, "page": page, "page_size": page_size, "lines": lines}


def export(session, district: str, now: datetime) -> dict:
    """The district's journal as anju-ledger-export/1 (what `anju verify-ledger FILE` reads)."""
    return {"format": chain.EXPORT_FORMAT, "canonical_form": chain.FORMAT, "district": district,
            "exported_at": chain.instant_text(now), "head": repository.chain_head(session, district),
            "entries": [e.content() for e in repository.all_entries(session, district)]}


def verify_in_place(session, district: str) -> dict:
    """Recompute the chain and the trial balance from the stored rows, and compare every
    account's kept balance with the sum of its lines."""
    result = chain.verify((e.content() for e in repository.all_entries(session, district)),
                          head=repository.chain_head(session, district), district=district)
    mismatched = []
    if result.ok:
        kept = repository.stored_balances(session)
        for code in sorted(set(kept) | set(result.trial_balance)):
            tb = result.trial_balance.get(code, {"debit_fen": 0, "credit_fen": 0})
            if kept.get(code, 0) != tb["debit_fen"] - tb["credit_fen"]:
                mismatched.append({"account": code, "kept_fen": kept.get(code, 0),
                                   "from_lines_fen": tb["debit_fen"] - tb["credit_fen"]})
    debits, credits = result.totals()
    ok = result.ok and not mismatched and debits == credits
    return {"status": "OK" if ok else "MISMATCH", "ok": ok, "entries_verified": result.checked,
            "head": result.head, "first_mismatch": result.first_bad, "balance_mismatches": mismatched,
            "message": result.message() if not mismatched else
            f"{len(mismatched)} account balance(s) differ from the sum of their lines",
            "trial_balance": {"debit_total_fen": debits, "credit_total_fen": credits,
                              "accounts": [{"account": c, **v} for c, v in sorted(result.trial_balance.items())]}}


def entries(session, district: str, **filters) -> tuple[int, list[repository.EntryRecord]]:
    """Entries in chain order filtered by cause (type/id, event id, request id), kind, account
    and date range, paged (``page``, ``page_size``)."""
    return repository.list_entries(session, district=district, **filters)


def entry(session, entry_id: str) -> repository.EntryRecord:
    found = repository.entry(session, entry_id)
    if found is None:
        raise NotFound(f"no journal entry {entry_id}")
    return found
