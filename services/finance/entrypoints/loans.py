"""Union housing loans over HTTP: products, applications and their approval by another officer,
disbursement, repayments, prepayments, the settlement quote and settlement, the daily overdue
check (timer and admin trigger) and delinquency by bucket."""

from __future__ import annotations

from services.common import paging
from services.common.http import api
from services.common.timers import config_timer

from .. import loans, roles, schemas, views
from ..domain.loans import TxKind, add_months
from ..domain.schedule import PrepaymentOption


class LoansEntrypoints:
    @api("PUT", "/loan-products/<code>", body=schemas.LoanProductIn, roles=roles.LEND,
         response=schemas.LoanProductOut, summary="Create or change a loan product (贷款产品)")
    def set_loan_product(self, req):
        with self.db.unit_of_work() as uow:
            row = loans.set_product(uow, self.clock.now(), req.path["code"], req.body, req.principal.ref)
            uow.commit()
            return views.product_view(row)

    @api("GET", "/loan-products", roles=roles.READ_BOOKS, response=schemas.LoanProductList, summary="Loan products")
    def list_loan_products(self, req):
        with self.db.read() as s:
            return {"products": [views.product_view(p) for p in loans.products(s)]}

    @api("POST", "/loans", body=schemas.LoanApplicationIn, roles=roles.LEND, status=201, response=schemas.LoanOut,
         summary="Take a loan application (within the product's maximum and terms)")
    def apply_for_loan(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            loan = loans.apply(uow, self.clock.now(), b["product_code"], b["person_ref"], b["amount_fen"],
                               b["term_months"], req.principal.ref)
            uow.commit()
            return views.loan_view(loan)

    @api("POST", "/loans/<loan_id>/decision", body=schemas.LoanDecisionIn, roles=roles.LEND,
         response=schemas.LoanOut, summary="Approve or reject an application: never by the officer who took it")
    def decide_loan(self, req):
        with self.db.unit_of_work() as uow:
            loan = loans.decide(uow, self.clock.now(), req.path["loan_id"], req.body["approve"], req.principal.ref,
                                req.body["reason"])
            uow.commit()
            return views.loan_view(loan)

    @api("POST", "/loans/<loan_id>/disbursement", roles=roles.LEND, response=schemas.LoanOut,
         summary="Pay an approved loan out of the union's fund; its schedule runs from today")
    def disburse_loan(self, req):
        today = self.clock.today()
        with self.db.unit_of_work() as uow:
            loan = loans.disburse(uow, self.clock.now(), today, req.path["loan_id"], req.principal.ref)
            state = loans.state(uow.session, loan, today)
            uow.commit()
            return views.loan_view(loan, state, lambda n: add_months(loan.disbursed_on, n))

    @api("GET", "/loans", query=schemas.LoanQuery, roles=roles.READ_BOOKS, response=schemas.LoanPage,
         summary="Loans in the order taken, with their state today and schedule, by status or borrower, paged")
    def list_loans(self, req):
        q, today = req.query, self.clock.today()
        with self.db.read() as s:
            total, found = loans.loans(s, **q)
            items = [views.loan_view(loan, loans.state(s, loan, today) if loan.disbursed_on else None,
                                     lambda n, loan=loan: add_months(loan.disbursed_on, n)) for loan in found]
        return paging.page_reply(q, total, items, key="loans")

    @api("GET", "/loans/<loan_id>", roles=roles.READ_BOOKS, response=schemas.LoanOut,
         summary="A loan with its schedule (principal, interest, the union's subsidy and the borrower's part)")
    def read_loan(self, req):
        with self.db.read() as s:
            loan = loans.get_loan(s, req.path["loan_id"])
            state = loans.state(s, loan, self.clock.today()) if loan.disbursed_on else None
            return views.loan_view(loan, state, lambda n: add_months(loan.disbursed_on, n))

    def _pay(self, req, kind, option=None):
        b, today = req.body, self.clock.today()
        with self.db.unit_of_work() as uow:
            tx, state, created = loans.pay(uow, self.clock.now(), today, req.path["loan_id"], kind, b["amount_fen"],
                                           b["paid_on"] or today, b["reference"], req.principal.ref, option)
            uow.commit()
        return (201 if created else 200), views.loan_tx_view(tx, state, replayed=not created)

    @api("POST", "/loans/<loan_id>/repayments", body=schemas.LoanPaymentIn, roles=roles.LEND, status=201,
         response=schemas.LoanTxOut, summary="A repayment, applied by the product's order; a backdated one "
                                             "reprocesses the loan from its date")
    def repay_loan(self, req):
        return self._pay(req, TxKind.REPAYMENT)

    @api("POST", "/loans/<loan_id>/prepayments", body=schemas.PrepaymentIn, roles=roles.LEND, status=201,
         response=schemas.LoanTxOut, summary="A partial prepayment: shorter term (same instalment) or same term "
                                             "(lower instalment)")
    def prepay_loan(self, req):
        return self._pay(req, TxKind.PREPAYMENT, PrepaymentOption(req.body["option"]))

    @api("GET", "/loans/<loan_id>/settlement-quote", query=schemas.QuoteQuery, roles=roles.READ_BOOKS,
         response=schemas.QuoteOut, summary="What settling the loan on a day costs (提前结清报价)")
    def loan_settlement_quote(self, req):
        with self.db.read() as s:
            return loans.quote(s, req.path["loan_id"], req.query["on"] or self.clock.today())

    @api("POST", "/loans/<loan_id>/settlement", body=schemas.LoanPaymentIn, roles=roles.LEND, status=201,
         response=schemas.LoanTxOut, summary="Settle the loan (结清) with at least the quote of the day paid")
    def settle_loan(self, req):
        return self._pay(req, TxKind.SETTLEMENT)

    def _check(self) -> dict:
        with self.db.unit_of_work() as uow:
            sent = loans.check_overdue(uow, self.clock.now(), self.clock.today())
            uow.commit()
        return {"overdue_notices": len(sent)}

    @config_timer("LOAN_CHECK_INTERVAL_SECONDS", 3600.0)
    def loan_check_timer(self):
        """Books interest fallen due and penalties, and sends overdue notices (each once)."""
        self._check()

    @api("POST", "/admin/loan-overdue/check", roles=roles.LEND, response=schemas.LoanCheckOut,
         summary="Book every active loan to today and send the overdue notices due (each once)")
    def check_loans_overdue(self, req):
        return self._check()

    @api("GET", "/loan-delinquency", roles=roles.READ_BOOKS, response=schemas.DelinquencyOut,
         summary="Active loans by delinquency bucket (current, 1–30, 31–60, 61–90, 90+ days)")
    def loan_delinquency(self, req):
        with self.db.read() as s:
            return {"buckets": loans.delinquency(s, self.clock.today())}
