"""The ledger over HTTP: the chart, accountants' entries and reversals, periods, the trial
balance, statements, entries by cause, and the chain's export and verification."""

from __future__ import annotations

from datetime import date

from services.common import paging
from services.common.http import api

from .. import ledger, roles, schemas, views
from ..domain.ledger import line


class LedgerEntrypoints:
    @api("GET", "/accounts", query=schemas.AccountQuery, roles=roles.READ_BOOKS, response=schemas.AccountPage,
         summary="The chart of accounts (会计科目) with natural balances")
    def list_accounts(self, req):
        q = req.query
        with self.db.read() as s:
            rows = ledger.chart_accounts(s, type_=q["type"], prefix=q["prefix"], include_closed=q["include_closed"])
        return {"accounts": [views.account_view(a, balance) for a, balance in rows]}

    @api("POST", "/accounts", body=schemas.AccountIn, roles=roles.KEEP_BOOKS, status=201,
         response=schemas.AccountOut, summary="Open a sub-account the chart defines (e.g. 5101:P7)")
    def open_account(self, req):
        with self.db.unit_of_work() as uow:
            account = ledger.open_account(uow, self.clock.now(), req.body["code"])
            uow.commit()
        return views.account_view(account, 0)

    @api("GET", "/accounts/<code>", roles=roles.READ_BOOKS, response=schemas.AccountOut, summary="One account")
    def read_account(self, req):
        code = req.path["code"]
        with self.db.read() as s:
            account, balance = ledger.account(s, code)
        return views.account_view(account, balance)

    @api("POST", "/accounts/<code>/close", roles=roles.KEEP_BOOKS, response=schemas.AccountOut,
         summary="Close an account with a zero balance (later postings to it are refused)")
    def close_account(self, req):
        code = req.path["code"]
        with self.db.unit_of_work() as uow:
            account = ledger.close_account(uow, self.clock.now(), code)
            uow.commit()
        return views.account_view(account, 0)

    @api("GET", "/accounts/<code>/statement", query=schemas.StatementQuery, roles=roles.READ_BOOKS,
         response=schemas.StatementOut, summary="Account statement over a date range with running balance")
    def account_statement(self, req):
        code = req.path["code"]
        q = req.query
        date_to = q["date_to"] or self.clock.today()
        with self.db.read() as s:
            return ledger.statement(s, code, q["date_from"] or date(date_to.year, 1, 1), date_to, q["page"],
                                    q["page_size"])

    @api("POST", "/journal-entries", body=schemas.JournalEntryIn, roles=roles.KEEP_BOOKS, status=201,
         response=schemas.EntryOut, summary="Post a balanced journal entry (调账): 201, or 200 on a replay")
    def post_journal_entry(self, req):
        b = req.body
        lines = [line(ln["account"], ln["side"], ln["amount_fen"], i) for i, ln in enumerate(b["lines"])]
        with self.db.unit_of_work() as uow:
            entry, created = ledger.manual_entry(uow, self.clock.now(), self.clock.today(), lines=lines,
                                                 memo=b["memo"], recorded_by=req.principal.ref,
                                                 posted_on=b["posted_on"], idempotency_id=b["idempotency_id"],
                                                 request_id=req.request_id)
            uow.commit()
        return (201 if created else 200), views.entry_view(entry, replayed=not created)

    @api("GET", "/journal-entries", query=schemas.EntryQuery, roles=roles.READ_BOOKS, response=schemas.EntryPage,
         summary="Journal entries in chain order, by cause, kind, account or date, paged")
    def list_journal_entries(self, req):
        q = dict(req.query)
        return paging.read_page(self.db, q, lambda s: ledger.entries(s, self.config["DISTRICT"], **q), views.entry_view,
                                key="entries")

    @api("GET", "/journal-entries/<entry_id>", roles=roles.READ_BOOKS, response=schemas.EntryOut,
         summary="One journal entry with its lines and hashes")
    def read_journal_entry(self, req):
        entry_id = req.path["entry_id"]
        with self.db.read() as s:
            return views.entry_view(ledger.entry(s, entry_id))

    @api("POST", "/journal-entries/<entry_id>/reverse", body=schemas.ReverseIn, roles=roles.KEEP_BOOKS,
         status=201, response=schemas.EntryOut,
         summary="Correct an accountant's entry by a reversal linking it, with a reason (冲销)")
    def reverse_journal_entry(self, req):
        entry_id = req.path["entry_id"]
        b = req.body
        with self.db.unit_of_work() as uow:
            entry, created = ledger.reverse_entry(uow, self.clock.now(), self.clock.today(), entry_id,
                                                  reason=b["reason"], recorded_by=req.principal.ref,
                                                  posted_on=b["posted_on"], idempotency_id=b["idempotency_id"],
                                                  request_id=req.request_id)
            uow.commit()
        return (201 if created else 200), views.entry_view(entry, replayed=not created)

    @api("GET", "/trial-balance", query=schemas.AsOfQuery, roles=roles.READ_BOOKS, response=schemas.TrialBalanceOut,
         summary="Trial balance (试算平衡表) at any accounting date")
    def trial_balance(self, req):
        with self.db.read() as s:
            return ledger.trial_balance(s, req.query["as_of"])

    @api("GET", "/periods", roles=roles.READ_BOOKS, summary="Accounting periods: closed months, newest first")
    def list_periods(self, req):
        with self.db.read() as s:
            periods, rows = ledger.current_periods(s, self.config["DISTRICT"])
        return {"closed_through": periods.closed_through, "open_from": periods.open_from(),
                "closed": [{"month": r.month, "closed_by": r.closed_by, "closed_at": r.closed_at} for r in rows]}

    @api("POST", "/periods/<month>/close", roles=roles.KEEP_BOOKS,
         summary="Close a month (结账): months close in order, once ended; nothing may be dated in it after")
    def close_period(self, req):
        month = req.path["month"]
        with self.db.unit_of_work() as uow:
            closed = ledger.close_period(uow, self.clock.now(), self.clock.today(), month, req.principal.ref)
            uow.commit()
        return {"closed_through": closed}

    @api("GET", "/ledger/verify", roles=roles.AUDIT, response=schemas.VerificationOut,
         summary="Recompute the hash chain and trial balance in place: OK or the first entry that does not match")
    def verify_ledger(self, req):
        with self.db.read() as s:
            return ledger.verify_in_place(s, self.config["DISTRICT"])

    @api("GET", "/ledger/export", roles=roles.AUDIT,
         summary="The district's journal as anju-ledger-export/1 (check it with `anju verify-ledger FILE`)")
    def export_ledger(self, req):
        with self.db.read() as s:
            return ledger.export(s, self.config["DISTRICT"], self.clock.now())
