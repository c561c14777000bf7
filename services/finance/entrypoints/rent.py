"""Rent over events and HTTP: tenancy.started / tenancy.ended in, the monthly billing run (timer
and admin trigger) with overdue detection, payments and their reversal, statements, arrears."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import Gauge

from services.common import paging
from services.common.events.inbox import inbox_handler
from services.common.http import api
from services.common.timers import config_timer

from .. import rent, roles, schemas, views
from ..domain.ledger import month_of, parse_month

BILLING_LAST_SUCCESS = Gauge(
    "anju_finance_billing_last_success_timestamp_seconds",
    "Unix time of the last monthly rent billing run that completed.", ["service", "district"])


class RentEntrypoints:
    @inbox_handler("allocation", "tenancy.started", schema=schemas.TenancyStartedIn)
    def on_tenancy_started(self, event):
        with self.db.unit_of_work() as uow:
            rent.open_account(uow, self.clock.now(), event.event_id, event.data, self.clock.today())
            uow.commit()

    @inbox_handler("allocation", "tenancy.ended", schema=schemas.TenancyEndedIn)
    def on_tenancy_ended(self, event):
        with self.db.unit_of_work() as uow:
            rent.end_tenancy(uow, self.clock.now(), self.clock.today(), event.data["tenancy_id"],
                             event.data["ended_on"])
            uow.commit()

    def _billing_run(self, month: str) -> dict:
        now, today = self.clock.now(), self.clock.today()
        with self.db.unit_of_work() as uow:
            issued = rent.bill_month(uow, now, today, month)
            rent.record_billing_run(uow, now, month, issued)
            uow.commit()
        with self.db.unit_of_work() as uow:
            notices = rent.detect_overdue(uow, now, today)
            uow.commit()
        BILLING_LAST_SUCCESS.labels(self.name, self.config["DISTRICT"]).set(now.timestamp())
        return {"month": month, "invoices": issued, "overdue_notices": len(notices)}

    @config_timer("RENT_BILLING_INTERVAL_SECONDS", 3600.0)
    def rent_billing_timer(self):
        """Bills last month's stragglers and this month (nothing when already billed: a month
        missed while the service was down is still billed), and sends due overdue notices."""
        today = self.clock.today()
        with self.db.unit_of_work() as uow:
            rent.bill_month(uow, self.clock.now(), today, month_of(today.replace(day=1) - timedelta(days=1)))
            uow.commit()
        self._billing_run(month_of(today))

    @api("POST", "/admin/rent-billing/<month>", roles=roles.COLLECT_RENT, response=schemas.BillingRunOut,
         summary="Run the monthly rent billing for a month (YYYY-MM, not after this one): a month is billed once")
    def run_rent_billing(self, req):
        month = req.path["month"]
        parse_month(month)
        return self._billing_run(month)

    @api("POST", "/rent-accounts/<tenancy_id>/payments", body=schemas.RentPaymentIn, roles=roles.COLLECT_RENT,
         status=201, response=schemas.RentPaymentOut,
         summary="Record rent paid (租金缴纳): allocated oldest invoice first, any excess kept as credit")
    def record_rent_payment(self, req):
        tenancy_id, b = req.path["tenancy_id"], req.body
        with self.db.unit_of_work() as uow:
            payment, created = rent.record_payment(uow, self.clock.now(), self.clock.today(), tenancy_id,
                                                   b["amount_fen"], b["paid_on"] or self.clock.today(),
                                                   b["reference"], req.principal.ref, request_id=req.request_id)
            uow.commit()
        return (201 if created else 200), views.rent_payment_view(payment, replayed=not created)

    @api("POST", "/rent-payments", body=schemas.RentPaymentBatchIn, roles=roles.COLLECT_RENT, status=201,
         response=schemas.RentPaymentBatchOut,
         summary="Record a batch of rent payments (a bank's collection file, 银行批量代扣): all or none; "
                 "a refused one is named payments.<i>.<field>")
    def record_rent_payments(self, req):
        with self.db.unit_of_work() as uow:
            done = rent.record_payments(uow, self.clock.now(), self.clock.today(), req.body["payments"],
                                        req.principal.ref, request_id=req.request_id)
            uow.commit()
        created = sum(1 for _, new in done if new)
        return (201 if created else 200), {
            "recorded": created, "replayed": len(done) - created,
            "payments": [views.rent_payment_view(p, replayed=not new) for p, new in done]}

    @api("POST", "/rent-accounts/<tenancy_id>/payments/<payment_id>/reversal", body=schemas.ReasonIn,
         roles=roles.COLLECT_RENT, response=schemas.RentPaymentOut,
         summary="Reverse a rent payment entered by mistake (冲销); invoices are re-allocated in date order")
    def reverse_rent_payment(self, req):
        with self.db.unit_of_work() as uow:
            payment = rent.reverse_payment(uow, self.clock.now(), self.clock.today(), req.path["tenancy_id"],
                                           req.path["payment_id"], req.body["reason"], req.principal.ref)
            uow.commit()
        return views.rent_payment_view(payment)

    @api("GET", "/rent-accounts/<tenancy_id>/statement", roles=roles.READ_BOOKS, response=schemas.RentStatementOut,
         summary="A tenancy's rent statement: invoices, payments, what is owed and its ageing")
    def rent_statement(self, req):
        with self.db.read() as s:
            return views.rent_statement_view(rent.statement(s, req.path["tenancy_id"], self.clock.today()))

    @api("GET", "/rent-accounts", query=schemas.RentAccountQuery, roles=roles.READ_BOOKS,
         response=schemas.RentAccountPage,
         summary="Every tenancy's rent account (invoiced, paid, owed, credit) by tenancy id, paged")
    def list_rent_accounts(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: rent.accounts(s, **q), views.rent_account_view, key="accounts")

    @api("GET", "/rent-invoices", query=schemas.RentInvoiceQuery, roles=roles.READ_BOOKS,
         response=schemas.RentInvoicePage,
         summary="Rent invoices of every tenancy by tenancy and month (a month's, unpaid ones, due by a day), paged")
    def list_rent_invoices(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: rent.invoices(s, **q), views.rent_invoice_line_view,
                                key="invoices")

    @api("GET", "/rent-arrears", query=schemas.ArrearsQuery, roles=roles.READ_BOOKS, response=schemas.ArrearsPage,
         summary="Rent accounts in arrears with their ageing (1–30, 31–60, 61–90, 90+ days), oldest debt first")
    def list_rent_arrears(self, req):
        q = req.query
        with self.db.read() as s:
            total, found, totals = rent.in_arrears(s, self.clock.today(), q["bucket"], q["page"], q["page_size"])
        accounts = [{"account": views.rent_account_view(a), "arrears": views.arrears_view(x)} for a, x in found]
        return {**paging.page_reply(q, total, accounts, key="accounts"), "totals": totals}
