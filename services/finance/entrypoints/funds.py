"""Funds over HTTP: receipts, fund balances, project budgets and two-step disbursements."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import funds, roles, schemas, settings, views


class FundsEntrypoints:
    @api("POST", "/fund-receipts", body=schemas.FundReceiptIn, roles=roles.RECORD_RECEIPTS, status=201,
         response=schemas.ReceiptCreatedOut,
         summary="Record money received from a fund source (资金到账), optionally earmarked")
    def record_receipt(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            receipt = funds.record_receipt(
                uow, self.clock.now(), self.clock.today(), b["source"], b["amount_fen"], b["reference"],
                b["received_on"], req.principal.ref, earmark_project_id=b.get("earmark_project_id"),
                for_relief=b.get("for_relief", False), posted_on=b.get("posted_on"), memo=b.get("memo", ""),
                request_id=req.request_id,
                relief_order=settings.relief_source_order(self.config))
            uow.commit()
        return {"receipt_id": receipt.id, "amount_fen": receipt.amount_fen, "earmark": receipt.earmark,
                "earmark_project_id": receipt.earmark_project_id, "entry_id": receipt.entry_id}

    @api("GET", "/fund-receipts", query=schemas.ReceiptQuery, roles=roles.READ_BOOKS, response=schemas.ReceiptPage,
         summary="Receipts by source, earmark, status, date or reference, newest first, paged")
    def list_receipts(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: funds.receipts(s, **q), views.receipt_view, key="receipts")

    @api("GET", "/fund-receipts/<receipt_id>", roles=roles.READ_BOOKS, response=schemas.ReceiptOut,
         summary="One receipt")
    def read_receipt(self, req):
        receipt_id = req.path["receipt_id"]
        with self.db.read() as s:
            return views.receipt_view(funds.receipt(s, receipt_id))

    @api("POST", "/fund-receipts/<receipt_id>/reverse", body=schemas.ReasonIn, roles=roles.RECORD_RECEIPTS,
         response=schemas.ReceiptOut, summary="Reverse a receipt recorded by mistake (冲销), with a reason")
    def reverse_receipt(self, req):
        receipt_id = req.path["receipt_id"]
        with self.db.unit_of_work() as uow:
            receipt, _ = funds.reverse_receipt(uow, self.clock.now(), self.clock.today(), receipt_id,
                                               req.body["reason"], req.principal.ref, req.request_id)
            uow.commit()
        return views.receipt_view(receipt)

    @api("GET", "/funds", roles=roles.READ_BOOKS, response=schemas.FundList,
         summary="Every fund: available, held for pending requests, balance")
    def list_funds(self, req):
        with self.db.read() as s:
            return {"funds": funds.fund_balances(s)}

    @api("PUT", "/projects/<project_id>/budget", body=schemas.BudgetIn, roles=roles.SET_BUDGETS,
         response=schemas.BudgetOut, summary="Set a housing project's budget (项目预算)")
    def set_project_budget(self, req):
        project_id = req.path["project_id"]
        with self.db.unit_of_work() as uow:
            funds.set_project_budget(uow, self.clock.now(), project_id, req.body["amount_fen"], req.principal.ref)
            uow.commit()
        with self.db.read() as s:
            return funds.project_budget(s, project_id)

    @api("GET", "/projects/<project_id>/budget", roles=roles.READ_BOOKS, response=schemas.BudgetOut,
         summary="A project's budget, approved and held disbursements")
    def read_project_budget(self, req):
        project_id = req.path["project_id"]
        with self.db.read() as s:
            return funds.project_budget(s, project_id)

    @api("POST", "/disbursement-requests", body=schemas.DisbursementRequestIn, roles=roles.DISBURSE, status=201,
         response=schemas.RequestOut, summary="Request a disbursement (拨付申请): holds the amount on the fund")
    def request_disbursement(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            request, created = funds.request_disbursement(
                uow, self.clock.now(), self.clock.today(), source=b["source"], amount_fen=b["amount_fen"],
                purpose=b["purpose"], requested_by=req.principal.ref, project_id=b["project_id"],
                earmark_project_id=b["earmark_project_id"], idempotency_id=b["idempotency_id"],
                request_id=req.request_id)
            uow.commit()
        return (201 if created else 200), views.request_view(request)

    @api("GET", "/disbursement-requests", query=schemas.RequestQuery, roles=roles.READ_BOOKS,
         response=schemas.RequestPage, summary="Disbursement requests by status, project, source or requester")
    def list_disbursement_requests(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: funds.disbursement_requests(s, **q), views.request_view,
                                key="requests")

    @api("GET", "/disbursement-requests/<request_id>", roles=roles.READ_BOOKS, response=schemas.RequestOut,
         summary="One disbursement request")
    def read_disbursement_request(self, req):
        request_id = req.path["request_id"]
        with self.db.read() as s:
            return views.request_view(funds.disbursement_request(s, request_id))

    @api("POST", "/disbursement-requests/<request_id>/approve", roles=roles.DISBURSE, response=schemas.RequestOut,
         summary="Approve another officer's request (审批): posts the held money to the project")
    def approve_disbursement(self, req):
        request_id = req.path["request_id"]
        with self.db.unit_of_work() as uow:
            request, _ = funds.approve_disbursement(uow, self.clock.now(), self.clock.today(), request_id,
                                                    req.principal.ref, req.request_id)
            uow.commit()
        return views.request_view(request)

    @api("POST", "/disbursement-requests/<request_id>/reject", body=schemas.ReasonIn, roles=roles.DISBURSE,
         response=schemas.RequestOut, summary="Reject another officer's request: releases the hold")
    def reject_disbursement(self, req):
        request_id = req.path["request_id"]
        with self.db.unit_of_work() as uow:
            request, _ = funds.reject_disbursement(uow, self.clock.now(), self.clock.today(), request_id,
                                                   req.principal.ref, req.body["reason"], req.request_id)
            uow.commit()
        return views.request_view(request)

    @api("GET", "/disbursements", query=schemas.DisbursementQuery, roles=roles.READ_BOOKS,
         response=schemas.DisbursementPage, summary="Approved disbursements by project, source or approval date")
    def list_disbursements(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: funds.disbursement_requests(
            s, status="approved", project_id=q["project_id"], source=q["source"], decided_from=q["approved_from"],
            decided_to=q["approved_to"], page=q["page"], page_size=q["page_size"]), views.request_view,
            key="disbursements")
